"""Engine, session factory and the unit of work, for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


class DatabaseUrlError(ValueError):
    """The configured database URL cannot be used."""


class DatabaseUnavailableError(Exception):
    """The database is locked, busy or out of reach for now. The unit of work was rolled back,
    so nothing of it was written; trying again later is safe."""


# SQLite says "operational error" for a missing table too; only these pass with time.
_SQLITE_TRANSIENT = ("locked", "busy", "unable to open", "disk i/o")


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, OperationalError) and type(error.orig).__module__.startswith("sqlite3"):
        return any(reason in str(error.orig).lower() for reason in _SQLITE_TRANSIENT)
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout):
        return True  # the server is busy or restarting, a lost connection, no connection free
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    # asyncpg cannot reach the server at all: the socket's own error, unwrapped.
    return isinstance(error, ConnectionError | TimeoutError)


def parse_database_url(raw: str) -> URL:
    """Parse and check a database URL; plain `sqlite:`/`postgresql:` get their async driver."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"'{raw}' is not a database URL") from exc
    if url.drivername in ("sqlite", "sqlite+pysqlite"):
        url = url.set(drivername="sqlite+aiosqlite")
    elif url.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+asyncpg")
    if url.drivername not in SUPPORTED_DRIVERS:
        raise DatabaseUrlError(
            f"database driver '{url.drivername}' is not supported; "
            "use sqlite+aiosqlite:///file.db or postgresql+asyncpg://user@host/db"
        )
    return url


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the bot and a CLI command (export, db upgrade) use the file at the same time.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, tuple | list):
        return type(value)(_without_nul(item) for item in value)
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    return value


def _strip_nul_characters(
    _connection: Any,
    _cursor: Any,
    statement: str,
    parameters: Any,
    _context: Any,
    _executemany: bool,
) -> tuple[str, Any]:
    # PostgreSQL cannot store NUL in text and fails the whole update; a NUL someone typed
    # carries nothing, so it is dropped on every database alike.
    return statement, _without_nul(parameters)


def create_engine(raw_url: str | URL, **kwargs: Any) -> AsyncEngine:
    url = parse_database_url(raw_url) if isinstance(raw_url, str) else raw_url
    # hide_parameters: a failed statement's error (logged with its traceback) would otherwise
    # carry its parameters, i.e. what people typed.
    engine = create_async_engine(
        url,
        pool_pre_ping=url.drivername != "sqlite+aiosqlite",
        hide_parameters=True,
        **kwargs,
    )
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _enable_sqlite_pragmas)
    event.listen(engine.sync_engine, "before_cursor_execute", _strip_nul_characters, retval=True)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@dataclass(frozen=True)
class _OpenUnit:
    session: AsyncSession
    task: asyncio.Task[Any] | None


class Database:
    """The engine and the unit of work.

    A Telegram update is handled in one unit of work: the handler opens it, every service call
    made while it is open joins its session and transaction, and the whole update commits (or
    rolls back) at once. Work outside an update (a check-in round, the command line) opens a
    unit per call. A unit belongs to the task that opened it, so a task started from inside a
    handler (a check-in round kicked off by `/checkin now`) never borrows the handler's session.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = create_session_factory(engine)
        self._open: ContextVar[_OpenUnit | None] = ContextVar(
            f"unit-of-work-{id(self)}", default=None
        )

    @classmethod
    def connect(cls, raw_url: str | URL, **kwargs: Any) -> Database:
        return cls(create_engine(raw_url, **kwargs))

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """Join the unit of work this task has open, or open one that commits when it ends.
        A locked or unreachable database ends the unit with `DatabaseUnavailableError`."""
        task = asyncio.current_task()
        current = self._open.get()
        if current is not None and current.task is task:
            yield current.session
            return
        try:
            async with self._sessions.begin() as session:
                token = self._open.set(_OpenUnit(session, task))
                try:
                    yield session
                finally:
                    self._open.reset(token)
        except Exception as error:
            if _is_transient(error):
                raise DatabaseUnavailableError(str(error)) from error
            raise

    @property
    def in_unit_of_work(self) -> bool:
        current = self._open.get()
        return current is not None and current.task is asyncio.current_task()

    async def dispose(self) -> None:
        await self.engine.dispose()


async def wait_until_reachable(
    raw_url: str | URL,
    within: float,
    on_wait: Callable[[str], None] | None = None,
    *,
    pause: float = 1.0,
) -> None:
    """Return once the database answers; raise the last error after `within` seconds.

    For a start next to the database server (compose, a reboot): the server may still be
    starting while the bot already is.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    engine = create_engine(raw_url)
    try:
        while True:
            try:
                async with engine.connect() as connection:
                    await connection.exec_driver_sql("SELECT 1")
                return
            except Exception as error:
                # OSError: also a host name not known yet (a container network coming up).
                waiting = _is_transient(error) or isinstance(error, OSError)
                if not waiting or loop.time() + pause > deadline:
                    raise
                if on_wait is not None:
                    on_wait(f"{error.__class__.__name__}: {error}".splitlines()[0])
                await asyncio.sleep(pause)
    finally:
        await engine.dispose()

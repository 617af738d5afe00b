"""Back up and restore the database: SQLite through its online backup API (safe while the bot
runs), PostgreSQL through pg_dump's custom format and pg_restore.

Backups are written beside their target and moved into place when complete, so a failed
backup never leaves half a file nor replaces a good one. A restore replaces everything in the
database of DATABASE_URL, in one transaction: when it fails, the database is as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import URL

from storage.database import parse_database_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
Kind = Literal["SQLite", "PostgreSQL"]


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why in one sentence."""


class RestoreTargetInUseError(BackupError):
    """The database to restore into already holds data, and replacing it was not confirmed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    kind: Kind
    size: int


def describe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def backup_database(database_url: str, target: Path) -> BackupResult:
    """Write a backup of the database to `target` (replacing an older file there)."""
    url = parse_database_url(database_url)
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name like {target}/steunpunt.backup.")
    if not target.parent.is_dir():
        raise BackupError(f"There is no folder {target.parent} to write the backup to.")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        if url.get_backend_name() == "sqlite":
            kind: Kind = "SQLite"
            source = _sqlite_path(url)
            if not source.is_file():
                raise BackupError(f"There is no database at {source} (DATABASE_URL) to back up.")
            if source.resolve() == target.resolve():
                raise BackupError(
                    "The backup would replace the database itself; choose another file."
                )
            _sqlite_copy(source, partial)
        else:
            kind = "PostgreSQL"
            _run(
                url,
                ["pg_dump", "--format=custom", "--no-password", f"--file={partial}"],
                f"Cannot back up {describe(url)}",
            )
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.replace(target)
        _fsync_folder(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, kind, target.stat().st_size)


def restore_database(database_url: str, source: Path, *, replace: bool) -> Kind:
    """Put the backup `source` in place of the database's contents. Without `replace`, a
    database that already holds data is left alone (`RestoreTargetInUseError`)."""
    url = parse_database_url(database_url)
    if not source.is_file():
        raise BackupError(f"There is no backup file {source}.")
    kind = backup_kind(source)
    wanted: Kind = "SQLite" if url.get_backend_name() == "sqlite" else "PostgreSQL"
    if kind != wanted:
        raise BackupError(
            f"{source} is a {kind} backup, but DATABASE_URL ({describe(url)}) is a {wanted} "
            "database; restore it into a database of its own kind."
        )
    if kind == "SQLite":
        _restore_sqlite(url, source, replace=replace)
    else:
        _restore_postgres(url, source, replace=replace)
    return kind


def backup_kind(path: Path) -> Kind:
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "SQLite"
    if head.startswith(PG_DUMP_MAGIC):
        return "PostgreSQL"
    raise BackupError(
        f"{path} is not a Steunpunt backup: neither a SQLite database nor a pg_dump file in the "
        "custom format."
    )


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError("DATABASE_URL names an in-memory SQLite database; there is no file.")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's online backup API: one read transaction, so the bot
    goes on writing (WAL) meanwhile. The copy is one self-contained file (no -wal beside it)."""
    try:
        with (
            contextlib.closing(sqlite3.connect(source, timeout=30)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            _check_sqlite(dst, target)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot back up the SQLite database {source}: {exc}.") from exc


def _check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(f"{path} is damaged: SQLite's check says {verdict!r}.")
    has_revision = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if has_revision is None:
        raise BackupError(
            f"{path} is a SQLite database, but not Steunpunt's (it has no alembic_version table)."
        )


def _restore_sqlite(url: URL, source: Path, *, replace: bool) -> None:
    target = _sqlite_path(url)
    if target.resolve() == source.resolve():
        raise BackupError(f"{source} is the database itself; nothing to restore.")
    if not target.parent.is_dir():
        raise BackupError(f"There is no folder {target.parent} for the database {target}.")
    if target.exists() and target.stat().st_size > 0 and not replace:
        raise RestoreTargetInUseError(
            f"{target} already holds a database; restoring replaces everything in it. Stop the "
            "bot, then run the restore again with --yes."
        )
    try:
        with contextlib.closing(
            sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        ) as src:
            _check_sqlite(src, source)
            # Into the database itself, not a new file beside it: a -wal file of the old
            # database can never be replayed onto the new one, and the copy is one transaction.
            with contextlib.closing(sqlite3.connect(target, timeout=30)) as dst:
                src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot restore {source} into {target}: {exc}.") from exc


# --- PostgreSQL -----------------------------------------------------------------------------


def _restore_postgres(url: URL, source: Path, *, replace: bool) -> None:
    tables = _run(
        url,
        [
            "psql",
            "--no-psqlrc",
            "--no-password",
            "--tuples-only",
            "--no-align",
            "--command=SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
        ],
        f"Cannot reach {describe(url)}",
    ).strip()
    if tables != "0" and not replace:
        raise RestoreTargetInUseError(
            f"{describe(url)} already holds {tables} tables; restoring replaces everything in "
            "it. Stop the bot, then run the restore again with --yes."
        )
    # pg_restore writes the restore as SQL (to a private file: the whole of it must be there
    # before anything runs); psql runs it after emptying the schema, all in one transaction.
    # Tables a newer version added go too, so a later upgrade finds the schema the backup had.
    descriptor, name = tempfile.mkstemp(prefix="steunpunt-restore-", suffix=".sql")
    os.close(descriptor)
    script = Path(name)
    try:
        _run(
            url,
            ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--file={script}", str(source)],
            f"Cannot read the backup {source}",
            needs_server=False,
        )
        _run(
            url,
            [
                "psql",
                "--no-psqlrc",
                "--no-password",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--command=SET client_min_messages = warning",
                "--command=DROP SCHEMA IF EXISTS public CASCADE",
                "--command=CREATE SCHEMA public",
                f"--file={script}",
            ],
            f"Cannot restore {source} into {describe(url)}; the database was left as it was",
        )
    finally:
        script.unlink(missing_ok=True)


def _libpq_environment(url: URL) -> dict[str, str]:
    """The connection of DATABASE_URL for pg_dump, pg_restore and psql, in libpq's environment
    variables: a password on their command line would show in the process list."""
    environment = dict(os.environ)
    values = {
        "PGHOST": url.host or _query(url, "host"),
        "PGPORT": str(url.port) if url.port else _query(url, "port"),
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": _query(url, "sslmode") or _query(url, "ssl"),
    }
    environment.update({key: str(value) for key, value in values.items() if value})
    return environment


def _query(url: URL, key: str) -> str | None:
    value = url.query.get(key)
    if isinstance(value, tuple):
        return value[0] if value else None
    return value


def _run(
    url: URL,
    command: list[str],
    failure: str,
    *,
    needs_server: bool = True,
) -> str:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed; PostgreSQL backups need PostgreSQL's client tools "
            "(pg_dump, pg_restore, psql) of the server's major version or newer, e.g. "
            "`apt install postgresql-client`."
        )
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=_libpq_environment(url) if needs_server else dict(os.environ),
            check=False,
        )
    except OSError as exc:
        raise BackupError(f"{failure}: {command[0]} did not start ({exc}).") from exc
    if done.returncode != 0:
        reason = " ".join(done.stderr.split()) or f"{command[0]} exited with {done.returncode}"
        raise BackupError(f"{failure}: {reason}")
    return done.stdout


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut (where the system allows it)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

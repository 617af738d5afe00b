"""Faults on demand: a database that fails one statement of the next transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class StatementCounter:
    statements: int = 0
    failed: bool = False


@contextmanager
def database_fails(
    engine: AsyncEngine, at_statement: int | None = None, error: BaseException | None = None
) -> Iterator[StatementCounter]:
    """While the block runs, the `at_statement`-th statement (1-based) sent to the database
    fails once, as a locked SQLite file or a PostgreSQL server going away would make it fail;
    with None, nothing fails and the statements are only counted."""
    counter = StatementCounter()
    raised = error or OperationalError(
        "(fault injected)", None, sqlite3.OperationalError("database is locked")
    )

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counter.statements += 1
        if counter.statements == at_statement:
            counter.failed = True
            raise raised

    sync_engine = engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(sync_engine, "before_cursor_execute", before)

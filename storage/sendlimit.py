"""Telegram's send limits counted in PostgreSQL, for several instances of one bot.

Each send is a row of `send_grants`: taken before the request goes out (`try_grant`) and
marked finished when Telegram answered (`finish`). A limit of N per S seconds holds when fewer
than N rows are in flight or finished within the last S seconds, the same sliding window the
in-process limiter keeps (bot/ratelimit.py), anchored at the answer because Telegram counts a
message when it receives it. Grants are serialised by a transaction-scoped advisory lock, and
every time is the database's own clock, so instances whose clocks differ still agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import SendGrant

# pg_advisory_xact_lock key: "Steunpunt send grants" (any constant no other code uses).
SEND_GRANT_LOCK = 0x5354_5350_5345_4E44
# A grant whose send never reported back (its instance died) stops counting after this.
IN_FLIGHT_EXPIRY = timedelta(seconds=30)
# Rows older than this no longer matter to any window (the group window is a minute).
KEEP = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Window:
    """At most `limit` sends in any `span` (with the finished ones aging from their answer)."""

    limit: int
    span: timedelta


@dataclass(frozen=True, slots=True)
class Refused:
    """No room yet; ask again in `wait` (seconds, by the database's clock)."""

    wait: float


async def try_grant(
    connection: AsyncConnection,
    *,
    overall: Window,
    chat: str | None = None,
    chat_window: Window | None = None,
    priority: str = "interactive",
) -> int | Refused:
    """Take a slot in the overall window (and the chat's, if given), or say how long to wait.
    Call inside a transaction; the grant commits with it."""
    now = (
        await connection.execute(
            select(func.pg_advisory_xact_lock(SEND_GRANT_LOCK), func.clock_timestamp())
        )
    ).one()[1]
    waits = [_wait(await _held(connection, now, overall.span), overall, now)]
    if chat is not None and chat_window is not None:
        held = await _held(connection, now, chat_window.span, chat)
        waits.append(_wait(held, chat_window, now))
    if any(wait is not None for wait in waits):
        return Refused(max(wait or 0.0 for wait in waits))
    return int(
        (
            await connection.execute(
                insert(SendGrant)
                .values(chat=chat, priority=priority, granted_at=now)
                .returning(SendGrant.id)
            )
        ).scalar_one()
    )


async def finish(connection: AsyncConnection, grant_id: int) -> None:
    """Telegram answered the send of `grant_id`: its slot ages from now."""
    await connection.execute(
        update(SendGrant).where(SendGrant.id == grant_id).values(finished_at=func.clock_timestamp())
    )


async def prune(connection: AsyncConnection) -> int:
    """Forget grants too old to count in any window."""
    result = await connection.execute(
        delete(SendGrant).where(SendGrant.granted_at < func.clock_timestamp() - KEEP)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def _held(
    connection: AsyncConnection, now: datetime, span: timedelta, chat: str | None = None
) -> list[datetime | None]:
    """The slots a window holds: None for a send still in flight, else when it finished."""
    statement = select(SendGrant.finished_at).where(
        or_(
            SendGrant.finished_at > now - span,
            SendGrant.finished_at.is_(None) & (SendGrant.granted_at > now - IN_FLIGHT_EXPIRY),
        )
    )
    if chat is not None:
        statement = statement.where(SendGrant.chat == chat)
    return list((await connection.execute(statement)).scalars())


def _wait(held: list[datetime | None], window: Window, now: datetime) -> float | None:
    """None if the window has room, else seconds until it may (a guess when that waits on a
    send still in flight)."""
    excess = len(held) - window.limit
    if excess < 0:
        return None
    finished = sorted(moment for moment in held if moment is not None)
    if excess < len(finished):
        # Slots free in the order sends finished; the (excess+1)-th oldest frees ours.
        return max((finished[excess] + window.span - now).total_seconds(), 0.0)
    return 0.02  # every slot is a send still on its way: ask again shortly

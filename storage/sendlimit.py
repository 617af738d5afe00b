"""Telegram's send limits counted in PostgreSQL, for several instances of one bot.

Each send is a row of `send_grants`: taken before the request goes out (`try_grant`) and
marked finished when Telegram answered (`finish`). A limit of N per S seconds holds when fewer
than N rows are in flight or finished within the last S seconds, the same sliding window the
in-process limiter keeps (bot/ratelimit.py), anchored at the answer because Telegram counts a
message when it receives it. Grants are serialised by a transaction-scoped advisory lock, and
every time is the database's own clock, so instances whose clocks differ still agree.

Replies go before bulk across the instances: a reply the overall window refuses keeps its place
as a `waiting` row, which bulk counts as taken (the reply polls a little later and may find
another instance's bulk already in the slot otherwise). The row becomes the reply's grant when
it goes, and stops counting if the reply stops asking (`WAITING_EXPIRY`); with no reply
waiting, bulk has the whole window.
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
# The `priority` of a reply's row while it waits for room in the overall window.
WAITING = "waiting"
# A waiting reply asks again at least every quarter second (bot/sendgate.py); a row it stopped
# refreshing (the reply was cancelled, its instance died) no longer keeps bulk out after this.
WAITING_EXPIRY = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Window:
    """At most `limit` sends in any `span` (with the finished ones aging from their answer)."""

    limit: int
    span: timedelta


@dataclass(frozen=True, slots=True)
class Refused:
    """No room yet; ask again in `wait` (seconds, by the database's clock). `place`: the row
    keeping a reply's place meanwhile (pass it back to `try_grant`), or None."""

    wait: float
    place: int | None = None


async def try_grant(
    connection: AsyncConnection,
    *,
    overall: Window,
    chat: str | None = None,
    chat_window: Window | None = None,
    priority: str = "interactive",
    place: int | None = None,
) -> int | Refused:
    """Take a slot in the overall window (and the chat's, if given), or say how long to wait.
    Bulk also leaves the slots of waiting replies alone. A reply that only the overall window
    holds back keeps its place (`Refused.place`; pass it in again when asking again). Call
    inside a transaction; the grant commits with it."""
    now = (
        await connection.execute(
            select(func.pg_advisory_xact_lock(SEND_GRANT_LOCK), func.clock_timestamp())
        )
    ).one()[1]
    waiting = 0 if priority != "bulk" else await _waiting(connection, now)
    overall_wait = _wait(await _held(connection, now, overall.span), overall, now, waiting)
    chat_wait = None
    if chat is not None and chat_window is not None:
        chat_wait = _wait(await _held(connection, now, chat_window.span, chat), chat_window, now)
    if overall_wait is None and chat_wait is None:
        if place is not None:
            # The waiting row becomes the grant.
            granted = await _take_place(
                connection, place, priority=priority, granted_at=now, chat=chat
            )
            if granted is not None:
                return granted
        return await _insert(connection, chat, priority, now)
    wait = max(overall_wait or 0.0, chat_wait or 0.0)
    if priority == "bulk":
        return Refused(wait)
    if chat_wait is not None:
        # Held back by its own chat: a place in the overall window would only keep a slot
        # empty that bulk could use meanwhile.
        if place is not None:
            await connection.execute(delete(SendGrant).where(SendGrant.id == place))
        return Refused(wait)
    if place is not None:
        refreshed = await _take_place(connection, place, granted_at=now)
        if refreshed is not None:
            return Refused(wait, refreshed)
    return Refused(wait, await _insert(connection, chat, WAITING, now))


async def finish(connection: AsyncConnection, grant_id: int) -> None:
    """Telegram answered the send of `grant_id`: its slot ages from now."""
    await connection.execute(
        update(SendGrant).where(SendGrant.id == grant_id).values(finished_at=func.clock_timestamp())
    )


async def prune(connection: AsyncConnection) -> int:
    """Forget grants (and places of replies that stopped waiting) too old to count."""
    result = await connection.execute(
        delete(SendGrant).where(SendGrant.granted_at < func.clock_timestamp() - KEEP)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def _held(
    connection: AsyncConnection, now: datetime, span: timedelta, chat: str | None = None
) -> list[datetime | None]:
    """The slots a window holds: None for a send still in flight, else when it finished."""
    statement = select(SendGrant.finished_at).where(
        SendGrant.priority != WAITING,
        or_(
            SendGrant.finished_at > now - span,
            SendGrant.finished_at.is_(None) & (SendGrant.granted_at > now - IN_FLIGHT_EXPIRY),
        ),
    )
    if chat is not None:
        statement = statement.where(SendGrant.chat == chat)
    return list((await connection.execute(statement)).scalars())


async def _waiting(connection: AsyncConnection, now: datetime) -> int:
    """How many replies keep a place in the overall window."""
    statement = select(func.count(SendGrant.id)).where(
        SendGrant.priority == WAITING, SendGrant.granted_at > now - WAITING_EXPIRY
    )
    return int((await connection.execute(statement)).scalar_one())


async def _take_place(connection: AsyncConnection, place: int, **values: object) -> int | None:
    """Update a reply's waiting row; its id, or None if it is gone (pruned meanwhile)."""
    statement = (
        update(SendGrant)
        .where(SendGrant.id == place, SendGrant.priority == WAITING)
        .values(**values)
        .returning(SendGrant.id)
    )
    taken = (await connection.execute(statement)).scalar_one_or_none()
    return None if taken is None else int(taken)


async def _insert(
    connection: AsyncConnection, chat: str | None, priority: str, now: datetime
) -> int:
    statement = (
        insert(SendGrant)
        .values(chat=chat, priority=priority, granted_at=now)
        .returning(SendGrant.id)
    )
    return int((await connection.execute(statement)).scalar_one())


def _wait(
    held: list[datetime | None], window: Window, now: datetime, kept: int = 0
) -> float | None:
    """None if the window has room beside `kept` places of waiting replies, else seconds until
    it may (a guess when that waits on a send still in flight)."""
    excess = len(held) + kept - window.limit
    if excess < 0:
        return None
    finished = sorted(moment for moment in held if moment is not None)
    if excess < len(finished):
        # Slots free in the order sends finished; the (excess+1)-th oldest frees ours.
        return max((finished[excess] + window.span - now).total_seconds(), 0.0)
    return 0.02  # every slot is a send still on its way: ask again shortly

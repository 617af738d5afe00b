"""The send gate of several instances: Telegram's per-bot limits counted in PostgreSQL.

`PriorityRateLimiter` keeps one process inside the limits and orders its own sends; with more
instances of the bot, each send must also fit what the others sent. `DatabaseSendGate` asks
the database for a slot before the local limiter grants the send (storage/sendlimit.py) and
reports when Telegram answered. Bulk sends of one process queue for the gate one at a time, in
the order they came, so a broadcast does not poll the database once per waiting message; an
interactive reply asks at once, and when the window is full it keeps its place there until it
goes: no instance's bulk takes the slot it waits for, and no slot is kept empty for replies
that may not come.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ratelimit import Priority, is_group
from storage.sendlimit import Refused, Window, finish, prune, try_grant

logger = logging.getLogger(__name__)

PRUNE_EVERY = 1000  # requests for a slot (granted or not) between two clean-ups of old rows
# Ask again at least this often: another instance's send may finish early, and a waiting
# reply's place lapses when not renewed (storage.sendlimit.WAITING_EXPIRY, 1 s).
MAX_WAIT = 0.25
NO_TICKET = 0


class DatabaseSendGate:
    """Admits sends so that all instances on one PostgreSQL together keep the limits.

    Args:
        engine: the bot's engine (a connection per grant, outside any unit of work).
        overall_limit, overall_period: the per-bot window.
        group_limit, group_period: the window of one group or channel.
        private_limit, private_period: the window of one private chat (None: none).
        safety_margin: seconds added to every window, as the local limiter does.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        overall_limit: int = 30,
        overall_period: float = 1.0,
        group_limit: int = 20,
        group_period: float = 60.0,
        private_limit: int | None = None,
        private_period: float = 1.0,
        safety_margin: float = 0.005,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        margin = timedelta(seconds=safety_margin)
        span = timedelta(seconds=overall_period) + margin
        self._engine = engine
        self._overall = Window(overall_limit, span)
        self._group = Window(group_limit, timedelta(seconds=group_period) + margin)
        self._private = (
            None
            if private_limit is None
            else Window(private_limit, timedelta(seconds=private_period) + margin)
        )
        self._sleep = sleep
        self._bulk_turn = asyncio.Lock()
        self._requests = 0
        self.waited = 0  # times a send had to wait for another instance's (for benchmarks)

    async def admit(self, priority: Priority, chat: int | str | None) -> int:
        if priority == "bulk":
            async with self._bulk_turn:
                return await self._admit(priority, chat)
        return await self._admit(priority, chat)

    async def done(self, ticket: int) -> None:
        if ticket == NO_TICKET:
            return
        try:
            async with self._engine.begin() as connection:
                await finish(connection, ticket)
        except (SQLAlchemyError, OSError) as error:
            # The grant then counts as in flight until it expires: stricter, never looser.
            logger.warning("could not record a finished send: %s", error)

    async def _admit(self, priority: Priority, chat: int | str | None) -> int:
        window = None
        if chat is not None:
            window = self._group if is_group(chat) else self._private
        key = None if window is None else str(chat)
        place: int | None = None  # this reply's place in the overall window while it waits
        while True:
            try:
                async with self._engine.begin() as connection:
                    outcome = await try_grant(
                        connection,
                        overall=self._overall,
                        chat=key,
                        chat_window=window,
                        priority=priority,
                        place=place,
                    )
                    self._requests += 1
                    if self._requests % PRUNE_EVERY == 0:
                        await prune(connection)
            except (SQLAlchemyError, OSError) as error:
                # Without the database the bot can hardly work, but the message saying so must
                # still go out: the local limiter alone keeps this instance inside the limits.
                logger.warning("send gate unavailable, sending on the local limit: %s", error)
                return NO_TICKET
            if not isinstance(outcome, Refused):
                return outcome
            self.waited += 1
            place = outcome.place
            await self._sleep(min(max(outcome.wait, 0.001), MAX_WAIT))

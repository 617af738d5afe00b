"""A rate limiter for PTB that keeps the bot inside Telegram's flood limits.

Telegram allows a bot about 30 messages per second overall, 20 messages per minute per group
and about one message per second per private chat (short bursts pass). PTB's `AIORateLimiter`
is a leaky bucket: it lets bursts through and then collects 429s. `PriorityRateLimiter` instead
keeps a sliding-window log, so no window of `overall_period` ever holds more than
`overall_limit` sends, and it lets interactive replies overtake bulk sends.

Several instances of the bot share Telegram's limits, which are per bot, not per process: a
`SendGate` (bot/sendgate.py: counted in PostgreSQL) admits each send before the local limiter
grants it, so the instances together stay inside the limits.

Callers mark a send as bulk with `rate_limit_args={"priority": "bulk"}`; everything else is
interactive::

    await context.bot.send_message(chat_id, text, rate_limit_args={"priority": "bulk"})
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import itertools
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

Priority = Literal["interactive", "bulk"]
_PRIORITY_ORDER: tuple[Priority, ...] = ("interactive", "bulk")
ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
ApiCallback = Callable[..., Coroutine[Any, Any, ApiResult]]

# Endpoints that deliver a message to a chat; only these count against the flood limits.
# Everything else (getUpdates, getMe, answerCallbackQuery, setMyCommands, getChat, ...) passes
# straight through, so polling and bookkeeping never queue behind a broadcast.
_LIMITED_PREFIXES = ("send", "copyMessage", "forwardMessage", "editMessage")
_UNLIMITED_SENDS = frozenset({"sendChatAction"})


def is_rate_limited(endpoint: str) -> bool:
    """Whether a Bot API method counts against the message limits."""
    return endpoint.startswith(_LIMITED_PREFIXES) and endpoint not in _UNLIMITED_SENDS


class SendGate(Protocol):
    """Admission shared with other processes that send as the same bot."""

    async def admit(self, priority: Priority, chat: int | str | None) -> int:
        """Wait until a send to `chat` fits the shared limits; returns a ticket for `done`."""

    async def done(self, ticket: int) -> None:
        """The send of `ticket` came back (delivered or refused): its slot starts to age."""


def chat_key(chat_id: object) -> int | str | None:
    """The key a chat is limited under: its id, or its `@username` (case-insensitive, so
    `@Foo` and `@foo` share a key); None if the request names no chat (an inline message)."""
    if isinstance(chat_id, bool):
        return None
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str):
        text = chat_id.strip()
        try:
            return int(text)
        except ValueError:
            return text.lower() or None
    return None


def is_group(key: int | str) -> bool:
    """Negative ids are groups, supergroups and channels; `@username` only exists for public
    supergroups and channels."""
    return isinstance(key, str) or key < 0


def retry_after_seconds(error: RetryAfter) -> float:
    """`RetryAfter.retry_after` is an int (deprecated) or a timedelta in PTB 22; take both."""
    with warnings.catch_warnings():
        # Reading the int form warns about the coming switch to timedelta; we handle both.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: object = error.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    if isinstance(value, int | float):
        return float(value)
    raise TypeError(f"unexpected retry_after {value!r}")


@dataclass(frozen=True, slots=True)
class RateLimiterStats:
    """A snapshot of what the limiter has done, for logging and benchmarks."""

    granted_interactive: int = 0
    granted_bulk: int = 0
    passed_through: int = 0
    retry_after_seen: int = 0
    waiting_interactive: int = 0
    waiting_bulk: int = 0


class _Window:
    """Sliding-window log of one limit: requests in flight plus recent completion times.

    A slot is taken when a request is granted and freed `span` seconds after its response
    arrived. Telegram counts a message when it *receives* it, some time between our start and
    our response; anchoring at the response keeps the guarantee no matter how much the network
    delays one request relative to another. It is also stricter than a start-time window, so
    no `span` ever holds more than `limit` starts either.
    """

    __slots__ = ("finished", "in_flight", "limit", "span")

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.in_flight = 0
        self.finished: deque[float] = deque()

    def prune(self, now: float) -> None:
        while self.finished and self.finished[0] + self.span <= now:
            self.finished.popleft()

    def has_room(self) -> bool:
        return self.in_flight + len(self.finished) < self.limit

    def free_at(self) -> float | None:
        """When the next slot frees up, or None if that waits on a request still in flight."""
        # Slots free in completion order; the k-th oldest completion frees the slot we need.
        needed = self.in_flight + len(self.finished) - self.limit
        if needed < len(self.finished):
            return self.finished[needed] + self.span
        return None

    def is_idle(self) -> bool:
        return self.in_flight == 0 and not self.finished


class _Waiter:
    __slots__ = ("chat", "chat_window", "future", "priority")

    def __init__(self, priority: Priority, chat: int | str | None) -> None:
        self.priority: Priority = priority
        self.chat = chat
        self.chat_window: _Window | None = None
        self.future: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class PriorityRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """Sliding-window rate limiter with interactive-before-bulk priority.

    Args:
        overall_limit: sends allowed per `overall_period` for the whole bot.
        overall_period: seconds of the overall window.
        group_limit: sends allowed per `group_period` to one group or channel.
        group_period: seconds of the group window.
        private_limit: new messages allowed per `private_period` to one private chat (edits
            of a message already there are not paced); None: no limit per private chat.
        private_period: seconds of the private chat window.
        gate: admission shared with other instances, asked before the local grant.
        max_retries: retries of one call after `RetryAfter` before it is re-raised.
        safety_margin: seconds added to both windows, for clock drift between us and Telegram.
        bulk_spacing: minimum seconds between two bulk grants; None means
            `(overall_period + safety_margin) / overall_limit`, 0 lets bulk burst.
        clock: monotonic time source in seconds.
        sleep: how to wait; tests inject a virtual-time sleep together with `clock`.
    """

    def __init__(
        self,
        *,
        overall_limit: int = 30,
        overall_period: float = 1.0,
        group_limit: int = 20,
        group_period: float = 60.0,
        private_limit: int | None = None,
        private_period: float = 1.0,
        gate: SendGate | None = None,
        max_retries: int = 3,
        safety_margin: float = 0.005,
        bulk_spacing: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if (
            overall_limit < 1
            or group_limit < 1
            or (private_limit is not None and private_limit < 1)
        ):
            raise ValueError("limits must be at least 1")
        if overall_period <= 0 or group_period <= 0 or private_period <= 0 or safety_margin < 0:
            raise ValueError("periods must be positive and the margin not negative")
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        self._overall = _Window(overall_limit, overall_period + safety_margin)
        self._group_limit = group_limit
        self._group_span = group_period + safety_margin
        self._private_limit = private_limit
        self._private_span = private_period + safety_margin
        self._chats: dict[int | str, _Window] = {}
        self._chats_sweep_at = 64
        self._gate = gate
        self._max_retries = max_retries
        # Pacing bulk sends smooths a broadcast started all at once; without it the window
        # refills in one burst per period and an interactive reply may wait a whole period.
        self._bulk_spacing = (
            self._overall.span / overall_limit if bulk_spacing is None else bulk_spacing
        )
        self._next_bulk_at = float("-inf")
        self._paused_until = float("-inf")
        self._clock = clock
        self._sleep = sleep
        self._queues: dict[Priority, deque[_Waiter]] = {"interactive": deque(), "bulk": deque()}
        self._timer: asyncio.Task[None] | None = None
        self._timer_at = float("inf")
        self._granted: dict[Priority, int] = {"interactive": 0, "bulk": 0}
        self._passed_through = 0
        self._retry_after_seen = 0

    @property
    def stats(self) -> RateLimiterStats:
        return RateLimiterStats(
            granted_interactive=self._granted["interactive"],
            granted_bulk=self._granted["bulk"],
            passed_through=self._passed_through,
            retry_after_seen=self._retry_after_seen,
            waiting_interactive=sum(not w.future.done() for w in self._queues["interactive"]),
            waiting_bulk=sum(not w.future.done() for w in self._queues["bulk"]),
        )

    async def initialize(self) -> None:
        """Nothing to set up: the timer task is started on demand."""

    async def shutdown(self) -> None:
        """Stop the timer and fail requests still waiting, so no caller hangs forever."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
            self._timer_at = float("inf")
        for queue in self._queues.values():
            while queue:
                waiter = queue.popleft()
                if not waiter.future.done():
                    waiter.future.set_exception(RuntimeError("rate limiter was shut down"))

    async def process_request(
        self,
        callback: ApiCallback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> ApiResult:
        if not is_rate_limited(endpoint):
            self._passed_through += 1
            return await callback(*args, **kwargs)

        priority: Priority = (
            "bulk"
            if rate_limit_args and rate_limit_args.get("priority") == "bulk"
            else "interactive"
        )
        waiter = _Waiter(priority, self._limited_chat(chat_key(data.get("chat_id")), endpoint))
        for attempt in itertools.count():
            # With other instances the shared gate goes first: it keeps replies ahead of bulk
            # across the processes, and the local windows behind it then rarely wait.
            ticket = None if self._gate is None else await self._gate.admit(priority, waiter.chat)
            try:
                await self._acquire(waiter, retry=attempt > 0)
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as error:
                    # A 429 means Telegram did not deliver, so sending again cannot duplicate.
                    self._retry_after_seen += 1
                    if attempt >= self._max_retries:
                        logger.warning("%s still rate limited after %d retries", endpoint, attempt)
                        raise
                    pause = retry_after_seconds(error)
                    logger.info("%s hit a 429; pausing all sends for %.1f s", endpoint, pause)
                    # Pause before the release below pumps the queue, so nothing slips through.
                    self._paused_until = max(self._paused_until, self._clock() + pause)
                finally:
                    self._release(waiter)
            finally:
                if ticket is not None and self._gate is not None:
                    await self._gate.done(ticket)
        raise AssertionError("unreachable")  # pragma: no cover

    def _limited_chat(self, key: int | str | None, endpoint: str) -> int | str | None:
        """The chat key if this request counts in a window of that chat, else None.

        Telegram asks for about one message a second per private chat; an edit (a button
        press updating its message) adds none, and pacing it would hold up the update being
        handled, and with it everyone's next update."""
        if key is None or is_group(key):
            return key
        if self._private_limit is None or endpoint.startswith("editMessage"):
            return None
        return key

    async def _acquire(self, waiter: _Waiter, *, retry: bool) -> None:
        if waiter.future.done():
            waiter.future = asyncio.get_running_loop().create_future()
        queue = self._queues[waiter.priority]
        # A retried call has waited longest of its class, so it goes back in front.
        if retry:
            queue.appendleft(waiter)
        else:
            queue.append(waiter)
        self._pump()
        try:
            await waiter.future
        except asyncio.CancelledError:
            # Granted, but our caller was cancelled before it could use the slot.
            if waiter.future.done() and not waiter.future.cancelled():
                self._release(waiter)
            raise

    def _release(self, waiter: _Waiter) -> None:
        now = self._clock()
        self._overall.in_flight -= 1
        self._overall.finished.append(now)
        if waiter.chat_window is not None:
            waiter.chat_window.in_flight -= 1
            waiter.chat_window.finished.append(now)
            waiter.chat_window = None
        # The completion fixes when this slot frees, so the wake-up time may change.
        self._pump()

    def _chat_window(self, chat: int | str) -> _Window:
        window = self._chats.get(chat)
        if window is None:
            if len(self._chats) >= self._chats_sweep_at:
                self._sweep_chats()
            if is_group(chat):
                window = _Window(self._group_limit, self._group_span)
            else:
                assert self._private_limit is not None  # else `_limited_chat` gave None
                window = _Window(self._private_limit, self._private_span)
            self._chats[chat] = window
        return window

    def _sweep_chats(self) -> None:
        # Forget chats with nothing in their window; amortised by doubling the threshold.
        now = self._clock()
        for key, window in list(self._chats.items()):
            window.prune(now)
            if window.is_idle():
                del self._chats[key]
        self._chats_sweep_at = max(64, 2 * len(self._chats))

    def _pump(self) -> None:
        """Grant waiting requests in priority order while the windows allow.

        Synchronous, so it runs atomically on the event loop: every state change (new
        request, completion, timer) calls it and no lock is needed.
        """
        now = self._clock()
        if now < self._paused_until:
            self._schedule(self._paused_until, now)
            return
        overall = self._overall
        overall.prune(now)
        wake: float | None = None
        for priority in _PRIORITY_ORDER:
            queue = self._queues[priority]
            index = 0
            while index < len(queue):
                if not overall.has_room():
                    # Nothing more can go now; a full window also blocks every later waiter.
                    self._schedule(overall.free_at(), now)
                    return
                waiter = queue[index]
                if waiter.future.done():  # cancelled while waiting
                    del queue[index]
                    continue
                if priority == "bulk" and now < self._next_bulk_at:
                    wake = _earliest(wake, self._next_bulk_at)
                    break
                window = None
                if waiter.chat is not None:
                    window = self._chat_window(waiter.chat)
                    window.prune(now)
                    if not window.has_room():
                        # A full chat must not hold up other chats: skip, keep its place.
                        wake = _earliest(wake, window.free_at())
                        index += 1
                        continue
                del queue[index]
                self._grant(waiter, window, now)
        self._schedule(wake, now)

    def _grant(self, waiter: _Waiter, window: _Window | None, now: float) -> None:
        self._overall.in_flight += 1
        if window is not None:
            window.in_flight += 1
            waiter.chat_window = window
        if waiter.priority == "bulk":
            # Keep to the schedule when the timer fired a little late, so lateness does not
            # add up over a broadcast; after a real gap, start a fresh schedule.
            late = now - self._next_bulk_at
            start = self._next_bulk_at if late <= self._bulk_spacing / 2 else now
            self._next_bulk_at = start + self._bulk_spacing
        self._granted[waiter.priority] += 1
        waiter.future.set_result(None)

    def _schedule(self, at: float | None, now: float) -> None:
        """Make sure `_pump` runs again at `at` (None: a completion will call it)."""
        if at is None:
            return
        if self._timer is not None and self._timer_at <= at:
            return  # an earlier wake-up is already due and will reschedule
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = at
        self._timer = asyncio.get_running_loop().create_task(self._wake_after(at - now))

    async def _wake_after(self, delay: float) -> None:
        await self._sleep(max(delay, 0.0))
        self._timer = None
        self._timer_at = float("inf")
        self._pump()


def _earliest(current: float | None, candidate: float | None) -> float | None:
    if candidate is None or current is None:
        return current if candidate is None else candidate
    return min(current, candidate)

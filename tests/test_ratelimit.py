"""PriorityRateLimiter: window properties, group limits, priority, 429 handling, pass-through.

Most tests run on virtual time: the clock only moves when every task is blocked on the
limiter's (injected) sleep, so runs are instant and deterministic. Assertions are about the
properties of the recorded schedule, never about how fast anything ran.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import heapq
import itertools
import json
import random
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

import pytest
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ExtBot
from telegram.request import BaseRequest, RequestData

from bot.ratelimit import (
    PriorityRateLimiter,
    chat_key,
    is_group,
    is_rate_limited,
    retry_after_seconds,
)

# Constructing RetryAfter(int) warns about PTB's coming switch to timedelta; not our concern.
pytestmark = pytest.mark.filterwarnings("ignore:Deprecated since version v22.2")

T = TypeVar("T")
Result = bool | dict[str, Any] | list[dict[str, Any]]

UNLIMITED_ENDPOINTS = [
    "getUpdates",
    "getMe",
    "answerCallbackQuery",
    "setMyCommands",
    "deleteWebhook",
    "getChat",
    "getChatMember",
    "getFile",
    "close",
    "logOut",
    "sendChatAction",
]


class VirtualTime:
    """A clock and sleep where time jumps to the next sleeper once everything else is blocked."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(delay, 0.0), next(self._order), future))
        await future

    async def run(self, awaitable: Awaitable[T]) -> T:
        task = asyncio.ensure_future(awaitable)
        while True:
            for _ in range(20):  # let every runnable task reach its next await
                await asyncio.sleep(0)
            if task.done():
                return task.result()
            while self._sleepers and self._sleepers[0][2].done():  # cancelled sleeps
                heapq.heappop(self._sleepers)
            if not self._sleepers:
                raise AssertionError("deadlock: the task is blocked and nothing is sleeping")
            when, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, when)
            future.set_result(None)


def make_limiter(vt: VirtualTime, **overrides: Any) -> PriorityRateLimiter:
    return PriorityRateLimiter(clock=vt.clock, sleep=vt.sleep, **overrides)


async def send(
    limiter: PriorityRateLimiter,
    callback: Callable[..., Coroutine[Any, Any, Result]],
    *,
    chat_id: int | str = 1,
    endpoint: str = "sendMessage",
    bulk: bool = False,
) -> Result:
    return await limiter.process_request(
        callback=callback,
        args=(),
        kwargs={},
        endpoint=endpoint,
        data={"chat_id": chat_id, "text": "hi"},
        rate_limit_args={"priority": "bulk"} if bulk else None,
    )


def assert_window(times: Sequence[float], limit: int, period: float) -> None:
    """No half-open window [t, t + period) holds more than `limit` of `times`."""
    ordered = sorted(times)
    for first, later in zip(ordered, ordered[limit:], strict=False):
        assert later - first >= period, f"{limit + 1} events within {later - first:.4f}s"


async def test_overall_window_holds_for_what_the_server_sees() -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt, overall_limit=5, overall_period=0.2)
    rng = random.Random(7)
    starts: list[float] = []
    arrivals: list[float] = []

    async def callback() -> Result:
        # The server sees the request somewhere between our start and our response.
        starts.append(vt.now)
        await vt.sleep(rng.uniform(0, 0.05))
        arrivals.append(vt.now)
        await vt.sleep(rng.uniform(0, 0.05))
        return True

    calls = [send(limiter, callback, chat_id=n, bulk=n % 3 == 0) for n in range(1, 61)]
    await vt.run(asyncio.gather(*calls))

    assert len(starts) == 60
    assert_window(starts, 5, 0.2)
    assert_window(arrivals, 5, 0.2)
    assert limiter.stats.granted_bulk == 20
    assert limiter.stats.granted_interactive == 40


async def test_overall_window_with_real_time() -> None:
    limiter = PriorityRateLimiter(overall_limit=5, overall_period=0.2)
    starts: list[float] = []

    async def callback() -> Result:
        starts.append(time.monotonic())
        return True

    await asyncio.gather(*(send(limiter, callback, chat_id=n) for n in range(1, 21)))

    assert len(starts) == 20
    assert_window(starts, 5, 0.2)


async def test_group_limit_per_group_without_holding_up_other_chats() -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt, group_limit=3, group_period=10.0)
    starts: dict[int | str, list[float]] = {}

    def recorder(chat: int | str) -> Callable[[], Coroutine[Any, Any, Result]]:
        async def callback() -> Result:
            starts.setdefault(chat, []).append(vt.now)
            return True

        return callback

    calls = []
    for chat in (-100, -200, "@Channel", "@channel", 42, 43, "44"):
        calls += [send(limiter, recorder(chat), chat_id=chat) for _ in range(7)]
    await vt.run(asyncio.gather(*calls))

    for chat in (-100, -200):
        assert len(starts[chat]) == 7
        assert_window(starts[chat], 3, 10.0)
    # Usernames are case-insensitive: both spellings share one group window.
    assert_window(starts["@Channel"] + starts["@channel"], 3, 10.0)
    # Private chats only obey the overall limit, so they all went at once.
    for chat in (42, 43, "44"):
        assert starts[chat] == [0.0] * 7


async def test_interactive_goes_before_waiting_bulk() -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt, overall_limit=2, overall_period=1.0)
    order: list[str] = []

    def recorder(name: str) -> Callable[[], Coroutine[Any, Any, Result]]:
        async def callback() -> Result:
            order.append(name)
            await vt.sleep(0.01)
            return True

        return callback

    async def scenario() -> None:
        bulk = [
            asyncio.ensure_future(send(limiter, recorder(f"b{n}"), chat_id=n, bulk=True))
            for n in range(10)
        ]
        await vt.sleep(0.6)  # let the bulk backlog build up and start going out
        already_started = len(order)
        assert 0 < already_started < 10
        assert limiter.stats.waiting_bulk == 10 - already_started
        interactive = [
            asyncio.ensure_future(send(limiter, recorder(f"i{n}"), chat_id=100 + n))
            for n in range(3)
        ]
        await asyncio.gather(*bulk, *interactive)
        assert order[already_started : already_started + 3] == ["i0", "i1", "i2"]

    await vt.run(scenario())
    # Bulk was not starved: all of it went out once no interactive request was waiting.
    assert sorted(order) == sorted([f"b{n}" for n in range(10)] + ["i0", "i1", "i2"])
    assert limiter.stats.granted_bulk == 10
    assert limiter.stats.granted_interactive == 3


async def test_full_group_does_not_block_bulk_to_other_chats() -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt, group_limit=1, group_period=30.0)
    starts: dict[str, float] = {}

    def recorder(name: str) -> Callable[[], Coroutine[Any, Any, Result]]:
        async def callback() -> Result:
            starts[name] = vt.now
            return True

        return callback

    await vt.run(
        asyncio.gather(
            send(limiter, recorder("group-1"), chat_id=-5),
            send(limiter, recorder("group-2"), chat_id=-5),
            send(limiter, recorder("private"), chat_id=5, bulk=True),
        )
    )
    assert starts["group-1"] == 0.0
    assert starts["private"] < 1.0
    assert starts["group-2"] >= 30.0


@pytest.mark.parametrize("retry_after", [2, dtm.timedelta(seconds=2)])
async def test_retry_after_pauses_everything_and_retries_once(
    retry_after: int | dtm.timedelta,
) -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt)
    calls: list[float] = []
    other: list[float] = []

    async def flaky() -> Result:
        calls.append(vt.now)
        if len(calls) == 1:
            raise RetryAfter(retry_after)
        return {"message_id": 1}

    async def innocent() -> Result:
        other.append(vt.now)
        return True

    async def scenario() -> Result:
        first = asyncio.ensure_future(send(limiter, flaky))
        await vt.sleep(0.5)  # during the pause another chat wants to send
        second = asyncio.ensure_future(send(limiter, innocent, chat_id=2))
        await second
        return await first

    result = await vt.run(scenario())

    assert result == {"message_id": 1}
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 2.0
    assert other[0] >= 2.0
    assert limiter.stats.retry_after_seen == 1


async def test_retry_after_is_reraised_after_max_retries() -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt, max_retries=2)
    calls = 0

    async def always_limited() -> Result:
        nonlocal calls
        calls += 1
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await vt.run(send(limiter, always_limited))
    assert calls == 3
    assert limiter.stats.retry_after_seen == 3


async def test_other_errors_propagate_unchanged_and_free_the_slot() -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt, overall_limit=1)
    error = BadRequest("Chat not found")
    calls = 0

    async def broken() -> Result:
        nonlocal calls
        calls += 1
        raise error

    async def fine() -> Result:
        return True

    with pytest.raises(BadRequest) as caught:
        await vt.run(send(limiter, broken))
    assert caught.value is error
    assert calls == 1
    assert await vt.run(send(limiter, fine)) is True


@pytest.mark.parametrize("endpoint", UNLIMITED_ENDPOINTS)
async def test_unlimited_endpoints_pass_while_the_window_is_full(endpoint: str) -> None:
    limiter = PriorityRateLimiter(overall_limit=1, overall_period=0.05)
    release = asyncio.Event()
    started: list[str] = []

    async def blocking() -> Result:
        started.append("blocking")
        await release.wait()
        return True

    async def queued() -> Result:
        started.append("queued")
        return True

    async def passing() -> Result:
        return {"ok": True}

    holder = asyncio.ensure_future(send(limiter, blocking))
    waiter = asyncio.ensure_future(send(limiter, queued, chat_id=2))
    await asyncio.sleep(0)
    assert started == ["blocking"]

    result = await asyncio.wait_for(send(limiter, passing, endpoint=endpoint), timeout=5)

    assert result == {"ok": True}
    assert started == ["blocking"]  # the window really was full
    assert limiter.stats.passed_through == 1
    release.set()
    await asyncio.gather(holder, waiter)


async def test_cancelled_waiters_do_not_take_slots() -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt, overall_limit=1, overall_period=1.0)
    started: list[str] = []

    def recorder(name: str) -> Callable[[], Coroutine[Any, Any, Result]]:
        async def callback() -> Result:
            started.append(name)
            return True

        return callback

    async def scenario() -> None:
        first = asyncio.ensure_future(send(limiter, recorder("first")))
        doomed = asyncio.ensure_future(send(limiter, recorder("doomed")))
        last = asyncio.ensure_future(send(limiter, recorder("last")))
        await vt.sleep(0.1)
        doomed.cancel()
        await asyncio.gather(first, last)
        assert doomed.cancelled()

    await vt.run(scenario())
    assert started == ["first", "last"]


async def test_shutdown_fails_waiting_requests() -> None:
    limiter = PriorityRateLimiter(overall_limit=1, overall_period=60.0)

    async def fine() -> Result:
        return True

    await send(limiter, fine)
    waiting = asyncio.ensure_future(send(limiter, fine))
    await asyncio.sleep(0)
    await limiter.shutdown()
    with pytest.raises(RuntimeError, match="shut down"):
        await waiting


class RecordingRequest(BaseRequest):
    """Answers every Bot API call with a canned success and remembers the methods."""

    def __init__(self) -> None:
        self.methods: list[str] = []

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        self.methods.append(endpoint)
        params = request_data.parameters if request_data else {}
        result: object
        if endpoint == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        else:
            chat = {"id": int(str(params["chat_id"])), "type": "private"}
            result = {"message_id": 1, "date": 0, "chat": chat, "text": params.get("text")}
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def test_ptb_forwards_bulk_priority_to_the_limiter() -> None:
    limiter = PriorityRateLimiter()
    request = RecordingRequest()
    bot: ExtBot[dict[str, Any]] = ExtBot("123:TOKEN", request=request, rate_limiter=limiter)
    async with bot:
        await bot.send_message(1, "bulk", rate_limit_args={"priority": "bulk"})
        await bot.send_message(2, "reply")
    assert limiter.stats.granted_bulk == 1
    assert limiter.stats.granted_interactive == 1
    assert limiter.stats.passed_through >= 1  # getMe during initialize
    assert request.methods.count("sendMessage") == 2


def test_chat_keys() -> None:
    assert chat_key(-100123) == chat_key("-100123") == -100123
    assert chat_key("@SomeChannel") == "@somechannel"
    assert chat_key(42) == chat_key(" 42 ") == 42
    assert chat_key(None) is None
    assert chat_key(True) is None
    assert [is_group(key) for key in (-100123, "@somechannel", 42)] == [True, True, False]


def test_limited_endpoints() -> None:
    for endpoint in ("sendMessage", "sendPhoto", "copyMessage", "forwardMessages"):
        assert is_rate_limited(endpoint)
    for endpoint in UNLIMITED_ENDPOINTS:
        assert not is_rate_limited(endpoint)


def test_retry_after_seconds_accepts_int_and_timedelta() -> None:
    assert retry_after_seconds(RetryAfter(3)) == 3.0
    assert retry_after_seconds(RetryAfter(dtm.timedelta(milliseconds=1500))) == 1.5


async def test_bulk_is_paced_so_a_reply_does_not_wait_a_whole_period() -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt, overall_limit=10, overall_period=1.0)
    bulk_starts: list[float] = []
    reply_wait: list[float] = []

    async def bulk() -> Result:
        bulk_starts.append(vt.now)
        await vt.sleep(0.01)
        return True

    async def reply() -> Result:
        reply_wait.append(vt.now - 2.3)
        return True

    async def scenario() -> None:
        wave = [asyncio.ensure_future(send(limiter, bulk, chat_id=n, bulk=True)) for n in range(50)]
        await vt.sleep(2.3)
        await send(limiter, reply, chat_id=999)
        await asyncio.gather(*wave)

    await vt.run(scenario())
    assert_window(bulk_starts, 10, 1.0)
    # Spread out instead of 10 at once per period: the reply gets the next slot, not the
    # next period.
    assert bulk_starts[1] - bulk_starts[0] >= 0.1
    assert reply_wait[0] <= 0.2


async def test_private_chats_are_paced_without_holding_up_other_chats() -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt, private_limit=3, private_period=3.0)
    starts: dict[int, list[float]] = {}

    def recorder(chat: int) -> Callable[[], Coroutine[Any, Any, Result]]:
        async def callback() -> Result:
            starts.setdefault(chat, []).append(vt.now)
            await vt.sleep(0.01)
            return True

        return callback

    calls = [send(limiter, recorder(42), chat_id=42) for _ in range(7)]
    calls += [send(limiter, recorder(chat), chat_id=chat) for chat in range(100, 120)]
    await vt.run(asyncio.gather(*calls))

    # A burst of three at once, then paced: never four within three seconds.
    assert starts[42][:3] == [0.0, 0.0, 0.0]
    assert_window(starts[42], 3, 3.0)
    assert len(starts[42]) == 7
    assert max(starts[42]) < 7.0  # about one a second after the burst, not slower
    # The other chats did not wait behind chat 42.
    assert all(starts[chat] == [0.0] for chat in range(100, 120))


class RecordingGate:
    """A send gate that admits after a delay and records what it was asked."""

    def __init__(self, vt: VirtualTime, delay: float) -> None:
        self.vt = vt
        self.delay = delay
        self.admitted: list[tuple[str, int | str | None]] = []
        self.finished: list[int] = []

    async def admit(self, priority: str, chat: int | str | None) -> int:
        await self.vt.sleep(self.delay)
        self.admitted.append((priority, chat))
        return len(self.admitted)

    async def done(self, ticket: int) -> None:
        self.finished.append(ticket)


async def test_the_gate_admits_every_limited_send_before_the_local_grant() -> None:
    vt = VirtualTime()
    gate = RecordingGate(vt, delay=0.1)
    sent: list[float] = []
    limiter = make_limiter(vt, private_limit=3, gate=gate)

    async def callback() -> Result:
        sent.append(vt.now)
        return True

    async def failing() -> Result:
        raise BadRequest("Bad Request: message is too long")

    async def scenario() -> None:
        await send(limiter, callback, chat_id=-100, bulk=True)
        await send(limiter, callback, chat_id=42)
        await send(limiter, callback, chat_id=7, endpoint="getMe")  # not limited: no gate
        with pytest.raises(BadRequest):
            await send(limiter, failing, chat_id=43)

    await vt.run(scenario())
    assert gate.admitted == [("bulk", -100), ("interactive", 42), ("interactive", 43)]
    assert gate.finished == [1, 2, 3]  # every admitted send reports back, a refused one too
    # Each send waited for its admission; getMe went straight through.
    assert sent == [0.1, 0.2, 0.2]


async def test_edits_in_a_private_chat_are_not_paced() -> None:
    vt = VirtualTime()
    limiter = make_limiter(vt, private_limit=1, private_period=5.0)
    starts: list[tuple[str, float]] = []

    def recorder(name: str) -> Callable[[], Coroutine[Any, Any, Result]]:
        async def callback() -> Result:
            starts.append((name, vt.now))
            return True

        return callback

    calls = [send(limiter, recorder("send"), chat_id=42) for _ in range(2)]
    calls += [
        send(limiter, recorder("edit"), chat_id=42, endpoint="editMessageText") for _ in range(4)
    ]
    await vt.run(asyncio.gather(*calls))
    assert sorted(starts) == [("edit", 0.0)] * 4 + [("send", 0.0), ("send", 5.005)]

"""Several instances of the bot on one PostgreSQL: every member prompted once, every answer
stored once whichever instance receives it, and Telegram's per-bot limits kept by all of them
together (the send gate of bot/sendgate.py).

The instances are two complete `Application`s on one database and one fake Telegram that
refuses, with a 429, every message past Telegram's flood limits (30 a second per bot, three in
any three seconds per private chat, 20 a minute per group), on real time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

import bot.handlers.courier as courier_module
from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FLOOD_LIMITED, FakeTelegram, FakeUser, FloodLimits
from bot.ratelimit import PriorityRateLimiter
from bot.sendgate import DatabaseSendGate
from storage.database import create_engine, create_session_factory
from storage.migrate import upgrade_database
from storage.models import CheckinAnswer, RunKind, SendGrant, Team
from storage.repositories import Prompts
from storage.sendlimit import WAITING
from tests.conftest import ADMIN_ID, POSTGRES_URL, make_settings
from tests.support.db import rows
from tests.support.flows import appoint, create_team, join

pytestmark = [
    pytest.mark.skipif(
        not POSTGRES_URL, reason="several instances share one PostgreSQL (set TEST_DATABASE_URL)"
    ),
    # PTB reads a 429's retry_after as a number and warns it will become a timedelta.
    pytest.mark.filterwarnings("ignore:Deprecated since version v22.2"),
]

MEMBERS = 80


def window_peak(times: list[float], period: float) -> int:
    """The most events in any half-open window [t, t + period)."""
    ordered = sorted(times)
    peak, first = 0, 0
    for last, moment in enumerate(ordered):
        while ordered[first] <= moment - period:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


def sent_messages(telegram: FakeTelegram, since: int) -> list[float]:
    return [c.at for c in telegram.calls[since:] if c.method.startswith(FLOOD_LIMITED)]


async def set_up_team(settings: Settings, telegram: FakeTelegram, clock: FakeClock) -> list[Any]:
    """A team of a coordinator and MEMBERS members with a check-in opened now, its questions
    not sent yet (set up by one instance, unpaced, before the others start)."""
    async with ChatHarness.running(settings, telegram, clock) as setup:
        admin = telegram.user("Anna", "Beheer", user_id=ADMIN_ID)
        code = await create_team(setup, admin, "Rattenaanpak Noord")
        coordinator = telegram.user("Aafke")  # first on the paged member list
        members = [telegram.user(f"Lid{n}") for n in range(MEMBERS)]
        for person in (coordinator, *members):
            await join(setup, person, code)
        await appoint(setup, admin, coordinator)
        # Opened without `/checkin now`, which would send the questions at once from here.
        [team] = await rows(settings, Team)
        run_id = await setup.services.checkins.open_run(
            team.id, RunKind.MANUAL, "manual:wave", clock.now, clock.now
        )
        assert run_id is not None
    return [coordinator, *members]


def prompts_to(telegram: FakeTelegram, person: FakeUser) -> int:
    """How often the check-in's first question (with its greeting) reached the person."""
    return sum(m.text.startswith("👋 Check-in van") for m in telegram.messages.get(person.id, []))


@pytest.fixture
def shared_settings(database_url: str) -> Settings:
    return make_settings(database_url, shared_send_limit="on")


async def run_wave(
    settings: Settings, telegram: FakeTelegram, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Any], int]:
    """Both instances run check-in rounds at once while the people answer the mood question
    as soon as it arrives, alternately through either instance (as a load balancer spreads
    Telegram's webhook calls). Returns the people and where the wave's calls start in
    `telegram.calls`."""
    people = await set_up_team(make_settings(settings.database_url), telegram, clock)
    # Small batches, so both instances claim and send parts of the wave side by side.
    monkeypatch.setattr(courier_module, "BATCH", 8)
    monkeypatch.setattr(courier_module, "REFILL_BELOW", 4)
    telegram.flood_limits = FloodLimits()
    start = len(telegram.calls)
    async with (
        ChatHarness.running(settings, telegram, clock, pace_private_chats=True) as first,
        ChatHarness.running(settings, telegram, clock, pace_private_chats=True) as second,
    ):
        instances = (first, second)
        rounds = asyncio.gather(*(instance.round() for instance in instances))
        answered: set[int] = set()
        deadline = time.monotonic() + 30
        while len(answered) < len(people) and time.monotonic() < deadline:
            for n, person in enumerate(people):
                if person.id not in answered and prompts_to(telegram, person):
                    answered.add(person.id)
                    await instances[n % 2].press(person, "4 ")
            await asyncio.sleep(0.01)
        await rounds
        for instance in instances:
            limiter = instance.application.bot.rate_limiter
            assert isinstance(limiter, PriorityRateLimiter)
            # Both claimed and sent part of the wave (the batches are small).
            assert limiter.stats.granted_bulk > 0
    return people, start


async def test_two_instances_prompt_once_store_once_and_keep_the_limits_together(
    shared_settings: Settings,
    telegram: FakeTelegram,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people, start = await run_wave(shared_settings, telegram, clock, monkeypatch)

    assert all(prompts_to(telegram, person) == 1 for person in people)
    answers = await rows(shared_settings, CheckinAnswer)
    assert len(answers) == len(people)
    assert len({answer.prompt_id for answer in answers}) == len(people)
    # Every mood got its next question, and nobody's chat met a 429.
    for person in people:
        assert "2/" in telegram.messages[person.id][-1].text, person.first_name
    assert telegram.flood_refusals == []
    sends = sent_messages(telegram, start)
    assert window_peak(sends, 1.0) <= 30
    # The instances shared the budget: the wave went at Telegram's pace, not half of it.
    assert len(sends) >= 2 * len(people)
    assert window_peak(sends, 1.0) >= 20


async def test_without_the_shared_limit_two_instances_overshoot(
    database_url: str,
    telegram: FakeTelegram,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same wave with every instance on its own limiter: together they send faster than
    Telegram allows and meet 429s. (Shows the test above can fail.)"""
    settings = make_settings(database_url, shared_send_limit="off")
    people, start = await run_wave(settings, telegram, clock, monkeypatch)
    assert all(prompts_to(telegram, person) == 1 for person in people)
    # Refused for the overall limit: each private chat got at most two messages here.
    assert telegram.flood_refusals != []
    assert window_peak(sent_messages(telegram, start), 1.0) > 30


async def test_the_same_update_through_both_instances_is_stored_once(
    shared_settings: Settings, telegram: FakeTelegram, clock: FakeClock
) -> None:
    people = await set_up_team(make_settings(shared_settings.database_url), telegram, clock)
    async with (
        ChatHarness.running(shared_settings, telegram, clock) as first,
        ChatHarness.running(shared_settings, telegram, clock) as second,
    ):
        await first.round()
        await second.round()
        person = people[1]
        message, button = telegram.find_button(person.id, "4 ")
        assert button.callback_data is not None
        update = telegram.callback_update(person, message, button.callback_data)
        await asyncio.gather(first.deliver(update), second.deliver(update))
        clock.now += timedelta(seconds=1)
        typed = telegram.message_update(person, "De buurvrouw van nummer 12")
        await first.deliver(typed)
        await second.deliver(typed)
    answers = await rows(shared_settings, CheckinAnswer)
    assert sorted((a.step_key, a.mood, a.text) for a in answers) == [
        ("mood", 4, None),
        ("q:0", None, "De buurvrouw van nummer 12"),
    ]
    questions = [m for m in telegram.messages[person.id] if "/" in m.text and "<b>" in m.html]
    assert len(questions) == 3  # the first question, then each answer's next one, once


# --- the gate on its own --------------------------------------------------------------------

Send = Callable[[], Coroutine[Any, Any, bool]]


async def test_two_gates_keep_one_window_and_let_replies_through(database_url: str) -> None:
    """Two processes' limiters, each with a gate on its own engine, send bulk to many chats
    and a few replies: together never more than the limit in any window, the replies fast."""
    engines = [create_engine(database_url) for _ in range(2)]
    await upgrade_database(engines[0])
    limit, period = 10, 0.5
    limiters = [
        PriorityRateLimiter(
            overall_limit=limit,
            overall_period=period,
            private_limit=2,
            private_period=1.0,
            gate=DatabaseSendGate(
                engine,
                overall_limit=limit,
                overall_period=period,
                private_limit=2,
                private_period=1.0,
            ),
        )
        for engine in engines
    ]
    arrivals: list[float] = []
    per_chat: dict[int, list[float]] = {}
    reply_waits: list[float] = []

    def recorder(chat: int) -> Send:
        async def callback() -> bool:
            await asyncio.sleep(0.002)  # on the way to Telegram
            arrivals.append(time.monotonic())
            per_chat.setdefault(chat, []).append(time.monotonic())
            await asyncio.sleep(0.002)
            return True

        return callback

    async def send(limiter: PriorityRateLimiter, chat: int, *, bulk: bool) -> None:
        asked = time.monotonic()
        await limiter.process_request(
            callback=recorder(chat),
            args=(),
            kwargs={},
            endpoint="sendMessage",
            data={"chat_id": chat},
            rate_limit_args={"priority": "bulk"} if bulk else None,
        )
        if not bulk:
            reply_waits.append(time.monotonic() - asked)

    async def replies() -> None:
        await asyncio.sleep(0.6)  # into the wave
        # Four replies in one chat at once: two pass, two wait for that chat's window.
        await asyncio.gather(*(send(limiters[n % 2], 5000, bulk=False) for n in range(4)))
        await asyncio.gather(*(send(limiters[n % 2], 6000 + n, bulk=False) for n in range(4)))

    try:
        await asyncio.gather(
            *(send(limiters[n % 2], 1000 + n, bulk=True) for n in range(40)),
            replies(),
        )
        async with engines[0].connect() as connection:
            grants = (await connection.execute(select(func.count(SendGrant.id)))).scalar_one()
    finally:
        for engine in engines:
            await engine.dispose()

    assert len(arrivals) == 48
    assert grants == 48
    assert window_peak(arrivals, period) <= limit
    assert window_peak(per_chat[5000], 1.0) <= 2
    # Bulk waited for its turn (40 sends at 10 per 0.5 s is about 2 s) but the replies in
    # fresh chats went almost at once; the two held back by their chat's window waited ~1 s.
    assert sorted(reply_waits)[:6][-1] < 0.3
    assert 0.9 < max(reply_waits) < 1.6


class HeldBackError(Exception):
    """A gate refused and would now wait (a `sleep` that stops the gate instead)."""


async def held_back(wait: float) -> None:
    raise HeldBackError(wait)


async def backdate(engine: AsyncEngine, grant: int, **columns: timedelta) -> None:
    """Move a send_grants row's times into the past, as if that much time had gone by."""
    values = {name: func.clock_timestamp() - ago for name, ago in columns.items()}
    async with engine.begin() as connection:
        await connection.execute(update(SendGrant).where(SendGrant.id == grant).values(values))


async def places(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        statement = select(func.count(SendGrant.id)).where(SendGrant.priority == WAITING)
        return int((await connection.execute(statement)).scalar_one())


async def test_a_waiting_reply_keeps_its_slot_from_the_other_instances_bulk(
    database_url: str,
) -> None:
    """The window of two instances is full of bulk; a reply through one of them waits. When
    a slot frees, the other instance's bulk asks first, but the slot is the reply's: before,
    whichever asked first took it, and a reply could wait behind several bulk sends."""
    engines = [create_engine(database_url) for _ in range(2)]
    await upgrade_database(engines[0])
    reply_waits, go_on = asyncio.Event(), asyncio.Event()

    async def reply_sleep(wait: float) -> None:
        reply_waits.set()
        await go_on.wait()

    # Windows of a minute: a slot frees only when the test backdates it.
    bulk_gate = DatabaseSendGate(engines[0], overall_limit=3, overall_period=60, sleep=held_back)
    reply_gate = DatabaseSendGate(engines[1], overall_limit=3, overall_period=60, sleep=reply_sleep)
    try:
        bulk = [await bulk_gate.admit("bulk", 1000 + n) for n in range(3)]
        for ticket in bulk:
            await bulk_gate.done(ticket)
        reply = asyncio.create_task(reply_gate.admit("interactive", 5000))
        await asyncio.wait_for(reply_waits.wait(), 5)

        await backdate(engines[0], bulk[0], finished_at=timedelta(minutes=2))
        with pytest.raises(HeldBackError):
            await bulk_gate.admit("bulk", 1003)
        assert await places(engines[0]) == 1
        go_on.set()
        ticket = await asyncio.wait_for(reply, 5)
        assert ticket not in bulk
        assert await places(engines[0]) == 0
        # With no reply waiting, bulk has the whole window again.
        await backdate(engines[0], bulk[1], finished_at=timedelta(minutes=2))
        assert await bulk_gate.admit("bulk", 1003) > 0
        stopping = DatabaseSendGate(engines[1], overall_limit=3, overall_period=60, sleep=held_back)
        with pytest.raises(HeldBackError):
            await stopping.admit("interactive", 5001)  # the window is full: 2 bulk, 1 reply
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_reply_keeps_no_place_it_cannot_use(database_url: str) -> None:
    """A reply its own chat holds back leaves the overall window to bulk, and so does a place
    its reply stopped renewing (cancelled, or its instance died)."""
    engines = [create_engine(database_url) for _ in range(2)]
    await upgrade_database(engines[0])
    bulk_gate = DatabaseSendGate(engines[0], overall_limit=3, overall_period=60, sleep=held_back)
    reply_gate = DatabaseSendGate(
        engines[1],
        overall_limit=3,
        overall_period=60,
        private_limit=1,
        private_period=60,
        sleep=held_back,
    )
    try:
        first_reply = await reply_gate.admit("interactive", 5000)
        bulk = [await bulk_gate.admit("bulk", 1000 + n) for n in range(2)]
        with pytest.raises(HeldBackError):
            await reply_gate.admit("interactive", 5000)  # its chat is full, and the window
        assert await places(engines[0]) == 0
        await backdate(engines[0], bulk[0], granted_at=timedelta(minutes=2))
        assert await bulk_gate.admit("bulk", 1002) > 0

        with pytest.raises(HeldBackError):
            await reply_gate.admit("interactive", 5001)  # only the window is full: a place
        [place] = [g for g in await rows_of(engines[0]) if g.priority == WAITING]
        await backdate(engines[0], bulk[1], granted_at=timedelta(minutes=2))
        with pytest.raises(HeldBackError):
            await bulk_gate.admit("bulk", 1003)
        await backdate(engines[0], place.id, granted_at=timedelta(seconds=2))  # not renewed
        assert await bulk_gate.admit("bulk", 1003) > 0
        assert first_reply > 0
    finally:
        for engine in engines:
            await engine.dispose()


async def rows_of(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(select(SendGrant))).all())


async def test_instances_claiming_at_once_get_disjoint_batches(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    """While one instance holds its claim open (its transaction not yet committed), another
    claims the next questions at once instead of waiting for it and coming away empty."""
    await set_up_team(make_settings(database_url), telegram, clock)
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        async with (
            create_session_factory(engines[0]).begin() as first,
            create_session_factory(engines[1]).begin() as second,
        ):
            taken = await Prompts(first).claim_pending(clock.now, 10)
            others = await asyncio.wait_for(Prompts(second).claim_pending(clock.now, 10), 5)
            recaps = await asyncio.wait_for(
                Prompts(second).claim_recaps(
                    clock.now, clock.now, clock.now - timedelta(days=1), 10
                ),
                5,
            )
    finally:
        for engine in engines:
            await engine.dispose()
    assert len(taken) == len(others) == 10
    assert not set(taken) & set(others)
    assert recaps == []

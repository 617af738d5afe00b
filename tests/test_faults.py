"""Faults: the database locked or gone during an update, and Telegram answering 400, 403, 429,
5xx or not at all, for the person's own reply, a notice to someone else and a check-in question.
Whatever fails, nobody gets the generic error for it, nothing is half written, no answer is lost
and no question is sent twice."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeTelegram, FakeUser
from bot.texts import en, nl
from storage.database import DatabaseUnavailableError
from storage.models import (
    CheckinAnswer,
    CheckinPrompt,
    ConversationState,
    HandledUpdate,
    Lesson,
    Membership,
    Person,
    PromptStatus,
)
from tests.support.checkins import ANSWERS, MONDAY_0930
from tests.support.db import rows
from tests.support.faults import database_fails
from tests.support.flows import appoint, create_team, join

BUSY_NL = nl.TEXTS["error.database_busy"]
BUSY_EN = en.TEXTS["error.database_busy"]
GENERIC = (nl.TEXTS["error.unexpected"][:30], en.TEXTS["error.unexpected"][:30])


@dataclass
class Team:
    coordinator: FakeUser
    simon: FakeUser
    kate: FakeUser
    code: str


@pytest.fixture
async def team(bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, clock: FakeClock) -> Team:
    """'Rattenaanpak Noord': coordinator Mostafa, members Simon and Kate (English); its
    check-ins are on Monday 09:30, and the clock stands just before."""
    code = await create_team(bot, admin, "Rattenaanpak Noord")
    coordinator, simon = telegram.user("Mostafa"), telegram.user("Simon")
    kate = telegram.user("Kate", language_code="en")
    for person in (coordinator, simon, kate):
        await join(bot, person, code)
    await appoint(bot, admin, coordinator)
    await bot.round()
    return Team(coordinator, simon, kate, code)


async def count(settings: Settings, model: type) -> int:
    return len(await rows(settings, model))


def no_generic_error(bot: ChatHarness) -> bool:
    return not any(m.text.startswith(GENERIC) for m in bot.telegram.outbox)


# --- (a) the database locked or gone ------------------------------------------------------------


async def test_a_locked_database_at_any_statement_of_an_answer_loses_nothing(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings
) -> None:
    """Simon's answer to the lesson question writes the answer, a lesson and the prompt's next
    step. The database fails at each statement of that update in turn: every time he is told
    to try again, and nothing of it is stored; then the answer goes through, once."""
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(team.simon, "4 ")
    for answer in ANSWERS[:3]:
        await bot.send(team.simon, answer)
    engine = bot.services.database.engine
    lesson = ANSWERS[3]

    stored_before = await count(settings, CheckinAnswer), await count(settings, Lesson)

    at = 1
    while True:
        with database_fails(engine, at_statement=at) as fault:
            replies = await bot.send(team.simon, lesson)
        if [r.text for r in replies] != [BUSY_NL]:
            break  # went through: the fault came after the commit, or not at all
        assert fault.failed
        assert (await count(settings, CheckinAnswer), await count(settings, Lesson)) == (
            stored_before
        ), f"half written after a failure at statement {at}"
        at += 1
    assert at > 3, "the update should touch the database several times"
    assert [r.text.split("\n")[0] for r in replies][-1].startswith("6/6")
    [stored] = await rows(settings, Lesson)
    assert stored.text == lesson
    answers = await rows(settings, CheckinAnswer)
    assert [a.text for a in answers].count(lesson) == 1
    assert no_generic_error(bot)


async def test_a_newcomer_hears_the_database_is_busy_in_their_own_language(
    bot: ChatHarness, team: Team, telegram: FakeTelegram, settings: Settings
) -> None:
    """The very first statement (who is this?) fails: the person is not known yet, so the
    message follows their Telegram app's language; joining works once the database is back."""
    newcomer = telegram.user("Newton", language_code="en")
    with database_fails(bot.services.database.engine, at_statement=1):
        replies = await join(bot, newcomer, team.code)
    assert [r.text for r in replies] == [BUSY_EN]
    assert await rows(settings, Person, Person.telegram_user_id == newcomer.id) == []
    replies = await join(bot, newcomer, team.code)
    assert "Rattenaanpak Noord" in replies[0].text
    assert await count(settings, Membership) == 4
    assert no_generic_error(bot)


async def test_a_database_server_out_of_reach_is_the_same_kind_message(
    bot: ChatHarness, team: Team, settings: Settings
) -> None:
    """PostgreSQL down: asyncpg's own connection error, not wrapped by SQLAlchemy."""
    await bot.send(team.coordinator, "/sprint")
    await bot.press(team.coordinator, "🚀 Nieuwe sprint starten")
    states = await count(settings, ConversationState)
    with database_fails(
        bot.services.database.engine,
        at_statement=2,
        error=ConnectionRefusedError(111, "Connect call failed"),
    ):
        replies = await bot.send(team.coordinator, "Minder ratten in het park")
    assert [r.text for r in replies] == [BUSY_NL]
    assert await count(settings, ConversationState) == states  # still asked for the goal
    replies = await bot.send(team.coordinator, "Minder ratten in het park")
    assert "Minder ratten in het park" in replies[-1].text
    assert no_generic_error(bot)


async def test_a_pressed_button_with_the_database_locked_is_answered_and_kept(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings, telegram: FakeTelegram
) -> None:
    clock.now = MONDAY_0930
    await bot.round()
    answered = len(telegram.callback_answers)
    with database_fails(bot.services.database.engine, at_statement=3):
        replies = await bot.press(team.kate, "4 ")
    assert [r.text for r in replies] == [BUSY_EN]
    assert len(telegram.callback_answers) == answered + 1  # the button stops spinning
    assert await rows(settings, CheckinAnswer) == []
    replies = await bot.press(team.kate, "4 ")  # the mood buttons are still there
    assert replies[-1].text.startswith("2/6")
    [kate] = await rows(settings, Person, Person.telegram_user_id == team.kate.id)
    [prompt] = await rows(settings, CheckinPrompt, CheckinPrompt.person_id == kate.id)
    assert (prompt.status, prompt.step) == (PromptStatus.ACTIVE, 1)
    assert len(await rows(settings, CheckinAnswer)) == 1
    assert no_generic_error(bot)


# --- (b) Telegram refusing, limiting, failing or not answering ----------------------------------


def questions_to(bot: ChatHarness, person: FakeUser, number: str) -> int:
    """How often question `number` (e.g. "3/6") reached the person."""
    return sum(
        m.text.startswith(number) or f"\n\n{number}" in m.text for m in bot.messages_to(person)
    )


def intros_to(bot: ChatHarness, person: FakeUser) -> int:
    return sum(m.text.startswith(("👋 Check-in", "Herinnering")) for m in bot.messages_to(person))


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def answer_mood_and_first(bot: ChatHarness, team: Team, clock: FakeClock) -> None:
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(team.simon, "4 ")
    await bot.send(team.simon, ANSWERS[0])


async def test_a_timed_out_question_that_arrived_is_not_sent_again(
    bot: ChatHarness, team: Team, clock: FakeClock, telegram: FakeTelegram
) -> None:
    """Telegram took the next question but the answer to the call never came: a later round
    must not send it a second time (the engine cannot know, so it assumes it arrived)."""
    await answer_mood_and_first(bot, team, clock)
    telegram.time_out_next("sendMessage", chat_id=team.simon.id, done_anyway=True)
    await bot.send(team.simon, ANSWERS[1])
    assert questions_to(bot, team.simon, "4/6") == 1
    for minutes in (1, 11, 30):
        clock.now = MONDAY_0930 + timedelta(minutes=minutes)
        await bot.round()
    assert questions_to(bot, team.simon, "4/6") == 1
    await bot.send(team.simon, ANSWERS[2])
    assert bot.last_to(team.simon).text.startswith("5/6")
    assert no_generic_error(bot)


async def test_a_timed_out_question_that_was_lost_comes_back_with_the_reminder(
    bot: ChatHarness, team: Team, clock: FakeClock, telegram: FakeTelegram, settings: Settings
) -> None:
    await answer_mood_and_first(bot, team, clock)
    telegram.time_out_next("sendMessage", chat_id=team.simon.id)
    await bot.send(team.simon, ANSWERS[1])
    assert questions_to(bot, team.simon, "4/6") == 0
    clock.now = MONDAY_0930 + timedelta(hours=4, minutes=1)
    await bot.round()
    reminder = bot.last_to(team.simon).text
    assert "4/6 Waar liep je tegenaan?" in reminder
    assert questions_to(bot, team.simon, "4/6") == 1
    answers = await rows(settings, CheckinAnswer)
    assert [a.text for a in answers].count(ANSWERS[1]) == 1  # the answer itself was kept
    assert no_generic_error(bot)


async def test_an_own_reply_to_someone_who_just_blocked_the_bot_is_no_error(
    bot: ChatHarness, team: Team, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    telegram.blocked_by.add(team.simon.id)
    with caplog.at_level(logging.INFO):
        replies = await bot.send(team.simon, "/help")
    assert replies == []
    assert errors_logged(caplog) == []


async def test_an_own_reply_that_timed_out_is_not_followed_by_the_generic_error(
    bot: ChatHarness, team: Team, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """It probably arrived; "something went wrong, try again" would only make people repeat
    what was already done."""
    telegram.time_out_next("sendMessage", chat_id=team.simon.id, done_anyway=True)
    with caplog.at_level(logging.INFO):
        replies = await bot.send(team.simon, "/lesson Vraag de buurt eerst")
    assert len(replies) == 1
    assert replies[0].text.startswith("📘")
    assert no_generic_error(bot)
    assert errors_logged(caplog) == []


async def test_an_own_reply_limited_by_telegram_arrives_once_after_the_wait(
    bot: ChatHarness, team: Team, telegram: FakeTelegram
) -> None:
    telegram.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 1", team.simon.id, retry_after=1
    )
    replies = await bot.send(team.simon, "/help")
    assert len(replies) == 1
    tries = [c.method for c in telegram.calls if c.params.get("chat_id") == team.simon.id]
    assert tries[-2:] == ["sendMessage", "sendMessage"]  # the 429, then the reply


async def test_an_own_reply_telegram_refuses_gets_the_generic_error(
    bot: ChatHarness, team: Team, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """A 400 for our own reply is a defect of ours (a message Telegram cannot take): logged,
    and the person is told something went wrong, the one case where that is the truth."""
    telegram.fail_next("sendMessage", 400, "Bad Request: something odd", team.simon.id)
    with caplog.at_level(logging.INFO):
        replies = await bot.send(team.simon, "/help")
    assert [r.text[:30] for r in replies] == [GENERIC[0]]
    assert errors_logged(caplog) != []


@pytest.mark.parametrize(
    ("fault", "arrives"),
    [
        pytest.param(("fail", 400, "Bad Request: something odd", None), False, id="400"),
        pytest.param(("blocked",), False, id="403"),
        pytest.param(("fail", 429, "Too Many Requests: retry after 1", 1), True, id="429"),
        pytest.param(("fail", 502, "Bad Gateway", None), False, id="502"),
        pytest.param(("fail", 500, "Internal Server Error", None), False, id="500"),
        pytest.param(("timeout",), False, id="timeout"),
    ],
)
async def test_a_notice_to_the_coordinator_never_spoils_the_update(
    bot: ChatHarness,
    team: Team,
    telegram: FakeTelegram,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    fault: tuple[object, ...],
    arrives: bool,
) -> None:
    """Erica joins; the coordinator's notice meets a fault. Erica is welcomed and joined all
    the same, and only a 429 (waited out) gets the notice through."""
    coordinator = team.coordinator
    before = len(bot.messages_to(coordinator))
    if fault[0] == "blocked":
        telegram.blocked_by.add(coordinator.id)
    elif fault[0] == "timeout":
        telegram.time_out_next("sendMessage", chat_id=coordinator.id)
    else:
        _, status, description, retry_after = fault
        telegram.fail_next(
            "sendMessage", int(str(status)), str(description), coordinator.id,
            retry_after=None if retry_after is None else int(str(retry_after)),
        )  # fmt: skip
    erica = telegram.user("Erica")
    with caplog.at_level(logging.INFO):
        replies = await join(bot, erica, team.code)
    assert "Welkom" in replies[0].text
    assert len(bot.messages_to(coordinator)) == before + arrives
    assert await count(settings, Membership) == 4
    assert no_generic_error(bot)
    assert errors_logged(caplog) == []


@pytest.mark.parametrize(
    ("fault", "outcome"),
    [
        pytest.param(("fail", 400, "Bad Request: something odd", None), "later", id="400"),
        pytest.param(
            ("fail", 400, "Bad Request: chat not found", None), "unreachable", id="400-chat"
        ),
        pytest.param(("blocked",), "unreachable", id="403"),
        pytest.param(("fail", 429, "Too Many Requests: retry after 1", 1), "now", id="429"),
        pytest.param(("fail", 502, "Bad Gateway", None), "now", id="502-once"),
        pytest.param(("fail3", 502, "Bad Gateway", None), "later", id="502-thrice"),
        pytest.param(("timeout-arrived",), "now", id="timeout-arrived"),
        pytest.param(("timeout-lost",), "reminder", id="timeout-lost"),
    ],
)  # fmt: skip
async def test_a_check_in_question_meets_every_kind_of_fault(
    bot: ChatHarness,
    team: Team,
    clock: FakeClock,
    telegram: FakeTelegram,
    settings: Settings,
    fault: tuple[object, ...],
    outcome: str,
) -> None:
    """The wave's first question to Simon meets a fault; later rounds run at 1 minute, 10
    minutes, 30 minutes and 4 hours. Simon gets the question exactly once (at the time the
    case allows), or is marked unreachable for the coordinator; Kate's is never held up."""
    simon = team.simon
    kind = fault[0]
    if kind == "blocked":
        telegram.blocked_by.add(simon.id)
    elif kind in ("timeout-arrived", "timeout-lost"):
        telegram.time_out_next("sendMessage", simon.id, done_anyway=kind == "timeout-arrived")
    else:
        _, status, description, retry_after = fault
        for _ in range(3 if kind == "fail3" else 1):
            telegram.fail_next(
                "sendMessage", int(str(status)), str(description), simon.id,
                retry_after=None if retry_after is None else int(str(retry_after)),
            )  # fmt: skip
    clock.now = MONDAY_0930
    await bot.round()
    assert intros_to(bot, team.kate) == 1
    assert intros_to(bot, simon) == (1 if outcome == "now" else 0)
    for later in (timedelta(minutes=1), timedelta(minutes=10), timedelta(minutes=30)):
        clock.now = MONDAY_0930 + later
        await bot.round()
    assert intros_to(bot, simon) == (1 if outcome in ("now", "later") else 0)
    clock.now = MONDAY_0930 + timedelta(hours=4, minutes=1)
    await bot.round()
    [person] = await rows(settings, Person, Person.telegram_user_id == simon.id)
    if outcome == "unreachable":
        assert person.unreachable_since is not None
        assert intros_to(bot, simon) == 0
    else:
        assert person.unreachable_since is None
        mood_questions = [m for m in bot.messages_to(simon) if "1 😫" in m.button_texts()]
        assert len(mood_questions) == (1 if outcome == "reminder" else 2)  # with the reminder
        await bot.press(simon, "4 ")
        assert bot.last_to(simon).text.startswith("2/6")
    assert no_generic_error(bot)


@pytest.mark.parametrize(
    ("reason", "transient"),
    [
        ("database is locked", True),
        ("database table is locked", True),
        ("unable to open database file", True),
        ("no such table: people", False),  # a defect, not a moment's trouble: stays an error
    ],
)
async def test_only_passing_database_trouble_counts_as_unavailable(
    bot: ChatHarness, reason: str, transient: bool
) -> None:
    database = bot.services.database
    error = OperationalError("(fault injected)", None, sqlite3.OperationalError(reason))
    expected = DatabaseUnavailableError if transient else OperationalError
    with database_fails(database.engine, at_statement=1, error=error), pytest.raises(expected):
        async with database.unit_of_work() as session:
            await session.execute(text("SELECT 1"))


async def test_an_update_telegram_sends_again_is_not_handled_twice(
    bot: ChatHarness, telegram: FakeTelegram, admin: FakeUser, settings: Settings
) -> None:
    """Telegram sends an update again when it did not hear it was taken (a bot killed between
    its commit and the acknowledgement, a lost webhook answer): the lesson is kept once and
    the person is answered once."""
    writer = telegram.user("Jesse")
    await join(bot, writer, await create_team(bot, admin, "Buurtteam"))
    update = telegram.message_update(writer, "/lesson Bel eerst de buurtregisseur, dan de gemeente")
    await bot.deliver(update)
    replies = len(bot.messages_to(writer))
    await bot.deliver(update)
    assert len(bot.messages_to(writer)) == replies
    assert len(await rows(settings, Lesson)) == 1
    assert update["update_id"] in {row.update_id for row in await rows(settings, HandledUpdate)}

"""Faults: the database locked or gone during an update, and Telegram answering 400, 403, 429,
5xx or not at all, for the person's own reply, a notice to someone else and a check-in question.
Whatever fails, nobody gets the generic error for it, nothing is half written, no answer is lost
and no question is sent twice."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeTelegram, FakeUser
from bot.texts import en, nl
from storage.models import (
    CheckinAnswer,
    CheckinPrompt,
    ConversationState,
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

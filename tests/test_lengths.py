"""Long texts: one limit for what people type, refused kindly with the limit and their length
(nothing stored, the flow still waits for a shorter text), and every message that shows typed
texts built to fit Telegram's 4,096 characters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeTelegram, FakeUser
from bot.services.common import TEXT_LIMIT
from storage.models import CheckinAnswer, CheckinSchedule, Lesson, Sprint
from tests.support.checkins import ANSWERS, MONDAY_0930
from tests.support.db import rows
from tests.support.flows import create_team, join

SENTENCE = "Ratten verdwijnen pas als het groen in de buurt goed onderhouden wordt. "
ADVICE = "Vraag de gebiedsmakelaar om een schouw met de buren en maak samen een plan. "


def long_text(start: str, sentence: str = SENTENCE, size: int = TEXT_LIMIT) -> str:
    """A real-looking text of exactly `size` characters."""
    return (start + sentence * (size // len(sentence) + 1))[: size - 1] + "."


def telegram_length(message: BotMessage) -> int:
    return len(message.text.encode("utf-16-le")) // 2


def too_long(limit: int, length: int) -> str:
    return f"Dat is te lang (maximaal {limit} tekens). Jouw tekst telt er {length}."


@dataclass
class People:
    coordinator: FakeUser
    simon: FakeUser
    erica: FakeUser  # in another team


@pytest.fixture
async def people(bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram) -> People:
    noord = await create_team(bot, admin, "Rattenaanpak Noord")
    oost = await create_team(bot, admin, "Gebiedsteam Oost", "Gebiedsteam", "Oost")
    found = People(telegram.user("Mostafa"), telegram.user("Simon"), telegram.user("Erica"))
    await join(bot, found.coordinator, noord)
    await join(bot, found.simon, noord)
    await join(bot, found.erica, oost)
    await bot.send(admin, "/team")
    await bot.press(admin, "Rattenaanpak Noord")
    await bot.press(admin, "⭐ Mostafa")
    await bot.round()
    return found


async def test_a_check_in_answer_too_long_is_refused_and_the_recap_fits(
    bot: ChatHarness, people: People, clock: FakeClock, settings: Settings
) -> None:
    simon = people.simon
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(simon, "4 ")
    for answer in ANSWERS[:3]:
        await bot.send(simon, answer)
    # A 3,900-character lesson: refused with the limit and its length; nothing is stored, and
    # the question still waits.
    await bot.send(simon, long_text("Wat ik leerde: ", size=3900))
    assert bot.last_to(simon).text.startswith(too_long(TEXT_LIMIT, 3900))
    assert await rows(settings, Lesson) == []
    assert len(await rows(settings, CheckinAnswer)) == 4  # the mood and three answers
    # Every answer as long as allowed: the recap shares the room, and says how to see them whole.
    answers = [long_text(f"Antwoord {n}: ") for n in range(1, 6)]
    await bot.send(simon, answers[3])  # the lesson
    recap, card, blocker = await bot.send(simon, answers[4])
    assert recap.text.startswith("Dank je wel!")
    assert telegram_length(recap) <= 4096
    assert "Antwoord 4: Ratten" in recap.text
    assert "…" in recap.text
    assert "Met ✏️ zie je een antwoord helemaal." in recap.text
    assert answers[3] in card.text  # the lesson card shows the lesson whole
    assert blocker.text.startswith("🚧 Je knelpunt voor")
    for number in (2, 3):  # change the first two text answers to the longest ones
        await bot.press(simon, f"✏️ {number}")
        await bot.send(simon, answers[number - 2])
    recap = [m for m in bot.messages_to(simon) if m.text.startswith("Dank je wel!")][-1]
    assert "Antwoord 1: Ratten" in recap.text
    assert telegram_length(recap) <= 4096
    await bot.press(simon, "✏️ 5")
    assert answers[3] in bot.last_to(simon).text  # ✏️ shows the answer whole
    stored = {a.text for a in await rows(settings, CheckinAnswer)}
    assert set(answers[:2] + answers[3:]) <= stored


async def test_a_search_page_of_long_lessons_fits_and_shows_each_whole_on_request(
    bot: ChatHarness, people: People, settings: Settings
) -> None:
    simon = people.simon
    lessons = [long_text(f"Les {n}: ") for n in range(1, 5)]
    for n, text in enumerate(lessons, start=1):
        await bot.send(simon, f"/lesson {text}")
        await bot.press(simon, "💡 Advies toevoegen")
        await bot.send(simon, long_text(f"Advies {n}: ", ADVICE, 500))
        await bot.press(simon, "🌍 Delen met steunpunt")
    assert len(await rows(settings, Lesson)) == 4
    page = (await bot.send(people.erica, "/search ratten groen"))[-1]
    assert page.text.startswith("🔎 4 lessen voor “ratten groen”:")
    assert telegram_length(page) <= 4096
    for n in range(1, 5):
        assert f"Les {n}: Ratten" in page.text
        assert f"💡 Advies {n}: Vraag" in page.text
        assert f"{n}. 📖" in page.button_texts()
    whole = (await bot.press(people.erica, "3. 📖"))[-1]
    found = [text for text in lessons if text[:8] in whole.text]
    assert len(found) == 1
    assert found[0] in whole.text
    assert long_text(f"Advies {found[0][4]}: ", ADVICE, 500) in whole.text
    # The owner's team sees it through the same button; nobody sees an undecided one.
    await bot.send(simon, "/lesson Nog niet gekozen, over ratten")
    [undecided] = await rows(settings, Lesson, Lesson.decided_at.is_(None))
    data = f"lr:{undecided.id}"
    await bot.deliver(bot.telegram.callback_update(people.erica, bot.last_to(people.erica), data))
    assert "Nog niet gekozen" not in bot.last_to(people.erica).text


async def test_lessons_fits_for_an_author_with_hidden_lessons_and_long_reasons(
    bot: ChatHarness, people: People, admin: FakeUser
) -> None:
    simon = people.simon
    for n in range(1, 9):
        await bot.send(simon, f"/lesson {long_text(f'Les {n}: ')}")
        await bot.press(simon, "🌍 Delen met steunpunt")
    reasons = [
        long_text(f"Reden {n}: ", "Dit hoort niet in het steunpunt thuis. ", 500)
        for n in range(1, 9)
    ]
    for n in range(1, 9):
        await bot.send(admin, "/search ratten")  # the first not yet hidden
        await bot.press(admin, "1. 🙈")
        await bot.send(admin, reasons[n - 1])
        assert bot.last_to(admin).text.startswith("🙈 De les is verborgen")
    overview = (await bot.send(simon, "/lessons"))[-1]
    assert overview.text.startswith("Jouw lessen")
    assert telegram_length(overview) <= 4096
    assert overview.text.count("🙈 verborgen door het steunpunt: Reden") == 8
    await bot.press(simon, "⚙️ 1")
    shown = bot.last_to(simon).text
    assert any(reason in shown for reason in reasons)  # ⚙️ shows its reason whole


async def test_a_long_search_is_refused_kindly_and_a_long_echo_is_shortened(
    bot: ChatHarness, people: People
) -> None:
    erica = people.erica
    await bot.send(erica, "/search #" + "x" * 4000)
    assert bot.last_to(erica).text.startswith(too_long(500, 4001))
    page = (await bot.send(erica, "/search #" + "x" * 450))[-1]
    assert page.text.startswith("🔎 Nog niets gevonden voor “#xxxx")
    assert "x…”" in page.text
    assert telegram_length(page) <= 4096


async def test_every_typed_text_has_the_same_limit(
    bot: ChatHarness, people: People, settings: Settings
) -> None:
    coordinator, simon, erica = people.coordinator, people.simon, people.erica
    # A sprint goal (a shorter column: 500).
    await bot.send(coordinator, "/sprint")
    await bot.press(coordinator, "🚀 Nieuwe sprint starten")
    await bot.send(coordinator, "d" * 501)
    assert bot.last_to(coordinator).text.startswith(too_long(500, 501))
    await bot.send(coordinator, "Minder ratten")  # the flow still waits for the goal
    await bot.press(coordinator, "2 wk")
    assert [s.goal for s in await rows(settings, Sprint)] == ["Minder ratten"]
    # A custom question: refused whole, not cut.
    await bot.send(coordinator, "/checkin")
    await bot.press(coordinator, "📝 Standaard")
    await bot.send(coordinator, "Wie sprak je?\n" + "v" * (TEXT_LIMIT + 1))
    assert bot.last_to(coordinator).text.startswith(too_long(TEXT_LIMIT, TEXT_LIMIT + 1))
    assert [s.template for s in await rows(settings, CheckinSchedule)].count("custom") == 0
    await bot.send(coordinator, "Wie sprak je?\nWat leerde je? (les)")
    assert [s.template for s in await rows(settings, CheckinSchedule)].count("custom") == 1
    # A lesson and its advice.
    await bot.send(simon, "/lesson " + "l" * (TEXT_LIMIT + 1))
    assert bot.last_to(simon).text.startswith(too_long(TEXT_LIMIT, TEXT_LIMIT + 1))
    await bot.send(simon, f"/lesson {SENTENCE}")
    await bot.press(simon, "💡 Advies toevoegen")
    await bot.send(simon, "a" * (TEXT_LIMIT + 1))
    assert bot.last_to(simon).text.startswith(too_long(TEXT_LIMIT, TEXT_LIMIT + 1))
    await bot.send(simon, long_text("Advies: ", ADVICE))  # still asked: the longest allowed
    assert "💡 Advies: Vraag" in bot.last_to(simon).text
    await bot.press(simon, "🌍 Delen met steunpunt")
    # An adoption line.
    await bot.send(erica, "/search ratten")
    await bot.press(erica, "1. 🧪")
    await bot.send(erica, "😄" * 1001)  # Telegram counts an emoji as two
    assert bot.last_to(erica).text.startswith(too_long(TEXT_LIMIT, 2002))
    await bot.send(erica, long_text("Geprobeerd: "))
    assert bot.last_to(erica).text.startswith("Dank je! Het team achter de les hoort")


async def test_a_long_action_is_asked_about_and_answered_within_one_message(
    bot: ChatHarness, people: People, clock: FakeClock
) -> None:
    simon = people.simon
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(simon, "4 ")
    for answer in ANSWERS[:4]:
        await bot.send(simon, answer)
    action = long_text("Volgende stap: ")
    await bot.send(simon, action)
    clock.now = MONDAY_0930 + timedelta(days=7)
    await bot.round()
    await bot.press(simon, "4 ")
    asked = bot.last_to(simon)
    assert action in asked.text
    assert telegram_length(asked) <= 4096
    replies = await bot.press(simon, "Gedaan")
    assert replies[0].text.startswith(asked.text)  # the question stays, the answer below it
    assert telegram_length(replies[0]) <= 4096
    assert replies[0].text.endswith("…: Gedaan")


async def test_a_person_in_many_teams_gets_start_in_several_messages(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> None:
    """A list no view bounds (every team a person is in) is split between paragraphs."""
    member = telegram.user("Simon")
    names = [f"Team {n:02} " + "van de buurt " * 7 for n in range(40)]
    for name in names:
        await join(bot, member, await create_team(bot, admin, name.strip()))
    replies = await bot.send(member, "/start")
    assert len(replies) > 1
    assert all(telegram_length(m) <= 4096 for m in replies)
    assert replies[0].text.startswith("Hallo Simon!")
    shown = "\n".join(m.text for m in replies)
    assert all(name.strip() in shown for name in names)
    assert "/help" in replies[-1].text

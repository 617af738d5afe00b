"""Text people type that looks like HTML is shown as typed, everywhere: Telegram (and the fake)
refuses a message with a tag it does not know or a bare '<', and a refused message takes its
buttons and everything after it down with it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import ApiError, BotMessage, FakeTelegram, FakeUser, visible_text
from tests.support.checkins import MONDAY_0930
from tests.support.flows import create_team, join

HOSTILE = [
    "<b>vet",
    "<script>x</script>",
    "a & b",
    "Wat ging <goed>?",
    "&lt;b&gt; en 3 < 4",
]


def refused_sends(telegram: FakeTelegram) -> list[str]:
    """Every text the bot sent or edited that Telegram would refuse."""
    refused = []
    for call in telegram.calls:
        if call.method in ("sendMessage", "editMessageText"):
            try:
                visible_text(str(call.params.get("text", "")), call.params.get("parse_mode"))
            except ApiError as error:
                refused.append(error.description)
    return refused


def shown(messages: list[BotMessage], text: str) -> list[BotMessage]:
    return [m for m in messages if text in m.text]


@pytest.mark.parametrize("typed", HOSTILE)
async def test_what_people_type_is_shown_as_typed(
    bot: ChatHarness,
    admin: FakeUser,
    telegram: FakeTelegram,
    clock: FakeClock,
    typed: str,
) -> None:
    team_name = f"Team {typed}"
    # A team name, in the steps that create the team, its invite and the team lists.
    await bot.send(admin, f"/newteam {team_name}")
    assert team_name in bot.last_to(admin).text
    await bot.press(admin, "Initiatief")
    assert team_name in bot.last_to(admin).text
    replies = await bot.press(admin, "Noord")
    assert all(team_name in m.text for m in replies)
    code = replies[-1].text.split("?start=")[1].split()[0]
    oost = await create_team(bot, admin, "Gebiedsteam Oost", "Gebiedsteam", "Oost")

    # First names from Telegram: in the roster, the coordinator's notices and the toasts.
    coordinator = telegram.user(f"Mo {typed}")
    assert team_name in (await join(bot, coordinator, code))[-1].text
    await bot.send(admin, "/team")
    await bot.press(admin, team_name[:20])
    assert f"Mo {typed}" in bot.last_to(admin).text
    # Button labels are plain text: shown as typed too.
    assert f"⭐ Mo {typed} coördinator" in bot.last_to(admin).button_texts()
    assert f"✖ Mo {typed}" in bot.last_to(admin).button_texts()
    await bot.press(admin, "⭐ Mo")
    assert f"Mo {typed} is nu coördinator" in bot.toasts()
    simon = telegram.user(f"Simon {typed}")
    await join(bot, simon, code)
    assert f"Simon {typed} is lid geworden van {team_name}." in bot.last_to(coordinator).text
    await bot.send(coordinator, "/team")
    assert f"Simon {typed}" in bot.last_to(coordinator).text
    erica = telegram.user("Erica")
    await join(bot, erica, oost)
    await bot.send(erica, "/start")
    assert "Gebiedsteam Oost" in bot.last_to(erica).text

    # A sprint goal.
    goal = f"Doel {typed}"
    await bot.send(coordinator, "/sprint")
    await bot.press(coordinator, "🚀 Nieuwe sprint starten")
    await bot.send(coordinator, goal)
    assert goal in bot.last_to(coordinator).text
    await bot.press(coordinator, "2 wk")
    assert goal in bot.last_to(coordinator).text
    await bot.send(coordinator, "/sprint")
    assert goal in bot.last_to(coordinator).text

    # A custom question, answers, a lesson with advice; the group sees the answers at the end.
    question = f"Vraag {typed}?"
    await bot.send(coordinator, "/checkin")
    await bot.press(coordinator, "📝 Standaard")
    await bot.send(coordinator, f"{question}\nWat heb je geleerd? (les)\nWat ga je doen? (actie)")
    assert team_name in bot.last_to(coordinator).text
    group = telegram.group(f"Groep {typed}")
    await bot.send(coordinator, "/linkgroup", chat=group)
    assert team_name in bot.last_to(group).text
    await bot.send(coordinator, "/team")
    assert f"Gekoppelde groep: Groep {typed}" in bot.last_to(coordinator).text
    await bot.send(coordinator, "/checkin")
    await bot.press(coordinator, "👥 Antwoorden in groep: uit")
    clock.now = MONDAY_0930
    await bot.round()
    intro = bot.last_to(simon).text
    assert team_name in intro
    assert goal in intro
    await bot.press(simon, "4 ")
    assert question in bot.last_to(simon).text
    answer, lesson, action = f"Antwoord {typed}", f"Les over ratten {typed}", f"Actie {typed}"
    await bot.send(simon, answer)
    await bot.send(simon, lesson)
    recap, card = await bot.send(simon, action)
    for text in (team_name, question, answer, lesson, action):
        assert text in recap.text
    assert team_name in card.text
    assert lesson in card.text
    await bot.press(simon, "💡 Advies toevoegen")
    advice = f"Advies {typed}"
    assert advice in (await bot.send(simon, advice))[-1].text
    assert lesson in (await bot.press(simon, "🌍 Delen met steunpunt"))[-1].text
    await bot.press(simon, "✏️ 2")
    assert f"Je antwoord nu: {answer}" in bot.last_to(simon).text
    await bot.send(simon, answer)
    assert answer in bot.last_to(simon).text
    # The next check-in asks about the action.
    clock.now = MONDAY_0930 + timedelta(hours=24)
    await bot.round()
    closed = bot.last_to(group).text
    assert team_name in closed
    assert question in closed
    assert f"Simon {typed}: {answer}" in closed

    # The team's lessons and lists of teams.
    await bot.send(coordinator, "/lessons")
    assert f"{lesson} — Simon {typed}" in bot.last_to(coordinator).text
    await bot.send(simon, "/start")
    assert team_name in bot.last_to(simon).text

    # The city log: search results, recognition and adoption told to the team.
    page = (await bot.send(erica, "/search ratten"))[-1]
    for text in (lesson, advice, team_name, f"door Simon {typed}"):
        assert text in page.text
    replies = await bot.press(erica, "1. 👍 0")
    assert shown(replies, lesson)
    assert shown(replies, team_name)
    asked = (await bot.press(erica, "1. 🧪"))[-1]
    assert team_name in asked.text
    assert lesson in asked.text
    line = f"Geprobeerd {typed}"
    replies = await bot.send(erica, line)
    told = [m for m in replies if m.chat_id == coordinator.id]
    assert told
    assert line in told[-1].text
    assert lesson in told[-1].text
    # What was typed, echoed back: a search, a time zone.
    query = f"zonnepaneel {typed}"
    assert query in (await bot.send(erica, f"/search {query}"))[-1].text
    zone = typed.split()[0]  # one word
    assert f"‘{zone}’ ken ik niet" in (await bot.send(erica, f"/timezone {zone}"))[-1].text

    # An admin hides it with a reason; its author sees the reason in the notice and /lessons.
    await bot.send(admin, "/search ratten")
    await bot.press(admin, "1. 🙈")
    reason = f"Reden {typed}"
    await bot.send(admin, reason)
    assert reason in bot.last_to(simon).text
    assert lesson in bot.last_to(simon).text
    await bot.send(simon, "/lessons")
    assert reason in bot.last_to(simon).text
    await bot.press(simon, "⚙️ 1")
    assert reason in bot.last_to(simon).text
    assert advice in bot.last_to(simon).text

    assert refused_sends(telegram) == []
    assert not [m for m in telegram.outbox if m.text.startswith("Sorry, daar ging iets mis")]


async def test_a_custom_question_that_looks_like_a_catalog_key_is_shown_as_typed(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, clock: FakeClock
) -> None:
    code = await create_team(bot, admin, "Rattenaanpak Noord")
    coordinator, simon = telegram.user("Mostafa"), telegram.user("Simon")
    await join(bot, coordinator, code)
    await join(bot, simon, code)
    await bot.send(admin, "/team")
    await bot.press(admin, "⭐ Mostafa")
    group = telegram.group("Groep")
    await bot.send(coordinator, "/linkgroup", chat=group)
    await bot.send(coordinator, "/checkin")
    await bot.press(coordinator, "👥 Antwoorden in groep: uit")
    await bot.press(coordinator, "📝 Standaard")
    await bot.send(coordinator, "question.x\nWat ging goed?")
    await bot.round()
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(simon, "4 ")
    assert "question.x" in bot.last_to(simon).text
    await bot.send(simon, "Antwoord een")
    await bot.send(simon, "Antwoord twee")
    clock.now = MONDAY_0930 + timedelta(hours=24)
    await bot.round()
    closed = bot.last_to(group).text
    assert "question.x\n• Simon: Antwoord een" in closed

"""/export through the real bot: who gets which workbook, the menu and the periods, what never
leaks into a workbook, and what a double tap, a stale button or a failed upload does."""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeTelegram, FakeUser
from bot.handlers import export as export_handlers_module
from bot.handlers import routes
from bot.services.common import Language
from bot.services.export import ExportCounts, ExportPlan, ExportSink
from bot.texts import t
from bot.texts.formatting import plain_text
from storage.models import Team
from tests.support.checkins import MONDAY_0930
from tests.support.db import rows
from tests.support.exports import export_handlers, exports_done, workbook
from tests.support.flows import create_team, join

NOORD, OOST, WEST = "Buurtteam Noord", "Buurt Oost", "Team West"
# Lessons, each written by the person the name says (see `city`).
NOORD_SHARED = "Simon deelt: bel de gebiedsmakelaar vóór je een vergunning aanvraagt"
NOORD_ANONYMOUS = "Anoniem uit Noord: de subsidie van het stadsdeel komt pas na drie maanden"
NOORD_TEAM = "Alleen voor Noord: de sleutel van het buurthuis ligt bij de bakker"
OOST_TEAM = "Alleen voor Oost: de wethouder komt donderdag langs"
OOST_ANONYMOUS = "Anoniem uit Oost: vraag de containers bij Stadsreiniging aan"
SHEETS_NL = ["Lessen", "Antwoorden", "Knelpunten", "Acties", "Sprints", "Deelname", "Per week"]
SHEETS_EN = ["Lessons", "Answers", "Blockers", "Actions", "Sprints", "Participation", "Per week"]
PERIOD_BUTTONS = ["deze sprint", "laatste 4 weken", "alles"]
TODAY = "2026-12-09"  # the clock's day at the end of `city`
TODAY_AT_START = "2026-11-30"  # the clock's first day


@dataclass
class City:
    mostafa: FakeUser  # coordinates Noord
    members: list[FakeUser]  # of Noord: Simon, Ilse, Kate
    otto: FakeUser  # coordinates Oost and West
    bram: FakeUser  # a member of Oost
    team_ids: dict[str, int]
    codes: dict[str, str]


async def write_lesson(bot: ChatHarness, person: FakeUser, text: str, share: str) -> None:
    await bot.send(person, f"/lesson {text}")
    await bot.press(person, share)


@pytest.fixture
async def city(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, clock: FakeClock, settings: Settings
) -> City:
    """Noord (Mostafa coordinates; Simon, Ilse and Kate answer a check-in in its sprint and
    write a shared, an anonymous and a team-only lesson), Oost (Otto coordinates; Bram keeps
    a lesson in the team and shares one anonymously) and West (Otto coordinates, nothing in
    it). The clock ends on Wednesday 9 December 2026."""
    codes = {
        NOORD: await create_team(bot, admin, NOORD, "Initiatief", "Noord"),
        OOST: await create_team(bot, admin, OOST, "Gebiedsteam", "Oost"),
        WEST: await create_team(bot, admin, WEST, "Gebiedsteam", "West"),
    }
    mostafa, otto, bram = telegram.user("Mostafa"), telegram.user("Otto"), telegram.user("Bram")
    members = [telegram.user("Simon"), telegram.user("Ilse"), telegram.user("Kate")]
    for person in (mostafa, *members):
        await join(bot, person, codes[NOORD])
    for person in (otto, bram):
        await join(bot, person, codes[OOST])
    await join(bot, otto, codes[WEST])
    for team, coordinator in ((NOORD, mostafa), (OOST, otto), (WEST, otto)):
        await bot.send(admin, "/team")
        await bot.press(admin, team)
        await bot.press(admin, f"⭐ {coordinator.first_name}")
    await bot.send(mostafa, "/sprint Minder ratten bij de containers")
    await bot.press(mostafa, "2 wk")
    await bot.round()  # the schedules start: Mondays 09:30

    clock.now = MONDAY_0930
    await bot.round()
    for person, mood in zip(members, (4, 3, 5), strict=True):
        await bot.press(person, f"{mood} ")
        await bot.send(person, f"Flyers rondgebracht door {person.first_name}")
        await bot.send(person, "Veel mensen deden mee")
        await bot.send(person, "De vergunning duurt lang")
        await bot.send(person, "/skip")  # what they learned: their lessons come below
        await bot.send(person, f"Actie van {person.first_name}")
    clock.now = MONDAY_0930 + timedelta(days=2)
    await bot.round()  # closes the check-in

    simon, ilse, kate = members
    await write_lesson(bot, simon, NOORD_SHARED, "🌍 Delen met steunpunt")
    await write_lesson(bot, ilse, NOORD_ANONYMOUS, "🕶 Anoniem delen")
    await write_lesson(bot, kate, NOORD_TEAM, "🔒 Alleen team")
    await write_lesson(bot, bram, OOST_TEAM, "🔒 Alleen team")
    await write_lesson(bot, bram, OOST_ANONYMOUS, "🕶 Anoniem delen")
    clock.now = MONDAY_0930 + timedelta(days=9)
    team_ids = {team.name: team.id for team in await rows(settings, Team)}
    return City(mostafa, members, otto, bram, team_ids, codes)


def documents(bot: ChatHarness, person: FakeUser) -> list[BotMessage]:
    return [m for m in bot.messages_to(person) if m.document is not None]


def text(key: str, language: Language = "nl", **params: object) -> str:
    return plain_text(t(language, key, **params))


def cells(sheets: dict[str, list[tuple[object, ...]]]) -> list[str]:
    """Every cell of every sheet, as text."""
    return [str(value) for rows_ in sheets.values() for row in rows_ for value in row if value]


def data_rows(sheets: dict[str, list[tuple[object, ...]]], title: str) -> list[dict[str, object]]:
    """A sheet's rows under its header, as {header: value}."""
    header, *body = sheets[title]
    return [dict(zip(map(str, header), row, strict=True)) for row in body]


async def test_a_coordinator_of_one_team_gets_the_workbook_of_that_team(
    bot: ChatHarness, city: City, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    mostafa = city.mostafa
    [question] = await bot.send(mostafa, "/export")
    assert question.text == f"📥 Export van {NOORD}: welke periode?"
    assert question.button_texts() == PERIOD_BUTTONS

    [working] = await bot.press(mostafa, "alles")
    assert working.message_id == question.message_id
    assert working.text == text("export.working", scope=NOORD, period="alles")
    assert working.buttons == []  # nothing left to tap twice
    await exports_done(bot)
    [sent] = documents(bot, mostafa)
    assert sent.document is not None
    assert sent.document.file_name == f"steunpunt-buurtteam-noord-{TODAY}.xlsx"
    assert re.fullmatch(r"steunpunt-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.xlsx", sent.document.file_name)
    assert scratch.exists()
    assert list(scratch.iterdir()) == []

    sheets = workbook(sent.document.content)
    assert list(sheets) == SHEETS_NL
    lessons = data_rows(sheets, "Lessen")
    assert list(sheets["Lessen"][0][:3]) == ["les-id", "datum", "team"]
    assert {row["les"] for row in lessons} == {NOORD_SHARED, NOORD_ANONYMOUS, NOORD_TEAM}
    assert {row["team"] for row in lessons} == {NOORD}
    authors = {row["les"]: row["auteur"] for row in lessons}
    assert authors == {NOORD_SHARED: "Simon", NOORD_ANONYMOUS: "anoniem", NOORD_TEAM: "Kate"}
    [anonymous] = [row for row in lessons if row["les"] == NOORD_ANONYMOUS]
    assert not any("Ilse" in str(value) for value in anonymous.values())
    answers = data_rows(sheets, "Antwoorden")
    assert "Flyers rondgebracht door Ilse" in {row["antwoord"] for row in answers}
    actions = data_rows(sheets, "Acties")
    assert {row["actie"] for row in actions} == {f"Actie van {m.first_name}" for m in city.members}
    [sprint] = data_rows(sheets, "Sprints")
    assert sprint["doel"] == "Minder ratten bij de containers"
    # Nothing of another team: not its team-only lesson, not its anonymous one, no names.
    everything = " ".join(cells(sheets))
    for absent in (OOST_TEAM, OOST_ANONYMOUS, OOST, WEST, "Bram", "Otto"):
        assert absent not in everything

    assert sent.text == text(
        "export.caption",
        scope=NOORD,
        period="alles",
        lessons=3,
        answers=len(answers),
        actions=len(actions),
        sprints=1,
    )
    assert len(answers) == 3 * 4 + 3  # three members: four texts each, and three moods
    assert len(actions) == 3


async def test_a_coordinator_of_two_teams_picks_one_or_both(
    bot: ChatHarness, city: City, tmp_path: Path
) -> None:
    otto = city.otto
    [menu] = await bot.send(otto, "/export")
    assert menu.text == "📥 Wat wil je exporteren?"
    assert menu.button_texts() == [OOST, WEST, "Al mijn teams"]  # by name, then both

    [question] = await bot.press(otto, OOST)
    assert question.message_id == menu.message_id
    assert question.text == f"📥 Export van {OOST}: welke periode?"
    assert question.button_texts() == [*PERIOD_BUTTONS, "↩︎ terug"]
    [menu_again] = await bot.press(otto, "↩︎ terug")
    assert menu_again.message_id == menu.message_id
    assert menu_again.button_texts() == [OOST, WEST, "Al mijn teams"]

    [question] = await bot.press(otto, "Al mijn teams")
    assert question.text == "📥 Export van al je teams: welke periode?"
    [working] = await bot.press(otto, "laatste 4 weken")
    assert working.text == text("export.working", scope="al je teams", period="laatste 4 weken")
    await exports_done(bot)
    [sent] = documents(bot, otto)
    assert sent.document is not None
    assert sent.document.file_name == f"steunpunt-mijn-teams-{TODAY}.xlsx"
    assert sent.text.startswith("📥 al je teams, laatste 4 weken\nLessen: 2 · antwoorden: 0 · ")
    sheets = workbook(sent.document.content)
    lessons = data_rows(sheets, "Lessen")
    # Otto is in Oost: its team-only lesson is his to see; the anonymous one stays anonymous.
    assert {row["les"]: row["auteur"] for row in lessons} == {
        OOST_TEAM: "Bram",
        OOST_ANONYMOUS: "anoniem",
    }
    everything = " ".join(cells(sheets))
    for absent in (NOORD_SHARED, NOORD_ANONYMOUS, NOORD_TEAM, NOORD, "Ilse", "Kate"):
        assert absent not in everything
    assert {row["team"] for row in data_rows(sheets, "Sprints")} == set()  # no sprint in either


async def test_an_admin_exports_every_team_without_their_team_only_lessons(
    bot: ChatHarness, city: City, admin: FakeUser
) -> None:
    # In no team of their own: the one choice there is comes at once.
    [question] = await bot.send(admin, "/export")
    assert question.text == "📥 Export van alle teams: welke periode?"
    assert question.button_texts() == PERIOD_BUTTONS
    await bot.press(admin, "alles")
    await exports_done(bot)
    [sent] = documents(bot, admin)
    assert sent.document is not None
    assert sent.document.file_name == f"steunpunt-alle-teams-{TODAY}.xlsx"
    sheets = workbook(sent.document.content)
    lessons = data_rows(sheets, "Lessen")
    assert {row["les"]: row["auteur"] for row in lessons} == {
        NOORD_SHARED: "Simon",
        NOORD_ANONYMOUS: "anoniem",
        OOST_ANONYMOUS: "anoniem",
    }
    everything = " ".join(cells(sheets))
    for absent in (NOORD_TEAM, OOST_TEAM, "Bram"):
        assert absent not in everything
    assert {row["team"] for row in data_rows(sheets, "Sprints")} == {NOORD}
    assert sent.text.startswith("📥 alle teams, alles\nLessen: 3 · antwoorden: 15 · ")

    # Coordinating a team too: a menu with that team and every team.
    await join(bot, admin, city.codes[WEST])
    await bot.send(city.otto, "/team")
    await bot.press(city.otto, WEST)
    await bot.press(city.otto, "⭐ Anna")
    [menu] = await bot.send(admin, "/export")
    assert menu.text == "📥 Wat wil je exporteren?"
    assert menu.button_texts() == [WEST, "🌍 Alle teams"]
    [question] = await bot.press(admin, "🌍 Alle teams")
    assert question.button_texts() == [*PERIOD_BUTTONS, "↩︎ terug"]


async def test_members_and_outsiders_are_refused_kindly(
    bot: ChatHarness, city: City, telegram: FakeTelegram
) -> None:
    outsider = telegram.user("Olga")
    await bot.send(outsider, "/start")
    for person in (city.members[0], city.bram, outsider):
        assert [m.text for m in await bot.send(person, "/export")] == [text("denied.export")]
    # A forged button changes nothing either.
    pressed = bot.last_to(city.bram)
    oost = routes.EXPORT_RUN.build(target=f"t{city.team_ids[OOST]}", period="all")
    replies = await bot.deliver(telegram.callback_update(city.bram, pressed, oost))
    assert [m.text for m in replies] == [text("denied.coordinator", team=OOST)]
    everything = routes.EXPORT_RUN.build(target="all", period="all")
    replies = await bot.deliver(telegram.callback_update(city.mostafa, pressed, everything))
    assert [m.text for m in replies] == [text("denied.admin_export")]
    await exports_done(bot)
    for person in (city.members[0], city.bram, outsider, city.mostafa):
        assert documents(bot, person) == []
    # Their help does not offer it; a coordinator's does.
    await bot.send(city.bram, "/help")
    assert "/export" not in bot.last_to(city.bram).text
    await bot.send(city.mostafa, "/help")
    assert "/export – lessen, antwoorden, knelpunten, acties en deelname" in (
        bot.last_to(city.mostafa).text
    )


async def test_in_a_group_it_points_to_the_private_chat(
    bot: ChatHarness, city: City, telegram: FakeTelegram
) -> None:
    group = telegram.group("Buurtgroep")
    [reply] = await bot.send(city.mostafa, "/export", group)
    assert reply.chat_id == group.id
    assert reply.text == text("group.private_only", bot="steunpunt_test_bot")
    # A button pressed there (forged) does not make an export either.
    run = routes.EXPORT_RUN.build(target=f"t{city.team_ids[NOORD]}", period="all")
    [reply] = await bot.deliver(telegram.callback_update(city.mostafa, reply, run))
    assert reply.text == text("group.private_only", bot="steunpunt_test_bot")
    await exports_done(bot)
    assert documents(bot, city.mostafa) == []
    assert bot.messages_to(group)[-1] == reply


async def test_this_sprint_without_a_sprint_says_so_and_another_period_still_works(
    bot: ChatHarness, city: City
) -> None:
    otto = city.otto
    await bot.send(otto, "/export")
    [question] = await bot.press(otto, WEST)
    [refusal] = await bot.press(otto, "deze sprint")
    assert refusal.text == text("export.no_sprint")
    assert refusal.message_id != question.message_id  # the question stays, buttons and all
    assert question.button_texts() == [*PERIOD_BUTTONS, "↩︎ terug"]
    await exports_done(bot)
    assert documents(bot, otto) == []
    await bot.press(otto, "alles")  # not "busy": the refused one left no mark
    await exports_done(bot)
    [sent] = documents(bot, otto)
    assert sent.text.startswith(f"📥 {WEST}, alles\nLessen: 0 · antwoorden: 0 · actieregels: 0 · ")


async def test_a_double_tap_sends_one_workbook(
    bot: ChatHarness, city: City, telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    mostafa = city.mostafa
    [question] = await bot.send(mostafa, "/export")
    service = export_handlers(bot).exports
    made = service.export
    release = asyncio.Event()
    begun = 0

    async def held(plan: ExportPlan, sink: ExportSink) -> ExportCounts:
        # Still being made when the second tap is handled, however fast this machine is.
        nonlocal begun
        begun += 1
        await release.wait()
        return await made(plan, sink)

    monkeypatch.setattr(service, "export", held)
    sprint = routes.EXPORT_RUN.build(target=f"t{city.team_ids[NOORD]}", period="sprint")
    # Both taps carry the message as it was when tapped: with its buttons.
    first = telegram.callback_update(mostafa, question, sprint)
    second = telegram.callback_update(mostafa, question, sprint)
    [working] = await bot.deliver(first)
    assert working.text == text("export.working", scope=NOORD, period="deze sprint")
    toasts = len(bot.toasts())
    assert await bot.deliver(second) == []  # no second edit, no second export
    assert bot.toasts()[toasts:] == [text("export.busy")]
    release.set()
    await exports_done(bot)
    assert begun == 1
    [sent] = documents(bot, mostafa)
    assert sent.text.startswith(f"📥 {NOORD}, deze sprint\n")
    assert "antwoorden: 15 · actieregels: 3 · sprints: 1\n" in sent.text

    # Two taps handled side by side (as with concurrent updates): still one.
    release.clear()
    both = [telegram.callback_update(mostafa, question, sprint) for _ in range(2)]
    await asyncio.gather(*(bot.deliver(update) for update in both))
    release.set()
    await exports_done(bot)
    assert begun == 2
    assert len(documents(bot, mostafa)) == 2


async def test_a_button_for_a_team_one_no_longer_coordinates_is_refused(
    bot: ChatHarness, city: City, admin: FakeUser
) -> None:
    otto = city.otto
    await bot.send(otto, "/export")
    [question] = await bot.press(otto, OOST)
    menu_button = routes.EXPORT_SCOPE.build(target=f"t{city.team_ids[OOST]}")
    # The admin takes Otto out of Oost.
    await bot.send(admin, "/team")
    await bot.press(admin, OOST)
    await bot.press(admin, "✖ Otto")
    await bot.press(admin, "Ja, verwijderen")
    [refusal] = await bot.press(otto, "alles")
    assert refusal.text == text("denied.coordinator", team=OOST)
    replies = await bot.deliver(bot.telegram.callback_update(otto, question, menu_button))
    assert [m.text for m in replies] == [text("denied.coordinator", team=OOST)]
    # West is still his: only that one now, at once.
    [back] = await bot.press(otto, "↩︎ terug")
    assert back.text == f"📥 Export van {WEST}: welke periode?"
    assert back.button_texts() == PERIOD_BUTTONS
    await exports_done(bot)
    assert documents(bot, otto) == []


async def test_english_sheets_headers_and_words(bot: ChatHarness, city: City) -> None:
    mostafa = city.mostafa
    await bot.send(mostafa, "/language")
    await bot.press(mostafa, "English")
    [question] = await bot.send(mostafa, "/export")
    assert question.text == f"📥 Export of {NOORD}: which period?"
    assert question.button_texts() == ["this sprint", "last 4 weeks", "everything"]
    [working] = await bot.press(mostafa, "everything")
    assert working.text == text("export.working", "en", scope=NOORD, period="everything")
    await exports_done(bot)
    [sent] = documents(bot, mostafa)
    assert sent.text.startswith(f"📥 {NOORD}, everything\nLessons: 3 · answers: 15 · ")
    assert sent.document is not None
    sheets = workbook(sent.document.content)
    assert list(sheets) == SHEETS_EN
    lessons = data_rows(sheets, "Lessons")
    assert list(lessons[0])[:3] == ["lesson id", "date", "team"]
    authors = {row["lesson"]: row["author"] for row in lessons}
    assert authors[NOORD_ANONYMOUS] == "anonymous"
    assert {row["visible to"] for row in lessons} == {"team", "city"}


async def test_a_workbook_over_telegrams_limit_is_not_sent(
    bot: ChatHarness, city: City, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(export_handlers_module, "MAX_UPLOAD_BYTES", 1000)
    mostafa = city.mostafa
    await bot.send(mostafa, "/export")
    await bot.press(mostafa, "alles")
    await exports_done(bot)
    assert documents(bot, mostafa) == []
    note = bot.last_to(mostafa).text
    assert re.fullmatch(
        r"Deze export is groter dan wat Telegram verstuurt \(0,1 MB, maximaal 0,1 MB\)\. "
        r"Kies een kortere periode, of vraag de beheerder om steunpunt export op de server\.",
        note,
    ), note
    assert list(scratch.iterdir()) == []


async def test_an_upload_that_fails_is_reported_and_can_be_tried_again(
    bot: ChatHarness, city: City, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    mostafa = city.mostafa
    await bot.send(mostafa, "/export")
    telegram.fail_next("sendDocument", 400, "Bad Request: planned failure")
    with caplog.at_level(logging.WARNING):
        await bot.press(mostafa, "alles")
        await exports_done(bot)
    assert bot.last_to(mostafa).text == text("export.failed")
    assert documents(bot, mostafa) == []
    assert "an export could not be sent" in caplog.text
    assert NOORD_SHARED not in caplog.text
    # Not "busy": the failed one is over.
    await bot.send(mostafa, "/export")
    await bot.press(mostafa, "alles")
    await exports_done(bot)
    assert len(documents(bot, mostafa)) == 1


async def test_an_upload_that_times_out_is_taken_as_delivered(
    bot: ChatHarness, city: City, telegram: FakeTelegram
) -> None:
    """Telegram may have the file although the answer never came: no "it failed" beside it."""
    mostafa = city.mostafa
    await bot.send(mostafa, "/export")
    telegram.time_out_next("sendDocument", done_anyway=True)
    [working] = await bot.press(mostafa, "alles")
    await exports_done(bot)
    assert len(documents(bot, mostafa)) == 1
    assert text("export.failed") not in [m.text for m in bot.messages_to(mostafa)]
    assert bot.messages_to(mostafa)[-2] == working


async def test_a_team_name_is_shown_as_typed(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> None:
    typed = "Ratten & <b>Co</b>"
    code = await create_team(bot, admin, typed)
    coordinator = telegram.user("Mila")
    await join(bot, coordinator, code)
    await bot.send(admin, "/team")
    await bot.press(admin, "⭐ Mila")
    [question] = await bot.send(coordinator, "/export")
    assert question.text == f"📥 Export van {typed}: welke periode?"
    await bot.press(coordinator, "alles")
    await exports_done(bot)
    [sent] = documents(bot, coordinator)
    assert sent.text.startswith(f"📥 {typed}, alles\nLessen: 0 · ")
    assert sent.document is not None
    assert sent.document.file_name == f"steunpunt-ratten-b-co-b-{TODAY_AT_START}.xlsx"


async def test_export_is_in_the_command_menu(bot: ChatHarness, telegram: FakeTelegram) -> None:
    for language, description in (
        ("nl", "Export naar Excel (coördinator)"),
        ("en", "Export to a spreadsheet (coordinator)"),
    ):
        menu = {c["command"]: c["description"] for c in telegram.commands[language]}
        assert menu["export"] == description
        names = list(menu)
        assert names.index("export") == names.index("summary") + 1


async def test_a_lesson_its_author_has_not_decided_on_stays_theirs(
    bot: ChatHarness, city: City
) -> None:
    simon = city.members[0]
    undecided = "Nog niet besloten: de buurtapp werkt beter dan de nieuwsbrief"
    await bot.send(simon, f"/lesson {undecided}")  # no choice pressed
    mostafa = city.mostafa
    await bot.send(mostafa, "/export")
    await bot.press(mostafa, "alles")
    await exports_done(bot)
    [sent] = documents(bot, mostafa)
    assert sent.document is not None
    assert undecided not in " ".join(cells(workbook(sent.document.content)))


async def test_this_sprints_export_holds_the_lessons_written_in_it(
    bot: ChatHarness, city: City
) -> None:
    mostafa = city.mostafa
    await bot.send(mostafa, "/export")
    await bot.press(mostafa, "deze sprint")
    await exports_done(bot)
    [sent] = documents(bot, mostafa)
    assert sent.document is not None
    lessons = data_rows(workbook(sent.document.content), "Lessen")
    assert {row["les"] for row in lessons} == {NOORD_SHARED, NOORD_ANONYMOUS, NOORD_TEAM}

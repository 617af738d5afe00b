"""Smaller defects found by trying to break the bot (issue 8): double taps, commands in groups,
forged buttons, control characters, one search analyser, member time zones, group upgrades."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeTelegram, FakeUser
from bot.handlers import routes
from bot.services.schedule import WeeklyRule
from storage.models import (
    CheckinRun,
    CheckinSchedule,
    Endorsement,
    Lesson,
    LessonTerm,
    LessonTheme,
    LinkedChat,
    RunStatus,
    SavedSearch,
    Stadsdeel,
    Team,
    TeamKind,
)
from tests.support.checkins import MONDAY_0930
from tests.support.db import rows
from tests.support.flows import create_team, join
from tests.support.services import PlainServices

RATS = "Ratten verdwijnen pas als het groen niet meer verwaarloosd wordt #ratten"
POINTER = (
    "Dit doe ik liever onder vier ogen. Stuur het mij in een privégesprek: @steunpunt_test_bot."
)
EXPIRED = "Deze knop werkt niet meer. Begin gerust opnieuw."


async def two_teams(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> tuple[FakeUser, FakeUser, FakeUser]:
    """Noord (a coordinator and an author) and Oost (a member)."""
    coordinator, author, reader = (telegram.user(n) for n in ("Mostafa", "Jesse", "Erica"))
    noord = await create_team(bot, admin, "Rattenaanpak Noord", "Initiatief", "Noord")
    oost = await create_team(bot, admin, "Gebiedsteam Oost", "Gebiedsteam", "Oost")
    for person, code in ((coordinator, noord), (author, noord), (reader, oost)):
        await join(bot, person, code)
    await bot.send(admin, "/team")
    await bot.press(admin, "Rattenaanpak Noord")
    await bot.press(admin, "⭐ Mostafa")
    return coordinator, author, reader


async def share(bot: ChatHarness, author: FakeUser, text: str, choice: str) -> None:
    await bot.send(author, f"/lesson {text}")
    await bot.press(author, choice)


# --- 1. double taps ------------------------------------------------------------------------------


async def test_a_double_tap_on_endorse_endorses_once_and_tells_the_team_once(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    coordinator, author, reader = await two_teams(bot, admin, telegram)
    await share(bot, author, RATS, "🌍 Delen met steunpunt")
    await bot.send(reader, "/search ratten")
    page, button = telegram.find_button(reader.id, "1. 👍 0")
    assert button.callback_data is not None
    told_before = len(bot.messages_to(coordinator))
    # Both taps come from the same message, as they do when someone taps twice quickly.
    for _ in range(2):
        await bot.deliver(telegram.callback_update(reader, page, button.callback_data))
    assert len(await rows(settings, Endorsement)) == 1
    assert len(bot.messages_to(coordinator)) == told_before + 1
    assert bot.toasts()[-2:] == [
        "Herkenbaar! Het team hoort het.",
        "Je vond deze les al herkenbaar.",
    ]
    assert "1. ✅ 1 · intrekken" in bot.last_to(reader).button_texts()
    # Undo is its own button; a double tap on it undoes once and tells nobody.
    page, button = telegram.find_button(reader.id, "1. ✅ 1 · intrekken")
    assert button.callback_data is not None
    for _ in range(2):
        await bot.deliver(telegram.callback_update(reader, page, button.callback_data))
    assert await rows(settings, Endorsement) == []
    assert len(bot.messages_to(coordinator)) == told_before + 1
    assert "1. 👍 0" in bot.last_to(reader).button_texts()


# --- 2. private-only commands in groups ----------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    ["/search ratten", "/lesson iets", "/lessons", "/sprint", "/checkin", "/away", "/join abc"],
)
async def test_private_only_commands_in_a_group_point_to_the_private_chat(
    bot: ChatHarness, telegram: FakeTelegram, command: str
) -> None:
    person = telegram.user("Sanne")
    group = telegram.group("Buurtapp")
    name, _, rest = command.partition(" ")
    for form in (command, f"{name}@steunpunt_test_bot {rest}".strip()):
        before = len(telegram.outbox)
        await bot.send(person, form, chat=group)
        assert [m.text for m in telegram.outbox[before:]] == [POINTER], form
    # Addressed to another bot in the group: not ours, so silence.
    before = len(telegram.outbox)
    await bot.send(person, f"{name}@andere_bot {rest}".strip(), chat=group)
    await bot.send(person, "/onbekend@andere_bot", chat=group)
    assert telegram.outbox[before:] == []


async def test_the_bot_name_after_a_command_is_read_in_any_case(
    bot: ChatHarness, telegram: FakeTelegram
) -> None:
    person = telegram.user("Sanne")
    group = telegram.group("Buurtapp")
    await bot.send(person, "/onbekend@STEUNPUNT_TEST_BOT", chat=group)
    assert bot.last_to(group).text.startswith("Dat commando ken ik niet.")
    await bot.send(person, "/onbekend@andere_bot")  # in a private chat, anything is for us
    assert bot.last_to(person).text.startswith("Dat commando ken ik niet.")


# --- 3. a forged lg: button in a private chat ----------------------------------------------------


async def test_a_forged_link_group_button_in_a_private_chat_links_nothing(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    await create_team(bot, admin, "Team A")
    [team] = await rows(settings, Team)
    data = routes.LINK_GROUP.build(team_id=team.id)
    await bot.deliver(telegram.callback_update(admin, bot.last_to(admin), data))
    assert bot.last_to(admin).text.startswith("Stuur /linkgroup in de Telegram-groep")
    assert await rows(settings, LinkedChat) == []


# --- 4. a forged endorsement ---------------------------------------------------------------------


async def test_a_forged_endorsement_is_refused_and_nothing_is_stored(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    coordinator, author, reader = await two_teams(bot, admin, telegram)
    await share(bot, author, RATS, "🌍 Delen met steunpunt")
    await share(
        bot, author, "Subsidie aanvragen kost meer tijd dan gedacht", "🌍 Delen met steunpunt"
    )
    await share(bot, author, "Bewoners komen liever op zaterdag", "🔒 Alleen team")
    lessons = {lesson.text.split()[0]: lesson.id for lesson in await rows(settings, Lesson)}
    await bot.send(reader, "/search ratten")
    [search] = await rows(settings, SavedSearch)
    told_before = len(bot.messages_to(coordinator))
    # A shared lesson not on the page: the button cannot be from it. A team-only lesson of
    # another team, or one that does not exist: not a lesson the reader may see at all.
    unknown = "Die les bestaat niet (meer) of is niet zichtbaar voor jou."
    expected = {lessons["Subsidie"]: EXPIRED, lessons["Bewoners"]: unknown, 999_999_999: unknown}
    for lesson_id, refusal in expected.items():
        for route in (routes.LESSON_ENDORSE, routes.LESSON_UNENDORSE):
            data = route.build(search_id=search.id, page=0, lesson_id=lesson_id)
            await bot.deliver(telegram.callback_update(reader, bot.last_to(reader), data))
            assert bot.last_to(reader).text == refusal
    assert await rows(settings, Endorsement) == []
    assert len(bot.messages_to(coordinator)) == told_before


# --- 8. a group upgraded to a supergroup ---------------------------------------------------------


@pytest.mark.parametrize("first", ["migrate_to_chat_id", "migrate_from_chat_id"])
async def test_a_group_upgraded_to_a_supergroup_keeps_its_team_link(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings, first: str
) -> None:
    await create_team(bot, admin, "Team A")
    group = telegram.group("Buurtgroep")
    group.type = "group"
    await bot.send(admin, "/linkgroup", chat=group)
    supergroup = telegram.group("Buurtgroep")
    old = telegram.message_update(admin, "", group)
    del old["message"]["text"]
    old["message"]["migrate_to_chat_id"] = supergroup.id
    new = telegram.message_update(admin, "", supergroup)
    del new["message"]["text"]
    new["message"]["migrate_from_chat_id"] = group.id
    before = len(telegram.outbox)
    for update in (old, new) if first == "migrate_to_chat_id" else (new, old):
        await bot.deliver(update)
    assert telegram.outbox[before:] == []  # nothing to say about it
    assert [(c.chat_id, c.title) for c in await rows(settings, LinkedChat)] == [
        (supergroup.id, "Buurtgroep")
    ]
    await bot.send(admin, "/team")
    assert "Gekoppelde groep: Buurtgroep" in bot.last_to(admin).text


# --- 6. one analyser for both databases ----------------------------------------------------------

SEARCH_LESSONS = {
    "feest": "Subsidies voor het buurtfeest kwamen pas na drie maanden",
    "aanvraag": "Een subsidie aanvragen kost meer tijd dan gedacht",
    "buurthuis": "Het zonnepaneel op het buurthuis leverde minder op dan beloofd",
    "scholen": "Zonnepanelen op scholen: de gemeente wilde eerst een onderzoek",
    "groepen": "Onze WhatsApp-groepen per straat werken beter dan de nieuwsbrief",
    "jongeren": "Via whatsapp bereik je jongeren niet, via Instagram wel",
    "winter": "Tijdens de stille wintermaanden kwam bijna niemand langs",
}
# The same hits on SQLite and PostgreSQL (this test runs on both; see TEST_DATABASE_URL).
SEARCHES = [
    ("subsidie", {"feest", "aanvraag"}),
    ("subsidies", {"feest", "aanvraag"}),
    ("zonnepaneel", {"buurthuis", "scholen"}),
    ("zonnepanelen", {"buurthuis", "scholen"}),
    ("whatsapp", {"groepen", "jongeren"}),
    ("WhatsApp", {"groepen", "jongeren"}),
    ("WhatsApp-groepen", {"groepen"}),
    ("whatsappgroepen", {"groepen"}),
    ("groep straten", {"groepen"}),
    # A compound is indexed as its parts, so a part finds it and it finds its parts.
    ("winter", {"winter"}),
    ("maanden", {"feest", "winter"}),
    ("buurtfeest subsidie", {"feest"}),
]


async def test_search_finds_the_same_on_every_database(services: PlainServices) -> None:
    async with services.together():
        author, reader = await services.person(701, "Jesse"), await services.person(702, "Erica")
        noord, _ = await services.team("Noord", members=(author,))
        await services.team("Oost", TeamKind.GEBIEDSTEAM, Stadsdeel.OOST, members=(reader,))
    names = {}
    for name, text in SEARCH_LESSONS.items():
        card = await services.lessons.write(author, noord.id, text)
        await services.lessons.decide(author, card.lesson.id, "city")
        names[card.lesson.id] = name
    for query, expected in SEARCHES:
        page = await services.lessons.search(reader, query)
        assert {names[view.id] for view in page.results} == expected, query
        assert not page.loose, query


async def test_reindex_rebuilds_search_terms_made_by_an_older_analyser(
    services: PlainServices,
) -> None:
    async with services.together():
        author, reader = await services.person(701, "Jesse"), await services.person(702, "Erica")
        noord, _ = await services.team("Noord", members=(author,))
        await services.team("Oost", TeamKind.GEBIEDSTEAM, Stadsdeel.OOST, members=(reader,))
    card = await services.lessons.write(author, noord.id, SEARCH_LESSONS["groepen"])
    await services.lessons.decide(author, card.lesson.id, "city")
    async with services.together() as session:  # as an older version indexed it
        await session.execute(delete(LessonTerm).where(LessonTerm.term == "whatsapp"))
    assert (await services.lessons.search(reader, "whatsapp")).results == []
    assert await services.lessons.reindex(batch=1) == 1
    assert [v.id for v in (await services.lessons.search(reader, "whatsapp")).results] == [
        card.lesson.id
    ]


# --- 5. control characters in typed text ---------------------------------------------------------


async def test_nul_and_other_control_characters_in_typed_text_are_left_out(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    """PostgreSQL refuses a text with NUL in it; nobody means to type one."""
    _coordinator, author, reader = await two_teams(bot, admin, telegram)
    await bot.send(author, "/lesson Ratten\x00 verdwijnen\x07 pas als het groen verzorgd wordt")
    await bot.press(author, "🌍 Delen met steunpunt")
    [lesson] = await rows(settings, Lesson)
    assert lesson.text == "Ratten verdwijnen pas als het groen verzorgd wordt"
    await bot.send(reader, "/search rat\x00ten")
    assert bot.last_to(reader).text.startswith("🔎 1 les voor “ratten”:")
    await bot.send(reader, "/search \x00")
    assert bot.last_to(reader).text.startswith("Waar zoek je naar?")
    await bot.send(reader, "\x00\x00")  # still in the search: asked again
    assert bot.last_to(reader).text.startswith("Waar zoek je naar?")
    await bot.send(reader, "groen\x00")
    assert bot.last_to(reader).text.startswith("🔎 1 les voor “groen”:")
    queries = [search.query for search in await rows(settings, SavedSearch)]
    assert queries == ["ratten", "groen"]
    assert not any(m.text.startswith("Sorry") for m in telegram.outbox)


# --- 7. a member's own time zone east of the team's ----------------------------------------------


async def test_a_member_east_of_the_team_is_asked_at_the_team_time_in_their_own_zone(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, clock: FakeClock, settings: Settings
) -> None:
    """Team: Monday 09:30 Europe/Amsterdam. Eleni set Europe/Athens (an hour ahead): she is
    asked at 09:30 Athens time (08:30 in Amsterdam), the others at 09:30 Amsterdam time."""
    code = await create_team(bot, admin, "Rattenaanpak Noord")
    eleni, simon = telegram.user("Eleni"), telegram.user("Simon")
    for person in (eleni, simon):
        await join(bot, person, code)
    await bot.round()  # the schedule starts now (Monday 09:00 Amsterdam)
    await bot.send(eleni, "/timezone Europe/Athens")
    next_monday = MONDAY_0930 + timedelta(days=7)  # 08:30 UTC = 09:30 Amsterdam
    clock.now = next_monday - timedelta(hours=1, minutes=1)  # 09:29 in Athens
    assert [m.chat_id for m in await bot.round()] == []
    clock.now = next_monday - timedelta(hours=1)  # 09:30 in Athens, 08:30 in Amsterdam
    assert {m.chat_id for m in await bot.round()} == {eleni.id}
    clock.now = next_monday - timedelta(minutes=1)
    assert [m.chat_id for m in await bot.round()] == []
    clock.now = next_monday  # 09:30 in Amsterdam
    assert {m.chat_id for m in await bot.round()} == {simon.id}
    [run] = await rows(settings, CheckinRun, CheckinRun.status == RunStatus.OPEN)
    assert run.scheduled_for == next_monday  # one check-in, the team's slot
    assert run.closes_at == next_monday + timedelta(hours=24)  # counted from the team's slot


def test_when_a_slot_opens_for_members_in_other_zones() -> None:
    rule = WeeklyRule.parse("0", "09:30", "Europe/Amsterdam")
    slot = MONDAY_0930  # Monday 09:30 in Amsterdam
    assert rule.opens_at(slot) == slot
    assert rule.opens_at(slot, {"Europe/London"}) == slot  # west: the member waits, not the run
    assert rule.opens_at(slot, {"Europe/Athens", "Mars/Olympus"}) == slot - timedelta(hours=1)
    assert rule.opens_at(slot, {"Asia/Tokyo"}) == slot - timedelta(hours=8)
    early = slot - timedelta(hours=1)
    assert rule.slots_open_between(early - timedelta(days=1), early) == []
    assert rule.slots_open_between(early - timedelta(days=1), early, {"Europe/Athens"}) == [slot]


# --- 9. out-of-range buttons and buttons on messages that are gone -------------------------------


async def test_out_of_range_and_widest_button_data_get_a_calm_answer(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    _coordinator, author, _reader = await two_teams(bot, admin, telegram)
    message = bot.last_to(author)
    before = len(bot.toasts())
    for data in (
        "aw:99999999",
        "aw:99999999999999999999",
        "le:1:0:99999999999999999999",
        "ci:m:99999999999999999999:3",
        "inv:1234567890",
    ):
        await bot.deliver(telegram.callback_update(author, message, data))
    assert bot.toasts()[before:] == [EXPIRED] * 5
    # Every route with its widest values (ids no database has): refused kindly, never an error.
    for person in (author, admin):
        for route in routes.ROUTES:
            data = route.build(**{field.name: field.widest for field in route.fields})
            await bot.deliver(telegram.callback_update(person, bot.last_to(person), data))
    assert not [m.text for m in telegram.outbox if m.text.startswith("Sorry")]
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []


async def test_a_button_on_a_message_that_is_gone_answers_with_a_fresh_message(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    _coordinator, author, _reader = await two_teams(bot, admin, telegram)
    await bot.send(author, f"/lesson {RATS}")
    card, button = telegram.find_button(author.id, "🔒 Alleen team")
    assert button.callback_data is not None
    telegram.messages[author.id].remove(card)  # deleted in the chat
    replies = await bot.deliver(telegram.callback_update(author, card, button.callback_data))
    assert [m.chat_id for m in replies] == [author.id]
    assert "🔒 Bewaard als les van je team." in replies[0].text
    assert replies[0].message_id != card.message_id
    assert [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")] == []


async def double_tap(
    bot: ChatHarness, telegram: FakeTelegram, person: FakeUser, label: str
) -> None:
    """Two presses of the same button on the same message, as a quick double tap sends them."""
    message, button = telegram.find_button(person.id, label)
    assert button.callback_data is not None
    for _ in range(2):
        await bot.deliver(telegram.callback_update(person, message, button.callback_data))


async def test_double_taps_on_theme_and_settings_buttons_do_not_undo_the_first(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    coordinator, author, _reader = await two_teams(bot, admin, telegram)
    await bot.send(author, f"/lesson {RATS}")
    await double_tap(bot, telegram, author, "▫️ routes")
    assert [theme.theme for theme in await rows(settings, LessonTheme)] == ["routes"]
    assert "✅ routes" in bot.last_to(author).button_texts()
    await double_tap(bot, telegram, author, "✅ routes")
    assert await rows(settings, LessonTheme) == []

    await bot.send(coordinator, "/checkin")
    await double_tap(bot, telegram, coordinator, "▫️wo")  # Wednesday, besides Monday
    await double_tap(bot, telegram, coordinator, "⏸ Pauzeren")
    await double_tap(bot, telegram, coordinator, "🎉 Feestdagen overslaan: aan")
    [schedule] = await rows(settings, CheckinSchedule)
    assert (schedule.weekdays, schedule.paused, schedule.skip_holidays) == ("0,2", True, False)
    assert not any(m.text.startswith("Sorry") for m in telegram.outbox)

"""The blocker radar through the real bot: a blocker three teams name in their check-ins shows up
in /radar (teams, stadsdelen, trend, quotes without names, the lesson that answers it) and in the
network digest; a team marks its blocker *opgelost* with one line, which becomes a lesson card;
admins only; stale, forged and doubled presses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy
import pytest

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeGroup, FakeTelegram, FakeUser
from bot.handlers import routes
from bot.services.radar import average_link, group_texts, scrub
from bot.services.walls import notions
from storage.models import BlockerResolution, CheckinAnswer, Lesson, LessonVisibility
from tests.conftest import make_settings
from tests.support.db import rows
from tests.support.flows import create_team, join

MONDAY_0930 = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)
FRIDAY_1600 = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
PERMIT = {
    "Team Noord": "De evenementenvergunning voor ons buurtfeest ligt al zeven weken bij de "
    "gemeente en niemand weet waar de aanvraag is. Bel 06-12345678 niet meer, zeggen ze.",
    "Team Oost": "Onze evenementenvergunning voor het straatfeest is na acht weken nog steeds "
    "niet verleend, de aanvraag zit ergens vast.",
    "Team Zuidoost": "evenementenvergunning voor de braderie: al twee maanden geen antwoord op "
    "onze aanvraag van de gemeente",
}
OTHER = "Geen vrijwilligers gevonden voor de zaterdagochtend in de moestuin."
ANSWER_LESSON = (
    "Vraag een evenementenvergunning minstens tien weken vooraf aan en bel eerst voor "
    "vooroverleg: dan ligt je aanvraag niet weken stil."
)


@pytest.fixture
def channel(telegram: FakeTelegram) -> FakeGroup:
    return telegram.group("Steunpunt Amsterdam")


@pytest.fixture
def settings(database_url: str, channel: FakeGroup) -> Settings:
    return make_settings(database_url, steunpunt_channel_id=channel.id)


@dataclass
class City:
    bot: ChatHarness
    telegram: FakeTelegram
    clock: FakeClock
    admin: FakeUser
    members: dict[str, FakeUser]


async def check_in(
    bot: ChatHarness, person: FakeUser, blocker: str, lesson: str, *, review: bool = False
) -> None:
    await bot.press(person, "4 ")
    if review:
        await bot.press(person, "Gedaan")  # the action of the check-in before
    for text in ("Buurtfeest voorbereid", "Veel aanmeldingen", blocker, lesson, "Verder bellen"):
        await bot.send(person, text)
    await bot.press(person, "🔒 Alleen team")


@pytest.fixture
async def city(bot: ChatHarness, telegram: FakeTelegram, clock: FakeClock, admin: FakeUser) -> City:
    """Five teams; three name the slow event permit as their blocker this Monday, one names
    something else, and Team West shared long ago the lesson that answers it."""
    clock.now = MONDAY_0930 - timedelta(days=10)
    members = {}
    for team, stadsdeel, person in (
        ("Team Noord", "Noord", "Simon"),
        ("Team Oost", "Oost", "Kate"),
        ("Team Zuidoost", "Zuidoost", "Ayaan"),
        ("Team Zuid", "Zuid", "Fleur"),
        ("Team West", "West", "Wim"),
    ):
        code = await create_team(bot, admin, team, "Initiatief", stadsdeel)
        members[team] = telegram.user(person)
        await join(bot, members[team], code)
    await bot.send(members["Team West"], f"/lesson {ANSWER_LESSON}")
    await bot.press(members["Team West"], "🌍 Delen met steunpunt")
    clock.now = MONDAY_0930
    await bot.round()
    for team, blocker in (*PERMIT.items(), ("Team Zuid", OTHER)):
        await check_in(bot, members[team], blocker, "Eerder beginnen met de aanvraag")
    clock.now = MONDAY_0930 + timedelta(hours=2)
    return City(bot, telegram, clock, admin, members)


async def test_a_blocker_three_teams_name_shows_in_the_radar_with_the_lesson_that_answers_it(
    city: City,
) -> None:
    [reply] = await city.bot.send(city.admin, "/radar")
    text = reply.text
    assert text.startswith("📡 Knelpuntenradar · 4 weken")
    assert "4 knelpunten genoemd door 4 teams." in text
    assert "1. " in text
    assert "2. " not in text
    assert "3 teams · Noord, Oost, Zuidoost · nieuw\n🏷 Thema's (voorgesteld): routes" in text
    assert "evenementenvergunning" in text.split("\n\n")[1].split("\n")[0]
    # Quotes name no one: not the person, not the team; a phone number is left out.
    assert "initiatief in Noord" in text
    assert "initiatief in Oost" in text
    for name in ("Simon", "Kate", "Ayaan", "Team Noord", "Team Oost", "06-12345678"):
        assert name not in text
    assert "💡 Lessen die er al antwoord op geven:" in text
    assert "Vraag een evenementenvergunning minstens tien weken" in text
    assert "— Team West" in text
    assert "vrijwilligers" not in text


async def test_the_network_digest_carries_the_top_blockers_without_quotes(
    city: City, channel: FakeGroup
) -> None:
    city.clock.now = FRIDAY_1600
    await city.bot.round()
    [digest] = [m.text for m in city.bot.messages_to(channel) if "Het netwerk" in m.text]
    assert "📡 Knelpunten die terugkomen (laatste 4 weken)" in digest
    radar = digest.split("📡 Knelpunten die terugkomen")[1]
    assert "3 teams · Noord, Oost, Zuidoost · nieuw" in radar
    assert "Vraag een evenementenvergunning minstens tien weken" in radar
    assert "initiatief in" not in radar
    assert "zeven weken" not in radar


async def test_only_steunpunt_admins_see_the_radar(city: City) -> None:
    [reply] = await city.bot.send(city.members["Team Noord"], "/radar")
    assert reply.text.startswith("De knelpuntenradar is er voor steunpunt-beheerders.")
    [reply] = await city.bot.send(city.admin, "/radar 100")
    assert reply.text == "Kies een aantal weken van 1 tot en met 26, bijvoorbeeld /radar 8."
    [reply] = await city.bot.send(city.admin, "/radar acht")
    assert reply.text.startswith("Stuur /radar voor de laatste 4 weken")
    [reply] = await city.bot.send(city.admin, "/radar 1")
    assert "3 teams · Noord, Oost, Zuidoost" in reply.text


async def test_the_trend_compares_with_the_weeks_before(city: City) -> None:
    # Four weeks on, Team Noord names it again; Oost and Zuidoost did in the weeks before.
    city.clock.now = MONDAY_0930 + timedelta(weeks=4)
    await city.bot.round()
    noord, west = city.members["Team Noord"], city.members["Team West"]
    await check_in(city.bot, noord, PERMIT["Team Noord"], "Nog eerder beginnen", review=True)
    await check_in(city.bot, west, PERMIT["Team Oost"].replace("Onze", "Ook onze"), "Bellen")
    city.clock.now += timedelta(hours=2)
    [reply] = await city.bot.send(city.admin, "/radar")
    assert "2 teams · Noord, West · ↘ minder dan de weken ervoor (3 teams)" in reply.text


async def test_a_team_marks_its_blocker_solved_and_the_line_becomes_a_lesson(
    city: City, settings: Settings
) -> None:
    bot, simon = city.bot, city.members["Team Noord"]
    [listing] = await bot.send(simon, "/blockers")
    assert listing.text.startswith("🚧 Waar jullie tegenaan liepen (laatste 8 weken)")
    assert "1. “De evenementenvergunning voor ons buurtfeest" in listing.text
    [ask] = await bot.press(simon, "✅ 1 opgelost")
    assert "Hoe is het opgelost?" in ask.text
    how = "Wethouder gemaild met <b>alle</b> data; binnen een week had ik de vergunning."
    [card] = await bot.send(simon, how)
    assert card.text.startswith("✅ Genoteerd als opgelost:")
    assert how in card.text  # shown as typed, never as markup
    (resolution,) = await rows(settings, BlockerResolution)
    assert resolution.how == how
    (lesson,) = await rows(settings, Lesson, Lesson.id == resolution.lesson_id)
    assert lesson.text == how
    assert lesson.visibility is LessonVisibility.TEAM
    assert lesson.decided_at is None  # a candidate: its writer chooses whether to share

    # A double tap on the stale button, and the list now shows it solved.
    await bot.deliver(
        city.telegram.callback_update(
            simon, listing, routes.BLOCKER_SOLVE.build(answer_id=resolution.answer_id)
        )
    )
    assert bot.last_to(simon).text.startswith("Dit knelpunt is al als opgelost gemarkeerd:")
    [listing] = await bot.send(simon, "/blockers")
    assert "✅ opgelost: Wethouder gemaild" in listing.text
    assert "Alles hierboven is opgelost." in listing.text

    # Shared under the team's name: the radar credits the team that solved it.
    await bot.press(simon, "🌍 Delen met steunpunt")
    [reply] = await bot.send(city.admin, "/radar")
    assert "✅ 1 team(s) losten het op." in reply.text
    assert f"✅ {how} — Team Noord, dat het oploste" in reply.text


async def test_another_team_cannot_mark_a_blocker_solved(city: City, settings: Settings) -> None:
    (answer,) = await rows(settings, CheckinAnswer, CheckinAnswer.text == PERMIT["Team Oost"])
    simon = city.members["Team Noord"]
    [listing] = await city.bot.send(simon, "/blockers")  # forged data under his own list
    forged = routes.BLOCKER_SOLVE.build(answer_id=answer.id)
    await city.bot.deliver(city.telegram.callback_update(simon, listing, forged))
    assert (
        city.bot.last_to(simon).text
        == "Alleen leden van Team Oost kunnen dit knelpunt als opgelost markeren."
    )
    assert await rows(settings, BlockerResolution) == []
    # An answer that is no blocker (what went well) cannot be marked either.
    went_well = (await rows(settings, CheckinAnswer, CheckinAnswer.text == "Veel aanmeldingen"))[0]
    await city.bot.deliver(
        city.telegram.callback_update(
            simon, listing, routes.BLOCKER_SOLVE.build(answer_id=went_well.id)
        )
    )
    assert city.bot.last_to(simon).text.startswith("Dit knelpunt vind ik niet (meer).")
    assert await rows(settings, BlockerResolution) == []


async def test_someone_in_no_team_has_no_blockers(city: City, telegram: FakeTelegram) -> None:
    stranger = telegram.user("Piet")
    [reply] = await city.bot.send(stranger, "/blockers")
    assert reply.text.startswith("Je bent nog geen lid van een team")


def test_grouping_keeps_unrelated_blockers_apart() -> None:
    texts = [*PERMIT.values(), OTHER, "De vrijwilligers in de moestuin haken af op zaterdag."]
    groups = group_texts(texts)
    assert sorted(groups, key=len, reverse=True)[0] == [0, 1, 2]
    assert [3, 4] in groups


def test_quotes_lose_handles_mail_addresses_and_phone_numbers() -> None:
    assert scrub("Bel @jansen of jan@gemeente.nl of 06 1234 5678\nnu") == "Bel … of … of … nu"


def test_walls_are_read_from_words_compounds_and_phrases() -> None:
    assert notions("De evenementenvergunning ligt al 10 weken bij de afdeling") == {
        "evenement",
        "toestemming",
        "wachten",
        "kokers",
    }
    assert "uitbetaling" in notions("Het geld is nog altijd niet overgemaakt")
    assert "aanspreekpunt" in notions("ik wil gewoon 1 persoon bij de gemeente")
    assert notions("Mooi weer vandaag") == frozenset()


def test_blockers_of_one_wall_in_different_words_are_grouped() -> None:
    texts = [
        "Evenementenvergunning voor het buurtfeest aangevraagd, na elf weken nog geen besluit.",
        "Het straatfeest staat op losse schroeven: de aanvraag is al twee maanden onderweg.",
        "vergunning voor de braderie ligt al 10 weken bij de afdeling",
        "De VOG voor onze taalmaatjes kost ons 40 euro per persoon.",
    ]
    groups = group_texts(texts)
    assert [0, 1, 2] in groups
    assert [3] in groups


def test_average_link_does_not_chain_small_likenesses() -> None:
    # 0~1 and 1~2 are alike, 0 and 2 not at all: single linkage would join all three.
    alike = numpy.array([[0, 0.6, 0], [0.6, 0, 0.6], [0, 0.6, 0]], dtype=numpy.float32)
    groups = average_link(alike, 0.5)
    assert sorted(map(len, groups)) == [1, 2]

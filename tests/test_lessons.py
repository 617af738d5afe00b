"""Lessons and the city knowledge log, through the real bot: capture with consent, similar
lessons, search with Dutch stemming and filters, endorsements, adoptions, curation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.config import Settings
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeTelegram, FakeUser
from bot.handlers import routes
from bot.services.textsearch import parse_query, terms
from storage.models import (
    Adoption,
    Endorsement,
    Lesson,
    LessonStatus,
    LessonVisibility,
    SavedSearch,
    Stadsdeel,
)
from tests.support.db import rows
from tests.support.flows import create_team, join

RATS = "Ratten verdwijnen pas als het groen niet meer verwaarloosd wordt #ratten"
PERMIT = "Bel de gebiedsmakelaar voordat je vergunningen aanvraagt, dat scheelt weken"


@dataclass
class City:
    noord_coordinator: FakeUser
    noord_member: FakeUser
    oost_coordinator: FakeUser
    oost_member: FakeUser
    west_member: FakeUser


@pytest.fixture
async def city(bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram) -> City:
    """Three teams: a rat initiative in Noord, an area team in Oost, an energy co-op in West."""
    people = City(*(telegram.user(name) for name in ("Mostafa", "Jesse", "Koen", "Erica", "Simon")))
    noord = await create_team(bot, admin, "Rattenaanpak Noord", "Initiatief", "Noord")
    oost = await create_team(bot, admin, "Gebiedsteam Oost", "Gebiedsteam", "Oost")
    west = await create_team(bot, admin, "Energie Westerlicht", "Initiatief", "West")
    for person, code in (
        (people.noord_coordinator, noord),
        (people.noord_member, noord),
        (people.oost_coordinator, oost),
        (people.oost_member, oost),
        (people.west_member, west),
    ):
        await join(bot, person, code)
    await bot.send(admin, "/team")
    await bot.press(admin, "Rattenaanpak Noord")
    await bot.press(admin, "⭐ Mostafa")
    await bot.send(admin, "/team")
    await bot.press(admin, "Gebiedsteam Oost")
    await bot.press(admin, "⭐ Koen")
    return people


async def write_lesson(
    bot: ChatHarness, person: FakeUser, text: str, share: str, themes: tuple[str, ...] = ()
) -> None:
    """Write a lesson with exactly these themes (the suggested ones changed where needed)."""
    [card] = [m for m in await bot.send(person, f"/lesson {text}") if m.chat_id == person.id][-1:]
    for button in card.button_texts():
        mark, _, theme = button.partition(" ")
        if (mark == "✅" and theme not in themes) or (mark == "▫️" and theme in themes):
            await bot.press(person, button)
    await bot.press(person, share)


async def test_a_lesson_travels_between_teams(
    bot: ChatHarness, city: City, settings: Settings
) -> None:
    """The whole point: Noord's lesson is suggested to Oost while writing, found by West,
    recognised, and Noord's coordinator hears about it."""
    await write_lesson(bot, city.noord_member, RATS, "🌍 Delen met steunpunt", ("randvoorwaarden",))
    assert bot.last_to(city.noord_member).text.startswith(RATS[:40])
    assert (
        "🌍 Gedeeld met het stedelijk steunpunt, met je naam."
        in bot.last_to(city.noord_member).text
    )

    # Oost writes about the same wall and sees Noord's lesson before choosing anything.
    card = (
        await bot.send(
            city.oost_member, "/lesson Door verwaarloosd groen kregen we ratten in het park"
        )
    )[-1]
    assert "Anderen leerden ook:" in card.text
    assert "Ratten verdwijnen pas als het groen niet meer verwaarloosd wordt" in card.text
    assert "— Rattenaanpak Noord, Noord" in card.text
    assert await rows(settings, Lesson, Lesson.visibility == LessonVisibility.CITY) != []
    oost_lessons = await rows(settings, Lesson, Lesson.text.like("Door verwaarloosd%"))
    assert [(x.visibility, x.decided_at) for x in oost_lessons] == [(LessonVisibility.TEAM, None)]

    # West searches with another word form and finds it.
    results = (await bot.send(city.west_member, "/search rat groen"))[-1]
    assert results.text.startswith("🔎 1 les voor “rat groen”:")
    assert "Rattenaanpak Noord · Noord" in results.text
    assert "door Jesse" in results.text
    assert "#randvoorwaarden #ratten" in results.text
    replies = await bot.press(city.west_member, "1. 👍 0")
    notices = [m for m in replies if m.chat_id == city.noord_coordinator.id]
    assert [m.text.split("\n")[0] for m in notices] == [
        "💬 Energie Westerlicht vond jullie les herkenbaar:"
    ]
    assert "nu 1× herkenbaar bevonden" in notices[0].text
    assert any(m.chat_id == city.noord_member.id for m in replies)  # the author hears it too
    assert "1. ✅ 1 · intrekken" in bot.last_to(city.west_member).button_texts()


async def test_consent_paths_and_team_only_lessons(
    bot: ChatHarness, city: City, settings: Settings
) -> None:
    await write_lesson(
        bot, city.noord_member, "Vergaderen na 17 uur werkt beter voor bewoners", "🔒 Alleen team"
    )
    assert "🔒 Bewaard als les van je team." in bot.last_to(city.noord_member).text
    await bot.send(
        city.noord_member, "/lesson Subsidie aanvragen kost meer tijd dan gedacht"
    )  # no choice made
    for person in (city.oost_member, city.west_member):
        await bot.send(person, "/search vergaderen")
        assert bot.last_to(person).text.startswith("🔎 Nog niets gevonden")
        await bot.send(person, "/search subsidie")
        assert bot.last_to(person).text.startswith("🔎 Nog niets gevonden")
    # Team mates see team lessons in /lessons, once the author has chosen.
    await bot.send(city.noord_coordinator, "/lessons")
    overview = bot.last_to(city.noord_coordinator).text
    assert "Vergaderen na 17 uur werkt beter voor bewoners — Jesse" in overview
    assert "Subsidie" not in overview
    await bot.send(city.oost_coordinator, "/lessons")
    assert "Vergaderen" not in bot.last_to(city.oost_coordinator).text
    # The author can share later, from /lessons.
    await bot.send(city.noord_member, "/lessons")
    own = bot.last_to(city.noord_member).text
    assert "❔ nog niet gekozen" in own
    await bot.press(city.noord_member, "⚙️ 2")
    await bot.press(city.noord_member, "🕶 Anoniem delen")
    await bot.send(city.west_member, "/search vergaderen")
    assert bot.last_to(city.west_member).text.startswith("🔎 1 les ")


async def test_anonymous_lessons_never_reveal_their_author(
    bot: ChatHarness, city: City, settings: Settings, telegram: FakeTelegram
) -> None:
    await write_lesson(bot, city.noord_member, PERMIT, "🕶 Anoniem delen")
    before = len(telegram.outbox)
    await bot.send(city.west_member, "/search vergunning")
    await bot.press(city.west_member, "1. 👍 0")
    await bot.press(city.west_member, "1. 🧪")
    await bot.send(city.west_member, "Gedaan, de vergunning kwam binnen twee weken")
    seen_by_others = [m.text for m in telegram.outbox[before:] if m.chat_id != city.noord_member.id]
    assert seen_by_others  # search results and the coordinator's notices
    assert all("Jesse" not in text for text in seen_by_others)
    adopted = [m.text for m in telegram.outbox[before:] if m.chat_id == city.noord_coordinator.id]
    assert adopted[-1].startswith("🧪 Energie Westerlicht probeerde jullie les uit:")
    assert "Hoe het ging: “Gedaan, de vergunning kwam binnen twee weken”" in adopted[-1]
    [adoption] = await rows(settings, Adoption)
    assert adoption.text == "Gedaan, de vergunning kwam binnen twee weken"


async def test_search_stems_filters_and_pages(
    bot: ChatHarness, city: City, admin: FakeUser, telegram: FakeTelegram
) -> None:
    for i in range(6):
        await write_lesson(
            bot,
            city.noord_member,
            f"Vergunning nummer {i} vroeg om geduld",
            "🌍 Delen met steunpunt",
            ("routes",),
        )
    await write_lesson(
        bot,
        city.oost_member,
        "Voor een vergunning eerst het buurtbudget regelen",
        "🌍 Delen met steunpunt",
        ("financiering",),
    )
    await bot.send(city.west_member, "/search vergunningen")
    first = bot.last_to(city.west_member)
    assert first.text.startswith("🔎 7 lessen voor “vergunningen”:")
    assert "Pagina 1 van 2" in first.text
    await bot.press(city.west_member, "▶")
    second = bot.last_to(city.west_member)
    assert "Pagina 2 van 2" in second.text
    assert second.text.count("vroeg om geduld") + second.text.count("buurtbudget") == 2
    await bot.press(city.west_member, "◀")
    # Filters, typed and by button.
    await bot.send(city.west_member, "/search vergunning #financiering")
    assert bot.last_to(city.west_member).text.startswith(
        "🔎 1 les voor “vergunning #financiering”:"
    )
    await bot.send(city.west_member, "/search vergunning @oost")
    assert "Gebiedsteam Oost" in bot.last_to(city.west_member).text
    await bot.send(city.west_member, "/search vergunning")
    await bot.press(city.west_member, "📍 Stadsdeel")
    await bot.press(city.west_member, "Noord")
    assert bot.last_to(city.west_member).text.startswith("🔎 6 lessen voor “vergunning @Noord”:")
    await bot.press(city.west_member, "👥 Soort team")
    await bot.press(city.west_member, "gebiedsteam")
    assert bot.last_to(city.west_member).text.startswith("🔎 Nog niets gevonden")
    # Words that never occur together fall back to lessons with some of them.
    await bot.send(city.west_member, "/search buurtbudget zonnepanelen")
    assert "Geen les had alle woorden" in bot.last_to(city.west_member).text
    # Own team's lessons show, but without the endorse buttons.
    await bot.send(city.oost_member, "/search buurtbudget")
    assert bot.last_to(city.oost_member).button_texts() == [
        "🏷 Thema",
        "📍 Stadsdeel",
        "👥 Soort team",
    ]


async def test_endorse_once_undo_and_not_for_own_team(
    bot: ChatHarness, city: City, settings: Settings, telegram: FakeTelegram
) -> None:
    await write_lesson(bot, city.noord_member, RATS, "🌍 Delen met steunpunt")
    await bot.send(city.oost_member, "/search ratten")
    [oost_search] = await rows(settings, SavedSearch)
    oost_searcher = oost_search.person_id
    await bot.press(city.oost_member, "1. 👍 0")
    assert "Herkenbaar! Het team hoort het." in bot.toasts()
    assert len(await rows(settings, Endorsement)) == 1
    notices_before = len(bot.messages_to(city.noord_coordinator))
    await bot.press(city.oost_member, "1. ✅ 1 · intrekken")
    assert "Herkenning ingetrokken" in bot.toasts()
    assert await rows(settings, Endorsement) == []
    assert len(bot.messages_to(city.noord_coordinator)) == notices_before  # undo is silent
    await bot.press(city.oost_member, "1. 👍 0")
    assert len(await rows(settings, Endorsement)) == 1
    # A team mate cannot endorse (the button is not shown; a forged one is refused).
    await bot.send(city.noord_coordinator, "/search ratten")
    [own_search] = await rows(settings, SavedSearch, SavedSearch.person_id != oost_searcher)
    [lesson] = await rows(settings, Lesson)
    data = routes.LESSON_ENDORSE.build(search_id=own_search.id, page=0, lesson_id=lesson.id)
    await bot.deliver(
        telegram.callback_update(city.noord_coordinator, bot.last_to(city.noord_coordinator), data)
    )
    assert bot.last_to(city.noord_coordinator).text.startswith("Dit is een les van je eigen team")
    # Someone else's undo button, for a lesson of one's own team: refused, nothing withdrawn.
    data = telegram.find_button(city.oost_member.id, "1. ✅ 1 · intrekken")[1].callback_data
    assert data is not None
    await bot.deliver(
        telegram.callback_update(city.noord_coordinator, bot.last_to(city.noord_coordinator), data)
    )
    assert bot.last_to(city.noord_coordinator).text.startswith("Dit is een les van je eigen team")
    assert len(await rows(settings, Endorsement)) == 1


async def test_admins_hide_and_merge(
    bot: ChatHarness, city: City, admin: FakeUser, settings: Settings
) -> None:
    await write_lesson(bot, city.noord_member, RATS, "🌍 Delen met steunpunt")
    await write_lesson(
        bot,
        city.oost_member,
        "Ratten verdwijnen als het groen weer onderhouden wordt",
        "🌍 Delen met steunpunt",
    )
    await write_lesson(bot, city.west_member, "Ratten zijn dom #spam", "🌍 Delen met steunpunt")
    await bot.send(city.west_member, "/search ratten")
    for _ in range(2):  # Noord's and Oost's lessons: both recognised (his own has no button)
        unendorsed = [b for b in bot.last_to(city.west_member).button_texts() if "👍 0" in b]
        await bot.press(city.west_member, unendorsed[0])
    await bot.send(city.oost_coordinator, "/search verwaarloosd")  # only Noord's lesson
    await bot.press(city.oost_coordinator, "1. 👍")
    # Hide with a reason the author sees.
    await bot.send(admin, "/search dom")
    await bot.press(admin, "1. 🙈")
    await bot.send(admin, "Geen les maar een grap")
    assert bot.last_to(admin).text.startswith("🙈 De les is verborgen")
    assert bot.last_to(city.west_member).text.startswith("🙈 Het steunpunt heeft je les verborgen:")
    assert "Reden: Geen les maar een grap" in bot.last_to(city.west_member).text
    await bot.send(city.oost_member, "/search dom")
    assert bot.last_to(city.oost_member).text.startswith("🔎 Nog niets gevonden")
    await bot.send(city.west_member, "/lessons")
    assert (
        "🙈 verborgen door het steunpunt: Geen les maar een grap"
        in bot.last_to(city.west_member).text
    )
    # Merge the Oost duplicate into Noord's lesson: its endorsements move, without doubles.
    all_lessons = await rows(settings, Lesson)
    keep = next(x.id for x in all_lessons if x.text == RATS)
    duplicate = next(x.id for x in all_lessons if x.text.startswith("Ratten verdwijnen als"))
    endorsers = {e.person_id for e in await rows(settings, Endorsement)}
    await bot.send(city.noord_member, f"/merge {keep} {duplicate}")
    assert bot.last_to(city.noord_member).text.startswith("Alleen steunpunt-beheerders")
    await bot.send(admin, f"/merge {keep} {duplicate}")
    assert bot.last_to(admin).text.startswith(f"🔗 Les #{duplicate} is samengevoegd met #{keep}")
    moved = await rows(settings, Endorsement)
    assert {e.lesson_id for e in moved} == {keep}
    assert {e.person_id for e in moved} == endorsers
    assert len(moved) == 2  # Simon recognised both: counted once on the kept lesson
    [merged] = await rows(settings, Lesson, Lesson.id == duplicate)
    assert (merged.status, merged.merged_into_id) == (LessonStatus.MERGED, keep)
    await bot.send(admin, "/merge twaalf")
    assert bot.last_to(admin).text.startswith("Gebruik: /merge BEHOUDEN DUBBEL")


async def test_lessons_from_a_check_in_need_the_same_consent(
    bot: ChatHarness, city: City, settings: Settings, clock: object
) -> None:
    from datetime import UTC, datetime

    await bot.round()
    clock.now = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)  # type: ignore[attr-defined]
    await bot.round()
    member = city.oost_member
    await bot.press(member, "4 ")
    for answer in (
        "Schouw gelopen",
        "Goede opkomst",
        "Budget kwam laat",
        PERMIT,
        "Gebiedsmakelaar bellen",
    ):
        replies = await bot.send(member, answer)
    _recap, card, blocker = replies
    assert card.text.startswith("📘 Je les voor Gebiedsteam Oost:")
    # The blocker's own card comes last, with its own themes: "budget" signals financiering.
    assert blocker.text.startswith("🚧 Je knelpunt voor Gebiedsteam Oost:")
    assert "💡 Thema's voorgesteld: financiering" in blocker.text
    [lesson] = await rows(settings, Lesson)
    assert (lesson.text, lesson.visibility, lesson.sprint_id) == (
        PERMIT,
        LessonVisibility.TEAM,
        None,
    )
    # The same suggestion as /lesson: `gebiedsmakelaar` and `vergunningen` signal routes.
    assert "💡 Thema's voorgesteld: routes — tik om te wijzigen" in card.text
    assert "✅ routes" in card.button_texts()
    await bot.press(member, "💡 Advies toevoegen")
    await bot.send(member, "Vraag naar de makelaar van jouw buurt")
    await bot.press(member, "🌍 Delen met steunpunt")
    await bot.send(city.west_member, "/search gebiedsmakelaar #routes")
    found = bot.last_to(city.west_member).text
    assert "💡 Vraag naar de makelaar van jouw buurt" in found
    assert "door Erica" in found


async def test_bad_input_is_answered_kindly(
    bot: ChatHarness, city: City, telegram: FakeTelegram
) -> None:
    stranger = telegram.user("Zoë")
    await bot.send(stranger, "/lesson Iets geleerd")
    assert bot.last_to(stranger).text.startswith("Lessen horen bij een team")
    await bot.send(city.west_member, "/lesson")
    assert bot.last_to(city.west_member).text.startswith("Wat heb je geleerd?")
    await bot.send(city.west_member, "x" * 2001)
    assert bot.last_to(city.west_member).text.startswith("Dat is te lang (maximaal 2000 tekens).")
    await bot.send(city.west_member, "/search")
    assert bot.last_to(city.west_member).text.startswith("Waar zoek je naar?")
    await bot.send(city.west_member, "niets dat bestaat")
    assert bot.last_to(city.west_member).text.startswith(
        "🔎 Nog niets gevonden voor “niets dat bestaat”."
    )


def test_dutch_stemming_and_query_parsing() -> None:
    assert terms("vergunning") == terms("Vergunningen")
    assert terms("De bewoners vergaderden") == terms("bewoner vergaderen") or set(
        terms("bewoners")
    ) == set(terms("bewoner"))
    assert set(terms("Coöperatie")) == set(terms("cooperatie"))
    assert "de" not in terms("de buurt en de ratten")
    query = parse_query("#Financiering @Nieuw-West subsidie #potje")
    assert query.themes == ("financiering",)
    assert query.tags == ("potje",)
    assert query.stadsdeel is Stadsdeel.NIEUW_WEST
    assert query.text == "subsidie"


@pytest.mark.parametrize("query", ["niet", "de het een", "%%%"])
async def test_a_search_of_only_small_words_or_signs_lists_nothing(
    bot: ChatHarness, city: City, query: str
) -> None:
    """Words like "de" and "niet" are left out of the index; a search made only of them (or of
    signs) asks for a telling word instead of listing every shared lesson."""
    await write_lesson(bot, city.noord_member, RATS, "🌍 Delen met steunpunt")
    replies = await bot.send(city.west_member, f"/search {query}")
    assert replies[-1].text.startswith(f"Op “{query}” kan ik niet zoeken")
    assert "Ratten" not in replies[-1].text
    await bot.send(city.west_member, "/search")
    replies = await bot.send(city.west_member, query)  # typed after the question: the same
    assert replies[-1].text.startswith(f"Op “{query}” kan ik niet zoeken")
    replies = await bot.send(city.west_member, "ratten")  # and the search still works after it
    assert "Ratten verdwijnen" in replies[-1].text


async def test_people_in_no_team_cannot_endorse_or_adopt(
    bot: ChatHarness, city: City, telegram: FakeTelegram, settings: Settings
) -> None:
    """Anyone may search the city log, but recognising a lesson or reporting how it went is
    for members of a team: a stranger's line never reaches the lesson's team."""
    await write_lesson(bot, city.noord_member, RATS, "🌍 Delen met steunpunt")
    stranger = telegram.user("Zoë")
    await bot.send(stranger, "/search ratten")
    assert "Ratten verdwijnen" in bot.last_to(stranger).text
    notices_before = len(bot.messages_to(city.noord_coordinator))
    await bot.press(stranger, "1. 👍 0")
    await bot.press(stranger, "1. 🧪")
    await bot.send(stranger, "Kijk op www.spam.example voor rattengif")
    assert await rows(settings, Endorsement) == []
    assert await rows(settings, Adoption) == []
    assert len(bot.messages_to(city.noord_coordinator)) == notices_before
    assert any(
        m.text.startswith("Herkenning en ervaringen delen kan als lid van een team")
        for m in bot.messages_to(stranger)
    )

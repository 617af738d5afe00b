"""Lessons and the city knowledge log at the service level (no Telegram): consent, similar
lessons, endorsements, adoptions, curation, search and the /lesson flows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import delete, event

import bot.services.lessons as lessons_module
from bot.fakes.clock import FakeClock
from bot.services.common import TEXT_LIMIT, Actor
from bot.services.conversations import AdoptState, AdviceState, HideState, LessonState, SearchState
from bot.services.lessons import (
    PAGE_SIZE,
    SIMILAR_MIN_SCORE,
    AskText,
    Choice,
    LessonCard,
    LessonView,
    PickTeam,
)
from bot.services.similarity import cosine, idf
from bot.services.textsearch import fingerprint, terms
from storage.database import Database
from storage.models import (
    Adoption,
    Endorsement,
    HousekeepingRun,
    Lesson,
    LessonStatus,
    LessonTerm,
    LessonVisibility,
    SavedSearch,
    Stadsdeel,
    Team,
    TeamKind,
)
from storage.search import INDEX_JOB
from tests.support.services import PlainServices, refused

RATS = "Ratten verdwijnen pas als het groen niet meer verwaarloosd wordt #ratten"
RATS_OOST = "Door verwaarloosd groen kregen we ratten in het park"
PERMIT = "Bel de gebiedsmakelaar voordat je vergunningen aanvraagt, dat scheelt weken"


@dataclass
class City:
    """Noord (a rat initiative), Oost (an area team) and West (an energy co-op)."""

    admin: Actor
    noord: Team
    oost: Team
    west: Team
    mostafa: Actor  # coordinator of Noord, with an English Telegram app
    jesse: Actor  # member of Noord
    erica: Actor  # member of Oost
    simon: Actor  # member of West


@pytest.fixture
async def city(services: PlainServices) -> City:
    async with services.together():
        mostafa = await services.person(601, "Mostafa", "en-US")
        jesse = await services.person(602, "Jesse")
        erica, simon = await services.person(604, "Erica"), await services.person(605, "Simon")
        noord, _ = await services.team(
            "Rattenaanpak Noord", TeamKind.INITIATIEF, Stadsdeel.NOORD, mostafa, (jesse,)
        )
        oost, _ = await services.team(
            "Gebiedsteam Oost", TeamKind.GEBIEDSTEAM, Stadsdeel.OOST, members=(erica,)
        )
        west, _ = await services.team(
            "Energie Westerlicht", TeamKind.INITIATIEF, Stadsdeel.WEST, members=(simon,)
        )
        admin = await services.admin()
    return City(admin, noord, oost, west, mostafa, jesse, erica, simon)


async def shared(
    services: PlainServices, author: Actor, team: Team, text: str, choice: Choice = "city"
) -> int:
    """A lesson written and decided, without the themes the bot suggested; its id."""
    card = await services.lessons.write(author, team.id, text)
    for theme in card.suggested:
        await services.lessons.set_theme(author, card.lesson.id, theme, on=False)
    await services.lessons.decide(author, card.lesson.id, choice)
    return card.lesson.id


async def found(services: PlainServices, actor: Actor, query: str) -> list[int]:
    return [view.id for view in (await services.lessons.search(actor, query)).results]


# --- writing -------------------------------------------------------------------------------------


WRITING_REFUSALS = [
    ("simon", "Iets geleerd", "lesson.not_member"),  # West's member, writing for Noord
    ("admin", "Iets geleerd", "lesson.not_member"),  # admins run teams, they are not in them
    ("jesse", "   ", "lesson.empty"),
    ("jesse", "x" * (TEXT_LIMIT + 1), "text.too_long"),
]


async def test_a_written_lesson_stays_in_the_team_until_its_author_decides(
    services: PlainServices, city: City, clock: FakeClock
) -> None:
    card = await services.lessons.write(city.jesse, city.noord.id, f"  {RATS}  ")
    view = card.lesson
    assert (view.text, view.team_id, view.team_name, view.author_name) == (
        RATS,
        city.noord.id,
        "Rattenaanpak Noord",
        "Jesse",
    )
    assert (view.visibility, view.anonymous, view.decided) == (LessonVisibility.TEAM, False, False)
    assert (view.is_author, view.in_my_team, view.tags) == (True, True, ["ratten"])
    [stored] = await services.rows(Lesson)
    assert (stored.author_id, stored.decided_at, stored.created_at) == (
        city.jesse.person_id,
        None,
        clock.now,
    )
    assert (
        len((await services.lessons.write(city.jesse, city.noord.id, "x" * TEXT_LIMIT)).lesson.text)
        == TEXT_LIMIT
    )
    for who, text, key in WRITING_REFUSALS:
        await refused(key, services.lessons.write(getattr(city, who), city.noord.id, text))
    assert len(await services.rows(Lesson)) == 2


# --- the explicit share choice -------------------------------------------------------------------


SHARE_CHOICES: list[tuple[str, Choice | None, LessonVisibility, bool, str | None]] = [
    # (a word only this lesson has, the choice, stored visibility, anonymous, name shown)
    ("kompost", None, LessonVisibility.TEAM, False, "Jesse"),
    ("lantaarns", "team", LessonVisibility.TEAM, False, "Jesse"),
    ("bankjes", "city", LessonVisibility.CITY, False, "Jesse"),
    ("fietsen", "anonymous", LessonVisibility.CITY, True, None),
]


async def test_only_a_decision_to_share_reaches_the_city_log(
    services: PlainServices, city: City, clock: FakeClock
) -> None:
    ids: dict[str, int] = {}
    for word, choice, visibility, anonymous, author_name in SHARE_CHOICES:
        card = await services.lessons.write(city.jesse, city.noord.id, f"Les over {word}")
        ids[word] = card.lesson.id
        assert (card.lesson.visibility, card.lesson.decided) == (LessonVisibility.TEAM, False)
        if choice is not None:
            view = await services.lessons.decide(city.jesse, card.lesson.id, choice)
            assert (view.visibility, view.anonymous, view.decided, view.author_name) == (
                visibility,
                anonymous,
                True,
                author_name,
            ), word
    stored = {lesson.id: lesson for lesson in await services.rows(Lesson)}
    for word, choice, visibility, anonymous, author_name in SHARE_CHOICES:
        lesson = stored[ids[word]]
        assert (lesson.visibility, lesson.anonymous) == (visibility, anonymous), word
        assert lesson.decided_at == (None if choice is None else clock.now), word
        shared_with_city = visibility is LessonVisibility.CITY
        for other in (city.erica, city.simon):
            page = await services.lessons.search(other, word)
            assert [(v.id, v.author_name) for v in page.results] == (
                [(ids[word], author_name)] if shared_with_city else []
            ), (word, other.display_name)
    # Team mates see the team's lessons once the author has chosen, shared or not.
    _own, teammates = await services.lessons.overview(city.mostafa)
    assert sorted(v.id for v in teammates) == sorted(
        ids[word] for word, choice, *_ in SHARE_CHOICES if choice is not None
    )
    # Only the author chooses.
    for other in (city.mostafa, city.admin):
        await refused("lesson.not_author", services.lessons.decide(other, ids["kompost"], "city"))
    assert await found(services, city.simon, "kompost") == []


async def test_anonymous_lessons_carry_no_author_name_in_any_view(
    services: PlainServices, city: City
) -> None:
    lesson_id = await shared(services, city.jesse, city.noord, RATS, "anonymous")
    lessons = services.lessons
    views: list[LessonView] = [
        (await lessons.card(city.jesse, lesson_id)).lesson,
        await lessons.view(city.jesse, lesson_id),
        await lessons.view(city.simon, lesson_id),
        await lessons.view(city.admin, lesson_id),
        await lessons.check_adoptable(city.simon, lesson_id),
        *(await lessons.search(city.simon, "ratten")).results,
        *(await lessons.overview(city.jesse))[0],
        *(await lessons.overview(city.mostafa))[1],
        *(await lessons.write(city.erica, city.oost.id, RATS_OOST)).similar,
    ]
    assert [view.id for view in views] == [lesson_id] * 9
    assert [view.author_name for view in views] == [None] * 9
    assert all(view.anonymous for view in views)
    assert (views[1].is_author, views[2].is_author) == (True, False)


# --- similar lessons -----------------------------------------------------------------------------


async def test_similar_lessons_come_only_from_other_teams_and_only_when_shared(
    services: PlainServices, city: City
) -> None:
    noord_rats = await shared(services, city.jesse, city.noord, RATS)
    west_card = await services.lessons.write(
        city.simon, city.west.id, "Verwaarloosd groen in het park trekt ratten"
    )
    # Oost writes about the same: Noord's shared lesson, not West's undecided one.
    oost_card = await services.lessons.write(city.erica, city.oost.id, RATS_OOST)
    assert [view.id for view in oost_card.similar] == [noord_rats]
    assert (oost_card.similar[0].team_name, oost_card.similar[0].author_name) == (
        "Rattenaanpak Noord",
        "Jesse",
    )
    # Noord's coordinator writes the same: never his own team's lesson, nor unshared ones.
    mostafa_card = await services.lessons.write(
        city.mostafa, city.noord.id, "Verwaarloosd groen trekt ratten naar het park"
    )
    assert mostafa_card.similar == []
    # Once West shares, it is suggested too.
    await services.lessons.decide(city.simon, west_card.lesson.id, "anonymous")
    again = await services.lessons.card(city.mostafa, mostafa_card.lesson.id)
    assert [view.id for view in again.similar] == [west_card.lesson.id]
    assert noord_rats in await services.lessons.similar_to(RATS_OOST, city.oost.id)
    assert noord_rats not in await services.lessons.similar_to(RATS_OOST, city.noord.id)
    # An unrelated lesson has nothing alike.
    assert (await services.lessons.write(city.erica, city.oost.id, PERMIT)).similar == []


# --- endorsements and adoptions ------------------------------------------------------------------


async def test_endorsing_once_and_telling_the_lesson_team(
    services: PlainServices, city: City, clock: FakeClock
) -> None:
    lesson_id = await shared(services, city.jesse, city.noord, RATS)
    endorsed, notices = await services.lessons.endorse(city.erica, lesson_id)
    assert endorsed is True
    assert sorted((n.telegram_user_id, n.language, n.key) for n in notices) == [
        (601, "en", "lesson.notice_endorsed"),  # the coordinator, in his own language
        (602, "nl", "lesson.notice_endorsed"),  # the author
    ]
    assert notices[0].params == {
        "team": "Gebiedsteam Oost",
        "lesson": RATS,
        "own_team": "Rattenaanpak Noord",
        "count": 1,
    }
    [endorsement] = await services.rows(Endorsement)
    assert (endorsement.person_id, endorsement.team_id, endorsement.created_at) == (
        city.erica.person_id,
        city.oost.id,
        clock.now,
    )
    view = await services.lessons.view(city.erica, lesson_id)
    assert (view.endorsements, view.endorsed_by_me) == (1, True)
    assert (await services.lessons.view(city.simon, lesson_id)).endorsed_by_me is False

    # A second endorsement changes nothing and tells nobody; undoing is its own, silent step.
    assert await services.lessons.endorse(city.erica, lesson_id) == (False, [])
    assert len(await services.rows(Endorsement)) == 1
    assert await services.lessons.withdraw_endorsement(city.erica, lesson_id) is True
    assert await services.lessons.withdraw_endorsement(city.erica, lesson_id) is False
    assert await services.rows(Endorsement) == []
    view = await services.lessons.view(city.erica, lesson_id)
    assert (view.endorsements, view.endorsed_by_me) == (0, False)
    _, notices = await services.lessons.endorse(city.simon, lesson_id)
    assert {n.params["count"] for n in notices} == {1}
    assert {n.params["team"] for n in notices} == {"Energie Westerlicht"}


REACTION_REFUSALS: list[tuple[Choice | None, str, str]] = [
    ("city", "mostafa", "lesson.own_team"),  # the lesson's own team
    ("city", "jesse", "lesson.own_team"),  # its author
    ("team", "erica", "lesson.unknown"),  # kept in the team
    (None, "erica", "lesson.unknown"),  # not decided yet
]


async def test_endorsing_and_adopting_refusals(services: PlainServices, city: City) -> None:
    for index, (choice, who, key) in enumerate(REACTION_REFUSALS):
        card = await services.lessons.write(city.jesse, city.noord.id, f"{RATS} {index}")
        if choice is not None:
            await services.lessons.decide(city.jesse, card.lesson.id, choice)
        actor: Actor = getattr(city, who)
        await refused(key, services.lessons.endorse(actor, card.lesson.id))
        await refused(key, services.lessons.adopt(actor, card.lesson.id, "Werkte bij ons ook"))
        await refused(key, services.lessons.ask_adoption(actor, card.lesson.id))
        assert await services.conversations.get(actor.person_id) is None
    assert await services.rows(Endorsement) == []
    assert await services.rows(Adoption) == []


async def test_adopting_through_the_flow(services: PlainServices, city: City) -> None:
    lesson_id = await shared(services, city.jesse, city.noord, PERMIT)
    view = await services.lessons.ask_adoption(city.simon, lesson_id)
    assert view.id == lesson_id
    state = await services.conversations.get(city.simon.person_id)
    assert state == AdoptState(lesson_id)
    await refused("lesson.adopt_empty", services.lessons.give_adoption(city.simon, state, "  "))
    notices = await services.lessons.give_adoption(city.simon, state, " Gedaan, binnen twee weken ")
    assert sorted((n.telegram_user_id, n.key) for n in notices) == [
        (601, "lesson.notice_adopted"),
        (602, "lesson.notice_adopted"),
    ]
    assert notices[0].params["line"] == "Gedaan, binnen twee weken"
    assert notices[0].params["team"] == "Energie Westerlicht"
    [adoption] = await services.rows(Adoption)
    assert (adoption.lesson_id, adoption.person_id, adoption.team_id, adoption.text) == (
        lesson_id,
        city.simon.person_id,
        city.west.id,
        "Gedaan, binnen twee weken",
    )
    assert (await services.lessons.view(city.jesse, lesson_id)).adoptions == 1
    assert await services.conversations.get(city.simon.person_id) is None


# --- curation ------------------------------------------------------------------------------------


async def test_hiding_is_for_admins_and_takes_the_lesson_out_of_the_log(
    services: PlainServices, city: City
) -> None:
    kept = await shared(services, city.jesse, city.noord, RATS)
    joke = await shared(services, city.simon, city.west, "Ratten zijn dom #spam")
    assert sorted(await found(services, city.erica, "ratten")) == sorted([kept, joke])
    for member in (city.mostafa, city.simon):
        await refused("denied.admin_curate", services.lessons.ask_hide_reason(member, joke))
        await refused("denied.admin_curate", services.lessons.hide(member, joke, "weg"))
    await services.lessons.ask_hide_reason(city.admin, joke)
    state = await services.conversations.get(city.admin.person_id)
    assert state == HideState(joke)
    await refused("lesson.reason_empty", services.lessons.give_hide_reason(city.admin, state, " "))
    notices = await services.lessons.give_hide_reason(city.admin, state, "Geen les maar een grap")
    assert [(n.telegram_user_id, n.key, n.params["reason"]) for n in notices] == [
        (605, "lesson.notice_hidden", "Geen les maar een grap")
    ]
    assert await services.conversations.get(city.admin.person_id) is None

    page = await services.lessons.search(city.erica, "ratten")
    assert ([view.id for view in page.results], page.total) == ([kept], 1)
    await refused("lesson.unknown", services.lessons.view(city.erica, joke))
    await refused("lesson.unknown", services.lessons.endorse(city.erica, joke))
    own = await services.lessons.view(city.simon, joke)  # the author sees why
    assert (own.status, own.hidden_reason) == (LessonStatus.HIDDEN, "Geen les maar een grap")
    await refused("lesson.unknown", services.lessons.hide(city.admin, 10_000, "weg"))


async def test_merging_moves_reactions_and_leaves_one_lesson(
    services: PlainServices, city: City
) -> None:
    keep = await shared(services, city.jesse, city.noord, RATS)
    duplicate = await shared(
        services, city.erica, city.oost, "Ratten verdwijnen als het groen weer onderhouden wordt"
    )
    await services.lessons.endorse(city.simon, keep)
    await services.lessons.endorse(city.simon, duplicate)
    # NOTE: only outsiders of both teams endorse here: an endorsement of the duplicate by a
    # member of the kept lesson's own team would move onto their own lesson (reported).
    await services.lessons.endorse(city.admin, duplicate)
    await services.lessons.adopt(city.simon, duplicate, "Geprobeerd in West")
    assert (await services.lessons.search(city.simon, "ratten")).total == 2

    view = await services.lessons.merge(city.admin, keep, duplicate)
    assert (view.id, view.endorsements, view.adoptions) == (keep, 2, 1)  # Simon counted once
    endorsements = await services.rows(Endorsement)
    assert sorted((e.lesson_id, e.person_id) for e in endorsements) == sorted(
        [(keep, city.simon.person_id), (keep, city.admin.person_id)]
    )
    [merged] = await services.rows(Lesson, Lesson.id == duplicate)
    assert (merged.status, merged.merged_into_id) == (LessonStatus.MERGED, keep)
    page = await services.lessons.search(city.simon, "ratten")
    assert ([v.id for v in page.results], page.total) == ([keep], 1)
    own, _ = await services.lessons.overview(city.erica)
    assert duplicate not in [v.id for v in own]


MERGE_REFUSALS = [
    ("mostafa", "keep", "duplicate", "denied.admin_curate"),
    ("admin", "keep", "keep", "lesson.merge_same"),
    ("admin", "keep", "unknown", "lesson.unknown"),
    ("admin", "unknown", "duplicate", "lesson.unknown"),
    ("admin", "hidden", "duplicate", "lesson.merge_inactive"),
]


async def test_merge_refusals(services: PlainServices, city: City) -> None:
    ids = {
        "keep": await shared(services, city.jesse, city.noord, RATS),
        "duplicate": await shared(services, city.erica, city.oost, RATS_OOST),
        "hidden": await shared(services, city.simon, city.west, "Ratten zijn dom"),
        "unknown": 10_000,
    }
    await services.lessons.hide(city.admin, ids["hidden"], "grap")
    for who, keep, duplicate, key in MERGE_REFUSALS:
        await refused(key, services.lessons.merge(getattr(city, who), ids[keep], ids[duplicate]))
    statuses = {lesson.id: lesson.status for lesson in await services.rows(Lesson)}
    assert statuses == {
        ids["keep"]: LessonStatus.ACTIVE,
        ids["duplicate"]: LessonStatus.ACTIVE,
        ids["hidden"]: LessonStatus.HIDDEN,
    }


# --- search: paging, filters ---------------------------------------------------------------------


async def test_search_pages(services: PlainServices, city: City, clock: FakeClock) -> None:
    ids = {
        await shared(services, city.jesse, city.noord, f"Vergunning nummer {i} vroeg om geduld")
        for i in range(PAGE_SIZE + 2)
    }
    first = await services.lessons.search(city.simon, "vergunningen")
    assert (first.total, first.pages, first.page, first.loose) == (PAGE_SIZE + 2, 2, 0, False)
    assert len(first.results) == PAGE_SIZE
    second = await services.lessons.page(city.simon, first.search_id, 1)
    assert (second.page, second.total, len(second.results)) == (1, PAGE_SIZE + 2, 2)
    assert {v.id for v in first.results} | {v.id for v in second.results} == ids
    beyond = await services.lessons.page(city.simon, first.search_id, 5)
    assert (beyond.results, beyond.total, beyond.pages) == ([], PAGE_SIZE + 2, 2)
    [saved] = await services.rows(SavedSearch)
    assert (saved.person_id, saved.query, saved.created_at) == (
        city.simon.person_id,
        "vergunningen",
        clock.now,
    )
    # A saved search is its owner's only.
    await refused("error.button_expired", services.lessons.page(city.erica, first.search_id, 1))


async def test_search_falls_back_to_lessons_with_some_of_the_words(
    services: PlainServices, city: City
) -> None:
    lesson_id = await shared(services, city.jesse, city.noord, PERMIT)
    page = await services.lessons.search(city.simon, "gebiedsmakelaar zonnepanelen")
    assert ([v.id for v in page.results], page.loose) == ([lesson_id], True)
    empty = await services.lessons.search(city.simon, "zonnepanelen")
    assert (empty.results, empty.total, empty.pages, empty.loose) == ([], 0, 1, False)


CONTAINER = "Een container voor de opruimdag? Vraag de vergunning zes weken vooraf aan."
LEAFLETS = "Folders in de bus deden weinig. Huis aan huis aanbellen bracht tien keer zoveel leden."


async def test_search_and_similar_lessons_see_through_compounds_and_synonyms(
    services: PlainServices, city: City
) -> None:
    container = await shared(services, city.jesse, city.noord, CONTAINER)
    leaflets = await shared(services, city.jesse, city.noord, LEAFLETS)
    # A compound finds its parts written apart; a synonym or a phrase of the list its group.
    assert await found(services, city.simon, "containervergunning") == [container]
    assert await found(services, city.simon, "vergunning container") == [container]
    assert await found(services, city.simon, "flyers") == [leaflets]
    assert await found(services, city.simon, "deur aan deur") == [leaflets]
    # Every word is still needed (the parts of a compound are its words).
    page = await services.lessons.search(city.simon, "containervergunning parkeren")
    assert ([v.id for v in page.results], page.loose) == ([container], True)
    # Similar lessons compare the same terms.
    card = await services.lessons.write(
        city.erica, city.oost.id, "De containervergunning voor onze opruimdag kwam pas na zes weken"
    )
    assert [view.id for view in card.similar] == [container]
    card = await services.lessons.write(
        city.erica, city.oost.id, "Deur aan deur met flyers leverde meer op dan de folder in de bus"
    )
    assert [view.id for view in card.similar] == [leaflets]


async def test_word_counts_learnt_at_start_follow_new_lessons(
    services: PlainServices, city: City
) -> None:
    rats = await shared(services, city.jesse, city.noord, RATS)
    assert await services.lessons.warm_up() == len(terms(RATS))
    # Written after the counts were learnt: its words are counted again, and the scores are
    # the exact cosine over the lessons as they are now.
    park = await shared(services, city.simon, city.west, "Verwaarloosd groen in het park: ratten")

    async def exact_scores() -> dict[int, float]:
        stored: dict[int, dict[str, int]] = {}
        for row in await services.rows(LessonTerm):
            stored.setdefault(row.lesson_id, {})[row.term] = row.count
        lessons_with = Counter(term for counted in stored.values() for term in counted)

        def weigh(term: str) -> float:
            return idf(len(stored), lessons_with[term])

        return {
            lesson: pytest.approx(cosine(terms(RATS_OOST), stored[lesson], weigh))
            for lesson in (rats, park)
        }

    found = dict(await services.lessons.similar_scores(RATS_OOST, city.oost.id))
    assert found == await exact_scores()
    assert found[park] > found[rats] >= SIMILAR_MIN_SCORE
    # Advice changes a lesson's words: the remembered counts follow it too.
    await services.lessons.set_advice(city.simon, park, "Ratten verdwijnen pas als je het meldt")
    assert dict(await services.lessons.similar_scores(RATS_OOST, city.oost.id)) == (
        await exact_scores()
    )


async def test_the_index_is_rebuilt_once_when_the_analyser_changes(
    services: PlainServices, city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = await shared(services, city.jesse, city.noord, CONTAINER)
    # A database the bot never started on: rebuilt, then known to be up to date.
    assert await services.lessons.reindex_if_changed() == 1
    assert await services.lessons.reindex_if_changed() is None
    async with services.together() as session:  # as an older analyser indexed it
        await session.execute(delete(LessonTerm).where(LessonTerm.term == "container"))
    assert await found(services, city.simon, "container") == []
    monkeypatch.setattr(lessons_module, "fingerprint", lambda: "newer")
    assert await services.lessons.reindex_if_changed(batch=1) == 1
    assert await found(services, city.simon, "container") == [container]
    assert await services.lessons.reindex_if_changed() is None
    runs = await services.rows(HousekeepingRun, HousekeepingRun.job == INDEX_JOB)
    assert sorted(run.day for run in runs) == sorted([fingerprint(), "newer"])
    # `steunpunt db reindex` records its analyser as well.
    monkeypatch.setattr(lessons_module, "fingerprint", lambda: "newest")
    assert await services.lessons.reindex() == 1
    assert await services.lessons.reindex_if_changed() is None


SEARCH_FILTERS = [
    ("refine stadsdeel noord", {"noord 1", "noord 2"}),
    ("refine stadsdeel oost", {"oost"}),
    ("refine kind gebiedsteam", {"oost"}),
    ("refine kind initiatief", {"noord 1", "noord 2"}),
    ("refine theme financiering", {"oost"}),
    ("refine theme routes", {"noord 1"}),
    ("refine theme onzin", {"noord 1", "noord 2", "oost"}),  # not a theme: cleared
    ("typed @oost", {"oost"}),
    ("typed #financiering", {"oost"}),
    ("typed #potje", {"noord 2"}),
    ("typed @west", set()),
]


async def test_search_filters(services: PlainServices, city: City) -> None:
    lessons = services.lessons
    ids = {
        "noord 1": await shared(
            services, city.jesse, city.noord, "Vergunning een kwestie van tijd"
        ),
        "noord 2": await shared(services, city.jesse, city.noord, "Vergunning uit het #potje"),
        "oost": await shared(services, city.erica, city.oost, "Vergunning en buurtbudget samen"),
    }
    await lessons.toggle_theme(city.jesse, ids["noord 1"], "routes")
    await lessons.toggle_theme(city.erica, ids["oost"], "financiering")
    names = {lesson_id: name for name, lesson_id in ids.items()}
    for how, expected in SEARCH_FILTERS:
        kind, *rest = how.split()
        if kind == "refine":
            search_id = (await lessons.search(city.simon, "vergunning")).search_id
            page = await lessons.refine(city.simon, search_id, rest[0], rest[1])
        else:
            page = await lessons.search(city.simon, f"vergunning {rest[0]}")
        assert {names[view.id] for view in page.results} == expected, how
        assert page.total == len(expected), how


async def test_refining_clears_and_keeps_filters(services: PlainServices, city: City) -> None:
    await shared(services, city.jesse, city.noord, "Vergunning een kwestie van tijd")
    await shared(services, city.erica, city.oost, "Vergunning en buurtbudget samen")
    lessons = services.lessons
    search_id = (await lessons.search(city.simon, "vergunning @noord")).search_id
    both = await lessons.refine(city.simon, search_id, "kind", "gebiedsteam")
    assert both.total == 0
    assert (both.filters["stadsdeel"], both.filters["kind"]) == ("noord", "gebiedsteam")
    cleared = await lessons.refine(city.simon, search_id, "stadsdeel", None)
    assert (cleared.total, cleared.filters["stadsdeel"]) == (1, None)
    [saved] = await services.rows(SavedSearch)
    assert saved.filters["kind"] == "gebiedsteam"
    await refused("error.button_expired", lessons.refine(city.simon, search_id, "colour", "red"))
    await refused("error.button_expired", lessons.refine(city.erica, search_id, "kind", None))


@contextmanager
def counted_statements(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)


async def test_a_page_of_views_takes_the_same_queries_whatever_its_size(
    services: PlainServices, city: City
) -> None:
    """Views are built in batches: no query per lesson on the page."""
    for i in range(PAGE_SIZE):
        lesson_id = await shared(
            services, city.jesse, city.noord, f"Vergunning {i} #tag{i}", "anonymous"
        )
        await services.lessons.toggle_theme(city.jesse, lesson_id, "routes")
        await services.lessons.endorse(city.simon, lesson_id)
    await shared(services, city.erica, city.oost, "Subsidie kwam #laat", "city")
    many = await services.lessons.search(city.simon, "vergunning")
    one = await services.lessons.search(city.simon, "subsidie")
    with counted_statements(services.database) as for_many:
        page = await services.lessons.page(city.simon, many.search_id, 0)
    assert len(page.results) == PAGE_SIZE
    assert all(view.endorsed_by_me and view.themes == ["routes"] for view in page.results)
    with counted_statements(services.database) as for_one:
        page = await services.lessons.page(city.simon, one.search_id, 0)
    assert [view.tags for view in page.results] == [["laat"]]
    assert len(for_many) == len(for_one), (for_many, for_one)
    assert 0 < len(for_one) <= 8


# --- the /lesson flow and the other flows --------------------------------------------------------


async def test_the_lesson_flow_in_one_team(services: PlainServices) -> None:
    simon = await services.person(610, "Simon")
    west, _ = await services.team("Energie Westerlicht", members=(simon,))
    step = await services.lessons.begin(simon, RATS)
    assert isinstance(step, LessonCard)
    assert (step.lesson.team_id, step.lesson.text) == (west.id, RATS)
    assert await services.conversations.get(simon.person_id) is None

    assert isinstance(await services.lessons.begin(simon, "  "), AskText)
    state = await services.conversations.get(simon.person_id)
    assert state == LessonState("text", west.id)
    assert isinstance(await services.lessons.give_text(simon, state, "  "), AskText)
    assert await services.conversations.get(simon.person_id) == state  # still asking
    await refused("text.too_long", services.lessons.give_text(simon, state, "x" * 2001))
    step = await services.lessons.give_text(simon, state, PERMIT)
    assert isinstance(step, LessonCard)
    assert (step.lesson.team_id, step.lesson.text) == (west.id, PERMIT)
    assert await services.conversations.get(simon.person_id) is None
    assert len(await services.rows(Lesson)) == 2


async def test_the_lesson_flow_in_several_teams_asks_which_team_first(
    services: PlainServices,
) -> None:
    jesse = await services.person(611, "Jesse")
    async with services.together():
        noord, _ = await services.team("Rattenaanpak Noord", members=(jesse,))
        oost, _ = await services.team("Gebiedsteam Oost", members=(jesse,))
    for text in (RATS, ""):
        step = await services.lessons.begin(jesse, text)
        assert isinstance(step, PickTeam)
        assert [team.id for team in step.teams] == [oost.id, noord.id]  # by name
        state = await services.conversations.get(jesse.person_id)
        assert state == LessonState("team", text=text)
        await refused("flow.use_buttons", services.lessons.give_text(jesse, state, "tekst"))
        step = await services.lessons.choose_team(jesse, oost.id)
        if text:
            assert isinstance(step, LessonCard)
            assert (step.lesson.team_id, step.lesson.text) == (oost.id, RATS)
            assert await services.conversations.get(jesse.person_id) is None
        else:
            assert isinstance(step, AskText)
            assert await services.conversations.get(jesse.person_id) == LessonState("text", oost.id)
    assert [(lesson.team_id, lesson.text) for lesson in await services.rows(Lesson)] == [
        (oost.id, RATS)
    ]


async def test_lesson_flow_refusals_and_the_search_flow(services: PlainServices) -> None:
    simon, stranger = await services.person(612, "Simon"), await services.person(613, "Zoë")
    west, _ = await services.team("Energie Westerlicht", members=(simon,))
    lesson_id = await shared(services, simon, west, PERMIT)
    await refused("lesson.no_team", services.lessons.begin(stranger, RATS))
    await refused("lesson.no_team", services.lessons.begin(await services.admin(), RATS))
    error = await refused("flow.expired", services.lessons.choose_team(simon, west.id))
    assert error.params == {"command": "/lesson"}

    await services.lessons.ask_query(stranger)
    assert await services.conversations.get(stranger.person_id) == SearchState()
    await refused("flow.expired", services.lessons.choose_team(stranger, west.id))  # elsewhere
    page = await services.lessons.give_query(stranger, "vergunning")
    assert ([view.id for view in page.results], page.query) == ([lesson_id], "vergunning")
    assert await services.conversations.get(stranger.person_id) is None
    assert len(await services.rows(Lesson)) == 1


async def test_advice_is_the_authors_and_is_searchable(services: PlainServices, city: City) -> None:
    lesson_id = await shared(services, city.jesse, city.noord, PERMIT)
    await refused("lesson.not_author", services.lessons.ask_advice(city.mostafa, lesson_id))
    assert await services.conversations.get(city.mostafa.person_id) is None
    await services.lessons.ask_advice(city.jesse, lesson_id)
    state = await services.conversations.get(city.jesse.person_id)
    assert state == AdviceState(lesson_id)
    await refused("lesson.advice_empty", services.lessons.give_advice(city.jesse, state, " "))
    card = await services.lessons.give_advice(city.jesse, state, " Vraag naar de buurtregisseur ")
    assert card.lesson.advice == "Vraag naar de buurtregisseur"
    assert await services.conversations.get(city.jesse.person_id) is None
    assert await found(services, city.simon, "buurtregisseur") == [lesson_id]

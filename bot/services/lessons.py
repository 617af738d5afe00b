"""Lessons and the city knowledge log: capture with explicit consent, similar lessons from other
teams, search, endorsements ("herkenbaar"), adoptions ("wij probeerden dit"), curation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.common import (
    TEXT_LIMIT,
    Actor,
    Clock,
    Language,
    ServiceError,
    check_length,
)
from bot.services.conversations import (
    AdoptState,
    AdviceState,
    Conversations,
    HideState,
    LessonState,
    SearchState,
)
from bot.services.directory import Directory, language_for
from bot.services.permissions import (
    Permission,
    authorize,
    authorize_membership,
    authorize_own,
    authorize_without_team,
)
from bot.services.similarity import cosine_of, idf, weights
from bot.services.textsearch import fingerprint, parse_query, tags_in, terms
from bot.services.themes import NEIGHBOURS, Neighbour, suggest
from storage.database import Database
from storage.lessons import Lessons
from storage.models import (
    THEMES,
    Lesson,
    LessonStatus,
    LessonVisibility,
    Person,
    SavedSearch,
    Stadsdeel,
    Team,
    TeamKind,
)
from storage.repositories import Memberships, People, Teams
from storage.search import LessonIndex, SearchFilters

PAGE_SIZE = 5
# Similar lessons (`bot.services.similarity`): up to three shared lessons of other teams whose
# cosine with the text reaches SIMILAR_MIN_SCORE, chosen on the labelled pairs of
# benchmarks/data/lesson_pairs.json (`python -m benchmarks.lessons` prints the table it was
# chosen from; docs/benchmarks.md has the figures).
SIMILAR_LIMIT = 3
SIMILAR_MIN_SCORE = 0.23
# The term index proposes this many lessons that share the text's most telling words (its
# SIMILAR_LOOKUP_TERMS rarest, each in at most COMMON_SHARE of the lessons: a word in many
# lessons says little about which is alike, and makes the lookup slow); each is then scored
# exactly on all its words.
SIMILAR_CANDIDATES = 24
SIMILAR_LOOKUP_TERMS = 6
COMMON_SHARE = 0.05
# A hide reason and a search are kept in 500-character columns: shorter than TEXT_LIMIT.
REASON_LIMIT = 500
SEARCH_LIMIT = 500
Choice = Literal["team", "city", "anonymous"]
CHOICES: dict[str, Choice] = {"team": "team", "city": "city", "anonymous": "anonymous"}


@dataclass(frozen=True)
class LessonView:
    id: int
    text: str
    advice: str | None
    team_id: int
    team_name: str
    stadsdeel: Stadsdeel
    kind: TeamKind
    created_at: datetime
    themes: list[str]
    tags: list[str]
    author_name: str | None  # None when anonymous: never shown, never sent
    visibility: LessonVisibility
    anonymous: bool
    status: LessonStatus
    decided: bool
    endorsements: int
    adoptions: int
    endorsed_by_me: bool
    is_author: bool
    in_my_team: bool
    hidden_reason: str | None


@dataclass(frozen=True)
class LessonCard:
    lesson: LessonView
    similar: list[LessonView]
    # Themes the bot pre-selected on a new lesson, for the author to confirm or change.
    suggested: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchPage:
    search_id: int
    query: str
    filters: dict[str, Any]
    page: int
    pages: int
    total: int
    results: list[LessonView]
    loose: bool  # no lesson had all the words; these have some of them


@dataclass(frozen=True)
class PickTeam:
    """The writer is in several teams: which team is the lesson for?"""

    teams: list[Team]


@dataclass(frozen=True)
class AskText:
    """The lesson's text comes next, as a message."""


LessonStep = LessonCard | PickTeam | AskText


@dataclass(frozen=True)
class Notice:
    """A message for someone else, sent by the handler in their language."""

    telegram_user_id: int
    language: Language
    key: str
    params: dict[str, object]


async def similar_lessons(
    session: AsyncSession,
    counts: Mapping[str, int],
    exclude_team_id: int | None,
    limit: int,
    skip: int | None = None,
) -> list[tuple[int, float]]:
    """The shared lessons of other teams closest to a text's terms, with their cosine
    (`bot.services.similarity`), best first."""
    index = LessonIndex(session)
    total, frequency = await index.frequencies(list(counts))
    known = {term: idf(total, frequency.get(term, 0)) for term in counts}
    wanted = weights(counts, known.__getitem__)
    common = max(COMMON_SHARE * total, 50)
    telling = [term for term in counts if 0 < frequency.get(term, 0) <= common]
    lookup = sorted(telling, key=lambda term: (-wanted[term], term))[:SIMILAR_LOOKUP_TERMS]
    documents = await index.candidates(
        {term: wanted[term] * known[term] for term in lookup},
        exclude_team_id,
        SIMILAR_CANDIDATES,
        skip,
    )
    unknown = {term for counted in documents.values() for term in counted} - known.keys()
    more = (await index.frequencies(unknown))[1]
    known |= {term: idf(total, more.get(term, 0)) for term in unknown}
    scored = [
        (lesson_id, cosine_of(wanted, weights(counted, known.__getitem__)))
        for lesson_id, counted in documents.items()
    ]
    return sorted(scored, key=lambda item: (-item[1], item[0]))[:limit]


def clean_text(raw: str, empty_key: str, limit: int = TEXT_LIMIT) -> str:
    text = raw.strip()
    if not text:
        raise ServiceError(empty_key)
    return check_length(text, limit)


def _indexed(lesson: Lesson) -> tuple[str, dict[str, int], list[str]]:
    """What a lesson is found by: its text and advice, their search terms, and #tags."""
    body = " ".join(part for part in (lesson.text, lesson.advice or "") if part)
    return body, dict(terms(body)), [tag for tag in tags_in(body) if tag not in THEMES]


async def index_lesson(session: AsyncSession, lesson: Lesson) -> None:
    """Refresh a lesson's search terms and #tags after its text changed."""
    body, counts, tags = _indexed(lesson)
    await Lessons(session).replace_tags(lesson.id, tags)
    await LessonIndex(session).replace(lesson, counts, body)


def undecided_lesson(
    team_id: int,
    author_id: int,
    text: str,
    now: datetime,
    sprint_id: int | None = None,
    source_answer_id: int | None = None,
) -> Lesson:
    """A new lesson of the team, kept in the team until its author chooses otherwise."""
    return Lesson(
        team_id=team_id,
        sprint_id=sprint_id,
        author_id=author_id,
        source_answer_id=source_answer_id,
        text=text,
        visibility=LessonVisibility.TEAM,
        anonymous=False,
        status=LessonStatus.ACTIVE,
        created_at=now,
        updated_at=now,
    )


async def add_lesson(session: AsyncSession, lesson: Lesson) -> tuple[str, ...]:
    """Store a new lesson, indexed and with the themes the bot suggests for it preselected
    (the author confirms or changes them); the suggestion."""
    body, counts, tags = _indexed(lesson)
    LessonIndex.describe(lesson, counts, body)
    await Lessons(session).add(lesson)
    Lessons(session).add_tags(lesson.id, tags)
    await LessonIndex(session).add(lesson, counts)
    suggestion = await suggested_themes(session, lesson)
    Lessons(session).add_themes(lesson.id, suggestion)
    return suggestion


async def suggested_themes(session: AsyncSession, lesson: Lesson) -> tuple[str, ...]:
    """The themes the bot proposes for a lesson: its keywords and the themes of the nearest
    already-themed lessons (any team's; only their theme names are used)."""
    found = await LessonIndex(session).themed_neighbours(
        dict(terms(lesson.text)), NEIGHBOURS, lesson.id
    )
    return suggest(lesson.text, [Neighbour(score, themes) for _, score, themes in found])


class LessonService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        directory: Directory,
        conversations: Conversations,
        default_language: Language,
    ) -> None:
        self._db = database
        self._clock = clock
        self._directory = directory
        self._conversations = conversations
        self._default_language = default_language

    # --- the /lesson flow: team (buttons, if several), text, then the card -----------------------

    async def begin(self, actor: Actor, raw_text: str) -> LessonStep:
        """`/lesson [text]`."""
        teams = [item for item in await self._directory.teams_of(actor) if item.role]
        if not teams:
            raise ServiceError("lesson.no_team")
        if len(teams) > 1:
            await self._conversations.put(actor.person_id, LessonState("team", text=raw_text))
            return PickTeam([item.team for item in teams])
        [only] = teams
        assert only.role is not None
        # Its membership was just read: checked from it, not read again.
        authorize_membership(actor, Permission.WRITE_LESSON, only.team, only.role)
        return await self._continue(actor, only.team.id, raw_text)

    async def choose_team(self, actor: Actor, team_id: int) -> LessonStep:
        state = await self._conversations.expect(actor.person_id, LessonState, "/lesson", "team")
        async with self._db.unit_of_work() as session:
            await self._require_member(session, actor, team_id)  # a forged team button
        return await self._continue(actor, team_id, state.text)

    async def give_text(self, actor: Actor, state: LessonState, raw_text: str) -> LessonStep:
        if state.step != "text" or state.team_id is None:
            raise ServiceError("flow.use_buttons")
        async with self._db.unit_of_work() as session:
            await self._require_member(session, actor, state.team_id)  # they may have left
        return await self._continue(actor, state.team_id, raw_text)

    async def _continue(self, actor: Actor, team_id: int, raw_text: str) -> LessonStep:
        """The flow's next step in a team whose membership the caller has checked."""
        if not raw_text.strip():
            await self._conversations.put(actor.person_id, LessonState("text", team_id))
            return AskText()
        card = await self._write(actor, team_id, clean_text(raw_text, "lesson.empty"))
        await self._conversations.clear(actor.person_id)
        return card

    async def ask_advice(self, actor: Actor, lesson_id: int) -> None:
        async with self._db.unit_of_work() as session:
            await self._own(session, actor, lesson_id)  # only the author adds advice
            await self._conversations.put(actor.person_id, AdviceState(lesson_id))

    async def give_advice(self, actor: Actor, state: AdviceState, raw: str) -> LessonCard:
        card = await self.set_advice(actor, state.lesson_id, raw)
        await self._conversations.clear(actor.person_id)
        return card

    async def ask_adoption(self, actor: Actor, lesson_id: int) -> LessonView:
        view = await self.check_adoptable(actor, lesson_id)
        await self._conversations.put(actor.person_id, AdoptState(view.id))
        return view

    async def give_adoption(self, actor: Actor, state: AdoptState, raw: str) -> list[Notice]:
        notices = await self.adopt(actor, state.lesson_id, raw)
        await self._conversations.clear(actor.person_id)
        return notices

    async def ask_hide_reason(self, actor: Actor, lesson_id: int) -> None:
        authorize_without_team(actor, Permission.CURATE_LESSONS)
        await self._conversations.put(actor.person_id, HideState(lesson_id))

    async def give_hide_reason(self, actor: Actor, state: HideState, raw: str) -> list[Notice]:
        notices = await self.hide(actor, state.lesson_id, raw)
        await self._conversations.clear(actor.person_id)
        return notices

    async def ask_query(self, actor: Actor) -> None:
        await self._conversations.put(actor.person_id, SearchState())

    async def give_query(self, actor: Actor, raw: str) -> SearchPage:
        await self._conversations.clear(actor.person_id)
        return await self.search(actor, raw)

    # --- writing a lesson ------------------------------------------------------------------------

    async def write(self, actor: Actor, team_id: int, raw_text: str) -> LessonCard:
        """`/lesson`: a new lesson, kept in the team until the author chooses otherwise."""
        text = clean_text(raw_text, "lesson.empty")  # refused before anything else
        async with self._db.unit_of_work() as session:
            await self._require_member(session, actor, team_id)
            return await self._write(actor, team_id, text)

    async def _write(self, actor: Actor, team_id: int, text: str) -> LessonCard:
        """`write` of a cleaned text in a team whose membership the caller has checked."""
        now = self._clock()
        lesson = undecided_lesson(team_id, actor.person_id, text, now)
        async with self._db.unit_of_work() as session:
            suggestion = await add_lesson(session, lesson)
            card = await self._card(session, actor, lesson)
            return replace(card, suggested=suggestion)

    async def reindex(self, batch: int = 500) -> int:
        """Rebuild every lesson's search terms with the current analyser, a batch per
        transaction (`steunpunt db reindex`). How many lessons were indexed."""
        done, after = 0, 0
        while True:
            async with self._db.unit_of_work() as session:
                lessons = await Lessons(session).batch_after(after, batch)
                for lesson in lessons:
                    await index_lesson(session, lesson)
                if not lessons:
                    await LessonIndex(session).mark_built(fingerprint(), self._clock())
                    return done
            done, after = done + len(lessons), lessons[-1].id

    async def reindex_if_changed(self, batch: int = 500) -> int | None:
        """At start-up: rebuild the index once if the analyser changed since it was built
        (a new stemmer, word list or synonym list). How many lessons were indexed; None when
        the index was up to date. In one transaction, so a rebuild that fails leaves the old
        index and is tried again at the next start; instances starting together take turns."""
        analyser = fingerprint()
        async with self._db.unit_of_work() as session:
            if await LessonIndex(session).built_with(analyser):
                return None
        async with self._db.unit_of_work() as session:
            index = LessonIndex(session)
            await index.lock_for_rebuild()
            if await index.built_with(analyser):
                return None
            done, after = 0, 0
            while lessons := await Lessons(session).batch_after(after, batch):
                for lesson in lessons:
                    await index_lesson(session, lesson)
                await session.flush()
                session.expunge_all()  # a large log is not kept in memory
                done, after = done + len(lessons), lessons[-1].id
            await index.mark_built(analyser, self._clock())
            return done

    async def warm_up(self) -> int:
        """At start-up: learn how many lessons each word is in, all at once, so the first
        similar-lesson suggestions need not count them word by word. How many words."""
        async with self._db.unit_of_work() as session:
            return await LessonIndex(session).remember_frequencies()

    async def card(self, actor: Actor, lesson_id: int) -> LessonCard:
        async with self._db.unit_of_work() as session:
            return await self._card(session, actor, await self._own(session, actor, lesson_id))

    async def _card(self, session: AsyncSession, actor: Actor, lesson: Lesson) -> LessonCard:
        found = await similar_lessons(
            session, terms(lesson.text), lesson.team_id, SIMILAR_LIMIT, skip=lesson.id
        )
        similar_ids = [other_id for other_id, score in found if score >= SIMILAR_MIN_SCORE]
        view, *similar = await self._views(session, actor, [lesson.id, *similar_ids])
        return LessonCard(view, similar)

    async def similar_to(
        self, text: str, exclude_team_id: int | None, limit: int = SIMILAR_LIMIT
    ) -> list[int]:
        """Ids of the shared lessons of other teams most like `text` (for hints and benchmarks)."""
        return [
            lesson_id
            for lesson_id, score in await self.similar_scores(text, exclude_team_id, limit)
            if score >= SIMILAR_MIN_SCORE
        ]

    async def similar_scores(
        self, text: str, exclude_team_id: int | None, limit: int = SIMILAR_LIMIT
    ) -> list[tuple[int, float]]:
        """The shared lessons of other teams most like `text` with their scores, best first,
        whatever the score (the benchmark chooses SIMILAR_MIN_SCORE from these)."""
        async with self._db.unit_of_work() as session:
            return await similar_lessons(session, terms(text), exclude_team_id, limit)

    async def toggle_theme(self, actor: Actor, lesson_id: int, theme: str) -> LessonCard:
        if theme not in THEMES:
            raise ServiceError("error.button_expired")
        async with self._db.unit_of_work() as session:
            lesson = await self._own(session, actor, lesson_id)
            await Lessons(session).toggle_theme(lesson_id, theme)
            return await self._card(session, actor, lesson)

    async def set_theme(self, actor: Actor, lesson_id: int, theme: str, *, on: bool) -> LessonCard:
        """Mark the lesson with a theme or not: the same press twice gives the same result."""
        if theme not in THEMES:
            raise ServiceError("error.button_expired")
        async with self._db.unit_of_work() as session:
            lesson = await self._own(session, actor, lesson_id)
            await Lessons(session).set_theme(lesson_id, theme, on=on)
            return await self._card(session, actor, lesson)

    async def set_advice(self, actor: Actor, lesson_id: int, raw: str) -> LessonCard:
        advice = clean_text(raw, "lesson.advice_empty")
        async with self._db.unit_of_work() as session:
            lesson = await self._own(session, actor, lesson_id)
            lesson.advice, lesson.updated_at = advice, self._clock()
            await index_lesson(session, lesson)
            return await self._card(session, actor, lesson)

    async def decide(self, actor: Actor, lesson_id: int, choice: Choice) -> LessonView:
        """The author's explicit choice; nothing reaches the city log without it."""
        async with self._db.unit_of_work() as session:
            lesson = await self._own(session, actor, lesson_id)
            lesson.visibility = LessonVisibility.TEAM if choice == "team" else LessonVisibility.CITY
            lesson.anonymous = choice == "anonymous"
            lesson.decided_at = lesson.updated_at = self._clock()
            return await self._view(session, actor, lesson)

    async def keep_from_answer(
        self,
        answer_id: int,
        team_id: int,
        sprint_id: int | None,
        author_id: int,
        raw_text: str,
        now: datetime,
    ) -> bool:
        """A check-in's lesson answer is a lesson of the team (until its author chooses to
        share it); a changed answer changes the lesson. True when the change took back the
        author's choice: the consent was given for the old text, so the new text stays in the
        team (and the old one leaves the city log) until the author chooses again."""
        text = raw_text.strip()
        if not text:
            return False
        reopened = False
        async with self._db.unit_of_work() as session:
            lessons = Lessons(session)
            lesson = await lessons.from_answer(answer_id)
            if lesson is None:  # the same suggestion as /lesson
                new = undecided_lesson(team_id, author_id, text, now, sprint_id, answer_id)
                await add_lesson(session, new)
            elif lesson.text != text:  # a changed answer keeps the themes
                lesson.text, lesson.updated_at = text, now
                if lesson.decided_at is not None:
                    # Anonymous stays as it was: a name hidden once is not shown now.
                    lesson.visibility, lesson.decided_at = LessonVisibility.TEAM, None
                    reopened = True
                await index_lesson(session, lesson)
        return reopened

    async def undecided_cards(self, actor: Actor, answer_ids: list[int]) -> list[LessonCard]:
        """Lessons that check-in answers produced and that still wait for their author's
        choice, as cards to decide on."""
        async with self._db.unit_of_work() as session:
            cards = []
            undecided = await Lessons(session).undecided_from_answers(actor.person_id, answer_ids)
            for lesson in undecided:
                card = await self._card(session, actor, lesson)
                # Its themes were pre-selected when the answer came in; while they are still
                # what the bot proposes, the card says so.
                suggestion = await suggested_themes(session, lesson)
                if suggestion and set(suggestion) == set(card.lesson.themes):
                    card = replace(card, suggested=suggestion)
                cards.append(card)
            return cards

    # --- one's own and one's team's lessons ------------------------------------------------------

    async def overview(
        self, actor: Actor, limit: int = 10
    ) -> tuple[list[LessonView], list[LessonView]]:
        """The person's own lessons, and their teams' lessons by others (newest first)."""
        async with self._db.unit_of_work() as session:
            lessons = Lessons(session)
            own = await lessons.by_author(actor.person_id, limit)
            others = await lessons.of_teammates(actor.person_id, limit)
            views = await self._views(session, actor, [*own, *others])
            return views[: len(own)], views[len(own) :]

    async def own_view(self, actor: Actor, lesson_id: int) -> LessonView:
        """One's own lesson (to manage it); anyone else's is refused."""
        async with self._db.unit_of_work() as session:
            return await self._view(session, actor, await self._own(session, actor, lesson_id))

    async def view(self, actor: Actor, lesson_id: int) -> LessonView:
        async with self._db.unit_of_work() as session:
            lesson = await self._visible(session, actor, lesson_id)
            return await self._view(session, actor, lesson)

    async def read(self, actor: Actor, lesson_id: int) -> LessonView:
        """A lesson whole, for a list that showed it shortened: a shared one, or one of the
        reader's team once its author has chosen (an undecided one only for its author)."""
        async with self._db.unit_of_work() as session:
            lesson = await self._visible(session, actor, lesson_id)
            if lesson.author_id != actor.person_id:
                shared = lesson.visibility is LessonVisibility.CITY
                membership = await Memberships(session).get(lesson.team_id, actor.person_id)
                in_team = membership is not None and membership.removed_at is None
                # Reading is not curating: a lesson kept in a team is read in that team only.
                if lesson.decided_at is None or not (shared or in_team):
                    raise ServiceError("lesson.unknown")
            return await self._view(session, actor, lesson)

    async def delete(self, actor: Actor, lesson_id: int) -> None:
        async with self._db.unit_of_work() as session:
            lesson = await self._own(session, actor, lesson_id)
            await Lessons(session).delete(lesson)

    # --- the city log ----------------------------------------------------------------------------

    async def search(self, actor: Actor, raw: str) -> SearchPage:
        if not raw.strip():
            raise ServiceError("search.ask")  # nothing typed (after control characters went)
        parsed = parse_query(check_length(raw.strip(), SEARCH_LIMIT))
        if not (parsed.terms or parsed.themes or parsed.tags or parsed.stadsdeel):
            # Only words like "de" and "niet", or signs: nothing to look for (not everything).
            raise ServiceError("search.no_words", given=" ".join(raw.split())[:40])
        filters: dict[str, Any] = {
            "themes": list(parsed.themes),
            "tags": list(parsed.tags),
            "stadsdeel": parsed.stadsdeel.value if parsed.stadsdeel else None,
            "kind": None,
        }
        async with self._db.unit_of_work() as session:
            saved = await Lessons(session).save_search(
                actor.person_id, parsed.text[:500], filters, self._clock()
            )
            return await self._page(session, actor, saved, 0)

    async def refine(self, actor: Actor, search_id: int, key: str, value: str | None) -> SearchPage:
        """Change one filter of a saved search (None clears it) and show its first page."""
        async with self._db.unit_of_work() as session:
            saved = await self._saved(session, actor, search_id)
            filters = dict(saved.filters)
            if key == "theme":
                filters["themes"] = [value] if value in THEMES else []
            elif key == "stadsdeel" and (value is None or value in set(Stadsdeel)):
                filters["stadsdeel"] = value
            elif key == "kind" and (value is None or value in set(TeamKind)):
                filters["kind"] = value
            else:  # a button from an old message, or a forged one
                raise ServiceError("error.button_expired")
            saved.filters = filters
            return await self._page(session, actor, saved, 0)

    async def check_search(self, actor: Actor, search_id: int) -> None:
        """Refuses unless the saved search is the person's own (before offering its filters)."""
        async with self._db.unit_of_work() as session:
            await self._saved(session, actor, search_id)

    async def page(self, actor: Actor, search_id: int, page: int) -> SearchPage:
        async with self._db.unit_of_work() as session:
            return await self._page(
                session, actor, await self._saved(session, actor, search_id), page
            )

    async def _page(
        self, session: AsyncSession, actor: Actor, saved: SavedSearch, page: int
    ) -> SearchPage:
        parsed = parse_query(saved.query)
        filters = SearchFilters(
            themes=tuple(saved.filters.get("themes") or ()),
            tags=tuple(saved.filters.get("tags") or ()),
            stadsdeel=Stadsdeel(saved.filters["stadsdeel"])
            if saved.filters.get("stadsdeel")
            else None,
            kind=TeamKind(saved.filters["kind"]) if saved.filters.get("kind") else None,
        )
        index = LessonIndex(session)
        page = max(page, 0)
        ids, total = await index.search(parsed.terms, filters, PAGE_SIZE, page * PAGE_SIZE)
        loose = False
        if total == 0 and len(parsed.terms) > 1:
            ids, total = await index.search(
                parsed.terms, filters, PAGE_SIZE, page * PAGE_SIZE, require_all=False
            )
            loose = total > 0
        pages = max(1, -(-total // PAGE_SIZE))
        results = await self._views(session, actor, ids)
        return SearchPage(
            saved.id, saved.query, dict(saved.filters), page, pages, total, results, loose
        )

    async def endorse(self, actor: Actor, lesson_id: int) -> tuple[bool, list[Notice]]:
        """ "Herkenbaar": once. Returns whether this made it endorsed, and who to tell; a second
        tap (the same button pressed twice) changes nothing and tells nobody again."""
        async with self._db.unit_of_work() as session:
            lesson = await self._shared_of_other_team(
                session, actor, lesson_id, Permission.ENDORSE_LESSON
            )
            lessons = Lessons(session)
            if await lessons.endorsement(lesson_id, actor.person_id) is not None:
                return False, []
            team = await self._team_of(session, actor)
            count = await lessons.endorse(
                lesson_id, actor.person_id, team.id if team else None, self._clock()
            )
            notices = await self._tell_team(
                session, lesson, "lesson.notice_endorsed", by_team=team, count=count
            )
            return True, notices

    async def withdraw_endorsement(self, actor: Actor, lesson_id: int) -> bool:
        """Undo one's "herkenbaar" (silently: nobody is told). Whether there was one to undo."""
        async with self._db.unit_of_work() as session:
            lessons = Lessons(session)
            existing = await lessons.endorsement(lesson_id, actor.person_id)
            if existing is None:
                return False
            await lessons.withdraw(existing)
            return True

    async def endorse_on_page(
        self, actor: Actor, search_id: int, page: int, lesson_id: int, *, endorse: bool
    ) -> tuple[bool, list[Notice], SearchPage]:
        """Endorse (or undo) a lesson from a page of one's own search, and that page again.
        Only a lesson on that page can be endorsed: a button that does not fit its page is
        forged or stale, and is refused with nothing stored."""
        async with self._db.unit_of_work() as session:
            # Who may endorse this lesson at all first (the table's kind refusal), then whether
            # the button fits the page it claims to be on.
            await self._shared_of_other_team(session, actor, lesson_id, Permission.ENDORSE_LESSON)
            saved = await self._saved(session, actor, search_id)
            shown = await self._page(session, actor, saved, page)
            if lesson_id not in {view.id for view in shown.results}:
                raise ServiceError("error.button_expired")
        if endorse:
            changed, notices = await self.endorse(actor, lesson_id)
        else:
            changed, notices = await self.withdraw_endorsement(actor, lesson_id), []
        return changed, notices, await self.page(actor, search_id, page)

    async def adopt(self, actor: Actor, lesson_id: int, raw: str) -> list[Notice]:
        line = clean_text(raw, "lesson.adopt_empty")
        async with self._db.unit_of_work() as session:
            lesson = await self._shared_of_other_team(
                session, actor, lesson_id, Permission.ADOPT_LESSON
            )
            team = await self._team_of(session, actor)
            await Lessons(session).adopt(
                lesson_id, actor.person_id, team.id if team else None, line, self._clock()
            )
            return await self._tell_team(
                session, lesson, "lesson.notice_adopted", by_team=team, line=line
            )

    async def check_adoptable(self, actor: Actor, lesson_id: int) -> LessonView:
        async with self._db.unit_of_work() as session:
            lesson = await self._shared_of_other_team(
                session, actor, lesson_id, Permission.ADOPT_LESSON
            )
            return await self._view(session, actor, lesson)

    # --- curation by steunpunt admins ------------------------------------------------------------

    async def hide(self, actor: Actor, lesson_id: int, raw_reason: str) -> list[Notice]:
        authorize_without_team(actor, Permission.CURATE_LESSONS)
        reason = clean_text(raw_reason, "lesson.reason_empty", REASON_LIMIT)
        async with self._db.unit_of_work() as session:
            lesson = await Lessons(session).get(lesson_id)
            if lesson is None:
                raise ServiceError("lesson.unknown")
            lesson.status, lesson.hidden_reason = LessonStatus.HIDDEN, reason
            lesson.updated_at = self._clock()
            author = await People(session).get(lesson.author_id) if lesson.author_id else None
            if author is None:
                return []
            return [
                self._notice(
                    author, "lesson.notice_hidden", lesson=_excerpt(lesson.text), reason=reason
                )
            ]

    async def merge(self, actor: Actor, keep_id: int, duplicate_id: int) -> LessonView:
        """Fold a duplicate into the lesson that stays; endorsements and adoptions move along."""
        authorize_without_team(actor, Permission.CURATE_LESSONS)
        if keep_id == duplicate_id:
            raise ServiceError("lesson.merge_same")
        async with self._db.unit_of_work() as session:
            lessons = Lessons(session)
            keep = await lessons.get(keep_id)
            duplicate = await lessons.get(duplicate_id)
            if keep is None or duplicate is None:
                raise ServiceError("lesson.unknown")
            if keep.status is not LessonStatus.ACTIVE:
                raise ServiceError("lesson.merge_inactive")
            await lessons.move_reactions(duplicate_id, keep_id)
            duplicate.status, duplicate.merged_into_id = LessonStatus.MERGED, keep_id
            duplicate.updated_at = self._clock()
            return await self._view(session, actor, keep)

    # --- helpers ---------------------------------------------------------------------------------

    @staticmethod
    async def _require_member(session: AsyncSession, actor: Actor, team_id: int) -> None:
        team = await Teams(session).get(team_id)
        if team is None:
            raise ServiceError("lesson.not_member")
        await authorize(session, actor, Permission.WRITE_LESSON, team)

    async def _own(self, session: AsyncSession, actor: Actor, lesson_id: int) -> Lesson:
        lesson = await Lessons(session).get(lesson_id)
        if lesson is None:
            raise ServiceError("lesson.unknown")
        authorize_own(actor, Permission.EDIT_LESSON, lesson.author_id)
        return lesson

    async def _visible(self, session: AsyncSession, actor: Actor, lesson_id: int) -> Lesson:
        lesson = await Lessons(session).get(lesson_id)
        if lesson is None:
            raise ServiceError("lesson.unknown")
        if lesson.author_id == actor.person_id or actor.is_admin:
            return lesson
        shared = lesson.visibility is LessonVisibility.CITY and lesson.status is LessonStatus.ACTIVE
        membership = await Memberships(session).get(lesson.team_id, actor.person_id)
        in_team = membership is not None and membership.removed_at is None
        if not (shared or (in_team and lesson.status is LessonStatus.ACTIVE)):
            raise ServiceError("lesson.unknown")
        return lesson

    async def _shared_of_other_team(
        self, session: AsyncSession, actor: Actor, lesson_id: int, action: Permission
    ) -> Lesson:
        lesson = await Lessons(session).get(lesson_id)
        if (
            lesson is None
            or lesson.visibility is not LessonVisibility.CITY
            or lesson.status is not LessonStatus.ACTIVE
        ):
            raise ServiceError("lesson.unknown")
        membership = await Memberships(session).get(lesson.team_id, actor.person_id)
        if membership is not None and membership.removed_at is None:
            raise ServiceError("lesson.own_team")
        team = await Teams(session).get(lesson.team_id)
        assert team is not None
        # Recognition travels between teams; only steunpunt admins speak for the steunpunt.
        await authorize(session, actor, action, team)
        return lesson

    async def _saved(self, session: AsyncSession, actor: Actor, search_id: int) -> SavedSearch:
        saved = await Lessons(session).saved_search(search_id)
        if saved is None:
            raise ServiceError("error.button_expired")
        authorize_own(actor, Permission.BROWSE_SEARCH, saved.person_id)
        return saved

    async def _team_of(self, session: AsyncSession, actor: Actor) -> Team | None:
        teams = await Memberships(session).teams_of(actor.person_id)
        return teams[0][0] if teams else None

    async def _tell_team(
        self,
        session: AsyncSession,
        lesson: Lesson,
        key: str,
        by_team: Team | None,
        **params: object,
    ) -> list[Notice]:
        """The lesson's coordinators (and its author) hear that their lesson travelled."""
        own_team = await Teams(session).get(lesson.team_id)
        return [
            self._notice(
                person,
                key,
                team=by_team.name if by_team else None,
                lesson=_excerpt(lesson.text),
                own_team=own_team.name if own_team else "",
                **params,
            )
            for person in await Lessons(session).coordinators_and_author(lesson)
        ]

    def _notice(self, person: Person, key: str, **params: object) -> Notice:
        return Notice(
            person.telegram_user_id,
            language_for(person.language, None, self._default_language),
            key,
            params,
        )

    async def _view(self, session: AsyncSession, actor: Actor, lesson: Lesson) -> LessonView:
        (view,) = await self._views(session, actor, [lesson.id])
        return view

    async def _views(
        self, session: AsyncSession, actor: Actor, lesson_ids: Sequence[int]
    ) -> list[LessonView]:
        """Views of the lessons as `actor` may see them: two queries whatever their number."""
        views = []
        for facts in await Lessons(session).facts(lesson_ids, actor.person_id):
            lesson = facts.lesson
            is_author = lesson.author_id == actor.person_id
            views.append(
                LessonView(
                    id=lesson.id,
                    text=lesson.text,
                    advice=lesson.advice,
                    team_id=facts.team.id,
                    team_name=facts.team.name,
                    stadsdeel=facts.team.stadsdeel,
                    kind=facts.team.kind,
                    created_at=lesson.created_at,
                    themes=sorted(facts.themes, key=THEMES.index),
                    tags=facts.tags,
                    # Anonymous lessons never carry a name, not even to the view layer.
                    author_name=None if lesson.anonymous else facts.author_name,
                    visibility=lesson.visibility,
                    anonymous=lesson.anonymous,
                    status=lesson.status,
                    decided=lesson.decided_at is not None,
                    endorsements=facts.endorsements,
                    adoptions=facts.adoptions,
                    endorsed_by_me=facts.endorsed_by_viewer,
                    is_author=is_author,
                    in_my_team=facts.viewer_in_team,
                    hidden_reason=lesson.hidden_reason if is_author else None,
                )
            )
        return views


def _excerpt(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

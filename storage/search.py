"""Lesson search: an inverted index of stemmed terms, the same on SQLite and PostgreSQL (one
analyser, `bot.services.textsearch`, so both find the same lessons). Only active lessons shared
with the city are ever found."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, Select, case, delete, desc, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    HousekeepingRun,
    Lesson,
    LessonStatus,
    LessonTag,
    LessonTerm,
    LessonTheme,
    LessonVisibility,
    Stadsdeel,
    Team,
    TeamKind,
)
from storage.repositories import insert_ignoring_conflicts


@dataclass(frozen=True)
class SearchFilters:
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    stadsdeel: Stadsdeel | None = None
    kind: TeamKind | None = None


AnySelect = Select[*tuple[Any, ...]]


# The index remembers which analyser built it: a HousekeepingRun row with this job and the
# analyser's fingerprint (bot.services.textsearch.fingerprint) as its `day`.
INDEX_JOB = "search-index"
REBUILD_LOCK = 0x5354_5350_494E_4458  # pg_advisory_xact_lock key

# How long a count of lessons per term is trusted. A count changes by one when a lesson is
# written, and the score hardly moves with it; this instance moves the counts it remembers of a
# lesson's terms the moment it indexes the lesson, and sees other instances' lessons within
# this time.
# Long, because lessons are written seldom: counting a common term's lessons again costs more
# than the whole rest of a suggestion.
FREQUENCIES_FRESH_SECONDS = 6 * 3600.0
FREQUENCIES_KEPT = 200_000  # terms remembered per database at most
LOOKUP_BATCH = 500
TERM_LENGTH = 64  # lesson_terms.term; longer words are kept cut to this
# Similar-lesson candidates: the lessons with the most weight in common are preselected from
# the term index alone, this many times as many as wanted, before their length is weighed.
PRESELECT = 8


class Frequencies:
    """Remembered document frequencies of one database: scoring a similar lesson needs the
    frequency of every word of every candidate, and counting them in the index each time
    costs more than the rest of the lookup together."""

    def __init__(self) -> None:
        self._total: tuple[int, float] | None = None
        self._terms: dict[str, tuple[int, float]] = {}

    def total(self, now: float) -> int | None:
        if self._total is None or now - self._total[1] > FREQUENCIES_FRESH_SECONDS:
            return None
        return self._total[0]

    def set_total(self, total: int, now: float) -> int:
        self._total = (total, now)
        return total

    def lookup(self, terms: set[str], now: float) -> tuple[dict[str, int], list[str]]:
        """The remembered frequencies of `terms` above 0, and the terms to count."""
        found: dict[str, int] = {}
        missing = []
        for term in sorted(terms):
            known = self._terms.get(term)
            if known is None or now - known[1] > FREQUENCIES_FRESH_SECONDS:
                missing.append(term)
            elif known[0]:
                found[term] = known[0]
        return found, missing

    def store_all(self, total: int, counted: dict[str, int], now: float) -> None:
        """Every term's count at once (as many as are kept)."""
        self._terms.clear()
        self.set_total(total, now)
        kept = islice(counted.items(), FREQUENCIES_KEPT)
        self._terms.update((term, (count, now)) for term, count in kept)

    def store(self, counted: dict[str, int], now: float) -> None:
        if len(self._terms) + len(counted) > FREQUENCIES_KEPT:
            self._terms.clear()
        self._terms.update((term, (count, now)) for term, count in counted.items())

    def shift(self, before: set[str], after: set[str], lessons: int = 0) -> None:
        """A lesson's terms changed from `before` to `after` (and `lessons` were added): keep
        the remembered counts true instead of counting them again. Terms not remembered stay
        unknown; should the change roll back, a count is one off until it is counted again."""
        if self._total is not None:
            self._total = (self._total[0] + lessons, self._total[1])
        for term in before - after:
            self._adjust(term, -1)
        for term in after - before:
            self._adjust(term, +1)

    def _adjust(self, term: str, change: int) -> None:
        known = self._terms.get(term)
        if known is not None:
            self._terms[term] = (max(0, known[0] + change), known[1])


_FREQUENCIES: WeakKeyDictionary[object, Frequencies] = WeakKeyDictionary()


def _frequencies_of(session: AsyncSession) -> Frequencies:
    """The remembered frequencies of the session's database (its engine)."""
    engine = session.bind
    if engine is None:
        return Frequencies()
    if engine not in _FREQUENCIES:
        _FREQUENCIES[engine] = Frequencies()
    return _FREQUENCIES[engine]


def _stored(counts: dict[str, int]) -> set[str]:
    """A text's terms as the index keeps them."""
    return {term[:TERM_LENGTH] for term in counts}


def _shared() -> list[ColumnElement[bool]]:
    return [Lesson.visibility == LessonVisibility.CITY, Lesson.status == LessonStatus.ACTIVE]


class LessonIndex:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def built_with(self, analyser: str) -> bool:
        """Whether the index was (re)built with this analyser (its fingerprint)."""
        found = await self._session.get(HousekeepingRun, (INDEX_JOB, analyser))
        return found is not None

    async def mark_built(self, analyser: str, now: datetime) -> None:
        await self._session.execute(
            insert_ignoring_conflicts(
                self._session, HousekeepingRun, {"job": INDEX_JOB, "day": analyser, "ran_at": now}
            )
        )

    async def lock_for_rebuild(self) -> None:
        """Instances that start together rebuild one after the other (PostgreSQL; SQLite has
        one writer anyway). Held until the transaction ends."""
        if self._session.get_bind().dialect.name == "postgresql":
            await self._session.execute(select(func.pg_advisory_xact_lock(REBUILD_LOCK)))

    async def replace(self, lesson: Lesson, counts: dict[str, int], search_text: str) -> None:
        old = await self._session.execute(
            delete(LessonTerm).where(LessonTerm.lesson_id == lesson.id).returning(LessonTerm.term)
        )
        _frequencies_of(self._session).shift(set(old.scalars()), _stored(counts))
        self.describe(lesson, counts, search_text)
        self._add_terms(lesson.id, counts)
        await self._session.flush()

    @staticmethod
    def describe(lesson: Lesson, counts: dict[str, int], search_text: str) -> None:
        """What the lesson row itself keeps of its index; set before a new lesson is added, so
        it is inserted with them."""
        lesson.term_count = sum(counts.values())
        lesson.search_text = search_text

    async def add(self, lesson: Lesson, counts: dict[str, int]) -> None:
        """The terms of a lesson that was just added, `describe`d (it has none to clear)."""
        _frequencies_of(self._session).shift(set(), _stored(counts), lessons=1)
        self._add_terms(lesson.id, counts)
        await self._session.flush()

    def _add_terms(self, lesson_id: int, counts: dict[str, int]) -> None:
        self._session.add_all(
            LessonTerm(lesson_id=lesson_id, term=term[:TERM_LENGTH], count=count)
            for term, count in counts.items()
        )

    async def frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        """How many lessons there are, and in how many each term occurs (terms in none are
        left out). Counted over all lessons (an index-only count), which ranks shared lessons
        just as well; remembered for a while (see `Frequencies`)."""
        known = _frequencies_of(self._session)
        now = time.monotonic()
        total = known.total(now)
        if total is None:
            counted = await self._session.execute(select(func.count()).select_from(Lesson))
            total = known.set_total(int(counted.scalar_one()), now)
        found, missing = known.lookup(set(terms), now)
        for start in range(0, len(missing), LOOKUP_BATCH):
            batch = missing[start : start + LOOKUP_BATCH]
            rows = await self._session.execute(
                select(LessonTerm.term, func.count())
                .where(LessonTerm.term.in_(batch))
                .group_by(LessonTerm.term)
            )
            counted_terms = {term: int(count) for term, count in rows.all()}
            known.store({term: counted_terms.get(term, 0) for term in batch}, now)
            found |= counted_terms
        return total, found

    async def remember_frequencies(self) -> int:
        """Count every term's lessons at once (one pass over the index, at start-up), so the
        first suggestions need not count them term by term. How many terms there are."""
        now = time.monotonic()
        total = (await self._session.execute(select(func.count()).select_from(Lesson))).scalar()
        rows = await self._session.execute(
            select(LessonTerm.term, func.count()).group_by(LessonTerm.term)
        )
        counted = {term: int(count) for term, count in rows.all()}
        _frequencies_of(self._session).store_all(int(total or 0), counted, now)
        return len(counted)

    async def _idf(self, terms: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency: rare words weigh more."""
        total, frequency = await self.frequencies(terms)
        return {term: _idf(total, frequency.get(term, 0)) for term in terms}

    def _filtered(self, query: AnySelect, filters: SearchFilters) -> AnySelect:
        if filters.stadsdeel is not None:
            query = query.where(Team.stadsdeel == filters.stadsdeel)
        if filters.kind is not None:
            query = query.where(Team.kind == filters.kind)
        for theme in filters.themes:
            query = query.where(
                select(LessonTheme.lesson_id)
                .where(LessonTheme.lesson_id == Lesson.id, LessonTheme.theme == theme)
                .exists()
            )
        for tag in filters.tags:
            query = query.where(
                select(LessonTag.lesson_id)
                .where(LessonTag.lesson_id == Lesson.id, LessonTag.tag == tag)
                .exists()
            )
        return query

    async def candidates(
        self,
        weights: Mapping[str, float],
        exclude_team_id: int | None,
        limit: int,
        skip: int | None = None,
    ) -> dict[int, dict[str, int]]:
        """Shared lessons of other teams that share the most weight with a text's terms (a
        rough first ranking from the term index; the caller scores them exactly), with all
        their indexed terms and counts. `weights`: the terms to look up and what each counts."""
        if not weights:
            return {}
        weight = case(dict(weights), value=LessonTerm.term, else_=0.0)
        # Sum the postings first (the term index drives) and keep the best few, then look
        # only those lessons up: which are shared, by whom, and how long (a long lesson
        # shares more words by chance).
        raw = func.sum(weight).label("raw")
        postings = (
            select(LessonTerm.lesson_id, raw)
            .where(LessonTerm.term.in_(list(weights)))
            .group_by(LessonTerm.lesson_id)
            .order_by(raw.desc(), LessonTerm.lesson_id)
            .limit(limit * PRESELECT)
            .subquery()
        )
        score = postings.c.raw / func.sqrt(Lesson.term_count + 1.0)
        best = (
            select(postings.c.lesson_id)
            .join(Lesson, Lesson.id == postings.c.lesson_id)
            .where(*_shared())
            .order_by(score.desc(), postings.c.lesson_id)
            .limit(limit)
        )
        if exclude_team_id is not None:
            best = best.where(Lesson.team_id != exclude_team_id)
        if skip is not None:
            best = best.where(Lesson.id != skip)
        rows = await self._session.execute(
            select(LessonTerm.lesson_id, LessonTerm.term, LessonTerm.count).where(
                LessonTerm.lesson_id.in_(best.scalar_subquery())
            )
        )
        found: dict[int, dict[str, int]] = {}
        for lesson_id, term, count in rows.all():
            found.setdefault(int(lesson_id), {})[term] = int(count)
        return found

    async def search(
        self,
        terms: Sequence[str],
        filters: SearchFilters,
        limit: int,
        offset: int,
        require_all: bool = True,
    ) -> tuple[list[int], int]:
        """Ranked ids of shared lessons and how many there are in all."""
        if terms:
            query = await self._index_query(terms, require_all)
        else:  # only filters: newest first
            query = select(Lesson.id, literal(0.0).label("score")).join(
                Team, Team.id == Lesson.team_id
            )
        query = self._filtered(query.where(*_shared()), filters)
        # One pass finds, ranks and counts (a window count), rather than matching twice.
        ranked = query.add_columns(func.count().over().label("total")).order_by(
            desc("score"), Lesson.created_at.desc(), Lesson.id.desc()
        )
        rows = (await self._session.execute(ranked.limit(limit).offset(offset))).all()
        if rows:
            return [int(row[0]) for row in rows], int(rows[0][-1])
        if offset == 0:
            return [], 0
        total = (
            await self._session.execute(select(func.count()).select_from(query.subquery()))
        ).scalar_one()
        return [], int(total)

    async def _index_query(self, terms: Sequence[str], require_all: bool) -> AnySelect:
        idf = await self._idf(terms)
        weight = case({t: idf[t] for t in terms}, value=LessonTerm.term, else_=0.0)
        # A saturating term frequency (BM25 in spirit), summed per lesson from the term index.
        postings = (
            select(
                LessonTerm.lesson_id,
                func.sum(weight * LessonTerm.count / (LessonTerm.count + 1.2)).label("raw"),
            )
            .where(LessonTerm.term.in_(terms))
            .group_by(LessonTerm.lesson_id)
        )
        if require_all:
            postings = postings.having(func.count(LessonTerm.term) == len(terms))
        matched = postings.subquery()
        score = matched.c.raw / (1.0 + Lesson.term_count / 60.0)  # lightly length-normalised
        return (
            select(Lesson.id, score.label("score"))
            .join(matched, matched.c.lesson_id == Lesson.id)
            .join(Team, Team.id == Lesson.team_id)
        )

    async def themed_neighbours(
        self, counts: dict[str, int], limit: int, exclude_lesson_id: int | None = None
    ) -> list[tuple[int, float, tuple[str, ...]]]:
        """Active lessons that carry themes, closest to a text (tf-idf cosine, best first),
        with their themes: for suggesting themes. Any visibility and any team, as only the
        theme names leave this query, never a lesson's text."""
        if not counts:
            return []
        total, frequency = await self.frequencies(list(counts))
        idf = {term: _idf(total, frequency.get(term, 0)) for term in counts}
        # Words in most lessons find everything and say nothing (and make the lookup slow).
        found = [t for t in counts if 0 < frequency.get(t, 0) <= max(0.1 * total, 50)]
        terms = sorted(found, key=lambda t: -idf[t] * counts[t])[:16]  # the most telling words
        if not terms:
            return []
        weight = case({t: idf[t] * counts[t] for t in terms}, value=LessonTerm.term, else_=0.0)
        postings = (
            select(LessonTerm.lesson_id, func.sum(LessonTerm.count * weight).label("raw"))
            .where(LessonTerm.term.in_(terms))
            .group_by(LessonTerm.lesson_id)
            .subquery()
        )
        score = postings.c.raw / func.sqrt(Lesson.term_count + 1.0)
        themed = select(LessonTheme.lesson_id).where(LessonTheme.lesson_id == Lesson.id).exists()
        query = (
            select(postings.c.lesson_id, score.label("score"))
            .join(Lesson, Lesson.id == postings.c.lesson_id)
            .where(Lesson.status == LessonStatus.ACTIVE, themed)
            .order_by(desc("score"), Lesson.id)
            .limit(limit)
        )
        if exclude_lesson_id is not None:
            query = query.where(Lesson.id != exclude_lesson_id)
        nearest = query.subquery()
        # Their themes come along in the same statement: a row per lesson and theme.
        rows = await self._session.execute(
            select(nearest.c.lesson_id, nearest.c.score, LessonTheme.theme)
            .join(LessonTheme, LessonTheme.lesson_id == nearest.c.lesson_id)
            .order_by(nearest.c.score.desc(), nearest.c.lesson_id, LessonTheme.theme)
        )
        norm = math.sqrt(sum((idf[t] * c) ** 2 for t, c in counts.items())) or 1.0
        by_lesson: dict[int, tuple[float, list[str]]] = {}
        for lesson_id, raw, theme in rows.all():
            by_lesson.setdefault(int(lesson_id), (float(raw) / norm, []))[1].append(str(theme))
        return [(lesson_id, cos, tuple(names)) for lesson_id, (cos, names) in by_lesson.items()]


def _idf(total: int, frequency: int) -> float:
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))

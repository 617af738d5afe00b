"""Lesson search: an inverted index of stemmed terms, the same on SQLite and PostgreSQL (one
analyser, `bot.services.textsearch`, so both find the same lessons). Only active lessons shared
with the city are ever found."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, delete, desc, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
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


@dataclass(frozen=True)
class SearchFilters:
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    stadsdeel: Stadsdeel | None = None
    kind: TeamKind | None = None


AnySelect = Select[*tuple[Any, ...]]
MAX_SIMILAR_TERMS = 12  # the rarest words of a text decide what it is like
COMMON_SHARE = 0.05  # words in more than this share of lessons are left out of "similar"


def _shared() -> list[ColumnElement[bool]]:
    return [Lesson.visibility == LessonVisibility.CITY, Lesson.status == LessonStatus.ACTIVE]


class LessonIndex:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def replace(self, lesson: Lesson, counts: dict[str, int], search_text: str) -> None:
        await self._session.execute(delete(LessonTerm).where(LessonTerm.lesson_id == lesson.id))
        self._session.add_all(
            LessonTerm(lesson_id=lesson.id, term=term[:64], count=count)
            for term, count in counts.items()
        )
        lesson.term_count = sum(counts.values())
        lesson.search_text = search_text
        await self._session.flush()

    async def _frequencies(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
        """How many lessons there are, and in how many each term occurs. Counted over all
        lessons (an index-only count), which ranks shared lessons just as well."""
        total = (await self._session.execute(select(func.count()).select_from(Lesson))).scalar_one()
        rows = await self._session.execute(
            select(LessonTerm.term, func.count())
            .where(LessonTerm.term.in_(terms))
            .group_by(LessonTerm.term)
        )
        return int(total), {term: int(count) for term, count in rows.all()}

    async def _idf(self, terms: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency: rare words weigh more."""
        total, frequency = await self._frequencies(terms)
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

    async def similar(
        self, counts: dict[str, int], exclude_team_id: int | None, limit: int
    ) -> list[tuple[int, float]]:
        """Shared lessons of other teams closest to a text (tf-idf cosine), best first.

        Only the text's most telling words are looked up: words found in a large share of all
        lessons say little about which lesson is alike, and make the lookup slow."""
        if not counts:
            return []
        total, frequency = await self._frequencies(list(counts))
        idf = {term: _idf(total, frequency.get(term, 0)) for term in counts}
        telling = [t for t in counts if 0 < frequency.get(t, 0) <= max(COMMON_SHARE * total, 50)]
        terms = sorted(telling, key=lambda t: -idf[t] * counts[t])[:MAX_SIMILAR_TERMS]
        if not terms:
            return []
        weight = case({t: idf[t] * counts[t] for t in terms}, value=LessonTerm.term, else_=0.0)
        # Sum the postings first (the term index drives), then look the few lessons up.
        postings = (
            select(LessonTerm.lesson_id, func.sum(LessonTerm.count * weight).label("raw"))
            .where(LessonTerm.term.in_(terms))
            .group_by(LessonTerm.lesson_id)
            .subquery()
        )
        score = postings.c.raw / func.sqrt(Lesson.term_count + 1.0)
        query = (
            select(postings.c.lesson_id, score.label("score"))
            .join(Lesson, Lesson.id == postings.c.lesson_id)
            .where(*_shared())
            .order_by(desc("score"))
            .limit(limit)
        )
        if exclude_team_id is not None:
            query = query.where(Lesson.team_id != exclude_team_id)
        # Normalised by the whole text, so a text that shares one rare word scores low.
        norm = math.sqrt(sum((idf[t] * c) ** 2 for t, c in counts.items())) or 1.0
        return [(int(i), float(s) / norm) for i, s in (await self._session.execute(query)).all()]

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
        total, frequency = await self._frequencies(list(counts))
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
        norm = math.sqrt(sum((idf[t] * c) ** 2 for t, c in counts.items())) or 1.0
        scored = [(int(i), float(s) / norm) for i, s in (await self._session.execute(query)).all()]
        if not scored:
            return []
        themes: dict[int, list[str]] = {lesson_id: [] for lesson_id, _ in scored}
        rows = await self._session.execute(
            select(LessonTheme.lesson_id, LessonTheme.theme)
            .where(LessonTheme.lesson_id.in_(list(themes)))
            .order_by(LessonTheme.lesson_id, LessonTheme.theme)
        )
        for lesson_id, theme in rows.all():
            themes[int(lesson_id)].append(str(theme))
        return [(lesson_id, s, tuple(themes[lesson_id])) for lesson_id, s in scored]


def _idf(total: int, frequency: int) -> float:
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))

"""Lesson search: an inverted index of stemmed terms (portable), and PostgreSQL's own Dutch
full-text search where it runs. Only active lessons shared with the city are ever found."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
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

    async def _idf(self, terms: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency over shared lessons: rare words weigh more."""
        total = (
            await self._session.execute(select(func.count(Lesson.id)).where(*_shared()))
        ).scalar_one()
        rows = await self._session.execute(
            select(LessonTerm.term, func.count(LessonTerm.lesson_id))
            .join(Lesson, Lesson.id == LessonTerm.lesson_id)
            .where(LessonTerm.term.in_(terms), *_shared())
            .group_by(LessonTerm.term)
        )
        frequency = {term: int(count) for term, count in rows.all()}
        return {
            term: math.log(
                1 + (total - frequency.get(term, 0) + 0.5) / (frequency.get(term, 0) + 0.5)
            )
            for term in terms
        }

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
        """Shared lessons of other teams closest to a text (tf-idf cosine), best first."""
        terms = list(counts)
        if not terms:
            return []
        idf = await self._idf(terms)
        weight = case({t: idf[t] * counts[t] for t in terms}, value=LessonTerm.term, else_=0.0)
        score = func.sum(LessonTerm.count * weight) / func.sqrt(Lesson.term_count + 1.0)
        query = (
            select(LessonTerm.lesson_id, score.label("score"))
            .join(Lesson, Lesson.id == LessonTerm.lesson_id)
            .where(LessonTerm.term.in_(terms), *_shared())
            .group_by(LessonTerm.lesson_id, Lesson.term_count)
            .order_by(desc("score"))
            .limit(limit)
        )
        if exclude_team_id is not None:
            query = query.where(Lesson.team_id != exclude_team_id)
        norm = math.sqrt(sum((idf[t] * c) ** 2 for t, c in counts.items())) or 1.0
        return [(int(i), float(s) / norm) for i, s in (await self._session.execute(query)).all()]

    async def search(
        self,
        dialect: str,
        text: str,
        terms: Sequence[str],
        filters: SearchFilters,
        limit: int,
        offset: int,
        require_all: bool = True,
    ) -> tuple[list[int], int]:
        """Ranked ids of shared lessons and how many there are in all."""
        if dialect == "postgresql" and terms:
            query = self._postgres_query(text, terms, require_all)
        elif terms:
            query = await self._index_query(terms, require_all)
        else:  # only filters: newest first
            query = select(Lesson.id, literal(0.0).label("score")).join(
                Team, Team.id == Lesson.team_id
            )
        query = self._filtered(query.where(*_shared()), filters)
        total = (
            await self._session.execute(select(func.count()).select_from(query.subquery()))
        ).scalar_one()
        ranked = query.order_by(desc("score"), Lesson.created_at.desc(), Lesson.id.desc())
        rows = await self._session.execute(ranked.limit(limit).offset(offset))
        return [int(row[0]) for row in rows.all()], int(total)

    async def _index_query(self, terms: Sequence[str], require_all: bool) -> AnySelect:
        idf = await self._idf(terms)
        weight = case({t: idf[t] for t in terms}, value=LessonTerm.term, else_=0.0)
        # A saturating term frequency, lightly normalised by length (BM25 in spirit).
        score = func.sum(weight * LessonTerm.count / (LessonTerm.count + 1.2)) / (
            1.0 + Lesson.term_count / 60.0
        )
        query = (
            select(Lesson.id, score.label("score"))
            .join(LessonTerm, LessonTerm.lesson_id == Lesson.id)
            .join(Team, Team.id == Lesson.team_id)
            .where(LessonTerm.term.in_(terms))
            .group_by(Lesson.id, Lesson.term_count, Lesson.created_at)
        )
        if require_all:
            query = query.having(func.count(LessonTerm.term) == len(terms))
        return query

    def _postgres_query(self, text: str, terms: Sequence[str], require_all: bool) -> AnySelect:
        vector = func.to_tsvector("dutch", Lesson.search_text)
        if require_all:
            tsquery = func.plainto_tsquery("dutch", text)
        else:
            tsquery = func.websearch_to_tsquery("dutch", " or ".join(_plain_words(text)))
        return (
            select(Lesson.id, func.ts_rank_cd(vector, tsquery).label("score"))
            .join(Team, Team.id == Lesson.team_id)
            .where(vector.op("@@")(tsquery))
        )


def _plain_words(text: str) -> Iterable[str]:
    return ("".join(ch for ch in word if ch.isalnum()) for word in text.split())

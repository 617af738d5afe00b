"""The queries of the static web edition (`steunpunt publish`): every lesson shared with the city
log, with what its page shows, in a fixed number of queries whatever the number of lessons
(aggregates in SQL). Only what the public site may show is selected: no person is ever read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Adoption,
    Endorsement,
    Lesson,
    LessonStatus,
    LessonTag,
    LessonTerm,
    LessonTheme,
    LessonVisibility,
    Sprint,
    Stadsdeel,
    Team,
    TeamKind,
)


def shared_lesson_ids() -> Select[Any]:
    """The lessons the public site shows: shared with the city log by an explicit choice of
    their author, and still active (never hidden, never merged, never team-only, never
    undecided)."""
    return select(Lesson.id).where(
        Lesson.visibility == LessonVisibility.CITY,
        Lesson.status == LessonStatus.ACTIVE,
        Lesson.decided_at.is_not(None),
    )


@dataclass(frozen=True)
class PublishedLessonRow:
    id: int
    text: str
    advice: str | None
    anonymous: bool
    shared_at: datetime  # when the author chose to share it
    team_id: int
    team_name: str
    kind: TeamKind
    stadsdeel: Stadsdeel
    sprint_goal: str | None


@dataclass(frozen=True)
class EndorsementCounts:
    total: int  # every "herkenbaar"
    recent: int  # those since the given moment
    teams: int  # distinct teams of the people who found it herkenbaar


@dataclass(frozen=True)
class AdoptionRow:
    lesson_id: int
    text: str
    created_at: datetime
    team_id: int | None
    team_name: str | None
    kind: TeamKind | None
    stadsdeel: Stadsdeel | None


@dataclass(frozen=True)
class SharedLog:
    lessons: list[PublishedLessonRow]
    themes: dict[int, list[str]]
    tags: dict[int, list[str]]
    endorsements: dict[int, EndorsementCounts]
    adoptions: dict[int, list[AdoptionRow]]
    terms: dict[int, list[str]]  # the search index's terms (table lesson_terms) per lesson


class Publication:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def shared_log(self, recent_since: datetime) -> SharedLog:
        """Everything the site shows, in six queries."""
        shared = shared_lesson_ids().subquery()
        rows = await self._session.execute(
            select(
                Lesson.id,
                Lesson.text,
                Lesson.advice,
                Lesson.anonymous,
                Lesson.decided_at,
                Team.id,
                Team.name,
                Team.kind,
                Team.stadsdeel,
                Sprint.goal,
                Lesson.created_at,
            )
            .join(Team, Team.id == Lesson.team_id)
            .outerjoin(Sprint, Sprint.id == Lesson.sprint_id)
            .where(Lesson.id.in_(select(shared.c.id)))
            .order_by(Lesson.id)
        )
        lessons = [
            PublishedLessonRow(
                id=row[0],
                text=row[1],
                advice=row[2],
                anonymous=row[3],
                shared_at=row[4] or row[10],
                team_id=row[5],
                team_name=row[6],
                kind=row[7],
                stadsdeel=row[8],
                sprint_goal=row[9],
            )
            for row in rows
        ]

        themes: dict[int, list[str]] = {}
        for lesson_id, theme in await self._session.execute(
            select(LessonTheme.lesson_id, LessonTheme.theme)
            .where(LessonTheme.lesson_id.in_(select(shared.c.id)))
            .order_by(LessonTheme.lesson_id, LessonTheme.theme)
        ):
            themes.setdefault(lesson_id, []).append(theme)

        tags: dict[int, list[str]] = {}
        for lesson_id, tag in await self._session.execute(
            select(LessonTag.lesson_id, LessonTag.tag)
            .where(LessonTag.lesson_id.in_(select(shared.c.id)))
            .order_by(LessonTag.lesson_id, LessonTag.tag)
        ):
            tags.setdefault(lesson_id, []).append(tag)

        recent = func.sum(case((Endorsement.created_at >= recent_since, 1), else_=0))
        endorsements = {
            lesson_id: EndorsementCounts(int(total), int(recent_count or 0), int(teams))
            for lesson_id, total, recent_count, teams in await self._session.execute(
                select(
                    Endorsement.lesson_id,
                    func.count(),
                    recent,
                    func.count(distinct(Endorsement.team_id)),
                )
                .where(Endorsement.lesson_id.in_(select(shared.c.id)))
                .group_by(Endorsement.lesson_id)
            )
        }

        adoptions: dict[int, list[AdoptionRow]] = {}
        for row in await self._session.execute(
            select(
                Adoption.lesson_id,
                Adoption.text,
                Adoption.created_at,
                Team.id,
                Team.name,
                Team.kind,
                Team.stadsdeel,
            )
            .outerjoin(Team, Team.id == Adoption.team_id)
            .where(Adoption.lesson_id.in_(select(shared.c.id)))
            .order_by(Adoption.lesson_id, Adoption.created_at, Adoption.id)
        ):
            adoptions.setdefault(row[0], []).append(AdoptionRow(*row))

        terms: dict[int, list[str]] = {}
        for lesson_id, term in await self._session.execute(
            select(LessonTerm.lesson_id, LessonTerm.term)
            .where(LessonTerm.lesson_id.in_(select(shared.c.id)))
            .order_by(LessonTerm.lesson_id, LessonTerm.term)
        ):
            terms.setdefault(lesson_id, []).append(term)

        return SharedLog(lessons, themes, tags, endorsements, adoptions, terms)

    async def fingerprint(self) -> tuple[object, ...]:
        """Changes whenever the shared log changes in a way the site shows: a lesson shared,
        changed, hidden or merged, a theme set, an endorsement or adoption added or taken back.
        Cheap: counts and newest moments, four queries."""
        shared = select(shared_lesson_ids().subquery().c.id)

        async def count_and_newest(moment: Any, lesson_id: Any) -> tuple[object, ...]:
            found = await self._session.execute(
                select(func.count(), func.max(moment)).where(lesson_id.in_(shared))
            )
            return tuple(found.one())

        themes = (
            await self._session.execute(
                select(func.count()).where(LessonTheme.lesson_id.in_(shared))
            )
        ).scalar_one()
        return (
            *await count_and_newest(Lesson.updated_at, Lesson.id),
            *await count_and_newest(Endorsement.created_at, Endorsement.lesson_id),
            *await count_and_newest(Adoption.created_at, Adoption.lesson_id),
            themes,
        )

"""The lessons repository: every query of the lessons domain except search (see `search.py`).
Views of many lessons are built with a fixed number of queries, whatever their number."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    bindparam,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Adoption,
    Endorsement,
    Lesson,
    LessonStatus,
    LessonTag,
    LessonTheme,
    Membership,
    Person,
    Role,
    SavedSearch,
    Team,
)


@dataclass(frozen=True)
class LessonFacts:
    """A lesson with everything a card or a search result shows, as seen by one person."""

    lesson: Lesson
    team: Team
    author_name: str | None  # the author's name even when anonymous: the service decides
    themes: list[str]
    tags: list[str]
    endorsements: int
    adoptions: int
    endorsed_by_viewer: bool
    viewer_in_team: bool


class Lessons:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, lesson_id: int) -> Lesson | None:
        return await self._session.get(Lesson, lesson_id)

    async def add(self, lesson: Lesson) -> Lesson:
        self._session.add(lesson)
        await self._session.flush()
        return lesson

    async def delete(self, lesson: Lesson) -> None:
        await self._session.delete(lesson)

    async def batch_after(self, after_id: int, limit: int) -> list[Lesson]:
        """Lessons by id, the next `limit` after `after_id` (to walk them all in batches)."""
        result = await self._session.execute(
            select(Lesson).where(Lesson.id > after_id).order_by(Lesson.id).limit(limit)
        )
        return list(result.scalars())

    async def from_answer(self, answer_id: int) -> Lesson | None:
        result = await self._session.execute(
            select(Lesson).where(Lesson.source_answer_id == answer_id)
        )
        return result.scalar_one_or_none()

    async def undecided_from_answers(self, author_id: int, answer_ids: list[int]) -> list[Lesson]:
        """Lessons that check-in answers produced and their author has not shared or kept."""
        if not answer_ids:
            return []
        result = await self._session.execute(
            select(Lesson)
            .where(
                Lesson.source_answer_id.in_(answer_ids),
                Lesson.author_id == author_id,
                Lesson.decided_at.is_(None),
            )
            .order_by(Lesson.id)
        )
        return list(result.scalars())

    async def by_author(self, author_id: int, limit: int) -> list[int]:
        result = await self._session.execute(
            select(Lesson.id)
            .where(Lesson.author_id == author_id, Lesson.status != LessonStatus.MERGED)
            .order_by(Lesson.created_at.desc(), Lesson.id.desc())
            .limit(limit)
        )
        return list(result.scalars())

    async def of_teammates(self, person_id: int, limit: int) -> list[int]:
        """Decided, active lessons of the person's teams written by others, newest first."""
        teams = select(Membership.team_id).where(
            Membership.person_id == person_id, Membership.removed_at.is_(None)
        )
        result = await self._session.execute(
            select(Lesson.id)
            .where(
                Lesson.team_id.in_(teams),
                Lesson.author_id.is_distinct_from(person_id),
                Lesson.status == LessonStatus.ACTIVE,
                Lesson.decided_at.is_not(None),
            )
            .order_by(Lesson.created_at.desc(), Lesson.id.desc())
            .limit(limit)
        )
        return list(result.scalars())

    async def facts(self, lesson_ids: Sequence[int], viewer_id: int) -> list[LessonFacts]:
        """The lessons with their team, author, counts, themes and tags, in the order given:
        two queries however many lessons there are."""
        if not lesson_ids:
            return []
        params = {"lesson_ids": list(lesson_ids), "viewer_id": viewer_id}
        rows = await self._session.execute(_facts_query(), params)
        labels: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in lesson_ids}
        for lesson_id, label, is_theme in await self._session.execute(_labels_query(), params):
            labels[int(lesson_id)][0 if is_theme else 1].append(str(label))
        found = {
            lesson.id: LessonFacts(
                lesson=lesson,
                team=team,
                author_name=author_name,
                themes=labels[lesson.id][0],
                tags=sorted(labels[lesson.id][1]),
                endorsements=int(endorsement_count),
                adoptions=int(adoption_count),
                endorsed_by_viewer=bool(is_endorsed),
                viewer_in_team=bool(is_in_team),
            )
            for (
                lesson,
                team,
                author_name,
                endorsement_count,
                adoption_count,
                is_endorsed,
                is_in_team,
            ) in rows
        }
        return [found[i] for i in lesson_ids if i in found]

    # --- themes and tags -----------------------------------------------------------------------

    async def toggle_theme(self, lesson_id: int, theme: str) -> None:
        existing = await self._session.get(LessonTheme, (lesson_id, theme))
        if existing is None:
            self._session.add(LessonTheme(lesson_id=lesson_id, theme=theme))
        else:
            await self._session.delete(existing)

    async def set_theme(self, lesson_id: int, theme: str, *, on: bool) -> None:
        existing = await self._session.get(LessonTheme, (lesson_id, theme))
        if on and existing is None:
            self._session.add(LessonTheme(lesson_id=lesson_id, theme=theme))
            await self._session.flush()
        elif not on and existing is not None:
            await self._session.delete(existing)
            await self._session.flush()

    def add_themes(self, lesson_id: int, themes: Iterable[str]) -> None:
        """Themes for a lesson that has none yet (written with the next flush)."""
        self._session.add_all(LessonTheme(lesson_id=lesson_id, theme=theme) for theme in themes)

    async def replace_tags(self, lesson_id: int, tags: Iterable[str]) -> None:
        await self._session.execute(delete(LessonTag).where(LessonTag.lesson_id == lesson_id))
        self.add_tags(lesson_id, tags)

    def add_tags(self, lesson_id: int, tags: Iterable[str]) -> None:
        """Tags for a lesson that has none yet (written with the next flush)."""
        self._session.add_all(LessonTag(lesson_id=lesson_id, tag=tag[:64]) for tag in tags)

    # --- endorsements and adoptions ------------------------------------------------------------

    async def endorsement(self, lesson_id: int, person_id: int) -> Endorsement | None:
        return await self._session.get(Endorsement, (lesson_id, person_id))

    async def endorse(
        self, lesson_id: int, person_id: int, team_id: int | None, now: datetime
    ) -> int:
        """Add an endorsement; the lesson's endorsement count after it."""
        self._session.add(
            Endorsement(lesson_id=lesson_id, person_id=person_id, team_id=team_id, created_at=now)
        )
        await self._session.flush()
        result = await self._session.execute(
            select(func.count()).select_from(Endorsement).where(Endorsement.lesson_id == lesson_id)
        )
        return int(result.scalar_one())

    async def withdraw(self, endorsement: Endorsement) -> None:
        await self._session.delete(endorsement)

    async def adopt(
        self, lesson_id: int, person_id: int, team_id: int | None, text: str, now: datetime
    ) -> None:
        self._session.add(
            Adoption(
                lesson_id=lesson_id,
                person_id=person_id,
                team_id=team_id,
                text=text,
                created_at=now,
            )
        )

    async def move_reactions(self, from_id: int, to_id: int) -> None:
        """Endorsements and adoptions of a duplicate move to the lesson that stays; a person
        who endorsed both counts once."""
        kept = set(
            (
                await self._session.execute(
                    select(Endorsement.person_id).where(Endorsement.lesson_id == to_id)
                )
            ).scalars()
        )
        moving = await self._session.execute(
            select(Endorsement).where(Endorsement.lesson_id == from_id)
        )
        for endorsement in list(moving.scalars()):
            if endorsement.person_id not in kept:
                self._session.add(
                    Endorsement(
                        lesson_id=to_id,
                        person_id=endorsement.person_id,
                        team_id=endorsement.team_id,
                        created_at=endorsement.created_at,
                    )
                )
            await self._session.delete(endorsement)
        adoptions = await self._session.execute(
            select(Adoption).where(Adoption.lesson_id == from_id)
        )
        for adoption in adoptions.scalars():
            adoption.lesson_id = to_id
        await self._session.flush()

    # --- who hears about a lesson --------------------------------------------------------------

    async def coordinators_and_author(self, lesson: Lesson) -> list[Person]:
        """The lesson team's coordinators and the lesson's author, each once."""
        coordinators = select(Membership.person_id).where(
            Membership.team_id == lesson.team_id,
            Membership.role == Role.COORDINATOR,
            Membership.removed_at.is_(None),
        )
        condition: ColumnElement[bool] = Person.id.in_(coordinators)
        if lesson.author_id is not None:
            condition = or_(condition, Person.id == lesson.author_id)
        result = await self._session.execute(select(Person).where(condition).order_by(Person.id))
        return list(result.scalars())

    # --- saved searches ------------------------------------------------------------------------

    async def save_search(
        self, person_id: int, query: str, filters: dict[str, Any], now: datetime
    ) -> SavedSearch:
        saved = SavedSearch(person_id=person_id, query=query, filters=filters, created_at=now)
        self._session.add(saved)
        await self._session.flush()
        return saved

    async def saved_search(self, search_id: int) -> SavedSearch | None:
        return await self._session.get(SavedSearch, search_id)


# Built once: constructing these statements costs more than running them (for a page of five).
@cache
def _facts_query() -> Select[Lesson, Team, str | None, int, int, bool, bool]:
    viewer_id = bindparam("viewer_id", type_=Integer)
    endorsements = (
        select(func.count())
        .where(Endorsement.lesson_id == Lesson.id)
        .correlate(Lesson)
        .scalar_subquery()
    )
    adoptions = (
        select(func.count())
        .where(Adoption.lesson_id == Lesson.id)
        .correlate(Lesson)
        .scalar_subquery()
    )
    endorsed = exists().where(
        Endorsement.lesson_id == Lesson.id, Endorsement.person_id == viewer_id
    )
    in_team = exists().where(
        Membership.team_id == Lesson.team_id,
        Membership.person_id == viewer_id,
        Membership.removed_at.is_(None),
    )
    return (
        select(Lesson, Team, Person.display_name, endorsements, adoptions, endorsed, in_team)
        .join(Team, Team.id == Lesson.team_id)
        .outerjoin(Person, Person.id == Lesson.author_id)
        .where(Lesson.id.in_(bindparam("lesson_ids", type_=Integer, expanding=True)))
    )


@cache
def _labels_query() -> CompoundSelect[int, str, bool]:
    """Themes (flag true) and tags (flag false) of the lessons, in one query."""
    ids = bindparam("lesson_ids", type_=Integer, expanding=True)
    themes = select(
        LessonTheme.lesson_id, LessonTheme.theme.label("label"), literal(True).label("theme")
    ).where(LessonTheme.lesson_id.in_(ids))
    tags = select(
        LessonTag.lesson_id, LessonTag.tag.label("label"), literal(False).label("theme")
    ).where(LessonTag.lesson_id.in_(ids))
    return union_all(themes, tags)

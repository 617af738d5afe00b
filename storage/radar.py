"""What the blocker radar reads: the typed answers to the blocker questions of check-ins in a
period (with the team and whether the team marked them *opgelost*), and the lessons it points
to. Which questions are blocker questions is the service's business (`BLOCKERS`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    BlockerResolution,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    Lesson,
    LessonStatus,
    LessonVisibility,
    Stadsdeel,
    Team,
    TeamKind,
)
from storage.summaries import answers_to_steps


@dataclass(frozen=True)
class RunQuestions:
    run_id: int
    team_id: int
    questions: dict[str, Any]


@dataclass(frozen=True)
class BlockerRow:
    answer_id: int
    team_id: int
    person_id: int
    text: str
    answered_at: datetime
    resolved_how: str | None
    resolution_lesson_id: int | None


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    kind: TeamKind
    stadsdeel: Stadsdeel


@dataclass(frozen=True)
class SharedLessonRow:
    id: int
    text: str
    team_name: str
    stadsdeel: Stadsdeel
    anonymous: bool


class RadarQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def runs(
        self, start: datetime, end: datetime, team_ids: Sequence[int] | None = None
    ) -> list[RunQuestions]:
        """Check-ins opened in [start, end) whose answers are still kept (of these teams)."""
        query = select(CheckinRun.id, CheckinRun.team_id, CheckinRun.questions).where(
            CheckinRun.opened_at >= start,
            CheckinRun.opened_at < end,
            CheckinRun.answers_deleted_at.is_(None),
        )
        if team_ids is not None:
            query = query.where(CheckinRun.team_id.in_(team_ids))
        rows = await self._session.execute(query.order_by(CheckinRun.id))
        return [RunQuestions(int(i), int(team), dict(q)) for i, team, q in rows.all()]

    async def blockers(self, keys_by_run: dict[int, frozenset[str]]) -> list[BlockerRow]:
        """Typed answers to the given step keys of the given runs, oldest first."""
        wanted = answers_to_steps(keys_by_run)
        if wanted is None:
            return []
        result = await self._session.execute(
            select(
                CheckinAnswer.id,
                CheckinRun.team_id,
                CheckinPrompt.person_id,
                CheckinAnswer.text,
                CheckinAnswer.answered_at,
                BlockerResolution.how,
                BlockerResolution.lesson_id,
            )
            .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
            .join(CheckinRun, CheckinRun.id == CheckinPrompt.run_id)
            .outerjoin(BlockerResolution, BlockerResolution.answer_id == CheckinAnswer.id)
            .where(
                wanted,
                CheckinAnswer.skipped.is_(False),
                CheckinAnswer.text.is_not(None),
                CheckinAnswer.text != "",
            )
            .order_by(CheckinAnswer.answered_at, CheckinAnswer.id)
        )
        return [
            BlockerRow(int(i), int(team), int(person), text or "", at, how, lesson)
            for i, team, person, text, at, how, lesson in result.all()
        ]

    async def teams(self, ids: Iterable[int]) -> dict[int, TeamRow]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(Team.id, Team.name, Team.kind, Team.stadsdeel).where(Team.id.in_(wanted))
        )
        return {int(i): TeamRow(int(i), name, kind, part) for i, name, kind, part in rows.all()}

    async def shared_lessons(self, ids: Sequence[int]) -> dict[int, SharedLessonRow]:
        """Lessons by id that are shared with the city and shown (never team-only ones)."""
        if not ids:
            return {}
        rows = await self._session.execute(
            select(Lesson.id, Lesson.text, Team.name, Team.stadsdeel, Lesson.anonymous)
            .join(Team, Team.id == Lesson.team_id)
            .where(
                Lesson.id.in_(list(ids)),
                Lesson.visibility == LessonVisibility.CITY,
                Lesson.status == LessonStatus.ACTIVE,
            )
        )
        return {
            int(i): SharedLessonRow(int(i), text, team, part, bool(anonymous))
            for i, text, team, part, anonymous in rows.all()
        }

    async def answer_in_run(
        self, answer_id: int
    ) -> tuple[CheckinAnswer, CheckinPrompt, CheckinRun] | None:
        """An answer with its prompt (whose person wrote it) and its run (its questions)."""
        row = (
            await self._session.execute(
                select(CheckinAnswer, CheckinPrompt, CheckinRun)
                .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
                .join(CheckinRun, CheckinRun.id == CheckinPrompt.run_id)
                .where(CheckinAnswer.id == answer_id)
            )
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    async def resolution(self, answer_id: int) -> BlockerResolution | None:
        return await self._session.get(BlockerResolution, answer_id)

    async def add_resolution(self, resolution: BlockerResolution) -> None:
        self._session.add(resolution)
        await self._session.flush()

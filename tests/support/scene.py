"""Rows written straight into the database at known moments, for tests that need a history
(summaries, exports) faster than playing it through the bot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count

from bot.services.common import Actor
from bot.services.templates import TEMPLATES, questions_as_json
from storage.models import (
    Action,
    ActionStatus,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    Endorsement,
    Lesson,
    LessonTheme,
    LessonVisibility,
    PromptStatus,
    RunKind,
    RunStatus,
    Team,
)
from storage.models import Adoption as AdoptionRow
from tests.support.services import PlainServices


@dataclass
class Scene:
    """Rows written straight into the database at known moments."""

    services: PlainServices
    ids: count[int] = field(default_factory=lambda: count(1))

    async def run(
        self,
        team: Team,
        when: datetime,
        prompts: list[tuple[Actor, PromptStatus, int | None, dict[int, str]]],
        *,
        status: RunStatus = RunStatus.CLOSED,
        kept: tuple[int, int, int, int] | None = None,
        sprint_id: int | None = None,
    ) -> int:
        """A default-template run at `when`; per person: prompt status, mood (None: none given)
        and typed answers by question index. `kept`: the figures of a run whose answers were
        deleted after the retention period."""
        async with self.services.together() as session:
            run = CheckinRun(
                team_id=team.id,
                sprint_id=sprint_id,
                kind=RunKind.MANUAL,
                slot_key=f"test:{next(self.ids)}",
                status=status,
                scheduled_for=when,
                opened_at=when,
                closes_at=when + timedelta(days=1),
                closed_at=None if status is RunStatus.OPEN else when + timedelta(days=1),
                questions=questions_as_json(TEMPLATES["default"]),
                reminder_after_minutes=0,
                share_answers_in_group=False,
            )
            if kept is not None:
                run.answers_deleted_at = when + timedelta(days=700)
                run.prompted_count, run.answered_count, run.mood_count, run.mood_total = kept
            session.add(run)
            await session.flush()
            for person, prompt_status, mood, answers in prompts:
                given = (mood is not None) + len(answers)
                prompt = CheckinPrompt(
                    run_id=run.id,
                    person_id=person.person_id,
                    status=prompt_status,
                    due_at=when,
                    steps={"steps": []},
                    step=given,
                    asked_step=given,
                    attempts=0,
                )
                session.add(prompt)
                await session.flush()
                if mood is not None:
                    session.add(self._answer(prompt.id, "mood", None, mood, when))
                for index, text in answers.items():
                    session.add(self._answer(prompt.id, f"q:{index}", text, None, when))
            return run.id

    @staticmethod
    def _answer(
        prompt_id: int, key: str, text: str | None, mood: int | None, when: datetime
    ) -> CheckinAnswer:
        return CheckinAnswer(
            prompt_id=prompt_id,
            step_key=key,
            text=text,
            mood=mood,
            skipped=False,
            answered_at=when + timedelta(minutes=len(text or "")),
            updated_at=when,
        )

    async def action(
        self,
        team: Team,
        owner: Actor,
        text: str,
        created: datetime,
        status: ActionStatus = ActionStatus.OPEN,
        reviewed: datetime | None = None,
    ) -> None:
        async with self.services.together() as session:
            session.add(
                Action(
                    team_id=team.id,
                    owner_id=owner.person_id,
                    text=text,
                    status=status,
                    created_at=created,
                    reviewed_at=reviewed,
                )
            )

    async def lesson(
        self,
        team: Team,
        author: Actor,
        text: str,
        when: datetime,
        themes: tuple[str, ...] = (),
        visibility: LessonVisibility = LessonVisibility.TEAM,
        decided: bool = True,
    ) -> int:
        async with self.services.together() as session:
            lesson = Lesson(
                team_id=team.id,
                author_id=author.person_id,
                text=text,
                visibility=visibility,
                decided_at=when if decided else None,
                created_at=when,
                updated_at=when,
            )
            session.add(lesson)
            await session.flush()
            for theme in themes:
                session.add(LessonTheme(lesson_id=lesson.id, theme=theme))
            return lesson.id

    async def endorse(self, lesson_id: int, person: Actor, team: Team, when: datetime) -> None:
        async with self.services.together() as session:
            session.add(
                Endorsement(
                    lesson_id=lesson_id,
                    person_id=person.person_id,
                    team_id=team.id,
                    created_at=when,
                )
            )

    async def adopt(
        self, lesson_id: int, person: Actor, team: Team, text: str, when: datetime
    ) -> None:
        async with self.services.together() as session:
            session.add(
                AdoptionRow(
                    lesson_id=lesson_id,
                    person_id=person.person_id,
                    team_id=team.id,
                    text=text,
                    created_at=when,
                )
            )

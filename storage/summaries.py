"""The SQL behind summaries: figures are counted and summed in the database, per check-in run
or per lesson; only short lists (quotes, open actions, a week's lessons) come back as rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    Action,
    ActionStatus,
    Adoption,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    CheckinSchedule,
    Endorsement,
    Lesson,
    LessonStatus,
    LessonTheme,
    LessonVisibility,
    Person,
    PromptStatus,
    RunStatus,
    Sprint,
    Stadsdeel,
    Team,
    TeamKind,
)

# Runs that asked people something: missed and skipped slots asked nobody.
_ASKED = (RunStatus.OPEN, RunStatus.CLOSED)
# Participation, as a run's close counts it: the check-in reached the person (away and
# unreachable people are not counted), and they answered at least one step of it.
TOOK_PART = CheckinPrompt.status.in_([PromptStatus.ACTIVE, PromptStatus.DONE])
ANSWERED = (CheckinPrompt.status == PromptStatus.DONE) | (CheckinPrompt.step > 0)


@dataclass(frozen=True)
class RunFigures:
    """One check-in run's figures (counted live, or as kept after its answers were deleted)."""

    run_id: int
    team_id: int
    scheduled_for: datetime
    prompted: int
    answered: int
    mood_count: int
    mood_total: int


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    kind: TeamKind
    stadsdeel: Stadsdeel
    created_at: datetime


@dataclass(frozen=True)
class LessonRow:
    lesson_id: int
    text: str
    theme: str | None
    city: bool  # shared with the city log
    written: bool  # written in the period
    shared: bool  # shared with the city log in the period


@dataclass(frozen=True)
class QuoteRow:
    run_id: int
    step_key: str
    text: str
    author: str
    answered_at: datetime


@dataclass(frozen=True)
class ActionCounts:
    opened: int
    done: int
    partly: int
    dropped: int
    still_open: int


@dataclass(frozen=True)
class HighlightRow:
    lesson_id: int
    text: str
    team: str
    stadsdeel: Stadsdeel
    endorsements: int
    adoptions: int


def run_figures_statement(window: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """Per run that asked people something and meets `window`: id, team, sprint, scheduled
    time, prompted, answered, moods given and their sum; counted live, or as kept once the
    answers passed retention. Summaries and exports count participation with this one
    statement, so their figures are the same."""
    where = [*window, CheckinRun.status.in_(_ASKED)]
    runs_in_window = select(CheckinRun.id).where(*where)
    prompts = (
        select(
            CheckinPrompt.run_id.label("run_id"),
            func.sum(case((TOOK_PART, 1), else_=0)).label("prompted"),
            func.sum(case((ANSWERED, 1), else_=0)).label("answered"),
        )
        .where(CheckinPrompt.run_id.in_(runs_in_window))
        .group_by(CheckinPrompt.run_id)
        .subquery()
    )
    moods = (
        select(
            CheckinPrompt.run_id.label("run_id"),
            func.count(CheckinAnswer.mood).label("mood_count"),
            func.sum(CheckinAnswer.mood).label("mood_total"),
        )
        .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
        .where(
            CheckinPrompt.run_id.in_(runs_in_window),
            CheckinAnswer.step_key == "mood",
            CheckinAnswer.mood.is_not(None),
        )
        .group_by(CheckinPrompt.run_id)
        .subquery()
    )
    kept = CheckinRun.answers_deleted_at.is_not(None)

    def kept_or_live(kept_column: Any, live_column: Any) -> ColumnElement[Any]:
        return case((kept, func.coalesce(kept_column, 0)), else_=func.coalesce(live_column, 0))

    return (
        select(
            CheckinRun.id,
            CheckinRun.team_id,
            CheckinRun.sprint_id,
            CheckinRun.scheduled_for,
            kept_or_live(CheckinRun.prompted_count, prompts.c.prompted),
            kept_or_live(CheckinRun.answered_count, prompts.c.answered),
            kept_or_live(CheckinRun.mood_count, moods.c.mood_count),
            kept_or_live(CheckinRun.mood_total, moods.c.mood_total),
        )
        .outerjoin(prompts, prompts.c.run_id == CheckinRun.id)
        .outerjoin(moods, moods.c.run_id == CheckinRun.id)
        .where(*where)
        .order_by(CheckinRun.scheduled_for, CheckinRun.id)
    )


def answers_to_steps(steps_by_run: Mapping[int, Iterable[str]]) -> ColumnElement[bool] | None:
    """Answers to the given steps ("q:2") of the given runs; None when no run asks any. Runs
    that ask the same steps are one condition, so a city's worth of runs stays a few."""
    runs_by_steps: dict[frozenset[str], list[int]] = {}
    for run_id, steps in steps_by_run.items():
        if wanted := frozenset(steps):
            runs_by_steps.setdefault(wanted, []).append(run_id)
    if not runs_by_steps:
        return None
    return or_(
        *(
            and_(CheckinPrompt.run_id.in_(run_ids), CheckinAnswer.step_key.in_(sorted(steps)))
            for steps, run_ids in runs_by_steps.items()
        )
    )


class SummaryQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- check-in figures ------------------------------------------------------------------------

    async def run_figures(
        self, start: datetime, end: datetime, team_id: int | None = None
    ) -> list[RunFigures]:
        """Every run scheduled in [start, end) that asked people something (of one team, or of
        all): prompted, answered, moods given and their sum, in one grouped statement."""
        window = [CheckinRun.scheduled_for >= start, CheckinRun.scheduled_for < end]
        if team_id is not None:
            window.append(CheckinRun.team_id == team_id)
        result = await self._session.execute(run_figures_statement(window))
        return [
            RunFigures(
                int(run_id), int(team), when, int(prompted), int(answered_), int(n), int(total)
            )
            for run_id, team, _sprint, when, prompted, answered_, n, total in result
        ]

    async def runs(self, team_id: int, start: datetime, end: datetime) -> list[CheckinRun]:
        """A team's runs that asked something in [start, end) (their questions name the
        quotes)."""
        result = await self._session.execute(
            select(CheckinRun)
            .where(
                CheckinRun.team_id == team_id,
                CheckinRun.scheduled_for >= start,
                CheckinRun.scheduled_for < end,
                CheckinRun.status.in_(_ASKED),
            )
            .order_by(CheckinRun.scheduled_for)
        )
        return list(result.scalars())

    async def people_not_reached(self, run_ids: Sequence[int]) -> tuple[list[str], list[str]]:
        """Names of who was away, and who could not be reached, in these runs."""
        if not run_ids:
            return [], []
        result = await self._session.execute(
            select(CheckinPrompt.status, Person.display_name)
            .join(Person, Person.id == CheckinPrompt.person_id)
            .where(
                CheckinPrompt.run_id.in_(run_ids),
                CheckinPrompt.status.in_([PromptStatus.AWAY, PromptStatus.UNREACHABLE]),
            )
            .group_by(CheckinPrompt.status, Person.display_name)
            .order_by(Person.display_name)
        )
        away: list[str] = []
        unreachable: list[str] = []
        for status, name in result:
            (away if status is PromptStatus.AWAY else unreachable).append(name)
        return away, unreachable

    async def quotes(self, keys_by_run: dict[int, list[str]], limit: int) -> list[QuoteRow]:
        """Typed answers to the given questions of the given runs, newest first."""
        wanted = answers_to_steps(keys_by_run)
        if wanted is None:
            return []
        result = await self._session.execute(
            select(
                CheckinPrompt.run_id,
                CheckinAnswer.step_key,
                CheckinAnswer.text,
                Person.display_name,
                CheckinAnswer.answered_at,
            )
            .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
            .join(Person, Person.id == CheckinPrompt.person_id)
            .where(
                wanted,
                CheckinAnswer.skipped.is_(False),
                CheckinAnswer.text.is_not(None),
                CheckinAnswer.text != "",
            )
            .order_by(CheckinAnswer.answered_at.desc(), CheckinAnswer.id.desc())
            .limit(limit)
        )
        return [
            QuoteRow(run_id, key, text or "", author, at)
            for run_id, key, text, author, at in result
        ]

    # --- teams, sprints, actions -----------------------------------------------------------------

    async def team(self, team_id: int) -> tuple[TeamRow, bool] | None:
        """The team, and whether it shares check-in answers in its linked group."""
        result = await self._session.execute(
            select(
                Team.id,
                Team.name,
                Team.kind,
                Team.stadsdeel,
                Team.created_at,
                CheckinSchedule.share_answers_in_group,
            )
            .outerjoin(CheckinSchedule, CheckinSchedule.team_id == Team.id)
            .where(Team.id == team_id)
        )
        row = result.one_or_none()
        if row is None:
            return None
        team_id_, name, kind, stadsdeel, created_at, share_answers = row
        return TeamRow(team_id_, name, kind, stadsdeel, created_at), bool(share_answers)

    async def teams(self) -> list[TeamRow]:
        result = await self._session.execute(
            select(Team.id, Team.name, Team.kind, Team.stadsdeel, Team.created_at).order_by(
                Team.name
            )
        )
        return [TeamRow(*row) for row in result]

    async def sprint_at(self, team_id: int, moment: datetime) -> Sprint | None:
        """The sprint running at `moment` (the newest one started by then and not closed
        before it)."""
        result = await self._session.execute(
            select(Sprint)
            .where(
                Sprint.team_id == team_id,
                Sprint.starts_at <= moment,
                or_(Sprint.closed_at.is_(None), Sprint.closed_at >= moment),
            )
            .order_by(Sprint.starts_at.desc(), Sprint.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def latest_sprints(self, team_id: int, count: int) -> list[Sprint]:
        result = await self._session.execute(
            select(Sprint)
            .where(Sprint.team_id == team_id)
            .order_by(Sprint.starts_at.desc(), Sprint.id.desc())
            .limit(count)
        )
        return list(result.scalars())

    async def action_counts(self, team_id: int, start: datetime, end: datetime) -> ActionCounts:
        def counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        reviewed = and_(Action.reviewed_at >= start, Action.reviewed_at < end)
        result = await self._session.execute(
            select(
                counted(and_(Action.created_at >= start, Action.created_at < end)),
                counted(and_(reviewed, Action.status == ActionStatus.DONE)),
                counted(and_(reviewed, Action.status == ActionStatus.PARTLY)),
                counted(and_(reviewed, Action.status == ActionStatus.DROPPED)),
                counted(Action.status == ActionStatus.OPEN),
            ).where(Action.team_id == team_id)
        )
        opened, done, partly, dropped, still_open = (int(value) for value in result.one())
        return ActionCounts(opened, done, partly, dropped, still_open)

    async def open_actions(self, team_id: int, limit: int) -> list[tuple[str, str, datetime]]:
        """(text, owner, named at) of the team's open actions, the oldest first."""
        result = await self._session.execute(
            select(Action.text, Person.display_name, Action.created_at)
            .join(Person, Person.id == Action.owner_id)
            .where(Action.team_id == team_id, Action.status == ActionStatus.OPEN)
            .order_by(Action.created_at, Action.id)
            .limit(limit)
        )
        return [(text, owner, at) for text, owner, at in result]

    # --- lessons ---------------------------------------------------------------------------------

    async def lessons(self, team_id: int, start: datetime, end: datetime) -> list[LessonRow]:
        """The team's lessons written in the period whose author chose where they go (undecided
        ones are still the author's alone), and those shared with the city log in it; a lesson
        with several themes comes once per theme; newest first."""
        written = and_(Lesson.created_at >= start, Lesson.created_at < end)
        shared = and_(
            Lesson.visibility == LessonVisibility.CITY,
            Lesson.decided_at >= start,
            Lesson.decided_at < end,
        )
        result = await self._session.execute(
            select(
                Lesson.id,
                Lesson.text,
                LessonTheme.theme,
                Lesson.visibility == LessonVisibility.CITY,
                written,
                shared,
            )
            .outerjoin(LessonTheme, LessonTheme.lesson_id == Lesson.id)
            .where(
                Lesson.team_id == team_id,
                Lesson.status == LessonStatus.ACTIVE,
                Lesson.decided_at.is_not(None),
                or_(written, shared),
            )
            .order_by(Lesson.created_at.desc(), Lesson.id.desc())
        )
        return [
            LessonRow(lesson_id, text, theme, bool(city), bool(new), bool(shared_now))
            for lesson_id, text, theme, city, new, shared_now in result
        ]

    async def endorsements_received(
        self, team_id: int, start: datetime, end: datetime, *, shared_only: bool = False
    ) -> list[tuple[int, str, int]]:
        """(lesson id, text, count) of *herkenbaar* from other teams on the team's lessons in
        the period, the most first."""
        count = func.count()
        result = await self._session.execute(
            select(Lesson.id, Lesson.text, count)
            .join(Endorsement, Endorsement.lesson_id == Lesson.id)
            .where(
                Lesson.team_id == team_id,
                Lesson.status == LessonStatus.ACTIVE,
                Endorsement.created_at >= start,
                Endorsement.created_at < end,
                or_(Endorsement.team_id.is_(None), Endorsement.team_id != team_id),
                *_shared_only(shared_only),
            )
            .group_by(Lesson.id, Lesson.text)
            .order_by(count.desc(), Lesson.id)
        )
        return [(lesson_id, text, int(n)) for lesson_id, text, n in result]

    async def adoptions_received(
        self, team_id: int, start: datetime, end: datetime, limit: int, *, shared_only: bool = False
    ) -> list[tuple[int, str, str | None, str]]:
        """(lesson id, lesson text, adopting team, what they wrote), newest first."""
        adopter = aliased(Team)
        result = await self._session.execute(
            select(Lesson.id, Lesson.text, adopter.name, Adoption.text)
            .join(Adoption, Adoption.lesson_id == Lesson.id)
            .outerjoin(adopter, adopter.id == Adoption.team_id)
            .where(
                Lesson.team_id == team_id,
                Lesson.status == LessonStatus.ACTIVE,
                Adoption.created_at >= start,
                Adoption.created_at < end,
                or_(Adoption.team_id.is_(None), Adoption.team_id != team_id),
                *_shared_only(shared_only),
            )
            .order_by(Adoption.created_at.desc(), Adoption.id.desc())
            .limit(limit)
        )
        return [(lesson_id, text, team, line) for lesson_id, text, team, line in result]

    # --- the network -----------------------------------------------------------------------------

    async def voetstuk(self, start: datetime, end: datetime, limit: int) -> list[HighlightRow]:
        """Shared lessons with the most *herkenbaar* received in the period."""
        endorsed = (
            select(Endorsement.lesson_id, func.count().label("endorsements"))
            .where(Endorsement.created_at >= start, Endorsement.created_at < end)
            .group_by(Endorsement.lesson_id)
            .subquery()
        )
        adopted = (
            select(Adoption.lesson_id, func.count().label("adoptions"))
            .where(Adoption.created_at >= start, Adoption.created_at < end)
            .group_by(Adoption.lesson_id)
            .subquery()
        )
        adoptions = func.coalesce(adopted.c.adoptions, 0)
        result = await self._session.execute(
            select(
                Lesson.id,
                Lesson.text,
                Team.name,
                Team.stadsdeel,
                endorsed.c.endorsements,
                adoptions,
            )
            .join(endorsed, endorsed.c.lesson_id == Lesson.id)
            .join(Team, Team.id == Lesson.team_id)
            .outerjoin(adopted, adopted.c.lesson_id == Lesson.id)
            .where(
                Lesson.status == LessonStatus.ACTIVE,
                Lesson.visibility == LessonVisibility.CITY,
            )
            .order_by(endorsed.c.endorsements.desc(), adoptions.desc(), Lesson.id)
            .limit(limit)
        )
        return [
            HighlightRow(lesson_id, text, team, stadsdeel, int(n), int(adoptions_))
            for lesson_id, text, team, stadsdeel, n, adoptions_ in result
        ]

    async def shared_theme_counts(
        self, start: datetime, middle: datetime, end: datetime
    ) -> list[tuple[str, int, int]]:
        """(theme, shared in [middle, end), shared in [start, middle)) per theme."""
        current = and_(Lesson.decided_at >= middle, Lesson.decided_at < end)
        result = await self._session.execute(
            select(
                LessonTheme.theme,
                func.sum(case((current, 1), else_=0)),
                func.sum(case((current, 0), else_=1)),
            )
            .join(Lesson, Lesson.id == LessonTheme.lesson_id)
            .where(
                Lesson.status == LessonStatus.ACTIVE,
                Lesson.visibility == LessonVisibility.CITY,
                Lesson.decided_at >= start,
                Lesson.decided_at < end,
            )
            .group_by(LessonTheme.theme)
        )
        return [(theme, int(now_), int(before)) for theme, now_, before in result]

    async def shared_count(self, start: datetime, end: datetime) -> int:
        result = await self._session.execute(
            select(func.count()).where(
                Lesson.status == LessonStatus.ACTIVE,
                Lesson.visibility == LessonVisibility.CITY,
                Lesson.decided_at >= start,
                Lesson.decided_at < end,
            )
        )
        return int(result.scalar_one())


def _shared_only(shared_only: bool) -> list[ColumnElement[bool]]:
    """A lesson taken back into its team (after others recognised it) is not read outside it."""
    return [Lesson.visibility == LessonVisibility.CITY] if shared_only else []

"""The SQL behind exports. The big sheets (lessons, answers) stream from the database in
batches (`yield_per`), so memory stays flat however much there is; the rest (teams, sprints,
actions, run figures) is small enough to read at once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Executable, and_, case, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Action,
    ActionStatus,
    Adoption,
    BlockerResolution,
    BlockerTheme,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    Endorsement,
    InstallationSecret,
    Lesson,
    LessonStatus,
    LessonTag,
    LessonTheme,
    LessonVisibility,
    Person,
    Sprint,
    Stadsdeel,
    Team,
    TeamKind,
)
from storage.repositories import insert_ignoring_conflicts
from storage.summaries import answers_to_steps, run_figures_statement

# Rows fetched per round trip, and handed to the spreadsheet writer at a time.
BATCH_SIZE = 1000
# Check-in runs asked for in one query of blocker answers (their ids are bound parameters,
# which SQLite and PostgreSQL limit).
RUNS_PER_QUERY = 2000


@dataclass(frozen=True)
class ExportFilter:
    """Which rows an export holds."""

    team_ids: frozenset[int] | None  # None: every team
    since: datetime | None  # inclusive
    until: datetime | None  # exclusive
    sprint_ids: frozenset[int] | None  # only these sprints ("this sprint"); None: any
    # Teams whose team-only lessons are in the export (None: every team's); other teams
    # contribute their lessons shared with the city log only.
    team_lessons_of: frozenset[int] | None
    # With `sprint_ids`: each chosen sprint's team, start and close (None: still open). A lesson
    # written with /lesson belongs to no sprint; it is in when its team's sprint was running.
    sprint_windows: tuple[SprintWindow, ...] = ()


@dataclass(frozen=True)
class SprintWindow:
    team_id: int
    sprint_id: int
    starts_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class TeamInfo:
    id: int
    name: str
    stadsdeel: Stadsdeel
    kind: TeamKind


@dataclass(frozen=True)
class RunFigure:
    run_id: int
    team_id: int
    sprint_id: int | None
    scheduled_for: datetime
    prompted: int
    answered: int
    mood_count: int
    mood_total: int


@dataclass(frozen=True)
class RunInfo:
    id: int
    team_id: int
    sprint_id: int | None
    scheduled_for: datetime
    questions: dict[str, Any]


@dataclass(frozen=True)
class LessonRow:
    id: int
    created_at: datetime
    team_id: int
    sprint_id: int | None
    text: str
    advice: str | None
    visibility: LessonVisibility
    anonymous: bool
    author_id: int | None
    author_name: str | None
    themes: str | None  # comma-separated, in no particular order
    tags: str | None
    endorsements: int
    adoptions: int


@dataclass(frozen=True)
class AnswerRow:
    run_id: int
    person_id: int
    person_name: str
    step_key: str
    text: str | None
    mood: int | None
    attachment_kind: str | None
    answered_at: datetime


@dataclass(frozen=True)
class BlockerAnswerRow:
    """An answer to a blocker question, and whether its team marked it *opgelost*."""

    answer_id: int
    run_id: int
    person_id: int
    person_name: str
    step_key: str
    text: str | None
    attachment_kind: str | None
    answered_at: datetime
    resolved: bool
    resolved_how: str | None
    resolved_at: datetime | None
    # The lesson the resolution became, when the export may show that lesson (else None).
    lesson_id: int | None
    themes: str | None = None  # comma-separated, in no particular order


@dataclass(frozen=True)
class ActionRow:
    id: int
    team_id: int
    sprint_id: int | None
    owner_id: int
    owner_name: str
    text: str
    status: ActionStatus
    created_at: datetime
    reviewed_at: datetime | None


@dataclass(frozen=True)
class ActionReview:
    """A check-in answer about an action: its status as of then."""

    action_id: int
    answered_at: datetime
    status: str


def _in(column: Any, ids: frozenset[int] | None) -> list[ColumnElement[bool]]:
    return [] if ids is None else [column.in_(sorted(ids))]


def _lesson_readable(export: ExportFilter) -> list[ColumnElement[bool]]:
    """The lessons an export may show: active, decided (until its author chose team or city, a
    lesson is theirs alone), and shared with the city or of a team whose team-only lessons
    are in the export."""
    conditions: list[ColumnElement[bool]] = [
        Lesson.status == LessonStatus.ACTIVE,
        Lesson.decided_at.is_not(None),
    ]
    readable = Lesson.visibility == LessonVisibility.CITY
    if export.team_lessons_of is None:
        return conditions
    if export.team_lessons_of:
        return [*conditions, readable | Lesson.team_id.in_(sorted(export.team_lessons_of))]
    return [*conditions, readable]


def _window(column: Any, export: ExportFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if export.since is not None:
        conditions.append(column >= export.since)
    if export.until is not None:
        conditions.append(column < export.until)
    return conditions


class ExportQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _stream(self, statement: Executable) -> AsyncIterator[Sequence[Sequence[Any]]]:
        result = await self._session.stream(statement.execution_options(yield_per=BATCH_SIZE))
        async for partition in result.partitions():
            yield partition

    async def teams(self, team_ids: frozenset[int] | None) -> list[TeamInfo]:
        result = await self._session.execute(
            select(Team.id, Team.name, Team.stadsdeel, Team.kind)
            .where(*_in(Team.id, team_ids))
            .order_by(Team.name)
        )
        return [TeamInfo(*row) for row in result]

    async def team_by_name(self, name: str) -> TeamInfo | None:
        result = await self._session.execute(
            select(Team.id, Team.name, Team.stadsdeel, Team.kind).where(
                func.lower(Team.name) == name.strip().lower()
            )
        )
        row = result.first()
        return None if row is None else TeamInfo(*row)

    async def latest_sprints(self, team_ids: frozenset[int] | None) -> list[SprintWindow]:
        """Each team's newest sprint (open or closed)."""
        newest = (
            select(Sprint.team_id, func.max(Sprint.number).label("number"))
            .where(*_in(Sprint.team_id, team_ids))
            .group_by(Sprint.team_id)
            .subquery()
        )
        result = await self._session.execute(
            select(Sprint.team_id, Sprint.id, Sprint.starts_at, Sprint.closed_at).join(
                newest, (newest.c.team_id == Sprint.team_id) & (newest.c.number == Sprint.number)
            )
        )
        return [SprintWindow(*row) for row in result]

    async def sprints(self, export: ExportFilter) -> list[Sprint]:
        """The sprints that overlap the period (or the chosen sprints)."""
        conditions = [*_in(Sprint.team_id, export.team_ids), *_in(Sprint.id, export.sprint_ids)]
        if export.since is not None:
            conditions.append(Sprint.ends_at >= export.since)
        if export.until is not None:
            conditions.append(Sprint.starts_at < export.until)
        result = await self._session.execute(
            select(Sprint).where(*conditions).order_by(Sprint.team_id, Sprint.number)
        )
        return list(result.scalars())

    async def sprint_numbers(self, team_ids: frozenset[int] | None) -> dict[int, int]:
        """Sprint id -> its number in its team (for the sprint column of every sheet)."""
        result = await self._session.execute(
            select(Sprint.id, Sprint.number).where(*_in(Sprint.team_id, team_ids))
        )
        return {int(sprint_id): int(number) for sprint_id, number in result}

    async def run_figures(
        self, export: ExportFilter, sprint_ids: frozenset[int] | None = None
    ) -> list[RunFigure]:
        """Per check-in run in the export: prompted, answered and moods, counted exactly as
        the summaries count them. With `sprint_ids`: the runs of those sprints instead."""
        window: list[ColumnElement[bool]]
        if sprint_ids is not None:
            window = [CheckinRun.sprint_id.in_(sorted(sprint_ids))]
        else:
            window = [
                *_in(CheckinRun.team_id, export.team_ids),
                *_in(CheckinRun.sprint_id, export.sprint_ids),
                *_window(CheckinRun.scheduled_for, export),
            ]
        result = await self._session.execute(run_figures_statement(window))
        return [
            RunFigure(
                int(run_id),
                int(team_id),
                sprint_id,
                when,
                int(prompted),
                int(answered),
                int(mood_count),
                int(mood_total),
            )
            for run_id, team_id, sprint_id, when, prompted, answered, mood_count, mood_total in (
                result
            )
        ]

    def _run_window(self, export: ExportFilter) -> list[ColumnElement[bool]]:
        return [
            *_in(CheckinRun.team_id, export.team_ids),
            *_in(CheckinRun.sprint_id, export.sprint_ids),
            *_window(CheckinRun.scheduled_for, export),
        ]

    async def runs(self, export: ExportFilter) -> dict[int, RunInfo]:
        """The check-in runs in the export, with the questions they asked."""
        result = await self._session.execute(
            select(
                CheckinRun.id,
                CheckinRun.team_id,
                CheckinRun.sprint_id,
                CheckinRun.scheduled_for,
                CheckinRun.questions,
            ).where(*self._run_window(export))
        )
        return {int(row[0]): RunInfo(*row) for row in result}

    async def answers(self, export: ExportFilter) -> AsyncIterator[list[AnswerRow]]:
        """Every answer given in the export's check-ins (skipped questions are no answer).
        Per check-in the moods come first, ordered by their value rather than by who gave
        them or when, so a mood cannot be matched to a named row beside it."""
        is_mood = CheckinAnswer.step_key == "mood"
        statement = (
            select(
                CheckinPrompt.run_id,
                CheckinPrompt.person_id,
                Person.display_name,
                CheckinAnswer.step_key,
                CheckinAnswer.text,
                CheckinAnswer.mood,
                CheckinAnswer.attachment_kind,
                CheckinAnswer.answered_at,
            )
            .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
            .join(CheckinRun, CheckinRun.id == CheckinPrompt.run_id)
            .join(Person, Person.id == CheckinPrompt.person_id)
            .where(*self._run_window(export), CheckinAnswer.skipped.is_(False))
            .order_by(
                CheckinRun.scheduled_for,
                CheckinRun.id,
                case((is_mood, 0), else_=1),
                case((is_mood, CheckinAnswer.mood), else_=None),
                CheckinAnswer.answered_at,
                CheckinAnswer.id,
            )
        )
        async for partition in self._stream(statement):
            yield [AnswerRow(*row) for row in partition]

    async def blockers(
        self, export: ExportFilter, steps_by_run: Mapping[int, frozenset[str]]
    ) -> AsyncIterator[list[BlockerAnswerRow]]:
        """The answers to the given steps of the given runs (the blocker questions of the
        export's check-ins; skipped questions are no answer), in the runs' order and by when
        they were answered, each with its resolution if the team marked it *opgelost*. The runs
        go in chunks in the order given, and per chunk the runs that ask the same steps are
        asked for together, so a city's worth of runs is a few conditions per query."""
        lesson = and_(Lesson.id == BlockerResolution.lesson_id, *_lesson_readable(export))
        # Each blocker's themes, looked up by its answer (the primary key's index).
        themes = (
            select(func.aggregate_strings(BlockerTheme.theme, ","))
            .where(BlockerTheme.answer_id == CheckinAnswer.id)
            .correlate(CheckinAnswer)
            .scalar_subquery()
        )
        runs = [run_id for run_id, steps in steps_by_run.items() if steps]
        for start in range(0, len(runs), RUNS_PER_QUERY):
            wanted = answers_to_steps(
                {run_id: steps_by_run[run_id] for run_id in runs[start : start + RUNS_PER_QUERY]}
            )
            assert wanted is not None  # only runs that ask a step are in `runs`
            statement = (
                select(
                    CheckinAnswer.id,
                    CheckinPrompt.run_id,
                    CheckinPrompt.person_id,
                    Person.display_name,
                    CheckinAnswer.step_key,
                    CheckinAnswer.text,
                    CheckinAnswer.attachment_kind,
                    CheckinAnswer.answered_at,
                    BlockerResolution.answer_id.is_not(None),
                    BlockerResolution.how,
                    BlockerResolution.resolved_at,
                    Lesson.id,
                    themes,
                )
                .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
                .join(CheckinRun, CheckinRun.id == CheckinPrompt.run_id)
                .join(Person, Person.id == CheckinPrompt.person_id)
                .outerjoin(BlockerResolution, BlockerResolution.answer_id == CheckinAnswer.id)
                .outerjoin(Lesson, lesson)
                .where(wanted, CheckinAnswer.skipped.is_(False))
                .order_by(
                    CheckinRun.scheduled_for,
                    CheckinRun.id,
                    CheckinAnswer.answered_at,
                    CheckinAnswer.id,
                )
            )
            async for partition in self._stream(statement):
                yield [
                    BlockerAnswerRow(
                        int(answer_id),
                        int(run_id),
                        int(person_id),
                        name,
                        step_key,
                        text,
                        attachment_kind,
                        answered_at,
                        bool(resolved),
                        how,
                        resolved_at,
                        None if lesson_id is None else int(lesson_id),
                        themes_of,
                    )
                    for (
                        answer_id,
                        run_id,
                        person_id,
                        name,
                        step_key,
                        text,
                        attachment_kind,
                        answered_at,
                        resolved,
                        how,
                        resolved_at,
                        lesson_id,
                        themes_of,
                    ) in partition
                ]

    async def actions(self, export: ExportFilter) -> list[ActionRow]:
        """The actions named in the period (or the chosen sprints)."""
        result = await self._session.execute(
            select(
                Action.id,
                Action.team_id,
                Action.sprint_id,
                Action.owner_id,
                Person.display_name,
                Action.text,
                Action.status,
                Action.created_at,
                Action.reviewed_at,
            )
            .join(Person, Person.id == Action.owner_id)
            .where(
                *_in(Action.team_id, export.team_ids),
                *_in(Action.sprint_id, export.sprint_ids),
                *_window(Action.created_at, export),
            )
            .order_by(Action.created_at, Action.id)
        )
        return [ActionRow(*row) for row in result]

    async def action_reviews(self, team_ids: frozenset[int] | None) -> list[ActionReview]:
        """Every check-in answer about an action of these teams (its status then), oldest
        first. The action is named in the answer's step ("action:12")."""
        result = await self._session.execute(
            select(CheckinAnswer.step_key, CheckinAnswer.answered_at, CheckinAnswer.text)
            .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
            .join(CheckinRun, CheckinRun.id == CheckinPrompt.run_id)
            .where(
                *_in(CheckinRun.team_id, team_ids),
                CheckinAnswer.step_key.like("action:%"),
                CheckinAnswer.skipped.is_(False),
                CheckinAnswer.text.is_not(None),
            )
            .order_by(CheckinAnswer.answered_at, CheckinAnswer.id)
        )
        reviews = []
        for step_key, answered_at, status in result:
            _, _, raw_id = step_key.partition(":")
            if raw_id.isdigit():
                reviews.append(ActionReview(int(raw_id), answered_at, str(status)))
        return reviews

    async def lessons(self, export: ExportFilter) -> AsyncIterator[list[LessonRow]]:
        """The active lessons written in the period, with their themes, tags, and how often
        other teams recognised and tried them."""
        themes = (
            select(
                LessonTheme.lesson_id,
                func.aggregate_strings(LessonTheme.theme, ",").label("themes"),
            )
            .group_by(LessonTheme.lesson_id)
            .subquery()
        )
        tags = (
            select(LessonTag.lesson_id, func.aggregate_strings(LessonTag.tag, ",").label("tags"))
            .group_by(LessonTag.lesson_id)
            .subquery()
        )
        endorsements = (
            select(Endorsement.lesson_id, func.count().label("count"))
            .group_by(Endorsement.lesson_id)
            .subquery()
        )
        adoptions = (
            select(Adoption.lesson_id, func.count().label("count"))
            .group_by(Adoption.lesson_id)
            .subquery()
        )
        in_sprints: list[ColumnElement[bool]] = []
        if export.sprint_ids is not None:
            # A lesson from a check-in carries the check-in's sprint; one written with /lesson
            # counts when it was written while its team's sprint ran.
            running = [
                and_(
                    Lesson.team_id == window.team_id,
                    Lesson.created_at >= window.starts_at,
                    *([] if window.closed_at is None else [Lesson.created_at < window.closed_at]),
                )
                for window in export.sprint_windows
            ]
            in_sprints = [
                or_(
                    Lesson.sprint_id.in_(sorted(export.sprint_ids)),
                    and_(Lesson.sprint_id.is_(None), or_(false(), *running)),
                )
            ]
        statement = (
            select(
                Lesson.id,
                Lesson.created_at,
                Lesson.team_id,
                Lesson.sprint_id,
                Lesson.text,
                Lesson.advice,
                Lesson.visibility,
                Lesson.anonymous,
                Lesson.author_id,
                Person.display_name,
                themes.c.themes,
                tags.c.tags,
                func.coalesce(endorsements.c.count, 0),
                func.coalesce(adoptions.c.count, 0),
            )
            .outerjoin(Person, Person.id == Lesson.author_id)
            .outerjoin(themes, themes.c.lesson_id == Lesson.id)
            .outerjoin(tags, tags.c.lesson_id == Lesson.id)
            .outerjoin(endorsements, endorsements.c.lesson_id == Lesson.id)
            .outerjoin(adoptions, adoptions.c.lesson_id == Lesson.id)
            .where(
                *_lesson_readable(export),
                *_in(Lesson.team_id, export.team_ids),
                *in_sprints,
                *_window(Lesson.created_at, export),
            )
            .order_by(Lesson.created_at, Lesson.id)
        )
        async for partition in self._stream(statement):
            yield [LessonRow(*row) for row in partition]


async def installation_secret(session: AsyncSession, name: str, fresh: str, now: datetime) -> str:
    """The installation's secret `name`, stored as `fresh` the first time it is asked for (two
    instances asking at once agree: the first insert wins)."""
    await session.execute(
        insert_ignoring_conflicts(
            session, InstallationSecret, {"name": name, "value": fresh, "created_at": now}
        )
    )
    result = await session.execute(
        select(InstallationSecret.value).where(InstallationSecret.name == name)
    )
    return result.scalar_one()

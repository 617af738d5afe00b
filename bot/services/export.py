"""Spreadsheet exports: who may export what, over which period, and the rows of each sheet.

The service decides the scope (a coordinator's own teams, or everything for a steunpunt admin
and the command line) and streams typed rows, one row per fact, into an `ExportSink`; the sink
(an xlsx workbook, a CSV file) decides how they look. Values that need words (a status, "anonymous",
a theme) travel as `Label`s the sink looks up in the requester's language.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.common import Actor, Clock, ServiceError
from bot.services.permissions import Permission, Role, authorize, authorize_without_team
from bot.services.summaries import MIN_MOODS_SHOWN, week_period
from bot.services.templates import blocker_steps, questions_from_json
from storage.database import Database
from storage.export import (
    AnswerRow,
    ExportFilter,
    ExportQueries,
    RunFigure,
    RunInfo,
    SprintWindow,
    TeamInfo,
    installation_secret,
)
from storage.models import ActionStatus, LessonVisibility, Team
from storage.models import Role as MembershipRole
from storage.repositories import Memberships, Teams


class ExportPeriod(StrEnum):
    SPRINT = "sprint"  # each team's newest sprint
    FOUR_WEEKS = "4w"  # this week and the three before it
    EVERYTHING = "all"


class SheetKey(StrEnum):
    LESSONS = "lessons"
    ANSWERS = "answers"
    BLOCKERS = "blockers"  # answers to the blocker questions, and whether they were solved
    ACTIONS = "actions"
    SPRINTS = "sprints"
    PARTICIPATION = "participation"
    WEEKS = "weeks"  # participation per week over all teams in the export (the chart's data)


class CellKind(StrEnum):
    """How a column's cells are typed and shown."""

    ID = "id"  # a whole number that names something
    INTEGER = "integer"
    DECIMAL = "decimal"  # one decimal (a mood average)
    PERCENT = "percent"  # a fraction shown as a percentage
    DATE = "date"
    DATETIME = "datetime"  # local time, Europe/Amsterdam (STEUNPUNT_TIMEZONE)
    SHORT_TEXT = "short"
    LONG_TEXT = "long"  # wrapped
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Label:
    """Words from the catalog (one key, or several joined with ", "), in the reader's language."""

    keys: tuple[str, ...]

    @classmethod
    def of(cls, *keys: str) -> Label:
        return cls(keys)


ANONYMOUS = Label.of("export.anonymous")
PSEUDONYM_KEY = "export_pseudonyms"

Cell = int | float | str | bool | date | datetime | Label | None
Row = tuple[Cell, ...]
_Batches = AsyncIterator[list[Row]]


@dataclass(frozen=True)
class Column:
    key: str  # its header is the catalog text "export.column.<key>"
    kind: CellKind


@dataclass(frozen=True)
class ChartSpec:
    """A line chart beside a sheet, drawn from another sheet's columns (the weekly totals)."""

    data_sheet: SheetKey
    category: str  # the column on the x axis
    percent_series: str  # drawn against the left axis (0–100 %)
    mood_series: str  # drawn against the right axis (1–5)


@dataclass(frozen=True)
class SheetSpec:
    key: SheetKey  # its title is the catalog text "export.sheet.<key>"
    columns: tuple[Column, ...]
    chart: ChartSpec | None = None


def _columns(*pairs: tuple[str, CellKind]) -> tuple[Column, ...]:
    return tuple(Column(key, kind) for key, kind in pairs)


K = CellKind
SHEETS: dict[SheetKey, SheetSpec] = {
    SheetKey.LESSONS: SheetSpec(
        SheetKey.LESSONS,
        _columns(
            ("lesson_id", K.ID),
            ("date", K.DATETIME),
            ("team", K.SHORT_TEXT),
            ("stadsdeel", K.SHORT_TEXT),
            ("team_kind", K.SHORT_TEXT),
            ("sprint", K.INTEGER),
            ("lesson", K.LONG_TEXT),
            ("advice", K.LONG_TEXT),
            ("themes", K.SHORT_TEXT),
            ("tags", K.SHORT_TEXT),
            ("visibility", K.SHORT_TEXT),
            ("author", K.SHORT_TEXT),
            ("endorsements", K.INTEGER),
            ("adoptions", K.INTEGER),
        ),
    ),
    SheetKey.ANSWERS: SheetSpec(
        SheetKey.ANSWERS,
        _columns(
            ("answered_at", K.DATETIME),
            ("team", K.SHORT_TEXT),
            ("sprint", K.INTEGER),
            ("checkin", K.DATETIME),
            ("member", K.SHORT_TEXT),
            ("question_key", K.SHORT_TEXT),
            ("question", K.LONG_TEXT),
            ("answer", K.LONG_TEXT),
            ("mood", K.INTEGER),
        ),
    ),
    SheetKey.BLOCKERS: SheetSpec(
        SheetKey.BLOCKERS,
        _columns(
            ("answered_at", K.DATETIME),
            ("team", K.SHORT_TEXT),
            ("stadsdeel", K.SHORT_TEXT),
            ("sprint", K.INTEGER),
            ("member", K.SHORT_TEXT),
            ("question", K.LONG_TEXT),
            ("blocker", K.LONG_TEXT),
            ("themes", K.SHORT_TEXT),  # proposed by the bot, or confirmed/changed by its author
            ("resolved", K.BOOLEAN),
            ("resolved_how", K.LONG_TEXT),
            ("resolved_on", K.DATE),
            ("lesson_id", K.ID),  # the lesson the resolution became, if the export shows it
        ),
    ),
    SheetKey.ACTIONS: SheetSpec(
        SheetKey.ACTIONS,
        _columns(
            ("action_id", K.ID),
            ("team", K.SHORT_TEXT),
            ("sprint", K.INTEGER),
            ("owner", K.SHORT_TEXT),
            ("action", K.LONG_TEXT),
            ("opened", K.DATETIME),
            ("status_date", K.DATETIME),
            ("status", K.SHORT_TEXT),
            ("latest", K.BOOLEAN),
        ),
    ),
    SheetKey.SPRINTS: SheetSpec(
        SheetKey.SPRINTS,
        _columns(
            ("team", K.SHORT_TEXT),
            ("stadsdeel", K.SHORT_TEXT),
            ("team_kind", K.SHORT_TEXT),
            ("sprint", K.INTEGER),
            ("goal", K.LONG_TEXT),
            ("starts", K.DATE),
            ("ends", K.DATE),
            ("closed_at", K.DATETIME),
            ("sprint_status", K.SHORT_TEXT),
            ("checkins", K.INTEGER),
            ("prompted", K.INTEGER),
            ("answered", K.INTEGER),
            ("participation", K.PERCENT),
            ("mood_average", K.DECIMAL),
        ),
    ),
    SheetKey.PARTICIPATION: SheetSpec(
        SheetKey.PARTICIPATION,
        _columns(
            ("week", K.SHORT_TEXT),
            ("week_start", K.DATE),
            ("team", K.SHORT_TEXT),
            ("stadsdeel", K.SHORT_TEXT),
            ("team_kind", K.SHORT_TEXT),
            ("checkins", K.INTEGER),
            ("prompted", K.INTEGER),
            ("answered", K.INTEGER),
            ("participation", K.PERCENT),
            ("mood_average", K.DECIMAL),
        ),
        chart=ChartSpec(SheetKey.WEEKS, "week", "participation", "mood_average"),
    ),
    SheetKey.WEEKS: SheetSpec(
        SheetKey.WEEKS,
        _columns(
            ("week", K.SHORT_TEXT),
            ("week_start", K.DATE),
            ("teams", K.INTEGER),
            ("checkins", K.INTEGER),
            ("prompted", K.INTEGER),
            ("answered", K.INTEGER),
            ("participation", K.PERCENT),
            ("mood_average", K.DECIMAL),
        ),
    ),
}
WORKBOOK_SHEETS: tuple[SheetKey, ...] = tuple(SHEETS)


class ExportSink(Protocol):
    """Where an export's rows go: the sheets one after another, each with its rows in batches."""

    async def begin_sheet(self, sheet: SheetSpec) -> None: ...

    async def add_rows(self, rows: Sequence[Row]) -> None: ...

    async def end_sheet(self) -> None: ...


class Scope(StrEnum):
    TEAM = "team"
    MINE = "mine"  # all teams the person coordinates
    EVERYTHING = "all"


@dataclass(frozen=True)
class ExportChoices:
    teams: list[tuple[int, str]]  # the teams the person coordinates
    everything: bool  # a steunpunt admin: every team


@dataclass(frozen=True)
class ExportPlan:
    """What one export holds, decided (and authorized) before any row is read."""

    scope: Scope
    team_name: str | None  # the one team, when the scope is a team
    period: ExportPeriod | None  # None: dates from the command line
    filter: ExportFilter
    file_stem: str  # "steunpunt-buurtteam-noord-2026-12-01"
    pseudonymise: bool = False


@dataclass
class ExportCounts:
    rows: dict[SheetKey, int] = field(default_factory=dict)

    def __getitem__(self, sheet: SheetKey) -> int:
        return self.rows.get(sheet, 0)


def slug(name: str) -> str:
    """A file-name-safe form of a team name: "Buurtteam Noord!" -> "buurtteam-noord"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")


def parse_target(target: str) -> tuple[Scope, int | None]:
    """A button's target ("t12", "mine", "all") as a scope and a team id."""
    if target in (Scope.MINE, Scope.EVERYTHING):
        return Scope(target), None
    if target.startswith("t") and target[1:].isdigit():
        return Scope.TEAM, int(target[1:])
    raise ServiceError("error.button_expired")


def team_target(team_id: int) -> str:
    return f"t{team_id}"


class Pseudonyms:
    """Stable codes for people (the same person gets the same code in every export made with
    the same key), for exports to researchers."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._codes: dict[int, str] = {}

    def code(self, person_id: int) -> str:
        code = self._codes.get(person_id)
        if code is None:
            digest = hmac.new(self._key, f"person:{person_id}".encode(), hashlib.sha256).digest()
            code = "P-" + base64.b32encode(digest[:5]).decode()
            self._codes[person_id] = code
        return code


class ExportService:
    def __init__(self, database: Database, clock: Clock, zone: ZoneInfo) -> None:
        self._db = database
        self._clock = clock
        self.zone = zone

    # --- what may be exported ---------------------------------------------------------------

    async def choices(self, actor: Actor) -> ExportChoices:
        """The teams the person coordinates, and everything for a steunpunt admin; a member
        or someone in no team is refused kindly."""
        async with self._db.unit_of_work() as session:
            teams = await Memberships(session).coordinated_by(actor.person_id)
        if not teams and not actor.is_admin:
            raise ServiceError("denied.export")
        return ExportChoices(sorted(teams, key=lambda team: team[1].lower()), actor.is_admin)

    async def plan(self, actor: Actor, target: str, period: ExportPeriod) -> ExportPlan:
        """The export of `target` ("t<team id>", "mine", "all") over `period`, if the person may
        make it. Team-only lessons are in it only for teams the person is in."""
        scope, team_id = parse_target(target)
        async with self._db.unit_of_work() as session:
            memberships = await Memberships(session).teams_of(actor.person_id)
            own_teams = frozenset(team.id for team, _ in memberships)
            team_name: str | None = None
            if scope is Scope.TEAM:
                assert team_id is not None
                team = await Teams(session).get(team_id)
                if team is None:
                    raise ServiceError("error.button_expired")
                roles = await authorize(session, actor, Permission.EXPORT_TEAM, team)
                team_ids: frozenset[int] | None = frozenset({team.id})
                team_name = team.name
                in_team = bool(roles & {Role.MEMBER, Role.COORDINATOR})
                team_lessons_of = frozenset({team.id}) if in_team else frozenset()
                stem = slug(team.name) or f"team-{team.id}"
            elif scope is Scope.MINE:
                team_ids = frozenset(
                    team.id for team, role in memberships if role is MembershipRole.COORDINATOR
                )
                if not team_ids:
                    raise ServiceError("denied.export")
                team_lessons_of = team_ids
                stem = "mijn-teams"
            else:
                authorize_without_team(actor, Permission.EXPORT_ALL)
                team_ids = None
                team_lessons_of = own_teams
                stem = "alle-teams"
            export = await self._period_filter(session, team_ids, team_lessons_of, period)
        return ExportPlan(scope, team_name, period, export, self._file_stem(stem))

    async def plan_command_line(
        self,
        team: str | None,
        since: date | None,
        until: date | None,
        *,
        pseudonymise: bool = False,
    ) -> ExportPlan:
        """The command line's export (the server's operator): every team, or the one named
        (by name or id); `since` and `until` are whole local days, both included. Lessons a
        team kept to itself are not in it: their authors shared them with their team only."""
        if since is not None and until is not None and until < since:
            raise ServiceError("export.dates_reversed", since=since, until=until)
        async with self._db.unit_of_work() as session:
            found: TeamInfo | Team | None = None
            if team is not None:
                found = await ExportQueries(session).team_by_name(team)
                if found is None and team.strip().isdigit():
                    found = await Teams(session).get(int(team.strip()))
                if found is None:
                    raise ServiceError("export.unknown_team", team=team)
        team_ids = None if found is None else frozenset({found.id})
        export = ExportFilter(
            team_ids=team_ids,
            since=None if since is None else self._local_midnight(since),
            until=None if until is None else self._local_midnight(until, days_later=1),
            sprint_ids=None,
            team_lessons_of=frozenset(),
        )
        stem = "alle-teams" if found is None else (slug(found.name) or f"team-{found.id}")
        return ExportPlan(
            Scope.EVERYTHING if found is None else Scope.TEAM,
            None if found is None else found.name,
            None,
            export,
            self._file_stem(stem),
            pseudonymise=pseudonymise,
        )

    def _file_stem(self, scope: str) -> str:
        return f"steunpunt-{scope}-{self._clock().astimezone(self.zone):%Y-%m-%d}"

    def _local_midnight(self, day: date, days_later: int = 0) -> datetime | None:
        """The start of `day` (plus `days_later`) in the local zone; None for a day so far off
        (year 1, year 9999) that it bounds nothing, and would not fit a datetime in UTC."""
        try:
            start = datetime.combine(day + timedelta(days=days_later), time(), tzinfo=self.zone)
            return start.astimezone(UTC)
        except OverflowError:
            return None

    async def _period_filter(
        self,
        session: AsyncSession,
        team_ids: frozenset[int] | None,
        team_lessons_of: frozenset[int],
        period: ExportPeriod,
    ) -> ExportFilter:
        since: datetime | None = None
        sprint_ids: frozenset[int] | None = None
        windows: tuple[SprintWindow, ...] = ()
        if period is ExportPeriod.FOUR_WEEKS:
            since = week_period(self._clock(), self.zone, weeks_back=3).start
        elif period is ExportPeriod.SPRINT:
            windows = tuple(await ExportQueries(session).latest_sprints(team_ids))
            if not windows:
                raise ServiceError("export.no_sprint")
            sprint_ids = frozenset(window.sprint_id for window in windows)
        return ExportFilter(team_ids, since, None, sprint_ids, team_lessons_of, windows)

    # --- the rows ------------------------------------------------------------------------------

    async def export(
        self,
        plan: ExportPlan,
        sink: ExportSink,
        sheets: Sequence[SheetKey] = WORKBOOK_SHEETS,
    ) -> ExportCounts:
        """Stream the plan's sheets into `sink`, in one read-only unit of work (one consistent
        view of the data)."""
        counts = ExportCounts()
        pseudonyms = await self._pseudonyms(plan)
        async with self._db.unit_of_work() as session:
            rows = _RowMaker(ExportQueries(session), plan, self.zone, pseudonyms)
            await rows.load()
            for key in sheets:
                await sink.begin_sheet(SHEETS[key])
                count = 0
                async for batch in rows.sheet(key):
                    if batch:
                        await sink.add_rows(batch)
                        count += len(batch)
                await sink.end_sheet()
                counts.rows[key] = count
        return counts

    async def _pseudonyms(self, plan: ExportPlan) -> Pseudonyms | None:
        """The codes for a pseudonymised export, from a key the installation made once for
        itself, so a person has the same code in every export (and nobody outside the
        database can compute it from an id)."""
        if not plan.pseudonymise:
            return None
        async with self._db.unit_of_work() as session:
            key = await installation_secret(
                session, PSEUDONYM_KEY, secrets.token_hex(32), self._clock()
            )
        return Pseudonyms(bytes.fromhex(key))


def _fraction(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _mood_average(count: int, total: int) -> float | None:
    # As in every summary: fewer than MIN_MOODS_SHOWN moods are never averaged, so nobody's
    # own score can be read.
    return None if count < MIN_MOODS_SHOWN else round(total / count, 1)


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class _Tally:
    checkins: int = 0
    prompted: int = 0
    answered: int = 0
    mood_count: int = 0
    mood_total: int = 0
    teams: set[int] = field(default_factory=set)

    def add(self, figure: RunFigure) -> None:
        self.checkins += 1
        self.prompted += figure.prompted
        self.answered += figure.answered
        self.mood_count += figure.mood_count
        self.mood_total += figure.mood_total
        self.teams.add(figure.team_id)

    def figures(self) -> tuple[int, int, int, float | None, float | None]:
        return (
            self.checkins,
            self.prompted,
            self.answered,
            _fraction(self.answered, self.prompted),
            _mood_average(self.mood_count, self.mood_total),
        )


class _RowMaker:
    """Turns query results into sheet rows, with the lookups they need loaded once."""

    def __init__(
        self,
        queries: ExportQueries,
        plan: ExportPlan,
        zone: ZoneInfo,
        pseudonyms: Pseudonyms | None,
    ) -> None:
        self._queries = queries
        self._plan = plan
        self._filter = plan.filter
        self._zone = zone
        self._pseudonyms = pseudonyms
        self._teams: dict[int, TeamInfo] = {}
        self._sprint_numbers: dict[int, int] = {}
        self._runs: dict[int, RunInfo] | None = None

    async def load(self) -> None:
        self._teams = {team.id: team for team in await self._queries.teams(None)}
        self._sprint_numbers = await self._queries.sprint_numbers(self._filter.team_ids)

    async def _runs_in_export(self) -> dict[int, RunInfo]:
        if self._runs is None:
            self._runs = await self._queries.runs(self._filter)
        return self._runs

    def _local(self, moment: datetime | None) -> datetime | None:
        # Excel has no time zones: the local wall-clock time, as people read it.
        if moment is None:
            return None
        return moment.astimezone(self._zone).replace(tzinfo=None)

    def _person(self, person_id: int | None, name: str | None) -> str | Label:
        if person_id is None or name is None:
            return ANONYMOUS
        return name if self._pseudonyms is None else self._pseudonyms.code(person_id)

    def _team(self, team_id: int) -> tuple[str, Label, Label]:
        team = self._teams[team_id]
        return (
            team.name,
            Label.of(f"stadsdeel.{team.stadsdeel.value}"),
            Label.of(f"kind.{team.kind.value}"),
        )

    def _sprint(self, sprint_id: int | None) -> int | None:
        return None if sprint_id is None else self._sprint_numbers.get(sprint_id)

    async def sheet(self, key: SheetKey) -> _Batches:
        producers = {
            SheetKey.LESSONS: self._lessons,
            SheetKey.ANSWERS: self._answers,
            SheetKey.BLOCKERS: self._blockers,
            SheetKey.ACTIONS: self._actions,
            SheetKey.SPRINTS: self._sprints,
            SheetKey.PARTICIPATION: self._participation,
            SheetKey.WEEKS: self._weeks,
        }
        async for batch in producers[key]():
            yield batch

    async def _lessons(self) -> _Batches:
        async for batch in self._queries.lessons(self._filter):
            rows: list[Row] = []
            for lesson in batch:
                team, stadsdeel, kind = self._team(lesson.team_id)
                themes = sorted((lesson.themes or "").split(",")) if lesson.themes else []
                tags = sorted((lesson.tags or "").split(",")) if lesson.tags else []
                author = (
                    ANONYMOUS
                    if lesson.anonymous
                    else self._person(lesson.author_id, lesson.author_name)
                )
                rows.append(
                    (
                        lesson.id,
                        self._local(lesson.created_at),
                        team,
                        stadsdeel,
                        kind,
                        self._sprint(lesson.sprint_id),
                        lesson.text,
                        lesson.advice,
                        Label(tuple(f"theme.{theme}" for theme in themes)) if themes else None,
                        ", ".join(f"#{tag}" for tag in tags) or None,
                        Label.of(f"export.visibility.{LessonVisibility(lesson.visibility).value}"),
                        author,
                        lesson.endorsements,
                        lesson.adoptions,
                    )
                )
            yield rows

    async def _answers(self) -> _Batches:
        runs = await self._runs_in_export()
        mood_counts = {
            figure.run_id: figure.mood_count
            for figure in await self._queries.run_figures(self._filter)
        }
        action_texts = {
            action.id: action.text
            for action in await self._queries.actions(
                ExportFilter(self._filter.team_ids, None, None, None, frozenset())
            )
        }
        async for batch in self._queries.answers(self._filter):
            rows: list[Row] = []
            for answer in batch:
                row = self._answer_row(answer, runs, mood_counts, action_texts)
                if row is not None:
                    rows.append(row)
            yield rows

    def _answer_row(
        self,
        answer: AnswerRow,
        runs: dict[int, RunInfo],
        mood_counts: dict[int, int],
        action_texts: dict[int, str],
    ) -> Row | None:
        run = runs.get(answer.run_id)
        if run is None:  # a check-in that began after the export did
            return None
        team = self._teams[run.team_id].name
        checkin = self._local(run.scheduled_for)
        sprint = self._sprint(run.sprint_id)
        kind, _, index = answer.step_key.partition(":")
        if kind == "mood":
            # Moods are anonymous and carry the check-in's time, not the moment of answering;
            # in a check-in with fewer than MIN_MOODS_SHOWN moods they are left out.
            if answer.mood is None or mood_counts.get(answer.run_id, 0) < MIN_MOODS_SHOWN:
                return None
            question: str | Label = Label.of("checkin.mood")
            return (checkin, team, sprint, checkin, ANONYMOUS, "mood", question, None, answer.mood)
        member = self._person(answer.person_id, answer.person_name)
        answered_at = self._local(answer.answered_at)
        value: str | Label | None = answer.text
        if kind == "action":
            action_id = int(index) if index.isdigit() else -1
            question = action_texts.get(action_id) or Label.of("export.question.action")
            value = _status_label(answer.text)
        else:
            question, value = _typed_answer(
                run.questions, index, answer.text, answer.attachment_kind
            )
        return (answered_at, team, sprint, checkin, member, answer.step_key, question, value, None)

    async def _blockers(self) -> _Batches:
        """Every answer to a blocker question in the export's check-ins, with who gave it as
        the answers sheet shows people, and how the team solved it (the lesson that became of
        it only if the export may show that lesson)."""
        runs = await self._runs_in_export()
        in_order = sorted(runs.values(), key=lambda run: (run.scheduled_for, run.id))
        steps = {run.id: blocker_steps(run.questions) for run in in_order}
        async for batch in self._queries.blockers(self._filter, steps):
            rows: list[Row] = []
            for blocker in batch:
                run = runs[blocker.run_id]
                team, stadsdeel, _ = self._team(run.team_id)
                _, _, index = blocker.step_key.partition(":")
                question, value = _typed_answer(
                    run.questions, index, blocker.text, blocker.attachment_kind
                )
                resolved_at = self._local(blocker.resolved_at)
                themes = sorted(blocker.themes.split(",")) if blocker.themes else []
                rows.append(
                    (
                        self._local(blocker.answered_at),
                        team,
                        stadsdeel,
                        self._sprint(run.sprint_id),
                        self._person(blocker.person_id, blocker.person_name),
                        question,
                        value,
                        Label(tuple(f"theme.{theme}" for theme in themes)) if themes else None,
                        blocker.resolved,
                        blocker.resolved_how,
                        None if resolved_at is None else resolved_at.date(),
                        blocker.lesson_id,
                    )
                )
            yield rows

    async def _actions(self) -> _Batches:
        reviews: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
        for review in await self._queries.action_reviews(self._filter.team_ids):
            reviews[review.action_id].append((review.answered_at, review.status))
        rows: list[Row] = []
        for action in await self._queries.actions(self._filter):
            events: list[tuple[datetime, str]] = [(action.created_at, ActionStatus.OPEN.value)]
            events += reviews.get(action.id, [])
            if len(events) == 1 and action.status is not ActionStatus.OPEN:
                # The answers that reviewed it passed retention; its last status is kept.
                events.append((action.reviewed_at or action.created_at, action.status.value))
            team = self._teams[action.team_id].name
            owner = self._person(action.owner_id, action.owner_name)
            for number, (when, status) in enumerate(events, 1):
                rows.append(
                    (
                        action.id,
                        team,
                        self._sprint(action.sprint_id),
                        owner,
                        action.text,
                        self._local(action.created_at),
                        self._local(when),
                        _status_label(status),
                        number == len(events),
                    )
                )
        yield rows

    async def _sprints(self) -> _Batches:
        sprints = await self._queries.sprints(self._filter)
        tallies: dict[int, _Tally] = defaultdict(_Tally)
        if sprints:
            sprint_ids = frozenset(sprint.id for sprint in sprints)
            for figure in await self._queries.run_figures(self._filter, sprint_ids):
                if figure.sprint_id is not None:
                    tallies[figure.sprint_id].add(figure)
        rows: list[Row] = []
        for sprint in sprints:
            team, stadsdeel, kind = self._team(sprint.team_id)
            checkins, prompted, answered, share, mood = tallies[sprint.id].figures()
            starts = self._local(sprint.starts_at)
            ends = self._local(sprint.ends_at)
            status = "closed" if sprint.closed_at is not None else "open"
            rows.append(
                (
                    team,
                    stadsdeel,
                    kind,
                    sprint.number,
                    sprint.goal,
                    None if starts is None else starts.date(),
                    None if ends is None else ends.date(),
                    self._local(sprint.closed_at),
                    Label.of(f"export.sprint_status.{status}"),
                    checkins,
                    prompted,
                    answered,
                    share,
                    mood,
                )
            )
        yield rows

    async def _figures_by_week(self) -> tuple[dict[tuple[date, int], _Tally], dict[date, _Tally]]:
        per_team: dict[tuple[date, int], _Tally] = defaultdict(_Tally)
        per_week: dict[date, _Tally] = defaultdict(_Tally)
        for figure in await self._queries.run_figures(self._filter):
            local = figure.scheduled_for.astimezone(self._zone).date()
            monday = local - timedelta(days=local.weekday())
            per_team[monday, figure.team_id].add(figure)
            per_week[monday].add(figure)
        return per_team, per_week

    async def _participation(self) -> _Batches:
        per_team, _ = await self._figures_by_week()
        rows: list[Row] = []
        for monday, team_id in sorted(
            per_team, key=lambda key: (self._teams[key[1]].name.lower(), key[0])
        ):
            team, stadsdeel, kind = self._team(team_id)
            checkins, prompted, answered, share, mood = per_team[monday, team_id].figures()
            rows.append(
                (
                    _iso_week(monday),
                    monday,
                    team,
                    stadsdeel,
                    kind,
                    checkins,
                    prompted,
                    answered,
                    share,
                    mood,
                )
            )
        yield rows

    async def _weeks(self) -> _Batches:
        _, per_week = await self._figures_by_week()
        rows: list[Row] = []
        for monday in sorted(per_week):
            tally = per_week[monday]
            checkins, prompted, answered, share, mood = tally.figures()
            rows.append(
                (
                    _iso_week(monday),
                    monday,
                    len(tally.teams),
                    checkins,
                    prompted,
                    answered,
                    share,
                    mood,
                )
            )
        yield rows


def _status_label(status: str | None) -> Label | None:
    if status is None:
        return None
    known = {member.value for member in ActionStatus}
    return Label.of(f"export.action_status.{status}") if status in known else None


def _typed_answer(
    questions: dict[str, Any], index: str, text: str | None, attachment_kind: str | None
) -> tuple[str | Label, str | Label | None]:
    """An answer to question `index`: the question as asked, and what was typed or sent (a
    photo or voice note is named, as the file itself is not exported)."""
    question = _question_text(questions, index) or Label.of("export.question.unknown")
    if text is None and attachment_kind:
        return question, Label.of(f"export.attachment.{attachment_kind}")
    return question, text


def _question_text(questions: dict[str, Any], index: str) -> str | Label | None:
    """Question `index` as the run asked it: a coordinator's own text, or a built-in one."""
    asked = questions_from_json(questions)
    if not index.isdigit() or int(index) >= len(asked):
        return None
    question = asked[int(index)]
    if question.text:
        return question.text
    return None if question.key is None else Label.of(question.key)

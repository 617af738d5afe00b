"""Summaries for coordinators and the steunpunt: a team's week or sprint in figures and quotes,
and the network at a glance. Figures are aggregated in SQL (`storage/summaries.py`); this module
chooses the periods (weeks run Monday 00:00 to Monday 00:00 in the steunpunt's time zone, so a
week with a clock change is 167 or 169 hours) and checks who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.common import Actor, Clock, ServiceError
from bot.services.permissions import (
    RULES,
    Permission,
    Role,
    authorize,
    authorize_without_team,
)
from bot.services.templates import BLOCKERS, WENT_WELL, questions_from_json
from storage.database import Database
from storage.models import CheckinRun, Sprint, Stadsdeel, Team, TeamKind
from storage.repositories import Memberships, Teams
from storage.summaries import LessonRow, RunFigures, SummaryQueries, TeamRow

# How many weeks the chart looks back, the current one included.
HISTORY_WEEKS = 8
# An average mood of fewer moods than this is never shown (nor charted, nor compared against):
# with one or two, a coordinator could tell a person's own score.
MIN_MOODS_SHOWN = 3
# A change in average mood smaller than this is shown as "about the same".
MOOD_TREND_STEP = 0.25
# Quotes per kind (went well, blockers) and open actions listed; the export has the rest.
MAX_QUOTES = 5
MAX_OPEN_ACTIONS = 8
MAX_LESSONS_PER_THEME = 3
MAX_VOETSTUK = 5
MAX_SHARED_LESSONS = 20
MAX_RISING_THEMES = 3


class PeriodKind(StrEnum):
    THIS_WEEK = "week"
    LAST_WEEK = "last"
    SPRINT = "sprint"


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and the period before it of the same kind, for trends."""

    kind: PeriodKind
    start: datetime
    end: datetime
    previous_start: datetime
    previous_end: datetime
    first_day: date  # local dates, for the heading
    last_day: date

    @property
    def week_key(self) -> str:
        """The ISO week of the period's first day, e.g. "2026-W49" (digest keys)."""
        year, week, _ = self.first_day.isocalendar()
        return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """00:00 of `day` in `zone`, in UTC (DST-correct: zoneinfo picks the offset of that day)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def week_period(now: datetime, zone: ZoneInfo, weeks_back: int = 0) -> Period:
    """This week so far (`weeks_back=0`: Monday 00:00 until now) or a whole earlier week."""
    monday = monday_of(now.astimezone(zone).date()) - timedelta(weeks=weeks_back)
    start = local_midnight(monday, zone)
    next_monday = monday + timedelta(days=7)
    end = now if weeks_back == 0 else local_midnight(next_monday, zone)
    previous_start = local_midnight(monday - timedelta(days=7), zone)
    kind = PeriodKind.THIS_WEEK if weeks_back == 0 else PeriodKind.LAST_WEEK
    last_day = now.astimezone(zone).date() if weeks_back == 0 else next_monday - timedelta(days=1)
    return Period(kind, start, end, previous_start, start, monday, last_day)


def week_starts(period_end: datetime, zone: ZoneInfo, weeks: int = HISTORY_WEEKS) -> list[date]:
    """The Mondays of the `weeks` weeks up to the one `period_end` falls in (oldest first)."""
    last_moment = period_end - timedelta(microseconds=1)
    monday = monday_of(last_moment.astimezone(zone).date())
    return [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


# --- what a summary holds (built by the service, shown by bot/handlers/summary_views.py) --------


@dataclass(frozen=True)
class Participation:
    prompted: int  # the check-in reached them (away and unreachable people are not counted)
    answered: int

    @property
    def percent(self) -> int | None:
        return None if self.prompted == 0 else round(100 * self.answered / self.prompted)


@dataclass(frozen=True)
class Mood:
    average: float | None  # None: fewer than MIN_MOODS_SHOWN moods given in the period
    previous: float | None
    count: int  # moods given in the period (a team's, never one person's score)

    @property
    def trend(self) -> Trend | None:
        if self.average is None or self.previous is None:
            return None
        change = self.average - self.previous
        if change >= MOOD_TREND_STEP:
            return Trend.UP
        if change <= -MOOD_TREND_STEP:
            return Trend.DOWN
        return Trend.SAME


@dataclass(frozen=True)
class SprintLine:
    number: int
    goal: str
    day: int  # 1 on the sprint's first day
    length_days: int
    closed: bool


@dataclass(frozen=True)
class Quote:
    text: str
    author: str  # shown to coordinators; a group sees quotes only when the team opted in


@dataclass(frozen=True)
class OpenAction:
    text: str
    owner: str
    created_at: datetime


@dataclass(frozen=True)
class ActionFigures:
    opened: int  # named in the period
    done: int  # reviewed in the period, by outcome
    partly: int
    dropped: int
    still_open: int  # all open actions of the team now
    open_actions: list[OpenAction]  # the oldest first, at most MAX_OPEN_ACTIONS


@dataclass(frozen=True)
class ThemeLessons:
    theme: str | None  # None: no theme chosen yet
    count: int
    texts: list[str]  # at most MAX_LESSONS_PER_THEME, newest first


@dataclass(frozen=True)
class Adoption:
    team: str | None  # None: the team is gone
    text: str


@dataclass(frozen=True)
class Recognition:
    """What another team said of one of this team's lessons in the period."""

    lesson_id: int
    lesson_text: str
    endorsements: int  # "herkenbaar" from other teams
    adoptions: list[Adoption]  # "wij probeerden dit"


@dataclass(frozen=True)
class WeekPoint:
    week_start: date  # the Monday
    participation: float | None  # percent; None: no check-in reached anyone that week
    mood: float | None  # average; None: no mood given


@dataclass(frozen=True)
class TeamSummary:
    team_id: int
    team_name: str
    kind: TeamKind
    stadsdeel: Stadsdeel
    period: Period
    sprint: SprintLine | None
    participation: Participation
    away: list[str]  # names, for coordinators only
    unreachable: list[str]
    mood: Mood
    went_well: list[Quote]
    blockers: list[Quote]
    actions: ActionFigures
    new_lessons: int  # decided lessons written in the period (team-only and shared)
    lessons_by_theme: list[ThemeLessons]  # the most lessons first
    shared_lessons: list[str]  # lessons shared with the city log in the period (for the group)
    recognition: list[Recognition]
    share_answers_in_group: bool  # the team opted in to more than figures in its group
    history: list[WeekPoint]  # HISTORY_WEEKS weeks, oldest first


@dataclass(frozen=True)
class GroupFigures:
    """The figures of one stadsdeel or one team kind (or the whole network)."""

    key: str  # a Stadsdeel or TeamKind value; "" for the whole network
    teams: int
    active: int  # teams with at least one answered check-in in the period
    participation: Participation
    mood: Mood


@dataclass(frozen=True)
class Highlight:
    """A lesson "op een voetstuk": the most recognised shared lessons of the period."""

    lesson_id: int
    text: str
    team: str
    stadsdeel: Stadsdeel
    endorsements: int  # received in the period
    adoptions: int


@dataclass(frozen=True)
class RisingTheme:
    theme: str
    count: int  # new shared lessons with this theme in the period
    previous: int  # in the period before


@dataclass(frozen=True)
class NetworkSummary:
    period: Period
    total: GroupFigures
    by_stadsdeel: list[GroupFigures]  # only stadsdelen with teams, in Stadsdeel order
    by_kind: list[GroupFigures]  # only kinds with teams, in TeamKind order
    voetstuk: list[Highlight]
    rising_themes: list[RisingTheme]
    quiet_teams: list[str]  # no check-in answered in this period nor the one before
    new_shared_lessons: int
    history: list[WeekPoint]


@dataclass(frozen=True)
class SummaryChoices:
    """What /summary may show this person: their coordinated teams, and the network."""

    teams: list[tuple[int, str]]  # (team id, name), by name
    network: bool


class SummaryService:
    """Who may see which summary, and the summaries themselves (SQL in storage/summaries.py)."""

    def __init__(self, database: Database, clock: Clock, zone: ZoneInfo) -> None:
        self._db = database
        self._clock = clock
        self.zone = zone

    async def choices(self, actor: Actor) -> SummaryChoices:
        """The teams the person coordinates, and the network for a steunpunt admin; a member
        or someone in no team is refused kindly."""
        async with self._db.unit_of_work() as session:
            teams = await Memberships(session).coordinated_by(actor.person_id)
        if not teams and not actor.is_admin:
            raise ServiceError(RULES[Permission.VIEW_SUMMARY].no_team or "denied.summary")
        return SummaryChoices(teams, network=actor.is_admin)

    async def team_summary(self, actor: Actor, team_id: int, kind: PeriodKind) -> TeamSummary:
        """A team's summary for a coordinator of the team (or an admin)."""
        async with self._db.unit_of_work() as session:
            team = await Teams(session).get(team_id)
            if team is None:
                raise ServiceError("error.button_expired")
            roles = await authorize(session, actor, Permission.VIEW_SUMMARY, team)
            period = await self._period(session, team, kind)
            # A steunpunt admin outside the team sees its team-only lessons counted, not read.
            in_team = bool(roles & {Role.MEMBER, Role.COORDINATOR})
            summary = await self.team_summary_for(team_id, period, team_only_texts=in_team)
        assert summary is not None  # the team was found in this same unit of work
        return summary

    async def network_summary(self, actor: Actor, kind: PeriodKind) -> NetworkSummary:
        """The network view, for steunpunt admins (a week: this one or the last)."""
        authorize_without_team(actor, Permission.VIEW_NETWORK)
        weeks_back = 1 if kind is PeriodKind.LAST_WEEK else 0
        return await self.network_summary_for(self.week(weeks_back=weeks_back))

    def week(self, now: datetime | None = None, weeks_back: int = 0) -> Period:
        return week_period(now or self._clock(), self.zone, weeks_back)

    async def _period(self, session: AsyncSession, team: Team, kind: PeriodKind) -> Period:
        if kind is not PeriodKind.SPRINT:
            return self.week(weeks_back=1 if kind is PeriodKind.LAST_WEEK else 0)
        now = self._clock()
        sprints = await SummaryQueries(session).latest_sprints(team.id, 2)
        if not sprints:
            raise ServiceError("summary.no_sprint", team=team.name)
        sprint = sprints[0]
        end = min(now, sprint.closed_at or now)
        # The sprint before, for the trend; else as long a stretch just before this one.
        if len(sprints) > 1:
            before = sprints[1]
            previous_start, previous_end = before.starts_at, before.closed_at or sprint.starts_at
        else:
            previous_start, previous_end = (
                sprint.starts_at - (end - sprint.starts_at),
                sprint.starts_at,
            )
        return Period(
            PeriodKind.SPRINT,
            sprint.starts_at,
            end,
            previous_start,
            previous_end,
            sprint.starts_at.astimezone(self.zone).date(),
            end.astimezone(self.zone).date(),
        )

    # --- a team --------------------------------------------------------------------------------

    async def team_summary_for(
        self, team_id: int, period: Period, *, team_only_texts: bool = True
    ) -> TeamSummary | None:
        """Without checking who asks (the weekly digest to the team's coordinators, the demo,
        benchmarks); None when the team is gone. Without `team_only_texts`, lessons kept in
        the team are counted but their texts left out (for readers outside the team)."""
        async with self._db.unit_of_work() as session:
            queries = SummaryQueries(session)
            found = await queries.team(team_id)
            if found is None:
                return None
            team, share_answers = found
            history_start = local_midnight(week_starts(period.end, self.zone)[0], self.zone)
            earliest = min(history_start, period.previous_start)
            figures = await queries.run_figures(earliest, period.end, team_id)
            current = _within(figures, period.start, period.end)
            previous = _within(figures, period.previous_start, period.previous_end)
            runs = await queries.runs(team_id, period.start, period.end)
            away, unreachable = await queries.people_not_reached([run.id for run in runs])
            went_well, blockers = await self._quotes(queries, runs)
            counts = await queries.action_counts(team_id, period.start, period.end)
            open_actions = await queries.open_actions(team_id, MAX_OPEN_ACTIONS)
            lessons = await queries.lessons(team_id, period.start, period.end)
            recognition = await self._recognition(
                queries, team_id, period, shared_only=not team_only_texts
            )
            sprint = await queries.sprint_at(team_id, period.end - timedelta(microseconds=1))
        return TeamSummary(
            team_id=team.id,
            team_name=team.name,
            kind=team.kind,
            stadsdeel=team.stadsdeel,
            period=period,
            sprint=self._sprint_line(sprint, period),
            participation=_participation(current),
            away=away,
            unreachable=unreachable,
            mood=_mood(current, previous),
            went_well=went_well,
            blockers=blockers,
            actions=ActionFigures(
                opened=counts.opened,
                done=counts.done,
                partly=counts.partly,
                dropped=counts.dropped,
                still_open=counts.still_open,
                open_actions=[OpenAction(text, owner, at) for text, owner, at in open_actions],
            ),
            new_lessons=len({lesson.lesson_id for lesson in lessons if lesson.written}),
            lessons_by_theme=_by_theme([row for row in lessons if row.written], team_only_texts),
            shared_lessons=_shared(lessons),
            recognition=recognition,
            share_answers_in_group=share_answers,
            history=self._history(figures, period.end),
        )

    async def _quotes(
        self, queries: SummaryQueries, runs: list[CheckinRun]
    ) -> tuple[list[Quote], list[Quote]]:
        """What went well and what got in the way, from the runs' built-in questions."""
        topics: dict[tuple[int, str], bool] = {}  # (run, step key) -> went well?
        for run in runs:
            for index, question in enumerate(questions_from_json(run.questions)):
                if question.key in WENT_WELL or question.key in BLOCKERS:
                    topics[run.id, f"q:{index}"] = question.key in WENT_WELL
        keys: dict[int, list[str]] = {}
        for run_id, key in topics:
            keys.setdefault(run_id, []).append(key)
        went_well: list[Quote] = []
        blockers: list[Quote] = []
        for row in await queries.quotes(keys, 4 * MAX_QUOTES):
            into = went_well if topics[row.run_id, row.step_key] else blockers
            if len(into) < MAX_QUOTES:
                into.append(Quote(row.text, row.author))
        return went_well, blockers

    async def _recognition(
        self, queries: SummaryQueries, team_id: int, period: Period, *, shared_only: bool
    ) -> list[Recognition]:
        texts: dict[int, str] = {}
        endorsed: dict[int, int] = {}
        for lesson_id, text, count in await queries.endorsements_received(
            team_id, period.start, period.end, shared_only=shared_only
        ):
            texts[lesson_id], endorsed[lesson_id] = text, count
        adopted: dict[int, list[Adoption]] = {}
        for lesson_id, text, team, line in await queries.adoptions_received(
            team_id, period.start, period.end, 20, shared_only=shared_only
        ):
            texts[lesson_id] = text
            adopted.setdefault(lesson_id, []).append(Adoption(team, line))
        order = sorted(texts, key=lambda i: (-endorsed.get(i, 0), -len(adopted.get(i, [])), i))
        return [Recognition(i, texts[i], endorsed.get(i, 0), adopted.get(i, [])) for i in order]

    def _sprint_line(self, sprint: Sprint | None, period: Period) -> SprintLine | None:
        if sprint is None:
            return None
        start = sprint.starts_at.astimezone(self.zone).date()
        end = (sprint.closed_at or sprint.ends_at).astimezone(self.zone).date()
        planned = sprint.ends_at.astimezone(self.zone).date()
        length = max((planned - start).days, 1)
        # A sprint closed on its last morning (the day after its 14th) still reads "day 14".
        day = min((min(period.last_day, end) - start).days + 1, length)
        return SprintLine(
            number=sprint.number,
            goal=sprint.goal,
            day=max(day, 1),
            length_days=length,
            closed=sprint.closed_at is not None and sprint.closed_at < period.end,
        )

    def _history(self, figures: list[RunFigures], end: datetime) -> list[WeekPoint]:
        points = []
        mondays = week_starts(end, self.zone)
        for monday in mondays:
            start = local_midnight(monday, self.zone)
            week = _within(figures, start, local_midnight(monday + timedelta(days=7), self.zone))
            participation = _participation(week)
            mood = _mood(week, [])
            points.append(
                WeekPoint(
                    monday,
                    None
                    if participation.prompted == 0
                    else 100 * participation.answered / participation.prompted,
                    mood.average,
                )
            )
        return points

    # --- the network ---------------------------------------------------------------------------

    async def network_summary_for(self, period: Period) -> NetworkSummary:
        async with self._db.unit_of_work() as session:
            queries = SummaryQueries(session)
            teams = await queries.teams()
            history_start = local_midnight(week_starts(period.end, self.zone)[0], self.zone)
            earliest = min(history_start, period.previous_start)
            figures = await queries.run_figures(earliest, period.end)
            highlights = await queries.voetstuk(period.start, period.end, MAX_VOETSTUK)
            themes = await queries.shared_theme_counts(
                period.previous_start, period.start, period.end
            )
            shared = await queries.shared_count(period.start, period.end)
        by_team: dict[int, list[RunFigures]] = {}
        for run in figures:
            by_team.setdefault(run.team_id, []).append(run)

        def group(key: str, members: list[TeamRow]) -> GroupFigures:
            runs = [run for team in members for run in by_team.get(team.id, [])]
            current = _within(runs, period.start, period.end)
            active = {run.team_id for run in current if run.answered > 0}
            return GroupFigures(
                key=key,
                teams=len(members),
                active=len(active),
                participation=_participation(current),
                mood=_mood(current, _within(runs, period.previous_start, period.previous_end)),
            )

        quiet = []
        for team in teams:
            runs = by_team.get(team.id, [])
            recent = _within(runs, period.previous_start, period.end)
            # Went quiet: answered before in the chart's weeks, not in this period or the last.
            if any(run.answered for run in runs) and not any(run.answered for run in recent):
                quiet.append(team.name)
        rising = sorted(
            (
                RisingTheme(theme, count, before)
                for theme, count, before in themes
                if count > before
            ),
            key=lambda r: (-(r.count - r.previous), -r.count, r.theme),
        )[:MAX_RISING_THEMES]
        return NetworkSummary(
            period=period,
            total=group("", teams),
            by_stadsdeel=[
                group(stadsdeel.value, members)
                for stadsdeel in Stadsdeel
                if (members := [team for team in teams if team.stadsdeel is stadsdeel])
            ],
            by_kind=[
                group(kind.value, members)
                for kind in TeamKind
                if (members := [team for team in teams if team.kind is kind])
            ],
            voetstuk=[
                Highlight(h.lesson_id, h.text, h.team, h.stadsdeel, h.endorsements, h.adoptions)
                for h in highlights
            ],
            rising_themes=rising,
            quiet_teams=quiet,
            new_shared_lessons=shared,
            history=self._history(figures, period.end),
        )


def _within(figures: list[RunFigures], start: datetime, end: datetime) -> list[RunFigures]:
    return [run for run in figures if start <= run.scheduled_for < end]


def _participation(runs: list[RunFigures]) -> Participation:
    return Participation(sum(run.prompted for run in runs), sum(run.answered for run in runs))


def _mood(runs: list[RunFigures], previous_runs: list[RunFigures]) -> Mood:
    def average(chosen: list[RunFigures]) -> float | None:
        count = sum(run.mood_count for run in chosen)
        if count < MIN_MOODS_SHOWN:
            return None  # too few to show anyone's average without showing someone's score
        return sum(run.mood_total for run in chosen) / count

    return Mood(average(runs), average(previous_runs), sum(run.mood_count for run in runs))


def _by_theme(lessons: list[LessonRow], team_only_texts: bool) -> list[ThemeLessons]:
    counts: dict[str | None, int] = {}
    texts: dict[str | None, list[str]] = {}
    for row in lessons:
        counts[row.theme] = counts.get(row.theme, 0) + 1
        if row.city or team_only_texts:
            texts.setdefault(row.theme, []).append(row.text)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    return [
        ThemeLessons(theme, count, texts.get(theme, [])[:MAX_LESSONS_PER_THEME])
        for theme, count in ordered
    ]


def _shared(lessons: list[LessonRow]) -> list[str]:
    """Texts of the lessons shared in the period, each once (a lesson comes once per theme)."""
    seen: dict[int, str] = {}
    for row in lessons:
        if row.shared:
            seen.setdefault(row.lesson_id, row.text)
    return list(seen.values())[:MAX_SHARED_LESSONS]

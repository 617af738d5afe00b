"""Summaries for coordinators and the steunpunt: a team's week or sprint in figures and quotes,
and the network at a glance. Figures are aggregated in SQL (`storage/summaries.py`); this module
chooses the periods (weeks run Monday 00:00 to Monday 00:00 in the steunpunt's time zone, so a
week with a clock change is 167 or 169 hours) and checks who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.services.common import Actor, Clock
from storage.database import Database
from storage.models import Stadsdeel, TeamKind

# How many weeks the chart looks back, the current one included.
HISTORY_WEEKS = 8
# A change in average mood smaller than this is shown as "about the same".
MOOD_TREND_STEP = 0.25
# Quotes per kind (went well, blockers) and open actions listed; the export has the rest.
MAX_QUOTES = 5
MAX_OPEN_ACTIONS = 8
MAX_LESSONS_PER_THEME = 3
MAX_VOETSTUK = 5
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
    average: float | None  # None: nobody gave a mood in the period
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
    """Who may see which summary, and the summaries themselves (see storage/summaries.py)."""

    def __init__(self, database: Database, clock: Clock, zone: ZoneInfo) -> None:
        self._db = database
        self._clock = clock
        self.zone = zone

    async def choices(self, actor: Actor) -> SummaryChoices:
        """The teams the person coordinates, and the network for a steunpunt admin; a member
        or someone in no team is refused kindly."""
        raise NotImplementedError

    async def team_summary(self, actor: Actor, team_id: int, kind: PeriodKind) -> TeamSummary:
        """A team's summary for a coordinator of the team (or an admin)."""
        raise NotImplementedError

    async def network_summary(self, actor: Actor, kind: PeriodKind) -> NetworkSummary:
        """The network view, for steunpunt admins."""
        raise NotImplementedError

    def week(self, now: datetime | None = None, weeks_back: int = 0) -> Period:
        return week_period(now or self._clock(), self.zone, weeks_back)

    async def team_summary_for(self, team_id: int, period: Period) -> TeamSummary | None:
        """Without checking who asks (the weekly digest, the demo, benchmarks); None when the
        team is gone."""
        raise NotImplementedError

    async def network_summary_for(self, period: Period) -> NetworkSummary:
        raise NotImplementedError

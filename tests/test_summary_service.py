"""Summaries at the service level: a fixed clock and known rows give exact figures (participation,
mood and its trend, quotes, actions, lessons by theme, recognition from other teams, the
network's groups, the voetstuk, rising themes and quiet teams), weeks in Europe/Amsterdam
including the two clock changes, and who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.common import Actor
from bot.services.summaries import (
    Adoption,
    GroupFigures,
    Mood,
    Participation,
    PeriodKind,
    Quote,
    Recognition,
    RisingTheme,
    ThemeLessons,
    Trend,
    week_period,
    week_starts,
)
from storage.models import (
    ActionStatus,
    Lesson,
    LessonVisibility,
    PromptStatus,
    RunStatus,
    Sprint,
    Stadsdeel,
    Team,
    TeamKind,
)
from tests.support.scene import Scene
from tests.support.services import PlainServices, refused

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Wednesday 2 December 2026, 13:00 in Amsterdam: this week began Monday 30 November 00:00 CET.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
THIS_MONDAY = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
LAST_MONDAY = THIS_MONDAY - timedelta(days=7)


# --- weeks ---------------------------------------------------------------------------------------


def test_a_week_starts_on_monday_at_midnight_in_amsterdam() -> None:
    this_week = week_period(NOW, AMSTERDAM)
    assert (this_week.start, this_week.end) == (THIS_MONDAY, NOW)
    assert (this_week.previous_start, this_week.previous_end) == (LAST_MONDAY, THIS_MONDAY)
    assert (this_week.first_day, this_week.last_day) == (date(2026, 11, 30), date(2026, 12, 2))
    assert this_week.week_key == "2026-W49"
    last_week = week_period(NOW, AMSTERDAM, weeks_back=1)
    assert (last_week.start, last_week.end) == (LAST_MONDAY, THIS_MONDAY)
    assert (last_week.first_day, last_week.last_day) == (date(2026, 11, 23), date(2026, 11, 29))
    assert last_week.kind is PeriodKind.LAST_WEEK
    # Sunday 23:30 in Amsterdam is still the old week; Monday 00:00 the new one.
    sunday_late = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)
    assert week_period(sunday_late, AMSTERDAM).start == LAST_MONDAY
    assert week_period(THIS_MONDAY, AMSTERDAM).start == THIS_MONDAY


@pytest.mark.parametrize(
    ("moment", "monday_utc", "next_monday_utc", "hours"),
    [
        # Summer time starts Sunday 29 March 2026: that week is an hour short.
        (
            datetime(2026, 3, 29, 21, 30, tzinfo=UTC),  # Sunday 23:30 CEST
            datetime(2026, 3, 22, 23, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
            167,
        ),
        # Winter time starts Sunday 25 October 2026: that week is an hour long.
        (
            datetime(2026, 10, 25, 22, 30, tzinfo=UTC),  # Sunday 23:30 CET
            datetime(2026, 10, 18, 22, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
            169,
        ),
    ],
)
def test_the_weeks_of_the_clock_changes(
    moment: datetime, monday_utc: datetime, next_monday_utc: datetime, hours: int
) -> None:
    week = week_period(moment, AMSTERDAM)
    assert week.start == monday_utc
    whole = week_period(next_monday_utc + timedelta(hours=1), AMSTERDAM, weeks_back=1)
    assert (whole.start, whole.end) == (monday_utc, next_monday_utc)
    assert whole.end - whole.start == timedelta(hours=hours)
    assert week_starts(whole.end, AMSTERDAM)[-1] == monday_utc.astimezone(AMSTERDAM).date()


def test_trend_needs_a_real_change() -> None:
    """(Averages of fewer than MIN_MOODS_SHOWN moods are None: see the network test.)"""
    assert Mood(3.5, 2.5, 4).trend is Trend.UP
    assert Mood(3.0, 3.2, 4).trend is Trend.SAME
    assert Mood(2.5, 3.0, 4).trend is Trend.DOWN
    assert Mood(3.0, None, 4).trend is None
    assert Mood(None, 3.0, 0).trend is None
    assert Participation(0, 0).percent is None
    assert Participation(3, 2).percent == 67


# --- a known team --------------------------------------------------------------------------------


@dataclass
class City:
    noord: Team
    oost: Team
    west: Team
    cor: Actor  # coordinator of Noord
    otto: Actor  # coordinator of Oost
    mila: Actor
    nina: Actor
    pim: Actor
    ali: Actor
    bram: Actor  # member of Oost
    admin: Actor
    lessons: dict[str, int]


@pytest.fixture
async def city(services: PlainServices) -> City:
    services.clock.now = NOW - timedelta(weeks=10)
    async with services.together():
        people = [
            await services.person(800 + i, name)
            for i, name in enumerate(("Cor", "Otto", "Mila", "Nina", "Pim", "Ali", "Bram", "Wim"))
        ]
        cor, otto, mila, nina, pim, ali, bram, wim = people
        noord, _ = await services.team(
            "Rattenaanpak Noord", coordinator=cor, members=(mila, nina, pim, ali)
        )
        oost, _ = await services.team(
            "Energie Oost", TeamKind.GEBIEDSTEAM, Stadsdeel.OOST, coordinator=otto, members=(bram,)
        )
        west, _ = await services.team("Stil West", TeamKind.INITIATIEF, Stadsdeel.WEST, wim)
        admin = await services.admin()
    services.clock.now = NOW
    scene = Scene(services)
    done, active = PromptStatus.DONE, PromptStatus.ACTIVE
    # This week: two check-ins of Noord.
    await scene.run(
        noord,
        THIS_MONDAY + timedelta(hours=9, minutes=30),
        [
            (
                mila,
                done,
                4,
                {1: "De buurt deed mee", 2: "Geen vergunning <b>voor</b> de container"},
            ),
            (nina, done, 2, {2: "De gemeente belt niet terug"}),
            (pim, active, None, {}),
            (ali, PromptStatus.AWAY, None, {}),
        ],
    )
    await scene.run(
        noord,
        THIS_MONDAY + timedelta(days=1, hours=9),
        [
            (mila, done, 5, {1: "Subsidie rond"}),
            (nina, PromptStatus.UNREACHABLE, None, {}),
            (pim, active, 3, {}),
        ],
        status=RunStatus.OPEN,
    )
    # A slot that was missed asks nobody and counts for nothing.
    await scene.run(noord, THIS_MONDAY + timedelta(hours=2), [], status=RunStatus.MISSED)
    # Last week: moods 2 and 3; and a week long ago whose answers are gone (figures kept).
    await scene.run(
        noord,
        LAST_MONDAY + timedelta(hours=9),
        [(mila, done, 2, {}), (nina, done, 3, {}), (pim, done, 2, {})],
    )
    await scene.run(noord, THIS_MONDAY - timedelta(weeks=5), [], kept=(4, 3, 3, 12))
    # Oost answered this week; West answered five weeks ago and then went quiet.
    await scene.run(
        oost, THIS_MONDAY + timedelta(hours=10), [(bram, done, 5, {}), (otto, active, None, {})]
    )
    await scene.run(oost, LAST_MONDAY + timedelta(hours=10), [(bram, done, 4, {})])
    await scene.run(west, THIS_MONDAY - timedelta(weeks=5), [(wim, done, 3, {})])
    # Actions of Noord.
    monday = THIS_MONDAY + timedelta(hours=10)
    await scene.action(noord, mila, "Bel de gebiedsmakelaar", monday - timedelta(weeks=3))
    await scene.action(noord, nina, "Flyers drukken", monday)
    await scene.action(noord, pim, "Container bestellen", monday, ActionStatus.DONE, monday)
    await scene.action(noord, pim, "Buurtapp opzetten", monday, ActionStatus.PARTLY, monday)
    await scene.action(
        noord, mila, "Oud plan", LAST_MONDAY, ActionStatus.DROPPED, LAST_MONDAY + timedelta(days=1)
    )
    # Lessons of Noord: three this week (decided), one undecided, one last week.
    lessons = {
        "geld": await scene.lesson(
            noord,
            mila,
            "Vraag subsidie vroeg aan",
            monday,
            ("financiering", "routes"),
            LessonVisibility.CITY,
        ),
        "fonds": await scene.lesson(noord, nina, "Het buurtfonds helpt", monday, ("financiering",)),
        "los": await scene.lesson(noord, pim, "Koffie werkt", monday + timedelta(hours=1)),
        "kladje": await scene.lesson(noord, pim, "Nog niet besloten", monday, decided=False),
        "oud": await scene.lesson(
            noord, mila, "Vorige week geleerd", LAST_MONDAY, ("cultuur",), LessonVisibility.CITY
        ),
        "oost": await scene.lesson(
            oost, bram, "Zon op het dak", LAST_MONDAY, ("financiering",), LessonVisibility.CITY
        ),
    }
    # Recognition: Oost finds "geld" herkenbaar twice and tried it; Noord's own 👍 does not count.
    await scene.endorse(lessons["geld"], bram, oost, monday)
    await scene.endorse(lessons["geld"], otto, oost, monday)
    await scene.endorse(lessons["oud"], bram, oost, monday)
    await scene.endorse(lessons["geld"], nina, noord, monday)
    await scene.endorse(lessons["oud"], otto, oost, LAST_MONDAY)  # last week: not this week's
    await scene.adopt(lessons["geld"], otto, oost, "Wij vroegen het in oktober aan", monday)
    await scene.endorse(lessons["oost"], mila, noord, monday)
    return City(noord, oost, west, cor, otto, mila, nina, pim, ali, bram, admin, lessons)


async def test_a_team_summary_has_exact_figures(services: PlainServices, city: City) -> None:
    summary = await services.summaries.team_summary(city.cor, city.noord.id, PeriodKind.THIS_WEEK)
    assert summary.team_name == "Rattenaanpak Noord"
    assert (summary.period.start, summary.period.end) == (THIS_MONDAY, NOW)
    # Run 1: Mila, Nina done, Pim reached but silent (Ali away: not prompted); run 2: Mila done,
    # Pim gave a mood (Nina unreachable: not prompted).
    assert summary.participation == Participation(prompted=5, answered=4)
    assert summary.participation.percent == 80
    assert (summary.away, summary.unreachable) == (["Ali"], ["Nina"])
    assert summary.mood == Mood(average=(4 + 2 + 5 + 3) / 4, previous=7 / 3, count=4)
    assert summary.mood.trend is Trend.UP
    assert summary.went_well == [Quote("Subsidie rond", "Mila"), Quote("De buurt deed mee", "Mila")]
    assert summary.blockers == [
        Quote("Geen vergunning <b>voor</b> de container", "Mila"),
        Quote("De gemeente belt niet terug", "Nina"),
    ]
    actions = summary.actions
    assert (actions.opened, actions.done, actions.partly, actions.dropped) == (3, 1, 1, 0)
    assert actions.still_open == 2
    assert [(a.text, a.owner) for a in actions.open_actions] == [
        ("Bel de gebiedsmakelaar", "Mila"),
        ("Flyers drukken", "Nina"),
    ]
    assert summary.new_lessons == 3
    assert summary.lessons_by_theme == [
        ThemeLessons("financiering", 2, ["Het buurtfonds helpt", "Vraag subsidie vroeg aan"]),
        ThemeLessons("routes", 1, ["Vraag subsidie vroeg aan"]),
        ThemeLessons(None, 1, ["Koffie werkt"]),
    ]
    assert summary.shared_lessons == ["Vraag subsidie vroeg aan"]
    assert summary.recognition == [
        Recognition(
            city.lessons["geld"],
            "Vraag subsidie vroeg aan",
            2,
            [Adoption("Energie Oost", "Wij vroegen het in oktober aan")],
        ),
        Recognition(city.lessons["oud"], "Vorige week geleerd", 1, []),
    ]
    assert summary.sprint is None
    assert summary.share_answers_in_group is False


async def test_eight_weeks_of_history_count_kept_figures_too(
    services: PlainServices, city: City
) -> None:
    summary = await services.summaries.team_summary(city.cor, city.noord.id, PeriodKind.THIS_WEEK)
    history = summary.history
    assert [point.week_start for point in history] == [
        date(2026, 11, 30) - timedelta(weeks=back) for back in range(7, -1, -1)
    ]
    by_week = {point.week_start: (point.participation, point.mood) for point in history}
    assert by_week[date(2026, 11, 30)] == (80.0, 3.5)
    assert by_week[date(2026, 11, 23)] == (100.0, 7 / 3)
    # Five weeks ago the answers were deleted; the kept figures still count.
    assert by_week[date(2026, 10, 26)] == (75.0, 4.0)
    assert by_week[date(2026, 11, 16)] == (None, None)


async def test_last_week_and_the_week_before(services: PlainServices, city: City) -> None:
    summary = await services.summaries.team_summary(city.cor, city.noord.id, PeriodKind.LAST_WEEK)
    assert summary.participation == Participation(3, 3)
    assert summary.mood == Mood(7 / 3, None, 3)
    assert summary.mood.trend is None
    assert (summary.actions.opened, summary.actions.dropped) == (1, 1)
    assert summary.went_well == summary.blockers == []
    assert summary.history[-1].week_start == date(2026, 11, 23)


async def test_the_sprint_period(services: PlainServices, city: City) -> None:
    await refused(
        "summary.no_sprint",
        services.summaries.team_summary(city.cor, city.noord.id, PeriodKind.SPRINT),
    )
    async with services.together() as session:
        session.add(
            Sprint(
                team_id=city.noord.id,
                number=3,
                goal="Minder ratten",
                starts_at=LAST_MONDAY + timedelta(days=3),  # Thursday 26 November
                ends_at=LAST_MONDAY + timedelta(days=17),
                closed_at=None,
            )
        )
    summary = await services.summaries.team_summary(city.cor, city.noord.id, PeriodKind.SPRINT)
    assert summary.period.kind is PeriodKind.SPRINT
    assert (summary.period.first_day, summary.period.last_day) == (
        date(2026, 11, 26),
        date(2026, 12, 2),
    )
    assert summary.participation == Participation(5, 4)  # last Monday's run was before it
    assert summary.sprint is not None
    assert (summary.sprint.number, summary.sprint.goal) == (3, "Minder ratten")
    assert (summary.sprint.day, summary.sprint.length_days, summary.sprint.closed) == (7, 14, False)


async def test_the_network(services: PlainServices, city: City) -> None:
    network = await services.summaries.network_summary(city.admin, PeriodKind.THIS_WEEK)
    assert network.total == GroupFigures("", 3, 2, Participation(7, 5), Mood(19 / 5, 11 / 4, 5))
    assert [g.key for g in network.by_stadsdeel] == ["noord", "oost", "west"]
    noord, oost, west = network.by_stadsdeel
    assert (noord.teams, noord.active, noord.participation) == (1, 1, Participation(5, 4))
    # One mood this week and one last week: neither is shown, nor compared (it would be Bram's).
    assert oost == GroupFigures("oost", 1, 1, Participation(2, 1), Mood(None, None, 1))
    assert oost.mood.trend is None
    assert west == GroupFigures("west", 1, 0, Participation(0, 0), Mood(None, None, 0))
    assert [(g.key, g.teams, g.active) for g in network.by_kind] == [
        ("gebiedsteam", 1, 1),
        ("initiatief", 2, 1),
    ]
    assert [(h.text, h.team, h.endorsements, h.adoptions) for h in network.voetstuk] == [
        ("Vraag subsidie vroeg aan", "Rattenaanpak Noord", 3, 1),
        ("Vorige week geleerd", "Rattenaanpak Noord", 1, 0),
        ("Zon op het dak", "Energie Oost", 1, 0),
    ]
    # Shared this week: financiering and routes (once each); last week cultuur, financiering.
    assert network.rising_themes == [RisingTheme("routes", 1, 0)]
    assert network.quiet_teams == ["Stil West"]
    assert network.new_shared_lessons == 1
    assert network.history[-1].participation == pytest.approx(100 * 5 / 7)


async def test_who_may_see_what(services: PlainServices, city: City) -> None:
    choices = await services.summaries.choices(city.cor)
    assert (choices.teams, choices.network) == ([(city.noord.id, "Rattenaanpak Noord")], False)
    admin_choices = await services.summaries.choices(city.admin)
    assert (admin_choices.teams, admin_choices.network) == ([], True)
    await refused("denied.summary", services.summaries.choices(city.mila))
    async with services.together():
        outsider = await services.person(999, "Olga")
    await refused("denied.summary", services.summaries.choices(outsider))
    # A coordinator sees only their own teams; a member never; an admin every team.
    await refused(
        "denied.coordinator",
        services.summaries.team_summary(city.otto, city.noord.id, PeriodKind.THIS_WEEK),
    )
    await refused(
        "denied.coordinator",
        services.summaries.team_summary(city.mila, city.noord.id, PeriodKind.THIS_WEEK),
    )
    seen = await services.summaries.team_summary(city.admin, city.oost.id, PeriodKind.LAST_WEEK)
    assert seen.participation == Participation(1, 1)
    await refused(
        "denied.admin_network",
        services.summaries.network_summary(city.cor, PeriodKind.THIS_WEEK),
    )
    await refused(
        "error.button_expired",
        services.summaries.team_summary(city.admin, 4242, PeriodKind.THIS_WEEK),
    )
    assert await services.summaries.team_summary_for(4242, services.summaries.week()) is None


async def test_an_empty_network(services: PlainServices) -> None:
    async with services.together():
        admin = await services.admin()
    network = await services.summaries.network_summary(admin, PeriodKind.THIS_WEEK)
    assert network.total == GroupFigures("", 0, 0, Participation(0, 0), Mood(None, None, 0))
    assert network.by_stadsdeel == network.by_kind == network.voetstuk == []
    assert network.quiet_teams == []
    assert network.rising_themes == []
    assert all(point.participation is None for point in network.history)


async def test_an_admin_outside_the_team_counts_its_team_only_lessons_without_reading_them(
    services: PlainServices, city: City
) -> None:
    summary = await services.summaries.team_summary(city.admin, city.noord.id, PeriodKind.THIS_WEEK)
    assert summary.new_lessons == 3
    assert summary.lessons_by_theme == [
        ThemeLessons("financiering", 2, ["Vraag subsidie vroeg aan"]),
        ThemeLessons("routes", 1, ["Vraag subsidie vroeg aan"]),
        ThemeLessons(None, 1, []),
    ]


async def test_a_lesson_written_last_week_and_shared_this_week(
    services: PlainServices, city: City
) -> None:
    lesson_id = await Scene(services).lesson(
        city.noord, city.pim, "Eerst bellen, dan mailen", LAST_MONDAY, ("routes",)
    )
    async with services.together() as session:
        lesson = await session.get(Lesson, lesson_id)
        assert lesson is not None
        lesson.visibility, lesson.decided_at = LessonVisibility.CITY, THIS_MONDAY
    summary = await services.summaries.team_summary(city.cor, city.noord.id, PeriodKind.THIS_WEEK)
    assert summary.shared_lessons == ["Vraag subsidie vroeg aan", "Eerst bellen, dan mailen"]
    assert summary.new_lessons == 3  # written last week: not new this week
    last_week = await services.summaries.team_summary(city.cor, city.noord.id, PeriodKind.LAST_WEEK)
    assert ThemeLessons("routes", 1, ["Eerst bellen, dan mailen"]) in last_week.lessons_by_theme
    assert last_week.shared_lessons == ["Vorige week geleerd"]


async def test_the_chart_never_shows_one_persons_mood(services: PlainServices, city: City) -> None:
    """Oost's weeks have one mood each (Bram's): its chart gets participation, no mood."""
    summary = await services.summaries.team_summary(city.otto, city.oost.id, PeriodKind.THIS_WEEK)
    assert summary.mood == Mood(None, None, 1)
    weeks = {point.week_start: point for point in summary.history}
    assert (weeks[date(2026, 11, 30)].participation, weeks[date(2026, 11, 30)].mood) == (50.0, None)
    assert (weeks[date(2026, 11, 23)].participation, weeks[date(2026, 11, 23)].mood) == (
        100.0,
        None,
    )


async def test_a_lesson_taken_back_into_its_team_is_not_quoted_to_an_outsider(
    services: PlainServices, city: City
) -> None:
    """Oost recognised "geld" while it was shared; its author then kept it in the team."""
    async with services.together() as session:
        lesson = await session.get(Lesson, city.lessons["geld"])
        assert lesson is not None
        lesson.visibility = LessonVisibility.TEAM
    admin_view = await services.summaries.team_summary(
        city.admin, city.noord.id, PeriodKind.THIS_WEEK
    )
    assert [item.lesson_text for item in admin_view.recognition] == ["Vorige week geleerd"]
    coordinator_view = await services.summaries.team_summary(
        city.cor, city.noord.id, PeriodKind.THIS_WEEK
    )
    assert [item.lesson_text for item in coordinator_view.recognition] == [
        "Vraag subsidie vroeg aan",
        "Vorige week geleerd",
    ]

"""How /summary looks in Telegram: a team's week or sprint, the network at a glance, and the
buttons to pick a team and a period. Pure rendering from the dataclasses in
`bot.services.summaries`; every text comes from the catalogs.

A summary is short paragraphs separated by a blank line, so that `split_message` can split a
long one cleanly; each paragraph keeps what a person typed on one line (line breaks in a quote
would make paragraphs of their own)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardMarkup

from bot.charts import enough_data
from bot.handlers import routes
from bot.handlers.base import ButtonSpec, keyboard
from bot.services.common import Language, text_length
from bot.services.summaries import (
    MIN_MOODS_SHOWN,
    GroupFigures,
    Mood,
    NetworkSummary,
    Period,
    PeriodKind,
    Quote,
    SummaryChoices,
    TeamSummary,
    Trend,
    WeekPoint,
)
from bot.texts import Safe, escaped, t
from bot.texts.formatting import ELLIPSIS, plain_text, short_label, shorten
from storage.models import THEMES, Stadsdeel, TeamKind

# What a summary shows of a typed text: a quote, a lesson, an action (the export has the rest).
QUOTE_LIMIT = 160
ACTION_LIMIT = 120
NAME_LIMIT = 48  # a person's or a team's name in a line
GOAL_LIMIT = 200
NAMES_SHOWN = 20  # away / unreachable / quiet teams: the rest as "+N meer"
BUTTON_LABEL = 32
# The arrow of a trend, for the compact lines of the network view.
TREND_ARROWS = {Trend.UP: "↗", Trend.DOWN: "↘", Trend.SAME: "→"}
# The period buttons under a team's summary, in this order; the network has no sprint.
TEAM_PERIODS = (PeriodKind.THIS_WEEK, PeriodKind.SPRINT, PeriodKind.LAST_WEEK)
NETWORK_PERIODS = (PeriodKind.THIS_WEEK, PeriodKind.LAST_WEEK)

_SPACE = re.compile(r"\s+")


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Typed text on one line (runs of spaces and line breaks become one space), at most
    `limit` characters, cut between words where a word boundary is near ("…" marks a cut)."""
    flat = _SPACE.sub(" ", text).strip()
    if text_length(flat) <= limit:
        return flat
    cut = shorten(flat, limit).removesuffix(ELLIPSIS)
    space = cut.rfind(" ")
    if space >= limit // 2:  # a word boundary not too far back: cut there
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + ELLIPSIS


def name(text: str) -> str:
    return clip(text, NAME_LIMIT)


def decimal(language: Language, value: float) -> str:
    """One decimal, with the language's decimal sign: "3,8" in Dutch, "3.8" in English."""
    return f"{value:.1f}".replace(".", t(language, "chart.decimal_separator"))


def theme_name(language: Language, theme: str | None) -> Safe:
    """A theme of the fixed taxonomy through the catalog; anything else as it is stored."""
    if theme is None:
        return t(language, "summary.no_theme")
    if theme in THEMES:
        return t(language, f"theme.{theme}")
    return escaped(theme)


def names_list(language: Language, names: Sequence[str]) -> str:
    """Names joined by commas (plain text, escaped by `t`), the rest counted."""
    shown = ", ".join(name(n) for n in names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += " " + plain_text(t(language, "summary.more", count=len(names) - NAMES_SHOWN))
    return shown


def _day(language: Language, day: date, *, month: bool = True, year: bool = False) -> str:
    months = t(language, "summary.months_short").split(",")
    if not month:
        return str(day.day)
    key = "summary.day_year" if year else "summary.day"
    return t(language, key, day=day.day, month=months[day.month - 1], year=day.year)


def date_range(language: Language, first: date, last: date) -> Safe:
    """ "30 nov – 4 dec", "23 – 29 nov", one day alone as "30 nov"; years only when they
    differ."""
    if first == last:
        return Safe(_day(language, first))
    years = first.year != last.year
    same_month = not years and first.month == last.month
    return t(
        language,
        "summary.range",
        first=Safe(_day(language, first, month=not same_month, year=years)),
        last=Safe(_day(language, last, year=years)),
    )


def period_text(language: Language, period: Period, sprint_number: int | None) -> Safe:
    dates = date_range(language, period.first_day, period.last_day)
    if period.kind is PeriodKind.SPRINT:
        if sprint_number is None:
            return t(language, "summary.period_sprint_none", dates=dates)
        return t(language, "summary.period_sprint", number=sprint_number, dates=dates)
    key = "summary.period_last" if period.kind is PeriodKind.LAST_WEEK else "summary.period_week"
    return t(language, key, dates=dates)


def mood_shown(mood: Mood) -> bool:
    return mood.average is not None and mood.count >= MIN_MOODS_SHOWN


def _lines(title: Safe, lines: Sequence[str]) -> Safe:
    return Safe("\n".join([title, *lines]))


# --- a team ------------------------------------------------------------------------------------


def _participation(language: Language, summary: TeamSummary, *, for_group: bool) -> Safe:
    figures = summary.participation
    if figures.percent is None:
        lines = [t(language, "summary.no_checkin")]
    else:
        lines = [
            t(
                language,
                "summary.participation",
                answered=figures.answered,
                prompted=figures.prompted,
                percent=figures.percent,
            )
        ]
    if not for_group:  # names are for coordinators only
        if summary.away:
            lines.append(t(language, "summary.away", names=names_list(language, summary.away)))
        if summary.unreachable:
            names = names_list(language, summary.unreachable)
            lines.append(t(language, "summary.unreachable", names=names))
    return Safe("\n".join(lines))


def _mood(language: Language, mood: Mood) -> Safe | None:
    if mood.count == 0:
        return None
    if not mood_shown(mood) or mood.average is None:
        return t(language, "summary.mood_too_few", minimum=MIN_MOODS_SHOWN)
    line = t(language, "summary.mood", average=decimal(language, mood.average), count=mood.count)
    trend = mood.trend
    if trend is not None:
        line = Safe(f"{line} {t(language, f'summary.trend_{trend.value}')}")
    return line


def _sprint(language: Language, summary: TeamSummary) -> Safe:
    sprint = summary.sprint
    if sprint is None:
        return t(language, "summary.sprint_none")
    goal = clip(sprint.goal, GOAL_LIMIT)
    if sprint.closed:
        return t(language, "summary.sprint_closed", number=sprint.number, goal=goal)
    return t(
        language,
        "summary.sprint",
        number=sprint.number,
        day=sprint.day,
        days=sprint.length_days,
        goal=goal,
    )


def _quotes(language: Language, title_key: str, quotes: Sequence[Quote]) -> Safe | None:
    if not quotes:
        return None
    lines = [
        t(language, "summary.quote", text=clip(quote.text), author=name(quote.author))
        if quote.author
        else t(language, "summary.quote_unsigned", text=clip(quote.text))
        for quote in quotes
    ]
    return _lines(t(language, title_key), lines)


def _actions(language: Language, summary: TeamSummary, *, with_open: bool) -> Safe | None:
    actions = summary.actions
    counts = (actions.opened, actions.done, actions.partly, actions.dropped, actions.still_open)
    if not any(counts):
        return None
    lines = [
        t(
            language,
            "summary.actions",
            opened=actions.opened,
            done=actions.done,
            partly=actions.partly,
            dropped=actions.dropped,
        )
    ]
    if with_open and actions.still_open:
        lines.append(t(language, "summary.open_actions", count=actions.still_open))
        lines += [
            t(
                language,
                "summary.open_action",
                text=clip(action.text, ACTION_LIMIT),
                owner=name(action.owner),
            )
            for action in actions.open_actions
        ]
        if actions.still_open > len(actions.open_actions):
            more = actions.still_open - len(actions.open_actions)
            lines.append(t(language, "summary.more", count=more))
    return Safe("\n".join(lines))


def _lessons(language: Language, summary: TeamSummary) -> Safe | None:
    if not summary.new_lessons and not summary.lessons_by_theme:
        return None
    lines: list[str] = []
    for group in summary.lessons_by_theme:
        theme = theme_name(language, group.theme)
        lines.append(t(language, "summary.theme_line", theme=theme, count=group.count))
        lines += [t(language, "summary.lesson", text=clip(text)) for text in group.texts]
    return _lines(t(language, "summary.lessons", count=summary.new_lessons), lines)


def _recognition(language: Language, summary: TeamSummary) -> Safe | None:
    lines: list[str] = []
    for item in summary.recognition:
        lesson = clip(item.lesson_text, QUOTE_LIMIT // 2)
        if item.endorsements:
            lines.append(t(language, "summary.endorsed", count=item.endorsements, lesson=lesson))
        for adoption in item.adoptions:
            team = name(adoption.team) if adoption.team else t(language, "summary.team_gone")
            lines.append(
                t(language, "summary.adopted", team=team, lesson=lesson, text=clip(adoption.text))
            )
    if not lines:
        return None
    return _lines(t(language, "summary.recognition"), lines)


def _shared(language: Language, summary: TeamSummary) -> Safe | None:
    if not summary.shared_lessons:
        return None
    lines = [t(language, "summary.lesson", text=clip(text)) for text in summary.shared_lessons]
    return _lines(t(language, "summary.shared"), lines)


def team_summary_text(language: Language, summary: TeamSummary, *, for_group: bool) -> Safe:
    """A team's summary, readable in a minute on a phone. For a coordinator: everything, with
    names. For the team's linked group (`for_group`): participation figures and the lessons the
    team shared with the city log; mood, quotes (with names, as the closing message of a
    check-in shows them) and action figures only when the team opted in to sharing answers in
    its group; never who is away or unreachable, nor team-only lessons."""
    sprint_number = summary.sprint.number if summary.sprint else None
    heading = t(
        language,
        "summary.title",
        team=name(summary.team_name),
        period=period_text(language, summary.period, sprint_number),
    )
    parts: list[Safe | None] = [heading, _participation(language, summary, for_group=for_group)]
    if for_group:
        if summary.share_answers_in_group:
            parts += [
                _mood(language, summary.mood),
                _quotes(language, "summary.went_well", summary.went_well),
                _quotes(language, "summary.blockers", summary.blockers),
                _actions(language, summary, with_open=False),
            ]
        parts.append(_shared(language, summary))
    else:
        parts += [
            _mood(language, summary.mood),
            _sprint(language, summary),
            _quotes(language, "summary.went_well", summary.went_well),
            _quotes(language, "summary.blockers", summary.blockers),
            _actions(language, summary, with_open=True),
            _lessons(language, summary),
            _recognition(language, summary),
        ]
    return Safe("\n\n".join(part for part in parts if part))


# --- the network -------------------------------------------------------------------------------


def _figures(language: Language, figures: GroupFigures) -> dict[str, object]:
    percent = figures.participation.percent
    participation = (
        t(language, "summary.network_no_checkin")
        if percent is None
        else t(language, "summary.network_participation", percent=percent)
    )
    mood = figures.mood
    if mood.average is None or mood.count < MIN_MOODS_SHOWN:
        mood_text = t(language, "summary.network_mood_too_few")
    else:
        mood_text = t(language, "summary.network_mood", average=decimal(language, mood.average))
        if mood.trend is not None:
            mood_text = Safe(f"{mood_text} {TREND_ARROWS[mood.trend]}")
    return {
        "teams": t(
            language,
            "summary.teams_one" if figures.teams == 1 else "summary.teams",
            count=figures.teams,
        ),
        "active": figures.active,
        "participation": participation,
        "mood": mood_text,
    }


def _group_name(language: Language, key: str) -> Safe:
    if key in {s.value for s in Stadsdeel}:
        return t(language, f"stadsdeel.{key}")
    if key in {k.value for k in TeamKind}:
        return t(language, f"kind.{key}")
    return escaped(key)


def _breakdown(language: Language, title_key: str, groups: Sequence[GroupFigures]) -> Safe | None:
    if not groups:
        return None
    lines = [
        t(
            language,
            "summary.network_line",
            name=_group_name(language, group.key),
            **_figures(language, group),
        )
        for group in groups
    ]
    return _lines(t(language, title_key), lines)


def network_summary_text(language: Language, summary: NetworkSummary) -> Safe:
    """The network for steunpunt admins: totals, per stadsdeel and per team kind, the lessons
    most recognised ("op een voetstuk"), themes on the rise, teams gone quiet."""
    parts: list[Safe | None] = [
        t(
            language,
            "summary.network_title",
            period=period_text(language, summary.period, None),
        ),
        t(language, "summary.network_total", **_figures(language, summary.total)),
        _breakdown(language, "summary.by_stadsdeel", summary.by_stadsdeel),
        _breakdown(language, "summary.by_kind", summary.by_kind),
    ]
    if summary.voetstuk:
        lines = []
        for highlight in summary.voetstuk:
            line = t(
                language,
                "summary.highlight",
                text=clip(highlight.text),
                team=name(highlight.team),
                stadsdeel=t(language, f"stadsdeel.{highlight.stadsdeel.value}"),
                endorsements=highlight.endorsements,
            )
            if highlight.adoptions:
                adoptions = t(
                    language, "summary.highlight_adoptions", adoptions=highlight.adoptions
                )
                line = Safe(line + adoptions)
            lines.append(line)
        parts.append(_lines(t(language, "summary.voetstuk"), lines))
    if summary.rising_themes:
        lines = [
            t(
                language,
                "summary.rising_line",
                theme=theme_name(language, rising.theme),
                count=rising.count,
                previous=rising.previous,
            )
            for rising in summary.rising_themes
        ]
        parts.append(_lines(t(language, "summary.rising"), lines))
    if summary.quiet_teams:
        parts.append(t(language, "summary.quiet", names=names_list(language, summary.quiet_teams)))
    if summary.new_shared_lessons:
        key = "summary.new_shared_one" if summary.new_shared_lessons == 1 else "summary.new_shared"
        parts.append(t(language, key, count=summary.new_shared_lessons))
    else:
        parts.append(t(language, "summary.no_new_shared"))
    return Safe("\n\n".join(part for part in parts if part))


# --- pickers -----------------------------------------------------------------------------------


def choice_count(choices: SummaryChoices) -> int:
    return len(choices.teams) + int(choices.network)


def summary_menu(language: Language, choices: SummaryChoices) -> tuple[Safe, InlineKeyboardMarkup]:
    """A button per team the person coordinates (this week's summary), and for a steunpunt
    admin the network."""
    rows: list[list[ButtonSpec]] = [
        [
            (
                short_label(team_name, BUTTON_LABEL),
                routes.SUMMARY_TEAM.build(team_id=team_id, period=PeriodKind.THIS_WEEK),
            )
        ]
        for team_id, team_name in choices.teams
    ]
    if choices.network:
        rows.append(
            [
                (
                    t(language, "summary.button_network"),
                    routes.SUMMARY_NETWORK.build(period=PeriodKind.THIS_WEEK),
                )
            ]
        )
    key = "summary.menu_network" if choices.network else "summary.menu"
    return t(language, key), keyboard(rows)


def period_label(language: Language, period: PeriodKind, *, current: bool) -> str:
    """A period button's label; the period shown now is marked ("• deze week")."""
    label = t(language, f"summary.button_{period.value}")
    if current:
        label = t(language, "summary.button_current", label=label)
    return plain_text(label)


def period_buttons(
    language: Language,
    current: PeriodKind,
    team_id: int | None,
    extra_rows: Sequence[Sequence[ButtonSpec]] = (),
    *,
    back: bool = False,
) -> InlineKeyboardMarkup:
    """The buttons under a shown summary: the periods (a team's, or the network's when
    `team_id` is None), then `extra_rows` (e.g. the weekly digest's toggle), then, with `back`,
    the way back to the choice of teams."""
    periods = NETWORK_PERIODS if team_id is None else TEAM_PERIODS
    row: list[ButtonSpec] = []
    for period in periods:
        data = (
            routes.SUMMARY_NETWORK.build(period=period)
            if team_id is None
            else routes.SUMMARY_TEAM.build(team_id=team_id, period=period)
        )
        row.append((period_label(language, period, current=period is current), data))
    rows: list[Sequence[ButtonSpec]] = [row, *extra_rows]
    if back:
        rows.append([(plain_text(t(language, "summary.button_back")), routes.SUMMARY_MENU.build())])
    return keyboard(rows)


def with_chart_note(language: Language, text: Safe, history: Sequence[WeekPoint]) -> Safe:
    """The summary's text, with the sentence that stands in for the chart when its weeks hold
    too little to draw (`bot.charts.enough_data`)."""
    if enough_data(history):
        return text
    return Safe(f"{text}\n\n{t(language, 'chart.too_little')}")


def chart_caption(language: Language, team_name: str | None, weeks: int) -> Safe:
    """The chart's caption: a team's (`team_name`), or the network's (None)."""
    if team_name is None:
        return t(language, "summary.chart_caption_network", weeks=weeks)
    return t(language, "summary.chart_caption", name=name(team_name), weeks=weeks)


def chart_title(language: Language, team_name: str | None) -> str:
    """The chart's title, plain text: the team's name, or the network."""
    if team_name is not None:
        return name(team_name)
    return plain_text(t(language, "summary.network_name"))

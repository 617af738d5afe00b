"""How the blocker radar reads in Telegram: /radar for steunpunt admins, its top three in the
network digest, and a team's own blockers (/blockers) with their *opgelost* buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.handlers import routes
from bot.handlers.base import ButtonSpec, keyboard, theme_toggle_rows
from bot.handlers.summary_views import clip, date_range, name, theme_name
from bot.services.blocker_themes import BlockerCard
from bot.services.common import Language
from bot.services.radar import RadarLesson, RadarReport, RadarSignal, TeamBlockers
from bot.texts import Safe, t
from storage.models import Stadsdeel, TeamKind

DIGEST_SIGNALS = 3
QUOTE_LIMIT = 160
LESSON_LIMIT = 200
# A blocker card shows the blocker cut to this (the whole answer is in the recap's ✏️).
CARD_TEXT = 700


def _stadsdelen(language: Language, parts: Sequence[Stadsdeel]) -> str:
    return ", ".join(t(language, f"stadsdeel.{part.value}") for part in parts)


def _trend(language: Language, signal: RadarSignal) -> Safe:
    if signal.previous_teams == 0:
        return t(language, "radar.trend_new")
    if signal.trend > 0:
        return t(language, "radar.trend_up", previous=signal.previous_teams)
    if signal.trend < 0:
        return t(language, "radar.trend_down", previous=signal.previous_teams)
    return t(language, "radar.trend_same")


def _who(language: Language, kind: TeamKind, stadsdeel: Stadsdeel) -> Safe:
    return t(
        language,
        "radar.who",
        kind=t(language, f"kind.{kind.value}"),
        stadsdeel=t(language, f"stadsdeel.{stadsdeel.value}"),
    )


def _lesson(language: Language, lesson: RadarLesson) -> Safe:
    key = "radar.lesson_solved" if lesson.from_resolution else "radar.lesson"
    source = (
        name(lesson.team_name)
        if lesson.team_name is not None
        else t(
            language,
            "radar.anonymous",
            stadsdeel=t(language, f"stadsdeel.{lesson.stadsdeel.value}"),
        )
    )
    return t(language, key, text=clip(lesson.text, LESSON_LIMIT), team=source)


def _heading(language: Language, rank: int, signal: RadarSignal) -> Safe:
    heading = t(
        language,
        "radar.signal",
        rank=rank,
        keywords=" · ".join(signal.keywords) or "…",
        teams=signal.teams,
        stadsdelen=_stadsdelen(language, signal.stadsdelen),
        trend=_trend(language, signal),
    )
    if not signal.themes:
        return heading
    themes = ", ".join(theme_name(language, theme) for theme in signal.themes)
    key = "radar.themes_chosen" if signal.themes_chosen else "radar.themes"
    return Safe(f"{heading}\n{t(language, key, themes=Safe(themes))}")


def _period(language: Language, report: RadarReport, zone: ZoneInfo) -> Safe:
    first = report.start.astimezone(zone).date()
    last = report.end.astimezone(zone).date()
    return date_range(language, first, last)


def radar_text(language: Language, report: RadarReport, zone: ZoneInfo) -> Safe:
    """/radar: every recurring blocker with quotes (no names) and the lessons that answer it."""
    parts = [
        t(
            language,
            "radar.title",
            weeks=report.weeks,
            dates=_period(language, report, zone),
            blockers=report.blockers,
            teams=report.teams,
        )
    ]
    if not report.signals:
        parts.append(t(language, "radar.nothing", least=2))
    for rank, signal in enumerate(report.signals, 1):
        lines = [_heading(language, rank, signal)]
        if signal.mentions > signal.teams:
            lines.append(t(language, "radar.mentions", mentions=signal.mentions))
        for quote in signal.quotes:
            who = (
                name(quote.team_name)
                if quote.team_name is not None
                else _who(language, quote.kind, quote.stadsdeel)
            )
            lines.append(t(language, "radar.quote", text=clip(quote.text, QUOTE_LIMIT), who=who))
        if signal.solved_by:
            lines.append(t(language, "radar.solved_by", teams=signal.solved_by))
        if signal.lessons:
            lines.append(t(language, "radar.lessons"))
            lines.extend(_lesson(language, lesson) for lesson in signal.lessons)
        else:
            lines.append(t(language, "radar.no_lesson"))
        parts.append(Safe("\n".join(lines)))
    parts.append(t(language, "radar.footer"))
    return Safe("\n\n".join(parts))


def digest_radar_text(language: Language, report: RadarReport) -> Safe | None:
    """The network digest's part: the top three, with figures and lessons but no quotes (the
    steunpunt chat sees no answers)."""
    if not report.signals:
        return None
    lines = [t(language, "radar.digest_title", weeks=report.weeks)]
    for rank, signal in enumerate(report.signals[:DIGEST_SIGNALS], 1):
        lines.append(_heading(language, rank, signal))
        lines.extend(_lesson(language, lesson) for lesson in signal.lessons[:1])
        if not signal.lessons:
            lines.append(t(language, "radar.no_lesson"))
    return Safe("\n".join(lines))


def team_blockers_message(
    language: Language, found: TeamBlockers, zone: ZoneInfo
) -> tuple[Safe, InlineKeyboardMarkup | None]:
    if not found.blockers:
        return t(language, "blockers.none", weeks=found.weeks), None
    lines = [t(language, "blockers.title", weeks=found.weeks)]
    buttons: list[ButtonSpec] = []
    for number, blocker in enumerate(found.blockers, 1):
        when = _when(language, blocker.answered_at, zone)
        team = (
            t(language, "blockers.team", team=name(blocker.team_name))
            if found.several_teams
            else ""
        )
        lines.append(
            t(
                language,
                "blockers.line",
                number=number,
                text=clip(blocker.text, QUOTE_LIMIT),
                when=when,
                team=Safe(team),
            )
        )
        if blocker.themes:
            themes = ", ".join(theme_name(language, theme) for theme in blocker.themes)
            if blocker.themes_proposed:
                themes = t(language, "blockers.themes_proposed", themes=Safe(themes))
            lines.append(t(language, "blockers.themes_line", themes=Safe(themes)))
        if blocker.resolved_how is not None:
            lines.append(
                t(language, "blockers.solved_line", how=clip(blocker.resolved_how, QUOTE_LIMIT))
            )
        else:
            buttons.append(
                (
                    t(language, "blockers.button", number=number),
                    routes.BLOCKER_SOLVE.build(answer_id=blocker.answer_id),
                )
            )
    lines.append(t(language, "blockers.hint" if buttons else "blockers.all_solved"))
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    return Safe("\n".join(lines)), keyboard(rows) if rows else None


def _when(language: Language, moment: datetime, zone: ZoneInfo) -> Safe:
    day = moment.astimezone(zone).date()
    return date_range(language, day, day)


def blocker_card_message(
    language: Language, card: BlockerCard
) -> tuple[Safe, InlineKeyboardMarkup | None]:
    """A blocker with its themes and the theme buttons (✅ on the chosen ones, like the lesson
    card) and "klopt zo"; once confirmed, the themes alone, without buttons."""
    themes = ", ".join(card.themes)
    parts = [
        t(language, "blockers.card_title", team=card.team_name),
        t(language, "blockers.card_text", text=clip(card.text, CARD_TEXT)),
    ]
    if card.confirmed:
        key = "blockers.card_confirmed" if card.themes else "blockers.card_confirmed_none"
        parts.append(t(language, key, themes=themes))
        return Safe("\n\n".join(parts)), None
    if card.proposed:
        key = "blockers.card_proposed" if card.themes else "blockers.card_nothing"
    else:
        key = "blockers.card_chosen" if card.themes else "blockers.card_chosen_none"
    parts += [t(language, key, themes=themes), t(language, "blockers.card_why")]
    rows = theme_toggle_rows(
        card.themes,
        lambda index, on: routes.BLOCKER_THEME_SET.build(
            answer_id=card.answer_id, theme=index, on=int(on)
        ),
    )
    confirm = routes.BLOCKER_THEMES_CONFIRM.build(answer_id=card.answer_id)
    rows.append([(t(language, "blockers.button_confirm"), confirm)])
    return Safe("\n\n".join(parts)), keyboard(rows)

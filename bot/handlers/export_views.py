"""How /export looks in Telegram: the choice of what to export, the periods, the note while the
file is being made, and the file's caption. Pure rendering; every text comes from the catalogs."""

from __future__ import annotations

import math

from telegram import InlineKeyboardMarkup

from bot.handlers import routes
from bot.handlers.base import ButtonSpec, keyboard
from bot.handlers.summary_views import BUTTON_LABEL, decimal, name
from bot.services.common import Language
from bot.services.export import (
    ExportChoices,
    ExportCounts,
    ExportPeriod,
    Scope,
    SheetKey,
    team_target,
)
from bot.texts import Safe, escaped, t
from bot.texts.formatting import plain_text, short_label

# The period buttons, in this order.
PERIODS = (ExportPeriod.SPRINT, ExportPeriod.FOUR_WEEKS, ExportPeriod.EVERYTHING)
BUTTON_KEYS = {Scope.MINE: "export.button.mine", Scope.EVERYTHING: "export.button.everything"}
MEGABYTE = 1024 * 1024


def targets(choices: ExportChoices) -> list[str]:
    """What the person may export, in the menu's order: each team they coordinate, all of
    those together (from two on), and every team for a steunpunt admin."""
    found = [team_target(team_id) for team_id, _ in choices.teams]
    if len(choices.teams) > 1:
        found.append(Scope.MINE.value)
    if choices.everything:
        found.append(Scope.EVERYTHING.value)
    return found


def scope_name(language: Language, scope: Scope, team_name: str | None) -> Safe:
    """What an export holds, as the messages name it: the team, all one's teams, all teams."""
    if scope is Scope.TEAM and team_name is not None:
        return escaped(name(team_name))
    if scope is Scope.MINE:
        return t(language, "export.scope.mine")
    return t(language, "export.scope.everything")


def export_menu(language: Language, choices: ExportChoices) -> tuple[Safe, InlineKeyboardMarkup]:
    """A button per team the person coordinates, all of them together, and every team."""
    rows: list[list[ButtonSpec]] = [
        [
            (
                short_label(team_name, BUTTON_LABEL),
                routes.EXPORT_SCOPE.build(target=team_target(team_id)),
            )
        ]
        for team_id, team_name in choices.teams
    ]
    for target in targets(choices)[len(choices.teams) :]:
        label = plain_text(t(language, BUTTON_KEYS[Scope(target)]))
        rows.append([(label, routes.EXPORT_SCOPE.build(target=target))])
    return t(language, "export.menu"), keyboard(rows)


def period_label(language: Language, period: ExportPeriod) -> Safe:
    return t(language, f"export.period.{period.value}")


def period_question(
    language: Language, target: str, scope: Safe, *, back: bool
) -> tuple[Safe, InlineKeyboardMarkup]:
    """Which period to export of `target`; with `back`, the way back to the menu."""
    row = [
        (
            plain_text(period_label(language, period)),
            routes.EXPORT_RUN.build(target=target, period=period),
        )
        for period in PERIODS
    ]
    rows: list[list[ButtonSpec]] = [row]
    if back:
        rows.append([(plain_text(t(language, "export.button.back")), routes.EXPORT_MENU.build())])
    return t(language, "export.choose_period", scope=scope), keyboard(rows)


def working_text(language: Language, scope: Safe, period: ExportPeriod) -> Safe:
    return t(language, "export.working", scope=scope, period=period_label(language, period))


def caption(language: Language, scope: Safe, period: ExportPeriod, counts: ExportCounts) -> Safe:
    return t(
        language,
        "export.caption",
        scope=scope,
        period=period_label(language, period),
        lessons=counts[SheetKey.LESSONS],
        answers=counts[SheetKey.ANSWERS],
        actions=counts[SheetKey.ACTIONS],
        sprints=counts[SheetKey.SPRINTS],
    )


def megabytes(language: Language, size: int) -> str:
    """A size in MB: whole, or with one decimal rounded up (so a file just over the limit never
    reads as the limit itself)."""
    value = math.ceil(size / MEGABYTE * 10) / 10
    return str(int(value)) if value.is_integer() else decimal(language, value)


def too_big_text(language: Language, size: int, limit: int) -> Safe:
    return t(
        language,
        "export.too_big",
        size=megabytes(language, size),
        limit=megabytes(language, limit),
    )

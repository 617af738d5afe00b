"""Dates and names presented in the reader's language and time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.common import Language
from bot.texts import Safe, t


def format_date(language: Language, moment: datetime, zone: ZoneInfo) -> Safe:
    local = moment.astimezone(zone)
    month = t(language, "format.months").split(",")[local.month - 1]
    return t(language, "format.date", day=local.day, month=month, year=local.year)


def short_label(name: str, limit: int = 24) -> str:
    """Button labels stay readable on a phone."""
    return name if len(name) <= limit else name[: limit - 1] + "…"

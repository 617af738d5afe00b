"""The mood and participation chart sent with each summary: one PNG, drawn with matplotlib's
Agg backend (no display), readable on a phone."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.common import Language
from bot.services.summaries import WeekPoint


def render_chart(points: Sequence[WeekPoint], language: Language, title: str) -> bytes | None:
    """A PNG of mood and participation per week (oldest first), or None when there is too
    little data for a chart to say anything (the caller writes a sentence instead)."""
    raise NotImplementedError

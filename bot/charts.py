"""The mood and participation chart sent with each summary: one PNG, drawn with matplotlib's
Agg backend (no display), readable on a phone.

Two panels over the same weeks, mood on top and participation below, rather than one panel with
two y axes: two scales in one frame are easy to misread on a small screen. Every value is
written beside its mark, so a 0 % week shows "0%" while a week without data shows nothing.

Only matplotlib's object API is used (`Figure` + `FigureCanvasAgg`, never pyplot): pyplot keeps
global state, and the bot renders in a worker thread (`asyncio.to_thread`)."""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Sequence
from functools import cache

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.textpath import TextToPath

from bot.services.common import Language, text_length
from bot.services.summaries import MIN_MOODS_SHOWN, WeekPoint
from bot.texts import t
from bot.texts.formatting import shorten

# 1080 x 1080 px: a square photo fills a phone's chat column without being cropped, and
# Telegram shows it without scaling it down much. At 150 dpi a point is ~2 px, so the fonts
# below are 30-44 px high.
CHART_DPI = 150
CHART_INCHES = 7.2
CHART_PIXELS = round(CHART_DPI * CHART_INCHES)  # both sides
TITLE_POINTS = 20
LABEL_POINTS = 16
TICK_POINTS = 15
VALUE_POINTS = 14
TITLE_WIDTH = 0.94  # of the image
MIN_WEEKS_WITH_DATA = 2

# Okabe-Ito colours (told apart with every common colour-vision deficiency); against white the
# blue has 5.2:1 contrast and the vermilion 3.9:1, above WCAG's 3:1 for graphics.
BAR_COLOUR = "#0072B2"
LINE_COLOUR = "#D55E00"
TEXT_COLOUR = "#222222"
GRID_COLOUR = "#DDDDDD"
FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib, so every machine draws the same letters

MOOD_RANGE = (1.0, 5.0)
MOOD_LIMITS = (0.5, 5.6)  # room around 1 and 5 for the markers
MOOD_LABEL_BELOW_FROM = 4.2  # a value label above a high point would leave the panel
PERCENT_LIMITS = (0.0, 122.0)  # room above 100 % for its label
# Fractions of the image: room for the title above and the tick labels left and below.
MARGINS = {"left": 0.1, "right": 0.98, "top": 0.87, "bottom": 0.07}
_WHITESPACE = re.compile(r"\s+")


def render_chart(points: Sequence[WeekPoint], language: Language, title: str) -> bytes | None:
    """A PNG of mood and participation per week (oldest first), or None when there is too
    little data for a chart to say anything (the caller writes a sentence instead).

    `title` is plain text (a team's name as typed, or "Netwerk"), not HTML."""
    if not enough_data(points):
        return None
    figure = _figure(points, language, title)
    buffer = io.BytesIO()
    # No "Software" entry (matplotlib's version): the same figures give the same bytes.
    figure.savefig(
        buffer,
        format="png",
        dpi=CHART_DPI,
        metadata={"Software": None},
        # Fast zlib: half the encoding time for a file a fifth larger (~85 kB), which
        # Telegram recompresses for a photo anyway.
        pil_kwargs={"compress_level": 1},
    )
    return buffer.getvalue()


def enough_data(points: Sequence[WeekPoint]) -> bool:
    """At least two weeks with some figure: one point is no trend."""
    with_data = sum(
        1 for point in points if point.participation is not None or point.mood is not None
    )
    return with_data >= MIN_WEEKS_WITH_DATA


def _text(language: Language, key: str, **params: object) -> str:
    # The catalogs hold Telegram HTML; a chart wants the plain text.
    return html.unescape(t(language, key, **params))


def _figure(points: Sequence[WeekPoint], language: Language, title: str) -> Figure:
    figure = Figure(figsize=(CHART_INCHES, CHART_INCHES), dpi=CHART_DPI, facecolor="white")
    FigureCanvasAgg(figure)
    # Fixed margins rather than a layout engine: every text here has a known size, and
    # constrained layout would measure them all again (a third of the rendering time).
    mood_axes, percent_axes = figure.subplots(2, 1, gridspec_kw=MARGINS | {"hspace": 0.22})
    figure.suptitle(
        _fitted_title(title),
        fontsize=TITLE_POINTS,
        fontweight="bold",
        color=TEXT_COLOUR,
        family=FONT_FAMILY,
        parse_math=False,  # a "$" in a team's name is text, not a formula
    )
    positions = list(range(len(points)))
    _draw_mood(mood_axes, positions, points, language)
    _draw_participation(percent_axes, positions, points, language)
    # Week labels under the bottom panel only; the top one lines up by the same limits (no
    # shared axis: its ticks would be built and drawn for nothing).
    mood_axes.set_xticks([])
    percent_axes.set_xticks(
        positions,
        [_text(language, "chart.week", week=p.week_start.isocalendar().week) for p in points],
    )
    for axes in (mood_axes, percent_axes):
        axes.set_xlim(-0.6, len(points) - 0.4)
    return figure


def _style(axes: Axes, heading: str) -> None:
    axes.set_title(
        heading,
        loc="left",
        fontsize=LABEL_POINTS,
        color=TEXT_COLOUR,
        family=FONT_FAMILY,
        parse_math=False,
    )
    axes.tick_params(labelsize=TICK_POINTS, labelfontfamily=FONT_FAMILY, colors=TEXT_COLOUR)
    axes.grid(axis="y", color=GRID_COLOUR, linewidth=1)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _draw_mood(
    axes: Axes, positions: list[int], points: Sequence[WeekPoint], language: Language
) -> None:
    # NaN breaks the line: a week without moods is a gap, never a zero.
    moods = [math.nan if p.mood is None else _clamp(p.mood, *MOOD_RANGE) for p in points]
    axes.plot(
        positions,
        moods,
        color=LINE_COLOUR,
        linewidth=3,
        marker="o",
        markersize=10,
        clip_on=False,
    )
    separator = _text(language, "chart.decimal_separator")
    for x, mood in zip(positions, moods, strict=True):
        if math.isnan(mood):
            continue
        below = mood >= MOOD_LABEL_BELOW_FROM
        axes.annotate(
            f"{mood:.1f}".replace(".", separator),
            (x, mood),
            xytext=(0, -12 if below else 12),
            textcoords="offset points",
            ha="center",
            va="top" if below else "bottom",
            fontsize=VALUE_POINTS,
            color=TEXT_COLOUR,
            family=FONT_FAMILY,
            annotation_clip=False,
        )
    if all(math.isnan(mood) for mood in moods):
        # No week had enough moods to show (a panel left blank would look like a fault).
        axes.text(
            0.5,
            0.5,
            _text(language, "chart.mood_too_few", minimum=MIN_MOODS_SHOWN),
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=VALUE_POINTS,
            color=TEXT_COLOUR,
            family=FONT_FAMILY,
            parse_math=False,
        )
    axes.set_ylim(*MOOD_LIMITS)
    axes.set_yticks([1, 2, 3, 4, 5])
    _style(axes, _text(language, "chart.mood"))


def _draw_participation(
    axes: Axes, positions: list[int], points: Sequence[WeekPoint], language: Language
) -> None:
    present = [
        (x, _clamp(p.participation, 0.0, 100.0))
        for x, p in zip(positions, points, strict=True)
        if p.participation is not None
    ]
    if present:
        xs, percents = zip(*present, strict=True)
        axes.bar(xs, percents, width=0.6, color=BAR_COLOUR)
        for x, percent in present:
            axes.annotate(
                f"{round(percent)}%",
                (x, percent),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=VALUE_POINTS,
                color=TEXT_COLOUR,
                family=FONT_FAMILY,
            )
    axes.set_ylim(*PERCENT_LIMITS)
    axes.set_yticks([0, 25, 50, 75, 100])
    _style(axes, _text(language, "chart.participation"))


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def drawable(title: str) -> str:
    """The title on one line without characters the font cannot draw (an emoji in a team's
    name would otherwise be an empty box and a warning in the log)."""
    known = _drawable_codepoints()
    kept = "".join(char for char in title if ord(char) in known or char.isspace())
    return _WHITESPACE.sub(" ", kept).strip()


def _fitted_title(title: str) -> str:
    """The title shortened ("…") to the longest that fits across the image, measured in the
    font itself: "WWW" is three times as wide as "iii"."""
    text = drawable(title)
    font = font_manager.FontProperties(family=FONT_FAMILY, size=TITLE_POINTS, weight="bold")
    measure = TextToPath()
    room = TITLE_WIDTH * CHART_INCHES * 72  # in points, as TextToPath measures

    def fits(candidate: str) -> bool:
        width, _, _ = measure.get_text_width_height_descent(candidate, font, ismath=False)
        return width <= room

    if fits(text):
        return text
    shortest, longest = 1, text_length(text)  # shorten counts UTF-16 units; at 1 it is "…"
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if fits(shorten(text, middle)):
            shortest = middle
        else:
            longest = middle - 1
    return shorten(text, shortest)


@cache
def _drawable_codepoints() -> frozenset[int]:
    path = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY))
    return frozenset(FT2Font(path).get_charmap())

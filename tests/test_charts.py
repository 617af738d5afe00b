"""The summary chart: a real PNG of the chosen size, no chart for too little data, gaps shown as
gaps, labels in the reader's language, and every mark inside its panel."""

from __future__ import annotations

import asyncio
import math
import struct
import warnings
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation

from bot.charts import CHART_PIXELS, _figure, render_chart
from bot.services.summaries import HISTORY_WEEKS, WeekPoint
from bot.texts import en, nl

FIRST_MONDAY = date(2026, 10, 12)  # ISO week 42
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def weeks(*values: tuple[float | None, float | None]) -> list[WeekPoint]:
    """(participation, mood) per week, oldest first, on consecutive Mondays."""
    return [
        WeekPoint(FIRST_MONDAY + timedelta(weeks=n), participation, mood)
        for n, (participation, mood) in enumerate(values)
    ]


FULL = weeks(
    (80, 3.4), (75, 3.5), (100, 4.0), (60, 3.25), (55, 2.8), (62.5, 3.75), (90, 4.2), (40, 3.0)
)


def png_size(content: bytes) -> tuple[int, int]:
    assert content.startswith(PNG_SIGNATURE)
    assert content[12:16] == b"IHDR"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def panels(figure: Figure) -> tuple[Axes, Axes]:
    mood, participation = figure.axes
    return mood, participation


def line_points(axes: Axes) -> list[tuple[float, float]]:
    [line] = axes.lines
    return [(float(x), float(y)) for x, y in np.asarray(line.get_xydata())]


def bar_heights(axes: Axes) -> list[float]:
    return [patch.get_height() for patch in axes.patches if isinstance(patch, Rectangle)]


def value_labels(axes: Axes) -> list[str]:
    return [child.get_text() for child in axes.texts if isinstance(child, Annotation)]


def test_a_png_of_1080_by_1080() -> None:
    content = render_chart(FULL, "nl", "Rattenplan De Pijp")

    assert content is not None
    assert CHART_PIXELS == 1080
    assert png_size(content) == (1080, 1080)
    assert content.endswith(b"IEND\xaeB`\x82")


@pytest.mark.parametrize(
    "points",
    [
        pytest.param([], id="no weeks"),
        pytest.param(weeks((None, None), (80, 3.0), (None, None)), id="one week with data"),
        pytest.param(weeks(*[(None, None)] * HISTORY_WEEKS), id="eight empty weeks"),
    ],
)
def test_too_little_data_gives_no_chart(points: Sequence[WeekPoint]) -> None:
    assert render_chart(points, "nl", "Team") is None


def test_two_weeks_with_any_figure_are_enough() -> None:
    # One week has only a participation, the other only a mood: together two weeks of data.
    points = weeks((None, None), (50, None), (None, None), (None, 2.5))

    content = render_chart(points, "en", "Team")

    assert content is not None
    assert png_size(content) == (1080, 1080)


def test_weeks_without_data_are_gaps_not_zeros() -> None:
    points = weeks((80, 3.0), (None, None), (0, None), (None, 4.0), (50, 2.0))

    figure = _figure(points, "nl", "Team")
    mood, participation = panels(figure)

    assert [math.isnan(y) for _, y in line_points(mood)] == [False, True, True, False, False]
    # Bars only for weeks someone was asked; 0 % is a bar of height 0 with its label.
    assert bar_heights(participation) == [80, 0, 50]
    assert value_labels(participation) == ["80%", "0%", "50%"]
    assert value_labels(mood) == ["3,0", "4,0", "2,0"]
    assert render_chart(points, "nl", "Team") is not None


def test_labels_in_dutch_and_english() -> None:
    dutch_mood, dutch_participation = panels(_figure(FULL, "nl", "Netwerk"))
    english_mood, english_participation = panels(_figure(FULL, "en", "Network"))

    assert dutch_mood.get_title(loc="left") == nl.TEXTS["chart.mood"] == "Stemming (1–5)"
    assert dutch_participation.get_title(loc="left") == "Deelname (%)"
    assert english_mood.get_title(loc="left") == en.TEXTS["chart.mood"] == "Mood (1–5)"
    assert english_participation.get_title(loc="left") == "Participation (%)"
    ticks = [label.get_text() for label in dutch_participation.get_xticklabels()]
    assert ticks == [f"wk {week}" for week in range(42, 50)]
    # Decimal comma in Dutch, point in English; 62.5 % and 3.75 as a person would read them.
    assert value_labels(dutch_mood)[5] == "3,8"
    assert value_labels(english_mood)[5] == "3.8"
    assert value_labels(dutch_participation)[2] == "100%"


def test_the_title_is_the_callers_text_as_typed() -> None:
    figure = _figure(FULL, "nl", "Ratten $\\x$ & <b>Co</b>")

    assert figure.get_suptitle() == "Ratten $\\x$ & <b>Co</b>"
    assert render_chart(FULL, "nl", "Ratten $\\x$ & <b>Co</b>") is not None


def test_a_long_or_odd_title_fits_and_draws_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font would warn
        figure = _figure(FULL, "nl", "🐀 Rattenplan\n" + "W" * 80)
        figure.canvas.draw()

    title = figure.get_suptitle()
    assert title.startswith("Rattenplan WWW")
    assert title.endswith("…")
    extent = figure.texts[0].get_window_extent()
    assert 0 <= extent.x0 < extent.x1 <= CHART_PIXELS


def test_extremes_stay_inside_their_panels() -> None:
    points = weeks((0, 1.0), (100, 5.0), (100, 1.0), (0, 5.0), (50, 3.0))

    figure = _figure(points, "en", "Team")
    figure.canvas.draw()
    mood, participation = panels(figure)

    assert max(bar_heights(participation)) <= participation.get_ylim()[1]
    for axes in (mood, participation):
        box = axes.get_window_extent()
        for label in axes.texts:
            extent = label.get_window_extent()
            assert box.x0 <= extent.x0, label.get_text()
            assert extent.x1 <= box.x1, label.get_text()
            assert box.y0 <= extent.y0, label.get_text()
            assert extent.y1 <= box.y1, label.get_text()
    # The markers of 1 and 5, half a marker high, also inside the mood panel.
    radius = mood.lines[0].get_markersize() / 2 * figure.dpi / 72
    box = mood.get_window_extent()
    for x, y in line_points(mood):
        _, pixel_y = mood.transData.transform((x, y))
        assert box.y0 <= pixel_y - radius
        assert pixel_y + radius <= box.y1


async def test_renders_in_two_threads_at_once() -> None:
    first, second = await asyncio.gather(
        asyncio.to_thread(render_chart, FULL, "nl", "Oost"),
        asyncio.to_thread(render_chart, FULL, "nl", "Oost"),
    )

    assert first is not None
    assert png_size(first) == (1080, 1080)
    # Same input, same picture: nothing leaked between the threads.
    assert first == second == render_chart(FULL, "nl", "Oost")


def test_the_too_little_sentence_exists_in_both_languages() -> None:
    assert "twee weken" in nl.TEXTS["chart.too_little"]
    assert "two weeks" in en.TEXTS["chart.too_little"]


def test_a_mood_panel_without_moods_says_why() -> None:
    """Weeks with too few moods to show (the service leaves them out) leave the mood panel
    empty: a sentence says why, in the person's language; with moods there is none."""
    points = weeks((80, None), (60, None))
    for language, sentence in (
        ("nl", "Te weinig stemmingen om te tonen (minder dan 3 per week)"),
        ("en", "Too few moods to show (fewer than 3 a week)"),
    ):
        mood, _participation = panels(_figure(points, language, "Team"))
        assert [text.get_text() for text in mood.texts] == [sentence]
    mood, _participation = panels(_figure(FULL, "nl", "Team"))
    assert not any("stemmingen" in text.get_text() for text in mood.texts)

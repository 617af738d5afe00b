"""The summary benchmark's city, small: its rows load on both databases (so the benchmark does
not rot when a model changes), and the summaries count the moods it generated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from benchmarks.summaries import NOW, ZONE, build_city, prepare, row_counts, store
from bot.charts import render_chart
from bot.services.summaries import HISTORY_WEEKS, SummaryService
from storage.database import Database, create_engine
from storage.models import CheckinAnswer, CheckinPrompt, CheckinRun, Lesson, RunStatus


def moods_between(
    rows: dict[Any, list[dict[str, Any]]], start: datetime, end: datetime
) -> dict[int, list[int]]:
    """The generated moods per team of the runs that asked something in [start, end)."""
    runs = {
        run["id"]: run["team_id"]
        for run in rows[CheckinRun]
        if start <= run["scheduled_for"] < end
        and run["status"] in (RunStatus.OPEN, RunStatus.CLOSED)
    }
    team_of_prompt = {
        prompt["id"]: runs[prompt["run_id"]]
        for prompt in rows[CheckinPrompt]
        if prompt["run_id"] in runs
    }
    moods: dict[int, list[int]] = {}
    for answer in rows[CheckinAnswer]:
        if answer["step_key"] == "mood" and answer["prompt_id"] in team_of_prompt:
            moods.setdefault(team_of_prompt[answer["prompt_id"]], []).append(answer["mood"])
    return moods


async def test_the_city_loads_and_the_summaries_count_its_moods(database_url: str) -> None:
    city = build_city(teams=4, seed=3, lessons=300)
    engine = create_engine(database_url)
    await prepare(engine)
    await store(engine, city)
    try:
        counts = await row_counts(engine)
        service = SummaryService(Database(engine), lambda: NOW, ZONE)
        period = service.week(weeks_back=1)
        network = await service.network_summary_for(period)
        expected = moods_between(city.rows, period.start, period.end)
        team_id = min(expected)  # a team that gave moods that week
        team = await service.team_summary_for(team_id, period)
    finally:
        await engine.dispose()

    assert counts["checkin_answers"] == len(city.rows[CheckinAnswer]) > 1_000
    assert counts["lessons"] == 300
    every_mood = [mood for moods in expected.values() for mood in moods]
    assert network.total.mood.count == len(every_mood)
    assert network.total.mood.average == pytest.approx(sum(every_mood) / len(every_mood))
    assert team is not None
    assert team.mood.count == len(expected[team_id])
    assert len(network.history) == HISTORY_WEEKS
    assert render_chart(network.history, "nl", "Netwerk") is not None
    assert any(lesson["visibility"] == "city" for lesson in city.rows[Lesson])

"""The city wave benchmark, tiny: every member is prompted exactly once, every answer is stored
once and gets exactly one next question, and a second round sends nothing — with one bot
instance on SQLite (and PostgreSQL), and two instances on one PostgreSQL. Timing is not
asserted here; the benchmark prints it."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from benchmarks.city_wave import (
    CityConfig,
    CityOutcome,
    figures,
    member_ids,
    run_city_wave,
    step_of,
)

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")


def own_database(name: str) -> str:
    """A database of our own on TEST_DATABASE_URL's server (created by the benchmark)."""
    assert POSTGRES_URL is not None
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def assert_correct(outcome: CityOutcome) -> None:
    config = outcome.config
    everyone = member_ids(config.teams, config.team_size)
    intros = Counter(sent.chat_id for sent in outcome.sent if sent.is_intro)
    # Every member got the first question exactly once, and nobody else got one.
    assert intros == Counter(everyone)
    assert sum(cycle["report"]["delivered"] for cycle in outcome.cycles) == len(everyone)

    answerers = {answer.chat_id for answer in outcome.answers}
    assert len(answerers) == config.answerers
    assert len(outcome.answers) == config.answerers * config.answers
    assert outcome.unanswered == 0
    for answer in outcome.answers:
        assert answer.handled["error"] is None
        # The next question of the check-in, not a "don't know what to do with that".
        assert step_of(answer.next_text) == answer.number + 2, answer.next_text
    # Each answerer's chat: the first question and one next question per answer, no more;
    # a pressed mood button also turns its question into the answer (one edit).
    new = Counter(sent.chat_id for sent in outcome.sent if sent.is_new)
    assert {chat: new[chat] for chat in answerers} == dict.fromkeys(answerers, 1 + config.answers)
    pressers = {answer.chat_id for answer in outcome.answers if answer.pressed}
    assert len(pressers) == config.answerers // 2
    edits = Counter(sent.chat_id for sent in outcome.sent if not sent.is_new)
    assert edits == Counter(pressers)
    # Stored once each, for the answerers only.
    assert outcome.answers_stored == dict.fromkeys(answerers, config.answers)
    assert outcome.moods_stored == config.answerers
    assert outcome.prompt_states == {"active": len(everyone)}
    assert outcome.lagging_prompts == 0
    assert outcome.follow_up_sends == []
    assert figures(outcome).failures == []


async def test_one_instance_prompts_everyone_once_and_stores_every_answer(
    tmp_path: Path,
) -> None:
    database = own_database("steunpunt_bench_wave_one") if POSTGRES_URL else None
    config = CityConfig(teams=6, team_size=10, answerers=6, answers=2, think=0.2, database=database)
    outcome = await run_city_wave(config, tmp_path)
    assert_correct(outcome)
    assert {answer.instance for answer in outcome.answers} == {0}


@needs_postgres
async def test_two_instances_on_postgres_share_the_wave_and_the_answers(tmp_path: Path) -> None:
    # More members than one claimed batch (100), so both instances can take part in the wave.
    config = CityConfig(
        teams=12,
        team_size=10,
        answerers=6,
        answers=2,
        think=0.2,
        instances=2,
        database=own_database("steunpunt_bench_wave_two"),
    )
    outcome = await run_city_wave(config, tmp_path)
    assert_correct(outcome)
    assert outcome.shared_send_limit
    # The load balancer alternated: each instance handled half of the answers.
    assert Counter(answer.instance for answer in outcome.answers) == {0: 6, 1: 6}
    # Two instances together never went past the bot's overall limit.
    assert outcome.rejected_by["overall"] == 0

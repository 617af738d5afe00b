"""Text flows in one home: every flow has a typed state that survives the database unchanged
(including states stored by earlier versions), and every flow has a handler."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.fakes.telegram import FakeBotRequest, FakeTelegram
from bot.handlers.fallback import TextFlows
from bot.services.conversations import (
    STATE_TYPES,
    AdoptState,
    AdviceState,
    AnswerChangeState,
    BlockerSolveState,
    Flow,
    FlowState,
    HideState,
    JoinState,
    LessonState,
    NewTeamState,
    SearchState,
    SettingsInputState,
    SprintState,
    as_json,
    from_json,
)
from tests.conftest import make_settings

EXAMPLES: list[FlowState] = [
    NewTeamState("name"),
    NewTeamState("stadsdeel", "Buurt De Pijp", "initiative"),
    JoinState(),
    SprintState("goal", 3),
    SprintState("length", 3, "Ratten weg uit de Van der Pekbuurt"),
    SettingsInputState("questions", 4),
    AnswerChangeState(prompt_id=12, index=3),
    LessonState("team", text="Bel eerst de gebiedsmakelaar"),
    LessonState("text", 5),
    AdviceState(7),
    AdoptState(8),
    HideState(9),
    SearchState(),
    BlockerSolveState(57),
]


@pytest.mark.parametrize("state", EXAMPLES, ids=lambda state: f"{state.flow}:{state.step}")
def test_each_state_round_trips_through_storage(state: FlowState) -> None:
    flow, step, data = as_json(state)
    assert flow == state.flow.value
    assert from_json(flow, step, data) == state


def test_every_flow_has_a_state_type_and_an_example() -> None:
    assert set(STATE_TYPES) == set(Flow)
    assert {state.flow for state in EXAMPLES} == set(Flow)


@pytest.mark.parametrize(
    ("flow", "step", "data", "expected"),
    [
        # As earlier versions stored them (flow and step as plain strings, data as a dict).
        (
            "sprint",
            "length",
            {"team_id": 2, "goal": "Meer bewoners"},
            SprintState("length", 2, "Meer bewoners"),
        ),
        ("checkin_change", "text", {"prompt_id": 5, "index": 2}, AnswerChangeState(5, 2)),
        ("newteam", "kind", {"name": "Oost"}, NewTeamState("kind", "Oost")),
        ("join", "code", {}, JoinState()),
        ("search", "query", {}, SearchState()),
        ("lesson", "team", {"text": ""}, LessonState("team")),
    ],
)
def test_states_stored_by_earlier_versions_still_load(
    flow: str, step: str, data: dict[str, Any], expected: FlowState
) -> None:
    assert from_json(flow, step, data) == expected


@pytest.mark.parametrize(
    ("flow", "step", "data"),
    [
        ("no_such_flow", "x", {}),
        ("sprint", "goal", {}),  # team_id missing
        ("adopt", "text", {"something": 1}),
    ],
)
def test_a_state_that_fits_no_flow_is_dropped(flow: str, step: str, data: dict[str, Any]) -> None:
    assert from_json(flow, step, data) is None


def test_a_flow_without_a_handler_is_noticed() -> None:
    flows = TextFlows()
    assert flows.missing() == set(Flow)

    async def show(*_args: Any) -> None:
        return None

    flows.add(SearchState, show)
    assert Flow.SEARCH not in flows.missing()


def test_the_bot_continues_every_flow(tmp_path: Path) -> None:
    """`build_application` refuses to start with a flow nobody continues; it starts."""
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'flows.db'}")
    application = build_application(
        settings, request=FakeBotRequest(FakeTelegram()), migrate=False, run_rounds=False
    )
    assert application.bot_data["services"] is not None

"""Every text flow in one place: which flows there are, the typed state each one keeps between
messages, and the store that keeps it in the database (so a restart continues where people
were). Services start, advance and end flows; handlers only show the next question."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Literal, TypeVar

from bot.services.common import Clock, ServiceError
from storage.database import Database
from storage.repositories import ConversationStates

logger = logging.getLogger(__name__)


class Flow(StrEnum):
    """A conversation that continues with the person's next text message. The values are
    stored; never rename one."""

    NEW_TEAM = "newteam"
    JOIN = "join"
    SPRINT = "sprint"
    CHECKIN_SETTINGS = "checkin_settings"
    CHECKIN_CHANGE = "checkin_change"
    LESSON = "lesson"
    LESSON_ADVICE = "lesson_advice"
    ADOPT = "adopt"
    HIDE = "hide"
    SEARCH = "search"
    BLOCKER_SOLVED = "blocker_solved"


@dataclass(frozen=True)
class NewTeamState:
    """An admin creating a team: the name is typed, kind and stadsdeel are buttons."""

    flow: ClassVar[Flow] = Flow.NEW_TEAM
    step: Literal["name", "kind", "stadsdeel"]
    name: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class JoinState:
    """Someone typed /join without a code; the next message is the code."""

    flow: ClassVar[Flow] = Flow.JOIN
    step: Literal["code"] = "code"


@dataclass(frozen=True)
class SprintState:
    """A coordinator starting a sprint: the goal is typed, the length is a button."""

    flow: ClassVar[Flow] = Flow.SPRINT
    step: Literal["goal", "length"]
    team_id: int
    goal: str | None = None


@dataclass(frozen=True)
class SettingsInputState:
    """A coordinator typing a check-in time or custom questions."""

    flow: ClassVar[Flow] = Flow.CHECKIN_SETTINGS
    step: Literal["time", "questions"]
    team_id: int


@dataclass(frozen=True)
class AnswerChangeState:
    """A member changing a typed check-in answer from the recap."""

    flow: ClassVar[Flow] = Flow.CHECKIN_CHANGE
    prompt_id: int
    index: int
    step: Literal["text"] = "text"


@dataclass(frozen=True)
class LessonState:
    """`/lesson`: first the team (for people in several), then the text if none was given."""

    flow: ClassVar[Flow] = Flow.LESSON
    step: Literal["team", "text"]
    team_id: int | None = None
    text: str = ""


@dataclass(frozen=True)
class AdviceState:
    flow: ClassVar[Flow] = Flow.LESSON_ADVICE
    lesson_id: int
    step: Literal["text"] = "text"


@dataclass(frozen=True)
class AdoptState:
    """Someone from another team writing one line on how the lesson worked for them."""

    flow: ClassVar[Flow] = Flow.ADOPT
    lesson_id: int
    step: Literal["text"] = "text"


@dataclass(frozen=True)
class HideState:
    """An admin writing the reason a lesson is hidden."""

    flow: ClassVar[Flow] = Flow.HIDE
    lesson_id: int
    step: Literal["reason"] = "reason"


@dataclass(frozen=True)
class SearchState:
    """`/search` without words; the next message is the query."""

    flow: ClassVar[Flow] = Flow.SEARCH
    step: Literal["query"] = "query"


@dataclass(frozen=True)
class BlockerSolveState:
    """A team member writing one line on how a blocker was solved (it becomes a lesson)."""

    flow: ClassVar[Flow] = Flow.BLOCKER_SOLVED
    answer_id: int
    step: Literal["text"] = "text"


FlowState = (
    NewTeamState
    | JoinState
    | SprintState
    | SettingsInputState
    | AnswerChangeState
    | LessonState
    | AdviceState
    | AdoptState
    | HideState
    | SearchState
    | BlockerSolveState
)
S = TypeVar("S", bound=FlowState)
STATE_TYPES: dict[Flow, type[FlowState]] = {
    state_type.flow: state_type
    for state_type in (
        NewTeamState,
        JoinState,
        SprintState,
        SettingsInputState,
        AnswerChangeState,
        LessonState,
        AdviceState,
        AdoptState,
        HideState,
        SearchState,
        BlockerSolveState,
    )
}


def as_json(state: FlowState) -> tuple[str, str, dict[str, Any]]:
    """(flow, step, data) as stored."""
    data = dataclasses.asdict(state)
    step = str(data.pop("step"))
    return state.flow.value, step, data


def from_json(flow: str, step: str, data: dict[str, Any]) -> FlowState | None:
    """The stored state, or None when it no longer fits any flow (then it is dropped)."""
    try:
        state_type = STATE_TYPES[Flow(flow)]
        names = {item.name for item in dataclasses.fields(state_type)}
        return state_type(step=step, **{k: v for k, v in data.items() if k in names})  # type: ignore[arg-type]
    except (ValueError, TypeError, KeyError):
        logger.warning("dropping a stored conversation of an unknown shape (flow %r)", flow)
        return None


class Conversations:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def get(self, person_id: int) -> FlowState | None:
        async with self._db.unit_of_work() as session:
            stored = await ConversationStates(session).get(person_id)
            if stored is None:
                return None
            return from_json(stored.flow, stored.step, dict(stored.data))

    async def expect(
        self, person_id: int, state_type: type[S], command: str, step: str | None = None
    ) -> S:
        """The person's state in this flow (at this step); a kind refusal naming `command`
        to start again when they are elsewhere (e.g. a button from an old message)."""
        state = await self.get(person_id)
        if not isinstance(state, state_type) or (step is not None and state.step != step):
            raise ServiceError("flow.expired", command=command)
        return state

    async def put(self, person_id: int, state: FlowState) -> None:
        flow, step, data = as_json(state)
        async with self._db.unit_of_work() as session:
            await ConversationStates(session).put(person_id, flow, step, data, self._clock())

    async def clear(self, person_id: int) -> bool:
        async with self._db.unit_of_work() as session:
            return await ConversationStates(session).clear(person_id)

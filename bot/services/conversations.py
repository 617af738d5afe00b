"""Per-person conversation state, kept in the database so a restart continues where people were."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.services.common import Clock
from storage.database import Database
from storage.repositories import ConversationStates


@dataclass(frozen=True)
class Conversation:
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


class Conversations:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def get(self, person_id: int) -> Conversation | None:
        async with self._db.unit_of_work() as session:
            state = await ConversationStates(session).get(person_id)
            return None if state is None else Conversation(state.flow, state.step, dict(state.data))

    async def put(self, person_id: int, conversation: Conversation) -> None:
        async with self._db.unit_of_work() as session:
            await ConversationStates(session).put(
                person_id, conversation.flow, conversation.step, conversation.data, self._clock()
            )

    async def clear(self, person_id: int) -> bool:
        async with self._db.unit_of_work() as session:
            return await ConversationStates(session).clear(person_id)

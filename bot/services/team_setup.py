"""The steps of creating a team: name, kind, stadsdeel. Each step is stored before the next."""

from __future__ import annotations

from bot.services.common import Actor, ServiceError
from bot.services.conversations import Conversation, Conversations
from bot.services.directory import Directory
from storage.models import Invite, Stadsdeel, Team, TeamKind

FLOW = "newteam"
ASK_NAME = "name"
ASK_KIND = "kind"
ASK_STADSDEEL = "stadsdeel"


class TeamSetup:
    def __init__(self, directory: Directory, conversations: Conversations) -> None:
        self._directory = directory
        self._conversations = conversations

    async def start(self, actor: Actor, raw_name: str) -> Conversation:
        """Begin with or without a name; returns the step to ask next."""
        if not actor.is_admin:
            raise ServiceError("denied.admin")
        if not raw_name.strip():
            step = Conversation(FLOW, ASK_NAME)
        else:
            name = await self._directory.check_new_team_name(actor, raw_name)
            step = Conversation(FLOW, ASK_KIND, {"name": name})
        await self._conversations.put(actor.person_id, step)
        return step

    async def give_name(self, actor: Actor, raw_name: str) -> Conversation:
        await self._expect(actor, ASK_NAME)
        name = await self._directory.check_new_team_name(actor, raw_name)
        step = Conversation(FLOW, ASK_KIND, {"name": name})
        await self._conversations.put(actor.person_id, step)
        return step

    async def choose_kind(self, actor: Actor, kind: TeamKind) -> Conversation:
        current = await self._expect(actor, ASK_KIND)
        step = Conversation(FLOW, ASK_STADSDEEL, {**current.data, "kind": kind.value})
        await self._conversations.put(actor.person_id, step)
        return step

    async def choose_stadsdeel(self, actor: Actor, stadsdeel: Stadsdeel) -> tuple[Team, Invite]:
        current = await self._expect(actor, ASK_STADSDEEL)
        team, invite = await self._directory.create_team(
            actor, str(current.data["name"]), TeamKind(current.data["kind"]), stadsdeel
        )
        await self._conversations.clear(actor.person_id)
        return team, invite

    async def _expect(self, actor: Actor, step: str) -> Conversation:
        current = await self._conversations.get(actor.person_id)
        if current is None or current.flow != FLOW or current.step != step:
            raise ServiceError("flow.expired", command="/newteam")
        return current

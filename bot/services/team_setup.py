"""Getting people into teams, as flows: creating a team (name, kind, stadsdeel; each step
stored before the next), joining one with a code, and stopping whatever flow one is in."""

from __future__ import annotations

from bot.services.common import Actor, ServiceError
from bot.services.conversations import Conversations, JoinState, NewTeamState
from bot.services.directory import Directory, JoinResult
from bot.services.permissions import Permission, authorize_without_team
from storage.models import Invite, Stadsdeel, Team, TeamKind


class TeamSetup:
    def __init__(self, directory: Directory, conversations: Conversations) -> None:
        self._directory = directory
        self._conversations = conversations

    # --- /newteam ----------------------------------------------------------------------------

    async def start(self, actor: Actor, raw_name: str) -> NewTeamState:
        """Begin with or without a name; returns the step to ask next."""
        authorize_without_team(actor, Permission.CREATE_TEAM)
        if not raw_name.strip():
            step = NewTeamState("name")
        else:
            name = await self._directory.check_new_team_name(actor, raw_name)
            step = NewTeamState("kind", name)
        await self._conversations.put(actor.person_id, step)
        return step

    async def give_name(self, actor: Actor, state: NewTeamState, raw_name: str) -> NewTeamState:
        if state.step != "name":
            raise ServiceError("flow.use_buttons")
        name = await self._directory.check_new_team_name(actor, raw_name)
        step = NewTeamState("kind", name)
        await self._conversations.put(actor.person_id, step)
        return step

    async def choose_kind(self, actor: Actor, kind: TeamKind) -> NewTeamState:
        current = await self._expect(actor, "kind")
        step = NewTeamState("stadsdeel", current.name, kind.value)
        await self._conversations.put(actor.person_id, step)
        return step

    async def choose_stadsdeel(self, actor: Actor, stadsdeel: Stadsdeel) -> tuple[Team, Invite]:
        current = await self._expect(actor, "stadsdeel")
        if current.name is None or current.kind is None:
            raise ServiceError("flow.expired", command="/newteam")
        team, invite = await self._directory.create_team(
            actor, current.name, TeamKind(current.kind), stadsdeel
        )
        await self._conversations.clear(actor.person_id)
        return team, invite

    async def _expect(self, actor: Actor, step: str) -> NewTeamState:
        authorize_without_team(
            actor, Permission.CREATE_TEAM
        )  # a forged button meets the same check
        return await self._conversations.expect(actor.person_id, NewTeamState, "/newteam", step)

    # --- /join -------------------------------------------------------------------------------

    async def ask_join_code(self, actor: Actor) -> None:
        await self._conversations.put(actor.person_id, JoinState())

    async def join(self, actor: Actor, code: str) -> JoinResult:
        result = await self._directory.join(actor, code)
        await self._conversations.clear(actor.person_id)
        return result

    # --- /cancel -----------------------------------------------------------------------------

    async def cancel(self, actor: Actor) -> bool:
        """Stop the flow the person is in; False if there was none."""
        return await self._conversations.clear(actor.person_id)

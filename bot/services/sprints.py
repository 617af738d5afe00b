"""Sprints: one goal, a fixed length, one open sprint per team; closing starts the retro."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from bot.services.checkins import CheckinService
from bot.services.common import Actor, Clock, ServiceError, check_length
from bot.services.conversations import Conversations, SprintState
from bot.services.directory import Directory
from bot.services.permissions import Permission
from storage.database import Database
from storage.models import PromptStatus, RunKind, RunStatus, Sprint, Team
from storage.repositories import Memberships, Prompts, Runs, Sprints, Teams

# The goal is kept in a 500-character column: a shorter limit than TEXT_LIMIT.
GOAL_LIMIT = 500
WEEK_CHOICES = (1, 2, 3, 4)
DEFAULT_WEEKS = 2


@dataclass(frozen=True)
class SprintOverview:
    team: Team
    sprint: Sprint | None
    day: int
    days: int
    checkins: int
    prompted: int
    answered: int
    unreachable: list[str]
    away: list[str]
    can_manage: bool


def clean_goal(raw: str) -> str:
    goal = " ".join(raw.split())
    if not goal:
        raise ServiceError("sprint.goal_empty")
    return check_length(goal, GOAL_LIMIT)


class SprintService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        directory: Directory,
        checkins: CheckinService,
        conversations: Conversations,
    ) -> None:
        self._db = database
        self._clock = clock
        self._directory = directory
        self._checkins = checkins
        self._conversations = conversations

    # --- the /sprint flow: goal (typed), then length (buttons) -----------------------------------

    async def ask_goal(self, actor: Actor, team_id: int) -> Team:
        team = await self._directory.require_manager(actor, team_id, Permission.START_SPRINT)
        await self._conversations.put(actor.person_id, SprintState("goal", team.id))
        return team

    async def give_goal(self, actor: Actor, state: SprintState, raw_goal: str) -> tuple[Team, str]:
        """The typed goal; the length is asked next."""
        if state.step != "goal":
            raise ServiceError("flow.use_buttons")
        return await self.propose(actor, state.team_id, raw_goal)

    async def propose(self, actor: Actor, team_id: int, raw_goal: str) -> tuple[Team, str]:
        """A sprint with this goal is proposed (`/sprint <goal>` or a typed goal); its length
        comes next, by button."""
        goal = clean_goal(raw_goal)
        team = await self._directory.require_manager(actor, team_id, Permission.START_SPRINT)
        await self._conversations.put(actor.person_id, SprintState("length", team_id, goal))
        return team, goal

    async def start_proposed(self, actor: Actor, team_id: int, weeks: int) -> Sprint:
        """The length button of a proposed sprint: the sprint starts and the flow ends."""
        state = await self._conversations.expect(actor.person_id, SprintState, "/sprint", "length")
        if state.team_id != team_id or state.goal is None:
            raise ServiceError("flow.expired", command="/sprint")
        sprint = await self.start(actor, team_id, state.goal, weeks)
        await self._conversations.clear(actor.person_id)
        return sprint

    async def start(self, actor: Actor, team_id: int, raw_goal: str, weeks: int) -> Sprint:
        await self._directory.require_manager(actor, team_id, Permission.START_SPRINT)
        goal = clean_goal(raw_goal)
        if weeks not in WEEK_CHOICES:
            raise ServiceError("sprint.bad_weeks")
        now = self._clock()
        try:
            async with self._db.unit_of_work() as session:
                sprints = Sprints(session)
                if await sprints.open_for_team(team_id) is not None:
                    raise ServiceError("sprint.already_open")
                return await sprints.add(
                    Sprint(
                        team_id=team_id,
                        number=await sprints.next_number(team_id),
                        goal=goal,
                        starts_at=now,
                        ends_at=now + timedelta(weeks=weeks),
                        started_by_id=actor.person_id,
                    )
                )
        except IntegrityError as exc:  # a second coordinator started one at the same moment
            raise ServiceError("sprint.already_open") from exc

    async def overview(self, actor: Actor, team_id: int) -> SprintOverview:
        roster = await self._directory.roster(actor, team_id, Permission.VIEW_SPRINT)
        now = self._clock()
        async with self._db.unit_of_work() as session:
            sprint = await Sprints(session).open_for_team(team_id)
            people = {
                p.id: p.display_name for p, _ in await Memberships(session).active_members(team_id)
            }
            checkins = prompted = answered = 0
            unreachable: set[str] = set()
            away: set[str] = set()
            if sprint is not None:
                for run in await Runs(session).of_sprint(sprint.id):
                    if run.status not in (RunStatus.OPEN, RunStatus.CLOSED):
                        continue
                    checkins += 1
                    for prompt in await Prompts(session).of_run(run.id):
                        name = people.get(prompt.person_id)
                        if prompt.status in (PromptStatus.ACTIVE, PromptStatus.DONE):
                            prompted += 1
                            answered += prompt.step > 0
                        elif prompt.status is PromptStatus.UNREACHABLE and name:
                            unreachable.add(name)
                        elif (
                            prompt.status is PromptStatus.AWAY
                            and name
                            and run.status is RunStatus.OPEN
                        ):
                            away.add(name)
            days = (sprint.ends_at - sprint.starts_at).days if sprint else 0
            day = min(days, (now - sprint.starts_at).days + 1) if sprint else 0
            return SprintOverview(
                team=roster.team,
                sprint=sprint,
                day=day,
                days=days,
                checkins=checkins,
                prompted=prompted,
                answered=answered,
                unreachable=sorted(unreachable),
                away=sorted(away),
                can_manage=roster.can_manage,
            )

    async def close(self, actor: Actor, team_id: int) -> tuple[Sprint, int | None]:
        await self._directory.require_manager(actor, team_id, Permission.CLOSE_SPRINT)
        async with self._db.unit_of_work() as session:
            sprint = await Sprints(session).open_for_team(team_id)
        if sprint is None:
            raise ServiceError("sprint.none_open")
        return await self._close(sprint.id, actor.person_id, self._clock())

    async def close_overdue(self, now: datetime | None = None) -> list[int]:
        """Sprints past their end date close by themselves, with the same retro."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            overdue = [sprint.id for sprint in await Sprints(session).overdue(now)]
        closed = []
        for sprint_id in overdue:
            sprint, _run = await self._close(sprint_id, None, now)
            if sprint.closed_at == now:
                closed.append(sprint_id)
        return closed

    async def _close(
        self, sprint_id: int, by: int | None, now: datetime
    ) -> tuple[Sprint, int | None]:
        async with self._db.unit_of_work() as session:
            sprint = await Sprints(session).get(sprint_id)
            if sprint is None:
                raise ServiceError("sprint.none_open")
            if sprint.closed_at is not None:
                return sprint, None  # closed meanwhile, perhaps by another instance
            team = await Teams(session).get(sprint.team_id)
            if team is None:
                raise ServiceError("error.team_unknown")
        # The retro belongs to the sprint, so it opens before the sprint is marked closed.
        run_id = await self._checkins.open_run(
            sprint.team_id, RunKind.RETRO, f"retro:{sprint.id}", now, now
        )
        async with self._db.unit_of_work() as session:
            fresh = await Sprints(session).get(sprint_id)
            assert fresh is not None
            if fresh.closed_at is None:
                fresh.closed_at, fresh.closed_by_id = now, by
            return fresh, run_id

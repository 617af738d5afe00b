"""A coordinator's check-in settings: days, time, questions, reminders, pauses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.checkins import CheckinService
from bot.services.common import Actor, Clock, ServiceError
from bot.services.conversations import Conversations, SettingsInputState
from bot.services.directory import Directory
from bot.services.permissions import Permission
from bot.services.schedule import WeeklyRule, format_weekdays, parse_time, parse_weekdays
from bot.services.templates import TEMPLATE_NAMES, parse_custom_questions, questions_as_json
from storage.database import Database
from storage.models import CheckinSchedule, RunKind, Sprint, Team
from storage.repositories import Sprints

REMINDER_CHOICES = (0, 60, 120, 240, 480)
CLOSE_CHOICES = (12 * 60, 24 * 60, 48 * 60, 72 * 60)
TOGGLES = ("skip_holidays", "paused", "share_answers_in_group")


@dataclass(frozen=True)
class ScheduleView:
    team: Team
    schedule: CheckinSchedule
    sprint: Sprint | None
    rule: WeeklyRule
    next_slot: datetime | None  # None: no days chosen, or paused


class CheckinSettings:
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

    async def view(self, actor: Actor, team_id: int) -> ScheduleView:
        async with self._db.unit_of_work() as session:
            return await self._load(session, actor, team_id)

    async def _load(self, session: AsyncSession, actor: Actor, team_id: int) -> ScheduleView:
        """The team's settings, if the person may change them (one permission check)."""
        team = await self._directory.managed_team(
            session, actor, team_id, Permission.CHANGE_CHECKIN_SETTINGS
        )
        schedule = await self._checkins.schedule_of(session, team_id)
        sprint = await Sprints(session).open_for_team(team_id)
        return self._shown(team, schedule, sprint)

    def _shown(self, team: Team, schedule: CheckinSchedule, sprint: Sprint | None) -> ScheduleView:
        rule = WeeklyRule.parse(schedule.weekdays, schedule.time_of_day, schedule.timezone)
        upcoming = rule.weekdays and not schedule.paused
        return ScheduleView(
            team, schedule, sprint, rule, rule.next_slot(self._clock()) if upcoming else None
        )

    async def _change(
        self, actor: Actor, team_id: int, change: Callable[[ScheduleView], dict[str, object]]
    ) -> ScheduleView:
        """Load the settings, apply `change` (field → new value, computed from the current
        settings) and return the new settings: one unit of work, one permission check."""
        now = self._clock()
        async with self._db.unit_of_work() as session:
            view = await self._load(session, actor, team_id)
            values = change(view)
            # Only what differs: a double tap sets nothing new and starts no new rhythm.
            changed = {f for f, value in values.items() if getattr(view.schedule, f) != value}
            for field in changed:
                setattr(view.schedule, field, values[field])
            view.schedule.updated_at = now
            if changed & {"weekdays", "time_of_day", "timezone"}:
                # A new rhythm starts now: earlier slots are neither opened nor counted missed.
                view.schedule.active_from = now
            return self._shown(view.team, view.schedule, view.sprint)

    async def ask_input(
        self, actor: Actor, team_id: int, step: Literal["time", "questions"]
    ) -> None:
        """A time or custom questions may now be typed (buttons offer the common choices)."""
        async with self._db.unit_of_work() as session:
            await self._directory.managed_team(
                session, actor, team_id, Permission.CHANGE_CHECKIN_SETTINGS
            )
            await self._conversations.put(actor.person_id, SettingsInputState(step, team_id))

    async def give_input(self, actor: Actor, state: SettingsInputState, raw: str) -> ScheduleView:
        """The typed time or questions: applied, and the flow ends."""
        if state.step == "time":
            view = await self.set_time(actor, state.team_id, raw)
        else:
            view = await self.set_custom_questions(actor, state.team_id, raw)
        await self._conversations.clear(actor.person_id)
        return view

    async def toggle_weekday(self, actor: Actor, team_id: int, day: int) -> ScheduleView:
        if day not in range(7):
            raise ServiceError("error.button_expired")

        def flip(view: ScheduleView) -> dict[str, object]:
            days = set(parse_weekdays(view.schedule.weekdays)) ^ {day}
            return {"weekdays": format_weekdays(frozenset(days))}

        return await self._change(actor, team_id, flip)

    async def set_weekday(self, actor: Actor, team_id: int, day: int, *, on: bool) -> ScheduleView:
        """Check-ins on `day` or not: the same press twice gives the same result."""
        if day not in range(7):
            raise ServiceError("error.button_expired")

        def put(view: ScheduleView) -> dict[str, object]:
            days = set(parse_weekdays(view.schedule.weekdays))
            changed = days | {day} if on else days - {day}
            return {} if changed == days else {"weekdays": format_weekdays(frozenset(changed))}

        return await self._change(actor, team_id, put)

    async def set_time(self, actor: Actor, team_id: int, raw: str) -> ScheduleView:
        try:
            moment = parse_time(raw)
        except ValueError:
            raise ServiceError("settings.bad_time", given=raw.strip()[:20]) from None
        await self._conversations.clear(actor.person_id)  # a button ends the typing, too
        return await self._change(actor, team_id, lambda _: {"time_of_day": f"{moment:%H:%M}"})

    async def set_template(self, actor: Actor, team_id: int, name: str) -> ScheduleView:
        if name not in TEMPLATE_NAMES:
            raise ServiceError("error.button_expired")
        await self._conversations.clear(actor.person_id)  # a button ends the typing, too
        return await self._change(actor, team_id, lambda _: {"template": name})

    async def set_custom_questions(self, actor: Actor, team_id: int, raw: str) -> ScheduleView:
        questions = parse_custom_questions(raw)
        if not questions:
            raise ServiceError("settings.no_questions")
        custom = questions_as_json(questions)
        return await self._change(
            actor, team_id, lambda _: {"custom_questions": custom, "template": "custom"}
        )

    async def toggle(self, actor: Actor, team_id: int, field: str) -> ScheduleView:
        if field not in TOGGLES:
            raise ServiceError("error.button_expired")
        return await self._change(
            actor, team_id, lambda view: {field: not getattr(view.schedule, field)}
        )

    async def set_flag(self, actor: Actor, team_id: int, field: str, *, on: bool) -> ScheduleView:
        """Turn a yes/no setting on or off (not flip it: a double tap changes nothing)."""
        if field not in TOGGLES:
            raise ServiceError("error.button_expired")
        return await self._change(actor, team_id, lambda _: {field: on})

    async def set_skip_sprint(self, actor: Actor, team_id: int, *, on: bool) -> ScheduleView:
        """Skip the open sprint's check-ins, or not."""

        def put(view: ScheduleView) -> dict[str, object]:
            if view.sprint is None:
                raise ServiceError("sprint.none_open")
            return {"skip_sprint_id": view.sprint.id if on else None}

        return await self._change(actor, team_id, put)

    async def toggle_skip_sprint(self, actor: Actor, team_id: int) -> ScheduleView:
        def flip(view: ScheduleView) -> dict[str, object]:
            if view.sprint is None:
                raise ServiceError("sprint.none_open")
            skipping = view.schedule.skip_sprint_id == view.sprint.id
            return {"skip_sprint_id": None if skipping else view.sprint.id}

        return await self._change(actor, team_id, flip)

    async def set_reminder(self, actor: Actor, team_id: int, minutes: int) -> ScheduleView:
        if minutes not in REMINDER_CHOICES:
            raise ServiceError("error.button_expired")
        return await self._change(actor, team_id, lambda _: {"reminder_after_minutes": minutes})

    async def set_close_after(self, actor: Actor, team_id: int, minutes: int) -> ScheduleView:
        if minutes not in CLOSE_CHOICES:
            raise ServiceError("error.button_expired")
        return await self._change(actor, team_id, lambda _: {"close_after_minutes": minutes})

    async def open_now(self, actor: Actor, team_id: int) -> int:
        """`/checkin now`: a check-in for the team at once, outside the schedule."""
        team = await self._directory.require_manager(actor, team_id, Permission.OPEN_CHECKIN_NOW)
        now = self._clock()
        run_id = await self._checkins.open_run(
            team.id, RunKind.MANUAL, f"manual:{now:%Y-%m-%dT%H:%M:%S.%f}", now, now
        )
        if run_id is None:
            raise ServiceError("settings.already_opened")
        return run_id

"""All SQL lives here. Repositories work inside a session the caller owns (one unit of work)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, inspect, literal, select, update
from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.util import identity_key

from storage.models import (
    Action,
    ActionStatus,
    Base,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    CheckinSchedule,
    ConversationState,
    HandledUpdate,
    Invite,
    LinkedChat,
    Membership,
    Person,
    PromptStatus,
    Role,
    RunStatus,
    Sprint,
    Stadsdeel,
    Team,
    TeamKind,
)


def insert_ignoring_conflicts(
    session: AsyncSession, model: type[Base], values: dict[str, Any]
) -> PostgresqlInsert | SqliteInsert:
    """`INSERT … ON CONFLICT DO NOTHING` in the dialect of the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(model).values(**values).on_conflict_do_nothing()
    return sqlite_insert(model).values(**values).on_conflict_do_nothing()


class People:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, person_id: int) -> Person | None:
        return await self._session.get(Person, person_id)

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        """The person, with what they are in the middle of (`ConversationStates.get` then
        needs no query of its own)."""
        result = await self._session.execute(
            select(Person)
            .options(joinedload(Person.conversation_state))
            .where(Person.telegram_user_id == telegram_user_id)
        )
        return result.scalar_one_or_none()

    async def upsert(
        self,
        telegram_user_id: int,
        display_name: str,
        username: str | None,
        language: str,
        now: datetime,
    ) -> Person:
        """Find a person by Telegram id, keeping their name current; create them if new
        (with `language` as their starting language)."""
        person = await self.by_telegram_id(telegram_user_id)
        if person is None:
            person = Person(
                telegram_user_id=telegram_user_id,
                display_name=display_name,
                username=username,
                language=language,
                created_at=now,
                updated_at=now,
            )
            self._session.add(person)
            await self._session.flush()
        elif person.display_name != display_name or person.username != username:
            person.display_name = display_name
            person.username = username
            person.updated_at = now
        # The session's identity map holds objects weakly: keep the sender (and the state
        # loaded with them) for the rest of the unit of work.
        self._session.info["sender"] = person
        return person


class Teams:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, team_id: int) -> Team | None:
        return await self._session.get(Team, team_id)

    async def by_name(self, name: str) -> Team | None:
        result = await self._session.execute(
            select(Team).where(func.lower(Team.name) == name.lower())
        )
        return result.scalar_one_or_none()

    async def add(
        self,
        name: str,
        kind: TeamKind,
        stadsdeel: Stadsdeel,
        created_by_id: int | None,
        now: datetime,
    ) -> Team:
        team = Team(
            name=name, kind=kind, stadsdeel=stadsdeel, created_by_id=created_by_id, created_at=now
        )
        self._session.add(team)
        await self._session.flush()
        return team

    async def all(self) -> list[Team]:
        result = await self._session.execute(select(Team).order_by(func.lower(Team.name)))
        return list(result.scalars())


class Memberships:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, team_id: int, person_id: int) -> Membership | None:
        result = await self._session.execute(
            select(Membership).where(
                Membership.team_id == team_id, Membership.person_id == person_id
            )
        )
        return result.scalar_one_or_none()

    async def add(self, team_id: int, person_id: int, role: Role, now: datetime) -> Membership:
        membership = Membership(team_id=team_id, person_id=person_id, role=role, joined_at=now)
        self._session.add(membership)
        await self._session.flush()
        return membership

    async def teams_of(self, person_id: int) -> list[tuple[Team, Role]]:
        result = await self._session.execute(
            select(Team, Membership.role)
            .join(Membership, Membership.team_id == Team.id)
            .where(Membership.person_id == person_id, Membership.removed_at.is_(None))
            .order_by(func.lower(Team.name))
        )
        return [(team, role) for team, role in result]

    async def coordinated_by(self, person_id: int) -> list[tuple[int, str]]:
        """The teams the person coordinates (id and name), by name."""
        return [
            (team.id, team.name)
            for team, role in await self.teams_of(person_id)
            if role is Role.COORDINATOR
        ]

    async def active_members(self, team_id: int) -> list[tuple[Person, Membership]]:
        result = await self._session.execute(
            select(Person, Membership)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team_id, Membership.removed_at.is_(None))
            .order_by(Membership.role.asc(), func.lower(Person.display_name))
        )
        return [(person, membership) for person, membership in result]

    async def own_time_zones(self) -> dict[int, set[str]]:
        """Per team, the time zones its active members set for themselves (/timezone)."""
        result = await self._session.execute(
            select(Membership.team_id, Person.timezone)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.removed_at.is_(None), Person.timezone.is_not(None))
            .distinct()
        )
        zones: dict[int, set[str]] = {}
        for team_id, zone in result.all():
            zones.setdefault(int(team_id), set()).add(str(zone))
        return zones


class HandledUpdates:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, update_id: int, now: datetime) -> bool:
        """Record the update as handled in the current transaction; False when it was already
        (Telegram sent it again). Skipping the conflict keeps the unit of work usable."""
        statement = insert_ignoring_conflicts(
            self._session, HandledUpdate, {"update_id": update_id, "handled_at": now}
        ).returning(HandledUpdate.update_id)
        return (await self._session.execute(statement)).scalar_one_or_none() is not None

    async def prune(self, before: datetime) -> int:
        result = await self._session.execute(
            delete(HandledUpdate).where(HandledUpdate.handled_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class Invites:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_code(self, code: str) -> Invite | None:
        result = await self._session.execute(select(Invite).where(Invite.code == code))
        return result.scalar_one_or_none()

    async def usable_for_team(self, team_id: int, now: datetime) -> Invite | None:
        """The team-wide link /invite shows; never a personal invite from a roster import."""
        result = await self._session.execute(
            select(Invite)
            .where(
                Invite.team_id == team_id,
                Invite.single_use.is_(False),
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
            )
            .order_by(Invite.created_at.desc(), Invite.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def add(
        self,
        code: str,
        team_id: int,
        created_by_id: int | None,
        now: datetime,
        expires_at: datetime,
        *,
        role: Role = Role.MEMBER,
        invitee_name: str | None = None,
    ) -> Invite:
        """A team-wide invite, or with `invitee_name` a personal one (used once)."""
        invite = Invite(
            code=code,
            team_id=team_id,
            created_by_id=created_by_id,
            created_at=now,
            expires_at=expires_at,
            role=role,
            invitee_name=invitee_name,
            single_use=invitee_name is not None,
        )
        self._session.add(invite)
        await self._session.flush()
        return invite

    async def revoke_all_for_team(self, team_id: int, now: datetime) -> int:
        """Revoke the team-wide links (/invite's renew and revoke buttons); personal invites
        from a roster import keep working until they are used or expire."""
        result = await self._session.execute(
            update(Invite)
            .where(
                Invite.team_id == team_id,
                Invite.single_use.is_(False),
                Invite.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def open_personal(self, team_ids: list[int], now: datetime) -> list[Invite]:
        """Personal invites of these teams that nobody used yet and that still work."""
        if not team_ids:
            return []
        result = await self._session.execute(
            select(Invite)
            .where(
                Invite.team_id.in_(team_ids),
                Invite.single_use.is_(True),
                Invite.used_at.is_(None),
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
                Invite.invitee_name.is_not(None),
            )
            .order_by(Invite.created_at, Invite.id)
        )
        return list(result.scalars())

    async def revoke(self, invite_ids: list[int], now: datetime) -> None:
        if invite_ids:
            await self._session.execute(
                update(Invite).where(Invite.id.in_(invite_ids)).values(revoked_at=now)
            )

    async def claim_personal(self, invite_id: int, person_id: int, now: datetime) -> bool:
        """Mark a personal invite used by `person_id`, and forget the name it was for; False
        when someone used it first (one statement, so two people at once cannot both)."""
        result = await self._session.execute(
            update(Invite)
            .where(Invite.id == invite_id, Invite.used_at.is_(None))
            .values(used_at=now, used_by_id=person_id, invitee_name=None)
            .returning(Invite.id)
        )
        return result.scalar_one_or_none() is not None

    async def forget_stale_invitee_names(self, now: datetime) -> int:
        """Names on personal invites that can no longer be used (expired or revoked)."""
        result = await self._session.execute(
            update(Invite)
            .where(
                Invite.invitee_name.is_not(None),
                (Invite.expires_at <= now) | Invite.revoked_at.is_not(None),
            )
            .values(invitee_name=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class LinkedChats:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_chat(self, chat_id: int) -> LinkedChat | None:
        result = await self._session.execute(
            select(LinkedChat).where(LinkedChat.chat_id == chat_id)
        )
        return result.scalar_one_or_none()

    async def by_team(self, team_id: int) -> LinkedChat | None:
        result = await self._session.execute(
            select(LinkedChat).where(LinkedChat.team_id == team_id)
        )
        return result.scalar_one_or_none()

    async def link(
        self, chat_id: int, team_id: int, title: str, linked_by_id: int, now: datetime
    ) -> LinkedChat:
        """Link a group to a team, replacing the team's previous group and the group's old link."""
        await self._session.execute(
            delete(LinkedChat).where(
                (LinkedChat.team_id == team_id) | (LinkedChat.chat_id == chat_id)
            )
        )
        linked = LinkedChat(
            chat_id=chat_id, team_id=team_id, title=title, linked_by_id=linked_by_id, linked_at=now
        )
        self._session.add(linked)
        await self._session.flush()
        return linked

    async def move(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group's link follows it to its new chat id (once; a repeat finds nothing)."""
        linked = await self.by_chat(old_chat_id)
        if linked is None or await self.by_chat(new_chat_id) is not None:
            return
        linked.chat_id = new_chat_id
        await self._session.flush()


class ConversationStates:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, person_id: int) -> ConversationState | None:
        person = self._loaded_person(person_id)
        if person is not None and "conversation_state" not in inspect(person).unloaded:
            return person.conversation_state  # loaded with the update's sender
        return await self._session.get(ConversationState, person_id)

    def _loaded_person(self, person_id: int) -> Person | None:
        """The person if this session holds them already (no query)."""
        found = self._session.identity_map.get(identity_key(Person, person_id))
        return found if isinstance(found, Person) else None

    def _forget_loaded_state(self, person_id: int) -> None:
        # The loaded relationship would go stale once the state changes; read it anew.
        if (person := self._loaded_person(person_id)) is not None:
            self._session.expire(person, ["conversation_state"])

    async def put(
        self, person_id: int, flow: str, step: str, data: dict[str, Any], now: datetime
    ) -> None:
        self._forget_loaded_state(person_id)
        state = await self._session.get(ConversationState, person_id)
        if state is None:
            self._session.add(
                ConversationState(
                    person_id=person_id, flow=flow, step=step, data=data, updated_at=now
                )
            )
        else:
            state.flow, state.step, state.data, state.updated_at = flow, step, dict(data), now
        await self._session.flush()

    async def clear(self, person_id: int) -> bool:
        self._forget_loaded_state(person_id)
        result = await self._session.execute(
            delete(ConversationState).where(ConversationState.person_id == person_id)
        )
        return bool(getattr(result, "rowcount", 0))


class Sprints:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, sprint_id: int) -> Sprint | None:
        return await self._session.get(Sprint, sprint_id)

    async def open_for_team(self, team_id: int) -> Sprint | None:
        result = await self._session.execute(
            select(Sprint).where(Sprint.team_id == team_id, Sprint.closed_at.is_(None))
        )
        return result.scalar_one_or_none()

    async def next_number(self, team_id: int) -> int:
        result = await self._session.execute(
            select(func.coalesce(func.max(Sprint.number), 0)).where(Sprint.team_id == team_id)
        )
        return int(result.scalar_one()) + 1

    async def add(self, sprint: Sprint) -> Sprint:
        self._session.add(sprint)
        await self._session.flush()
        return sprint

    async def overdue(self, now: datetime) -> list[Sprint]:
        result = await self._session.execute(
            select(Sprint).where(Sprint.closed_at.is_(None), Sprint.ends_at <= now)
        )
        return list(result.scalars())


class Schedules:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, team_id: int) -> CheckinSchedule | None:
        return await self._session.get(CheckinSchedule, team_id)

    async def add(self, schedule: CheckinSchedule) -> CheckinSchedule:
        self._session.add(schedule)
        await self._session.flush()
        return schedule

    async def active(self) -> list[CheckinSchedule]:
        result = await self._session.execute(
            select(CheckinSchedule).where(CheckinSchedule.paused.is_(False))
        )
        return list(result.scalars())


class Runs:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, run_id: int) -> CheckinRun | None:
        return await self._session.get(CheckinRun, run_id)

    async def claim_close(self, run_id: int, now: datetime) -> CheckinRun | None:
        """Close an open run; None if it was not open. One guarded UPDATE, so of two instances
        closing it at the same moment exactly one gets it (the other waits for the row, then
        finds it closed)."""
        closed = await self._session.execute(
            update(CheckinRun)
            .where(CheckinRun.id == run_id, CheckinRun.status == RunStatus.OPEN)
            .values(status=RunStatus.CLOSED, closed_at=now)
            .returning(CheckinRun.id)
        )
        if closed.scalar_one_or_none() is None:
            return None
        return await self._session.get(CheckinRun, run_id, populate_existing=True)

    async def add_once(self, **values: Any) -> CheckinRun | None:
        """Insert a run unless its (team, slot key) exists already; None then. An insert that
        skips the conflict leaves the surrounding unit of work usable, where a failed insert
        would spoil it."""
        statement = insert_ignoring_conflicts(self._session, CheckinRun, values).returning(
            CheckinRun.id
        )
        run_id = (await self._session.execute(statement)).scalar_one_or_none()
        return None if run_id is None else await self._session.get(CheckinRun, run_id)

    async def slot_keys(self, team_id: int, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        result = await self._session.execute(
            select(CheckinRun.slot_key).where(
                CheckinRun.team_id == team_id, CheckinRun.slot_key.in_(keys)
            )
        )
        return set(result.scalars())

    async def open_for_team(self, team_id: int) -> CheckinRun | None:
        """The team's open check-in (the one closing first, should there be more)."""
        result = await self._session.execute(
            select(CheckinRun)
            .where(CheckinRun.team_id == team_id, CheckinRun.status == RunStatus.OPEN)
            .order_by(CheckinRun.closes_at)
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def due_to_close(self, now: datetime) -> list[CheckinRun]:
        result = await self._session.execute(
            select(CheckinRun).where(
                CheckinRun.status == RunStatus.OPEN, CheckinRun.closes_at <= now
            )
        )
        return list(result.scalars())

    async def of_sprint(self, sprint_id: int) -> list[CheckinRun]:
        result = await self._session.execute(
            select(CheckinRun)
            .where(CheckinRun.sprint_id == sprint_id)
            .order_by(CheckinRun.opened_at)
        )
        return list(result.scalars())


class Prompts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, prompt_id: int) -> CheckinPrompt | None:
        return await self._session.get(CheckinPrompt, prompt_id)

    async def of_run(self, run_id: int) -> list[CheckinPrompt]:
        result = await self._session.execute(
            select(CheckinPrompt).where(CheckinPrompt.run_id == run_id).order_by(CheckinPrompt.id)
        )
        return list(result.scalars())

    async def with_people(self, ids: list[int]) -> list[tuple[CheckinPrompt, Person]]:
        if not ids:
            return []
        result = await self._session.execute(
            select(CheckinPrompt, Person)
            .join(Person, Person.id == CheckinPrompt.person_id)
            .where(CheckinPrompt.id.in_(ids))
            .order_by(CheckinPrompt.due_at, CheckinPrompt.id)
        )
        return [(prompt, person) for prompt, person in result]

    async def mark_asked(self, prompt_id: int, index: int, now: datetime) -> None:
        """Record that question `index` arrived; one atomic statement, so concurrent writers
        never go back (a first question also makes the prompt active and dates it)."""
        sending = CheckinPrompt.status == PromptStatus.SENDING
        await self._session.execute(
            update(CheckinPrompt)
            .where(CheckinPrompt.id == prompt_id)
            .values(
                status=case(
                    (sending, literal(PromptStatus.ACTIVE, CheckinPrompt.status.type)),
                    else_=CheckinPrompt.status,
                ),
                sent_at=case((sending, now), else_=CheckinPrompt.sent_at),
                asked_step=case(
                    (CheckinPrompt.asked_step < index, index), else_=CheckinPrompt.asked_step
                ),
                asked_at=now,
                # An answer that came back first has claimed the next question for its own
                # sender; that claim stays until the next question is recorded in turn.
                claimed_at=case((CheckinPrompt.step > index, CheckinPrompt.claimed_at), else_=None),
            )
        )

    async def release(self, prompt_id: int) -> None:
        await self._session.execute(
            update(CheckinPrompt).where(CheckinPrompt.id == prompt_id).values(claimed_at=None)
        )

    async def record_delivery(
        self,
        prompt_id: int,
        *,
        recap_sent_at: datetime | None = None,
        cards_sent_at: datetime | None = None,
        release: bool = False,
    ) -> None:
        """The recap or the cards reached the person (one statement); `release`: nothing
        more follows, so the sender's claim ends with this record."""
        values: dict[str, datetime | None] = {}
        if recap_sent_at is not None:
            values["recap_sent_at"] = recap_sent_at
        if cards_sent_at is not None:
            values["cards_sent_at"] = cards_sent_at
        if release:
            values["claimed_at"] = None
        if values:
            await self._session.execute(
                update(CheckinPrompt).where(CheckinPrompt.id == prompt_id).values(**values)
            )

    async def claim_pending(self, now: datetime, limit: int) -> list[int]:
        """Atomically take up to `limit` due, unsent prompts; only the taker may send them."""
        due = (
            select(CheckinPrompt.id)
            .join(CheckinRun, CheckinRun.id == CheckinPrompt.run_id)
            .where(
                CheckinPrompt.status == PromptStatus.PENDING,
                CheckinPrompt.due_at <= now,
                CheckinRun.status == RunStatus.OPEN,
            )
            .order_by(CheckinPrompt.due_at, CheckinPrompt.id)
            .limit(limit)
            # Instances claiming at once get disjoint batches instead of the same one, of
            # which all but one would then come away empty (PostgreSQL; SQLite has one writer).
            .with_for_update(skip_locked=True, of=CheckinPrompt)
        )
        ids = list((await self._session.execute(due)).scalars())
        if not ids:
            return []
        result = await self._session.execute(
            update(CheckinPrompt)
            .where(CheckinPrompt.id.in_(ids), CheckinPrompt.status == PromptStatus.PENDING)
            .values(status=PromptStatus.SENDING, claimed_at=now)
            .returning(CheckinPrompt.id)
        )
        return sorted(result.scalars())

    async def claim_resumes(self, now: datetime, stale_before: datetime) -> list[int]:
        """Active prompts whose current question never reached the person (e.g. a crash)."""
        lagging = (
            select(CheckinPrompt.id)
            .join(CheckinRun, CheckinRun.id == CheckinPrompt.run_id)
            .where(
                CheckinPrompt.status == PromptStatus.ACTIVE,
                CheckinPrompt.asked_step < CheckinPrompt.step,
                CheckinPrompt.due_at <= now,
                CheckinRun.status == RunStatus.OPEN,
                (CheckinPrompt.claimed_at.is_(None)) | (CheckinPrompt.claimed_at < stale_before),
            )
        )
        ids = list((await self._session.execute(lagging)).scalars())
        if not ids:
            return []
        result = await self._session.execute(
            update(CheckinPrompt)
            .where(
                CheckinPrompt.id.in_(ids),
                CheckinPrompt.asked_step < CheckinPrompt.step,
                (CheckinPrompt.claimed_at.is_(None)) | (CheckinPrompt.claimed_at < stale_before),
            )
            .values(claimed_at=now)
            .returning(CheckinPrompt.id)
        )
        return sorted(result.scalars())

    async def release_stale_claims(self, stale_before: datetime) -> int:
        result = await self._session.execute(
            update(CheckinPrompt)
            .where(
                CheckinPrompt.status == PromptStatus.SENDING,
                CheckinPrompt.claimed_at < stale_before,
            )
            .values(status=PromptStatus.PENDING, claimed_at=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def claim_reminders(self, now: datetime) -> list[int]:
        candidates = (
            select(CheckinPrompt.id, CheckinPrompt.sent_at, CheckinRun.reminder_after_minutes)
            .join(CheckinRun, CheckinRun.id == CheckinPrompt.run_id)
            .where(
                CheckinPrompt.status == PromptStatus.ACTIVE,
                CheckinPrompt.reminded_at.is_(None),
                CheckinRun.status == RunStatus.OPEN,
                CheckinRun.reminder_after_minutes > 0,
                CheckinRun.closes_at > now,
            )
        )
        due = [
            prompt_id
            for prompt_id, sent_at, minutes in (await self._session.execute(candidates)).all()
            if sent_at is not None and sent_at + timedelta(minutes=minutes) <= now
        ]
        if not due:
            return []
        result = await self._session.execute(
            update(CheckinPrompt)
            .where(CheckinPrompt.id.in_(due), CheckinPrompt.reminded_at.is_(None))
            .values(reminded_at=now, asked_at=now)  # the reminder asks the question again
            .returning(CheckinPrompt.id)
        )
        return sorted(result.scalars())

    async def claim_recaps(
        self, now: datetime, stale_before: datetime, finished_after: datetime, limit: int
    ) -> list[int]:
        """Finished prompts whose recap or lesson cards never reached the person (a network
        error at the last answer, a crash): taken by one sender, like questions."""
        owed = (
            select(CheckinPrompt.id)
            .where(
                CheckinPrompt.status == PromptStatus.DONE,
                CheckinPrompt.recap_sent_at.is_(None) | CheckinPrompt.cards_sent_at.is_(None),
                CheckinPrompt.completed_at >= finished_after,
                CheckinPrompt.due_at <= now,
                CheckinPrompt.claimed_at.is_(None) | (CheckinPrompt.claimed_at < stale_before),
            )
            .order_by(CheckinPrompt.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list((await self._session.execute(owed)).scalars())
        if not ids:
            return []
        result = await self._session.execute(
            update(CheckinPrompt)
            .where(
                CheckinPrompt.id.in_(ids),
                CheckinPrompt.claimed_at.is_(None) | (CheckinPrompt.claimed_at < stale_before),
            )
            .values(claimed_at=now)
            .returning(CheckinPrompt.id)
        )
        return sorted(result.scalars())

    async def pending_of_person(self, person_id: int) -> list[CheckinPrompt]:
        result = await self._session.execute(
            select(CheckinPrompt).where(
                CheckinPrompt.person_id == person_id,
                CheckinPrompt.status == PromptStatus.PENDING,
            )
        )
        return list(result.scalars())

    async def answering(self, person_id: int) -> list[CheckinPrompt]:
        """The person's prompts in open runs that they can be answering, the one whose question
        reached them last first: active ones, and ones whose first question is being sent (an
        answer can come back before the sender has recorded that the question arrived). Their
        runs, teams and sprints come along in the same query (into the session), for showing
        the question."""
        # Loaded as relationships so the session keeps them (its identity map holds rows only
        # while something refers to them) and later lookups by id need no query.
        run = contains_eager(CheckinPrompt.run)
        result = await self._session.execute(
            select(CheckinPrompt)
            .join(CheckinPrompt.run)
            .join(CheckinRun.team)
            .outerjoin(CheckinRun.sprint)
            .options(run.contains_eager(CheckinRun.team), run.contains_eager(CheckinRun.sprint))
            .where(
                CheckinPrompt.person_id == person_id,
                CheckinPrompt.status.in_((PromptStatus.ACTIVE, PromptStatus.SENDING)),
                CheckinRun.status == RunStatus.OPEN,
            )
            .order_by(
                CheckinPrompt.asked_at.desc().nulls_last(),
                CheckinRun.opened_at.desc(),
                CheckinPrompt.id.desc(),
            )
        )
        return list(result.scalars().unique())


class Answers:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_step(self, prompt_id: int, step_key: str) -> CheckinAnswer | None:
        result = await self._session.scalars(
            select(CheckinAnswer).where(
                CheckinAnswer.prompt_id == prompt_id, CheckinAnswer.step_key == step_key
            )
        )
        return result.one_or_none()

    async def of_prompt(self, prompt_id: int) -> dict[str, CheckinAnswer]:
        result = await self._session.execute(
            select(CheckinAnswer).where(CheckinAnswer.prompt_id == prompt_id)
        )
        return {answer.step_key: answer for answer in result.scalars()}

    async def of_run(self, run_id: int) -> list[tuple[Person, CheckinAnswer]]:
        result = await self._session.execute(
            select(Person, CheckinAnswer)
            .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
            .join(Person, Person.id == CheckinPrompt.person_id)
            .where(CheckinPrompt.run_id == run_id)
            .order_by(CheckinAnswer.step_key, func.lower(Person.display_name))
        )
        return [(person, answer) for person, answer in result]

    async def put(
        self,
        prompt_id: int,
        step_key: str,
        now: datetime,
        *,
        text: str | None = None,
        mood: int | None = None,
        skipped: bool = False,
        attachment_kind: str | None = None,
        attachment_file_id: str | None = None,
        message_id: int | None = None,
    ) -> CheckinAnswer:
        """Store an answer, replacing an earlier answer to the same question. One
        statement (an upsert), so two quick taps never store two answers."""
        changes = {
            "text": text,
            "mood": mood,
            "skipped": skipped,
            "attachment_kind": attachment_kind,
            "attachment_file_id": attachment_file_id,
            "message_id": message_id,
            "updated_at": now,
        }
        values = {"prompt_id": prompt_id, "step_key": step_key, "answered_at": now, **changes}
        dialect = self._session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(CheckinAnswer)
            .values(**values)
            .on_conflict_do_update(index_elements=["prompt_id", "step_key"], set_=changes)
            .returning(CheckinAnswer)
        )
        # populate_existing: a copy of this answer already in the session gets the new values.
        result = await self._session.scalars(
            statement, execution_options={"populate_existing": True}
        )
        return result.one()

    async def by_message(
        self, person_id: int, message_id: int
    ) -> tuple[CheckinAnswer, CheckinPrompt] | None:
        """The answer a person's Telegram message gave (message ids are per chat, and the
        private chat is the person's)."""
        result = await self._session.execute(
            select(CheckinAnswer, CheckinPrompt)
            .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
            .where(CheckinPrompt.person_id == person_id, CheckinAnswer.message_id == message_id)
            .order_by(CheckinAnswer.id.desc())
            .limit(1)
        )
        row = result.first()
        return None if row is None else (row[0], row[1])


class Actions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, action_id: int) -> Action | None:
        return await self._session.get(Action, action_id)

    async def open_for(self, owner_id: int, team_id: int) -> list[Action]:
        result = await self._session.execute(
            select(Action)
            .where(
                Action.owner_id == owner_id,
                Action.team_id == team_id,
                Action.status == ActionStatus.OPEN,
            )
            .order_by(Action.created_at, Action.id)
        )
        return list(result.scalars())

    async def review(
        self, action_id: int, owner_id: int, status: ActionStatus, now: datetime
    ) -> None:
        """The owner says how an action went (done, partly, dropped)."""
        await self._session.execute(
            update(Action)
            .where(Action.id == action_id, Action.owner_id == owner_id)
            .values(status=status, reviewed_at=now)
        )

    async def from_answer(self, answer_id: int) -> Action | None:
        result = await self._session.execute(
            select(Action).where(Action.source_answer_id == answer_id)
        )
        return result.scalar_one_or_none()

    async def add(self, action: Action) -> Action:
        self._session.add(action)
        await self._session.flush()
        return action

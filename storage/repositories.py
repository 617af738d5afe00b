"""All SQL lives here. Repositories work inside a session the caller owns (one unit of work)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ConversationState,
    Invite,
    LinkedChat,
    Membership,
    Person,
    Role,
    Stadsdeel,
    Team,
    TeamKind,
)


class People:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, person_id: int) -> Person | None:
        return await self._session.get(Person, person_id)

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        result = await self._session.execute(
            select(Person).where(Person.telegram_user_id == telegram_user_id)
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
        self, name: str, kind: TeamKind, stadsdeel: Stadsdeel, created_by_id: int, now: datetime
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

    async def active_members(self, team_id: int) -> list[tuple[Person, Membership]]:
        result = await self._session.execute(
            select(Person, Membership)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team_id, Membership.removed_at.is_(None))
            .order_by(Membership.role.asc(), func.lower(Person.display_name))
        )
        return [(person, membership) for person, membership in result]


class Invites:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_code(self, code: str) -> Invite | None:
        result = await self._session.execute(select(Invite).where(Invite.code == code))
        return result.scalar_one_or_none()

    async def usable_for_team(self, team_id: int, now: datetime) -> Invite | None:
        result = await self._session.execute(
            select(Invite)
            .where(
                Invite.team_id == team_id,
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
            )
            .order_by(Invite.created_at.desc(), Invite.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def add(
        self, code: str, team_id: int, created_by_id: int, now: datetime, expires_at: datetime
    ) -> Invite:
        invite = Invite(
            code=code,
            team_id=team_id,
            created_by_id=created_by_id,
            created_at=now,
            expires_at=expires_at,
        )
        self._session.add(invite)
        await self._session.flush()
        return invite

    async def revoke_all_for_team(self, team_id: int, now: datetime) -> int:
        result = await self._session.execute(
            update(Invite)
            .where(Invite.team_id == team_id, Invite.revoked_at.is_(None))
            .values(revoked_at=now)
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


class ConversationStates:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, person_id: int) -> ConversationState | None:
        return await self._session.get(ConversationState, person_id)

    async def put(
        self, person_id: int, flow: str, step: str, data: dict[str, Any], now: datetime
    ) -> None:
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
        result = await self._session.execute(
            delete(ConversationState).where(ConversationState.person_id == person_id)
        )
        return bool(getattr(result, "rowcount", 0))

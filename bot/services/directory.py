"""People, teams, roles, invites and linked groups: who belongs where and who may do what."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.common import Actor, Clock, Language, ServiceError, text_length
from bot.services.permissions import RULES, Chat, Permission, authorize, authorize_without_team
from storage.database import Database
from storage.models import Invite, Membership, Person, Role, Stadsdeel, Team, TeamKind
from storage.repositories import HandledUpdates, Invites, LinkedChats, Memberships, People, Teams

INVITE_VALIDITY = timedelta(days=30)
HANDLED_UPDATES_KEPT = timedelta(days=7)  # ids of handled Telegram updates, against resends
TEAM_NAME_MAX = 100
SUPPORTED_LANGUAGES: tuple[Language, ...] = ("nl", "en")


@dataclass(frozen=True)
class TeamRole:
    team: Team
    role: Role | None  # None: a steunpunt admin acting without being a member


@dataclass(frozen=True)
class JoinResult:
    team: Team
    already_member: bool
    coordinators: list[Person]
    role: Role  # the role they have in the team now


@dataclass(frozen=True)
class Roster:
    team: Team
    members: list[tuple[Person, Membership]]
    can_manage: bool
    group_title: str | None


@dataclass(frozen=True)
class MemberChange:
    team: Team
    person: Person


def language_for(
    person_language: str | None, telegram_language: str | None, default: Language
) -> Language:
    """Their own choice, else their Telegram app language if we speak it, else the default."""
    for candidate in (person_language, (telegram_language or "")[:2].lower()):
        if candidate in SUPPORTED_LANGUAGES:
            return candidate
    return default


def clean_team_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise ServiceError("newteam.name_empty")
    if text_length(name) > TEAM_NAME_MAX:
        raise ServiceError("newteam.name_too_long", limit=TEAM_NAME_MAX, length=text_length(name))
    return name


class Directory:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        admins: frozenset[int],
        default_language: Language,
    ) -> None:
        self._db = database
        self._clock = clock
        self._admins = admins
        self._default_language = default_language

    # --- people -----------------------------------------------------------------------------

    def _actor(self, person: Person) -> Actor:
        return Actor(
            person_id=person.id,
            telegram_user_id=person.telegram_user_id,
            display_name=person.display_name,
            language=self.language_of(person),
            is_admin=person.telegram_user_id in self._admins,
        )

    @property
    def default_language(self) -> Language:
        return self._default_language

    def language_of(self, person: Person) -> Language:
        return language_for(person.language, None, self._default_language)

    async def first_time(self, update_id: int) -> bool:
        """Whether this Telegram update is new: it is recorded with the update's own unit of
        work, so an update Telegram sends again after that committed is not handled twice."""
        async with self._db.unit_of_work() as session:
            return await HandledUpdates(session).claim(update_id, self._clock())

    async def forget_handled_updates(self) -> int:
        """Telegram resends an update for a day at most; a week of ids is plenty."""
        async with self._db.unit_of_work() as session:
            return await HandledUpdates(session).prune(self._clock() - HANDLED_UPDATES_KEPT)

    async def identify(
        self,
        telegram_user_id: int,
        display_name: str,
        username: str | None,
        telegram_language: str | None,
    ) -> Actor:
        """The person behind an update; new people start in their Telegram app's language."""
        starting_language = language_for(None, telegram_language, self._default_language)
        async with self._db.unit_of_work() as session:
            person = await People(session).upsert(
                telegram_user_id, display_name[:200], username, starting_language, self._clock()
            )
            if person.unreachable_since is not None:
                person.unreachable_since = None  # they wrote to us, so they unblocked the bot
            return self._actor(person)

    async def set_timezone(self, actor: Actor, zone: str | None) -> None:
        async with self._db.unit_of_work() as session:
            person = await self._person(session, actor.person_id)
            person.timezone = zone
            person.updated_at = self._clock()

    async def timezone_of(self, actor: Actor) -> str | None:
        async with self._db.unit_of_work() as session:
            return (await self._person(session, actor.person_id)).timezone

    async def set_language(self, actor: Actor, language: Language) -> Actor:
        async with self._db.unit_of_work() as session:
            person = await self._person(session, actor.person_id)
            person.language = language
            person.updated_at = self._clock()
            return self._actor(person)

    @staticmethod
    async def _person(session: AsyncSession, person_id: int) -> Person:
        person = await People(session).get(person_id)
        if person is None:
            raise ServiceError("error.person_unknown")
        return person

    # --- teams and roles --------------------------------------------------------------------

    async def check_new_team_name(self, actor: Actor, raw_name: str) -> str:
        self._require_admin(actor)
        name = clean_team_name(raw_name)
        async with self._db.unit_of_work() as session:
            if await Teams(session).by_name(name) is not None:
                raise ServiceError("newteam.name_taken", name=name)
        return name

    async def create_team(
        self, actor: Actor, raw_name: str, kind: TeamKind, stadsdeel: Stadsdeel
    ) -> tuple[Team, Invite]:
        self._require_admin(actor)
        name = clean_team_name(raw_name)
        now = self._clock()
        try:
            async with self._db.unit_of_work() as session:
                if await Teams(session).by_name(name) is not None:
                    raise ServiceError("newteam.name_taken", name=name)
                team = await Teams(session).add(name, kind, stadsdeel, actor.person_id, now)
                invite = await Invites(session).add(
                    new_invite_code(), team.id, actor.person_id, now, now + INVITE_VALIDITY
                )
        except IntegrityError as exc:  # another admin took the name at the same moment
            raise ServiceError("newteam.name_taken", name=name) from exc
        return team, invite

    async def teams_of(self, actor: Actor) -> list[TeamRole]:
        """Teams the person belongs to; for an admin, every team."""
        async with self._db.unit_of_work() as session:
            own = {
                team.id: TeamRole(team, role)
                for team, role in await Memberships(session).teams_of(actor.person_id)
            }
            if not actor.is_admin:
                return list(own.values())
            return [own.get(team.id, TeamRole(team, None)) for team in await Teams(session).all()]

    async def managed_teams(self, actor: Actor) -> list[Team]:
        """Teams the person may run: as coordinator, or all teams for an admin."""
        async with self._db.unit_of_work() as session:
            return await self._managed_in(session, actor)

    async def managed_team(
        self, session: AsyncSession, actor: Actor, team_id: int, action: Permission
    ) -> Team:
        """The team, if the person may take `action` on it, inside the caller's unit of work."""
        team = await Teams(session).get(team_id)
        if team is None:
            raise ServiceError("error.team_unknown")
        await authorize(session, actor, action, team)
        return team

    async def require_manager(self, actor: Actor, team_id: int, action: Permission) -> Team:
        """The team, if the person may take `action` on it (coordinator or admin); refuses
        otherwise."""
        async with self._db.unit_of_work() as session:
            return await self.managed_team(session, actor, team_id, action)

    def _require_admin(self, actor: Actor) -> None:
        authorize_without_team(actor, Permission.CREATE_TEAM)

    async def roster(
        self, actor: Actor, team_id: int, action: Permission = Permission.VIEW_TEAM
    ) -> Roster:
        async with self._db.unit_of_work() as session:
            team = await Teams(session).get(team_id)
            if team is None:
                raise ServiceError("error.team_unknown")
            roles = await authorize(session, actor, action, team)
            can_manage = bool(roles & RULES[Permission.APPOINT_COORDINATOR].roles)
            members = await Memberships(session).active_members(team_id)
            group = await LinkedChats(session).by_team(team_id)
            return Roster(team, members, can_manage, None if group is None else group.title)

    async def appoint_coordinator(self, actor: Actor, team_id: int, person_id: int) -> MemberChange:
        async with self._db.unit_of_work() as session:
            team = await self.managed_team(session, actor, team_id, Permission.APPOINT_COORDINATOR)
            membership, person = await self._active_membership(session, team, person_id)
            if membership.role is Role.COORDINATOR:
                raise ServiceError("team.already_coordinator", name=person.display_name)
            membership.role = Role.COORDINATOR
            return MemberChange(team, person)

    async def remove_member(self, actor: Actor, team_id: int, person_id: int) -> MemberChange:
        async with self._db.unit_of_work() as session:
            team = await self.managed_team(session, actor, team_id, Permission.REMOVE_MEMBER)
            if person_id == actor.person_id:
                raise ServiceError("team.cannot_remove_self")
            membership, person = await self._active_membership(session, team, person_id)
            membership.removed_at = self._clock()
            return MemberChange(team, person)

    async def member_of(self, actor: Actor, team_id: int, person_id: int) -> MemberChange:
        """Look up one member of a team the actor runs (for a confirmation question)."""
        async with self._db.unit_of_work() as session:
            team = await self.managed_team(session, actor, team_id, Permission.REMOVE_MEMBER)
            _, person = await self._active_membership(session, team, person_id)
            return MemberChange(team, person)

    @staticmethod
    async def _active_membership(
        session: AsyncSession, team: Team, person_id: int
    ) -> tuple[Membership, Person]:
        membership = await Memberships(session).get(team.id, person_id)
        person = await People(session).get(person_id)
        if membership is None or membership.removed_at is not None or person is None:
            raise ServiceError("team.not_a_member", team=team.name)
        return membership, person

    # --- invites ----------------------------------------------------------------------------

    async def current_invite(self, actor: Actor, team_id: int) -> tuple[Team, Invite]:
        """The team's usable invite, creating one if there is none (or it expired)."""
        now = self._clock()
        async with self._db.unit_of_work() as session:
            team = await self.managed_team(session, actor, team_id, Permission.INVITE)
            invite = await Invites(session).usable_for_team(team_id, now)
            if invite is None:
                invite = await Invites(session).add(
                    new_invite_code(), team_id, actor.person_id, now, now + INVITE_VALIDITY
                )
            return team, invite

    async def renew_invite(self, actor: Actor, team_id: int) -> tuple[Team, Invite]:
        now = self._clock()
        async with self._db.unit_of_work() as session:
            team = await self.managed_team(session, actor, team_id, Permission.INVITE)
            await Invites(session).revoke_all_for_team(team_id, now)
            invite = await Invites(session).add(
                new_invite_code(), team_id, actor.person_id, now, now + INVITE_VALIDITY
            )
            return team, invite

    async def revoke_invites(self, actor: Actor, team_id: int) -> Team:
        async with self._db.unit_of_work() as session:
            team = await self.managed_team(session, actor, team_id, Permission.INVITE)
            await Invites(session).revoke_all_for_team(team_id, self._clock())
            return team

    async def join(self, actor: Actor, raw_code: str) -> JoinResult:
        """Join a team with an invite code. A team-wide invite (/invite) makes anyone a member
        while it works; a personal one (a roster import) gives its role, once, to whoever uses
        it first (and again to that same person)."""
        code = raw_code.strip()
        now = self._clock()
        async with self._db.unit_of_work() as session:
            invites = Invites(session)
            invite = await invites.by_code(code) if code else None
            if invite is None:
                raise ServiceError("join.unknown_code")
            team = await Teams(session).get(invite.team_id)
            if team is None:
                raise ServiceError("join.unknown_code")
            memberships = Memberships(session)
            membership = await memberships.get(team.id, actor.person_id)
            active = membership is not None and membership.removed_at is None
            # For a member, only a personal coordinator invite changes anything.
            if (
                membership is not None
                and active
                and (membership.role is Role.COORDINATOR or invite.role is not Role.COORDINATOR)
            ):
                return JoinResult(team, True, [], membership.role)
            if invite.revoked_at is not None:
                raise ServiceError("join.revoked_code", team=team.name)
            used_by_other = invite.used_at is not None and invite.used_by_id != actor.person_id
            if invite.single_use and used_by_other:
                raise ServiceError("join.used_code", team=team.name)
            if invite.expires_at <= now:
                raise ServiceError("join.expired_code", team=team.name)
            # One conditional update decides between two people opening the link at once.
            if (
                invite.single_use
                and invite.used_at is None
                and not await invites.claim_personal(invite.id, actor.person_id, now)
            ):
                raise ServiceError("join.used_code", team=team.name)
            if membership is None:
                await memberships.add(team.id, actor.person_id, invite.role, now)
            elif active:  # a member whose personal invite makes them coordinator
                membership.role = Role.COORDINATOR
                return JoinResult(team, False, [], Role.COORDINATOR)
            else:  # rejoining after removal: a fresh start, in the invite's role
                membership.removed_at = None
                membership.role = invite.role
                membership.joined_at = now
            coordinators = [
                person
                for person, member in await memberships.active_members(team.id)
                if member.role is Role.COORDINATOR and person.id != actor.person_id
            ]
            return JoinResult(
                team, already_member=False, coordinators=coordinators, role=invite.role
            )

    # --- linked groups ----------------------------------------------------------------------

    async def link_group(
        self, actor: Actor, team_id: int, chat_id: int, title: str, chat: Chat
    ) -> Team:
        async with self._db.unit_of_work() as session:
            team = await Teams(session).get(team_id)
            if team is None:
                raise ServiceError("error.team_unknown")
            # A forged button from a private chat must not link that chat as the team's group.
            await authorize(session, actor, Permission.LINK_GROUP, team, chat=chat)
            linked_chats = LinkedChats(session)
            existing = await linked_chats.by_chat(chat_id)
            if existing is not None and existing.team_id != team_id:
                other = await Teams(session).get(existing.team_id)
                if other is not None and other.id not in {
                    t.id for t in await self._managed_in(session, actor)
                }:
                    raise ServiceError("linkgroup.taken", team=other.name)
            await linked_chats.link(chat_id, team_id, title[:255], actor.person_id, self._clock())
            return team

    async def _managed_in(self, session: AsyncSession, actor: Actor) -> list[Team]:
        if actor.is_admin:
            return await Teams(session).all()
        return [
            t
            for t, role in await Memberships(session).teams_of(actor.person_id)
            if role is Role.COORDINATOR
        ]

    async def move_group(self, old_chat_id: int, new_chat_id: int) -> None:
        """Telegram moved a group to a new chat id (upgraded to a supergroup): keep its link."""
        async with self._db.unit_of_work() as session:
            await LinkedChats(session).move(old_chat_id, new_chat_id)

    async def linked_team_of_chat(self, chat_id: int) -> Team | None:
        async with self._db.unit_of_work() as session:
            linked = await LinkedChats(session).by_chat(chat_id)
            return None if linked is None else await Teams(session).get(linked.team_id)


def new_invite_code() -> str:
    # 11 characters from Telegram's deep-link alphabet [A-Za-z0-9_-]; 64 bits of randomness.
    return secrets.token_urlsafe(8)

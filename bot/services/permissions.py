"""Who may do what: one table, enforced by the services, documented from the same source.

Every command and every button route maps to an `Permission` (`COMMANDS`, `BUTTONS`); every action
has one `Rule` (`RULES`): the roles that may take it, what the role is measured against (the
team the action is about, the person's own object, a lesson shared with the city log) and, where
it matters, the kind of chat. The services call `authorize` / `authorize_own` at the point where
they know the team or the object, so a forged button meets the same check as a real one.

`python -m bot.services.permissions` prints the table as Markdown (docs/authorization.md).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.common import Actor, ServiceError
from storage.models import Role as MembershipRole
from storage.models import Team
from storage.repositories import Memberships


class Role(StrEnum):
    """A person's standing towards what an action is about (usually one team)."""

    OUTSIDER = "outsider"  # in no team at all
    OTHER_MEMBER = "other_member"  # a member of another team (not a coordinator anywhere)
    OTHER_COORDINATOR = "other_coordinator"  # a coordinator of another team
    MEMBER = "member"  # a member of this team
    COORDINATOR = "coordinator"  # a coordinator of this team
    ADMIN = "admin"  # a steunpunt admin (configured by Telegram id), whatever their teams


class Scope(StrEnum):
    """What the role is measured against."""

    ANYONE = "anyone"  # nothing in particular: the person's standing in general
    TEAM = "team"  # the team the action is about
    OWN = "own"  # the person's own object (their lesson, check-in, search); others' are refused
    SHARED = "shared"  # a lesson another team shared with the city log
    READABLE = "readable"  # a lesson one may read: shared, one's own, or decided in one's team


class Chat(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


class Permission(StrEnum):
    # everyone, about themselves
    HELP = "help"
    JOIN_TEAM = "join_team"
    SET_LANGUAGE = "set_language"
    SET_TIMEZONE = "set_timezone"
    SET_AWAY = "set_away"
    CANCEL = "cancel"
    LIST_OWN_LESSONS = "list_own_lessons"
    SEARCH = "search"
    SEE_OWN_DATA = "see_own_data"
    FORGET_ME = "forget_me"
    # one's own objects
    ANSWER_CHECKIN = "answer_checkin"
    EDIT_LESSON = "edit_lesson"
    THEME_BLOCKER = "theme_blocker"
    BROWSE_SEARCH = "browse_search"
    READ_LESSON = "read_lesson"
    # a team's members
    VIEW_TEAM = "view_team"
    VIEW_SPRINT = "view_sprint"
    WRITE_LESSON = "write_lesson"
    # other teams' members, about a shared lesson
    ENDORSE_LESSON = "endorse_lesson"
    ADOPT_LESSON = "adopt_lesson"
    # a team's coordinators
    INVITE = "invite"
    APPOINT_COORDINATOR = "appoint_coordinator"
    REMOVE_MEMBER = "remove_member"
    LINK_GROUP = "link_group"
    START_SPRINT = "start_sprint"
    CLOSE_SPRINT = "close_sprint"
    CHANGE_CHECKIN_SETTINGS = "change_checkin_settings"
    OPEN_CHECKIN_NOW = "open_checkin_now"
    VIEW_SUMMARY = "view_summary"
    SET_DIGEST = "set_digest"
    EXPORT_TEAM = "export_team"
    RESOLVE_BLOCKER = "resolve_blocker"
    # steunpunt admins
    CREATE_TEAM = "create_team"
    CURATE_LESSONS = "curate_lessons"
    VIEW_NETWORK = "view_network"
    EXPORT_ALL = "export_all"
    VIEW_RADAR = "view_radar"


EVERYONE = frozenset(Role)
IN_A_TEAM = frozenset(Role) - {Role.OUTSIDER}
TEAM_MEMBERS = frozenset({Role.MEMBER, Role.COORDINATOR})
TEAM_VIEWERS = frozenset({Role.MEMBER, Role.COORDINATOR, Role.ADMIN})
TEAM_MANAGERS = frozenset({Role.COORDINATOR, Role.ADMIN})
OTHER_TEAMS = frozenset({Role.OTHER_MEMBER, Role.OTHER_COORDINATOR, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Rule:
    summary: str  # for the generated table
    roles: frozenset[Role]
    scope: Scope = Scope.ANYONE
    chat: Chat | None = Chat.PRIVATE  # None: any chat
    refusal: str = "denied.coordinator"  # catalog key of the kind refusal
    refusals: Mapping[Role, str] = field(default_factory=dict)  # a kinder key for some roles
    # A command picks the team among the person's own; with none it could be about, this key.
    no_team: str | None = None
    elsewhere: str = "group.private_only"  # the refusal in the wrong kind of chat

    def refusal_for(self, role: Role) -> str:
        return self.refusals.get(role, self.refusal)


_SHARED_REFUSALS = {
    Role.OUTSIDER: "lesson.need_team",
    Role.MEMBER: "lesson.own_team",
    Role.COORDINATOR: "lesson.own_team",
}

RULES: dict[Permission, Rule] = {
    Permission.HELP: Rule("See the welcome and help", EVERYONE, chat=None),
    Permission.JOIN_TEAM: Rule("Join a team with an invite code", EVERYONE),
    Permission.SET_LANGUAGE: Rule("Choose one's language", EVERYONE),
    Permission.SET_TIMEZONE: Rule("Choose one's time zone", EVERYONE),
    Permission.SET_AWAY: Rule("Say one is away, or back", EVERYONE),
    Permission.CANCEL: Rule("Stop what one is doing", EVERYONE, chat=None),
    Permission.LIST_OWN_LESSONS: Rule("List one's lessons and one's teams' lessons", EVERYONE),
    Permission.SEARCH: Rule("Search the city log", EVERYONE),
    Permission.SEE_OWN_DATA: Rule("Get everything stored about oneself", EVERYONE),
    Permission.FORGET_ME: Rule("Erase one's personal data", EVERYONE),
    Permission.ANSWER_CHECKIN: Rule(
        "Answer, skip or change one's own check-in answers",
        EVERYONE,
        Scope.OWN,
        refusal="error.button_expired",
    ),
    Permission.EDIT_LESSON: Rule(
        "Theme, advise, share, keep in the team or delete one's own lesson",
        EVERYONE,
        Scope.OWN,
        refusal="lesson.not_author",
    ),
    Permission.THEME_BLOCKER: Rule(
        "Confirm or change the themes of one's own blocker",
        EVERYONE,
        Scope.OWN,
        refusal="blockers.not_author",
    ),
    Permission.BROWSE_SEARCH: Rule(
        "Page and filter one's own search", EVERYONE, Scope.OWN, refusal="error.button_expired"
    ),
    Permission.READ_LESSON: Rule(
        "Read a lesson whole (shared, one's own, or chosen for one's team)",
        TEAM_MEMBERS,
        Scope.READABLE,
        refusal="lesson.unknown",
    ),
    Permission.VIEW_TEAM: Rule(
        "See a team's members",
        TEAM_VIEWERS,
        Scope.TEAM,
        refusal="denied.member",
        no_team="team.none",
    ),
    Permission.VIEW_SPRINT: Rule(
        "See a team's sprint",
        TEAM_VIEWERS,
        Scope.TEAM,
        refusal="denied.member",
        no_team="team.none",
    ),
    Permission.WRITE_LESSON: Rule(
        "Write a lesson for a team",
        TEAM_MEMBERS,
        Scope.TEAM,
        refusal="lesson.not_member",
        no_team="lesson.no_team",
    ),
    Permission.ENDORSE_LESSON: Rule(
        "Endorse (herkenbaar) another team's shared lesson",
        OTHER_TEAMS,
        Scope.SHARED,
        refusals=_SHARED_REFUSALS,
    ),
    Permission.ADOPT_LESSON: Rule(
        "Report adopting another team's shared lesson",
        OTHER_TEAMS,
        Scope.SHARED,
        refusals=_SHARED_REFUSALS,
    ),
    Permission.INVITE: Rule(
        "See, renew or revoke a team's invite link",
        TEAM_MANAGERS,
        Scope.TEAM,
        no_team="denied.invite",
    ),
    Permission.APPOINT_COORDINATOR: Rule("Appoint a member coordinator", TEAM_MANAGERS, Scope.TEAM),
    Permission.REMOVE_MEMBER: Rule("Remove a member from a team", TEAM_MANAGERS, Scope.TEAM),
    Permission.LINK_GROUP: Rule(
        "Link a Telegram group to a team",
        TEAM_MANAGERS,
        Scope.TEAM,
        chat=Chat.GROUP,
        no_team="denied.linkgroup",
        elsewhere="linkgroup.in_private",
    ),
    Permission.START_SPRINT: Rule(
        "Start a sprint", TEAM_MANAGERS, Scope.TEAM, no_team="denied.coordinator_any"
    ),
    Permission.CLOSE_SPRINT: Rule("Close a sprint (starts the retro)", TEAM_MANAGERS, Scope.TEAM),
    Permission.CHANGE_CHECKIN_SETTINGS: Rule(
        "See and change the check-in schedule and questions",
        TEAM_MANAGERS,
        Scope.TEAM,
        no_team="denied.coordinator_any",
    ),
    Permission.OPEN_CHECKIN_NOW: Rule(
        "Start a check-in at once", TEAM_MANAGERS, Scope.TEAM, no_team="denied.coordinator_any"
    ),
    Permission.VIEW_SUMMARY: Rule(
        "See a team's summary (participation, mood, quotes, actions, lessons)",
        TEAM_MANAGERS,
        Scope.TEAM,
        no_team="denied.summary",
    ),
    Permission.RESOLVE_BLOCKER: Rule(
        "Mark one of the team's blockers solved, with one line on how (it becomes a lesson)",
        TEAM_MEMBERS,
        Scope.TEAM,
        refusal="blockers.not_member",
        no_team="blockers.no_team",
    ),
    Permission.SET_DIGEST: Rule(
        "Turn one's weekly summary of a team on or off", TEAM_MANAGERS, Scope.TEAM
    ),
    Permission.EXPORT_TEAM: Rule(
        "Export a team's lessons, answers, blockers, actions, sprints and participation to a "
        "spreadsheet",
        TEAM_MANAGERS,
        Scope.TEAM,
        no_team="denied.export",
    ),
    Permission.CREATE_TEAM: Rule("Create a team", ADMINS, refusal="denied.admin"),
    Permission.CURATE_LESSONS: Rule(
        "Hide or merge lessons in the city log", ADMINS, refusal="denied.admin_curate"
    ),
    Permission.VIEW_NETWORK: Rule(
        "See the network summary of all teams", ADMINS, refusal="denied.admin_network"
    ),
    Permission.VIEW_RADAR: Rule(
        "See the blocker radar: blockers that recur across teams",
        ADMINS,
        refusal="denied.admin_radar",
    ),
    Permission.EXPORT_ALL: Rule(
        "Export every team's data to one spreadsheet", ADMINS, refusal="denied.admin_export"
    ),
}

# Every command as typed, with its arguments where they change what it does.
COMMANDS: dict[str, Permission] = {
    "/start": Permission.HELP,
    "/start <code>": Permission.JOIN_TEAM,
    "/help": Permission.HELP,
    "/join": Permission.JOIN_TEAM,
    "/newteam": Permission.CREATE_TEAM,
    "/invite": Permission.INVITE,
    "/team": Permission.VIEW_TEAM,
    "/linkgroup": Permission.LINK_GROUP,
    "/language": Permission.SET_LANGUAGE,
    "/cancel": Permission.CANCEL,
    "/lesson": Permission.WRITE_LESSON,
    "/lessons": Permission.LIST_OWN_LESSONS,
    "/search": Permission.SEARCH,
    "/merge": Permission.CURATE_LESSONS,
    "/sprint": Permission.VIEW_SPRINT,
    "/sprint <goal>": Permission.START_SPRINT,
    "/checkin": Permission.CHANGE_CHECKIN_SETTINGS,
    "/checkin now": Permission.OPEN_CHECKIN_NOW,
    "/skip": Permission.ANSWER_CHECKIN,
    "/away": Permission.SET_AWAY,
    "/back": Permission.SET_AWAY,
    "/timezone": Permission.SET_TIMEZONE,
    "/mydata": Permission.SEE_OWN_DATA,
    "/forget": Permission.FORGET_ME,
    "/summary": Permission.VIEW_SUMMARY,
    "/export": Permission.EXPORT_TEAM,
    "/radar": Permission.VIEW_RADAR,
    "/blockers": Permission.RESOLVE_BLOCKER,
}

# Every button route, by its prefix in bot/handlers/routes.py.
BUTTONS: dict[str, Permission] = {
    "cancel": Permission.CANCEL,
    "nt:k": Permission.CREATE_TEAM,
    "nt:s": Permission.CREATE_TEAM,
    "inv": Permission.INVITE,
    "inv:new": Permission.INVITE,
    "inv:rev": Permission.INVITE,
    "tm": Permission.VIEW_TEAM,
    "tm:co": Permission.APPOINT_COORDINATOR,
    "tm:rm": Permission.REMOVE_MEMBER,
    "tm:rmok": Permission.REMOVE_MEMBER,
    "lg": Permission.LINK_GROUP,
    "lang": Permission.SET_LANGUAGE,
    "lt": Permission.WRITE_LESSON,
    "lc:th": Permission.EDIT_LESSON,
    "lc:adv": Permission.EDIT_LESSON,
    "lc:d": Permission.EDIT_LESSON,
    "lm": Permission.EDIT_LESSON,
    "lm:del": Permission.EDIT_LESSON,
    "lm:delok": Permission.EDIT_LESSON,
    "sr": Permission.BROWSE_SEARCH,
    "sf": Permission.BROWSE_SEARCH,
    "sv": Permission.BROWSE_SEARCH,
    "le": Permission.ENDORSE_LESSON,
    "lu": Permission.ENDORSE_LESSON,
    "lr": Permission.READ_LESSON,
    "lc:ts": Permission.EDIT_LESSON,
    "cs:swd": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:flag": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:sskip": Permission.CHANGE_CHECKIN_SETTINGS,
    "fg:ok": Permission.FORGET_ME,
    "fg:no": Permission.FORGET_ME,
    "la": Permission.ADOPT_LESSON,
    "lh": Permission.CURATE_LESSONS,
    "ci:m": Permission.ANSWER_CHECKIN,
    "ci:a": Permission.ANSWER_CHECKIN,
    "ci:e": Permission.ANSWER_CHECKIN,
    "sp": Permission.VIEW_SPRINT,
    "sp:new": Permission.START_SPRINT,
    "sp:len": Permission.START_SPRINT,
    "sp:close": Permission.CLOSE_SPRINT,
    "sp:closeok": Permission.CLOSE_SPRINT,
    "cs": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:wd": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:time": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:settime": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:tpl": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:settpl": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:rem": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:setrem": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:cls": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:setcls": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:tg": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:skip": Permission.CHANGE_CHECKIN_SETTINGS,
    "cs:now": Permission.OPEN_CHECKIN_NOW,
    "aw": Permission.SET_AWAY,
    "tz": Permission.SET_TIMEZONE,
    "sm": Permission.VIEW_SUMMARY,
    "sm:net": Permission.VIEW_NETWORK,
    "sm:menu": Permission.VIEW_SUMMARY,
    "ex": Permission.EXPORT_TEAM,
    "ex:s": Permission.EXPORT_TEAM,
    "ex:menu": Permission.EXPORT_TEAM,
    "dg": Permission.SET_DIGEST,
    "bk:s": Permission.RESOLVE_BLOCKER,
    "bk:t": Permission.THEME_BLOCKER,
    "bk:ok": Permission.THEME_BLOCKER,
}


def refusal(
    action: Permission,
    role: Role,
    *,
    own: bool = True,
    shared: bool = True,
    decided: bool = True,
    chat: Chat | None = None,
) -> str | None:
    """What the table says of someone of `role` taking `action` (on an object that is `own`,
    for actions on one's own objects; on a lesson that is `shared` with the city log, for
    actions on shared lessons; `decided` by its author, for reading; in `chat`, where the
    kind of chat matters): None when allowed, else the catalog key of the kind refusal."""
    rule = RULES[action]
    if rule.chat is not None and chat is not None and chat is not rule.chat:
        return rule.elsewhere
    if rule.scope is Scope.OWN and not own:
        return rule.refusal
    if rule.scope is Scope.SHARED and not shared:
        return "lesson.unknown"
    if rule.scope is Scope.READABLE:
        # A lesson not yet decided is its author's alone; a decided one is read in its team.
        return None if own or shared or (decided and role in rule.roles) else rule.refusal
    return None if role in rule.roles else rule.refusal_for(role)


def allows(
    action: Permission,
    role: Role,
    *,
    own: bool = True,
    shared: bool = True,
    decided: bool = True,
    chat: Chat | None = None,
) -> bool:
    """May someone of `role` take `action`? (See `refusal`.)"""
    found = refusal(action, role, own=own, shared=shared, decided=decided, chat=chat)
    return found is None


def refusal_key(
    action: Permission,
    role: Role,
    *,
    own: bool = True,
    shared: bool = True,
    decided: bool = True,
    chat: Chat | None = None,
) -> str:
    """The catalog key of the kind refusal someone of `role` gets for `action` (when `allows`
    says no)."""
    found = refusal(action, role, own=own, shared=shared, decided=decided, chat=chat)
    return found or RULES[action].refusal_for(role)


def check(action: Permission, role: Role, *, chat: Chat | None = None, **params: object) -> None:
    """Refuse (kindly) unless the table allows `role` to take `action`."""
    if not allows(action, role, chat=chat):
        raise ServiceError(refusal_key(action, role, chat=chat), **params)


async def role_of(session: AsyncSession, actor: Actor, team_id: int | None) -> Role:
    """The person's role towards a team, from their memberships (an admin's is `roles_of`);
    with no team, their standing in general (a member or coordinator of any team counts as
    such)."""
    roles = {team.id: role for team, role in await Memberships(session).teams_of(actor.person_id)}
    if team_id is not None and team_id in roles:
        return Role.COORDINATOR if roles[team_id] is MembershipRole.COORDINATOR else Role.MEMBER
    if not roles:
        return Role.OUTSIDER
    coordinator = MembershipRole.COORDINATOR in roles.values()
    if team_id is None:
        return Role.COORDINATOR if coordinator else Role.MEMBER
    return Role.OTHER_COORDINATOR if coordinator else Role.OTHER_MEMBER


async def roles_of(session: AsyncSession, actor: Actor, team_id: int | None) -> frozenset[Role]:
    """All the person's roles towards a team: an admin who is also a member is both."""
    role = await role_of(session, actor, team_id)
    return frozenset({role, Role.ADMIN} if actor.is_admin else {role})


async def authorize(
    session: AsyncSession,
    actor: Actor,
    action: Permission,
    team: Team | None = None,
    *,
    chat: Chat | None = None,
) -> frozenset[Role]:
    """The person's roles, if the table lets any of them take `action` on `team`; else a kind
    refusal (which rolls the update back)."""
    rule = RULES[action]
    if rule.scope in (Scope.TEAM, Scope.SHARED) and team is None:
        raise ValueError(f"{action} is about a team; pass it")
    roles = await roles_of(session, actor, team.id if team is not None else None)
    if not any(allows(action, role, chat=chat) for role in roles):
        # The refusal speaks to the role they have towards the team (not "admins only").
        role = min(roles, key=lambda r: r is Role.ADMIN)
        params = {"team": team.name} if team is not None else {}
        raise ServiceError(refusal_key(action, role, chat=chat), **params)
    return roles


def authorize_membership(
    actor: Actor, action: Permission, team: Team, membership: MembershipRole
) -> None:
    """`authorize` for a team whose membership the caller has just read (so the person's
    teams are not read a second time in the same update)."""
    role = Role.COORDINATOR if membership is MembershipRole.COORDINATOR else Role.MEMBER
    roles = {role, Role.ADMIN} if actor.is_admin else {role}
    if not any(allows(action, held) for held in roles):
        raise ServiceError(refusal_key(action, role), team=team.name)


def authorize_without_team(actor: Actor, action: Permission) -> None:
    """For actions open to everyone or to steunpunt admins only: decided from the person alone,
    without looking up their teams."""
    rule = RULES[action]
    if rule.scope is not Scope.ANYONE or rule.roles not in (EVERYONE, ADMINS):
        raise ValueError(f"{action} depends on the person's teams; use authorize")
    # Everyone who is not an admin is refused alike here, so their exact role does not matter.
    check(action, Role.ADMIN if actor.is_admin else Role.OUTSIDER)


def authorize_own(actor: Actor, action: Permission, owner_id: int | None) -> None:
    """Refuse (kindly) unless the object belongs to the person: nobody acts on someone else's
    lesson, check-in or search, whatever their role."""
    if RULES[action].scope is not Scope.OWN:
        raise ValueError(f"{action} is not about one's own objects")
    if owner_id is None or owner_id != actor.person_id:
        raise ServiceError(RULES[action].refusal)


# --- the generated table (docs/authorization.md) ---------------------------------------------

_ROLE_HEADINGS = {
    Role.OUTSIDER: "outsider (in no team)",
    Role.OTHER_MEMBER: "member of another team",
    Role.OTHER_COORDINATOR: "coordinator of another team",
    Role.MEMBER: "member of this team",
    Role.COORDINATOR: "coordinator of this team",
    Role.ADMIN: "steunpunt admin",
}
_SCOPE_NOTES = {
    Scope.ANYONE: "",
    Scope.TEAM: "a team",
    Scope.OWN: "one's own",
    Scope.SHARED: "a shared lesson",
    Scope.READABLE: "a lesson: shared, own, or decided in the team",
}


def _mark(rule: Rule, role: Role) -> str:
    if role not in rule.roles:
        return "—"
    return "own" if rule.scope is Scope.OWN else "✓"


def _refusals(rule: Rule) -> str:
    keys = (
        [rule.refusal]
        if rule.scope is Scope.OWN
        else sorted({rule.refusal_for(role) for role in Role if role not in rule.roles})
    )
    parts = [", ".join(f"`{key}`" for key in keys)] if keys else []
    if rule.scope is Scope.SHARED:
        parts.append("not shared: `lesson.unknown`")
    if rule.no_team:
        parts.append(f"command, no team: `{rule.no_team}`")
    if rule.chat is Chat.GROUP:
        parts.append(f"in a private chat: `{rule.elsewhere}`")
    return "; ".join(parts)


def markdown() -> str:
    """The whole table, for people: what each role may do, and which commands and buttons
    lead to each action."""
    roles = list(Role)
    lines = [
        "# Who may do what",
        "",
        "Generated by `python -m bot.services.permissions` from `bot/services/permissions.py`",
        "(the table the services enforce); `tests/test_authorization.py` checks that this file",
        "is current and tries every cell through the real bot.",
        "",
        "A role is measured against what the action is about: *this team* is the team of the",
        "button or the lesson; *one's own* is one's own lesson, check-in or search (nobody acts",
        "on someone else's); a *shared lesson* is one its author shared with the city log.",
        "Roles add up: a steunpunt admin who is also a member of a team may do what either may.",
        "Commands pick the team among the person's own teams, so with none they get the",
        "*command, no team* refusal. *Chat* is where the command works: in a group, commands",
        "meant for the private chat are not done (a pointer to the private chat, or silence);",
        "a button answers where it is pressed, and linking a group checks that it is a group.",
        "",
        "| action | chat | about | "
        + " | ".join(_ROLE_HEADINGS[role] for role in roles)
        + " | refusal |",
        "|---|---|---|" + "---|" * len(roles) + "---|",
    ]
    for action, rule in RULES.items():
        lines.append(
            f"| {rule.summary} (`{action}`) | {rule.chat or 'any'} | "
            f"{_SCOPE_NOTES[rule.scope]} | "
            + " | ".join(_mark(rule, role) for role in roles)
            + f" | {_refusals(rule)} |"
        )
    lines += ["", "## Commands", "", "| command | action |", "|---|---|"]
    lines += [f"| `{command}` | `{action}` |" for command, action in COMMANDS.items()]
    lines += ["", "## Buttons (routes in `bot/handlers/routes.py`)", ""]
    lines += ["| route prefix | action |", "|---|---|"]
    lines += [f"| `{prefix}` | `{action}` |" for prefix, action in BUTTONS.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())

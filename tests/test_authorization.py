"""Who may do what, cell by cell, through the real bot.

A city with two teams in two stadsdelen and one person of every role; then every command and
every button route (with forged callback data pointing at the own team's objects and at the
other team's) is tried by every person. What should happen comes from the one table in
`bot/services/permissions.py`: an allowed cell must do its work (no refusal, something shown); a
refused cell must get the kind refusal the table names and leave every row of every table as
it was. After a cell that changed anything the database goes back to the city as set up, so
each cell starts from the same place.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import CommandHandler

from bot.app import MENU_COMMANDS
from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeGroup, FakeTelegram, FakeUser, visible_text
from bot.handlers import routes
from bot.services import permissions
from bot.services.conversations import FlowState, LessonState, NewTeamState, SprintState
from bot.services.permissions import (
    BUTTONS,
    COMMANDS,
    RULES,
    Chat,
    Permission,
    Role,
    Scope,
    allows,
    refusal_key,
)
from bot.texts import t
from storage.models import (
    Base,
    CheckinAnswer,
    CheckinPrompt,
    Lesson,
    LinkedChat,
    Person,
    SavedSearch,
    Sprint,
    Team,
)
from tests.support.db import rows
from tests.support.exports import exports_done, is_workbook, row_texts
from tests.support.flows import create_team, join

DOC = Path(__file__).resolve().parents[1] / "docs" / "authorization.md"
TEAMS = ("noord", "oost")
TEAM_NAMES = {"noord": "Team Noord", "oost": "Team Oost"}
LESSON_KINDS = ("city", "anonymous", "team", "undecided")
SHARE_BUTTONS = {
    "city": "🌍 Delen met steunpunt",
    "anonymous": "🕶 Anoniem delen",
    "team": "🔒 Alleen team",
}
# Each person's role towards each team (and, for what is about no team, in general).
PERSONAS: dict[str, dict[str, Role]] = {
    "olga": {"noord": Role.OUTSIDER, "oost": Role.OUTSIDER, "": Role.OUTSIDER},
    "mila": {"noord": Role.MEMBER, "oost": Role.OTHER_MEMBER, "": Role.MEMBER},
    "cor": {"noord": Role.COORDINATOR, "oost": Role.OTHER_COORDINATOR, "": Role.COORDINATOR},
    "otto": {"noord": Role.OTHER_COORDINATOR, "oost": Role.COORDINATOR, "": Role.COORDINATOR},
    "bram": {"noord": Role.OTHER_MEMBER, "oost": Role.MEMBER, "": Role.MEMBER},
    "admin": {"noord": Role.ADMIN, "oost": Role.ADMIN, "": Role.ADMIN},
}
TEAMS_OF = {"mila": ("noord",), "cor": ("noord",), "otto": ("oost",), "bram": ("oost",)}
# Whose objects (lessons, check-ins, searches) each team's targets are.
OWNER = {"noord": "mila", "oost": "bram"}
# The commands as a person types them (the placeholders are filled in from the city).
COMMAND_TEXTS = {
    "/start": "/start",
    "/start <code>": "/start {code}",
    "/help": "/help",
    "/join": "/join {code}",
    "/newteam": "/newteam Matrixteam",
    "/invite": "/invite",
    "/team": "/team",
    "/linkgroup": "/linkgroup",
    "/language": "/language",
    "/cancel": "/cancel",
    "/lesson": "/lesson Een les uit de matrix over ratten",
    "/lessons": "/lessons",
    "/search": "/search ratten",
    "/merge": "/merge {keep} {duplicate}",
    "/sprint": "/sprint",
    "/sprint <goal>": "/sprint Een nieuw doel",
    "/checkin": "/checkin",
    "/checkin now": "/checkin now",
    "/skip": "/skip",
    "/away": "/away",
    "/back": "/back",
    "/timezone": "/timezone",
    "/mydata": "/mydata",
    "/forget": "/forget",
    "/summary": "/summary",
    "/export": "/export",
    "/radar": "/radar",
    "/blockers": "/blockers",
}
# The owner's own press that has nothing to act on in this city (no action under review in
# the check-in): answered with the calm "this button no longer works", and nothing changes.
NOTHING_TO_ACT_ON = {"ci:a"}

Rows = dict[str, list[tuple[Any, ...]]]


def lesson_text(team: str, kind: str) -> str:
    return f"Ratten en {kind} in {team}: bel de makelaar"


# --- the table itself ----------------------------------------------------------------------------


def test_every_command_and_every_route_is_classified() -> None:
    """A new button or command must get a line in the table before it can ship."""
    assert sorted(BUTTONS) == sorted(route.prefix for route in routes.ROUTES)
    classified = {key.split()[0].lstrip("/") for key in COMMANDS}
    assert set(MENU_COMMANDS) <= classified
    assert sorted(COMMAND_TEXTS) == sorted(COMMANDS)
    assert set(RULES) == set(Permission)


async def test_every_registered_command_is_classified(bot: ChatHarness) -> None:
    classified = {key.split()[0].lstrip("/") for key in COMMANDS}
    registered = {
        command
        for handlers in bot.application.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    assert registered - classified == set()


def test_the_table_keeps_its_promises() -> None:
    """A few rules read straight from the design, so a slip in the table itself shows."""
    for role in Role:
        assert allows(Permission.CREATE_TEAM, role) == (role is Role.ADMIN)
        assert allows(Permission.CURATE_LESSONS, role) == (role is Role.ADMIN)
        for manage in (Permission.REMOVE_MEMBER, Permission.CLOSE_SPRINT, Permission.INVITE):
            assert allows(manage, role) == (role in (Role.COORDINATOR, Role.ADMIN))
        # Recognition travels between teams: never one's own, never from nobody.
        assert allows(Permission.ENDORSE_LESSON, role) == (
            role in (Role.OTHER_MEMBER, Role.OTHER_COORDINATOR, Role.ADMIN)
        )
        assert not allows(Permission.ENDORSE_LESSON, role, shared=False)
        assert not allows(Permission.EDIT_LESSON, role, own=False)
        assert allows(Permission.SEARCH, role)
    assert not allows(Permission.LINK_GROUP, Role.COORDINATOR, chat=Chat.PRIVATE)


def test_the_committed_table_is_the_generated_one() -> None:
    assert DOC.read_text(encoding="utf-8") == permissions.markdown(), (
        "docs/authorization.md is out of date: python -m bot.services.permissions > "
        "docs/authorization.md"
    )


async def test_a_forged_link_button_in_a_private_chat_links_nothing(
    bot: ChatHarness, telegram: FakeTelegram, admin: FakeUser, settings: Settings
) -> None:
    """The matrix cell "admin presses lg:<team> in a private chat" once linked the admin's own
    private chat as the team's group (notices for the group would have gone to them)."""
    await create_team(bot, admin, "Team Noord", "Initiatief", "Noord")
    await create_team(bot, admin, "Team Oost", "Gebiedsteam", "Oost")
    pressed = bot.last_to(admin)
    forged = telegram.callback_update(admin, pressed, routes.LINK_GROUP.build(team_id=1))
    replies = await bot.deliver(forged)
    assert [m.text for m in replies] == [rendered("linkgroup.in_private")]
    assert await rows(settings, LinkedChat) == []
    # In the group itself the same button still links it.
    group = telegram.group("Buurtgroep")
    await bot.send(admin, "/linkgroup", group)
    await bot.press(admin, "Team Noord", group)
    assert [(c.chat_id, c.team_id) for c in await rows(settings, LinkedChat)] == [(group.id, 1)]


async def test_an_admin_in_a_team_keeps_both_roles(
    bot: ChatHarness, telegram: FakeTelegram, admin: FakeUser, settings: Settings
) -> None:
    """An admin who joined a team as a member writes lessons for it like any member, and still
    runs it like an admin: a person's roles add up, the table allows what any of them allows."""
    code = await create_team(bot, admin, "Team Noord", "Initiatief", "Noord")
    await join(bot, admin, code)
    card = (await bot.send(admin, "/lesson Bel de gebiedsmakelaar vroeg"))[-1]
    assert card.text.startswith("📘 Je les voor Team Noord:")
    assert [lesson.text for lesson in await rows(settings, Lesson)] == [
        "Bel de gebiedsmakelaar vroeg"
    ]
    replies = await bot.send(admin, "/checkin")
    assert replies[-1].text.startswith("⚙️ Check-ins van Team Noord")


# --- the city ------------------------------------------------------------------------------------


@dataclass
class City:
    bot: ChatHarness
    telegram: FakeTelegram
    people: dict[str, FakeUser]
    person_ids: dict[str, int]
    team_ids: dict[str, int]
    codes: dict[str, str]
    lessons: dict[tuple[str, str], int]  # (team, kind) -> lesson id
    prompts: dict[str, int]  # team -> its member's check-in prompt
    blockers: dict[str, int]  # team -> what its member ran into (an answer)
    searches: dict[str, int]  # persona -> their saved search
    group: FakeGroup
    pressed: dict[str, BotMessage] = field(default_factory=dict)  # a message in their chat

    @property
    def engine(self) -> AsyncEngine:
        return self.bot.services.database.engine


async def _ids(city_bot: ChatHarness, model: Any, *where: Any) -> list[int]:
    async with city_bot.services.database.unit_of_work() as session:
        return list((await session.execute(select(model.id).where(*where))).scalars())


async def build_city(
    bot: ChatHarness,
    telegram: FakeTelegram,
    admin: FakeUser,
    clock: FakeClock,
    settings: Settings,
) -> City:
    """Team Noord and Team Oost, each with a coordinator, a member, an open sprint and a
    check-in the member has started; each member's lessons of every visibility; a saved search
    for everyone; an outsider; a group."""
    people = {"admin": admin}
    for name in ("olga", "mila", "cor", "otto", "bram"):
        people[name] = telegram.user(name.capitalize())
    codes = {
        "noord": await create_team(bot, admin, "Team Noord", "Initiatief", "Noord"),
        "oost": await create_team(bot, admin, "Team Oost", "Gebiedsteam", "Oost"),
    }
    await bot.send(people["olga"], "/start")
    for name, team in (("mila", "noord"), ("cor", "noord"), ("otto", "oost"), ("bram", "oost")):
        await join(bot, people[name], codes[team])
    for coordinator, team in (("cor", "noord"), ("otto", "oost")):
        await bot.send(admin, "/team")
        await bot.press(admin, TEAM_NAMES[team])
        await bot.press(admin, f"⭐ {people[coordinator].first_name}")
    for coordinator in ("cor", "otto"):
        await bot.send(people[coordinator], "/sprint Minder ratten in de buurt")
        await bot.press(people[coordinator], "2 wk")
        await bot.send(people[coordinator], "/checkin now")
        # The round it starts runs beside the next update; let it finish first (a team's first
        # schedule row created by both at once is a known race, not this test's subject).
        await bot.services.courier.idle()
    await bot.round()
    for member in ("mila", "bram"):
        await bot.press(people[member], "4 ")  # the mood; the first question waits
    for team, author in OWNER.items():
        for kind in LESSON_KINDS:
            await bot.send(people[author], f"/lesson {lesson_text(team, kind)}")
            if kind in SHARE_BUTTONS:
                await bot.press(people[author], SHARE_BUTTONS[kind])
    for person in people.values():
        await bot.send(person, "/search ratten")
    group = telegram.group("Buurtgroep")
    await bot.send(admin, "/help", group)

    person_ids = {}
    for name, user in people.items():
        (person_ids[name],) = await _ids(bot, Person, Person.telegram_user_id == user.id)
    lessons = {}
    for team in TEAMS:
        for kind in LESSON_KINDS:
            (lessons[team, kind],) = await _ids(bot, Lesson, Lesson.text == lesson_text(team, kind))
    prompts = {}
    for team, member in OWNER.items():
        (prompts[team],) = await _ids(
            bot, CheckinPrompt, CheckinPrompt.person_id == person_ids[member]
        )
    # What each team's member ran into, as if answered (the blocker radar's buttons point at it).
    blockers = {}
    async with bot.services.database.unit_of_work() as session:
        for team, prompt_id in prompts.items():
            answer = CheckinAnswer(
                prompt_id=prompt_id,
                step_key="q:2",
                text=f"Geen zaal voor de avond in {team}",
                mood=None,
                skipped=False,
                answered_at=clock.now,
                updated_at=clock.now,
            )
            session.add(answer)
            await session.flush()
            blockers[team] = answer.id
    searches = {}
    for name in people:
        (searches[name],) = await _ids(bot, SavedSearch, SavedSearch.person_id == person_ids[name])
    team_ids = {}
    for team in TEAMS:
        (team_ids[team],) = await _ids(bot, Team, Team.name == TEAM_NAMES[team])
        assert await _ids(bot, Sprint, Sprint.team_id == team_ids[team], Sprint.closed_at.is_(None))
    shown = {
        (lesson.visibility.value, lesson.anonymous, lesson.decided_at is not None)
        for lesson in await rows(settings, Lesson)
    }
    assert shown == {
        ("city", False, True),
        ("city", True, True),
        ("team", False, True),
        ("team", False, False),
    }
    # A later minute than the set-up's, so "/checkin now" is a new check-in, not the same one.
    clock.advance(timedelta(minutes=1))
    city = City(
        bot,
        telegram,
        people,
        person_ids,
        team_ids,
        codes,
        lessons,
        prompts,
        blockers,
        searches,
        group,
    )
    city.pressed = {name: bot.last_to(user) for name, user in people.items()}
    city.pressed["group"] = bot.last_to(group)
    return city


# --- all rows of all tables, to compare and to restore -------------------------------------------


# Every update records its own id (so a resend is not handled twice): bookkeeping, not a change.
BOOKKEEPING = {"handled_updates"}


async def dump(engine: AsyncEngine) -> Rows:
    rows: Rows = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            result = await connection.execute(select(table).order_by(*order))
            rows[table.name] = [tuple(row) for row in result]
    return rows


async def restore(engine: AsyncEngine, rows: Rows) -> None:
    tables = Base.metadata.sorted_tables
    async with engine.begin() as connection:
        for table in reversed(tables):
            await connection.execute(delete(table))
        for table in tables:
            if rows.get(table.name):
                names = [column.name for column in table.columns]
                await connection.execute(
                    insert(table), [dict(zip(names, row, strict=True)) for row in rows[table.name]]
                )


# --- one cell ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    persona: str
    label: str  # the command or the route and what it points at
    action: Permission
    role: Role
    own: bool = True
    shared: bool = True
    decided: bool = True
    chat: Chat = Chat.PRIVATE
    team: str = ""  # the team it is about, for the refusal text
    command: bool = False

    @property
    def allowed(self) -> bool:
        return allows(
            self.action,
            self.role,
            own=self.own,
            shared=self.shared,
            decided=self.decided,
            chat=self.chat,
        )

    def refusal(self) -> str:
        rule = RULES[self.action]
        about_no_team = self.command or not self.team  # e.g. the /summary menu's button
        if about_no_team and rule.scope is Scope.TEAM and rule.no_team and self.chat == rule.chat:
            return rule.no_team  # it picks among one's own teams; there is none
        return refusal_key(self.action, self.role, own=self.own, shared=self.shared, chat=self.chat)


def rendered(key: str, team: str = "") -> str:
    return visible_text(
        t("nl", key, team=TEAM_NAMES.get(team, ""), bot="steunpunt_test_bot"), "HTML"
    )


AUTHORIZATION_REFUSALS = {
    key
    for action, rule in RULES.items()
    for key in (*(rule.refusal_for(role) for role in Role), rule.no_team, rule.elsewhere)
    if key
} | {"lesson.unknown"}


@dataclass
class Matrix:
    city: City
    baseline: Rows
    cells: int = 0
    allowed: int = 0
    failures: list[str] = field(default_factory=list)

    async def run(
        self,
        cell: Cell,
        deliver: Callable[[], Awaitable[list[BotMessage]]],
        seed: FlowState | None = None,
    ) -> None:
        city = self.city
        if seed is not None:
            async with city.bot.services.database.unit_of_work():
                await city.bot.services.conversations.put(city.person_ids[cell.persona], seed)
        before = await dump(city.engine) if seed is not None else self.baseline
        calls = len(city.telegram.calls)
        answers = len(city.telegram.callback_answers)
        start = len(city.telegram.outbox)
        await deliver()
        await city.bot.services.courier.idle()  # a check-in round a button started
        await exports_done(city.bot)  # a workbook made beside the updates
        replies = city.telegram.outbox[start:]
        after = await dump(city.engine)
        shown = [m.text for m in replies] + [
            str(a.get("text")) for a in city.telegram.callback_answers[answers:] if a.get("text")
        ]
        sent = [c for c in city.telegram.calls[calls:] if c.method.startswith(("send", "edit"))]
        seen = []
        for message in replies:
            if message.chat_id == city.people[cell.persona].id:
                seen.append(message.text)
                if is_workbook(message):
                    assert message.document is not None
                    seen += row_texts(message.document.content)
        problem = self._judge(cell, shown, sent != [], before != after) or self._leak(cell, seen)
        self.cells += 1
        self.allowed += cell.allowed
        if problem:
            self.failures.append(
                f"{cell.persona} ({cell.role}) {cell.label}: {problem}; shown {shown!r}"
            )
        if after != self.baseline:
            await restore(city.engine, self.baseline)

    @staticmethod
    def _leak(cell: Cell, seen: list[str]) -> str | None:
        """What the person read (a workbook too, row by row) never holds another team's unshared
        lesson, nor the name of an anonymous lesson's author beside it."""
        for team, author in OWNER.items():
            if team not in TEAMS_OF.get(cell.persona, ()):
                for kind in ("team", "undecided"):
                    if any(lesson_text(team, kind) in text for text in seen):
                        return f"{team}'s {kind} lesson shown to someone outside the team"
            if cell.persona != author:
                for text in seen:
                    # One search result, or one line of a list.
                    for paragraph in re.split(r"\n\n|\n• ", text):
                        if lesson_text(team, "anonymous") in paragraph and (
                            author.capitalize() in paragraph
                        ):
                            return f"the author of {team}'s anonymous lesson named"
        return None

    def _judge(self, cell: Cell, shown: list[str], sent: bool, changed: bool) -> str | None:
        unexpected = rendered("error.unexpected")
        if any(unexpected in text for text in shown):
            return "the generic error"
        rule = RULES[cell.action]
        if cell.command and cell.chat is Chat.GROUP and rule.chat is Chat.PRIVATE:
            # Not done in a group: a pointer to the private chat, or silence.
            return "a private command changed something in a group" if changed else None
        if not cell.allowed:
            expected = rendered(cell.refusal(), cell.team)
            if changed:
                return f"refused ({cell.refusal()}) but the database changed"
            if expected not in shown:
                return f"expected the refusal {cell.refusal()}"
            return None
        if any(cell.label.startswith(f"{prefix}:") for prefix in NOTHING_TO_ACT_ON):
            if changed or rendered("error.button_expired") not in shown:
                return "expected a calm 'no longer works' and no change"
            return None
        refusals = {rendered(key, cell.team) for key in AUTHORIZATION_REFUSALS}
        if refused := [text for text in shown if text in refusals]:
            return f"allowed by the table but refused: {refused[0]!r}"
        if not sent and not changed:
            return "allowed but nothing happened"
        return None


# --- the matrix ----------------------------------------------------------------------------------

TEAM_FIELDS: dict[str, dict[str, object]] = {
    "tm": {"page": 0},
    "sp:len": {"weeks": 2},
    "cs:wd": {"day": 0},
    "cs:settime": {"time": "10:15"},
    "cs:settpl": {"template": "four_ls"},
    "cs:setrem": {"minutes": 60},
    "cs:setcls": {"minutes": 1440},
    "cs:tg": {"setting": "paused"},
    "cs:swd": {"day": 0, "on": 1},
    "cs:flag": {"setting": "paused", "on": 1},
    "cs:sskip": {"on": 1},
    "dg": {"on": 0},
    "sm": {"period": "week"},
}
# The export buttons' other fields; "all" (everything) is the most there is to leak.
TARGET_FIELDS: dict[str, dict[str, object]] = {"ex": {"period": "all"}}
PERSON_FIELDS: dict[str, dict[str, object]] = {
    "nt:k": {"kind": "initiatief"},
    "nt:s": {"stadsdeel": "oost"},
    "lang": {"language": "nl"},
    "aw": {"days": 3},
    "tz": {"zone": "Europe/Amsterdam"},
    "sm:net": {"period": "week"},
}
OWN_FIELDS: dict[str, dict[str, object]] = {
    "ci:m": {"mood": 3},
    "ci:a": {"action_id": 1, "status": "done"},
    "ci:e": {"index": 0},
    "sr": {"page": 0},
    "sf": {"key": "theme"},
    "sv": {"key": "theme", "value": "-"},
}
LESSON_FIELDS: dict[str, dict[str, object]] = {
    "lc:th": {"theme": 0},
    "lc:d": {"choice": "team"},
    "le": {"page": 0},  # and the presser's own search
    "lu": {"page": 0},
    "lc:ts": {"theme": 0, "on": 1},
}

# A blocker's theme button: routes on.
ANSWER_FIELDS: dict[str, dict[str, object]] = {"bk:t": {"theme": 1, "on": 1}}


@dataclass(frozen=True)
class Press:
    cell: Cell
    data: str
    where: str = ""  # "group": pressed in the team group's chat
    seed: FlowState | None = None  # the flow the button continues, set up first


def presses(city: City, persona: str) -> list[Press]:
    """Every route, with data pointing at each team's objects, as this person would press it."""
    roles = PERSONAS[persona]
    found = []
    for route in routes.ROUTES:
        prefix, action = route.prefix, BUTTONS[route.prefix]
        scope = RULES[action].scope
        names = {f.name for f in route.fields}
        if "team_id" in names:
            for team in TEAMS:
                team_id = city.team_ids[team]
                fields = {"team_id": team_id, **TEAM_FIELDS.get(prefix, {})}
                if "person_id" in names:
                    fields["person_id"] = city.person_ids[OWNER[team]]
                data = route.build(**fields)
                seed: FlowState | None = None
                if prefix == "lt":
                    seed = LessonState("team", text="Een les uit de matrix over ratten")
                elif prefix == "sp:len":
                    seed = SprintState("length", team_id, "Een doel uit de matrix")
                for where in ("", "group") if prefix == "lg" else ("",):
                    chat = Chat.GROUP if where else Chat.PRIVATE
                    cell = Cell(persona, f"{data} ({team} {chat})", action, roles[team])
                    found.append(Press(_with(cell, chat=chat, team=team), data, where, seed))
        elif "lesson_id" in names:
            for team in TEAMS:
                for kind in LESSON_KINDS:
                    fields = {
                        "lesson_id": city.lessons[team, kind],
                        **LESSON_FIELDS.get(prefix, {}),
                    }
                    if "search_id" in names:
                        fields["search_id"] = city.searches[persona]
                    data = route.build(**fields)
                    role = roles[team] if scope in (Scope.SHARED, Scope.READABLE) else roles[""]
                    cell = Cell(persona, f"{data} ({team} {kind})", action, role)
                    own, shared = persona == OWNER[team], kind in ("city", "anonymous")
                    decided = kind != "undecided"
                    cell = _with(cell, own=own, shared=shared, decided=decided, team=team)
                    found.append(Press(cell, data))
        elif "target" in names:  # an export: one team, all one's teams, or every team
            targets = [(f"t{city.team_ids[team]}", team) for team in TEAMS]
            for target, team in [*targets, ("mine", ""), ("all", "")]:
                data = route.build(target=target, **TARGET_FIELDS.get(prefix, {}))
                if target == "all":
                    cell = Cell(persona, f"{data} (every team)", Permission.EXPORT_ALL, roles[""])
                elif target == "mine":
                    # The teams one coordinates: being a steunpunt admin adds none (the admin
                    # of this city coordinates no team).
                    role = Role.OUTSIDER if roles[""] is Role.ADMIN else roles[""]
                    cell = Cell(persona, f"{data} (own teams)", action, role)
                else:
                    cell = Cell(persona, f"{data} ({team})", action, roles[team], team=team)
                found.append(Press(cell, data))
        elif "answer_id" in names:  # a team's blocker, written by the team's member
            for team in TEAMS:
                fields = {"answer_id": city.blockers[team], **ANSWER_FIELDS.get(prefix, {})}
                data = route.build(**fields)
                cell = Cell(persona, f"{data} ({team})", action, roles[team], team=team)
                found.append(Press(_with(cell, own=persona == OWNER[team]), data))
        elif "prompt_id" in names or "search_id" in names:
            for team in TEAMS:
                owned = (
                    {"prompt_id": city.prompts[team]}
                    if "prompt_id" in names
                    else {"search_id": city.searches[OWNER[team]]}
                )
                data = route.build(**owned, **OWN_FIELDS[prefix])
                cell = Cell(persona, f"{data} ({team})", action, roles[""])
                found.append(Press(_with(cell, own=persona == OWNER[team]), data))
        else:  # about the person alone
            seed = None
            if prefix == "nt:k":
                seed = NewTeamState("kind", "Matrixteam")
            elif prefix == "nt:s":
                seed = NewTeamState("stadsdeel", "Matrixteam", "initiatief")
            fields = dict(PERSON_FIELDS.get(prefix, {}))
            if "person_id" in names:  # a button only its own person may press (/forget)
                fields["person_id"] = city.person_ids[persona]
            data = route.build(**fields)
            found.append(Press(Cell(persona, data, action, roles[""]), data, seed=seed))
    return found


def _with(cell: Cell, **changes: Any) -> Cell:
    return replace(cell, **changes)


def registered_commands(bot: ChatHarness) -> set[str]:
    return {
        command
        for handlers in bot.application.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


async def test_the_whole_matrix(
    bot: ChatHarness,
    telegram: FakeTelegram,
    admin: FakeUser,
    clock: FakeClock,
    settings: Settings,
) -> None:
    city = await build_city(bot, telegram, admin, clock, settings)
    matrix = Matrix(city, await dump(city.engine))
    started = time.monotonic()
    registered = registered_commands(bot)
    fill = {
        "code": city.codes["noord"],
        "keep": city.lessons["noord", "city"],
        "duplicate": city.lessons["noord", "anonymous"],
    }
    for key, action in COMMANDS.items():
        if key.split()[0].lstrip("/") not in registered:
            print(f"not built yet, so not tried: {key}")
            continue
        text = COMMAND_TEXTS[key].format(**fill)
        # One group per command: Telegram allows a bot 20 messages a minute in a group.
        group = telegram.group(f"Groep {key}")
        for persona, roles in PERSONAS.items():
            user = city.people[persona]
            cell = Cell(persona, key, action, roles[""], command=True)
            await matrix.run(cell, partial(bot.send, user, text))
            in_group = _with(cell, label=f"{key} (group)", chat=Chat.GROUP)
            await matrix.run(in_group, partial(bot.send, user, text, group))

    for persona, user in city.people.items():
        for press in presses(city, persona):
            message = city.pressed["group" if press.where else persona]
            update = telegram.callback_update(user, message, press.data)
            await matrix.run(press.cell, partial(bot.deliver, update), press.seed)

    elapsed = time.monotonic() - started
    print(
        f"\nauthorization matrix: {matrix.cells} cells "
        f"({matrix.allowed} allowed, {matrix.cells - matrix.allowed} refused) in {elapsed:.1f} s"
    )
    assert matrix.failures == [], "\n".join(matrix.failures)

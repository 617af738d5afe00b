"""Every button's callback data, declared once.

A `Route` is a short prefix plus named, typed fields: `CHECKIN_MOOD.build(prompt_id=7, mood=4)`
gives "ci:m:7:4", `CHECKIN_MOOD.pattern` is what its `CallbackQueryHandler` listens for, and
`CHECKIN_MOOD.args(context).int("mood")` reads it back in the handler. The data strings are the
ones earlier versions sent, so buttons still sitting in people's chats keep working.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.handlers.base import Context
from bot.services.common import ServiceError
from storage.models import Stadsdeel, TeamKind

# Telegram refuses a button whose callback data is longer than this (in UTF-8 bytes).
MAX_CALLBACK_BYTES = 64

FieldValue = int | str


@dataclass(frozen=True)
class Field:
    """One named part of the data after the prefix. Build the kinds with the functions below."""

    name: str
    regex: str  # what the part may look like; no capturing groups
    integer: bool  # read back with `args.int` (else `args.text`)
    examples: tuple[FieldValue, ...]  # valid values including the widest, for length checks
    open_ended: bool = False  # may contain ':', so it can only come last

    def format(self, value: object) -> str:
        if self.integer:
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{self.name} must be an int, not {value!r}")
        elif not isinstance(value, str):
            raise ValueError(f"{self.name} must be a str, not {value!r}")
        raw = str(value)  # a StrEnum member becomes its value
        if re.fullmatch(self.regex, raw) is None:
            raise ValueError(f"{self.name}={raw!r} does not fit {self.regex}")
        return raw

    def parse(self, raw: str) -> FieldValue:
        return int(raw) if self.integer else raw

    @property
    def widest(self) -> FieldValue:
        return max(self.examples, key=lambda value: len(str(value).encode()))


def number(name: str, digits: int = 9) -> Field:
    """A non-negative integer of at most `digits` digits (ids, pages, minutes); bounded so
    absurdly long numbers never match, and nine digits stay below PostgreSQL's 32-bit integer
    columns. ASCII digits only (`\\d` would take any script's)."""
    return Field(name, f"[0-9]{{1,{digits}}}", True, (1, 10**digits - 1))


def digit(name: str, low: int = 0, high: int = 9) -> Field:
    """A single digit from `low` to `high`."""
    if not 0 <= low <= high <= 9:
        raise ValueError(f"{name}: a digit runs from 0 to 9")
    return Field(name, f"[{low}-{high}]", True, (low, high))


def choice(name: str, options: tuple[str, ...]) -> Field:
    """One of a fixed set of words."""
    return Field(name, "(?:" + "|".join(map(re.escape, options)) + ")", False, options)


def word(name: str, max_length: int = 32) -> Field:
    """Letters, digits, '_' and '-' (names the service checks, e.g. a template)."""
    return Field(name, f"[0-9A-Za-z_-]{{1,{max_length}}}", False, ("a", "x" * max_length))


def clock_time(name: str) -> Field:
    """A time of day, HH:MM."""
    return Field(name, "(?:[01][0-9]|2[0-3]):[0-5][0-9]", False, ("09:30", "23:59"))


def text(name: str, max_length: int) -> Field:
    """Free text on one line, without control characters; only allowed as a route's last field,
    since it may contain ':'."""
    regex = f"[^\\x00-\\x1f\\x7f]{{1,{max_length}}}"
    return Field(name, regex, False, ("a", "x" * max_length), open_ended=True)


@dataclass(frozen=True)
class RouteArgs:
    """The fields of one pressed button, read by name and type."""

    route: Route
    values: Mapping[str, FieldValue]

    def text(self, name: str) -> str:
        value = self._get(name)
        if not isinstance(value, str):
            raise TypeError(f"{self.route.prefix}: {name} is a number; read it with .int()")
        return value

    def int(self, name: str) -> builtins.int:
        value = self._get(name)
        if not isinstance(value, builtins.int):
            raise TypeError(f"{self.route.prefix}: {name} is text; read it with .text()")
        return value

    def _get(self, name: str) -> FieldValue:
        if name not in self.values:
            raise KeyError(f"{self.route.prefix} has no field {name!r}")
        return self.values[name]


@dataclass(frozen=True)
class Route:
    """A kind of button: `prefix` then each field's value, joined by ':'."""

    prefix: str
    fields: tuple[Field, ...] = ()
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names) or not all(n.isidentifier() for n in names):
            raise ValueError(f"{self.prefix}: field names must be distinct identifiers")
        if any(f.open_ended for f in self.fields[:-1]):
            raise ValueError(f"{self.prefix}: free text may only be the last field")
        groups = "".join(f":(?P<{f.name}>{f.regex})" for f in self.fields)
        # \A and \Z rather than ^ and $: "$" would also accept a trailing newline.
        object.__setattr__(self, "pattern", re.compile(rf"\A{re.escape(self.prefix)}{groups}\Z"))
        # Fail at import, not when someone presses the button, if the data could be too long.
        self.build(**{f.name: f.widest for f in self.fields})

    def build(self, **values: object) -> str:
        """The callback data for a button; ValueError for wrong fields or over-long data."""
        names = [f.name for f in self.fields]
        if sorted(values) != sorted(names):
            raise ValueError(f"{self.prefix} takes {names}, not {sorted(values)}")
        data = ":".join([self.prefix, *(f.format(values[f.name]) for f in self.fields)])
        size = len(data.encode())
        if size > MAX_CALLBACK_BYTES:
            raise ValueError(f"{data!r} is {size} bytes; Telegram allows {MAX_CALLBACK_BYTES}")
        return data

    def parse(self, data: str) -> RouteArgs | None:
        """The fields of `data`, or None when it is not this route's."""
        found = self.pattern.match(data)
        return self._read(found) if found else None

    def args(self, context: Context) -> RouteArgs:
        """The fields of the pressed button; data that does not fit gets a kind refusal."""
        for found in context.matches or []:
            if found.re is self.pattern:
                return self._read(found)
        raise ServiceError("error.button_expired")

    def _read(self, found: re.Match[str]) -> RouteArgs:
        return RouteArgs(self, {f.name: f.parse(found.group(f.name)) for f in self.fields})


_declared: list[Route] = []


def _route(prefix: str, *fields: Field) -> Route:
    route = Route(prefix, fields)
    _declared.append(route)
    return route


# --- onboarding, invites, the team ---------------------------------------------------------------

CANCEL = _route("cancel")
NEW_TEAM_KIND = _route("nt:k", choice("kind", tuple(k.value for k in TeamKind)))
NEW_TEAM_STADSDEEL = _route("nt:s", choice("stadsdeel", tuple(s.value for s in Stadsdeel)))
INVITE = _route("inv", number("team_id"))
INVITE_RENEW = _route("inv:new", number("team_id"))
INVITE_REVOKE = _route("inv:rev", number("team_id"))
TEAM = _route("tm", number("team_id"), number("page"))
TEAM_APPOINT = _route("tm:co", number("team_id"), number("person_id"))
TEAM_REMOVE = _route("tm:rm", number("team_id"), number("person_id"))
TEAM_REMOVE_CONFIRMED = _route("tm:rmok", number("team_id"), number("person_id"))
LINK_GROUP = _route("lg", number("team_id"))
LANGUAGE = _route("lang", choice("language", ("nl", "en")))

# --- lessons and the city log --------------------------------------------------------------------

LESSON_TEAM = _route("lt", number("team_id"))
LESSON_THEME = _route("lc:th", number("lesson_id"), digit("theme"))  # index into THEMES
# The state the button sets (1 on, 0 off), so a double tap does not undo the first: lesson cards
# now carry these; the toggle above stays for buttons already in people's chats.
LESSON_THEME_SET = _route("lc:ts", number("lesson_id"), digit("theme"), digit("on", 0, 1))
LESSON_ADVICE = _route("lc:adv", number("lesson_id"))
LESSON_DECIDE = _route("lc:d", number("lesson_id"), choice("choice", ("team", "city", "anonymous")))
LESSON_MANAGE = _route("lm", number("lesson_id"))
LESSON_DELETE = _route("lm:del", number("lesson_id"))
LESSON_DELETE_CONFIRMED = _route("lm:delok", number("lesson_id"))
SEARCH_PAGE = _route("sr", number("search_id"), number("page"))
FILTER_KEYS = ("theme", "stadsdeel", "kind")
SEARCH_FILTER = _route("sf", number("search_id"), choice("key", FILTER_KEYS))
# The value is a theme, stadsdeel or team kind, or "-" for any.
SEARCH_FILTER_VALUE = _route("sv", number("search_id"), choice("key", FILTER_KEYS), word("value"))
LESSON_ENDORSE = _route("le", number("search_id"), number("page"), number("lesson_id"))
LESSON_UNENDORSE = _route("lu", number("search_id"), number("page"), number("lesson_id"))
LESSON_ADOPT = _route("la", number("lesson_id"))
LESSON_HIDE = _route("lh", number("lesson_id"))
LESSON_READ = _route("lr", number("lesson_id"))  # a lesson a list showed shortened, whole

# --- check-ins, sprints, check-in settings -------------------------------------------------------

CHECKIN_MOOD = _route("ci:m", number("prompt_id"), digit("mood", 1, 5))
CHECKIN_ACTION = _route(
    "ci:a",
    number("prompt_id"),
    number("action_id"),
    choice("status", ("done", "partly", "dropped")),
)
CHECKIN_CHANGE = _route("ci:e", number("prompt_id"), number("index"))
SPRINT = _route("sp", number("team_id"))
SPRINT_NEW = _route("sp:new", number("team_id"))
SPRINT_LENGTH = _route("sp:len", number("team_id"), digit("weeks"))
SPRINT_CLOSE = _route("sp:close", number("team_id"))
SPRINT_CLOSE_CONFIRMED = _route("sp:closeok", number("team_id"))
SETTINGS = _route("cs", number("team_id"))
SETTINGS_WEEKDAY = _route("cs:wd", number("team_id"), digit("day", 0, 6))  # 0 is Monday
SETTINGS_SET_WEEKDAY = _route("cs:swd", number("team_id"), digit("day", 0, 6), digit("on", 0, 1))
SETTINGS_TIME = _route("cs:time", number("team_id"))
SETTINGS_SET_TIME = _route("cs:settime", number("team_id"), clock_time("time"))
SETTINGS_TEMPLATE = _route("cs:tpl", number("team_id"))
SETTINGS_SET_TEMPLATE = _route("cs:settpl", number("team_id"), word("template"))
SETTINGS_REMINDER = _route("cs:rem", number("team_id"))
SETTINGS_SET_REMINDER = _route("cs:setrem", number("team_id"), number("minutes"))
SETTINGS_CLOSE = _route("cs:cls", number("team_id"))
SETTINGS_SET_CLOSE = _route("cs:setcls", number("team_id"), number("minutes"))
SETTINGS_TOGGLE = _route("cs:tg", number("team_id"), word("setting"))
SETTINGS_SET_FLAG = _route("cs:flag", number("team_id"), word("setting"), digit("on", 0, 1))
SETTINGS_SKIP_SPRINT = _route("cs:skip", number("team_id"))
SETTINGS_SET_SKIP = _route("cs:sskip", number("team_id"), digit("on", 0, 1))
SETTINGS_NOW = _route("cs:now", number("team_id"))
# Three digits: a date 10 digits of days away would overflow before the service could refuse it.
AWAY = _route("aw", number("days", 3))
TIMEZONE = _route("tz", text("zone", MAX_CALLBACK_BYTES - len("tz:")))

# --- privacy -------------------------------------------------------------------------------------

# The person's own id: a confirmation pressed by anyone else (or after they were forgotten, when
# they are a new person) does nothing.
FORGET_CONFIRMED = _route("fg:ok", number("person_id"))
FORGET_CANCEL = _route("fg:no")

# --- summaries and the weekly digest -------------------------------------------------------------

PERIODS = ("week", "last", "sprint")  # bot.services.summaries.PeriodKind
SUMMARY_TEAM = _route("sm", number("team_id"), choice("period", PERIODS))
SUMMARY_NETWORK = _route("sm:net", choice("period", PERIODS))
# Back from a shown summary to the choice of teams (and the network), like /summary.
SUMMARY_MENU = _route("sm:menu")
# The state the button sets, like the check-in settings: 1 sends the weekly digest, 0 stops it.
DIGEST_SET = _route("dg", number("team_id"), digit("on", 0, 1))

# --- exports -----------------------------------------------------------------------------------

EXPORT_PERIODS = ("sprint", "4w", "all")  # bot.services.export.ExportPeriod
# The target is "t<team id>", "mine" (all teams one coordinates) or "all" (a steunpunt admin).
EXPORT_SCOPE = _route("ex:s", word("target", 12))
EXPORT_RUN = _route("ex", word("target", 12), choice("period", EXPORT_PERIODS))
# Back from the periods to the choice of what to export, like /export.
EXPORT_MENU = _route("ex:menu")

# --- the blocker radar ---------------------------------------------------------------------------

# A team's blocker (the answer's id) marked *opgelost*; the next message says how.
BLOCKER_SOLVE = _route("bk:s", number("answer_id"))
# A theme on or off for one's own blocker (the state the button sets, so a double tap is
# harmless), and "klopt zo": the themes as they are.
BLOCKER_THEME_SET = _route("bk:t", number("answer_id"), digit("theme"), digit("on", 0, 1))
BLOCKER_THEMES_CONFIRM = _route("bk:ok", number("answer_id"))

ROUTES: tuple[Route, ...] = tuple(_declared)

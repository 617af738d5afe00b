"""Button callback data, declared once in `bot.handlers.routes`: every route round-trips,
fits Telegram's 64 bytes, is told apart from every other route, has a handler, and keeps the
exact strings earlier versions put on buttons that are still in people's chats."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from telegram.ext import CallbackQueryHandler

from bot.app import build_application
from bot.fakes.telegram import FakeBotRequest, FakeTelegram
from bot.handlers import routes
from bot.handlers.base import Context
from bot.handlers.routes import MAX_CALLBACK_BYTES, ROUTES, FieldValue, Route
from bot.services.common import ServiceError
from tests.conftest import make_settings

Sample = dict[str, FieldValue]


def samples(route: Route) -> list[Sample]:
    """A typical value for every field, every example value of each field in turn (every
    option of a choice), and all fields at their widest (9-digit ids, the longest choice)."""
    typical = {f.name: f.examples[0] for f in route.fields}
    found = [typical, {f.name: f.widest for f in route.fields}]
    for f in route.fields:
        found += [{**typical, f.name: value} for value in f.examples]
    return found


def matching(data: str) -> list[Route]:
    # re.match, as PTB's CallbackQueryHandler uses it.
    return [route for route in ROUTES if re.match(route.pattern, data)]


def fake_context(*found: re.Match[str]) -> Context:
    return cast(Context, SimpleNamespace(matches=list(found) or None))


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.prefix)
def test_build_then_parse_round_trips_within_telegrams_limit(route: Route) -> None:
    for sample in samples(route):
        data = route.build(**sample)
        assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
        parsed = route.parse(data)
        assert parsed is not None, data
        assert dict(parsed.values) == sample
        for f in route.fields:
            read = parsed.int(f.name) if f.integer else parsed.text(f.name)
            assert read == sample[f.name]


def test_ids_are_nine_digits_at_most() -> None:
    # Nine digits stay below 2**31: PostgreSQL's integer ids never overflow on a forged button.
    widest = routes.TEAM_REMOVE_CONFIRMED.build(team_id=999_999_999, person_id=999_999_999)
    assert widest == "tm:rmok:999999999:999999999"
    with pytest.raises(ValueError, match="does not fit"):
        routes.INVITE.build(team_id=1_000_000_000)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.prefix)
def test_each_button_is_taken_by_exactly_one_route(route: Route) -> None:
    for sample in samples(route):
        data = route.build(**sample)
        assert matching(data) == [route], data


# One button of every kind exactly as earlier versions wrote it with f-strings.
LEGACY_DATA: list[tuple[str, Route, Sample]] = [
    ("cancel", routes.CANCEL, {}),
    ("nt:k:ambtelijk_team", routes.NEW_TEAM_KIND, {"kind": "ambtelijk_team"}),
    ("nt:s:nieuw_west", routes.NEW_TEAM_STADSDEEL, {"stadsdeel": "nieuw_west"}),
    ("inv:3", routes.INVITE, {"team_id": 3}),
    ("inv:new:3", routes.INVITE_RENEW, {"team_id": 3}),
    ("inv:rev:3", routes.INVITE_REVOKE, {"team_id": 3}),
    ("tm:3:0", routes.TEAM, {"team_id": 3, "page": 0}),
    ("tm:co:3:41", routes.TEAM_APPOINT, {"team_id": 3, "person_id": 41}),
    ("tm:rm:3:41", routes.TEAM_REMOVE, {"team_id": 3, "person_id": 41}),
    ("tm:rmok:3:41", routes.TEAM_REMOVE_CONFIRMED, {"team_id": 3, "person_id": 41}),
    ("lg:3", routes.LINK_GROUP, {"team_id": 3}),
    ("lang:en", routes.LANGUAGE, {"language": "en"}),
    ("lt:3", routes.LESSON_TEAM, {"team_id": 3}),
    ("lc:th:12:6", routes.LESSON_THEME, {"lesson_id": 12, "theme": 6}),
    ("lc:ts:7:2:1", routes.LESSON_THEME_SET, {"lesson_id": 7, "theme": 2, "on": 1}),
    ("lc:adv:12", routes.LESSON_ADVICE, {"lesson_id": 12}),
    ("lc:d:12:anonymous", routes.LESSON_DECIDE, {"lesson_id": 12, "choice": "anonymous"}),
    ("lm:12", routes.LESSON_MANAGE, {"lesson_id": 12}),
    ("lm:del:12", routes.LESSON_DELETE, {"lesson_id": 12}),
    ("lm:delok:12", routes.LESSON_DELETE_CONFIRMED, {"lesson_id": 12}),
    ("sr:5:2", routes.SEARCH_PAGE, {"search_id": 5, "page": 2}),
    ("sf:5:stadsdeel", routes.SEARCH_FILTER, {"search_id": 5, "key": "stadsdeel"}),
    (
        "sv:5:kind:ambtelijk_team",
        routes.SEARCH_FILTER_VALUE,
        {"search_id": 5, "key": "kind", "value": "ambtelijk_team"},
    ),
    ("sv:5:theme:-", routes.SEARCH_FILTER_VALUE, {"search_id": 5, "key": "theme", "value": "-"}),
    ("le:5:0:12", routes.LESSON_ENDORSE, {"search_id": 5, "page": 0, "lesson_id": 12}),
    ("lu:5:0:12", routes.LESSON_UNENDORSE, {"search_id": 5, "page": 0, "lesson_id": 12}),
    ("la:12", routes.LESSON_ADOPT, {"lesson_id": 12}),
    ("lh:12", routes.LESSON_HIDE, {"lesson_id": 12}),
    ("lr:12", routes.LESSON_READ, {"lesson_id": 12}),
    ("ci:m:77:5", routes.CHECKIN_MOOD, {"prompt_id": 77, "mood": 5}),
    (
        "ci:a:77:8:partly",
        routes.CHECKIN_ACTION,
        {"prompt_id": 77, "action_id": 8, "status": "partly"},
    ),
    ("ci:e:77:3", routes.CHECKIN_CHANGE, {"prompt_id": 77, "index": 3}),
    ("sp:3", routes.SPRINT, {"team_id": 3}),
    ("sp:new:3", routes.SPRINT_NEW, {"team_id": 3}),
    ("sp:len:3:4", routes.SPRINT_LENGTH, {"team_id": 3, "weeks": 4}),
    ("sp:close:3", routes.SPRINT_CLOSE, {"team_id": 3}),
    ("sp:closeok:3", routes.SPRINT_CLOSE_CONFIRMED, {"team_id": 3}),
    ("cs:3", routes.SETTINGS, {"team_id": 3}),
    ("cs:wd:3:6", routes.SETTINGS_WEEKDAY, {"team_id": 3, "day": 6}),
    ("cs:swd:3:6:0", routes.SETTINGS_SET_WEEKDAY, {"team_id": 3, "day": 6, "on": 0}),
    ("cs:time:3", routes.SETTINGS_TIME, {"team_id": 3}),
    ("cs:settime:3:07:30", routes.SETTINGS_SET_TIME, {"team_id": 3, "time": "07:30"}),
    ("cs:tpl:3", routes.SETTINGS_TEMPLATE, {"team_id": 3}),
    (
        "cs:settpl:3:start_stop_continue",
        routes.SETTINGS_SET_TEMPLATE,
        {"team_id": 3, "template": "start_stop_continue"},
    ),
    ("cs:rem:3", routes.SETTINGS_REMINDER, {"team_id": 3}),
    ("cs:setrem:3:0", routes.SETTINGS_SET_REMINDER, {"team_id": 3, "minutes": 0}),
    ("cs:cls:3", routes.SETTINGS_CLOSE, {"team_id": 3}),
    ("cs:setcls:3:4320", routes.SETTINGS_SET_CLOSE, {"team_id": 3, "minutes": 4320}),
    (
        "cs:tg:3:share_answers_in_group",
        routes.SETTINGS_TOGGLE,
        {"team_id": 3, "setting": "share_answers_in_group"},
    ),
    ("cs:flag:3:paused:1", routes.SETTINGS_SET_FLAG, {"team_id": 3, "setting": "paused", "on": 1}),
    ("cs:skip:3", routes.SETTINGS_SKIP_SPRINT, {"team_id": 3}),
    ("cs:sskip:3:0", routes.SETTINGS_SET_SKIP, {"team_id": 3, "on": 0}),
    ("dg:3:0", routes.DIGEST_SET, {"team_id": 3, "on": 0}),
    ("cs:now:3", routes.SETTINGS_NOW, {"team_id": 3}),
    ("aw:30", routes.AWAY, {"days": 30}),
    ("tz:America/Paramaribo", routes.TIMEZONE, {"zone": "America/Paramaribo"}),
    ("fg:ok:41", routes.FORGET_CONFIRMED, {"person_id": 41}),
    ("fg:no", routes.FORGET_CANCEL, {}),
    ("sm:3:sprint", routes.SUMMARY_TEAM, {"team_id": 3, "period": "sprint"}),
    ("sm:net:last", routes.SUMMARY_NETWORK, {"period": "last"}),
    ("sm:menu", routes.SUMMARY_MENU, {}),
    ("ex:s:t12", routes.EXPORT_SCOPE, {"target": "t12"}),
    ("ex:mine:4w", routes.EXPORT_RUN, {"target": "mine", "period": "4w"}),
    ("ex:all:sprint", routes.EXPORT_RUN, {"target": "all", "period": "sprint"}),
    ("ex:menu", routes.EXPORT_MENU, {}),
    ("bk:s:57", routes.BLOCKER_SOLVE, {"answer_id": 57}),
    ("bk:t:57:3:1", routes.BLOCKER_THEME_SET, {"answer_id": 57, "theme": 3, "on": 1}),
    ("bk:ok:57", routes.BLOCKER_THEMES_CONFIRM, {"answer_id": 57}),
]


@pytest.mark.parametrize(
    ("data", "route", "values"), LEGACY_DATA, ids=[data for data, _, _ in LEGACY_DATA]
)
def test_buttons_already_in_chats_keep_working(data: str, route: Route, values: Sample) -> None:
    assert matching(data) == [route]
    parsed = route.parse(data)
    assert parsed is not None
    assert dict(parsed.values) == values
    assert route.build(**values) == data


def test_every_route_has_a_legacy_example() -> None:
    assert {id(route) for _, route, _ in LEGACY_DATA} == {id(route) for route in ROUTES}


@pytest.mark.parametrize(
    "data",
    [
        "ci:m:1:9",  # moods run from 1 to 5
        "ci:m:1:0",
        "aw:99999999999999999999",
        "aw:1000",  # away for at most 999 days: further would overflow the date
        "tm:co:1",  # a field missing
        "tm:1:2:3",  # a field too many
        "inv:1234567890",  # 10-digit id: past PostgreSQL's integer ids
        "inv:-1",
        "inv:",
        "cs:1\n",  # "$" would let a trailing newline through
        "cs:٣",  # a digit, but not an ASCII one
        "ci:a:1:2:open",
        "lc:d:1:everyone",
        "lang:de",
        "nt:k:bogus",
        "cs:wd:1:7",  # weekdays run from 0 (Monday) to 6
        "cs:settime:1:24:00",
        "cs:settime:1:9:30",
        "sv:1:theme:a b",
        "sv:1:colour:red",
        "tz:",
        "tz:Europe/Amsterdam\x00",  # control characters are nobody's zone
        "CANCEL",
        "cancel:1",
        "",
        "xx:1",
    ],
)
def test_bad_data_matches_no_route(data: str) -> None:
    assert matching(data) == []


def test_build_refuses_wrong_fields_and_overlong_data() -> None:
    with pytest.raises(ValueError, match="takes"):
        routes.TEAM.build(team_id=1)
    with pytest.raises(ValueError, match="takes"):
        routes.TEAM.build(team_id=1, page=0, person_id=2)
    with pytest.raises(ValueError, match="must be an int"):
        routes.INVITE.build(team_id="1")
    with pytest.raises(ValueError, match="must be an int"):
        routes.INVITE.build(team_id=True)
    with pytest.raises(ValueError, match="must be a str"):
        routes.LANGUAGE.build(language=1)
    with pytest.raises(ValueError, match="does not fit"):
        routes.INVITE.build(team_id=-1)
    with pytest.raises(ValueError, match="does not fit"):
        routes.LANGUAGE.build(language="de")
    with pytest.raises(ValueError, match="does not fit"):
        routes.CHECKIN_MOOD.build(prompt_id=1, mood=6)
    # 61 characters fit; 31 two-byte characters are within the character bound but not 64 bytes.
    assert len(routes.TIMEZONE.build(zone="x" * 61).encode()) == MAX_CALLBACK_BYTES
    with pytest.raises(ValueError, match="does not fit"):
        routes.TIMEZONE.build(zone="x" * 62)
    with pytest.raises(ValueError, match="bytes"):
        routes.TIMEZONE.build(zone="é" * 31)


def test_declaring_a_route_that_could_outgrow_telegrams_limit_fails() -> None:
    with pytest.raises(ValueError, match="bytes"):
        Route("xx", (routes.number("a"), routes.number("b"), routes.word("c", 50)))
    with pytest.raises(ValueError, match="last field"):
        Route("xx", (routes.text("a", 10), routes.number("b")))
    with pytest.raises(ValueError, match="distinct"):
        Route("xx", (routes.number("a"), routes.number("a")))


def test_handlers_read_fields_by_name_and_refuse_stale_data_kindly() -> None:
    found = routes.TEAM_APPOINT.pattern.match("tm:co:3:41")
    assert found is not None
    args = routes.TEAM_APPOINT.args(fake_context(found))
    assert (args.int("team_id"), args.int("person_id")) == (3, 41)
    with pytest.raises(TypeError):
        args.text("team_id")
    with pytest.raises(KeyError):
        args.int("lesson_id")
    language = routes.LANGUAGE.parse("lang:nl")
    assert language is not None
    assert language.text("language") == "nl"
    with pytest.raises(TypeError):
        language.int("language")
    # No match at all, or the match of another route's pattern: the button has gone stale.
    for route, context in (
        (routes.TEAM_APPOINT, fake_context()),
        (routes.TEAM_REMOVE, fake_context(found)),
    ):
        with pytest.raises(ServiceError) as refusal:
            route.args(context)
        assert refusal.value.key == "error.button_expired"


async def test_every_route_has_exactly_one_handler_and_every_pattern_is_a_route(
    tmp_path: Path,
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'steunpunt.db'}")
    application = build_application(
        settings, request=FakeBotRequest(FakeTelegram()), run_rounds=False
    )
    try:
        handlers = [
            handler
            for group in application.handlers.values()
            for handler in group
            if isinstance(handler, CallbackQueryHandler)
        ]
        patterns = [handler.pattern for handler in handlers if handler.pattern is not None]
        for route in ROUTES:
            assert [p for p in patterns if p is route.pattern] == [route.pattern], route.prefix
        assert len(patterns) == len(ROUTES)
        # The last one takes what no route took: a stale button gets a kind toast.
        assert handlers[-1].pattern is None
        assert [handler for handler in handlers if handler.pattern is None] == [handlers[-1]]
    finally:
        await application.bot_data["services"].database.dispose()

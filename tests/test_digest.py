"""The weekly digest through the real bot, on a fixed clock: who gets what on Friday at 16:00 in
Amsterdam, exactly once across rounds, restarts and two instances on one database; late after
downtime within the grace window, never days late; blocked chats, 429s and network errors; the
🔔/🔕 button; the DST weeks."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeGroup, FakeTelegram, FakeUser, JsonDict, visible_text
from bot.handlers import routes
from bot.services.digest import GRACE, DigestJob
from bot.texts import t
from storage.models import (
    THEMES,
    DigestAudience,
    DigestDelivery,
    DigestStatus,
    HousekeepingRun,
    Membership,
    Person,
    Team,
)
from tests.conftest import make_settings
from tests.support.checkins import ANSWERS
from tests.support.db import rows
from tests.support.faults import database_fails
from tests.support.flows import create_team, join

# Monday 23 November 2026, 09:00 in Amsterdam: a week before the digest's week.
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
MONDAY_0930 = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)
FRIDAY_1600 = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # 16:00 CET
WEEK = "2026-W49"
PNG = b"\x89PNG\r\n\x1a\n"
OOST = "Oost & <b>Co</b>"  # typed by an admin: shown as typed, never as markup
# Simon's answers in the digest's week (the week before he gave ANSWERS).
THIS_WEEK = [
    "Flyers rondgebracht in de Van der Pekbuurt",
    "Twintig buren kwamen naar de avond",
    "Geen zaal gevonden voor de tweede avond",
    "Vraag de buurtkamer ruim op tijd aan",
    "Zaal reserveren bij het buurthuis",
]
INTRO_NOORD = "📬 Je weekoverzicht van Team Noord"
INTRO_OOST = f"📬 Je weekoverzicht van {OOST}"
TOGGLE_ON = "🔔 Wekelijks overzicht: aan"
TOGGLE_OFF = "🔕 Wekelijks overzicht: uit"


@pytest.fixture
def channel(telegram: FakeTelegram) -> FakeGroup:
    return telegram.group("Steunpunt Amsterdam")


@pytest.fixture
def settings(database_url: str, channel: FakeGroup) -> Settings:
    """The steunpunt's own chat is configured (this module's bots send the network there)."""
    return make_settings(database_url, steunpunt_channel_id=channel.id)


@dataclass
class Town:
    bot: ChatHarness
    telegram: FakeTelegram
    clock: FakeClock
    settings: Settings
    admin: FakeUser
    mostafa: FakeUser  # coordinates Noord and Oost
    kate: FakeUser  # coordinates Oost, turned her digest off
    simon: FakeUser  # a member of Noord
    group: FakeGroup  # Noord's linked group
    channel: FakeGroup
    noord_id: int
    oost_id: int

    def sent_to(self, who: FakeUser | FakeGroup, since: int = 0) -> list[BotMessage]:
        return [m for m in self.telegram.outbox[since:] if m.chat_id == who.id]

    def digests_to(self, who: FakeUser) -> list[str]:
        return [m.text.split("\n")[0] for m in self.bot.messages_to(who) if "📬" in m.text]


async def answer_checkin(
    bot: ChatHarness, person: FakeUser, answers: list[str], share: str, first: bool
) -> None:
    await bot.press(person, "4 ")
    if not first:
        await bot.press(person, "Gedaan")  # last week's action
    for text in answers:
        await bot.send(person, text)
    await bot.press(person, share)  # the lesson card after the recap


async def team_id(settings: Settings, name: str) -> int:
    (team,) = await rows(settings, Team, Team.name == name)
    return int(team.id)


async def build_town(
    bot: ChatHarness,
    telegram: FakeTelegram,
    clock: FakeClock,
    settings: Settings,
    admin: FakeUser,
    channel: FakeGroup,
) -> Town:
    """Two weeks of check-ins: Team Noord (coordinator Mostafa, member Simon, a linked group)
    and Oost & <b>Co</b> (coordinators Mostafa and Kate). Simon answers both weeks and shares
    this week's lesson with the city; Kate turns her digest off. Ends on Thursday."""
    clock.now = START
    mostafa = telegram.user("Mostafa")
    kate = telegram.user("Kate")
    simon = telegram.user("Simon")
    noord_code = await create_team(bot, admin, "Team Noord", "Initiatief", "Noord")
    oost_code = await create_team(bot, admin, OOST, "Gebiedsteam", "Oost")
    for person, code in ((mostafa, noord_code), (mostafa, oost_code), (kate, oost_code)):
        await join(bot, person, code)
    await join(bot, simon, noord_code)
    for team, person in (("Team Noord", mostafa), ("Oost & ", mostafa), ("Oost & ", kate)):
        await bot.send(admin, "/team")
        await bot.press(admin, team)
        await bot.press(admin, f"⭐ {person.first_name}")
    group = telegram.group("Buurtgroep Noord")
    await bot.send(mostafa, "/linkgroup", group)
    await bot.press(mostafa, "Team Noord", group)

    for monday, answers, share in (
        (MONDAY_0930 - timedelta(days=7), ANSWERS, "🔒 Alleen team"),
        (MONDAY_0930, THIS_WEEK, "🌍 Delen met steunpunt"),
    ):
        clock.now = monday
        await bot.round()
        await answer_checkin(bot, simon, answers, share, first=answers is ANSWERS)
        clock.now = monday + timedelta(days=1)
        await bot.round()  # the check-ins close

    town = Town(
        bot,
        telegram,
        clock,
        settings,
        admin,
        mostafa,
        kate,
        simon,
        group,
        channel,
        await team_id(settings, "Team Noord"),
        await team_id(settings, OOST),
    )
    # Kate presses 🔕 under her summary (the /summary screen carries the button).
    pressed = bot.last_to(kate)
    off = routes.DIGEST_SET.build(team_id=town.oost_id, on=0)
    await bot.deliver(telegram.callback_update(kate, pressed, off))
    assert bot.toasts()[-1].startswith(f"Weekoverzicht van {OOST}: uit.")
    clock.now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # Thursday
    assert [m for m in await bot.round() if "📬" in m.text] == []
    return town


@pytest.fixture
async def town(
    bot: ChatHarness,
    telegram: FakeTelegram,
    clock: FakeClock,
    settings: Settings,
    admin: FakeUser,
    channel: FakeGroup,
) -> Town:
    return await build_town(bot, telegram, clock, settings, admin, channel)


async def deliveries(settings: Settings) -> dict[str, DigestDelivery]:
    return {d.key: d for d in await rows(settings, DigestDelivery)}


# --- Friday 16:00 --------------------------------------------------------------------------------


async def test_friday_at_four_each_coordinator_group_and_the_steunpunt_get_theirs(
    town: Town,
) -> None:
    bot, clock = town.bot, town.clock
    clock.now = FRIDAY_1600 - timedelta(seconds=1)
    assert [m for m in await bot.round() if "📬" in m.text] == []
    assert await deliveries(town.settings) == {}

    clock.now = FRIDAY_1600
    start = len(town.telegram.outbox)
    await bot.round()

    # Mostafa: one summary per team he coordinates, each with its chart.
    to_mostafa = town.sent_to(town.mostafa, start)
    # (The two are sent side by side, so in either order.)
    assert sorted(m.text.split("\n")[0] for m in to_mostafa if not m.photo) == sorted(
        [INTRO_NOORD, INTRO_OOST]
    )
    noord = next(m for m in to_mostafa if m.text.startswith(INTRO_NOORD))
    assert "Tik op 🔔 onder dit overzicht" in noord.text
    assert "👥 1 van 2 leden deden mee (50%)." in noord.text  # Simon of Simon and Mostafa
    assert f"“{THIS_WEEK[1]}” — Simon" in noord.text  # what went well, with the name
    assert f"“{THIS_WEEK[2]}” — Simon" in noord.text  # what got in the way
    assert ANSWERS[1] not in noord.text  # last week's answers are last week's
    assert noord.button_texts() == [TOGGLE_ON]
    charts = [m for m in to_mostafa if m.photo]
    assert sorted(m.text for m in charts) == sorted(
        [
            "📈 Stemming en deelname van Team Noord, de laatste 8 weken.",
            f"📈 Stemming en deelname van {OOST}, de laatste 8 weken.",
        ]
    )
    assert all(m.document is not None and m.document.content.startswith(PNG) for m in charts)
    assert len(to_mostafa) == 4

    # A member gets nothing; Kate turned hers off.
    assert town.sent_to(town.simon, start) == []
    assert town.sent_to(town.kate, start) == []

    # The group: participation and the lesson the team shared; no names, no answers.
    (in_group,) = town.sent_to(town.group, start)
    assert in_group.text.startswith("📊 Team Noord · deze week, 30 nov – 4 dec")
    assert "👥 1 van 2 leden deden mee (50%)." in in_group.text
    assert THIS_WEEK[3] in in_group.text  # the shared lesson
    for private in ("Simon", "Mostafa", THIS_WEEK[1], THIS_WEEK[2], ANSWERS[3]):
        assert private not in in_group.text
    assert not in_group.photo
    assert in_group.buttons == []

    # The steunpunt: the network, with its chart.
    network, chart = town.sent_to(town.channel, start)
    assert network.text.startswith("🌍 Het netwerk · deze week, 30 nov – 4 dec")
    assert "2 teams, 1 actief" in network.text
    assert chart.photo
    assert chart.text == "📈 Stemming en deelname in het hele netwerk, de laatste 8 weken."

    stored = await deliveries(town.settings)
    mostafa = await person_id(town, town.mostafa)
    assert sorted(stored) == sorted(
        [
            f"{WEEK}:coordinator:{mostafa}:{town.noord_id}",
            f"{WEEK}:coordinator:{mostafa}:{town.oost_id}",
            f"{WEEK}:group:{town.noord_id}",
            f"{WEEK}:steunpunt",
        ]
    )
    assert {(d.status, d.sent_at) for d in stored.values()} == {(DigestStatus.SENT, FRIDAY_1600)}
    assert {d.parts_sent for d in stored.values()} == {1, 2}


async def test_a_team_that_shares_answers_in_its_group_gets_them_there(town: Town) -> None:
    bot = town.bot
    # Mostafa switches on "share answers in the group" (the /checkin setting).
    async with bot.services.database.unit_of_work():
        actor = await bot.services.directory.identify(town.mostafa.id, "Mostafa", None, "nl")
    await bot.services.checkin_settings.set_flag(
        actor, town.noord_id, "share_answers_in_group", on=True
    )
    town.clock.now = FRIDAY_1600
    start = len(town.telegram.outbox)
    await bot.round()
    (in_group,) = town.sent_to(town.group, start)
    assert f"“{THIS_WEEK[1]}” — Simon" in in_group.text
    assert THIS_WEEK[3] in in_group.text


# --- exactly once --------------------------------------------------------------------------------


def digest_count(town: Town) -> dict[str, int]:
    """How many digest messages (texts and charts) each chat got so far."""
    counts = {}
    for name, chat in (
        ("mostafa", town.mostafa),
        ("kate", town.kate),
        ("simon", town.simon),
        ("group", town.group),
        ("channel", town.channel),
    ):
        counts[name] = len(
            [
                m
                for m in town.bot.messages_to(chat)
                if "📬" in m.text or m.photo or m.text.startswith(("📊", "🌍"))
            ]
        )
    return counts


ONCE = {"mostafa": 4, "kate": 0, "simon": 0, "group": 1, "channel": 2}


async def test_later_rounds_and_a_restart_send_nothing_twice(
    town: Town, settings: Settings, telegram: FakeTelegram, clock: FakeClock
) -> None:
    clock.now = FRIDAY_1600 + timedelta(seconds=10)
    await town.bot.round()
    assert digest_count(town) == ONCE
    clock.now += timedelta(seconds=10)
    await town.bot.round()
    assert digest_count(town) == ONCE
    # A new process on the same database and the same Telegram: nothing again.
    async with ChatHarness.running(settings, telegram, clock) as restarted:
        clock.now += timedelta(minutes=15)  # past every claim's staleness, too
        await restarted.round()
        town.bot = restarted
        assert digest_count(town) == ONCE


async def test_two_instances_on_one_database_send_each_digest_once(
    town: Town, settings: Settings, telegram: FakeTelegram, clock: FakeClock
) -> None:
    before = len(telegram.calls)
    async with ChatHarness.running(settings, telegram, clock) as second:
        clock.now = FRIDAY_1600 + timedelta(seconds=5)
        # The digest parts of both rounds start at the same moment (on PostgreSQL both claim
        # the same rows at once: only the guarded update decides), then whole rounds.
        couriers = [town.bot.services.digest_courier, second.services.digest_courier]
        bots = [town.bot.application.bot, second.application.bot]
        await asyncio.gather(*(c.cycle(b) for c, b in zip(couriers, bots, strict=True)))
        for _ in range(2):
            clock.now += timedelta(seconds=10)
            await asyncio.gather(town.bot.round(), second.round())
    assert digest_count(town) == ONCE
    # Not even tried twice: every call to Telegram for these chats is one digest part.
    sends = [c for c in telegram.calls[before:] if c.method in ("sendMessage", "sendPhoto")]
    per_chat = {
        name: len([c for c in sends if c.params.get("chat_id") == chat.id])
        for name, chat in (
            ("mostafa", town.mostafa),
            ("kate", town.kate),
            ("simon", town.simon),
            ("group", town.group),
            ("channel", town.channel),
        )
    }
    assert per_chat == ONCE
    assert len(sends) == sum(ONCE.values())


# --- downtime ------------------------------------------------------------------------------------


async def test_down_at_four_sent_at_eight_down_all_weekend_missed(town: Town) -> None:
    town.clock.now = FRIDAY_1600 + timedelta(hours=4)  # the bot comes back at 20:00
    await town.bot.round()
    assert digest_count(town) == ONCE
    # The next Friday the bot is down until Monday morning: that week's digest is not sent.
    town.clock.now = datetime(2026, 12, 14, 7, 0, tzinfo=UTC)
    sent = await town.bot.round()
    assert [m for m in sent if "📬" in m.text or m.photo] == []
    assert digest_count(town) == ONCE
    assert {d.week for d in (await deliveries(town.settings)).values()} == {WEEK}
    claimed = await rows(town.settings, HousekeepingRun, HousekeepingRun.job == "digest")
    assert {c.day for c in claimed} >= {"2026-W48", WEEK, "2026-W50"}


async def test_a_digest_not_finished_within_the_grace_window_is_not_sent_later(
    town: Town,
) -> None:
    town.telegram.fail_next("sendMessage", 502, "Bad Gateway", chat_id=town.group.id)
    town.clock.now = FRIDAY_1600
    await town.bot.round()
    assert digest_count(town)["group"] == 0
    town.clock.now = FRIDAY_1600 + GRACE
    await town.bot.round()
    assert digest_count(town)["group"] == 0
    stored = await deliveries(town.settings)
    assert stored[f"{WEEK}:group:{town.noord_id}"].status is DigestStatus.MISSED


async def test_a_locked_database_at_the_moment_delays_the_digest_by_a_round(town: Town) -> None:
    town.clock.now = FRIDAY_1600
    with database_fails(town.bot.services.database.engine, at_statement=1):
        await town.bot.services.digest_courier.cycle(town.bot.application.bot)
    assert digest_count(town) == dict.fromkeys(ONCE, 0)
    assert await deliveries(town.settings) == {}
    town.clock.now += timedelta(seconds=10)
    await town.bot.round()
    assert digest_count(town) == ONCE


# --- Telegram says no ----------------------------------------------------------------------------


async def test_a_coordinator_who_blocked_the_bot_is_not_retried_and_the_rest_go_out(
    town: Town,
) -> None:
    town.telegram.blocked_by.add(town.mostafa.id)
    town.clock.now = FRIDAY_1600
    await town.bot.round()
    counts = digest_count(town)
    assert counts == {**ONCE, "mostafa": 0}
    tries = [c for c in town.telegram.calls if c.params.get("chat_id") == town.mostafa.id]
    stored = await deliveries(town.settings)
    mine = [d for d in stored.values() if d.audience is DigestAudience.COORDINATOR]
    assert {d.status for d in mine} == {DigestStatus.UNREACHABLE}
    (person,) = await rows(town.settings, Person, Person.telegram_user_id == town.mostafa.id)
    assert person.unreachable_since == FRIDAY_1600
    town.clock.now += timedelta(hours=1)
    await town.bot.round()
    assert [c for c in town.telegram.calls if c.params.get("chat_id") == town.mostafa.id] == tries


async def test_a_429_is_waited_out_and_the_digest_sent_once_later(town: Town) -> None:
    # Three 429s the rate limiter waits out itself (a second each), then one it passes on.
    for retry_after in (1, 1, 1, 120):
        town.telegram.fail_next(
            "sendMessage",
            429,
            f"Too Many Requests: retry after {retry_after}",
            chat_id=town.group.id,
            retry_after=retry_after,
        )
    town.clock.now = FRIDAY_1600
    await town.bot.round()
    assert digest_count(town) == {**ONCE, "group": 0}
    (waiting,) = [
        d for d in (await deliveries(town.settings)).values() if d.audience is DigestAudience.GROUP
    ]
    assert (waiting.status, waiting.due_at) == (
        DigestStatus.PENDING,
        FRIDAY_1600 + timedelta(seconds=120),
    )
    town.clock.now = FRIDAY_1600 + timedelta(seconds=60)
    await town.bot.round()
    assert digest_count(town)["group"] == 0
    town.clock.now = FRIDAY_1600 + timedelta(seconds=121)
    await town.bot.round()
    assert digest_count(town) == ONCE


async def test_a_timeout_counts_as_sent_and_a_refusal_is_not_repeated(town: Town) -> None:
    # Telegram took the group's message but its answer never came: not sent again.
    town.telegram.time_out_next("sendMessage", chat_id=town.group.id, done_anyway=True)
    # Telegram refuses the network's text as it is: logged, given up, the chart still not sent.
    town.telegram.fail_next(
        "sendMessage", 400, "Bad Request: can't parse entities", chat_id=town.channel.id
    )
    town.clock.now = FRIDAY_1600
    await town.bot.round()
    town.clock.now += timedelta(hours=1)
    await town.bot.round()
    assert digest_count(town) == {**ONCE, "channel": 0}
    stored = await deliveries(town.settings)
    assert stored[f"{WEEK}:group:{town.noord_id}"].status is DigestStatus.SENT
    assert stored[f"{WEEK}:steunpunt"].status is DigestStatus.FAILED
    tries = [c for c in town.telegram.calls if c.params.get("chat_id") == town.channel.id]
    assert [c.method for c in tries] == ["sendMessage"]


async def lessons_for_every_theme(town: Town) -> None:
    """Simon writes 24 long lessons this week, three per theme and three without: Noord's
    summary no longer fits one message."""
    services = town.bot.services
    async with services.database.unit_of_work():
        simon = await services.directory.identify(town.simon.id, "Simon", None, "nl")
    for theme in (*THEMES, None):
        for number in range(3):
            text = f"Les {number} over {theme or 'niets'}: " + "we leerden heel veel. " * 12
            card = await services.lessons.write(simon, town.noord_id, text)
            lesson_id = card.lesson.id
            for proposed in card.suggested:  # exactly the theme of this lesson
                await services.lessons.set_theme(simon, lesson_id, proposed, on=False)
            if theme is not None:
                await services.lessons.set_theme(simon, lesson_id, theme, on=True)
            await services.lessons.decide(simon, lesson_id, "team")


async def test_a_network_error_midway_resends_only_the_missing_parts(town: Town) -> None:
    await lessons_for_every_theme(town)
    town.clock.now = FRIDAY_1600
    courier = town.bot.services.digest_courier
    job = DigestJob(
        0,
        DigestAudience.COORDINATOR,
        town.mostafa.id,
        town.noord_id,
        "nl",
        0,
        WEEK,
        town.bot.services.digest.period_of(FRIDAY_1600),
    )
    parts = await courier.compose(job)
    assert parts is not None
    assert [part.photo is not None for part in parts] == [False, False, True]

    # The second of the three parts meets a network error.
    failed: list[str] = []
    answer = town.telegram.answer

    def flaky(method: str, params: JsonDict, *rest: Any) -> tuple[int, JsonDict]:
        text = str(params.get("text", ""))
        if (
            not failed
            and method == "sendMessage"
            and params.get("chat_id") == town.mostafa.id
            and "📬" not in text
        ):
            failed.append(text)
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        return answer(method, params, *rest)

    town.telegram.answer = flaky  # type: ignore[method-assign]
    await town.bot.round()
    assert failed == [parts[1].text]
    noord = [m for m in town.bot.messages_to(town.mostafa) if m.text.startswith(INTRO_NOORD)]
    assert len(noord) == 1
    town.clock.now += timedelta(seconds=31)  # the first backoff
    await town.bot.round()
    # Noord's three parts arrived once each, in order: the first was not sent again.
    mine = town.bot.messages_to(town.mostafa)
    oost = f"{OOST}, de laatste 8 weken"
    noord_parts = [
        m
        for m in mine[mine.index(noord[0]) :]
        if not m.text.startswith(INTRO_OOST) and oost not in m.text
    ]
    assert [(m.text, m.photo) for m in noord_parts] == [
        (visible_text(part.text, "HTML"), part.photo is not None) for part in parts
    ]
    stored = (await deliveries(town.settings))[
        f"{WEEK}:coordinator:{(await person_id(town, town.mostafa))}:{town.noord_id}"
    ]
    assert (stored.status, stored.parts_sent, stored.attempts) == (DigestStatus.SENT, 3, 1)


async def person_id(town: Town, user: FakeUser) -> int:
    (person,) = await rows(town.settings, Person, Person.telegram_user_id == user.id)
    return int(person.id)


async def test_a_digest_for_a_team_deleted_meanwhile_is_dropped_quietly(town: Town) -> None:
    services = town.bot.services
    town.clock.now = FRIDAY_1600
    await services.digest.plan()
    jobs = await services.digest.claim()
    async with services.database.unit_of_work() as session:
        await session.execute(delete(Team).where(Team.id == town.oost_id))
    outcomes = [await services.digest_courier.deliver(town.bot.application.bot, j) for j in jobs]
    assert sorted(outcomes) == ["dropped", "sent", "sent", "sent"]
    assert sorted(town.digests_to(town.mostafa)) == [INTRO_NOORD]
    assert {d.team_id for d in (await deliveries(town.settings)).values()} == {town.noord_id, None}


# --- the button ----------------------------------------------------------------------------------


async def test_the_button_under_a_digest_turns_that_teams_digest_off(town: Town) -> None:
    town.clock.now = FRIDAY_1600
    await town.bot.round()
    oost = next(m for m in town.bot.messages_to(town.mostafa) if m.text.startswith(INTRO_OOST))
    noord = next(m for m in town.bot.messages_to(town.mostafa) if m.text.startswith(INTRO_NOORD))
    (button,) = [b for row in oost.buttons for b in row]
    assert (button.text, button.callback_data) == (TOGGLE_ON, f"dg:{town.oost_id}:0")
    await town.bot.deliver(
        town.telegram.callback_update(town.mostafa, oost, f"dg:{town.oost_id}:0")
    )
    assert town.bot.toasts()[-1] == (
        f"Weekoverzicht van {OOST}: uit. Met /summary zet je het weer aan."
    )
    assert oost.button_texts() == [TOGGLE_OFF]  # the same message shows the new state
    assert noord.button_texts() == [TOGGLE_ON]
    # A double tap on the old button (Telegram may deliver it twice): still off, calm.
    stale = town.telegram.callback_update(
        town.mostafa, oost, routes.DIGEST_SET.build(team_id=town.oost_id, on=0)
    )
    assert await town.bot.deliver(stale) == []
    memberships = await rows(town.settings, Membership)
    mostafa = await person_id(town, town.mostafa)
    assert {m.team_id: m.digest_enabled for m in memberships if m.person_id == mostafa} == {
        town.noord_id: True,
        town.oost_id: False,
    }
    # Next Friday only Noord's comes.
    town.clock.now = FRIDAY_1600 + timedelta(days=7)
    await town.bot.round()
    assert sorted(town.digests_to(town.mostafa)) == sorted([INTRO_NOORD, INTRO_OOST, INTRO_NOORD])
    # And back on, with the same message's button.
    await town.bot.deliver(
        town.telegram.callback_update(town.mostafa, oost, f"dg:{town.oost_id}:1")
    )
    assert oost.button_texts() == [TOGGLE_ON]
    assert town.bot.toasts()[-1].startswith(f"Weekoverzicht van {OOST}: aan.")


async def test_members_and_admins_get_a_kind_answer_from_a_forged_button(town: Town) -> None:
    bot, telegram = town.bot, town.telegram
    before = {
        (m.person_id, m.team_id): m.digest_enabled for m in await rows(town.settings, Membership)
    }
    data = routes.DIGEST_SET.build(team_id=town.noord_id, on=0)
    replies = await bot.deliver(telegram.callback_update(town.simon, bot.last_to(town.simon), data))
    assert [m.text for m in replies] == [
        visible_text(t("nl", "denied.coordinator", team="Team Noord"), "HTML")
    ]
    replies = await bot.deliver(telegram.callback_update(town.admin, bot.last_to(town.admin), data))
    assert [m.text for m in replies] == [
        "Het weekoverzicht van Team Noord gaat naar de coördinatoren van dat team; jij bent daar "
        "geen coördinator, dus er valt niets aan of uit te zetten."
    ]
    gone = routes.DIGEST_SET.build(team_id=999, on=0)
    replies = await bot.deliver(
        telegram.callback_update(town.mostafa, bot.last_to(town.mostafa), gone)
    )
    assert [m.text for m in replies] == ["Deze knop werkt niet meer. Begin gerust opnieuw."]
    after = {
        (m.person_id, m.team_id): m.digest_enabled for m in await rows(town.settings, Membership)
    }
    assert after == before


# --- privacy ------------------------------------------------------------------------------------


async def test_mydata_lists_a_coordinators_digests_and_forget_erases_them(town: Town) -> None:
    town.clock.now = FRIDAY_1600
    await town.bot.round()
    await town.bot.send(town.kate, "/mydata")
    document = town.bot.last_to(town.kate).document
    assert document is not None
    data = json.loads(document.content)
    assert [(m["team"], m["role"], m["weekly_digest"]) for m in data["memberships"]] == [
        (OOST, "coordinator", False)
    ]
    assert data["weekly_digests"] == []  # she turned hers off before the first one
    await town.bot.send(town.mostafa, "/mydata")
    document = town.bot.last_to(town.mostafa).document
    assert document is not None
    data = json.loads(document.content)
    assert sorted((d["team"], d["week"], d["status"]) for d in data["weekly_digests"]) == [
        (OOST, WEEK, "sent"),
        ("Team Noord", WEEK, "sent"),
    ]
    mostafa = await person_id(town, town.mostafa)
    await town.bot.send(town.mostafa, "/forget")
    await town.bot.press(town.mostafa, "🗑 Ja, wis mijn gegevens")
    left = await deliveries(town.settings)
    assert sorted(left) == [f"{WEEK}:group:{town.noord_id}", f"{WEEK}:steunpunt"]
    assert all(d.person_id != mostafa and d.chat_id != town.mostafa.id for d in left.values())


# --- DST -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekday", "moment"),
    [
        (6, datetime(2026, 3, 29, 14, 0, tzinfo=UTC)),  # Sunday of the change to CEST
        (4, datetime(2026, 4, 3, 14, 0, tzinfo=UTC)),  # the Friday after it
        (6, datetime(2026, 10, 25, 15, 0, tzinfo=UTC)),  # Sunday of the change back to CET
        (4, datetime(2026, 10, 30, 15, 0, tzinfo=UTC)),  # the Friday after it
    ],
)
async def test_in_the_dst_weeks_the_digest_still_comes_at_four_local(
    database_url: str,
    telegram: FakeTelegram,
    admin: FakeUser,
    weekday: int,
    moment: datetime,
) -> None:
    settings = make_settings(database_url, digest_weekday=weekday)
    clock = FakeClock(moment - timedelta(days=2))
    async with ChatHarness.running(settings, telegram, clock) as bot:
        coordinator = telegram.user("Mostafa")
        code = await create_team(bot, admin, "Team Noord", "Initiatief", "Noord")
        await join(bot, coordinator, code)
        await bot.send(admin, "/team")
        await bot.press(admin, "⭐ Mostafa")
        clock.now = moment - timedelta(minutes=1)
        assert [m for m in await bot.round() if "📬" in m.text] == []
        clock.now = moment
        sent = [m for m in await bot.round() if m.chat_id == coordinator.id]
        assert [m.text.split("\n")[0] for m in sent] == [INTRO_NOORD]
        assert "Deze periode was er geen check-in." in sent[0].text

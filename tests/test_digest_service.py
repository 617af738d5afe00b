"""The weekly digest at the service level (no Telegram): the moment of each week (DST weeks
too), planning once per week and who gets what, lateness and the grace window, claiming, the
delivery outcomes, and a coordinator's on/off setting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.handlers.digest import digest_rows
from bot.services.common import Actor
from bot.services.digest import (
    GRACE,
    MAX_ATTEMPTS,
    RETRY_BACKOFF,
    STALE_CLAIM,
    DigestSchedule,
    DigestService,
)
from bot.services.permissions import Chat
from bot.services.summaries import PeriodKind
from storage.models import (
    DigestAudience,
    DigestDelivery,
    DigestStatus,
    HousekeepingRun,
    Membership,
    Person,
    RunKind,
    Team,
)
from tests.conftest import make_settings
from tests.support.services import PlainServices, plain_services, refused

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CHANNEL = -1_000_000_777_001
# Friday 4 December 2026, 16:00 in Amsterdam (CET, UTC+1).
FRIDAY_1600 = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
WEEK = "2026-W49"


def friday_1600() -> DigestSchedule:
    return DigestSchedule(4, time(16, 0), AMSTERDAM)


# --- the moment ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekday", "now", "expected"),
    [
        # An ordinary week: Friday 16:00 CET is 15:00 UTC, whenever in the week one asks.
        (4, datetime(2026, 11, 30, 0, 0, tzinfo=UTC), datetime(2026, 12, 4, 15, 0, tzinfo=UTC)),
        (4, datetime(2026, 12, 6, 22, 0, tzinfo=UTC), datetime(2026, 12, 4, 15, 0, tzinfo=UTC)),
        # Summer time: Friday 16:00 CEST is 14:00 UTC.
        (4, datetime(2026, 7, 1, 12, 0, tzinfo=UTC), datetime(2026, 7, 3, 14, 0, tzinfo=UTC)),
        # The weeks of the last Sunday of March and of October: the Friday before the change
        # keeps the old offset, the Sunday of the change has the new one; 16:00 local both.
        (4, datetime(2026, 3, 25, 12, 0, tzinfo=UTC), datetime(2026, 3, 27, 15, 0, tzinfo=UTC)),
        (6, datetime(2026, 3, 25, 12, 0, tzinfo=UTC), datetime(2026, 3, 29, 14, 0, tzinfo=UTC)),
        (4, datetime(2026, 10, 21, 12, 0, tzinfo=UTC), datetime(2026, 10, 23, 14, 0, tzinfo=UTC)),
        (6, datetime(2026, 10, 21, 12, 0, tzinfo=UTC), datetime(2026, 10, 25, 15, 0, tzinfo=UTC)),
        # Monday 00:30 local is still Sunday in UTC: the local week counts.
        (0, datetime(2026, 11, 29, 23, 30, tzinfo=UTC), datetime(2026, 11, 30, 15, 0, tzinfo=UTC)),
    ],
)
def test_the_digest_moment_is_local_time_in_its_week(
    weekday: int, now: datetime, expected: datetime
) -> None:
    schedule = DigestSchedule(weekday, time(16, 0), AMSTERDAM)
    moment = schedule.moment_in_week_of(now)
    assert moment == expected
    assert moment.astimezone(AMSTERDAM).time() == time(16, 0)
    assert moment.astimezone(AMSTERDAM).weekday() == weekday


def test_the_latest_moment_is_last_weeks_until_this_weeks_has_come() -> None:
    schedule = friday_1600()
    last_week = FRIDAY_1600 - timedelta(days=7)
    assert schedule.latest_moment(FRIDAY_1600 - timedelta(seconds=1)) == last_week
    assert schedule.latest_moment(FRIDAY_1600) == FRIDAY_1600
    assert schedule.latest_moment(FRIDAY_1600 + timedelta(days=3)) == FRIDAY_1600


def test_the_period_runs_from_monday_midnight_to_the_moment(services: PlainServices) -> None:
    for moment in (FRIDAY_1600, datetime(2026, 3, 29, 14, 0, tzinfo=UTC)):
        period = services.digest.period_of(moment)
        assert period.kind is PeriodKind.THIS_WEEK
        assert period.end == moment
        start = period.start.astimezone(AMSTERDAM)
        assert (start.weekday(), start.time()) == (0, time(0, 0))
        assert moment - period.start < timedelta(days=7)
    # The DST week is 167 hours long from Monday to Monday; the period still starts at 00:00.
    dst = services.digest.period_of(datetime(2026, 3, 29, 14, 0, tzinfo=UTC))
    assert dst.start == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)
    assert dst.week_key == "2026-W13"
    assert services.digest.period_of(FRIDAY_1600).week_key == WEEK


# --- a city --------------------------------------------------------------------------------------


@dataclass
class City:
    services: PlainServices
    noord: Team
    oost: Team
    west: Team  # a team with a group and nothing happening
    mostafa: Actor  # coordinates Noord and Oost
    kate: Actor  # coordinates Oost, English
    simon: Actor  # a member of Noord
    uma: Actor  # coordinates West
    noord_group: int
    west_group: int


@pytest.fixture
async def city(
    settings: Settings, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[City]:
    """Noord (coordinator Mostafa, member Simon, a linked group and a check-in this week), Oost
    (coordinators Mostafa and Kate) and West (coordinator Uma, a group, a quiet week); the
    steunpunt chat configured."""
    configured = make_settings(settings.database_url, steunpunt_channel_id=CHANNEL)
    async with plain_services(configured, clock, tmp_path_factory) as services:
        admin = await services.admin()
        async with services.together():
            mostafa = await services.person(701, "Mostafa")
            simon = await services.person(702, "Simon")
            kate = await services.person(703, "Kate", "en")
            uma = await services.person(704, "Uma")
            noord, _ = await services.team("Team Noord", coordinator=mostafa, members=(simon,))
            oost, _ = await services.team("Team Oost", coordinator=mostafa, members=(kate,))
            await services.directory.appoint_coordinator(admin, oost.id, kate.person_id)
            west, _ = await services.team("Team West", coordinator=uma)
        await services.directory.link_group(mostafa, noord.id, -5001, "Noord groep", Chat.GROUP)
        await services.directory.link_group(uma, west.id, -5003, "West groep", Chat.GROUP)
        # Noord checks in on Monday of the digest's week.
        clock.now = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)
        run = await services.checkins.open_run(
            noord.id, RunKind.MANUAL, "manual:1", clock.now, clock.now
        )
        assert run is not None
        yield City(services, noord, oost, west, mostafa, kate, simon, uma, -5001, -5003)


async def deliveries(services: PlainServices) -> list[DigestDelivery]:
    return sorted(await services.rows(DigestDelivery), key=lambda d: d.key)


async def people(services: PlainServices) -> dict[int, Person]:
    return {p.id: p for p in await services.rows(Person)}


# --- planning ------------------------------------------------------------------------------------


async def test_nothing_is_planned_for_a_week_before_its_moment(city: City) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600 - timedelta(seconds=1)
    report = await services.digest.plan()
    # Last week's moment passed long ago (the test's bot did not run then): recorded as missed.
    assert (report.week, report.missed, report.planned) == ("2026-W48", True, 0)
    assert await deliveries(services) == []
    assert await services.digest.claim() == []


async def test_at_the_moment_each_coordinator_group_and_the_steunpunt_get_one(city: City) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600
    report = await services.digest.plan()
    assert (report.week, report.missed, report.planned) == (WEEK, False, 6)
    found = await deliveries(services)
    # Mostafa twice (two teams), Kate and Uma; only Noord's group (West's team did nothing this
    # week); the steunpunt chat. Simon, a member, gets nothing.
    assert {d.key for d in found} == {
        f"{WEEK}:coordinator:{city.mostafa.person_id}:{city.noord.id}",
        f"{WEEK}:coordinator:{city.mostafa.person_id}:{city.oost.id}",
        f"{WEEK}:coordinator:{city.kate.person_id}:{city.oost.id}",
        f"{WEEK}:coordinator:{city.uma.person_id}:{city.west.id}",
        f"{WEEK}:group:{city.noord.id}",
        f"{WEEK}:steunpunt",
    }
    by_key = {d.key: d for d in found}
    assert by_key[f"{WEEK}:group:{city.noord.id}"].chat_id == city.noord_group
    assert by_key[f"{WEEK}:steunpunt"].chat_id == CHANNEL
    assert by_key[f"{WEEK}:coordinator:{city.kate.person_id}:{city.oost.id}"].chat_id == 703
    assert {d.status for d in found} == {DigestStatus.PENDING}
    assert {(d.moment, d.expires_at, d.week) for d in found} == {
        (FRIDAY_1600, FRIDAY_1600 + GRACE, WEEK)
    }


async def test_a_week_is_planned_once_also_by_a_second_instance(
    city: City, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600 + timedelta(seconds=10)
    assert (await services.digest.plan()).planned == 6
    services.clock.now += timedelta(seconds=10)
    assert (await services.digest.plan()).planned == 0
    # Another instance (its own memory, the same database) finds the week claimed.
    other = DigestService(
        services.database,
        services.clock,
        services.summaries,
        friday_1600(),
        enabled=True,
        steunpunt_chat_id=CHANNEL,
        default_language="nl",
    )
    assert (await other.plan()).planned == 0
    assert len(await deliveries(services)) == 6
    claims = await services.rows(HousekeepingRun, HousekeepingRun.job == "digest")
    assert [c.day for c in claims] == [WEEK]


async def test_late_within_the_grace_window_is_planned_past_it_missed(city: City) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600 + timedelta(hours=4)  # back at 20:00
    assert (await services.digest.plan()).planned == 6
    jobs = await services.digest.claim()
    assert len(jobs) == 6
    # The next week the bot is down from Friday until Monday: that week is missed.
    services.clock.now = FRIDAY_1600 + timedelta(days=10)
    report = await services.digest.plan()
    assert (report.week, report.missed, report.planned) == ("2026-W50", True, 0)
    assert {d.week for d in await deliveries(services)} == {WEEK}


async def test_just_past_the_grace_window_nothing_is_planned(city: City) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600 + GRACE + timedelta(seconds=1)
    report = await services.digest.plan()
    assert (report.week, report.missed) == (WEEK, True)
    assert await deliveries(services) == []


async def test_turned_off_unreachable_and_removed_coordinators_get_nothing(city: City) -> None:
    services = city.services
    setting = await services.digest.set_digest(city.mostafa, city.oost.id, on=False)
    assert (setting.team_name, setting.enabled) == ("Team Oost", False)
    async with services.together() as session:
        await session.execute(
            update(Person)
            .where(Person.id == city.uma.person_id)
            .values(unreachable_since=FRIDAY_1600)
        )
    # Simon was made a coordinator of Noord and then left the team.
    admin = await services.admin()
    await services.directory.appoint_coordinator(admin, city.noord.id, city.simon.person_id)
    await services.directory.remove_member(admin, city.noord.id, city.simon.person_id)
    services.clock.now = FRIDAY_1600
    await services.digest.plan()
    coordinators = {
        (d.person_id, d.team_id)
        for d in await deliveries(services)
        if d.audience is DigestAudience.COORDINATOR
    }
    assert coordinators == {
        (city.kate.person_id, city.oost.id),
        (city.mostafa.person_id, city.noord.id),
    }


async def test_without_a_steunpunt_chat_or_when_disabled(services: PlainServices) -> None:
    async with services.together():
        mostafa = await services.person(701, "Mostafa")
        await services.team("Team Noord", coordinator=mostafa)
    services.clock.now = FRIDAY_1600
    disabled = DigestService(
        services.database,
        services.clock,
        services.summaries,
        friday_1600(),
        enabled=False,
        steunpunt_chat_id=CHANNEL,
        default_language="nl",
    )
    assert (await disabled.plan()).week is None
    assert await services.rows(HousekeepingRun) == []
    assert (await services.digest.plan()).planned == 1  # the coordinator; no steunpunt chat
    assert [d.audience for d in await deliveries(services)] == [DigestAudience.COORDINATOR]


# --- claiming and outcomes -----------------------------------------------------------------------


async def test_claimed_jobs_carry_language_period_and_progress(city: City) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600
    await services.digest.plan()
    jobs = {(j.audience, j.team_id, j.chat_id): j for j in await services.digest.claim()}
    assert len(jobs) == 6
    assert jobs[DigestAudience.COORDINATOR, city.oost.id, 703].language == "en"
    assert jobs[DigestAudience.COORDINATOR, city.oost.id, 701].language == "nl"
    assert jobs[DigestAudience.GROUP, city.noord.id, city.noord_group].language == "nl"
    assert jobs[DigestAudience.STEUNPUNT, None, CHANNEL].language == "nl"
    for job in jobs.values():
        assert (job.week, job.parts_sent) == (WEEK, 0)
        assert job.period == services.digest.period_of(FRIDAY_1600)
    # Taken: neither this instance nor another takes them again while they are being sent.
    assert await services.digest.claim() == []
    assert {d.status for d in await deliveries(services)} == {DigestStatus.SENDING}


async def test_a_sender_that_died_is_taken_over_after_the_parts_it_sent(city: City) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600
    await services.digest.plan()
    job = next(j for j in await services.digest.claim() if j.audience is DigestAudience.STEUNPUNT)
    await services.digest.part_sent(job.id, 2)
    await services.digest.part_sent(job.id, 1)  # late and out of order: never backwards
    services.clock.advance(STALE_CLAIM - timedelta(seconds=1))
    assert await services.digest.claim() == []  # still its sender's
    services.clock.advance(timedelta(seconds=2))
    again = {j.id: j for j in await services.digest.claim()}
    assert again[job.id].parts_sent == 2
    await services.digest.sent(job.id)
    (stored,) = await services.rows(DigestDelivery, DigestDelivery.id == job.id)
    assert (stored.status, stored.sent_at, stored.claimed_at) == (
        DigestStatus.SENT,
        services.clock.now,
        None,
    )


async def test_network_errors_back_off_and_give_up_retry_after_waits(city: City) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600
    await services.digest.plan()
    first, second, *_ = await services.digest.claim()
    await services.digest.retry(second.id, timedelta(seconds=90))
    # The 429: due after Telegram's wait, not counted as an attempt.
    (waiting,) = await services.rows(DigestDelivery, DigestDelivery.id == second.id)
    assert (waiting.status, waiting.attempts) == (DigestStatus.PENDING, 0)
    assert waiting.due_at == FRIDAY_1600 + timedelta(seconds=90)
    for attempt in range(1, MAX_ATTEMPTS):
        await services.digest.retry(first.id)
        (stored,) = await services.rows(DigestDelivery, DigestDelivery.id == first.id)
        assert (stored.status, stored.attempts) == (DigestStatus.PENDING, attempt)
        assert stored.due_at == services.clock.now + RETRY_BACKOFF * 2 ** (attempt - 1)
        services.clock.now = stored.due_at
        assert first.id in {j.id for j in await services.digest.claim()}
    await services.digest.retry(first.id)
    (stored,) = await services.rows(DigestDelivery, DigestDelivery.id == first.id)
    assert (stored.status, stored.attempts) == (DigestStatus.FAILED, MAX_ATTEMPTS)


async def test_a_coordinator_who_blocked_the_bot_is_marked_unreachable(city: City) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600
    await services.digest.plan()
    jobs = await services.digest.claim()
    kate = next(j for j in jobs if j.chat_id == 703)
    group = next(j for j in jobs if j.audience is DigestAudience.GROUP)
    await services.digest.unreachable(kate.id)
    await services.digest.unreachable(group.id)
    found = {d.id: d for d in await deliveries(services)}
    assert found[kate.id].status is DigestStatus.UNREACHABLE
    assert found[group.id].status is DigestStatus.UNREACHABLE
    everyone = await people(services)
    assert everyone[city.kate.person_id].unreachable_since == FRIDAY_1600
    assert everyone[city.mostafa.person_id].unreachable_since is None


async def test_a_coordinator_who_blocked_the_bot_meanwhile_is_not_tried(city: City) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600
    await services.digest.plan()
    async with services.together() as session:
        await session.execute(
            update(Person)
            .where(Person.id == city.mostafa.person_id)
            .values(unreachable_since=FRIDAY_1600)
        )
    jobs = await services.digest.claim()
    assert len(jobs) == 4  # Kate's, Uma's, the group's and the steunpunt's
    assert all(j.chat_id != 701 for j in jobs)
    mostafas = [d for d in await deliveries(services) if d.person_id == city.mostafa.person_id]
    assert {d.status for d in mostafas} == {DigestStatus.UNREACHABLE}
    assert {d.claimed_at for d in mostafas} == {None}


async def test_what_is_not_sent_within_the_grace_window_is_missed(city: City) -> None:
    services = city.services
    services.clock.now = FRIDAY_1600
    await services.digest.plan()
    jobs = await services.digest.claim()
    await services.digest.retry(jobs[0].id, timedelta(hours=13))  # a very long 429
    await services.digest.sent(jobs[1].id)
    # The others' sender died; nobody takes them over before the window closes.
    services.clock.now = FRIDAY_1600 + GRACE
    assert await services.digest.claim() == []
    statuses = {d.id: d.status for d in await deliveries(services)}
    assert statuses.pop(jobs[1].id) is DigestStatus.SENT
    assert set(statuses.values()) == {DigestStatus.MISSED}


# --- the coordinator's setting -------------------------------------------------------------------


async def test_a_coordinator_turns_their_digest_off_and_on(city: City) -> None:
    services = city.services
    digest = services.digest
    assert await digest.digest_enabled(city.mostafa, city.oost.id)
    services.clock.now = FRIDAY_1600
    await digest.plan()
    off = await digest.set_digest(city.mostafa, city.oost.id, on=False)
    assert not off.enabled
    assert not await digest.digest_enabled(city.mostafa, city.oost.id)
    # This week's, still waiting, goes too; Noord's stays.
    statuses = {(d.person_id, d.team_id): d.status for d in await deliveries(services)}
    assert statuses[city.mostafa.person_id, city.oost.id] is DigestStatus.DROPPED
    assert statuses[city.mostafa.person_id, city.noord.id] is DigestStatus.PENDING
    assert await digest.digest_enabled(city.kate, city.oost.id)  # per person
    await digest.set_digest(city.mostafa, city.oost.id, on=False)  # a double tap: still off
    assert (await digest.set_digest(city.mostafa, city.oost.id, on=True)).enabled
    memberships = await services.rows(Membership, Membership.person_id == city.mostafa.person_id)
    assert {m.team_id: m.digest_enabled for m in memberships} == {
        city.noord.id: True,
        city.oost.id: True,
    }


async def test_only_a_teams_coordinator_has_a_digest_to_set(city: City) -> None:
    services = city.services
    digest = services.digest
    await refused("denied.coordinator", digest.set_digest(city.simon, city.noord.id, on=False))
    await refused("denied.coordinator", digest.set_digest(city.uma, city.noord.id, on=False))
    admin = await services.admin()
    refusal = await refused(
        "digest.not_coordinator", digest.set_digest(admin, city.noord.id, on=False)
    )
    assert refusal.params == {"team": "Team Noord"}
    await refused("error.button_expired", digest.set_digest(city.mostafa, 999, on=False))
    assert not await digest.digest_enabled(city.simon, city.noord.id)
    assert not await digest.digest_enabled(admin, city.noord.id)
    # Whom the /summary screen shows the button: the team's coordinators, in either state.
    assert await digest.digest_choice(city.mostafa, city.noord.id) is True
    await digest.set_digest(city.mostafa, city.noord.id, on=False)
    assert await digest.digest_choice(city.mostafa, city.noord.id) is False
    assert await digest.digest_choice(city.simon, city.noord.id) is None
    assert await digest.digest_choice(admin, city.noord.id) is None
    assert await digest.digest_choice(city.uma, city.noord.id) is None
    await digest.set_digest(city.mostafa, city.noord.id, on=True)
    memberships = await services.rows(Membership)
    assert all(m.digest_enabled for m in memberships)


def test_the_button_under_a_summary_shows_the_state_and_sets_the_other() -> None:
    assert digest_rows("nl", 7, None) == []
    assert digest_rows("nl", 7, True) == [[("🔔 Wekelijks overzicht: aan", "dg:7:0")]]
    assert digest_rows("en", 7, False) == [[("🔕 Weekly summary: off", "dg:7:1")]]


def test_week_keys_follow_iso_weeks_across_the_new_year(services: PlainServices) -> None:
    moment = friday_1600().moment_in_week_of(datetime(2027, 1, 1, 12, 0, tzinfo=UTC))
    assert moment.astimezone(AMSTERDAM).date() == date(2027, 1, 1)
    assert services.digest.period_of(moment).week_key == "2026-W53"

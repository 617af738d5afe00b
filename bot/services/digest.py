"""The weekly digest: at a moment the steunpunt sets (default Friday 16:00 in its time zone),
each coordinator gets their teams' week, each linked group its team's figures, and the
steunpunt's own chat the network. Planned once per week (one instance wins the claim), sent
under the claim/deliver protocol like check-in questions, so a restart or a second instance
sends nothing twice; a week the bot slept through is recorded as missed, never sent days late.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.common import Actor, Clock, Language, ServiceError
from bot.services.directory import language_for
from bot.services.permissions import Permission, authorize
from bot.services.summaries import Period, SummaryService, monday_of
from storage.database import Database
from storage.digest import DigestRows
from storage.models import DigestAudience, DigestStatus, Role

logger = logging.getLogger(__name__)

# A digest not sent within this long after its moment (the bot was down) is not sent at all:
# Friday's digest may arrive on Friday evening, never on Monday.
GRACE = timedelta(hours=12)
STALE_CLAIM = timedelta(minutes=10)  # a claim this old belongs to a sender that died
RETRY_BACKOFF = timedelta(seconds=30)  # after a network error; doubles per attempt
RETRY_BACKOFF_MAX = timedelta(minutes=10)
MAX_ATTEMPTS = 6  # network errors before a delivery is given up as failed


@dataclass(frozen=True)
class DigestSchedule:
    """When the digest goes out: a weekday (0 = Monday) at a local time of day."""

    weekday: int
    time_of_day: time
    zone: ZoneInfo

    def moment_in_week_of(self, moment: datetime) -> datetime:
        """The digest moment (UTC) of the local week `moment` falls in (DST-correct: the
        offset is the one of that day)."""
        monday = monday_of(moment.astimezone(self.zone).date())
        day = monday + timedelta(days=self.weekday)
        return datetime.combine(day, self.time_of_day, tzinfo=self.zone).astimezone(UTC)

    def latest_moment(self, now: datetime) -> datetime:
        """The last digest moment at or before `now`."""
        moment = self.moment_in_week_of(now)
        if moment > now:
            moment = self.moment_in_week_of(now - timedelta(days=7))
        return moment


@dataclass(frozen=True)
class PlanReport:
    week: str | None = None  # None: nothing to plan (not enabled, or planned already)
    planned: int = 0
    missed: bool = False  # the bot was down past the grace window: nothing is sent


@dataclass(frozen=True)
class DigestJob:
    """One claimed digest to send: to whom, in which language, for which period, and how many
    of its parts arrived already."""

    id: int
    audience: DigestAudience
    chat_id: int
    team_id: int | None
    language: Language
    parts_sent: int
    week: str
    period: Period


@dataclass(frozen=True)
class DigestSetting:
    team_id: int
    team_name: str
    enabled: bool


class DigestService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        summaries: SummaryService,
        schedule: DigestSchedule,
        *,
        enabled: bool,
        steunpunt_chat_id: int | None,
        default_language: Language,
    ) -> None:
        self._db = database
        self._clock = clock
        self._summaries = summaries
        self.schedule = schedule
        self._enabled = enabled
        self._steunpunt_chat_id = steunpunt_chat_id
        self._default_language = default_language
        # Only spares the database a query each round; the claim in the database decides.
        self._planned_week: str | None = None

    def period_of(self, moment: datetime) -> Period:
        """What a digest at `moment` summarises: its week from Monday 00:00 up to the moment."""
        return self._summaries.week(moment)

    # --- planning ------------------------------------------------------------------------------

    async def plan(self, now: datetime | None = None) -> PlanReport:
        """Once the week's moment has come: claim the week (one instance wins) and plan one
        delivery per coordinator and team, per linked group of a team that did something this
        week, and for the steunpunt chat. Past the grace window the week is only recorded as
        missed."""
        if not self._enabled:
            return PlanReport()
        now = now or self._clock()
        moment = self.schedule.latest_moment(now)
        period = self.period_of(moment)
        week = period.week_key
        if week == self._planned_week:
            return PlanReport()
        async with self._db.unit_of_work() as session:
            rows = DigestRows(session)
            if await rows.week_claimed(week) or not await rows.claim_week(week, now):
                self._planned_week = week
                return PlanReport()
            if now - moment > GRACE:
                self._planned_week = week
                # Worth a warning when someone would have had it (not on a fresh install).
                level = logging.WARNING if await rows.coordinators() else logging.INFO
                logger.log(
                    level,
                    "weekly digest of %s missed: the bot was not running within %s of its moment",
                    week,
                    GRACE,
                )
                return PlanReport(week, missed=True)
            planned = 0
            common = {
                "week": week,
                "status": DigestStatus.PENDING,
                "parts_sent": 0,
                "attempts": 0,
                "moment": moment,
                "due_at": now,
                "expires_at": moment + GRACE,
                "created_at": now,
            }
            for coordinator in await rows.coordinators():
                planned += await rows.add_once(
                    {
                        **common,
                        "key": f"{week}:coordinator:{coordinator.person_id}:{coordinator.team_id}",
                        "audience": DigestAudience.COORDINATOR,
                        "chat_id": coordinator.telegram_user_id,
                        "team_id": coordinator.team_id,
                        "person_id": coordinator.person_id,
                    }
                )
            # A group hears about a week its team did something in; a quiet week's message
            # ("0 of 0 answered") would only be noise in the group.
            active = await rows.active_teams(period.start, period.end)
            for team_id, chat_id in await rows.linked_groups():
                if team_id in active:
                    planned += await rows.add_once(
                        {
                            **common,
                            "key": f"{week}:group:{team_id}",
                            "audience": DigestAudience.GROUP,
                            "chat_id": chat_id,
                            "team_id": team_id,
                            "person_id": None,
                        }
                    )
            if self._steunpunt_chat_id is not None:
                planned += await rows.add_once(
                    {
                        **common,
                        "key": f"{week}:steunpunt",
                        "audience": DigestAudience.STEUNPUNT,
                        "chat_id": self._steunpunt_chat_id,
                        "team_id": None,
                        "person_id": None,
                    }
                )
        self._planned_week = week
        logger.info("weekly digest of %s planned: %d deliveries", week, planned)
        return PlanReport(week, planned=planned)

    # --- delivering ----------------------------------------------------------------------------

    async def claim(self, now: datetime | None = None, limit: int = 50) -> list[DigestJob]:
        """Take due deliveries (and ones whose sender died); the caller sends each once and
        reports back with `part_sent` and `sent`, `unreachable`, `retry`, `failed` or
        `dropped`. Deliveries past their grace window are marked missed instead."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            ids, missed = await DigestRows(session).claim(now, now - STALE_CLAIM, limit)
        if missed:
            logger.warning("%d weekly digests missed their grace window", missed)
        if not ids:
            return []
        jobs = []
        async with self._db.unit_of_work() as session:
            for delivery, person in await DigestRows(session).with_people(ids):
                language = self._default_language
                if person is not None:
                    if person.unreachable_since is not None:
                        # Blocked the bot since the digest was planned (e.g. at their other
                        # team's digest): not tried again.
                        delivery.status, delivery.claimed_at = DigestStatus.UNREACHABLE, None
                        continue
                    language = language_for(person.language, None, self._default_language)
                jobs.append(
                    DigestJob(
                        id=delivery.id,
                        audience=delivery.audience,
                        chat_id=delivery.chat_id,
                        team_id=delivery.team_id,
                        language=language,
                        parts_sent=delivery.parts_sent,
                        week=delivery.week,
                        period=self.period_of(delivery.moment),
                    )
                )
        return jobs

    async def part_sent(self, delivery_id: int, parts_sent: int) -> None:
        """`parts_sent` parts of the digest arrived: a retry starts after them."""
        async with self._db.unit_of_work() as session:
            await DigestRows(session).part_sent(delivery_id, parts_sent, self._clock())

    async def sent(self, delivery_id: int) -> None:
        await self._finish(delivery_id, DigestStatus.SENT)

    async def failed(self, delivery_id: int) -> None:
        """Telegram refuses it as it is (it would refuse it again): given up."""
        await self._finish(delivery_id, DigestStatus.FAILED)

    async def dropped(self, delivery_id: int) -> None:
        """Nothing to send any more (the team is gone)."""
        await self._finish(delivery_id, DigestStatus.DROPPED)

    async def _finish(self, delivery_id: int, status: DigestStatus) -> None:
        async with self._db.unit_of_work() as session:
            await DigestRows(session).finish(delivery_id, status, self._clock())

    async def unreachable(self, delivery_id: int) -> None:
        """Blocked by the person, or the chat is gone: stop. A coordinator who blocked the bot
        is marked unreachable, as a check-in question would mark them."""
        now = self._clock()
        async with self._db.unit_of_work() as session:
            rows = DigestRows(session)
            delivery = await rows.get(delivery_id)
            if delivery is None:
                return
            delivery.status, delivery.claimed_at = DigestStatus.UNREACHABLE, None
            if delivery.person_id is not None:
                person = await rows.person(delivery.person_id)
                if person is not None and person.unreachable_since is None:
                    person.unreachable_since = now

    async def retry(self, delivery_id: int, after: timedelta | None = None) -> None:
        """Give the delivery back to be sent later: after `after` (Telegram's retry_after), or
        after a backoff that doubles per network error; given up as failed after
        MAX_ATTEMPTS network errors."""
        now = self._clock()
        async with self._db.unit_of_work() as session:
            delivery = await DigestRows(session).get(delivery_id)
            if delivery is None:
                return
            delivery.claimed_at = None
            if after is not None:
                delivery.status, delivery.due_at = DigestStatus.PENDING, now + after
                return
            delivery.attempts += 1
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = DigestStatus.FAILED
                logger.error(
                    "weekly digest %s given up after %d attempts", delivery.key, MAX_ATTEMPTS
                )
                return
            backoff = min(RETRY_BACKOFF * 2 ** (delivery.attempts - 1), RETRY_BACKOFF_MAX)
            delivery.status, delivery.due_at = DigestStatus.PENDING, now + backoff

    # --- a coordinator's choice ----------------------------------------------------------------

    async def set_digest(self, actor: Actor, team_id: int, on: bool) -> DigestSetting:
        """Turn the coordinator's weekly digest of a team on or off (off also drops this
        week's, if it is still waiting)."""
        async with self._db.unit_of_work() as session:
            rows = DigestRows(session)
            team = await rows.team(team_id)
            if team is None:
                raise ServiceError("error.button_expired")
            await authorize(session, actor, Permission.SET_DIGEST, team)
            membership = await rows.membership(team_id, actor.person_id)
            if membership is None or membership.role is not Role.COORDINATOR:
                # An admin may see every team, but the digest goes to its coordinators.
                raise ServiceError("digest.not_coordinator", team=team.name)
            membership.digest_enabled = on
            if not on:
                await rows.drop_pending(actor.person_id, team_id)
            return DigestSetting(team.id, team.name, on)

    async def digest_enabled(self, actor: Actor, team_id: int) -> bool:
        """Whether the person gets the weekly digest of the team (False when they are not its
        coordinator)."""
        return bool(await self.digest_choice(actor, team_id))

    async def digest_choice(self, actor: Actor, team_id: int) -> bool | None:
        """The coordinator's choice for the team (on or off); None when the person is not a
        coordinator of the team (an admin looking at it, say): no button for them."""
        async with self._db.unit_of_work() as session:
            membership = await DigestRows(session).membership(team_id, actor.person_id)
            if membership is None or membership.role is not Role.COORDINATOR:
                return None
            return membership.digest_enabled

"""The weekly digest's SQL: who gets it, claiming each week once, and each delivery's progress
under the claim/deliver protocol (like check-in prompts in storage/repositories.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CheckinRun,
    DigestDelivery,
    DigestStatus,
    HousekeepingRun,
    Lesson,
    LessonStatus,
    LessonVisibility,
    LinkedChat,
    Membership,
    Person,
    Role,
    RunStatus,
    Team,
)
from storage.repositories import insert_ignoring_conflicts

DIGEST_JOB = "digest"  # HousekeepingRun.job; its `day` is the week key, e.g. "2026-W49"


@dataclass(frozen=True)
class CoordinatorRecipient:
    person_id: int
    telegram_user_id: int
    team_id: int


class DigestRows:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- planning ------------------------------------------------------------------------------

    async def claim_week(self, week: str, now: datetime) -> bool:
        """True for the one caller (across instances) that plans `week`; the claim commits
        with the deliveries it plans, so a failed plan leaves the week unclaimed."""
        statement = insert_ignoring_conflicts(
            self._session, HousekeepingRun, {"job": DIGEST_JOB, "day": week, "ran_at": now}
        ).returning(HousekeepingRun.job)
        return (await self._session.execute(statement)).scalar_one_or_none() is not None

    async def week_claimed(self, week: str) -> bool:
        return await self._session.get(HousekeepingRun, (DIGEST_JOB, week)) is not None

    async def coordinators(self) -> list[CoordinatorRecipient]:
        """Active coordinators who keep their digest on, per team, whom Telegram still reaches."""
        result = await self._session.execute(
            select(Person.id, Person.telegram_user_id, Membership.team_id)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.role == Role.COORDINATOR,
                Membership.removed_at.is_(None),
                Membership.digest_enabled.is_(True),
                Person.unreachable_since.is_(None),
            )
            .order_by(Membership.team_id, Person.id)
        )
        return [CoordinatorRecipient(int(p), int(u), int(t)) for p, u, t in result.all()]

    async def linked_groups(self) -> list[tuple[int, int]]:
        """(team id, chat id) of every linked group."""
        result = await self._session.execute(
            select(LinkedChat.team_id, LinkedChat.chat_id).order_by(LinkedChat.team_id)
        )
        return [(int(team_id), int(chat_id)) for team_id, chat_id in result.all()]

    async def active_teams(self, start: datetime, end: datetime) -> set[int]:
        """Teams that asked a check-in (scheduled in [start, end)) or shared a lesson with the
        city log in that time: the ones whose group has something to read."""
        asked = select(CheckinRun.team_id).where(
            CheckinRun.scheduled_for >= start,
            CheckinRun.scheduled_for < end,
            CheckinRun.status.in_([RunStatus.OPEN, RunStatus.CLOSED]),
        )
        shared = select(Lesson.team_id).where(
            Lesson.status == LessonStatus.ACTIVE,
            Lesson.visibility == LessonVisibility.CITY,
            Lesson.decided_at >= start,
            Lesson.decided_at < end,
        )
        result = await self._session.execute(asked.union(shared))
        return {int(team_id) for team_id in result.scalars()}

    async def add_once(self, values: dict[str, Any]) -> bool:
        """Insert a delivery unless its key exists; False then."""
        statement = insert_ignoring_conflicts(self._session, DigestDelivery, values).returning(
            DigestDelivery.id
        )
        return (await self._session.execute(statement)).scalar_one_or_none() is not None

    # --- claiming and progress -----------------------------------------------------------------

    async def claim(
        self, now: datetime, stale_before: datetime, limit: int
    ) -> tuple[list[int], int]:
        """Atomically take up to `limit` due deliveries (and ones whose sender died); only the
        taker sends them, and the guarded UPDATE lets one of two instances win each row. Those
        past their grace window become missed instead. Returns (claimed ids, missed count); a
        round with nothing due writes nothing."""
        pending = DigestDelivery.status == DigestStatus.PENDING
        abandoned = (DigestDelivery.status == DigestStatus.SENDING) & (
            DigestDelivery.claimed_at < stale_before
        )
        expired = DigestDelivery.expires_at <= now
        takeable = (pending & (DigestDelivery.due_at <= now)) | abandoned
        candidates = await self._session.execute(
            select(DigestDelivery.id, DigestDelivery.expires_at)
            .where(takeable | (pending & expired))
            .order_by(DigestDelivery.due_at, DigestDelivery.id)
            .limit(limit)
        )
        live: list[int] = []
        late: list[int] = []
        for delivery_id, expires_at in candidates.all():
            (late if expires_at <= now else live).append(int(delivery_id))
        missed = 0
        if late:
            result = await self._session.execute(
                update(DigestDelivery)
                .where(DigestDelivery.id.in_(late), pending | abandoned)
                .values(status=DigestStatus.MISSED, claimed_at=None)
            )
            missed = int(getattr(result, "rowcount", 0) or 0)
        if not live:
            return [], missed
        result = await self._session.execute(
            update(DigestDelivery)
            .where(DigestDelivery.id.in_(live), takeable)
            .values(status=DigestStatus.SENDING, claimed_at=now)
            .returning(DigestDelivery.id)
        )
        return sorted(result.scalars()), missed

    async def with_people(self, ids: list[int]) -> list[tuple[DigestDelivery, Person | None]]:
        """The deliveries and, for a coordinator's, the person (for their language)."""
        if not ids:
            return []
        result = await self._session.execute(
            select(DigestDelivery, Person)
            .outerjoin(Person, Person.id == DigestDelivery.person_id)
            .where(DigestDelivery.id.in_(ids))
            .order_by(DigestDelivery.id)
        )
        return [(delivery, person) for delivery, person in result.all()]

    async def get(self, delivery_id: int) -> DigestDelivery | None:
        return await self._session.get(DigestDelivery, delivery_id)

    async def part_sent(self, delivery_id: int, parts_sent: int, now: datetime) -> None:
        """Record progress in one statement (never backwards) and keep the claim fresh, so a
        long digest is not taken for one whose sender died."""
        await self._session.execute(
            update(DigestDelivery)
            .where(DigestDelivery.id == delivery_id)
            .values(
                parts_sent=case(
                    (DigestDelivery.parts_sent < parts_sent, parts_sent),
                    else_=DigestDelivery.parts_sent,
                ),
                claimed_at=now,
            )
        )

    async def finish(self, delivery_id: int, status: DigestStatus, now: datetime) -> None:
        values: dict[str, Any] = {"status": status, "claimed_at": None}
        if status is DigestStatus.SENT:
            values["sent_at"] = now
        await self._session.execute(
            update(DigestDelivery).where(DigestDelivery.id == delivery_id).values(**values)
        )

    async def drop_pending(self, person_id: int, team_id: int) -> int:
        """A coordinator turned their digest of a team off: what is still waiting is dropped."""
        result = await self._session.execute(
            update(DigestDelivery)
            .where(
                DigestDelivery.person_id == person_id,
                DigestDelivery.team_id == team_id,
                DigestDelivery.status == DigestStatus.PENDING,
            )
            .values(status=DigestStatus.DROPPED)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # --- the coordinator's setting -------------------------------------------------------------

    async def membership(self, team_id: int, person_id: int) -> Membership | None:
        result = await self._session.execute(
            select(Membership).where(
                Membership.team_id == team_id,
                Membership.person_id == person_id,
                Membership.removed_at.is_(None),
            )
        )
        return result.scalar_one_or_none()

    async def person(self, person_id: int) -> Person | None:
        return await self._session.get(Person, person_id)

    async def team(self, team_id: int) -> Team | None:
        return await self._session.get(Team, team_id)

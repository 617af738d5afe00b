"""Sends what the check-in cycle has due: first questions, resumed questions, recaps and lesson
cards that did not arrive, reminders and closing notices. Bulk messages are marked so the rate
limiter lets interactive replies first."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from bot.handlers.checkin_views import closed_group_message, recap_message, step_message
from bot.handlers.lesson_views import card_message
from bot.handlers.radar_views import blocker_card_message
from bot.services.checkins import CheckinService, ClosedRun, Delivery, RecapDelivery, Reminder
from bot.services.common import Language
from bot.services.sprints import SprintService
from bot.texts import Safe, t

logger = logging.getLogger(__name__)

BULK: dict[str, Any] = {"priority": "bulk"}
Recorder = Callable[[int], Awaitable[None]]
NETWORK_RETRIES = 3
BATCH = 100
REFILL_BELOW = 60  # claim more once fewer questions than this are still on their way


@dataclass
class CycleReport:
    opened: int = 0
    delivered: int = 0
    unreachable: int = 0
    failed: int = 0
    reminded: int = 0
    recaps: int = 0
    closed: int = 0
    sprints_closed: int = 0
    skipped_busy: bool = False


class CheckinCourier:
    def __init__(
        self,
        checkins: CheckinService,
        sprints: SprintService,
        group_language: Language,
        zone: ZoneInfo,
    ) -> None:
        self._checkins = checkins
        self._sprints = sprints
        self._group_language = group_language
        self._zone = zone
        self._busy = asyncio.Lock()

    async def idle(self) -> None:
        """Wait until no round is running."""
        async with self._busy:
            return

    async def cycle(self, bot: ExtBot[Any], now: datetime | None = None) -> CycleReport:
        """One round: close overdue sprints, open and close runs, send what is due."""
        report = CycleReport()
        if self._busy.locked():
            report.skipped_busy = True  # the previous round is still sending a wave
            return report
        async with self._busy:
            report.sprints_closed = len(await self._sprints.close_overdue(now))
            tick = await self._checkins.tick(now)
            report.opened = len(tick.opened)
            for closed in tick.closed:
                await self._announce(bot, closed)
                report.closed += 1
            await self._send_deliveries(bot, now, report)
            for owed in await self._checkins.claim_recaps(now):
                if await self._deliver_recap(bot, owed):
                    report.recaps += 1
            for reminder in await self._checkins.claim_reminders(now):
                if await self._send(bot, reminder.telegram_user_id, *self._reminder(reminder)):
                    report.reminded += 1
        if report.opened or report.delivered or report.closed or report.unreachable:
            logger.info(
                "check-in round: %d opened, %d sent, %d unreachable, %d reminded, %d closed",
                report.opened,
                report.delivered,
                report.unreachable,
                report.reminded,
                report.closed,
            )
        return report

    async def _send_deliveries(
        self, bot: ExtBot[Any], now: datetime | None, report: CycleReport
    ) -> None:
        """Keep the rate limiter fed: claim the next batch while the last one is still going
        out, so a wave never pauses between batches."""
        in_flight: set[asyncio.Task[str]] = set()
        while True:
            batch = await self._checkins.claim_deliveries(now, BATCH)
            for delivery in batch:
                in_flight.add(asyncio.create_task(self._deliver(bot, delivery)))
            while in_flight and (not batch or len(in_flight) >= REFILL_BELOW):
                done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    outcome = task.result()
                    setattr(report, outcome, getattr(report, outcome) + 1)
            if not batch and not in_flight:
                return

    async def _deliver(self, bot: ExtBot[Any], delivery: Delivery) -> str:
        text, markup = step_message(delivery.language, delivery.step, intro=delivery.first)
        for attempt in range(NETWORK_RETRIES):
            try:
                await bot.send_message(
                    delivery.telegram_user_id, text, reply_markup=markup, rate_limit_args=BULK
                )
            except Forbidden:
                await self._checkins.unreachable(delivery.prompt_id)
                return "unreachable"
            except BadRequest as error:
                if "chat not found" in str(error).lower():
                    await self._checkins.unreachable(delivery.prompt_id)
                    return "unreachable"
                logger.error("Telegram refused a check-in question: %s", error)
                await self._checkins.delivery_failed(delivery.prompt_id)
                return "failed"
            except TimedOut:
                # Telegram may have the message already; sending again could repeat it. The
                # reminder shows the question again should it really be lost.
                logger.warning("check-in question to %s timed out", delivery.telegram_user_id)
                break
            except (NetworkError, RetryAfter):
                await asyncio.sleep(0.5 * 2**attempt)
                continue
            await self._checkins.delivered(delivery.prompt_id, delivery.step.index)
            return "delivered"
        else:
            await self._checkins.delivery_failed(delivery.prompt_id)
            return "failed"
        await self._checkins.delivered(delivery.prompt_id, delivery.step.index)
        return "delivered"

    async def _deliver_recap(self, bot: ExtBot[Any], owed: RecapDelivery) -> bool:
        """The recap, blocker and lesson cards of a finished check-in that did not arrive
        earlier."""
        pieces: list[tuple[list[tuple[Safe, InlineKeyboardMarkup | None]], Recorder]] = []
        if owed.recap is not None:
            recap = recap_message(owed.language, owed.recap, self._zone)
            pieces.append(([recap], self._checkins.recap_delivered))
        if owed.cards or owed.blocker_cards:
            cards = [
                *(card_message(owed.language, card) for card in owed.cards),
                *(blocker_card_message(owed.language, card) for card in owed.blocker_cards),
            ]
            pieces.append((cards, self._checkins.cards_delivered))
        for messages, record in pieces:
            try:
                for text, markup in messages:
                    await bot.send_message(
                        owed.telegram_user_id, text, reply_markup=markup, rate_limit_args=BULK
                    )
            except Forbidden:
                await self._checkins.recap_abandoned(owed.prompt_id, blocked=True)
                return False
            except BadRequest as error:  # to PTB a NetworkError, so caught first
                if "chat not found" in str(error).lower():
                    await self._checkins.recap_abandoned(owed.prompt_id, blocked=True)
                    return False
                # Refused as it is: sending it again would be refused again. The rest still goes.
                logger.error("Telegram refused a check-in recap or lesson card: %s", error)
            except (NetworkError, RetryAfter) as error:
                logger.warning(
                    "check-in recap to %s not delivered: %s", owed.telegram_user_id, error
                )
                await self._checkins.delivery_failed(owed.prompt_id)  # a later round, backing off
                return False
            except TelegramError as error:
                logger.error("could not send a check-in recap: %s", error)
                await self._checkins.delivery_failed(owed.prompt_id)
                return False
            await record(owed.prompt_id)
        await self._checkins.release(owed.prompt_id)
        return True

    def _reminder(self, reminder: Reminder) -> tuple[Safe, InlineKeyboardMarkup | None]:
        text, markup = step_message(reminder.language, reminder.step)
        intro = t(reminder.language, "checkin.reminder", team=reminder.team_name)
        return Safe(f"{intro}\n\n{text}"), markup

    async def _announce(self, bot: ExtBot[Any], closed: ClosedRun) -> None:
        if closed.group_chat_id is not None:
            # Groups see one line of participation (answers only if the team opted in).
            await self._send(
                bot, closed.group_chat_id, closed_group_message(self._group_language, closed), None
            )
        if closed.unreachable:
            for chat_id, language in closed.coordinators:
                text = t(
                    language,
                    "closed.unreachable",
                    team=closed.team_name,
                    names=", ".join(closed.unreachable),
                )
                await self._send(bot, chat_id, text, None)

    async def _send(
        self, bot: ExtBot[Any], chat_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> bool:
        try:
            await bot.send_message(chat_id, text, reply_markup=markup, rate_limit_args=BULK)
        except TelegramError as error:
            logger.warning("could not send a check-in notice to %s: %s", chat_id, error)
            return False
        return True

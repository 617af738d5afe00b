"""The weekly digest on Telegram: `DigestCourier` sends what `DigestService` planned (each
digest in parts: its messages and a chart, continuing after the parts that arrived), and
`DigestHandlers` takes a coordinator's 🔔/🔕 button under /summary."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import CallbackQueryHandler, ExtBot

from bot.charts import render_chart
from bot.handlers import routes
from bot.handlers.base import (
    BotApplication,
    ButtonSpec,
    Context,
    HandlerGroup,
    keyboard,
    with_actor,
)
from bot.handlers.courier import BULK
from bot.handlers.radar_views import DIGEST_SIGNALS, digest_radar_text
from bot.handlers.summary_views import (
    chart_caption,
    chart_title,
    network_summary_text,
    team_summary_text,
    with_chart_note,
)
from bot.ratelimit import retry_after_seconds
from bot.services.common import Actor, Language
from bot.services.digest import DigestJob, DigestService, DigestSetting
from bot.services.directory import Directory
from bot.services.radar import RadarService
from bot.services.summaries import HISTORY_WEEKS, SummaryService, WeekPoint
from bot.texts import Safe, t
from bot.texts.formatting import plain_text, split_message
from storage.database import Database, DatabaseUnavailableError
from storage.models import DigestAudience

logger = logging.getLogger(__name__)

BATCH = 50  # deliveries claimed at a time
CONCURRENT = 4  # digests composed and sent side by side (their charts drawn one at a time)
CHART_FILE = "weekoverzicht.png"


@dataclass(frozen=True)
class Part:
    """One message of a digest: a text, or a chart with its caption."""

    text: Safe
    photo: bytes | None = None
    button: ButtonSpec | None = None


@dataclass
class DigestReport:
    planned: int = 0
    missed_week: bool = False
    outcomes: Counter[str] | None = None  # sent, unreachable, retried, failed, dropped
    skipped_busy: bool = False


class DigestCourier:
    def __init__(
        self, digest: DigestService, summaries: SummaryService, radar: RadarService
    ) -> None:
        self._digest = digest
        self._summaries = summaries
        self._radar = radar
        self._busy = asyncio.Lock()
        self._drawing = asyncio.Lock()

    async def idle(self) -> None:
        """Wait until no digest round is running."""
        async with self._busy:
            return

    async def cycle(self, bot: ExtBot[Any], now: datetime | None = None) -> DigestReport:
        """Plan this week's digest once its moment has come, then send what is due."""
        report = DigestReport(outcomes=Counter())
        if self._busy.locked():
            report.skipped_busy = True  # the previous round is still sending
            return report
        async with self._busy:
            limit = asyncio.Semaphore(CONCURRENT)

            async def deliver(job: DigestJob) -> str:
                async with limit:
                    return await self.deliver(bot, job)

            try:
                plan = await self._digest.plan(now)
                report.planned, report.missed_week = plan.planned, plan.missed
                while jobs := await self._digest.claim(now, BATCH):
                    assert report.outcomes is not None
                    report.outcomes.update(await asyncio.gather(*map(deliver, jobs)))
            except DatabaseUnavailableError as error:
                # Nothing of the failed step was written; the next round takes it up again.
                logger.warning("weekly digest round stopped: database unavailable: %s", error)
        if report.outcomes:
            logger.info("weekly digest round: %s", dict(report.outcomes))
        return report

    async def compose(self, job: DigestJob) -> list[Part] | None:
        """The digest's parts, the same every time for the same week (a retry skips the ones
        that arrived); None when the team is gone."""
        language = job.language
        if job.audience is DigestAudience.STEUNPUNT:
            network = await self._summaries.network_summary_for(job.period)
            text = network_summary_text(language, network)
            # The recurring blockers of the four weeks up to the digest's moment.
            radar = await self._radar.report(job.period.end, limit=DIGEST_SIGNALS)
            if (signals := digest_radar_text(language, radar)) is not None:
                text = Safe(f"{text}\n\n{signals}")
            return await self._with_chart(text, network.history, language, None)
        assert job.team_id is not None
        summary = await self._summaries.team_summary_for(job.team_id, job.period)
        if summary is None:
            return None
        if job.audience is DigestAudience.GROUP:
            # Figures and shared lessons (answers only when the team opted in): no chart.
            text = team_summary_text(language, summary, for_group=True)
            return [Part(part) for part in split_message(text)]
        intro = t(language, "digest.intro", team=summary.team_name)
        hint = t(language, "digest.hint")
        body = team_summary_text(language, summary, for_group=False)
        text = Safe(f"{intro}\n{hint}\n\n{body}")
        parts = await self._with_chart(text, summary.history, language, summary.team_name)
        # The way to turn it off, right under the summary's text.
        last_text = max(index for index, part in enumerate(parts) if part.photo is None)
        button = digest_button(language, summary.team_id, enabled=True)
        parts[last_text] = Part(parts[last_text].text, button=button)
        return parts

    async def _with_chart(
        self, text: Safe, history: list[WeekPoint], language: Language, team_name: str | None
    ) -> list[Part]:
        """The text's parts and the chart, as /summary shows them (with too little data for a
        chart, a sentence instead). `team_name` None: the network."""
        title = chart_title(language, team_name)
        caption = chart_caption(language, team_name, HISTORY_WEEKS)
        # Drawn in a thread, one chart at a time: drawing holds Python's lock most of the
        # time, and the event loop must keep its share for people answering meanwhile.
        async with self._drawing:
            chart = await asyncio.to_thread(render_chart, history, language, title)
        text = with_chart_note(language, text, history)
        parts = [Part(part) for part in split_message(text)]
        return parts if chart is None else [*parts, Part(caption, chart)]

    async def deliver(self, bot: ExtBot[Any], job: DigestJob) -> str:
        """Send one claimed digest from where it stopped; returns what became of it."""
        try:
            return await self._deliver(bot, job)
        except Exception:
            # E.g. the database went away while recording: the claim goes stale and a later
            # round continues after the parts that were recorded.
            logger.exception("weekly digest %s: sending stopped", job.id)
            return "interrupted"

    async def _deliver(self, bot: ExtBot[Any], job: DigestJob) -> str:
        parts = await self.compose(job)
        if parts is None:
            await self._digest.dropped(job.id)
            return "dropped"
        for index in range(job.parts_sent, len(parts)):
            try:
                await self._send(bot, job.chat_id, parts[index])
            except Forbidden:
                await self._digest.unreachable(job.id)
                return "unreachable"
            except BadRequest as error:  # to PTB a NetworkError, so caught first
                if "chat not found" in str(error).lower():
                    await self._digest.unreachable(job.id)
                    return "unreachable"
                # Refused as it is: sending it again would be refused again.
                logger.error(
                    "Telegram refused part %d of weekly digest %s: %s", index, job.id, error
                )
                await self._digest.failed(job.id)
                return "failed"
            except TimedOut:
                # Telegram may have the message already; sending it again could repeat it.
                logger.warning("part %d of weekly digest %s timed out", index, job.id)
            except RetryAfter as error:
                # The rate limiter waited and retried already; the round after the wait goes on.
                await self._digest.retry(job.id, timedelta(seconds=retry_after_seconds(error)))
                return "retried"
            except NetworkError as error:
                logger.warning("weekly digest %s: network trouble: %s", job.id, error)
                await self._digest.retry(job.id)
                return "retried"
            except TelegramError as error:
                logger.error("could not send weekly digest %s: %s", job.id, error)
                await self._digest.failed(job.id)
                return "failed"
            await self._digest.part_sent(job.id, index + 1)
        await self._digest.sent(job.id)
        return "sent"

    @staticmethod
    async def _send(bot: ExtBot[Any], chat_id: int, part: Part) -> None:
        if part.photo is None:
            markup = None if part.button is None else keyboard([[part.button]])
            await bot.send_message(chat_id, part.text, reply_markup=markup, rate_limit_args=BULK)
        else:
            await bot.send_photo(
                chat_id,
                InputFile(part.photo, filename=CHART_FILE),
                caption=part.text,
                rate_limit_args=BULK,
            )


def digest_button(language: Language, team_id: int, enabled: bool) -> ButtonSpec:
    """The 🔔/🔕 button for under a team's summary: it shows the current state and sets the
    other one (a double tap sets the same state twice, it does not flip back)."""
    label = t(language, "digest.button_on" if enabled else "digest.button_off")
    return plain_text(label), routes.DIGEST_SET.build(team_id=team_id, on=0 if enabled else 1)


def digest_rows(language: Language, team_id: int, choice: bool | None) -> list[list[ButtonSpec]]:
    """The row to put under a team's summary for `DigestService.digest_choice`: the button for
    the team's coordinators, nothing for anyone else."""
    return [] if choice is None else [[digest_button(language, team_id, choice)]]


def _with_flipped_button(
    markup: InlineKeyboardMarkup | None, language: Language, setting: DigestSetting
) -> InlineKeyboardMarkup | None:
    """The pressed message's buttons with this team's digest button showing the new state; None
    when the message has no such button (nothing to change)."""
    if markup is None:
        return None
    label, data = digest_button(language, setting.team_id, setting.enabled)
    found = False
    rows = []
    for row in markup.inline_keyboard:
        buttons = []
        for button in row:
            data_of = button.callback_data if isinstance(button.callback_data, str) else ""
            pressed = routes.DIGEST_SET.parse(data_of)
            if pressed is not None and pressed.int("team_id") == setting.team_id:
                found = True
                buttons.append(InlineKeyboardButton(label, callback_data=data))
            else:
                buttons.append(button)
        rows.append(buttons)
    return InlineKeyboardMarkup(rows) if found else None


class DigestHandlers(HandlerGroup):
    def __init__(self, directory: Directory, database: Database, digest: DigestService) -> None:
        super().__init__(directory, database)
        self.digest = digest

    def register(self, application: BotApplication) -> None:
        application.add_handler(
            CallbackQueryHandler(self.set_digest, pattern=routes.DIGEST_SET.pattern)
        )

    @with_actor
    async def set_digest(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.DIGEST_SET.args(context)
        setting = await self.digest.set_digest(actor, args.int("team_id"), bool(args.int("on")))
        query = update.callback_query
        message = query.message if query is not None else None
        shown = message.reply_markup if isinstance(message, Message) else None
        markup = _with_flipped_button(shown, actor.language, setting)
        if query is not None and markup is not None:

            async def show_new_state() -> None:
                try:
                    await query.edit_message_reply_markup(markup)
                except BadRequest as error:
                    if "not modified" not in str(error).lower():  # a double tap: the same state
                        logger.warning("could not show the digest setting: %s", error)
                except TelegramError as error:
                    logger.warning("could not show the digest setting: %s", error)

            self.afterwards(show_new_state)
        key = "digest.set_on" if setting.enabled else "digest.set_off"
        return t(actor.language, key, team=setting.team_name)

"""/export: a coordinator's teams (one, or all of them together) and, for a steunpunt admin,
every team, as an xlsx workbook sent into the private chat."""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from pathlib import Path

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError, TimedOut
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.handlers import routes
from bot.handlers.base import BotApplication, Context, HandlerGroup, is_private, with_actor
from bot.handlers.export_views import (
    caption,
    export_menu,
    period_question,
    scope_name,
    targets,
    too_big_text,
    working_text,
)
from bot.services.common import Actor, Language
from bot.services.directory import Directory
from bot.services.export import ExportPeriod, ExportPlan, ExportService, parse_target
from bot.spreadsheets import XlsxSink
from bot.texts import Safe, t
from storage.database import Database

logger = logging.getLogger(__name__)

# What a bot may upload through the Bot API; a bigger workbook is not sent, the person is told.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# Uploading up to 50 MB takes longer than PTB's default 20 seconds on a slow line.
UPLOAD_SECONDS = 300
# A mark older than this no longer counts as an export in progress (see `_claim`).
STALE_MARK_SECONDS = 10 * 60


class ExportHandlers(HandlerGroup):
    def __init__(self, directory: Directory, database: Database, exports: ExportService) -> None:
        super().__init__(directory, database)
        self.exports = exports
        # Who has an export being made (person id -> when it began). Kept in memory: it only
        # stops a double tap from making the same workbook twice, and a restart loses the
        # export it guards as well, so there is nothing to keep across one.
        self._running: dict[int, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def register(self, application: BotApplication) -> None:
        private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
        application.add_handler(CommandHandler("export", self.export, filters=private))
        # Names and answers are for the coordinator's eyes: point to the private chat.
        application.add_handler(CommandHandler("export", self.private_only, filters=groups))
        for route, callback in (
            (routes.EXPORT_SCOPE, self.scope),
            (routes.EXPORT_RUN, self.run),
            (routes.EXPORT_MENU, self.menu),
        ):
            application.add_handler(CallbackQueryHandler(callback, pattern=route.pattern))

    async def idle(self) -> None:
        """Wait until every export begun so far has been sent (or has failed)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    @with_actor
    async def private_only(self, update: Update, context: Context, actor: Actor) -> str | None:
        return await self._point_to_private(update, context, actor)

    async def _point_to_private(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self.reply(update, t(actor.language, "group.private_only", bot=context.bot.username))
        return None

    @with_actor
    async def export(self, update: Update, context: Context, actor: Actor) -> str | None:
        """One choice: its periods at once; several: a button for each."""
        text, markup = await self._start(actor)
        await self.reply(update, text, markup)
        return None

    @with_actor
    async def menu(self, update: Update, context: Context, actor: Actor) -> str | None:
        if not is_private(update):
            return await self._point_to_private(update, context, actor)
        text, markup = await self._start(actor)
        await self.edit_or_reply(update, text, markup)
        return None

    async def _start(self, actor: Actor) -> tuple[Safe, InlineKeyboardMarkup]:
        # The service refuses a member or someone in no team kindly.
        choices = await self.exports.choices(actor)
        found = targets(choices)
        if len(found) > 1:
            return export_menu(actor.language, choices)
        (target,) = found
        scope, team_id = parse_target(target)
        team_name = next((n for i, n in choices.teams if i == team_id), None)
        name = scope_name(actor.language, scope, team_name)
        return period_question(actor.language, target, name, back=False)

    @with_actor
    async def scope(self, update: Update, context: Context, actor: Actor) -> str | None:
        target = routes.EXPORT_SCOPE.args(context).text("target")
        if not is_private(update):
            return await self._point_to_private(update, context, actor)
        # Asked of the service with the widest period only to learn whether the person may
        # export this (a team they no longer coordinate is refused here, not after the period).
        plan = await self.exports.plan(actor, target, ExportPeriod.EVERYTHING)
        back = len(targets(await self.exports.choices(actor))) > 1
        name = scope_name(actor.language, plan.scope, plan.team_name)
        text, markup = period_question(actor.language, target, name, back=back)
        await self.edit_or_reply(update, text, markup)
        return None

    @with_actor
    async def run(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.EXPORT_RUN.args(context)
        if not is_private(update):
            return await self._point_to_private(update, context, actor)
        period = ExportPeriod(args.text("period"))
        language = actor.language
        mark = self._claim(actor.person_id)
        if mark is None:
            return t(language, "export.busy")
        try:
            # Inside the update: a refusal (or "no sprint yet") rolls back and is shown as
            # usual, and nothing is made.
            plan = await self.exports.plan(actor, args.text("target"), period)
            name = scope_name(language, plan.scope, plan.team_name)
            # Without buttons: a second tap on this message cannot start a second export.
            await self.edit_or_reply(update, working_text(language, name, period))
        except BaseException:
            self._release(actor.person_id, mark)
            raise
        chat_id = update.effective_chat.id if update.effective_chat else actor.telegram_user_id

        async def begin() -> None:
            # After the commit; beside the other updates, which go on while the workbook is
            # made and uploaded (the mark stops a second one for this person meanwhile).
            task = context.application.create_task(
                self._make_and_send(context, actor, mark, plan, chat_id, name, period),
                name="export",
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        self.afterwards(begin)
        return None

    def _claim(self, person_id: int) -> float | None:
        """Mark the person's export as begun (the mark is returned, to clear it with); None
        when one is being made already. Marked
        before the plan is asked for, so two taps handled side by side cannot both pass. The
        export's task clears the mark; should the update fail after this (its commit, the
        edit), no task ever runs, so a mark also lapses after a while rather than refusing the
        person until a restart."""
        now = time.monotonic()
        began = self._running.get(person_id)
        if began is not None and now - began < STALE_MARK_SECONDS:
            return None
        self._running[person_id] = now
        return now

    def _release(self, person_id: int, mark: float) -> None:
        # Only one's own mark: one that lapsed may have been replaced by a newer export's.
        if self._running.get(person_id) == mark:
            del self._running[person_id]

    async def _make_and_send(
        self,
        context: Context,
        actor: Actor,
        mark: float,
        plan: ExportPlan,
        chat_id: int,
        name: Safe,
        period: ExportPeriod,
    ) -> None:
        language = actor.language
        try:
            await self._send_workbook(context, language, plan, chat_id, name, period)
        except TimedOut:
            # Telegram may have the file already; saying it failed could make them ask twice.
            logger.warning("sending an export to %s timed out; taking it as delivered", chat_id)
        except TelegramError:
            logger.warning("an export could not be sent to %s", chat_id, exc_info=True)
            await self._tell_failed(context, language, chat_id)
        except Exception:
            # The database, the disk: the person would otherwise wait for a file forever.
            logger.exception("an export for %s could not be made", chat_id)
            await self._tell_failed(context, language, chat_id)
        finally:
            self._release(actor.person_id, mark)

    async def _send_workbook(
        self,
        context: Context,
        language: Language,
        plan: ExportPlan,
        chat_id: int,
        name: Safe,
        period: ExportPeriod,
    ) -> None:
        # On disk, not in memory, while it is written: an export of every team can be large.
        path = await asyncio.to_thread(_temporary_file)
        try:
            sink = XlsxSink(path, language)
            counts = await self.exports.export(plan, sink)
            await sink.close()
            size = (await asyncio.to_thread(path.stat)).st_size
            if size > MAX_UPLOAD_BYTES:
                await context.bot.send_message(
                    chat_id, too_big_text(language, size, MAX_UPLOAD_BYTES)
                )
                return
            content = await asyncio.to_thread(path.read_bytes)
            file_name = plan.file_stem + ".xlsx"
            await context.bot.send_document(
                chat_id,
                InputFile(content, filename=file_name, attach=False),
                filename=file_name,
                caption=caption(language, name, period, counts),
                write_timeout=UPLOAD_SECONDS,
            )
        finally:
            await asyncio.to_thread(path.unlink, missing_ok=True)

    @staticmethod
    async def _tell_failed(context: Context, language: Language, chat_id: int) -> None:
        try:
            await context.bot.send_message(chat_id, t(language, "export.failed"))
        except TelegramError:
            logger.warning("could not tell %s that their export failed", chat_id, exc_info=True)


def _temporary_file() -> Path:
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as handle:
        return Path(handle.name)

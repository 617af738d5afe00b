"""The blocker radar in Telegram: /radar (steunpunt admins), and /blockers where a team marks
one of its blockers *opgelost* with one line on how (that line becomes a lesson card)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.handlers import routes
from bot.handlers.base import BotApplication, Context, HandlerGroup, message_text, with_actor
from bot.handlers.fallback import TextFlows
from bot.handlers.lesson_views import card_message
from bot.handlers.radar_views import radar_text, team_blockers_message
from bot.handlers.summary_views import clip
from bot.services.common import Actor, ServiceError
from bot.services.conversations import BlockerSolveState
from bot.services.directory import Directory
from bot.services.radar import DEFAULT_WEEKS, RadarService
from bot.texts import Safe, t
from storage.database import Database


class RadarHandlers(HandlerGroup):
    def __init__(
        self, directory: Directory, database: Database, radar: RadarService, zone: ZoneInfo
    ) -> None:
        super().__init__(directory, database)
        self.radar = radar
        self.zone = zone

    def register(self, application: BotApplication) -> None:
        private = filters.ChatType.PRIVATE
        application.add_handler(CommandHandler("radar", self.show_radar, filters=private))
        application.add_handler(CommandHandler("blockers", self.blockers, filters=private))
        application.add_handler(
            CallbackQueryHandler(self.ask_solution, pattern=routes.BLOCKER_SOLVE.pattern)
        )

    def register_flows(self, flows: TextFlows) -> None:
        flows.add(BlockerSolveState, self.solution_text)

    @with_actor
    async def show_radar(self, update: Update, context: Context, actor: Actor) -> str | None:
        weeks = DEFAULT_WEEKS
        if context.args:
            raw = context.args[0]
            if not raw.isascii() or not raw.isdigit() or len(context.args) > 1:
                raise ServiceError("radar.usage")
            weeks = int(raw)
        report = await self.radar.radar(actor, weeks)
        await self.reply(update, radar_text(actor.language, report, self.zone))
        return None

    @with_actor
    async def blockers(self, update: Update, context: Context, actor: Actor) -> str | None:
        found = await self.radar.team_blockers(actor)
        text, markup = team_blockers_message(actor.language, found, self.zone)
        await self.reply(update, text, markup)
        return None

    @with_actor
    async def ask_solution(self, update: Update, context: Context, actor: Actor) -> str | None:
        answer_id = routes.BLOCKER_SOLVE.args(context).int("answer_id")
        blocker = await self.radar.ask_solution(actor, answer_id)
        await self.reply(
            update, t(actor.language, "blockers.ask_how", text=clip(blocker.text, 300))
        )
        return None

    async def solution_text(
        self, update: Update, context: Context, actor: Actor, state: BlockerSolveState
    ) -> None:
        blocker, card = await self.radar.give_solution(actor, state, message_text(update))
        text, markup = card_message(actor.language, card)
        intro = t(actor.language, "blockers.solved", text=clip(blocker.text, 200))
        await self.reply(update, Safe(f"{intro}\n\n{text}"), markup)

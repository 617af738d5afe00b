"""The blocker radar in Telegram: /radar (steunpunt admins), /blockers where a team marks one
of its blockers *opgelost* with one line on how (that line becomes a lesson card), and the
theme buttons of a blocker card (sent after a check-in's recap)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.handlers import routes
from bot.handlers.base import BotApplication, Context, HandlerGroup, message_text, with_actor
from bot.handlers.fallback import TextFlows
from bot.handlers.lesson_views import card_message
from bot.handlers.radar_views import blocker_card_message, radar_text, team_blockers_message
from bot.handlers.summary_views import clip
from bot.services.common import Actor, ServiceError
from bot.services.conversations import BlockerSolveState
from bot.services.directory import Directory
from bot.services.radar import DEFAULT_WEEKS, RadarService
from bot.texts import Safe, t
from storage.database import Database
from storage.models import THEMES


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
        for route, callback in (
            (routes.BLOCKER_SOLVE, self.ask_solution),
            (routes.BLOCKER_THEME_SET, self.set_theme),
            (routes.BLOCKER_THEMES_CONFIRM, self.confirm_themes),
        ):
            application.add_handler(CallbackQueryHandler(callback, pattern=route.pattern))

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

    @with_actor
    async def set_theme(self, update: Update, context: Context, actor: Actor) -> str | None:
        """A theme button on a blocker card: the card changes in place. A press that changes
        nothing (a double tap) only says so, so the message is never edited into itself."""
        args = routes.BLOCKER_THEME_SET.args(context)
        index = args.int("theme")
        if index >= len(THEMES):
            raise ServiceError("error.button_expired")
        card, changed = await self.radar.set_blocker_theme(
            actor, args.int("answer_id"), THEMES[index], on=bool(args.int("on"))
        )
        if not changed:
            return t(actor.language, "blockers.themes_unchanged")
        await self.edit_or_reply(update, *blocker_card_message(actor.language, card))
        return None

    @with_actor
    async def confirm_themes(self, update: Update, context: Context, actor: Actor) -> str | None:
        answer_id = routes.BLOCKER_THEMES_CONFIRM.args(context).int("answer_id")
        card, confirmed = await self.radar.confirm_blocker_themes(actor, answer_id)
        if not confirmed:
            return t(actor.language, "blockers.themes_confirmed_already")
        await self.edit_or_reply(update, *blocker_card_message(actor.language, card))
        return None

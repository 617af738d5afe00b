"""Privacy (AVG): /mydata sends a person everything stored about them, /forget erases it."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.handlers import routes
from bot.handlers.base import BotApplication, Context, HandlerGroup, with_actor
from bot.handlers.privacy_views import forget_question, forgotten, question_label
from bot.services.common import Actor
from bot.services.directory import Directory
from bot.services.privacy import PrivacyService
from bot.texts import t
from storage.database import Database


class PrivacyHandlers(HandlerGroup):
    def __init__(self, directory: Directory, database: Database, privacy: PrivacyService) -> None:
        super().__init__(directory, database)
        self.privacy = privacy

    def register(self, application: BotApplication) -> None:
        private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
        application.add_handler(CommandHandler("mydata", self.my_data, filters=private))
        application.add_handler(CommandHandler("forget", self.forget, filters=private))
        # Nobody's data is sent to or erased from a group; point to the private chat.
        application.add_handler(
            CommandHandler(["mydata", "forget"], self.private_only, filters=groups)
        )
        for route, callback in (
            (routes.FORGET_CONFIRMED, self.confirm_forget),
            (routes.FORGET_CANCEL, self.cancel_forget),
        ):
            application.add_handler(CallbackQueryHandler(callback, pattern=route.pattern))

    @with_actor
    async def private_only(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self.reply(update, t(actor.language, "group.private_only", bot=context.bot.username))
        return None

    @with_actor
    async def my_data(self, update: Update, context: Context, actor: Actor) -> str | None:
        language = actor.language
        data = await self.privacy.my_data(actor, lambda q: question_label(language, q))
        chat_id = update.effective_chat.id if update.effective_chat else actor.telegram_user_id
        caption = t(language, "mydata.caption")

        async def send_file() -> None:
            await context.bot.send_document(
                chat_id,
                InputFile(data.content, filename=data.file_name, attach=False),
                filename=data.file_name,
                caption=caption,
            )

        # After the commit, like every message: the file shows what was stored.
        self.afterwards(send_file)
        return None

    @with_actor
    async def forget(self, update: Update, context: Context, actor: Actor) -> str | None:
        preview = await self.privacy.forget_preview(actor)
        text, markup = forget_question(actor.language, preview, actor.person_id)
        await self.reply(update, text, markup)
        return None

    @with_actor
    async def confirm_forget(self, update: Update, context: Context, actor: Actor) -> str | None:
        person_id = routes.FORGET_CONFIRMED.args(context).int("person_id")
        result = await self.privacy.forget(actor, person_id)
        if result is None:
            # Someone else's button, or pressed again after the erasure: quietly nothing.
            return t(actor.language, "error.button_expired")
        await self.edit_or_reply(update, forgotten(actor.language, result))
        return None

    @with_actor
    async def cancel_forget(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self.edit_or_reply(update, t(actor.language, "forget.cancelled"))
        return None

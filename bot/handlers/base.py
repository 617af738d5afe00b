"""What every handler needs: the acting person, catalog texts, keyboards, refusals."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.services.common import Actor, Language, ServiceError
from bot.services.directory import Directory
from bot.texts import Safe, t

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
ButtonSpec = tuple[str, str]  # (label, callback data)
H = TypeVar("H", bound="HandlerGroup")
HandlerMethod = Callable[[H, Update, Context, Actor], Coroutine[Any, Any, str | None]]
BoundHandler = Callable[[H, Update, Context], Coroutine[Any, Any, None]]


def keyboard(rows: Sequence[Sequence[ButtonSpec]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


class HandlerGroup:
    """Base for a set of handlers sharing the long-lived services."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    async def reply(
        self,
        update: Update,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        if update.effective_chat is not None:
            await update.effective_chat.send_message(text, reply_markup=markup)

    async def edit_or_reply(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Replace the message whose button was pressed; else send a new message."""
        query = update.callback_query
        if query is not None and query.message is not None:
            await query.edit_message_text(text, reply_markup=markup)
        else:
            await self.reply(update, text, markup)

    async def notify(
        self,
        context: Context,
        telegram_user_id: int,
        language: Language,
        key: str,
        **params: object,
    ) -> bool:
        """Tell someone else something from the catalog."""
        return await self.notify_text(context, telegram_user_id, t(language, key, **params))

    async def notify_text(self, context: Context, telegram_user_id: int, text: str) -> bool:
        """Send to someone else; a person who blocked the bot is skipped, not retried."""
        try:
            await context.bot.send_message(telegram_user_id, text)
        except Forbidden:
            logger.info(
                "person %s has blocked the bot; a notice was not delivered", telegram_user_id
            )
            return False
        except TelegramError:
            logger.warning("a notice to %s failed", telegram_user_id, exc_info=True)
            return False
        return True


def with_actor(method: HandlerMethod[H]) -> BoundHandler[H]:
    """Identify the person, run the handler, turn refusals into a kind message, and always
    answer a pressed button (a returned string becomes the button's toast)."""

    @functools.wraps(method)
    async def wrapper(self: H, update: Update, context: Context) -> None:
        user = update.effective_user
        if user is None or user.is_bot:
            return
        actor = await self.directory.identify(
            user.id, user.full_name, user.username, user.language_code
        )
        query = update.callback_query
        toast: str | None = None
        try:
            toast = await method(self, update, context, actor)
        except ServiceError as refusal:
            text = t(actor.language, refusal.key, **refusal.params)
            await self.reply(update, text)
        finally:
            if query is not None:
                try:
                    await query.answer(toast)
                except BadRequest:  # the button press is too old to answer; nothing to show
                    logger.debug("could not answer callback query", exc_info=True)

    return wrapper


def bullet_list(lines: Sequence[Safe]) -> Safe:
    return Safe("\n".join(f"• {line}" for line in lines))


def message_text(update: Update) -> str:
    """The text of the message in an update ('' for none)."""
    message = update.effective_message
    return message.text or "" if message is not None else ""


def matched(context: Context, group: int) -> str:
    """A group of the callback-data pattern that matched; stale data gets a kind refusal."""
    if context.matches:
        return context.matches[0].group(group)
    raise ServiceError("error.button_expired")

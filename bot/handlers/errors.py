"""The one error handler: log the failure, tell the person kindly, keep the bot running."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

from bot.handlers.base import Context
from bot.services.common import Language
from bot.texts import t

logger = logging.getLogger(__name__)


ErrorHandler = Callable[[object, Context], Coroutine[Any, Any, None]]


def make_error_handler(default_language: Language) -> ErrorHandler:
    async def on_error(update: object, context: Context) -> None:
        if isinstance(context.error, NetworkError) and not isinstance(update, Update):
            # Polling hiccups: PTB retries by itself; one line is enough.
            logger.warning("network trouble talking to Telegram: %s", context.error)
            return
        logger.error("error while handling an update", exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        user = update.effective_user
        language: Language = (
            "en" if user and (user.language_code or "").startswith("en") else default_language
        )
        try:
            await update.effective_chat.send_message(t(language, "error.unexpected"))
        except Forbidden:
            pass
        except TelegramError:
            logger.warning("could not tell the person about the error", exc_info=True)

    return on_error

"""What every handler needs: the acting person, catalog texts, keyboards, refusals."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Coroutine, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes, ExtBot, JobQueue

from bot.acknowledge import acknowledge
from bot.services.common import Actor, Language, ServiceError
from bot.services.directory import Directory, language_for
from bot.texts import Safe, t
from bot.texts.formatting import fit, split_message, toast_text
from storage.database import Database, DatabaseUnavailableError
from storage.models import THEMES

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
# The application `bot.app.build_application` makes: a bot whose rate limiter takes a dict of
# arguments (the priority), default context, data and job queue.
BotApplication = Application[
    ExtBot[dict[str, Any]],
    Context,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[Context],
]
ButtonSpec = tuple[str, str]  # (label, callback data)
H = TypeVar("H", bound="HandlerGroup")
HandlerMethod = Callable[[H, Update, Context, Actor], Coroutine[Any, Any, str | None]]
BoundHandler = Callable[[H, Update, Context], Coroutine[Any, Any, None]]


def keyboard(rows: Sequence[Sequence[ButtonSpec]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def theme_toggle_rows(
    selected: Collection[str], build: Callable[[int, bool], str]
) -> list[list[ButtonSpec]]:
    """The seven theme buttons, two by two: ✅ on the selected ones; `build(index, on)` makes
    the callback data that turns theme `index` on or off."""
    toggles: list[ButtonSpec] = [
        (("✅ " if theme in selected else "▫️ ") + theme, build(index, theme not in selected))
        for index, theme in enumerate(THEMES)
    ]
    return [toggles[i : i + 2] for i in range(0, len(toggles), 2)]


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


AfterSend = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Outgoing:
    """A message an update produces: sent once the update's unit of work has committed, so
    nobody is told about a change that was then rolled back, and no transaction waits on
    Telegram."""

    chat_id: int | None  # None: edit the message whose button was pressed
    text: str
    markup: InlineKeyboardMarkup | None = None
    notice: bool = False  # to someone else: a person who blocked the bot is skipped
    delivered: AfterSend | None = None  # its own unit of work, after Telegram took the message
    undelivered: AfterSend | None = None  # likewise, after a network error


@dataclass
class Outbox:
    """What one update will send, in order, and what runs after it (e.g. a check-in round)."""

    messages: list[Outgoing] = field(default_factory=list)
    afterwards: list[AfterSend] = field(default_factory=list)

    async def flush(self, update: Update, bot: Bot) -> None:
        for message in self.messages:
            await _send(update, bot, message)
        for task in self.afterwards:
            await task()


async def _send(update: Update, bot: Bot, message: Outgoing) -> None:
    query = update.callback_query
    try:
        if message.chat_id is None and query is not None and query.message is not None:
            await _edit_pressed(bot, query, message)
        elif message.chat_id is not None:
            await bot.send_message(message.chat_id, message.text, reply_markup=message.markup)
    except Forbidden:
        # Blocked by this person (perhaps just now): nobody to tell, nothing to retry.
        logger.info("person %s has blocked the bot; a message was not delivered", message.chat_id)
        return
    except TimedOut:
        # Telegram may have the message already; sending it again (or saying something went
        # wrong) could repeat it. A check-in question counts as asked, as in the courier: the
        # reminder shows it again should it really be lost.
        logger.warning("a message to %s timed out; taking it as delivered", message.chat_id)
    except NetworkError:
        if message.undelivered is not None:
            await message.undelivered()
            return
        if not message.notice:
            raise
        logger.warning("a notice to %s did not get through: network trouble", message.chat_id)
        return
    except TelegramError:
        if not message.notice:
            raise
        logger.warning("a notice to %s failed", message.chat_id, exc_info=True)
        return
    if message.delivered is not None:
        try:
            await message.delivered()
        except DatabaseUnavailableError as error:
            # The person has the message; only our note of it is missing (a lagging question
            # is shown again by a later round, so nothing is lost).
            logger.warning("could not record a delivered message: %s", error)


async def _edit_pressed(bot: Bot, query: CallbackQuery, message: Outgoing) -> None:
    """Show the answer in place of the pressed message; a second tap on the same button
    changes nothing (quietly), and a message that is gone gets the answer as a new one."""
    assert query.message is not None
    try:
        await query.edit_message_text(message.text, reply_markup=message.markup)
    except BadRequest as error:
        reason = str(error).lower()
        if "message is not modified" in reason:
            return
        if "message to edit not found" not in reason and "can't be edited" not in reason:
            raise
        await bot.send_message(query.message.chat.id, message.text, reply_markup=message.markup)


_outbox: ContextVar[Outbox | None] = ContextVar("outbox", default=None)


class HandlerGroup:
    """Base for a set of handlers sharing the long-lived services."""

    def __init__(self, directory: Directory, database: Database) -> None:
        self.directory = directory
        self.database = database

    @staticmethod
    def _queue(message: Outgoing) -> None:
        outbox = _outbox.get()
        if outbox is None:
            raise RuntimeError("handlers send only from inside @with_actor")
        outbox.messages.append(message)

    async def reply(
        self,
        update: Update,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        delivered: AfterSend | None = None,
        undelivered: AfterSend | None = None,
    ) -> None:
        """Answer in the chat the update came from (after the update's unit of work). A text
        too long for one message goes as several, split between paragraphs; the buttons and the
        delivery callbacks go with the last."""
        if update.effective_chat is not None:
            chat_id = update.effective_chat.id
            *first, last = split_message(text)
            for part in first:
                self._queue(Outgoing(chat_id, part))
            self._queue(Outgoing(chat_id, last, markup, False, delivered, undelivered))

    async def edit_or_reply(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Replace the message whose button was pressed; else send a new message."""
        query = update.callback_query
        if query is not None and query.message is not None:
            self._queue(Outgoing(None, fit(text), markup))  # one message can only become one
        else:
            await self.reply(update, text, markup)

    async def notify(
        self,
        context: Context,
        telegram_user_id: int,
        language: Language,
        key: str,
        **params: object,
    ) -> None:
        """Tell someone else something from the catalog."""
        await self.notify_text(context, telegram_user_id, t(language, key, **params))

    async def notify_text(self, context: Context, telegram_user_id: int, text: str) -> None:
        """Send to someone else; a person who blocked the bot is skipped, not retried."""
        for part in split_message(text):
            self._queue(Outgoing(telegram_user_id, part, notice=True))

    def afterwards(self, task: AfterSend) -> None:
        """Run `task` once the update has committed and its messages are sent."""
        outbox = _outbox.get()
        if outbox is None:
            raise RuntimeError("handlers schedule work only from inside @with_actor")
        outbox.afterwards.append(task)


def with_actor(method: HandlerMethod[H]) -> BoundHandler[H]:
    """Handle an update as one unit of work: identify the person, run the handler, commit; then
    send what it produced. A refusal rolls the unit back and becomes a kind message, and a
    pressed button is always answered (a returned string becomes the button's toast)."""

    @functools.wraps(method)
    async def wrapper(self: H, update: Update, context: Context) -> None:
        user = update.effective_user
        if user is None or user.is_bot:
            return
        query = update.callback_query
        toast: str | None = None
        actor: Actor | None = None
        # A handler calling another one's method for the same update is the same update.
        nested = _outbox.get() is not None
        outbox = Outbox()
        try:
            token = _outbox.set(outbox)
            try:
                async with self.database.unit_of_work():
                    if nested or await self.directory.first_time(update.update_id):
                        actor = await self.directory.identify(
                            user.id, user.full_name, user.username, user.language_code
                        )
                        if context.args:
                            # Command arguments are typed text too.
                            context.args = [arg for arg in map(typed, context.args) if arg]
                        toast = await method(self, update, context, actor)
                    else:  # sent again by Telegram after it was handled: not twice
                        logger.info("update %s was handled already", update.update_id)
            except ServiceError as refusal:
                if actor is None:
                    raise
                outbox.messages.clear()
                outbox.afterwards.clear()
                await self.reply(update, t(actor.language, refusal.key, **refusal.params))
            except DatabaseUnavailableError as error:
                # Rolled back whole: say so, rather than the generic error.
                logger.warning("database unavailable during an update: %s", error)
                outbox.messages.clear()
                outbox.afterwards.clear()
                language = (
                    actor.language
                    if actor is not None
                    else language_for(None, user.language_code, self.directory.default_language)
                )
                await self.reply(update, t(language, "error.database_busy"))
            finally:
                _outbox.reset(token)
            await acknowledge(context.application, update)  # committed: never handle it again
            await outbox.flush(update, context.bot)
        finally:
            # Always answer a pressed button, even when the update failed: Telegram otherwise
            # keeps the button spinning.
            if query is not None:
                try:
                    await query.answer(None if toast is None else toast_text(toast))
                except TelegramError:  # e.g. the press is too old to answer; nothing to show
                    logger.debug("could not answer callback query", exc_info=True)

    return wrapper


def bullet_list(lines: Sequence[Safe]) -> Safe:
    return Safe("\n".join(f"• {line}" for line in lines))


# Control characters nobody means to type (NUL makes PostgreSQL refuse the whole text); tabs
# and line breaks stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def typed(text: str) -> str:
    """Text as a person typed it, without control characters: every typed text passes here
    on its way to the services (message texts, captions and command arguments)."""
    return _CONTROL.sub("", text)


def message_text(update: Update) -> str:
    """The text of the message in an update ('' for none), as `typed` cleans it."""
    message = update.effective_message
    return typed(message.text or "") if message is not None else ""


def message_caption(update: Update) -> str | None:
    """The caption of a photo, voice message or file, as `typed` cleans it."""
    message = update.effective_message
    return typed(message.caption) if message is not None and message.caption else None

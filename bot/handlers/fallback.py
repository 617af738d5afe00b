"""Everything no other handler took: free text inside a flow, unknown commands, stray input,
and buttons from messages that no longer apply. Registered last."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.handlers.base import BotApplication, Context, HandlerGroup, is_private, with_actor
from bot.services.common import Actor
from bot.services.conversations import Conversations, Flow, FlowState
from bot.services.directory import Directory
from bot.texts import t
from storage.database import Database

S = TypeVar("S", bound=FlowState)
TextFlow = Callable[[Update, Context, Actor, S], Awaitable[None]]
# Takes a message outside any flow (e.g. a check-in answer); False: "not for me".
Consumer = Callable[[Update, Context, Actor], Awaitable[bool]]


async def _not_taken(_update: Update, _context: Context, _actor: Actor) -> bool:
    return False


class TextFlows:
    """Which handler shows the next step when a person in a flow types text: one per `Flow`,
    typed by the flow's state."""

    def __init__(self) -> None:
        self._flows: dict[Flow, Callable[[Update, Context, Actor, FlowState], Awaitable[None]]] = {}
        self.default_text: Consumer = _not_taken
        self.default_media: Consumer = _not_taken
        # Takes an edited message (e.g. one that answered a check-in question).
        self.edited: Consumer = _not_taken

    def add(self, state_type: type[S], handler: TextFlow[S]) -> None:
        async def typed(update: Update, context: Context, actor: Actor, state: FlowState) -> None:
            assert isinstance(state, state_type)
            await handler(update, context, actor, state)

        self._flows[state_type.flow] = typed

    async def continue_flow(
        self, update: Update, context: Context, actor: Actor, state: FlowState
    ) -> None:
        await self._flows[state.flow](update, context, actor, state)

    def missing(self) -> set[Flow]:
        """Flows nobody continues (the composition root refuses to start with any)."""
        return set(Flow) - self._flows.keys()


class FallbackHandlers(HandlerGroup):
    def __init__(
        self,
        directory: Directory,
        database: Database,
        conversations: Conversations,
        flows: TextFlows,
    ) -> None:
        super().__init__(directory, database)
        self.conversations = conversations
        self.flows = flows
        self.commands: frozenset[str] = frozenset()

    def register(self, application: BotApplication) -> None:
        # Edited messages apart, before every other handler (group -1): PTB would hand them to
        # the message and command handlers as new messages (a second answer, a second lesson).
        application.add_handler(MessageHandler(filters.UpdateType.EDITED, self.edited), group=-1)
        # Registered last, so every command of the bot is known by now. One that reaches the
        # fallback from a group is one its handler takes only in a private chat.
        self.commands = frozenset(
            command
            for handlers in application.handlers.values()
            for handler in handlers
            if isinstance(handler, CommandHandler)
            for command in handler.commands
        )
        private = filters.ChatType.PRIVATE
        application.add_handler(
            MessageHandler(private & filters.TEXT & ~filters.COMMAND, self.text)
        )
        application.add_handler(MessageHandler(filters.COMMAND, self.unknown_command))
        application.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, self.other))
        application.add_handler(CallbackQueryHandler(self.stale_button))

    async def edited(self, update: Update, context: Context) -> None:
        """The only handler that sees edited messages. In a private chat an edit changes the
        check-in answer it gave, or gets a short note; in a group it is left alone (people
        fix typos there all day)."""
        try:
            if is_private(update):
                await self._edited_private(update, context)
        except Exception as error:  # reported as any failure is, but never handled twice
            await context.application.process_error(update, error)
        raise ApplicationHandlerStop  # no other handler takes it as a new message

    @with_actor
    async def _edited_private(self, update: Update, context: Context, actor: Actor) -> str | None:
        if not await self.flows.edited(update, context, actor):
            await self.reply(update, t(actor.language, "edit.ignored"))
        return None

    @with_actor
    async def text(self, update: Update, context: Context, actor: Actor) -> str | None:
        state = await self.conversations.get(actor.person_id)
        if state is not None:
            await self.flows.continue_flow(update, context, actor, state)
        elif not await self.flows.default_text(update, context, actor):
            await self.reply(update, t(actor.language, "fallback.text"))
        return None

    @with_actor
    async def unknown_command(self, update: Update, context: Context, actor: Actor) -> str | None:
        message = update.effective_message
        words = (message.text or "").split() if message else []
        command, _, addressee = (words[0] if words else "/").lstrip("/").partition("@")
        if is_private(update):
            await self.reply(update, t(actor.language, "fallback.command"))
        elif addressee and addressee.lower() != (context.bot.username or "").lower():
            return None  # another bot's command in the group: not ours to answer
        elif command.lower() in self.commands:
            # Ours, but only in a private chat: the same pointer with or without @bot.
            await self.reply(
                update, t(actor.language, "group.private_only", bot=context.bot.username)
            )
        elif addressee:
            # In a group, an unknown command is answered only when addressed to this bot by
            # name; without it, it may be meant for another bot in the group.
            await self.reply(update, t(actor.language, "fallback.command"))
        return None

    @with_actor
    async def other(self, update: Update, context: Context, actor: Actor) -> str | None:
        if not await self.flows.default_media(update, context, actor):
            await self.reply(update, t(actor.language, "fallback.other"))
        return None

    @with_actor
    async def stale_button(self, update: Update, context: Context, actor: Actor) -> str | None:
        return t(actor.language, "error.button_expired")

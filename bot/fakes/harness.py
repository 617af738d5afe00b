"""Drive the real `Application` as Telegram would: people send text and press buttons, and we
read what the bot sent back. Used by the tests and by `steunpunt demo`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from telegram import Update

from bot.app import Services, build_application
from bot.config import Settings
from bot.fakes.telegram import (
    BotMessage,
    FakeBotRequest,
    FakeGroup,
    FakeTelegram,
    FakeUser,
    JsonDict,
)
from bot.handlers.base import BotApplication
from bot.handlers.export import ExportHandlers
from bot.services.common import Clock, system_clock

Observer = Callable[[str, list[BotMessage]], None]


class ChatHarness:
    def __init__(self, application: BotApplication, telegram: FakeTelegram) -> None:
        self.application = application
        self.telegram = telegram
        self.observers: list[Observer] = []
        self._reported = 0  # the outbox up to here was returned by a call below

    @classmethod
    @asynccontextmanager
    async def running(
        cls,
        settings: Settings,
        telegram: FakeTelegram | None = None,
        clock: Clock = system_clock,
        *,
        pace_private_chats: bool = False,
    ) -> AsyncIterator[ChatHarness]:
        """A started bot (schema migrated, menu set) on a fake Bot API; stopped afterwards.
        Private chats are not paced unless asked: the fake has no pace to keep, and tests
        would wait a second for every third message."""
        telegram = telegram or FakeTelegram()
        application = build_application(
            settings,
            clock=clock,
            request=FakeBotRequest(telegram),
            run_rounds=False,
            pace_private_chats=pace_private_chats,
        )
        async with application:
            if application.post_init is not None:
                await application.post_init(application)
            await application.start()  # no polling: updates are handed over by `deliver`
            try:
                yield cls(application, telegram)
            finally:
                await application.stop()
                if application.post_shutdown is not None:
                    await application.post_shutdown(application)

    async def deliver(self, update: JsonDict, label: str = "") -> list[BotMessage]:
        """Feed one update to the bot; returns the messages it sent or edited meanwhile."""
        start = len(self.telegram.outbox)
        await self.application.process_update(Update.de_json(update, self.application.bot))
        return self._report(label, start)

    async def send(
        self, user: FakeUser, text: str, chat: FakeGroup | None = None
    ) -> list[BotMessage]:
        where = f" in {chat.title}" if chat else ""
        return await self.deliver(
            self.telegram.message_update(user, text, chat), f"{user.first_name}{where}: {text}"
        )

    async def press(
        self, user: FakeUser, label: str, chat: FakeGroup | None = None
    ) -> list[BotMessage]:
        """Press the newest button labelled `label` (or starting with it) in the chat."""
        message, button = self.telegram.find_button(chat.id if chat else user.id, label)
        if button.callback_data is None:
            raise LookupError(f"button {label!r} opens a link, it cannot be pressed")
        return await self.deliver(
            self.telegram.callback_update(user, message, button.callback_data),
            f"{user.first_name} presses [{button.text}]",
        )

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    async def round(self) -> list[BotMessage]:
        """One check-in round and the weekly digest's part of it, as the scheduled job runs
        them; returns what was sent."""
        start = len(self.telegram.outbox)
        courier = self.services.courier
        await courier.idle()  # a round started by a command finishes first
        await courier.cycle(self.application.bot)
        await courier.idle()
        await self.services.digest_courier.cycle(self.application.bot)
        return self._report("check-in round", start)

    async def exports(self, label: str = "export") -> list[BotMessage]:
        """Wait for the exports /export started (they run beside the updates, not inside one);
        returns what was sent since the last update, round or wait was reported."""
        for handlers in self.application.handlers.values():
            for handler in handlers:
                owner = getattr(handler.callback, "__self__", None)
                if isinstance(owner, ExportHandlers):
                    await owner.idle()
                    break
        return self._report(label, self._reported)

    def _report(self, label: str, start: int) -> list[BotMessage]:
        produced = self.telegram.outbox[start:]
        self._reported = len(self.telegram.outbox)
        for observer in self.observers:
            observer(label, produced)
        return produced

    def messages_to(self, who: FakeUser | FakeGroup) -> list[BotMessage]:
        return list(self.telegram.messages.get(who.id, []))

    def last_to(self, who: FakeUser | FakeGroup) -> BotMessage:
        messages = self.messages_to(who)
        if not messages:
            raise LookupError(f"the bot sent nothing to {who}")
        return messages[-1]

    def toasts(self) -> list[str]:
        return [str(a["text"]) for a in self.telegram.callback_answers if a.get("text")]

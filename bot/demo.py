"""`steunpunt demo`: a scripted conversation against a simulated Telegram, printed as a chat log.

It runs the real bot (same handlers, services and database code) with the offline fake Bot API.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import SecretStr

from bot.config import Settings
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeTelegram

ADMIN_ID = 1001


def _printer(emit: Callable[[str], object]) -> Callable[[str, list[BotMessage]], None]:
    def show(label: str, produced: list[BotMessage]) -> None:
        emit(f"\n👤 {label}")
        for message in produced:
            text = message.text.replace("\n", "\n   ")
            emit(f"🤖 → {message.chat_id}: {text}")
            if message.buttons:
                emit("   " + " ".join(f"[{label}]" for label in message.button_texts()))

    return show


async def run_demo(database_url: str, emit: Callable[[str], object]) -> None:
    telegram = FakeTelegram()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr("demo:offline"),
        database_url=database_url,
        steunpunt_admins=frozenset({ADMIN_ID}),
    )
    anna = telegram.user("Anna", "(steunpunt)", user_id=ADMIN_ID)
    mostafa = telegram.user("Mostafa")
    simon = telegram.user("Simon", language_code="en")
    group = telegram.group("Rattenaanpak Noord – groep")

    emit("Steunpunt demo: onboarding a team, offline. Anna is a steunpunt admin.")
    async with ChatHarness.running(settings, telegram) as bot:
        bot.observers.append(_printer(emit))
        await bot.send(anna, "/start")
        await bot.send(anna, "/newteam Rattenaanpak Noord")
        await bot.press(anna, "Initiatief")
        created = await bot.press(anna, "Noord")
        code = re.search(r"start=([\w-]+)", created[-1].text)
        assert code is not None
        await bot.send(mostafa, f"/start {code.group(1)}")
        await bot.send(simon, "/join")
        await bot.send(simon, code.group(1))
        await bot.send(anna, "/team")
        await bot.press(anna, "⭐ Mostafa")
        await bot.send(mostafa, "/linkgroup", chat=group)
        await bot.send(simon, "/invite")
        await bot.send(simon, "/newteam Eigen club")

    emit("\n— The bot restarts here: a new process, the same database. —")
    async with ChatHarness.running(settings, telegram) as bot:
        bot.observers.append(_printer(emit))
        await bot.send(mostafa, "/team")
        await bot.send(mostafa, "/invite")
        await bot.press(mostafa, "🚫")
        await bot.send(telegram.user("Laat"), f"/start {code.group(1)}")

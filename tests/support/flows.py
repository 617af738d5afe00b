"""Short, readable steps that many tests share."""

from __future__ import annotations

import re

from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeUser

INVITE_LINK = re.compile(r"https://t\.me/steunpunt_test_bot\?start=([A-Za-z0-9_-]+)")


def invite_code(message: BotMessage) -> str:
    found = INVITE_LINK.search(message.text)
    assert found, f"no invite link in: {message.text!r}"
    return found.group(1)


async def create_team(
    bot: ChatHarness,
    admin: FakeUser,
    name: str,
    kind: str = "Initiatief",
    stadsdeel: str = "Noord",
) -> str:
    """An admin creates a team with the buttons; returns the invite code."""
    await bot.send(admin, f"/newteam {name}")
    await bot.press(admin, kind)
    replies = await bot.press(admin, stadsdeel)
    return invite_code(replies[-1])


async def join(bot: ChatHarness, person: FakeUser, code: str) -> list[BotMessage]:
    """What Telegram sends when a person opens the deep link t.me/<bot>?start=<code>."""
    return await bot.send(person, f"/start {code}")


async def appoint(bot: ChatHarness, coordinator: FakeUser, member: FakeUser) -> None:
    await bot.send(coordinator, "/team")
    await bot.press(coordinator, f"⭐ {member.first_name}")

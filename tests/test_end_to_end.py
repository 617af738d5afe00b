"""The real `python -m bot run` process against a local Bot API server, as it runs in production.

The bot long-polls the server over HTTP, keeps its state in an SQLite file and is stopped
with SIGTERM; a second process on the same file must carry on where the first one stopped.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from bot.fakes.telegram import BotMessage, FakeTelegram, FakeUser, JsonDict
from tests.support.bot_api_server import BotApiServer
from tests.support.bot_process import BotProcess, clean_env
from tests.support.flows import invite_code

TOKEN = "123456:E2E"
WAIT = 15.0  # seconds for one bot reply (includes the process starting up)
POLL = 0.05
STOP_WAIT = 20.0
CONFIG_ERROR_WAIT = 10.0


class Chat:
    """People write to the bot running in `process`; we wait for what it sends back."""

    def __init__(self, telegram: FakeTelegram, process: BotProcess) -> None:
        self.telegram = telegram
        self.process = process

    async def send(self, user: FakeUser, text: str, expect: str) -> BotMessage:
        """`user` sends `text`; returns the first reply to them containing `expect`."""
        return await self._deliver(user, expect, lambda: self.telegram.message_update(user, text))

    async def press(self, user: FakeUser, label: str, expect: str) -> BotMessage:
        """`user` presses the newest button labelled `label` (or starting with it)."""
        message, button = self.telegram.find_button(user.id, label)
        assert button.callback_data is not None, f"button {button.text!r} is a link"
        data = button.callback_data
        return await self._deliver(
            user, expect, lambda: self.telegram.callback_update(user, message, data)
        )

    async def _deliver(
        self, user: FakeUser, expect: str, update: Callable[[], JsonDict]
    ) -> BotMessage:
        start = len(self.telegram.outbox)
        self.telegram.enqueue(update())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while True:
            for message in self.telegram.outbox[start:]:
                if message.chat_id == user.id and expect in message.text:
                    return message
            if self.process.process.returncode is not None or loop.time() > deadline:
                seen = "\n".join(
                    f"  → {m.chat_id}: {m.text!r}" for m in self.telegram.outbox[start:]
                )
                pytest.fail(
                    f"no reply containing {expect!r} to {user.first_name}; the bot sent:\n"
                    f"{seen or '  (nothing)'}\n{self.process.output()}"
                )
            await asyncio.sleep(POLL)


@asynccontextmanager
async def running_bot(
    env: Mapping[str, str], directory: Path, name: str
) -> AsyncIterator[BotProcess]:
    """A started bot process that is killed afterwards if it is still running."""
    bot = await BotProcess.start(env, directory, name)
    try:
        yield bot
    finally:
        await bot.kill()


async def test_a_team_made_over_http_survives_a_restart(
    tmp_path: Path, telegram: FakeTelegram, admin: FakeUser
) -> None:
    member = telegram.user("Mostafa")
    async with BotApiServer(telegram, TOKEN) as server:
        env = clean_env(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}",
            STEUNPUNT_ADMINS=str(admin.id),
        )

        async with running_bot(env, tmp_path, "first") as first:
            chat = Chat(telegram, first)
            await chat.send(admin, "/newteam Rattenaanpak Noord", expect="Rattenaanpak Noord")
            await chat.press(admin, "Initiatief", expect="(initiatief)")
            created = await chat.press(
                admin, "Noord", expect="https://t.me/steunpunt_test_bot?start="
            )
            code = invite_code(created)

            welcome = await chat.send(member, f"/start {code}", expect="Welkom bij")
            assert "Rattenaanpak Noord" in welcome.text

            assert await first.stop(STOP_WAIT) == 0, first.output()
            assert "Traceback" not in first.stderr, first.output()

        telegram.commands.clear()
        async with running_bot(env, tmp_path, "second") as second:
            chat = Chat(telegram, second)
            team = await chat.send(member, "/team", expect="Rattenaanpak Noord")
            welcomes = [m for m in telegram.messages[member.id] if "Welkom bij" in m.text]
            assert len(welcomes) == 1, "updates handled before the restart came back"
            assert "(initiatief, Noord)" in team.text
            assert member.first_name in team.text
            assert admin.first_name not in team.text, "the admin is not a member"

            invite = await chat.send(admin, "/invite", expect="start=")
            assert invite_code(invite) == code
            assert {"nl", "en"} <= telegram.commands.keys()

            assert await second.stop(STOP_WAIT) == 0, second.output()
            assert "Traceback" not in second.stderr, second.output()


NO_NETWORK = "http://127.0.0.1:9/bot"  # should a bad configuration ever get this far


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        pytest.param({}, "TELEGRAM_BOT_TOKEN", id="no-token"),
        pytest.param({"STEUNPUNT_ADMINS": "12,abc"}, "STEUNPUNT_ADMINS", id="bad-admins"),
        pytest.param({"DATABASE_URL": "mysql://x"}, "DATABASE_URL", id="bad-database-url"),
    ],
)
async def test_a_bad_configuration_stops_the_bot_with_one_sentence(
    tmp_path: Path, settings: dict[str, str], named: str
) -> None:
    token = {"TELEGRAM_BOT_TOKEN": TOKEN} if named != "TELEGRAM_BOT_TOKEN" else {}
    env = clean_env(TELEGRAM_API_BASE_URL=NO_NETWORK, **token, **settings)
    async with running_bot(env, tmp_path, "bot") as bot:
        exit_code = await bot.exit_code(within=CONFIG_ERROR_WAIT)
        assert exit_code != 0, bot.output()
        assert "Traceback" not in bot.stderr, bot.output()
        messages = [line for line in bot.stderr.splitlines() if line.startswith("steunpunt:")]
        assert len(messages) == 1, bot.output()
        assert named in messages[0], bot.output()


async def test_the_server_answers_an_unknown_token_like_telegram(telegram: FakeTelegram) -> None:
    async with BotApiServer(telegram, TOKEN) as server, aiohttp.ClientSession() as session:
        async with session.post(f"{server.base_url}999:WRONG/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with session.post(f"{server.base_url}{TOKEN}/getMe") as response:
            assert response.status == 200
            assert (await response.json())["result"]["username"] == telegram.bot_username


async def test_a_token_telegram_refuses_stops_the_bot_with_one_sentence(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    wrong_token = "999:WRONG-TOKEN"
    async with BotApiServer(telegram, TOKEN) as server:
        env = clean_env(
            TELEGRAM_BOT_TOKEN=wrong_token,
            TELEGRAM_API_BASE_URL=server.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}",
        )
        async with running_bot(env, tmp_path, "bot") as bot:
            assert await bot.exit_code(within=CONFIG_ERROR_WAIT) != 0, bot.output()
            messages = [line for line in bot.stderr.splitlines() if line.startswith("steunpunt:")]
            assert len(messages) == 1, bot.output()
            assert "TELEGRAM_BOT_TOKEN" in messages[0], bot.output()
            assert wrong_token.split(":")[1] not in bot.output(), "the token must not be logged"
            assert "Traceback" not in bot.stderr, bot.output()

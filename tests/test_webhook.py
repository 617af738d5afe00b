"""Webhook mode and the health check, on the real process (`python -m bot run --webhook-url …`,
PTB's `run_webhook`) against the local Bot API server, over HTTP on loopback.

Telegram's calls carry the secret token in `X-Telegram-Bot-Api-Secret-Token`; a call without
it, or with another one, is refused and not handled. `GET /healthz` answers for the load
balancer. SIGTERM stops the bot cleanly.
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.cli import webhook_path
from bot.fakes.telegram import FakeTelegram, JsonDict
from bot.health import HealthProbe, HealthServer
from tests.support.bot_api_server import BotApiServer
from tests.support.bot_process import BotProcess, clean_env, until

TOKEN = "123456:WEBHOOK"
SECRET = "s3cret-Token_for-tests"
START_WAIT = 30.0  # upper bounds only
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(server: BotApiServer, directory: Path, health_port: int) -> dict[str, str]:
    return clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{directory / 'steunpunt.db'}",
        HEALTH_PORT=str(health_port),
    )


async def post_update(url: str, update: JsonDict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=json.dumps(update), headers=headers)
    return response.status_code


async def get_health(port: int) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{port}/healthz")
    return response.status_code, response.json()


async def test_webhook_takes_updates_with_the_secret_and_refuses_the_rest(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    webhook_port, health_port = free_port(), free_port()
    url = f"http://127.0.0.1:{webhook_port}/telegram"
    someone = telegram.user("Sanne")
    async with BotApiServer(telegram, TOKEN) as server:
        env = bot_env(server, tmp_path, health_port)
        bot = await BotProcess.start(
            env,
            tmp_path,
            "webhook",
            arguments=(
                "run",
                "--webhook-url",
                url,
                "--listen",
                "127.0.0.1",
                "--port",
                str(webhook_port),
                "--secret-token",
                SECRET,
            ),
        )
        try:
            await until(
                lambda: telegram.webhook is not None or not bot.running,
                START_WAIT,
                "the bot to set its webhook",
            )
            assert bot.running, bot.output()
            assert telegram.webhook is not None
            assert telegram.webhook.url == url
            assert telegram.webhook.secret_token == SECRET
            assert not [c for c in telegram.calls if c.method == "getUpdates"]

            # Without the secret, or with another one: refused, and nothing is handled.
            for secret in (None, "wrong-secret", SECRET.upper()):
                update = telegram.message_update(someone, "/help")
                assert await post_update(url, update, secret) == 403
            assert await post_update(f"http://127.0.0.1:{webhook_port}/other", update, SECRET) in (
                404,
                405,
            )
            await asyncio.sleep(0.3)
            assert telegram.messages.get(someone.id) is None

            # With it: handled, and the bot answers through the Bot API.
            update = telegram.message_update(someone, "/help")
            assert await post_update(url, update, SECRET) == 200
            await until(
                lambda: bool(telegram.messages.get(someone.id)), START_WAIT, "the reply to /help"
            )
            assert len(telegram.messages[someone.id]) == 1

            status, health = await get_health(health_port)
            assert status == 200
            assert health["status"] == "ok"
            assert health["mode"] == "webhook"
            assert health["database"] == "ok"

            assert await bot.stop(START_WAIT) == 0, bot.output()
        finally:
            await bot.kill()
    # The secret never appears in the log, as the token does not.
    assert SECRET not in bot.output()
    assert TOKEN not in bot.output()


async def test_polling_mode_serves_the_health_check_too(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    health_port = free_port()
    async with BotApiServer(telegram, TOKEN) as server:
        env = bot_env(server, tmp_path, health_port)
        bot = await BotProcess.start(env, tmp_path, "polling")
        try:
            # Polling starts by removing any webhook (the server answers getUpdates itself).
            await until(
                lambda: any(c.method == "deleteWebhook" for c in telegram.calls) or not bot.running,
                START_WAIT,
                "the bot to start polling",
            )
            assert bot.running, bot.output()
            status, health = await get_health(health_port)
            for _ in range(100):  # the bot counts as running once polling has started
                if status == 200:
                    break
                await asyncio.sleep(0.05)
                status, health = await get_health(health_port)
            assert (status, health["mode"], health["database"]) == (200, "polling", "ok")
            assert telegram.webhook is None
            assert await bot.stop(START_WAIT) == 0, bot.output()
        finally:
            await bot.kill()


async def test_run_with_a_database_that_never_answers_stops_with_one_sentence(
    tmp_path: Path,
) -> None:
    closed = free_port()
    env = clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{closed}/steunpunt",
        DATABASE_WAIT_SECONDS="1.5",
    )
    bot = await BotProcess.start(env, tmp_path, "nodb")
    assert await bot.exit_code(START_WAIT) == 2
    assert "waiting for the database" in bot.stderr
    assert "steunpunt: Cannot use the database" in bot.stderr
    assert "Traceback" not in bot.stderr


# --- the health check on its own -------------------------------------------------------------


async def test_health_answers_503_with_the_reason_when_the_database_does_not() -> None:
    state = {"running": True, "database_up": True}

    async def ping() -> None:
        if not state["database_up"]:
            raise ConnectionRefusedError("connection refused")

    moments = iter([0.0, 5.0, 5.0, 500.0, 500.0])
    probe = HealthProbe(
        mode="webhook",
        is_running=lambda: state["running"],
        ping_database=ping,
        round_interval=10,
        clock=lambda: next(moments),
    )
    server = HealthServer(probe, "127.0.0.1", 0)
    await server.start()
    assert server.port is not None
    try:
        probe.round_fired()  # at 0 s
        status, body = await get_health(server.port)  # at 5 s
        assert (status, body["status"], body["seconds_since_round"]) == (200, "ok", 5.0)

        state["database_up"] = False
        status, body = await get_health(server.port)  # at 5 s
        assert status == 503
        assert body["database"] == "unavailable (ConnectionRefusedError)"

        state["database_up"] = True
        status, body = await get_health(server.port)  # at 500 s: rounds stopped firing
        assert (status, body["seconds_since_round"]) == (503, 500.0)

        state["running"] = False
        async with httpx.AsyncClient() as client:
            response = await client.head(f"http://127.0.0.1:{server.port}/healthz")
        assert response.status_code == 503
    finally:
        await server.stop()


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://bot.example.org/telegram", "/telegram"),
        ("https://bot.example.org/", "/"),
        ("https://bot.example.org", "/"),
        ("https://bot.example.org:8443/a/b?x=1", "/a/b"),
    ],
)
def test_webhook_path(url: str, path: str) -> None:
    assert webhook_path(url) == path

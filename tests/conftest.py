"""Shared fixtures: a database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
a fake Telegram, a controllable clock, and the real bot wired to them."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeTelegram, FakeUser
from storage.database import create_engine
from tests.support.services import PlainServices, plain_services

ADMIN_ID = 9001
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database for each test."""
    if POSTGRES_URL:
        await _reset_postgres(POSTGRES_URL)
        yield POSTGRES_URL
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'steunpunt.db'}"


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": SecretStr("123456:TEST-TOKEN"),
        "database_url": database_url,
        "steunpunt_admins": frozenset({ADMIN_ID}),
        "steunpunt_language": "nl",
        # The send gate is tested on its own (test_instances.py); elsewhere on PostgreSQL its
        # statements would mix into the counts and fault plans of the tests that check those.
        "shared_send_limit": "off",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def telegram() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def bot(
    settings: Settings, telegram: FakeTelegram, clock: FakeClock
) -> AsyncIterator[ChatHarness]:
    async with ChatHarness.running(settings, telegram, clock) as harness:
        yield harness


@pytest.fixture
def admin(telegram: FakeTelegram) -> FakeUser:
    return telegram.user("Anna", "Beheer", user_id=ADMIN_ID)


@pytest.fixture
async def services(
    settings: Settings, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[PlainServices]:
    """The plain-Python services on the test's database, for service-level tests."""
    async with plain_services(settings, clock, tmp_path_factory) as built:
        yield built

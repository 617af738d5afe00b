"""The bot stopped the polite way and the hard way, as a real process (`python -m bot run`)
against the local Bot API server, on an SQLite file.

- SIGTERM (a service manager stopping the bot) finishes the updates in progress, commits them,
  answers them, and exits 0.
- SIGKILL at seeded random points of a check-in wave, each time followed by a restart: every
  answer people gave is stored, and no question reaches anyone twice.
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.config import Settings
from bot.fakes.telegram import BotMessage, FakeTelegram, FakeUser
from bot.services.common import system_clock
from tests.conftest import make_settings
from tests.support.bot_api_server import BotApiServer
from tests.support.bot_process import BotProcess, clean_env, until
from tests.support.checkins import ANSWERS
from tests.support.services import plain_services

TOKEN = "123456:KILL"
START_WAIT = 30.0  # upper bounds only
STOP_WAIT = 30.0
WAVE_WAIT = 90.0
MEMBERS = 10
KILLS = 6
SEED = 20261130
COUNTER = re.compile(r"^(\d+)/(\d+) ", re.MULTILINE)


def settings_for(database: Path, admin_id: int) -> Settings:
    return make_settings(f"sqlite+aiosqlite:///{database}", steunpunt_admins=frozenset({admin_id}))


def bot_env(server: BotApiServer, database: Path, admin: FakeUser) -> dict[str, str]:
    return clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        STEUNPUNT_ADMINS=str(admin.id),
    )


def query(database: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, params).fetchall()


async def started(bot: BotProcess, telegram: FakeTelegram, someone: FakeUser) -> None:
    """Up and polling: someone's /help is answered."""
    before = len(telegram.outbox)
    telegram.enqueue(telegram.message_update(someone, "/help"))
    await until(
        lambda: any(m.chat_id == someone.id for m in telegram.outbox[before:]) or not bot.running,
        START_WAIT,
        "the bot to start",
    )
    assert bot.running, bot.output(tail=6000)


# --- SIGTERM ------------------------------------------------------------------------------------


async def test_sigterm_finishes_the_updates_in_progress_then_exits_0(
    tmp_path: Path, telegram: FakeTelegram, admin: FakeUser
) -> None:
    """Three newcomers write while the database is held by another writer (e.g. an export):
    the first update is in progress, the others wait their turn, when SIGTERM comes. Once the
    database is free again all three are stored and welcomed, and the bot exits 0."""
    database = tmp_path / "bot.db"
    newcomers = [telegram.user(f"Nieuw{i}") for i in range(3)]
    async with BotApiServer(telegram, TOKEN) as server:
        bot = await BotProcess.start(
            bot_env(server, database, admin), tmp_path, "drain", log_level="DEBUG"
        )
        try:
            await started(bot, telegram, admin)
            before = len(telegram.outbox)
            other_writer = sqlite3.connect(database, isolation_level=None, timeout=30)
            other_writer.execute("BEGIN IMMEDIATE")
            try:
                for person in newcomers:
                    telegram.enqueue(telegram.message_update(person, "/start"))
                await until(
                    lambda: "Nieuw0" in bot.stderr.rsplit("Processing update", 1)[-1],
                    START_WAIT,
                    "the first newcomer's update to be in progress",
                )
                bot.terminate()
                await until(
                    lambda: "received stop signal" in bot.stderr or not bot.running,
                    STOP_WAIT,
                    "the bot to begin stopping",
                )
                assert bot.running, bot.output(tail=6000)
            finally:
                other_writer.execute("ROLLBACK")
                other_writer.close()
            assert await bot.exit_code(within=STOP_WAIT) == 0, bot.output(tail=6000)
        finally:
            await bot.kill()
    stored = {row[0] for row in query(database, "SELECT telegram_user_id FROM people")}
    assert {person.id for person in newcomers} <= stored, bot.output(tail=6000)
    welcomed = {m.chat_id for m in telegram.outbox[before:]}
    assert {person.id for person in newcomers} <= welcomed, bot.output(tail=6000)
    assert "Traceback" not in bot.stderr, bot.output(tail=6000)


# --- SIGKILL during a check-in wave -------------------------------------------------------------


SENDS = ("sendMessage", "editMessageText")


@dataclass
class Wave:
    """The fake Telegram's side of the wave: the people answer what they are asked, and the
    bot dies when the server receives the send numbered in `kill_points`."""

    telegram: FakeTelegram
    members: dict[int, FakeUser]
    kill_points: list[int]
    sends: int = 0
    dying: bool = False  # from the kill point on, calls get no answer: Telegram never had them
    seen: set[int] = field(default_factory=set)  # message ids already acted upon
    questions: dict[tuple[int, int], int] = field(default_factory=dict)  # (chat, n) -> times
    kills: list[int] = field(default_factory=list)
    typed: dict[int, list[str]] = field(default_factory=dict)  # what each member answered

    def kill_point(self, method: str) -> bool:
        """Count the sends; True when this one is where the bot dies."""
        if method not in SENDS:
            return False
        self.sends += 1
        if self.sends not in self.kill_points:
            return False
        self.dying = True
        self.kills.append(self.sends)
        return True

    def delivered_questions(self) -> dict[int, int]:
        """Per member, the highest question number Telegram has delivered to them."""
        highest: dict[int, int] = {}
        for message in self.telegram.outbox:
            found = COUNTER.search(message.text)
            if found and message.chat_id in self.members:
                number = int(found.group(1))
                highest[message.chat_id] = max(highest.get(message.chat_id, 0), number)
        return highest

    def play(self) -> None:
        """Each member answers every new question sent to them, as a person would."""
        for message in list(self.telegram.outbox):
            if message.message_id in self.seen or message.chat_id not in self.members:
                continue
            self.seen.add(message.message_id)
            found = COUNTER.search(message.text)
            if found is None:
                continue
            number = int(found.group(1))
            key = (message.chat_id, number)
            self.questions[key] = self.questions.get(key, 0) + 1
            self._respond(self.members[message.chat_id], message, number)

    def _respond(self, person: FakeUser, message: BotMessage, number: int) -> None:
        if number == 1:
            data = next(b.callback_data for b in message.buttons[0] if b.text.startswith("4 "))
            assert data is not None
            self.telegram.enqueue(self.telegram.callback_update(person, message, data))
        else:
            self.typed.setdefault(person.id, []).append(ANSWERS[number - 2])
            self.telegram.enqueue(self.telegram.message_update(person, ANSWERS[number - 2]))


class DyingBotApiServer(BotApiServer):
    """From the wave's kill point on, calls are never answered (nor carried out): the bot
    process is about to die with them in flight."""

    def __init__(self, telegram: FakeTelegram, wave: Wave) -> None:
        super().__init__(telegram, TOKEN)
        self.wave = wave
        self._never = asyncio.Event()

    async def _handle(self, request: web.Request) -> web.Response:
        if not self.wave.dying and not self.wave.kill_point(request.match_info["method"]):
            return await super()._handle(request)
        await self._never.wait()  # cancelled when the server stops
        raise AssertionError("unreachable")


def noted_questions(database: Path) -> dict[int, int]:
    """Per member, the highest question number the bot has noted as delivered."""
    rows = query(
        database,
        "SELECT people.telegram_user_id, max(checkin_prompts.asked_step) + 1 FROM "
        "checkin_prompts JOIN people ON people.id = checkin_prompts.person_id "
        "WHERE checkin_prompts.status != 'sending' GROUP BY people.telegram_user_id",
    )
    return {int(chat): int(number) for chat, number in rows}


async def test_sigkill_during_a_check_in_wave_loses_no_answer_and_repeats_no_question(
    tmp_path: Path,
    telegram: FakeTelegram,
    admin: FakeUser,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The wave's sends are numbered as they reach Telegram; at each of six seeded numbers the
    bot dies with SIGKILL, and is started again. Every message Telegram had delivered was
    noted by the bot before it died (what Telegram delivers but the bot never hears of is the
    one thing no bot can know, and it would be asked again); the sends still in flight never
    reach anyone."""
    database = tmp_path / "bot.db"
    settings = settings_for(database, admin.id)
    coordinator = telegram.user("Coördinator")
    members = [coordinator, *(telegram.user(f"Lid{i}") for i in range(MEMBERS))]
    for person in members:
        telegram.message_update(person, "")  # their private chats with the bot exist
    async with plain_services(settings, _clock(), tmp_path_factory) as services:
        me = await services.person(coordinator.id, coordinator.first_name)
        people = [await services.person(p.id, p.first_name) for p in members[1:]]
        await services.team("Golfteam", coordinator=me, members=tuple(people))

    total = len(members) * 6  # well inside the wave's sends (questions, edits, recaps, cards)
    kill_points = sorted(random.Random(SEED).sample(range(3, total), KILLS))
    wave = Wave(telegram, {p.id: p for p in members}, kill_points)

    def answered() -> int:
        return int(query(database, "SELECT count(*) FROM checkin_answers")[0][0])

    def all_noted() -> bool:
        noted = noted_questions(database)
        return all(noted.get(chat, 0) >= n for chat, n in wave.delivered_questions().items())

    restarts = 0
    async with DyingBotApiServer(telegram, wave) as server:
        env = bot_env(server, database, admin)
        bot = await BotProcess.start(env, tmp_path, "run0")
        try:
            await started(bot, telegram, admin)
            telegram.enqueue(telegram.message_update(coordinator, "/checkin now"))
            loop = asyncio.get_running_loop()
            deadline = loop.time() + WAVE_WAIT
            while answered() < len(members) * 6:
                if loop.time() > deadline:
                    pytest.fail(f"wave unfinished: {answered()} answers; {wave.kills}")
                if wave.dying:
                    await until(all_noted, START_WAIT, "the bot to note what Telegram delivered")
                    await bot.kill()
                    # Ten minutes pass before a dead sender's claim is taken over; the
                    # restarted bot would wait them out, here they pass at once.
                    with sqlite3.connect(database) as connection:
                        connection.execute(
                            "UPDATE checkin_prompts SET claimed_at = "
                            "datetime(claimed_at, '-11 minutes') WHERE claimed_at IS NOT NULL"
                        )
                    restarts += 1
                    wave.dying = False
                    bot = await BotProcess.start(env, tmp_path, f"run{restarts}")
                wave.play()
                await asyncio.sleep(0.02)  # poll the fake's outbox; the deadline bounds it
            assert await bot.stop(STOP_WAIT) == 0, bot.output(tail=6000)
        finally:
            await bot.kill()

    print(f"\nkill points (send numbers): {kill_points}; {restarts} restarts")
    assert len(wave.kills) == KILLS, wave.kills
    twice = {key: n for key, n in wave.questions.items() if n > 1}
    assert twice == {}, f"questions sent twice (chat, number): {twice}; kills {wave.kills}"
    stored = query(
        database,
        "SELECT people.telegram_user_id, step_key, text, mood FROM checkin_answers "
        "JOIN checkin_prompts ON checkin_prompts.id = checkin_answers.prompt_id "
        "JOIN people ON people.id = checkin_prompts.person_id",
    )
    for person in members:
        theirs = {key: (text, mood) for chat, key, text, mood in stored if chat == person.id}
        assert sorted(theirs) == ["mood", "q:0", "q:1", "q:2", "q:3", "q:4"], person
        kept = {text for text, _ in theirs.values()}
        lost = [answer for answer in wave.typed.get(person.id, []) if answer not in kept]
        assert lost == [], f"{person.first_name} lost {lost}"
    # An update committed in the moment before its acknowledgement reached Telegram comes back
    # after the restart; its id is in the database with the commit, so it is not handled again
    # (else a typed answer would also answer the next question).
    repeated = [
        (chat, key)
        for chat, key, text, _ in stored
        if key.startswith("q:") and text != ANSWERS[int(key[2:])]
    ]
    print(f"answers taken again after a restart: {len(repeated)}")
    assert repeated == [], repeated


def _clock() -> Any:
    from bot.fakes.clock import FakeClock

    clock = FakeClock()
    clock.now = system_clock()
    return clock

"""A city-sized check-in wave: every team in Amsterdam prompted at once, through the real bot,
against a Bot API that enforces Telegram's flood limits; optionally two bot instances on one
PostgreSQL.

    python -m benchmarks.city_wave [--teams 150 --team-size 20 --answerers 100]
    python -m benchmarks.city_wave --database postgresql+asyncpg://postgres@127.0.0.1:5432/bench_wave
    python -m benchmarks.city_wave --database postgresql+asyncpg://… --instances 2

The local Bot API of `benchmarks.wave` (aiohttp, a child process) allows 30 sends per sliding
second overall, 3 per sliding 3 s per private chat and 20 per minute per group, and answers 429
with `retry_after` past them (counted per reason). Sends, replies and edits all count.

The database (a temporary SQLite file, or `--database`, which is EMPTIED first; a missing
PostgreSQL database is created) gets `--teams` teams of `--team-size` members by bulk inserts,
and every team a manual check-in opened at once (`CheckinService.open_run`). Then each bot
instance — a child process that builds the complete `Application` with
`bot.app.build_application` and talks to the Bot API over HTTP — runs one check-in round
(`CheckinCourier.cycle`), all instances at the same moment. `--answerers` members answer as
soon as their question reaches the server: the mood ("4"), and with `--answers N` the next
questions too (each `--think` seconds after it arrived). Like a load balancer in front of
webhook instances, this process hands each answer to an instance (alternately, or at random
with `--route random`), which runs it through `Application.process_update`, one update at a
time as PTB's webhook and polling loops do.

Printed, from what the server accepted (combined over the instances): wave duration, messages
per second as a share of 30/s, 429s per reason, members prompted not at all or more than once,
every answer's next question exactly once, the time from an answer to the bot's next message
in that chat (p50 / p95 / max); from the database: prompts and answers stored; and a follow-up
round that must send nothing. Exit code 1 only on a correctness failure (targets are printed).

All times are `time.monotonic()` (CLOCK_MONOTONIC, one clock for every process on Linux).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.request import HTTPXRequest

from benchmarks.checkin_wave import ADMIN_ID, COUNTER, INTRO, MOOD, ProblemLog
from benchmarks.summaries import prepare
from benchmarks.wave import (
    CHAT_LIMIT,
    CHAT_WINDOW,
    GROUP_LIMIT,
    REASONS,
    SERVER_LIMIT,
    SERVER_WINDOW,
    TOKEN,
    bot_api_server,
    percentile,
)
from bot.app import Services, build_application, build_services
from bot.config import Settings
from bot.fakes.telegram import FakeTelegram, FakeUser, visible_text
from bot.handlers.base import BotApplication
from bot.handlers.routes import CHECKIN_MOOD
from storage.database import create_engine
from storage.models import (
    CheckinAnswer,
    CheckinPrompt,
    Membership,
    Person,
    PromptStatus,
    Role,
    RunKind,
    Stadsdeel,
    Team,
    TeamKind,
)

MEMBER_ID_BASE = 3_000_001
MAX_ANSWERS = 5  # the default template: mood + 5 questions; the 6th answer ends the check-in
THROUGHPUT_TARGET = 0.95
LATENCY_TARGET = 0.5
LONG_POLL = 1.0


# --- the database: a city of teams, bulk-inserted ---------------------------------------------


async def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database of `url` when it does not exist yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return
    name = parsed.database
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                quoted = name.replace('"', '""')
                await connection.execute(text(f'CREATE DATABASE "{quoted}"'))
    finally:
        await engine.dispose()


async def prepare_database(url: str) -> None:
    """An empty database at the newest schema (PostgreSQL: the public schema is dropped)."""
    await ensure_postgres_database(url)
    engine = create_engine(url)
    try:
        await prepare(engine)
    finally:
        await engine.dispose()


def member_ids(teams: int, team_size: int) -> list[int]:
    return [MEMBER_ID_BASE + i for i in range(teams * team_size)]


def member_user(telegram_user_id: int) -> FakeUser:
    number = telegram_user_id - MEMBER_ID_BASE
    return FakeUser(telegram_user_id, f"Lid{number}", username=f"lid{number}")


async def seed_city(engine: AsyncEngine, teams: int, team_size: int, now: datetime) -> list[int]:
    """`teams` teams over the stadsdelen and kinds, each with `team_size` members (the first a
    coordinator), in three bulk inserts; returns the team ids."""
    kinds, parts = list(TeamKind), list(Stadsdeel)
    people = [
        {
            "telegram_user_id": user_id,
            "display_name": member_user(user_id).first_name,
            "username": member_user(user_id).username,
            "language": "nl",
            "created_at": now,
            "updated_at": now,
        }
        for user_id in member_ids(teams, team_size)
    ]
    async with engine.begin() as connection:
        await connection.execute(insert(Person), people)
        await connection.execute(
            insert(Team),
            [
                {
                    "name": f"Team {number:03d}",
                    "kind": kinds[number % len(kinds)],
                    "stadsdeel": parts[number % len(parts)],
                    "created_at": now,
                }
                for number in range(teams)
            ],
        )
        person_of = dict(
            (await connection.execute(select(Person.telegram_user_id, Person.id))).all()
        )
        team_ids = list((await connection.scalars(select(Team.id).order_by(Team.id))).all())
        ids = member_ids(teams, team_size)
        await connection.execute(
            insert(Membership),
            [
                {
                    "team_id": team_id,
                    "person_id": person_of[ids[number * team_size + seat]],
                    "role": Role.COORDINATOR if seat == 0 else Role.MEMBER,
                    "joined_at": now,
                    "digest_enabled": True,
                }
                for number, team_id in enumerate(team_ids)
                for seat in range(team_size)
            ],
        )
    return team_ids


async def open_checkins(services: Services, team_ids: Sequence[int], now: datetime) -> list[int]:
    """A manual check-in for every team (one prompt per member), all due now."""
    runs = []
    for team_id in team_ids:
        run_id = await services.checkins.open_run(team_id, RunKind.MANUAL, "bench", now, now)
        assert run_id is not None
        runs.append(run_id)
    return runs


def bench_settings(database_url: str, api_root: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=f"{api_root}/bot",
        database_url=database_url,
        steunpunt_admins=frozenset({ADMIN_ID}),
        digest_enabled=False,
        health_port=0,
    )


# --- a bot instance (child process) ---------------------------------------------------------

# Where the sends of the update being handled spent their time, in seconds: "queued" from
# asking the limiter to the request going out (the local queue plus the shared gate's
# admission); in the shared send gate (several instances): "admit" (its transactions and its
# sleeps), "slept" (waiting for room in the shared windows) and "done" (one transaction).
send_waits: ContextVar[dict[str, float] | None] = ContextVar("send_waits", default=None)


def new_send_timing() -> dict[str, float]:
    return {"queued": 0.0, "admit": 0.0, "slept": 0.0, "done": 0.0}


def local_queue(timing: dict[str, float]) -> float:
    """Seconds the update's sends waited in this instance's limiter (not in the gate)."""
    return max(0.0, timing["queued"] - timing["admit"])


def limit_wait(timing: dict[str, float]) -> float:
    """Seconds the update's sends waited for room under the limits, locally or shared."""
    return local_queue(timing) + timing["slept"]


def gate_work(timing: dict[str, float]) -> float:
    """Seconds of the shared gate's own database work for the update's sends."""
    return max(0.0, timing["admit"] - timing["slept"]) + timing["done"]


def measure_send_waits(application: BotApplication) -> None:
    """Wrap the bot's rate limiter so each update learns how long its sends waited for a slot
    (the bot's code is untouched: the wrapper sits on this instance only)."""
    limiter = application.bot.rate_limiter
    if limiter is None:
        return
    original = limiter.process_request

    async def process_request(
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        waits = send_waits.get()
        if waits is None:
            return await original(callback, args, kwargs, endpoint, data, rate_limit_args)
        asked = time.monotonic()
        waited: list[float] = []

        async def granted(*a: Any, **k: Any) -> Any:
            waited.append(time.monotonic() - asked)  # the last grant counts (after a 429)
            return await callback(*a, **k)

        try:
            return await original(granted, args, kwargs, endpoint, data, rate_limit_args)
        finally:
            if waited:
                waits["queued"] += waited[-1]

    setattr(limiter, "process_request", process_request)  # noqa: B010 - instance patch on purpose


@dataclass
class GateTimings:
    """How long the shared send gate took (admission includes waiting for other instances'
    sends; `done` is one small transaction), in seconds."""

    admit: dict[str, list[float]] = field(default_factory=lambda: {"interactive": [], "bulk": []})
    done: list[float] = field(default_factory=list)

    def summary(self, waited: int) -> str:
        parts = [
            f"admit {priority} p50/p95/max {spread(values, 1000, 1)} ms (n={len(values)})"
            for priority, values in self.admit.items()
        ]
        parts.append(f"done {spread(self.done, 1000, 1)} ms")
        return "; ".join(parts) + f"; refused and waited {waited} times"


def measure_gate(application: BotApplication, timings: GateTimings) -> Any:
    """Time the send gate's calls, if the limiter has one (several instances share limits)."""
    gate = getattr(application.bot.rate_limiter, "_gate", None)
    if gate is None:
        return None
    admit, done = gate.admit, gate.done

    async def timed_admit(priority: str, chat: int | str | None) -> int:
        started = time.monotonic()
        try:
            return int(await admit(priority, chat))
        finally:
            took = time.monotonic() - started
            timings.admit[priority].append(took)
            if (timing := send_waits.get()) is not None:
                timing["admit"] += took

    async def timed_done(ticket: int) -> None:
        started = time.monotonic()
        try:
            await done(ticket)
        finally:
            took = time.monotonic() - started
            timings.done.append(took)
            if (timing := send_waits.get()) is not None:
                timing["done"] += took

    sleep = gate._sleep

    async def timed_sleep(seconds: float) -> None:
        started = time.monotonic()
        try:
            await sleep(seconds)
        finally:
            if (timing := send_waits.get()) is not None:
                timing["slept"] += time.monotonic() - started

    setattr(gate, "admit", timed_admit)  # noqa: B010 - instance patch on purpose
    setattr(gate, "done", timed_done)  # noqa: B010
    setattr(gate, "_sleep", timed_sleep)  # noqa: B010
    return gate


def emit(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


async def handle_update(application: BotApplication, payload: dict[str, Any]) -> dict[str, Any]:
    """One update as the webhook loop handles it: through the update processor (one at a time)."""
    update = Update.de_json(payload, application.bot)
    waits = new_send_timing()
    token = send_waits.set(waits)
    arrived = time.monotonic()
    error = None
    try:
        await application.update_processor.process_update(
            update, application.process_update(update)
        )
    except Exception as exc:  # process_update hands handler errors to the error handler
        error = f"{type(exc).__name__}: {exc}"
    finally:
        send_waits.reset(token)
    return {"arrived": arrived, "finished": time.monotonic(), "waits": waits, "error": error}


async def worker(database_url: str, api_root: str, index: int) -> int:
    """A bot instance: reads commands (JSON lines) on stdin, answers on stdout."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("telegram").setLevel(logging.CRITICAL)
    problems = ProblemLog()
    settings = bench_settings(database_url, api_root)
    application = build_application(
        settings, request=HTTPXRequest(connection_pool_size=64), run_rounds=False
    )
    services: Services = application.bot_data["services"]
    measure_send_waits(application)
    gate_timings = GateTimings()
    gate = measure_gate(application, gate_timings)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)  # migrates (nothing to do), sets the commands
    logging.getLogger().addHandler(problems)
    running: set[asyncio.Task[None]] = set()

    async def cycle(request_id: int) -> None:
        started = time.monotonic()
        report = await services.courier.cycle(application.bot)
        emit(
            {
                "id": request_id,
                "started": started,
                "finished": time.monotonic(),
                "report": asdict(report),
            }
        )

    async def update(request_id: int, payload: dict[str, Any]) -> None:
        emit({"id": request_id, **await handle_update(application, payload)})

    emit({"event": "ready", "pid": os.getpid(), "shared": settings.shares_send_limit})
    try:
        while line := await reader.readline():
            command = json.loads(line)
            if command["op"] == "quit":
                break
            if command["op"] == "cycle":
                job = cycle(command["id"])
            else:
                job = update(command["id"], command["update"])
            task = asyncio.create_task(job)
            running.add(task)
            task.add_done_callback(running.discard)
        await asyncio.gather(*running)
        limiter = application.bot.rate_limiter
        emit(
            {
                "event": "bye",
                "limiter": repr(getattr(limiter, "stats", None)),
                "gate": None if gate is None else gate_timings.summary(int(gate.waited)),
                "cpu_seconds": time.process_time(),
                "problems": problems.counts.most_common(),
            }
        )
    finally:
        logging.getLogger().removeHandler(problems)
        await application.shutdown()
        assert application.post_shutdown is not None
        await application.post_shutdown(application)
    return 0


class Instance:
    """The parent's handle on one bot instance (a child process running `worker`)."""

    def __init__(self, index: int, process: asyncio.subprocess.Process) -> None:
        self.index = index
        self.process = process
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ready: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._bye: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, index: int, database_url: str, api_root: str) -> Instance:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.city_wave",
            "--worker",
            str(index),
            "--database",
            database_url,
            "--api-root",
            api_root,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 24,
        )
        return cls(index, process)

    async def ready(self) -> dict[str, Any]:
        return await asyncio.wait_for(asyncio.shield(self._ready), timeout=120)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            event = json.loads(line)
            if event.get("event") == "ready":
                self._ready.set_result(event)
            elif event.get("event") == "bye":
                self._bye.set_result(event)
            else:
                self._waiting.pop(int(event["id"])).set_result(event)
        error = RuntimeError(f"bot instance {self.index} ended")
        for future in [self._ready, self._bye, *self._waiting.values()]:
            if not future.done():
                future.set_exception(error)

    def request(self, op: str, **fields: Any) -> asyncio.Future[dict[str, Any]]:
        assert self.process.stdin is not None
        request_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = future
        self.process.stdin.write(
            (json.dumps({"op": op, "id": request_id, **fields}) + "\n").encode()
        )
        return future

    async def stop(self) -> dict[str, Any]:
        assert self.process.stdin is not None
        with contextlib.suppress(ConnectionError):
            self.process.stdin.write(b'{"op": "quit"}\n')
            await self.process.stdin.drain()
        try:
            bye = await asyncio.wait_for(asyncio.shield(self._bye), timeout=60)
        finally:
            with contextlib.suppress(ConnectionError):
                self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), timeout=30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
            await self._reader
        return bye


@contextlib.asynccontextmanager
async def instances(count: int, database_url: str, api_root: str) -> AsyncIterator[list[Instance]]:
    started: list[Instance] = []
    try:
        for index in range(count):
            started.append(await Instance.start(index, database_url, api_root))
        for instance in started:
            await instance.ready()
        yield started
    finally:
        for instance in started:
            if instance.process.returncode is None and not instance._bye.done():
                instance.process.kill()
                await instance.process.wait()


class Router:
    """Which instance gets the next update, as a load balancer would choose."""

    def __init__(self, targets: Sequence[Instance], how: str, rng: random.Random) -> None:
        self._targets = list(targets)
        self._how = how
        self._rng = rng
        self._turn = itertools.cycle(self._targets)

    def pick(self) -> Instance:
        return self._rng.choice(self._targets) if self._how == "random" else next(self._turn)


# --- what the server accepted -----------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    chat_id: int
    at: float  # the server's time.monotonic() when it accepted the send
    text: str
    method: str
    message_id: int
    markup: str  # the reply_markup as JSON ("" without)

    @property
    def is_new(self) -> bool:
        """A new message (not an edit of one already in the chat)."""
        return not self.method.startswith("edit")

    @property
    def is_intro(self) -> bool:
        """A first question of a check-in (the edit that shows its answer is not)."""
        return self.is_new and self.text.startswith(INTRO)

    def callback_data(self) -> list[str]:
        """The callback data of this message's buttons."""
        rows = json.loads(self.markup).get("inline_keyboard", []) if self.markup else []
        return [str(b["callback_data"]) for r in rows for b in r if "callback_data" in b]


def mood_button(question: Sent) -> str | None:
    """The callback data of the question's button for mood `MOOD`, if it has one."""
    for data in question.callback_data():
        found = CHECKIN_MOOD.parse(data)
        if found is not None and found.int("mood") == MOOD:
            return data
    return None


class ServerLog:
    """Follows the server's accepted sends (long polling), per chat."""

    def __init__(self, control: httpx.AsyncClient) -> None:
        self._control = control
        self._next = 0
        self.sent: list[Sent] = []
        self.rejected_by: dict[str, int] = dict.fromkeys(REASONS, 0)
        self._by_chat: defaultdict[int, list[Sent]] = defaultdict(list)
        self._arrived: defaultdict[int, asyncio.Event] = defaultdict(asyncio.Event)

    async def poll(self, wait: float = 0.0) -> None:
        params: dict[str, Any] = {"since": self._next, "wait": wait}
        body = (await self._control.get("/log", params=params, timeout=wait + 30)).json()
        self._next = int(body["next"])
        self.rejected_by = {reason: int(body["rejected_by"][reason]) for reason in REASONS}
        for chat_id, at, sent_text, method, message_id, markup in body["entries"]:
            sent = Sent(
                int(chat_id), float(at), str(sent_text), str(method), int(message_id), str(markup)
            )
            self.sent.append(sent)
            self._by_chat[sent.chat_id].append(sent)
            self._arrived[sent.chat_id].set()

    async def follow(self) -> None:
        while True:
            await self.poll(wait=LONG_POLL)

    def of_chat(self, chat_id: int) -> list[Sent]:
        return self._by_chat.get(chat_id, [])

    async def next_in(self, chat_id: int, after: float, *, new: bool = False) -> Sent:
        """The first message (with `new`: new message, not an edit) the chat got at or after
        `after`, once the server accepted it."""
        event = self._arrived[chat_id]
        while True:
            for sent in self._by_chat.get(chat_id, []):
                if sent.at >= after and (sent.is_new or not new):
                    return sent
            event.clear()
            await event.wait()


# --- the members who answer -----------------------------------------------------------------


@dataclass
class AnswerRecord:
    chat_id: int
    number: int  # 0: the mood, 1…: the questions after it
    instance: int
    answered: float  # when the load balancer handed it on
    pressed: bool = False  # the mood button, not a typed digit
    next_at: float | None = None  # when the server accepted the bot's next message there
    question_at: float | None = None  # … and the next new message (the next question)
    next_text: str = ""  # the next new message
    handled: dict[str, Any] = field(default_factory=dict)  # the instance's timings

    @property
    def latency(self) -> float | None:
        return None if self.next_at is None else self.next_at - self.answered

    @property
    def question_latency(self) -> float | None:
        return None if self.question_at is None else self.question_at - self.answered


BOT_JSON = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}


def button_update(telegram: FakeTelegram, user: FakeUser, sent: Sent, data: str) -> dict[str, Any]:
    """The update Telegram delivers when `user` presses the button `data` under `sent`."""
    message = {
        "message_id": sent.message_id,
        "date": int(time.time()),
        "chat": user.private_chat(),
        "from": BOT_JSON,
        # What a client gets: the text without its HTML (no entities here, so the bot's
        # `text_html` of it is plain; its edit shows the answer without the bold).
        "text": visible_text(sent.text, "HTML"),
        "reply_markup": json.loads(sent.markup) if sent.markup else None,
    }
    update_id = telegram.next_update_id()
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": user.as_json(),
            "chat_instance": str(user.id),
            "message": message,
            "data": data,
        },
    }


def answer_text(number: int, chat_id: int) -> str:
    return str(MOOD) if number == 0 else f"Antwoord {number} van {chat_id}: vergunning gevraagd"


async def answer_questions(
    user: FakeUser,
    answers: int,
    reaction: float,
    think: float,
    press: bool,
    log: ServerLog,
    router: Router,
    telegram: FakeTelegram,
    records: list[AnswerRecord],
) -> None:
    """Answer the first question `reaction` seconds after the server accepted it (by its mood
    button if `press`, else typing the digit), then `answers - 1` more, each `think` seconds
    after the bot's next question arrived."""
    question = await log.next_in(user.id, 0.0)
    for number in range(answers):
        pause = think if number else reaction
        await asyncio.sleep(max(0.0, question.at + pause - time.monotonic()))
        data = mood_button(question) if press and number == 0 else None
        if data is not None:
            payload = button_update(telegram, user, question, data)
        else:
            payload = telegram.message_update(user, answer_text(number, user.id))
        instance = router.pick()
        record = AnswerRecord(
            user.id, number, instance.index, time.monotonic(), pressed=data is not None
        )
        records.append(record)
        handled = instance.request("update", update=payload)
        record.next_at = (await log.next_in(user.id, record.answered)).at
        question = await log.next_in(user.id, record.answered, new=True)
        record.question_at, record.next_text = question.at, question.text
        record.handled = await handled


# --- the run --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityConfig:
    teams: int = 150
    team_size: int = 20
    answerers: int = 100
    answers: int = 1
    reaction: float = 0.3
    think: float = 1.0
    press: float = 0.5  # the share of answerers who press the mood button (else type "4")
    instances: int = 1
    database: str | None = None
    route: str = "alternate"
    seed: int = 1


@dataclass
class CityOutcome:
    config: CityConfig
    database_kind: str
    shared_send_limit: bool
    seed_seconds: float
    open_seconds: float
    wave_started: float
    cycles: list[dict[str, Any]]
    sent: list[Sent]
    rejected_by: dict[str, int]
    answers: list[AnswerRecord]
    unanswered: int  # answerers whose answers did not all get a next message in time
    follow_up_sends: list[Sent]
    follow_up_reports: list[dict[str, Any]]
    prompt_states: dict[str, int]
    lagging_prompts: int
    answers_stored: dict[int, int]  # telegram user id -> answers stored
    moods_stored: int
    goodbyes: list[dict[str, Any]]


async def database_state(
    engine: AsyncEngine, run_ids: Sequence[int]
) -> tuple[dict[str, int], int, dict[int, int], int]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(CheckinPrompt.status, func.count())
            .where(CheckinPrompt.run_id.in_(run_ids))
            .group_by(CheckinPrompt.status)
        )
        states = {str(PromptStatus(status).value): int(count) for status, count in rows.all()}
        lagging = await connection.scalar(
            select(func.count())
            .select_from(CheckinPrompt)
            .where(
                CheckinPrompt.run_id.in_(run_ids),
                CheckinPrompt.asked_step < CheckinPrompt.step,
            )
        )
        stored = await connection.execute(
            select(Person.telegram_user_id, func.count())
            .select_from(CheckinAnswer)
            .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
            .join(Person, Person.id == CheckinPrompt.person_id)
            .where(CheckinPrompt.run_id.in_(run_ids))
            .group_by(Person.telegram_user_id)
        )
        moods = await connection.scalar(
            select(func.count())
            .select_from(CheckinAnswer)
            .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
            .where(
                CheckinPrompt.run_id.in_(run_ids),
                CheckinAnswer.step_key == "mood",
                CheckinAnswer.mood == MOOD,
            )
        )
        answers = {int(user): int(count) for user, count in stored.all()}
        return states, int(lagging or 0), answers, int(moods or 0)


async def run_city_wave(config: CityConfig, workdir: Path) -> CityOutcome:
    if config.answers > MAX_ANSWERS:
        raise ValueError(f"at most {MAX_ANSWERS} answers each (the default template's questions)")
    database_url = config.database or f"sqlite+aiosqlite:///{workdir / 'city.db'}"
    rng = random.Random(config.seed)
    await prepare_database(database_url)
    async with bot_api_server() as root:
        settings = bench_settings(database_url, root)
        services = build_services(settings)
        try:
            now = datetime.now(UTC)
            started = time.monotonic()
            team_ids = await seed_city(services.engine, config.teams, config.team_size, now)
            seed_seconds = time.monotonic() - started
            started = time.monotonic()
            run_ids = await open_checkins(services, team_ids, now)
            open_seconds = time.monotonic() - started
            everyone = member_ids(config.teams, config.team_size)
            chosen = rng.sample(everyone, min(config.answerers, len(everyone)))
            telegram = FakeTelegram()

            async with (
                instances(config.instances, database_url, root) as bots,
                httpx.AsyncClient(base_url=root) as control,
            ):
                await control.post("/reset")  # forget the start-up's commands
                log = ServerLog(control)
                follower = asyncio.create_task(log.follow())
                router = Router(bots, config.route, rng)
                records: list[AnswerRecord] = []
                members = [
                    asyncio.create_task(
                        answer_questions(
                            member_user(user_id),
                            config.answers,
                            config.reaction,
                            config.think,
                            position < round(config.press * len(chosen)),
                            log,
                            router,
                            telegram,
                            records,
                        )
                    )
                    for position, user_id in enumerate(chosen)
                ]
                wave_started = time.monotonic()
                rounds = [bot.request("cycle") for bot in bots]
                cycles = list(await asyncio.gather(*rounds))
                # The last answers may still be on their way; a lost reply would wait forever.
                timeout = 15.0 + config.answers * (config.think + 3.0)
                _done, pending = await asyncio.wait(members, timeout=timeout)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*members, return_exceptions=True)
                await asyncio.sleep(0.5)  # anything sent late, e.g. a repeated question
                await log.poll()
                # Another round on every instance must find nothing left to send.
                before = len(log.sent)
                follow_up = list(await asyncio.gather(*(bot.request("cycle") for bot in bots)))
                await asyncio.sleep(0.2)
                await log.poll()
                follower.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await follower
                goodbyes = [await bot.stop() for bot in bots]
            states, lagging, stored, moods = await database_state(services.engine, run_ids)
        finally:
            await services.database.dispose()
    return CityOutcome(
        config=config,
        database_kind=make_url(database_url).get_backend_name(),
        shared_send_limit=settings.shares_send_limit,
        seed_seconds=seed_seconds,
        open_seconds=open_seconds,
        wave_started=wave_started,
        cycles=cycles,
        sent=log.sent[:before],
        rejected_by=log.rejected_by,
        answers=records,
        unanswered=len(pending),
        follow_up_sends=log.sent[before:],
        follow_up_reports=follow_up,
        prompt_states=states,
        lagging_prompts=lagging,
        answers_stored=stored,
        moods_stored=moods,
        goodbyes=goodbyes,
    )


# --- the figures ----------------------------------------------------------------------------


@dataclass
class Figures:
    """What the run shows; `failures` are correctness failures (not missed targets)."""

    members: int
    wave_seconds: float
    rate: float
    sends_in_span: int
    span: float
    rejected: int
    missing: int  # members never prompted
    duplicated: int  # members prompted more than once
    answers_sent: int
    answered_once: int  # answers whose next question came exactly once
    latencies: list[float]  # answer -> the bot's next message (an edit or the next question)
    question_latencies: list[float]  # answer -> the next question
    handler: list[float]  # instance-side handling of an answer (incl. waiting to send)
    send_waits: list[float]  # waiting for room under the limits (local or shared)
    gate_admits: list[float]  # the shared send gate's transactions
    failures: list[str]

    @property
    def share(self) -> float:
        return self.rate / SERVER_LIMIT


def step_of(message: str) -> int | None:
    match = COUNTER.search(message)
    return int(match.group(1)) if match else None


def figures(outcome: CityOutcome) -> Figures:
    config = outcome.config
    everyone = member_ids(config.teams, config.team_size)
    sent = outcome.sent
    t0 = outcome.wave_started
    intros = Counter(s.chat_id for s in sent if s.is_intro)
    missing = sum(intros[chat] == 0 for chat in everyone)
    duplicated = sum(intros[chat] > 1 for chat in everyone)
    intro_times = sorted(s.at for s in sent if s.is_intro)
    rate, span, in_span, wave_seconds = 0.0, 0.0, 0, 0.0
    if len(intro_times) >= 2:
        first, last = intro_times[0], intro_times[-1]
        span = last - first
        in_span = sum(first <= s.at <= last for s in sent)
        rate = (in_span - 1) / span  # N sends over a span make N - 1 intervals
        wave_seconds = last - t0
    failures = []
    if missing or duplicated:
        failures.append(f"{missing} members not prompted, {duplicated} prompted more than once")

    # Every chat: its intro, then one next question per answer, and one edit per button
    # pressed (the question shows the answer), nothing else.
    new_per_chat = Counter(s.chat_id for s in sent if s.is_new)
    edits_per_chat = Counter(s.chat_id for s in sent if not s.is_new)
    answered_by = Counter(a.chat_id for a in outcome.answers)
    pressed_by = Counter(a.chat_id for a in outcome.answers if a.pressed)
    extra = {chat for chat in new_per_chat if new_per_chat[chat] != 1 + answered_by[chat]}
    unedited = {
        chat
        for chat in set(edits_per_chat) | set(pressed_by)
        if edits_per_chat[chat] != pressed_by[chat]
    }
    answered_once = 0
    for answer in outcome.answers:
        step = step_of(answer.next_text)
        if (
            answer.question_at is not None
            and step == answer.number + 2
            and answer.chat_id not in extra
        ):
            answered_once += 1
    if extra:
        failures.append(f"{len(extra)} chats got more or fewer messages than asked and answered")
    if unedited:
        failures.append(f"{len(unedited)} pressed questions not edited exactly once")
    if answered_once != len(outcome.answers) or outcome.unanswered:
        failures.append(
            f"{len(outcome.answers) - answered_once} answers without exactly one next question, "
            f"{outcome.unanswered} answerers still waiting at the end"
        )
    expected_answers = {a.chat_id: answered_by[a.chat_id] for a in outcome.answers}
    stored = outcome.answers_stored
    if stored != expected_answers:
        wrong = sum(stored.get(c, 0) != n for c, n in expected_answers.items())
        failures.append(f"answers stored differ from answers sent ({wrong} members)")
    if outcome.moods_stored != sum(a.number == 0 for a in outcome.answers):
        failures.append("mood answers stored differ from moods sent")
    prompted = outcome.prompt_states.get("active", 0) + outcome.prompt_states.get("done", 0)
    if prompted != len(everyone) or outcome.lagging_prompts:
        failures.append(
            f"database: {prompted} prompts asked of {len(everyone)}, "
            f"{outcome.lagging_prompts} with their current question not asked"
        )
    if outcome.follow_up_sends:
        failures.append(f"the follow-up round sent {len(outcome.follow_up_sends)} messages")
    errors = [a.handled.get("error") for a in outcome.answers if a.handled.get("error")]
    if errors:
        failures.append(f"{len(errors)} answers raised: {errors[0]}")
    latencies = [a.latency for a in outcome.answers if a.latency is not None]
    questions = [a.question_latency for a in outcome.answers if a.question_latency is not None]
    handler = [a.handled["finished"] - a.handled["arrived"] for a in outcome.answers if a.handled]
    waits = [limit_wait(a.handled["waits"]) for a in outcome.answers if a.handled]
    gate = [gate_work(a.handled["waits"]) for a in outcome.answers if a.handled]
    _ = t0
    return Figures(
        members=len(everyone),
        wave_seconds=wave_seconds,
        rate=rate,
        sends_in_span=in_span,
        span=span,
        rejected=sum(outcome.rejected_by.values()),
        missing=missing,
        duplicated=duplicated,
        answers_sent=len(outcome.answers),
        answered_once=answered_once,
        latencies=latencies,
        question_latencies=questions,
        handler=handler,
        send_waits=waits,
        gate_admits=gate,
        failures=failures,
    )


def spread(values: list[float], unit: float = 1.0, digits: int = 3) -> str:
    if not values:
        return "-"
    p50, p95 = percentile(values, 0.5) * unit, percentile(values, 0.95) * unit
    return f"{p50:.{digits}f} / {p95:.{digits}f} / {max(values) * unit:.{digits}f}"


def row(label: str, value: str) -> None:
    print(f"  {label:<48} {value}")


def report(outcome: CityOutcome) -> bool:
    """Print the figures; return False on a correctness failure."""
    config = outcome.config
    f = figures(outcome)
    t0 = outcome.wave_started
    row(
        "city",
        f"{config.teams} teams × {config.team_size} = {f.members} members; "
        f"{config.answerers} answer ({config.answers} each, the first {config.reaction} s "
        f"after it arrived); {config.instances} instance(s) "
        f"on {outcome.database_kind} (shared send limit "
        f"{'on' if outcome.shared_send_limit else 'off'}), answers routed {config.route}",
    )
    row("seeding (bulk inserts)", f"{outcome.seed_seconds:.2f} s")
    row("opening the check-ins (open_run per team)", f"{outcome.open_seconds:.2f} s")
    for index, cycle in enumerate(outcome.cycles):
        r = cycle["report"]
        row(
            f"instance {index}: round",
            f"+{cycle['started'] - t0:.2f} .. +{cycle['finished'] - t0:.2f} s; delivered "
            f"{r['delivered']}, failed {r['failed']}, unreachable {r['unreachable']}",
        )
    row("wave duration (round start .. last 1st question)", f"{f.wave_seconds:.2f} s")
    row(
        "messages/s (server, first..last 1st question)",
        f"{f.rate:.2f} msg/s = {100 * f.share:.1f} % of {SERVER_LIMIT}/s "
        f"({f.sends_in_span} sends in {f.span:.2f} s)",
    )
    reasons = ", ".join(f"{reason} {count}" for reason, count in outcome.rejected_by.items())
    row("429s received", f"{f.rejected} ({reasons})")
    row("prompts lost / duplicated", f"{f.missing} / {f.duplicated}")
    row(
        "answers with exactly one next question",
        f"{f.answered_once} / {f.answers_sent}",
    )
    row(
        "answer -> next message p50 / p95 / max",
        f"{spread(f.latencies)} s (n={len(f.latencies)}; "
        f"{sum(a.pressed for a in outcome.answers)} by the mood button: its edit comes first)",
    )
    row("  answer -> next question p50 / p95 / max", f"{spread(f.question_latencies)} s")
    row("  instance: handling an answer p50 / p95 / max", f"{spread(f.handler, 1000, 1)} ms")
    row("  of which waiting for room p50/p95/max", f"{spread(f.send_waits, 1000, 1)} ms")
    if outcome.shared_send_limit:
        row("  of which send-gate transactions p50/p95/max", f"{spread(f.gate_admits, 1000, 1)} ms")
    states = ", ".join(f"{k} {v}" for k, v in sorted(outcome.prompt_states.items()))
    row("database: prompts by status", states)
    row(
        "database: answers stored",
        f"{sum(outcome.answers_stored.values())} ({outcome.moods_stored} moods)",
    )
    row("follow-up round sent", f"{len(outcome.follow_up_sends)} messages")
    for index, bye in enumerate(outcome.goodbyes):
        problems = sum(count for _line, count in bye["problems"])
        row(f"instance {index}: limiter", str(bye["limiter"]))
        if bye["gate"]:
            row(f"instance {index}: shared send gate", str(bye["gate"]))
        row(f"instance {index}: CPU time (process)", f"{bye['cpu_seconds']:.1f} s")
        row(f"instance {index}: warnings/errors logged", str(problems))
        for line, count in bye["problems"][:3]:
            print(f"      {count} × {line}")
    p95 = percentile(f.latencies, 0.95) if f.latencies else float("inf")
    targets = [
        (f"≥ {THROUGHPUT_TARGET:.0%} of the limit", f.share >= THROUGHPUT_TARGET),
        ("0 × 429", f.rejected == 0),
        (f"answer p95 < {LATENCY_TARGET} s", p95 < LATENCY_TARGET),
    ]
    row("targets", ", ".join(f"{name} {'met' if met else 'MISSED'}" for name, met in targets))
    row("correctness", "OK" if not f.failures else "FAILED: " + "; ".join(f.failures))
    if f.failures:
        for answer in outcome.answers:
            if step_of(answer.next_text) != answer.number + 2:
                row(
                    f"  answer {answer.number} of {answer.chat_id} got", repr(answer.next_text[:80])
                )
    return not f.failures


async def main(args: argparse.Namespace) -> int:
    config = CityConfig(
        teams=args.teams,
        team_size=args.team_size,
        answerers=args.answerers,
        answers=args.answers,
        reaction=args.reaction,
        think=args.think,
        press=args.press,
        instances=args.instances,
        database=args.database,
        route=args.route,
        seed=args.seed,
    )
    if config.instances > 1 and not (config.database or "").startswith("postgresql"):
        print("several instances need PostgreSQL (--database postgresql+asyncpg://…)")
        return 2
    print(
        f"city wave: server limits {SERVER_LIMIT} per sliding {SERVER_WINDOW:.0f} s, "
        f"{CHAT_LIMIT} per private chat per sliding {CHAT_WINDOW:.0f} s, {GROUP_LIMIT}/min "
        f"per group; load before: {machine_load()}"
    )
    with tempfile.TemporaryDirectory(prefix="city-wave-") as directory:
        outcome = await run_city_wave(config, Path(directory))
    healthy = report(outcome)
    row("machine load after (1/5/15 min)", machine_load())
    return 0 if healthy else 1


def machine_load() -> str:
    """The 1, 5 and 15 minute load averages (/proc/loadavg), for the record."""
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--teams", type=int, default=150)
    parser.add_argument("--team-size", type=int, default=20)
    parser.add_argument("--answerers", type=int, default=100)
    parser.add_argument(
        "--answers", type=int, default=1, help=f"answers each answerer types (1-{MAX_ANSWERS})"
    )
    parser.add_argument(
        "--reaction",
        type=float,
        default=0.3,
        help="seconds from the server accepting a member's first question to their answer "
        "(0 answers within milliseconds: faster than any person, and faster than the bot "
        "records the delivery)",
    )
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds before answering a next question"
    )
    parser.add_argument(
        "--press",
        type=float,
        default=0.5,
        help="share of answerers who press the mood button (the others type the digit)",
    )
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument(
        "--database", help="database URL (emptied first!); default a temporary SQLite file"
    )
    parser.add_argument("--route", choices=("alternate", "random"), default="alternate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-root", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.worker is not None:
        sys.exit(asyncio.run(worker(arguments.database, arguments.api_root, arguments.worker)))
    logging.getLogger("telegram").setLevel(logging.CRITICAL)
    sys.exit(asyncio.run(main(arguments)))

"""A real check-in wave: the bot's own engine, courier and rate limiter against a Bot API that
enforces 30 messages per sliding second, while some members answer during the wave.

    .venv/bin/python -m benchmarks.checkin_wave [--members 600] [--answerers 40] [--seed 1]

Starts the 429-enforcing server of `benchmarks.wave` in a child process, builds the complete
`Application` (`bot.app.build_application`) on a temporary SQLite database pointed at it,
seeds one team through the services (an admin creates it, every member joins with the invite
code), opens a manual check-in run and runs one check-in round (`CheckinCourier.cycle`). During
that round `--answerers` randomly chosen members type "4" (the mood) at a random moment of the
expected wave, but never before the server accepted their first question (plus `--reaction`
seconds). Each answer goes through `Application.process_update`, serialised by the
application's update processor as the polling loop does (`--parallel-updates` lifts that).

Printed: wave duration, throughput and 429s (server side), members prompted exactly once,
answer latency (from the start of handling an answer to the server accepting the next
question in that chat), a follow-up round that must send nothing, and the database state.

All times are `time.monotonic()`, i.e. CLOCK_MONOTONIC on Linux, which is system-wide, so the
server's timestamps (another process) and ours are on one clock.

Exit code 1 only on a correctness failure: a member prompted twice or not at all, a question
repeated, or an answer that was lost or got no next question.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import Application
from telegram.request import HTTPXRequest

from benchmarks.wave import SERVER_LIMIT, SERVER_WINDOW, TOKEN, bot_api_server, percentile
from bot.app import Services, build_application
from bot.config import Settings
from bot.fakes.telegram import FakeTelegram, FakeUser
from bot.handlers.courier import CycleReport
from storage.models import (
    CheckinAnswer,
    CheckinPrompt,
    PromptStatus,
    RunKind,
    Stadsdeel,
    TeamKind,
)

ADMIN_ID = 900_000_001
MEMBER_ID_BASE = 2_000_001
MOOD = 4
INTRO = "👋"  # every first question starts with the check-in intro
COUNTER = re.compile(r"<b>(\d+)/(\d+)</b>")
POLL_SECONDS = 0.02
LATENCY_TARGET = 1.0
THROUGHPUT_TARGET = 0.95


# --- the server and what it accepted --------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    chat_id: int
    at: float  # server's time.monotonic() when it accepted the send
    text: str


class ServerLog:
    """Follows the server's log of accepted sends, so members answer only what they received."""

    def __init__(self, control: httpx.AsyncClient) -> None:
        self._control = control
        self._next = 0
        self.sent: list[Sent] = []
        self.rejected = 0
        self._first_question: dict[int, float] = {}
        self._arrived: defaultdict[int, asyncio.Event] = defaultdict(asyncio.Event)

    async def poll(self) -> None:
        body = (await self._control.get("/log", params={"since": self._next})).json()
        self._next = int(body["next"])
        self.rejected = int(body["rejected"])
        for chat_id, at, text, *_method in body["entries"]:
            sent = Sent(int(chat_id), float(at), str(text))
            self.sent.append(sent)
            if sent.text.startswith(INTRO) and sent.chat_id not in self._first_question:
                self._first_question[sent.chat_id] = sent.at
                self._arrived[sent.chat_id].set()

    async def follow(self) -> None:
        while True:
            await self.poll()
            await asyncio.sleep(POLL_SECONDS)

    async def first_question(self, chat_id: int) -> float:
        """Wait until the server accepted the chat's first question; return when it did."""
        await self._arrived[chat_id].wait()
        return self._first_question[chat_id]


# --- instrumentation (wraps service methods on the instance; the bot's code is untouched) ----


@dataclass
class Timings:
    claims: list[tuple[float, float, int]] = field(default_factory=list)  # start, seconds, n
    delivered: list[float] = field(default_factory=list)  # seconds per `delivered` write


def instrument(services: Services, timings: Timings) -> None:
    checkins = services.checkins
    claim: Callable[..., Awaitable[list[Any]]] = checkins.claim_deliveries
    delivered: Callable[..., Awaitable[None]] = checkins.delivered

    async def timed_claim(*args: Any, **kwargs: Any) -> list[Any]:
        start = time.monotonic()
        batch = await claim(*args, **kwargs)
        timings.claims.append((start, time.monotonic() - start, len(batch)))
        return batch

    async def timed_delivered(*args: Any, **kwargs: Any) -> None:
        start = time.monotonic()
        await delivered(*args, **kwargs)
        timings.delivered.append(time.monotonic() - start)

    setattr(checkins, "claim_deliveries", timed_claim)  # noqa: B010 - instance patch on purpose
    setattr(checkins, "delivered", timed_delivered)  # noqa: B010


class ProblemLog(logging.Handler):
    """Counts warnings and errors logged anywhere (e.g. 'database is locked')."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message += f" [{type(error).__name__}: {str(error).splitlines()[0][:120]}]"
        self.counts[f"{record.levelname} {record.name}: {message[:200]}"] += 1


# --- the members who answer -----------------------------------------------------------------


@dataclass
class Answer:
    chat_id: int
    planned: float  # seconds after the wave started
    started: float = 0.0  # time.monotonic() when handling began
    handled: float = 0.0  # when process_update returned
    error: str | None = None


async def answer_during_wave(
    application: Application,  # type: ignore[type-arg]
    telegram: FakeTelegram,
    user: FakeUser,
    answer: Answer,
    wave_started: float,
    log: ServerLog,
    *,
    reaction: float,
    serialised: bool,
) -> None:
    await asyncio.sleep(max(0.0, wave_started + answer.planned - time.monotonic()))
    received = await log.first_question(user.id)
    # Nobody answers a question before it arrived (and read it).
    await asyncio.sleep(max(0.0, received + reaction - time.monotonic()))
    update = Update.de_json(telegram.message_update(user, str(MOOD)), application.bot)
    answer.started = time.monotonic()
    try:
        if serialised:
            # What the polling loop does: one update at a time (concurrent_updates is off).
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
        else:
            await application.process_update(update)
    except Exception as error:  # process_update hands handler errors to the error handler
        answer.error = f"{type(error).__name__}: {error}"
    answer.handled = time.monotonic()


# --- the run --------------------------------------------------------------------------------


@dataclass
class Outcome:
    members: int
    seed_seconds: float
    open_seconds: float
    wave_started: float
    wave_seconds: float
    report: CycleReport
    follow_up: CycleReport
    follow_up_sends: list[Sent]
    sent: list[Sent]
    rejected: int
    answers: list[Answer]
    timings: Timings
    prompt_states: dict[str, int]
    mood_answers: int
    lagging_prompts: int
    problems: Counter[str]


async def seed_team(services: Services, users: list[FakeUser]) -> int:
    directory = services.directory
    admin = await directory.identify(ADMIN_ID, "Beheer", None, "nl")
    team, invite = await directory.create_team(
        admin, "Benchmark team", TeamKind.GEBIEDSTEAM, Stadsdeel.CENTRUM
    )
    for user in users:
        actor = await directory.identify(
            user.id, user.first_name, user.username, user.language_code
        )
        await directory.join(actor, invite.code)
    return team.id


async def database_state(services: Services, run_id: int) -> tuple[dict[str, int], int, int]:
    async with services.engine.connect() as connection:
        rows = await connection.execute(
            select(CheckinPrompt.status, func.count())
            .where(CheckinPrompt.run_id == run_id)
            .group_by(CheckinPrompt.status)
        )
        states = {str(PromptStatus(status).value): int(count) for status, count in rows.all()}
        moods = await connection.execute(
            select(func.count())
            .select_from(CheckinAnswer)
            .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
            .where(
                CheckinPrompt.run_id == run_id,
                CheckinAnswer.step_key == "mood",
                CheckinAnswer.mood == MOOD,
            )
        )
        lagging = await connection.execute(
            select(func.count())
            .select_from(CheckinPrompt)
            .where(
                CheckinPrompt.run_id == run_id,
                CheckinPrompt.asked_step < CheckinPrompt.step,
            )
        )
        return states, int(moods.scalar_one()), int(lagging.scalar_one())


async def run(args: argparse.Namespace, root: str, workdir: Path) -> Outcome:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=f"{root}/bot",
        database_url=f"sqlite+aiosqlite:///{workdir / 'steunpunt.db'}",
        steunpunt_admins=frozenset({ADMIN_ID}),
    )
    application = build_application(
        settings, request=HTTPXRequest(connection_pool_size=64), run_rounds=False
    )
    services: Services = application.bot_data["services"]
    problems = ProblemLog()
    telegram = FakeTelegram()
    rng = random.Random(args.seed)
    users = [
        FakeUser(MEMBER_ID_BASE + i, f"Lid{i}", username=f"lid{i}") for i in range(args.members)
    ]
    try:
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)  # migrates the schema, sets the commands
        logging.getLogger().addHandler(problems)

        started = time.monotonic()
        team_id = await seed_team(services, users)
        seed_seconds = time.monotonic() - started

        started = time.monotonic()
        now = datetime.now(UTC)
        run_id = await services.checkins.open_run(
            team_id, RunKind.MANUAL, f"bench:{args.seed}", now, now
        )
        open_seconds = time.monotonic() - started
        assert run_id is not None

        timings = Timings()
        instrument(services, timings)
        expected = args.members / SERVER_LIMIT
        chosen = rng.sample(users, min(args.answerers, len(users)))
        answers = [
            Answer(user.id, rng.uniform(0.05 * expected, 0.95 * expected)) for user in chosen
        ]

        async with httpx.AsyncClient(base_url=root) as control:
            await control.post("/reset")
            log = ServerLog(control)
            follower = asyncio.create_task(log.follow())
            wave_started = time.monotonic()
            wave = asyncio.create_task(services.courier.cycle(application.bot))
            members = [
                asyncio.create_task(
                    answer_during_wave(
                        application,
                        telegram,
                        user,
                        answer,
                        wave_started,
                        log,
                        reaction=args.reaction,
                        serialised=not args.parallel_updates,
                    )
                )
                for user, answer in zip(chosen, answers, strict=True)
            ]
            cycle_report = await wave
            wave_seconds = time.monotonic() - wave_started
            # Answerers whose question never came would wait forever; give them a while.
            _done, pending = await asyncio.wait(members, timeout=max(10.0, 3 * args.reaction))
            for task in pending:
                task.cancel()
            await asyncio.gather(*members, return_exceptions=True)
            await asyncio.sleep(0.1)
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
            await log.poll()

            # A second round must find nothing left to send.
            before = len(log.sent)
            follow_up = await services.courier.cycle(application.bot)
            await log.poll()
            follow_up_sends = log.sent[before:]

        states, moods, lagging = await database_state(services, run_id)
        return Outcome(
            members=args.members,
            seed_seconds=seed_seconds,
            open_seconds=open_seconds,
            wave_started=wave_started,
            wave_seconds=wave_seconds,
            report=cycle_report,
            follow_up=follow_up,
            follow_up_sends=follow_up_sends,
            sent=log.sent[:before],
            rejected=log.rejected,
            answers=answers,
            timings=timings,
            prompt_states=states,
            mood_answers=moods,
            lagging_prompts=lagging,
            problems=problems.counts,
        )
    finally:
        logging.getLogger().removeHandler(problems)
        await application.shutdown()
        await services.engine.dispose()


# --- the figures ----------------------------------------------------------------------------


def step_number(text: str) -> int | None:
    match = COUNTER.search(text)
    return int(match.group(1)) if match else None


def row(label: str, value: str) -> None:
    print(f"  {label:<46} {value}")


def report(outcome: Outcome, answerers: int) -> bool:
    """Print the figures; return False on a correctness failure."""
    member_ids = range(MEMBER_ID_BASE, MEMBER_ID_BASE + outcome.members)
    t0 = outcome.wave_started
    intros = Counter(s.chat_id for s in outcome.sent if s.text.startswith(INTRO))
    nexts = [s for s in outcome.sent if not s.text.startswith(INTRO) and step_number(s.text) == 2]
    seconds = Counter(s.chat_id for s in nexts)
    other = [s for s in outcome.sent if not s.text.startswith(INTRO) and step_number(s.text) != 2]
    once = sum(intros[chat] == 1 for chat in member_ids)
    missing = sum(intros[chat] == 0 for chat in member_ids)
    duplicated = sum(count > 1 for count in intros.values())
    repeated_next = sum(count > 1 for count in seconds.values())
    bulk_times = sorted(s.at for s in outcome.sent if s.text.startswith(INTRO))

    row("members", f"{outcome.members}")
    row("seeding (create_team, identify+join each)", f"{outcome.seed_seconds:.2f} s")
    row("open_run (one prompt per member)", f"{outcome.open_seconds:.2f} s")
    row("wave duration (courier.cycle start..return)", f"{outcome.wave_seconds:.2f} s")
    rate = 0.0
    if len(bulk_times) >= 2:
        first, last = bulk_times[0], bulk_times[-1]
        span = last - first
        times = sorted(s.at for s in outcome.sent if first <= s.at <= last)
        rate = (len(times) - 1) / span  # N sends over a span make N - 1 intervals
        row(
            "throughput (server, first..last 1st question)",
            f"{rate:.2f} msg/s = {100 * rate / SERVER_LIMIT:.1f} % of {SERVER_LIMIT}/s "
            f"({len(times)} sends in {span:.2f} s)",
        )
        row(
            "  first questions alone",
            f"{(len(bulk_times) - 1) / span:.2f} msg/s; first one accepted at "
            f"+{first - t0:.2f} s, last at +{last - t0:.2f} s",
        )
        gaps = sorted(((b - a, a - t0) for a, b in itertools.pairwise(times)), reverse=True)
        row(
            "  longest gaps between accepted sends",
            ", ".join(f"{gap:.2f} s at +{at:.1f} s" for gap, at in gaps[:3]),
        )
    row("429 responses from the server", f"{outcome.rejected}")
    row(
        "members prompted exactly once",
        f"{once} / {outcome.members} (missing {missing}, duplicates {duplicated})",
    )
    r = outcome.report
    row(
        "courier report",
        f"delivered {r.delivered}, failed {r.failed}, unreachable {r.unreachable}",
    )
    row(
        "  claim_deliveries (batch: duration at)",
        ", ".join(
            f"{n}: {took:.2f} s at +{at - t0:.1f} s" for at, took, n in outcome.timings.claims
        ),
    )
    if outcome.timings.delivered:
        d = outcome.timings.delivered
        row(
            "  delivered() per send p50 / p95 / max",
            f"{percentile(d, 0.5) * 1000:.1f} / {percentile(d, 0.95) * 1000:.1f} / "
            f"{max(d) * 1000:.1f} ms (n={len(d)})",
        )

    latencies: list[float] = []
    handled: list[float] = []
    without_next = 0
    during = 0
    for answer in outcome.answers:
        following = [s.at for s in nexts if s.chat_id == answer.chat_id and s.at >= answer.started]
        if not answer.started or answer.error or not following:
            without_next += 1
            continue
        during += bool(bulk_times) and answer.started <= bulk_times[-1]
        handled.append(answer.handled - answer.started)
        latencies.append(min(following) - answer.started)
    if latencies:
        within = sum(latency <= LATENCY_TARGET for latency in latencies)
        row(
            "answer latency p50 / p95 / max",
            f"{percentile(latencies, 0.5):.3f} / {percentile(latencies, 0.95):.3f} / "
            f"{max(latencies):.3f} s (n={len(latencies)}, {within} within "
            f"{LATENCY_TARGET:.0f} s, {during} during the wave)",
        )
        row(
            "  process_update p50 / p95 / max",
            f"{percentile(handled, 0.5):.3f} / {percentile(handled, 0.95):.3f} / "
            f"{max(handled):.3f} s",
        )
    row(
        "answers",
        f"{answerers} sent, {len(latencies)} got their next question, {without_next} did not",
    )
    row("next question (2/…) sent twice", f"{repeated_next}")
    for chat, count in seconds.items():
        if count > 1:
            moments = ", ".join(f"+{s.at - t0:.3f} s" for s in nexts if s.chat_id == chat)
            started = [a.started for a in outcome.answers if a.chat_id == chat and a.started]
            answered = f"+{started[0] - t0:.3f} s" if started else "-"
            row(f"  chat {chat}", f"answered at {answered}, 2/… accepted at {moments}")
    if other:
        kinds = Counter(re.sub(r"\s+", " ", s.text)[:70] for s in other)
        row("other messages sent", f"{len(other)} {dict(kinds.most_common(3))}")
    states = ", ".join(f"{k} {v}" for k, v in sorted(outcome.prompt_states.items()))
    prompted = outcome.prompt_states.get("active", 0) + outcome.prompt_states.get("done", 0)
    row("database: prompts by status", states)
    row("database: prompts ACTIVE/DONE", f"{prompted} / {outcome.members}")
    row("database: mood answers stored", f"{outcome.mood_answers} / {answerers}")
    row("database: current question not yet asked", f"{outcome.lagging_prompts}")
    f = outcome.follow_up
    row(
        "follow-up round sent",
        f"{len(outcome.follow_up_sends)} messages (delivered {f.delivered}, "
        f"reminded {f.reminded}, failed {f.failed})",
    )
    row("warnings/errors logged", f"{sum(outcome.problems.values())}")
    for line, count in outcome.problems.most_common(5):
        print(f"      {count} × {line}")

    failures = []
    if once != outcome.members:
        failures.append(f"{outcome.members - once} members not prompted exactly once")
    if duplicated or repeated_next or outcome.follow_up_sends:
        failures.append("duplicate messages")
    if prompted != outcome.members:
        failures.append("prompts not ACTIVE/DONE")
    if without_next or outcome.mood_answers != answerers or outcome.lagging_prompts:
        failures.append("missing answers or next questions")
    targets = [
        (f"throughput ≥ {THROUGHPUT_TARGET:.0%}", rate >= THROUGHPUT_TARGET * SERVER_LIMIT),
        ("zero 429s", outcome.rejected == 0),
        (
            f"answer p95 ≤ {LATENCY_TARGET:.0f} s",
            bool(latencies) and percentile(latencies, 0.95) <= LATENCY_TARGET,
        ),
    ]
    row("targets", ", ".join(f"{name} {'met' if met else 'MISSED'}" for name, met in targets))
    row("correctness", "OK" if not failures else "FAILED: " + "; ".join(failures))
    return not failures


async def main(args: argparse.Namespace) -> int:
    print(
        f"check-in wave: {args.members} members, {args.answerers} answer during the wave "
        f"(reaction {args.reaction:.2f} s, "
        f"{'parallel' if args.parallel_updates else 'serialised'} updates), seed {args.seed}; "
        f"server: {SERVER_LIMIT} sendMessage per sliding {SERVER_WINDOW:.0f} s; "
        "times: time.monotonic() (CLOCK_MONOTONIC, shared by server and bot)"
    )
    with tempfile.TemporaryDirectory(prefix="checkin-wave-") as directory:
        async with bot_api_server() as root:
            outcome = await run(args, root, Path(directory))
    return 0 if report(outcome, min(args.answerers, args.members)) else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=600)
    parser.add_argument("--answerers", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reaction",
        type=float,
        default=0.5,
        help="seconds a member needs at least between receiving the question and answering",
    )
    parser.add_argument(
        "--parallel-updates",
        action="store_true",
        help="handle answers concurrently instead of one at a time like the polling loop",
    )
    return parser.parse_args()


if __name__ == "__main__":
    # PTB logs every re-raised 429 with a traceback; the figures say enough.
    logging.getLogger("telegram").setLevel(logging.CRITICAL)
    sys.exit(asyncio.run(main(parse_args())))

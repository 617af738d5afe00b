"""Ingest: typed check-in answers per second through the real `Application`, and the handler
time of each, on SQLite or PostgreSQL.

    python -m benchmarks.ingest [--members 300 --answers 4]
    python -m benchmarks.ingest --database postgresql+asyncpg://postgres@127.0.0.1:5432/bench_ingest

`--members` members (teams of 20, bulk-inserted as in `benchmarks.city_wave`) are mid check-in:
each has a check-in whose first question counts as delivered (recorded through
`CheckinService.claim_deliveries` / `delivered`, nothing sent). Then every member answers
`--answers` times, in rounds (everyone once per round, shuffled, so one chat's answers are a
round apart): the mood ("4"), then typed answers to the questions, each of which gets the
next question. Every answer is an update through `Application.process_update` of the
complete bot (`bot.app.build_application`), one at a time as the polling and webhook loops
do (`--concurrency N` handles N at once, as PTB's `concurrent_updates` would), offered as fast
as the bot takes them or at `--rate` per second. The bot replies to the limit-enforcing
Bot API of `benchmarks.wave` (30 per sliding second overall, 3 per 3 s per private chat).

Printed: answers per second (first update in .. last one handled), and per answer the
handler time (process_update, including sending the reply) p50 / p99 / max, the part of it
spent waiting for the send limit, and the handler time without that wait — the figure the
target (p99 < 50 ms) is about. The bot sends one reply per answer, so with the send limiter
at 30/s the throughput cannot pass 30 answers/s: the report says whether it was bound by it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from telegram import Update
from telegram.request import HTTPXRequest

from benchmarks.checkin_wave import ProblemLog
from benchmarks.city_wave import (
    GateTimings,
    ServerLog,
    answer_text,
    bench_settings,
    gate_work,
    limit_wait,
    machine_load,
    measure_gate,
    measure_send_waits,
    member_ids,
    member_user,
    new_send_timing,
    open_checkins,
    prepare_database,
    seed_city,
    send_waits,
    step_of,
)
from benchmarks.wave import SERVER_LIMIT, bot_api_server, percentile
from bot.app import Services, build_application
from bot.fakes.telegram import FakeTelegram
from bot.handlers.base import BotApplication
from storage.models import CheckinAnswer

TEAM_SIZE = 20
P99_TARGET = 0.050
MAX_ANSWERS = 5


@dataclass
class Handled:
    chat_id: int
    number: int
    offered: float
    started: float = 0.0
    finished: float = 0.0
    waits: dict[str, float] = field(default_factory=new_send_timing)
    error: str | None = None

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def queued(self) -> float:
        """Waiting for room under the send limits (in the local limiter or the shared gate)."""
        return limit_wait(self.waits)

    @property
    def without_wait(self) -> float:
        """Handling without waiting for the send limits (the shared gate's database work, if
        any, stays in)."""
        return self.seconds - self.queued


@dataclass
class IngestOutcome:
    database_kind: str
    shared_send_limit: bool
    members: int
    answers: int
    concurrency: int
    rate: float
    handled: list[Handled]
    sent: list[Any]
    rejected_by: dict[str, int]
    stored: int
    problems: Counter[str]
    gate: str | None


async def deliver_first_questions(services: Services) -> int:
    """Record every due first question as delivered, as if a wave had sent it."""
    count = 0
    while batch := await services.checkins.claim_deliveries(None, 500):
        for delivery in batch:
            await services.checkins.delivered(delivery.prompt_id, delivery.step.index)
        count += len(batch)
    return count


async def stored_answers(services: Services) -> int:
    async with services.engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(CheckinAnswer)) or 0)


async def run_ingest(
    *,
    members: int,
    answers: int,
    database: str | None,
    concurrency: int,
    rate: float,
    seed: int,
    workdir: Path,
) -> IngestOutcome:
    if not 1 <= answers <= MAX_ANSWERS:
        raise ValueError(f"1 to {MAX_ANSWERS} answers each (the default template's questions)")
    teams = max(1, -(-members // TEAM_SIZE))
    database_url = database or f"sqlite+aiosqlite:///{workdir / 'ingest.db'}"
    await prepare_database(database_url)
    rng = random.Random(seed)
    telegram = FakeTelegram()
    problems = ProblemLog()
    async with bot_api_server() as root:
        settings = bench_settings(database_url, root)
        application: BotApplication = build_application(
            settings, request=HTTPXRequest(connection_pool_size=64), run_rounds=False
        )
        services: Services = application.bot_data["services"]
        measure_send_waits(application)
        gate_timings = GateTimings()
        gate = measure_gate(application, gate_timings)
        try:
            await application.initialize()
            assert application.post_init is not None
            await application.post_init(application)
            now = datetime.now(UTC)
            team_ids = await seed_city(services.engine, teams, TEAM_SIZE, now)
            await open_checkins(services, team_ids, now)
            await deliver_first_questions(services)
            everyone = member_ids(teams, TEAM_SIZE)[:members]
            plan: list[tuple[int, int]] = []
            for number in range(answers):
                order = list(everyone)
                rng.shuffle(order)
                plan.extend((chat_id, number) for chat_id in order)
            updates = [
                (chat_id, number, telegram.message_update(member_user(chat_id), text))
                for chat_id, number in plan
                for text in [answer_text(number, chat_id)]
            ]
            logging.getLogger().addHandler(problems)
            async with httpx.AsyncClient(base_url=root) as control:
                await control.post("/reset")
                handled = await feed(application, updates, concurrency, rate)
                await asyncio.sleep(0.3)
                log = ServerLog(control)
                await log.poll()
            stored = await stored_answers(services)
        finally:
            logging.getLogger().removeHandler(problems)
            await application.shutdown()
            assert application.post_shutdown is not None
            await application.post_shutdown(application)
    return IngestOutcome(
        database_kind=services.engine.dialect.name,
        shared_send_limit=settings.shares_send_limit,
        members=len(everyone),
        answers=answers,
        concurrency=concurrency,
        rate=rate,
        handled=handled,
        sent=log.sent,
        rejected_by=log.rejected_by,
        stored=stored,
        problems=problems.counts,
        gate=None if gate is None else gate_timings.summary(int(gate.waited)),
    )


async def feed(
    application: BotApplication,
    updates: list[tuple[int, int, dict[str, Any]]],
    concurrency: int,
    rate: float,
) -> list[Handled]:
    """Hand the updates to the bot: `concurrency` at a time, offered at `rate` per second
    (0: as fast as the bot takes them)."""
    queue: asyncio.Queue[tuple[int, int, dict[str, Any]]] = asyncio.Queue()
    results: list[Handled] = []
    started = time.monotonic()

    async def offer() -> None:
        for index, item in enumerate(updates):
            if rate > 0:
                await asyncio.sleep(max(0.0, started + index / rate - time.monotonic()))
            await queue.put(item)

    async def handler() -> None:
        while True:
            chat_id, number, payload = await queue.get()
            record = Handled(chat_id, number, offered=time.monotonic())
            update = Update.de_json(payload, application.bot)
            token = send_waits.set(record.waits)
            record.started = time.monotonic()
            try:
                await application.process_update(update)
            except Exception as error:
                record.error = f"{type(error).__name__}: {error}"
            finally:
                record.finished = time.monotonic()
                send_waits.reset(token)
            results.append(record)
            queue.task_done()

    offering = asyncio.create_task(offer())
    handlers = [asyncio.create_task(handler()) for _ in range(concurrency)]
    await offering
    await queue.join()
    for task in handlers:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*handlers)
    return results


def row(label: str, value: str) -> None:
    print(f"  {label:<46} {value}")


def report(outcome: IngestOutcome) -> bool:
    handled = outcome.handled
    first = min(h.started for h in handled)
    last = max(h.finished for h in handled)
    throughput = (len(handled)) / (last - first)
    seconds = [h.seconds for h in handled]
    without = [h.without_wait for h in handled]
    waits = [h.queued for h in handled]
    gate = [gate_work(h.waits) for h in handled]
    waited = sum(w > 0.001 for w in waits)
    shared = "on" if outcome.shared_send_limit else "off"
    row(
        "setup",
        f"{outcome.members} members mid check-in × {outcome.answers} answers on "
        f"{outcome.database_kind} (shared send limit {shared})"
        f", {outcome.concurrency} update(s) at a time, offered "
        f"{'as fast as taken' if not outcome.rate else f'at {outcome.rate:g}/s'}",
    )
    row("answers handled", f"{len(handled)} in {last - first:.2f} s = {throughput:.1f} answers/s")
    row(
        "handler time p50 / p99 / max",
        f"{percentile(seconds, 0.5) * 1000:.1f} / {percentile(seconds, 0.99) * 1000:.1f} / "
        f"{max(seconds) * 1000:.1f} ms (process_update, reply sent)",
    )
    row(
        "  waiting for room under the limits p50/p99/max",
        f"{percentile(waits, 0.5) * 1000:.1f} / {percentile(waits, 0.99) * 1000:.1f} / "
        f"{max(waits) * 1000:.1f} ms ({waited} of {len(handled)} answers waited > 1 ms)",
    )
    row(
        "  without that wait p50 / p99 / max",
        f"{percentile(without, 0.5) * 1000:.1f} / {percentile(without, 0.99) * 1000:.1f} / "
        f"{max(without) * 1000:.1f} ms",
    )
    if outcome.shared_send_limit:
        row(
            "  of that the send gate's work p50 / p99 / max",
            f"{percentile(gate, 0.5) * 1000:.1f} / {percentile(gate, 0.99) * 1000:.1f} / "
            f"{max(gate) * 1000:.1f} ms (its transactions, not its waits)",
        )
    mean = sum(without) / len(without)
    capacity = outcome.concurrency / mean
    bound = throughput >= 0.9 * SERVER_LIMIT and capacity > SERVER_LIMIT
    row(
        "bounded by the 30/s send limit?",
        f"{'yes' if bound else 'no'}: without waiting for it, {outcome.concurrency} at a "
        f"time could take ~{capacity:.0f} answers/s (mean {mean * 1000:.1f} ms each)",
    )
    if outcome.gate:
        row("shared send gate", outcome.gate)
    row(
        "429s received",
        f"{sum(outcome.rejected_by.values())} "
        f"({', '.join(f'{k} {v}' for k, v in outcome.rejected_by.items())})",
    )
    # Every answer's reply is the next question: one message per answer in each chat.
    per_chat = Counter(s.chat_id for s in outcome.sent)
    expected = outcome.answers
    wrong_chats = sum(count != expected for count in per_chat.values())
    steps = Counter(step_of(s.text) for s in outcome.sent)
    want_steps = Counter({number + 2: outcome.members for number in range(outcome.answers)})
    errors = [h.error for h in handled if h.error]
    failures = []
    if len(per_chat) != outcome.members or wrong_chats:
        failures.append(f"{wrong_chats} chats without exactly one reply per answer")
    if steps != want_steps:
        failures.append(f"replies were not the next questions: {dict(steps)}")
    if outcome.stored != outcome.members * outcome.answers:
        failures.append(f"{outcome.stored} answers stored of {outcome.members * outcome.answers}")
    if errors:
        failures.append(f"{len(errors)} updates raised: {errors[0]}")
    row("answers stored", f"{outcome.stored} / {outcome.members * outcome.answers}")
    row("warnings/errors logged", f"{sum(outcome.problems.values())}")
    for line, count in outcome.problems.most_common(3):
        print(f"      {count} × {line}")
    p99 = percentile(without, 0.99)
    row(
        "target",
        f"handler p99 (without the send-limit wait) < {P99_TARGET * 1000:.0f} ms "
        f"{'met' if p99 < P99_TARGET else 'MISSED'}",
    )
    row("correctness", "OK" if not failures else "FAILED: " + "; ".join(failures))
    return not failures


async def main(args: argparse.Namespace) -> int:
    print(f"ingest: load before {machine_load()}")
    with tempfile.TemporaryDirectory(prefix="ingest-") as directory:
        outcome = await run_ingest(
            members=args.members,
            answers=args.answers,
            database=args.database,
            concurrency=args.concurrency,
            rate=args.rate,
            seed=args.seed,
            workdir=Path(directory),
        )
    healthy = report(outcome)
    row("machine load after (1/5/15 min)", machine_load())
    return 0 if healthy else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--answers", type=int, default=4, help=f"1-{MAX_ANSWERS} per member")
    parser.add_argument(
        "--database", help="database URL (emptied first!); default a temporary SQLite file"
    )
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.0, help="answers offered per second")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


if __name__ == "__main__":
    logging.getLogger("telegram").setLevel(logging.CRITICAL)
    sys.exit(asyncio.run(main(parse_args())))

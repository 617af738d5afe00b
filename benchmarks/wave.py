"""A broadcast wave against a local Bot API that enforces 30 messages per sliding second.

    .venv/bin/python -m benchmarks.wave [--limiters priority,aio,aio-retry] [--bulk 600]

Starts a small Bot-API-compatible server (aiohttp, 127.0.0.1, free port) in a child process, so
its clock and event loop are not disturbed by the client. The server enforces Telegram's flood
limits on every method that delivers a message (send*, edit*, copy*, forward*): at most 30 in
any sliding 1 s window overall, `CHAT_LIMIT` new messages per private chat in any sliding
`CHAT_WINDOW` (edits there count overall only), and 20 per group in any sliding minute; past a
limit it answers 429 with `retry_after` and counts the refusal under its reason (overall /
chat / group). `bot_api_server()` starts it for other benchmarks.

Against it a real `ExtBot` sends `--bulk` bulk messages to distinct chats, all started at once,
while `--members` simulated members each send one interactive reply at a random moment during
the wave. Printed per limiter: wave time, throughput (server-side, over the wave), 429s,
delivery (every chat exactly once) and interactive latency.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import random
import sys
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web
from telegram.ext import AIORateLimiter, BaseRateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.ratelimit import PriorityRateLimiter

TOKEN = "123456:BENCHMARK"
SERVER_LIMIT = 30
SERVER_WINDOW = 1.0
# Telegram: "avoid sending more than one message per second" to one chat; short bursts pass.
# We allow 3 in any sliding 3 s: about one a second, with a burst of three.
CHAT_LIMIT = 3
CHAT_WINDOW = 3.0
GROUP_LIMIT = 20
GROUP_WINDOW = 60.0
MEMBER_CHAT_BASE = 1_000_000
REASONS = ("overall", "chat", "group")
# Bookkeeping methods a full `Application` calls at start-up; answered with `true`.
TRUE_METHODS = frozenset(
    {"setMyCommands", "deleteWebhook", "answerCallbackQuery", "sendChatAction"}
)
LIMITED_PREFIXES = ("send", "edit", "copy", "forward")


# --- the server (child process) -------------------------------------------------------------


class SlidingWindow:
    """At most `limit` events in any sliding `span` seconds."""

    __slots__ = ("events", "limit", "span")

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.events: deque[float] = deque()

    def retry_after(self, now: float) -> int:
        """0 if an event may happen now, else whole seconds until it may (at least 1)."""
        while self.events and self.events[0] <= now - self.span:
            self.events.popleft()
        if len(self.events) < self.limit:
            return 0
        return max(1, math.ceil(self.events[0] + self.span - now))


@dataclass
class ServerState:
    window: SlidingWindow = field(
        default_factory=lambda: SlidingWindow(SERVER_LIMIT, SERVER_WINDOW)
    )
    chats: dict[int, SlidingWindow] = field(default_factory=dict)
    accepted: list[tuple[int, float]] = field(default_factory=list)
    rejected: int = 0
    rejected_by: Counter[str] = field(default_factory=Counter)
    # The same accepted sends with their text and method, for clients that need to know what
    # was sent: (chat_id, time.monotonic(), text, method, message_id, reply_markup JSON or "").
    log: list[tuple[int, float, str, str, int, str]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def chat_window(self, chat_id: int) -> SlidingWindow:
        window = self.chats.get(chat_id)
        if window is None:
            window = self.chats[chat_id] = (
                SlidingWindow(GROUP_LIMIT, GROUP_WINDOW)
                if chat_id < 0
                else SlidingWindow(CHAT_LIMIT, CHAT_WINDOW)
            )
        return window


def _ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def too_many(retry_after: int) -> web.Response:
    body = {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }
    return web.json_response(body, status=429)


def make_app(state: ServerState) -> web.Application:
    async def method(request: web.Request) -> web.Response:
        # The moment the request reaches us is what counts, as it would at Telegram.
        now = time.monotonic()
        name = request.match_info["method"]
        if name == "getMe":
            user = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
            return _ok(user)
        if name in TRUE_METHODS:
            return _ok(True)
        if not name.startswith(LIMITED_PREFIXES):
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        if request.content_type == "application/json":
            params = dict(await request.json())
        else:
            params = dict(await request.post())
        chat_id = int(str(params["chat_id"]))
        chat = state.chat_window(chat_id)
        # The chat's own limit first: a chat that is over it is refused whatever the rest
        # does. Editing a message in a private chat adds no message there: overall only.
        limits = [("overall", state.window)]
        if chat_id < 0:
            limits.insert(0, ("group", chat))
        elif not name.startswith("edit"):
            limits.insert(0, ("chat", chat))
        for reason, window in limits:
            wait = window.retry_after(now)
            if wait:
                state.rejected += 1
                state.rejected_by[reason] += 1
                return too_many(wait)
        for _reason, window in limits:
            window.events.append(now)
        state.accepted.append((chat_id, now))
        text = str(params.get("text", ""))
        if name.startswith("edit") and "message_id" in params:
            message_id = int(str(params["message_id"]))
        else:
            message_id = len(state.accepted)
        markup = params.get("reply_markup") or ""
        markup = markup if isinstance(markup, str) else json.dumps(markup)
        state.log.append((chat_id, now, text, name, message_id, markup))
        state.arrived.set()
        state.arrived = asyncio.Event()
        chat_json: dict[str, Any] = {"id": chat_id, "type": "private"}
        if chat_id < 0:
            chat_json.update(type="group", title=f"Group {-chat_id}")
        message = {"message_id": message_id, "date": int(time.time()), "chat": chat_json}
        return _ok({**message, "text": text})

    async def stats(_request: web.Request) -> web.Response:
        return web.json_response(
            {
                "accepted": state.accepted,
                "rejected": state.rejected,
                "rejected_by": {reason: state.rejected_by[reason] for reason in REASONS},
            }
        )

    async def log(request: web.Request) -> web.Response:
        """Accepted sends from index `since` on (times: time.monotonic()); with `wait`, hold
        the request up to that many seconds until there is something new (long polling)."""
        since = int(request.query.get("since", "0"))
        wait = float(request.query.get("wait", "0"))
        if wait > 0 and len(state.log) <= since:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.arrived.wait(), timeout=wait)
        return web.json_response(
            {
                "entries": state.log[since:],
                "next": len(state.log),
                "rejected": state.rejected,
                "rejected_by": {reason: state.rejected_by[reason] for reason in REASONS},
            }
        )

    async def reset(_request: web.Request) -> web.Response:
        state.window.events.clear()
        state.chats.clear()
        state.accepted.clear()
        state.log.clear()
        state.rejected = 0
        state.rejected_by.clear()
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", method)
    app.router.add_get("/stats", stats)
    app.router.add_get("/log", log)
    app.router.add_post("/reset", reset)
    return app


async def serve() -> None:
    """Run until stdin closes, so the server never outlives the benchmark that started it."""
    runner = web.AppRunner(make_app(ServerState()), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(f"PORT {runner.addresses[0][1]}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


@contextlib.asynccontextmanager
async def bot_api_server() -> AsyncIterator[str]:
    """The limit-enforcing Bot API in a child process; yields its root URL (the bot's base URL
    is the root plus `/bot`)."""
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.wave",
        "--serve",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert server.stdin is not None
    assert server.stdout is not None
    try:
        line = (await asyncio.wait_for(server.stdout.readline(), timeout=30)).decode()
        if not line.startswith("PORT "):
            raise RuntimeError(f"server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        server.stdin.close()  # the server stops when its stdin closes
        try:
            await asyncio.wait_for(server.wait(), timeout=10)
        except TimeoutError:
            server.kill()
            await server.wait()


# --- the client -----------------------------------------------------------------------------


@dataclass
class WaveResult:
    name: str
    wave_seconds: float
    accepted: list[tuple[int, float]]
    rejected: int
    bulk_chats: int
    bulk_failures: int
    latencies: list[float]
    member_failures: int
    limiter_stats: str


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def run_wave(
    name: str,
    limiter: BaseRateLimiter[Any],
    base_url: str,
    control: httpx.AsyncClient,
    *,
    bulk: int,
    members: int,
    bulk_args: dict[str, Any] | None,
    seed: int,
) -> WaveResult:
    await control.post("/reset")
    rng = random.Random(seed)
    expected = (bulk + members) / SERVER_LIMIT
    moments = sorted(rng.uniform(0.05 * expected, 0.95 * expected) for _ in range(members))
    latencies: list[float] = []
    member_failures = 0
    request = HTTPXRequest(connection_pool_size=64)
    bot: ExtBot[Any] = ExtBot(TOKEN, base_url=base_url, request=request, rate_limiter=limiter)

    async def member(index: int, at: float, started: float) -> None:
        nonlocal member_failures
        await asyncio.sleep(max(0.0, started + at - time.monotonic()))
        sent = time.monotonic()
        try:
            await bot.send_message(MEMBER_CHAT_BASE + index, f"answer {index}")
        except Exception:
            member_failures += 1
            return
        latencies.append(time.monotonic() - sent)

    async with bot:
        started = time.monotonic()
        sends = [
            bot.send_message(chat, f"wave {chat}", rate_limit_args=bulk_args)
            for chat in range(1, bulk + 1)
        ]
        answers = [member(index, at, started) for index, at in enumerate(moments)]
        outcomes = await asyncio.gather(*sends, *answers, return_exceptions=True)
        wave_seconds = time.monotonic() - started
    stats = (await control.get("/stats")).json()
    bulk_failures = sum(isinstance(outcome, BaseException) for outcome in outcomes[:bulk])
    limiter_stats = repr(limiter.stats) if isinstance(limiter, PriorityRateLimiter) else "-"
    return WaveResult(
        name=name,
        wave_seconds=wave_seconds,
        accepted=[(int(chat), float(at)) for chat, at in stats["accepted"]],
        rejected=int(stats["rejected"]),
        bulk_chats=bulk,
        bulk_failures=bulk_failures,
        latencies=latencies,
        member_failures=member_failures,
        limiter_stats=limiter_stats,
    )


def report(result: WaveResult) -> bool:
    """Print the figures; return False when something is badly wrong (a duplicate message)."""
    bulk_times = [at for chat, at in result.accepted if chat < MEMBER_CHAT_BASE]
    per_chat = Counter(chat for chat, _ in result.accepted)
    bulk_ids = range(1, result.bulk_chats + 1)
    exactly_once = sum(per_chat[chat] == 1 for chat in bulk_ids)
    missing = sum(per_chat[chat] == 0 for chat in bulk_ids)
    duplicated = sum(count > 1 for count in per_chat.values())
    print(f"== {result.name} ==")
    print(f"  wave time (client, all sends done)  {result.wave_seconds:7.2f} s")
    if len(bulk_times) >= 2:
        first, last = min(bulk_times), max(bulk_times)
        span = last - first
        in_span = sum(first <= at <= last for _, at in result.accepted)
        # N sends spread over a span make N - 1 intervals.
        rate = (in_span - 1) / span
        bulk_rate = (len(bulk_times) - 1) / span
        print(
            f"  throughput (server, first..last bulk) {rate:7.2f} msg/s = "
            f"{100 * rate / SERVER_LIMIT:5.1f} % of {SERVER_LIMIT}/s "
            f"({in_span} sends in {span:.2f} s; bulk alone {bulk_rate:.2f} msg/s)"
        )
    print(f"  429 responses from the server       {result.rejected:7d}")
    print(
        f"  bulk chats with exactly one message {exactly_once:7d} / {result.bulk_chats}"
        f"  (missing {missing}, chats with duplicates {duplicated}, "
        f"failed bulk calls {result.bulk_failures})"
    )
    if result.latencies:
        print(
            "  interactive latency p50 / p95 / max "
            f"{percentile(result.latencies, 0.5):.3f} / {percentile(result.latencies, 0.95):.3f}"
            f" / {max(result.latencies):.3f} s  (n={len(result.latencies)}, "
            f"failed {result.member_failures})"
        )
    else:
        print(f"  interactive latency: no successful sends (failed {result.member_failures})")
    print(f"  limiter stats {result.limiter_stats}")
    return duplicated == 0


LIMITERS: dict[str, tuple[str, Callable[[], BaseRateLimiter[Any]], dict[str, Any] | None]] = {
    "priority": (
        "PriorityRateLimiter()",
        PriorityRateLimiter,
        {"priority": "bulk"},
    ),
    # AIORateLimiter's rate_limit_args is an int (max retries), so it cannot be told "bulk".
    "aio": ("AIORateLimiter()  [PTB default, max_retries=0]", AIORateLimiter, None),
    "aio-retry": (
        "AIORateLimiter(max_retries=3)  [retries 429s]",
        lambda: AIORateLimiter(max_retries=3),
        None,
    ),
}


async def main(args: argparse.Namespace) -> int:
    async with bot_api_server() as root:
        print(
            f"server {root}: {SERVER_LIMIT} sends per sliding {SERVER_WINDOW:.0f} s; "
            f"wave of {args.bulk} bulk sends + {args.members} interactive members\n"
        )
        healthy = True
        async with httpx.AsyncClient(base_url=root) as control:
            for key in args.limiters.split(","):
                name, factory, bulk_args = LIMITERS[key]
                result = await run_wave(
                    name,
                    factory(),
                    f"{root}/bot",
                    control,
                    bulk=args.bulk,
                    members=args.members,
                    bulk_args=bulk_args,
                    seed=args.seed,
                )
                healthy = report(result) and healthy
                print()
        return 0 if healthy else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--limiters", default="priority,aio,aio-retry", help=",".join(LIMITERS))
    parser.add_argument("--bulk", type=int, default=600)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.serve:
        asyncio.run(serve())
        sys.exit(0)
    # PTB logs every re-raised 429 with a traceback; the figures say enough.
    logging.getLogger("telegram").setLevel(logging.CRITICAL)
    sys.exit(asyncio.run(main(arguments)))

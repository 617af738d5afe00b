"""Database work and handler time per Telegram update, through the real bot.

    python -m benchmarks.updates [--database URL] [--repeat 50] [--admin-id 9001]

The complete PTB `Application` runs on the offline harness (`bot.fakes.harness.ChatHarness`
with the fake Bot API of `bot.fakes.telegram` and a `FakeClock`). Everything happens through
the chat, as in the tests: people send text and press buttons found by their visible label,
and the benchmark reads the bot's replies. Nothing below the chat is imported except the
engine (`harness.services.engine`), which gets two SQLAlchemy listeners:

- transactions: the connection-level `begin` event (fires for autobegin too; SAVEPOINTs are
  not counted), checked once at start-up: one `session.begin()` block is one transaction;
- SQL statements: `before_cursor_execute`.

Both are reset right before a measured update and read right after it, so set-up work
(teams, members, earlier answers) is not counted; inside the update nothing is left out.
Handler time is the wall time of one `harness.send`/`harness.press`, i.e. PTB decoding the
update, the handler, the database, and the fake Bot API answering the bot's calls.

Rows (each measured `--repeat` times, on fresh lessons / members / check-ins where the work
would otherwise change): `/lesson <text>` by a member (the card shows similar lessons of
another team and theme buttons), pressing 🌍 *Delen met steunpunt* on that card, `/search
vergunning` with 7 and with 30 matching shared lessons, a typed check-in answer that is
followed by the next question, the last check-in answer (recap plus lesson card), and a
toggle in the `/checkin` settings message of a coordinator.

The bot's send rate limiter allows 30 messages per second; a benchmark that fires updates
back to back would mostly measure that queue. Measured updates therefore wait (outside the
timing) until the last second's sends leave room, so timings show the bot's own work.

Prints a Markdown table; it asserts nothing about the figures. It stops with an explanation
when the chat does not answer as expected (the set-up then no longer measures what it says).
Default database: a temporary SQLite file. Pass
--database postgresql+asyncpg://postgres@127.0.0.1:5432/test to measure PostgreSQL (the
database's public schema is wiped first).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pydantic import SecretStr
from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeTelegram, FakeUser

DEFAULT_ADMIN_ID = 9001
# Labels as the Dutch catalog (bot/texts/nl.py) shows them; buttons are found by label only.
SHARE_BUTTON = "🌍 Delen met steunpunt"  # lesson.button_city
HOLIDAYS_TOGGLE = "🎉 Feestdagen overslaan"  # settings.button_holidays, prefix of "…: aan/uit"
NEW_SPRINT_BUTTON = "🚀 Nieuwe sprint starten"  # sprint.button_start
MOOD_BUTTON = "4 "  # "4 🙂"
INVITE_LINK = re.compile(r"https://t\.me/\w+\?start=([A-Za-z0-9_-]+)")
SEARCH_HITS = re.compile(r"🔎 (\d+) less?en? voor")
QUESTION_COUNTER = re.compile(r"^(\d+)/(\d+) ")

# Every lesson the Oost writer measures is about its own made-up place (see `place`), and Noord
# shared three lessons about that place first. So each card shows exactly those three similar
# lessons and no fourth candidate, however large --repeat: Noord's texts share no other word
# with the writer's, and the writer's own shared lessons are never suggested to its team.
NOORD_LESSONS = (
    "Rond het {p}plein helpt een vaste schoonmaakronde, samen met de {p}hof en het {p}park",
    "Bewoners van de {p}hof houden het {p}park en het {p}plein zelf bij",
    "Het {p}park bleef schoon toen de {p}hof en het {p}plein een buurtapp begonnen",
)
WRITER_LESSON = (
    "Door verwaarloosd groen kregen we ratten bij het {p}plein, de {p}hof en het {p}park"
)
SYLLABLES = ("ka", "lo", "mi", "re", "su", "te", "vo", "ni", "da", "pe")
CHECKIN_ANSWERS = (
    "Met de buurt de rattenkaart gemaakt",
    "Veel mensen deden mee",
    "De containers kwamen te laat",
    "Bel de gebiedsmakelaar voordat je iets aanvraagt, dat scheelt weken",
    "Afspraak maken met de gebiedsmakelaar",
)
MEASURED_ANSWER = 1  # the typed answer measured mid check-in: "Wat ging goed?"

# The bot's rate limiter: no window of this many seconds holds more than LIMIT sends.
SEND_LIMIT = 30
SEND_WINDOW = 1.05  # its one second plus its safety margin, rounded up
ROOM_PER_UPDATE = 4  # no measured update sends more than this


class UnexpectedReplyError(RuntimeError):
    """The bot answered differently than the benchmark's set-up expects."""


def make_settings(database_url: str, admin_id: int) -> Settings:
    """Like tests/conftest.py::make_settings: no .env file, one steunpunt admin."""
    values: dict[str, object] = {
        "telegram_bot_token": SecretStr("123456:BENCHMARK-TOKEN"),
        "database_url": database_url,
        "steunpunt_admins": frozenset({admin_id}),
        "steunpunt_language": "nl",
        # One instance: the send gate several instances share would add its own statements.
        "shared_send_limit": "off",
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg,arg-type]


async def reset_postgres(url: str) -> None:
    """An empty public schema, like tests/conftest.py::_reset_postgres."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("SET client_min_messages = warning"))
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def expect(replies: list[BotMessage], needle: str, what: str) -> BotMessage:
    """The reply containing `needle`; explains what the bot said instead if there is none."""
    for reply in replies:
        if needle in reply.text:
            return reply
    said = [reply.text[:120] for reply in replies] or ["(nothing)"]
    raise UnexpectedReplyError(f"{what}: expected a reply with {needle!r}, the bot said {said}")


# --- counting and pacing -------------------------------------------------------------------


class StatementCounter:
    """Transactions and statements on one engine, via SQLAlchemy's connection events."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.sync_engine = engine.sync_engine
        self.transactions = 0
        self.statements = 0
        self.texts: list[str] = []  # the statements themselves, for --show-sql
        event.listen(self.sync_engine, "begin", self._on_begin)
        event.listen(self.sync_engine, "before_cursor_execute", self._on_statement)

    def _on_begin(self, _connection: Connection) -> None:
        self.transactions += 1

    def _on_statement(self, _connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        self.statements += 1
        self.texts.append(" ".join(statement.split()))

    def reset(self) -> None:
        self.transactions = self.statements = 0
        self.texts = []

    def close(self) -> None:
        event.remove(self.sync_engine, "begin", self._on_begin)
        event.remove(self.sync_engine, "before_cursor_execute", self._on_statement)


async def check_counter(engine: AsyncEngine, counter: StatementCounter) -> str:
    """One explicit transaction and one autobegun one must count as one each."""
    counter.reset()
    async with AsyncSession(engine) as session, session.begin():
        await session.execute(select(1))
    explicit = (counter.transactions, counter.statements)
    counter.reset()
    async with engine.connect() as connection:
        await connection.execute(select(1))  # autobegin; rolled back on close
    autobegun = (counter.transactions, counter.statements)
    if explicit != (1, 1) or autobegun != (1, 1):
        raise RuntimeError(
            f"counter is off: session.begin() + SELECT gave {explicit}, "
            f"autobegin + SELECT gave {autobegun} (transactions, statements); expected (1, 1)"
        )
    return "one session.begin() block = 1 transaction, autobegin = 1 transaction"


class SendPacer:
    """Remembers when the bot sent how much, to keep measured updates out of its rate limit."""

    def __init__(self) -> None:
        self.sends: deque[tuple[float, int]] = deque()
        self.waited = 0.0

    def observe(self, _label: str, produced: list[BotMessage]) -> None:
        # Called after the update or round, so the time is at or after every send in it.
        if produced:
            self.sends.append((time.monotonic(), len(produced)))

    async def make_room(self, needed: int = ROOM_PER_UPDATE) -> None:
        while True:
            now = time.monotonic()
            while self.sends and self.sends[0][0] + SEND_WINDOW <= now:
                self.sends.popleft()
            if sum(count for _, count in self.sends) + needed <= SEND_LIMIT:
                return
            pause = self.sends[0][0] + SEND_WINDOW - now
            self.waited += pause
            await asyncio.sleep(pause)


@dataclass
class Row:
    label: str = ""
    transactions: list[int] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    milliseconds: list[float] = field(default_factory=list)
    last_sql: list[str] = field(default_factory=list)


def spread(values: list[int]) -> str:
    median = statistics.median(values)
    shown = f"{median:g}"
    if min(values) != max(values):
        shown += f" ({min(values)}–{max(values)})"
    return shown


# --- the bench: the harness plus measuring -------------------------------------------------


class Bench:
    """The running bot, the people in its chats, and what was measured so far."""

    def __init__(self, harness: ChatHarness, telegram: FakeTelegram, admin: FakeUser) -> None:
        self.harness = harness
        self.telegram = telegram
        self.admin = admin
        self.counter = StatementCounter(harness.services.engine)
        self.pacer = SendPacer()
        harness.observers.append(self.pacer.observe)
        self.rows: dict[str, Row] = {}

    def person(self, name: str) -> FakeUser:
        return self.telegram.user(name)

    async def measure(
        self, key: str, update: Callable[[], Awaitable[list[BotMessage]]]
    ) -> list[BotMessage]:
        """Deliver one update, counting its transactions and statements and timing it."""
        row = self.rows.setdefault(key, Row())
        await self.pacer.make_room()
        self.counter.reset()
        started = time.perf_counter()
        replies = await update()
        elapsed = (time.perf_counter() - started) * 1000
        row.transactions.append(self.counter.transactions)
        row.statements.append(self.counter.statements)
        row.milliseconds.append(elapsed)
        row.last_sql = list(self.counter.texts)
        return replies

    # --- set-up steps, all through the chat ----------------------------------------------------

    async def create_team(self, name: str, kind: str, stadsdeel: str) -> str:
        """The admin creates a team with the buttons; returns the invite code."""
        await self.harness.send(self.admin, f"/newteam {name}")
        await self.harness.press(self.admin, kind)
        replies = await self.harness.press(self.admin, stadsdeel)
        found = INVITE_LINK.search(replies[-1].text) if replies else None
        if found is None:
            raise UnexpectedReplyError(f"no invite link after creating {name}: {replies[-1:]}")
        return found.group(1)

    async def join(self, people: Iterable[FakeUser], code: str) -> None:
        for person in people:
            await self.harness.send(person, f"/start {code}")

    async def appoint(self, team: str, coordinator: FakeUser) -> None:
        appoint = f"⭐ {coordinator.first_name}"
        replies = await self.harness.send(self.admin, "/team")
        if not any(label.startswith(appoint) for m in replies for label in m.button_texts()):
            await self.harness.press(self.admin, team)  # several teams: pick one first
        await self.harness.press(self.admin, appoint)

    async def share_lesson(self, author: FakeUser, lesson: str) -> None:
        await self.harness.send(author, f"/lesson {lesson}")
        replies = await self.harness.press(author, SHARE_BUTTON)
        expect(replies, "Gedeeld met het stedelijk steunpunt", "sharing a set-up lesson")


# --- the scenarios -------------------------------------------------------------------------


@dataclass
class City:
    """Three teams: Noord and Oost share lessons, West searches them."""

    noord_member: FakeUser
    oost_member: FakeUser
    west_member: FakeUser


async def city(bench: Bench) -> City:
    people = City(bench.person("Jesse"), bench.person("Erica"), bench.person("Simon"))
    for person, (team, kind, stadsdeel) in (
        (people.noord_member, ("Rattenaanpak Noord", "Initiatief", "Noord")),
        (people.oost_member, ("Gebiedsteam Oost", "Gebiedsteam", "Oost")),
        (people.west_member, ("Energie Westerlicht", "Initiatief", "West")),
    ):
        await bench.join([person], await bench.create_team(team, kind, stadsdeel))
    return people


def place(n: int) -> str:
    """A made-up place name of its own for each repetition: 0 → Kakakaka, 12 → Kakalomi."""
    return "".join(SYLLABLES[int(digit)] for digit in f"{n:04d}").capitalize()


async def floor(bench: Bench, people: City, repeat: int) -> None:
    """What any update costs at least on this machine: `/help` claims the update, reads the
    person and their teams, and sends one reply. The other rows scale with it from machine
    to machine."""
    for _ in range(repeat):
        replies = await bench.measure(
            "help", partial(bench.harness.send, people.west_member, "/help")
        )
        expect(replies, "Wat kan ik voor je doen?", "/help")
    bench.rows["help"].label = "`/help` (the floor: update claimed, person and teams read, a reply)"


async def lessons(bench: Bench, people: City, repeat: int) -> None:
    """Oost's member writes lessons that resemble Noord's shared ones, and shares each."""
    places = [place(n) for n in range(repeat)]
    for name in places:
        for lesson in NOORD_LESSONS:
            await bench.share_lesson(people.noord_member, lesson.format(p=name))
    writer = people.oost_member
    similar_shown: set[int] = set()
    for name in places:
        body = WRITER_LESSON.format(p=name)
        card = await bench.measure("lesson", partial(bench.harness.send, writer, f"/lesson {body}"))
        shown = expect(card, "Anderen leerden ook:", "/lesson card")
        if "▫️ " not in " ".join(shown.button_texts()):
            raise UnexpectedReplyError(
                f"/lesson card without theme buttons: {shown.button_texts()}"
            )
        similar_shown.add(sum(line.startswith("• ") for line in shown.text.splitlines()))
        decided = await bench.measure("share", partial(bench.harness.press, writer, SHARE_BUTTON))
        expect(decided, "Gedeeld met het stedelijk steunpunt", "pressing the share button")
    # Shown as "3", or as "2/3" should the number of similar lessons ever differ per card.
    counts = "/".join(str(count) for count in sorted(similar_shown))
    label = f"`/lesson <text>` (card: {counts} similar lessons of another team, theme buttons)"
    bench.rows["lesson"].label = label
    bench.rows["share"].label = f"press {SHARE_BUTTON} on the lesson card"


async def search(bench: Bench, people: City, repeat: int) -> None:
    """West searches the city log for lessons Noord and Oost shared (never its own)."""
    authors = (people.noord_member, people.oost_member)
    shared = 0
    for hits in (7, 30):
        while shared < hits:
            await bench.share_lesson(
                authors[shared % len(authors)],
                f"De vergunning voor activiteit {shared + 1} vroeg om geduld en een plan",
            )
            shared += 1
        key = f"search{hits}"
        for _ in range(repeat):
            replies = await bench.measure(
                key, partial(bench.harness.send, people.west_member, "/search vergunning")
            )
            header = expect(replies, "🔎", "/search vergunning")
            found = SEARCH_HITS.search(header.text)
            if found is None or int(found.group(1)) != hits:
                raise UnexpectedReplyError(
                    f"/search vergunning: expected {hits} hits: {header.text[:80]}"
                )
        bench.rows[key].label = f"`/search vergunning`, {hits} hits (first page shown)"


async def checkins(bench: Bench, repeat: int) -> None:
    """A team of `repeat` members in one check-in: each answers, two answers are measured."""
    code = await bench.create_team("Buurtteam Zuid", "Initiatief", "Zuid")
    coordinator = bench.person("Fatima")
    await bench.join([coordinator], code)
    await bench.appoint("Buurtteam Zuid", coordinator)  # before the roster grows long
    members = [bench.person(f"Lid {n:03d}") for n in range(1, repeat + 1)]
    await bench.join(members, code)
    harness = bench.harness

    await harness.send(coordinator, "/sprint")
    await harness.press(coordinator, NEW_SPRINT_BUTTON)
    await harness.send(coordinator, "Minder ratten in het Zuiderpark")
    started = await harness.press(coordinator, "2 wk")
    expect(started, "is gestart", "starting a sprint")
    expect(await harness.send(coordinator, "/checkin now"), "geopend", "/checkin now")
    await harness.round()  # the questions go out now, as the scheduled round would
    for member in members:
        expect(harness.messages_to(member)[-1:], "Check-in van", "the check-in's first question")

    for member in members:
        await harness.press(member, MOOD_BUTTON)
        for number, answer in enumerate(CHECKIN_ANSWERS):
            last = number == len(CHECKIN_ANSWERS) - 1
            if number == MEASURED_ANSWER:
                replies = await bench.measure("answer", partial(harness.send, member, answer))
                question = replies[-1].text if replies else ""
                if not QUESTION_COUNTER.match(question):
                    raise UnexpectedReplyError(
                        f"no next question after a typed answer: {question[:80]}"
                    )
            elif last:
                replies = await bench.measure("last", partial(harness.send, member, answer))
                expect(replies, "Dank je wel!", "the last check-in answer (recap)")
                expect(replies, "📘 Je les voor", "the last check-in answer (lesson card)")
                expect(replies, "🚧 Je knelpunt voor", "the last check-in answer (blocker card)")
            else:
                await harness.send(member, answer)
    bench.rows["answer"].label = "typed check-in answer mid check-in (the next question follows)"
    bench.rows["last"].label = "last check-in answer (recap, lesson card and blocker card)"
    await checkin_settings(bench, coordinator, repeat)


async def checkin_settings(bench: Bench, coordinator: FakeUser, repeat: int) -> None:
    """The coordinator flips 'skip holidays' in the /checkin settings message, on and off."""
    expect(await bench.harness.send(coordinator, "/checkin"), "Check-ins van", "/checkin")
    for _ in range(repeat):
        replies = await bench.measure(
            "toggle", partial(bench.harness.press, coordinator, HOLIDAYS_TOGGLE)
        )
        expect(replies, "Check-ins van", "the settings toggle")
    bench.rows["toggle"].label = f"`/checkin` settings toggle ({HOLIDAYS_TOGGLE})"


ORDER = ("help", "lesson", "share", "search7", "search30", "answer", "last", "toggle")


def table(bench: Bench) -> list[str]:
    lines = [
        "| update | transactions | SQL statements | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for key in ORDER:
        row = bench.rows[key]
        p95 = percentile(row.milliseconds, 0.95)
        lines.append(
            f"| {row.label} | {spread(row.transactions)} | {spread(row.statements)} | "
            f"{statistics.median(row.milliseconds):.1f} | {p95:.1f} |"
        )
    return lines


async def run(url: str, repeat: int, admin_id: int, show_sql: bool = False) -> None:
    telegram = FakeTelegram()
    admin = telegram.user("Anna", "Beheer", user_id=admin_id)
    settings = make_settings(url, admin_id)
    began = time.perf_counter()
    async with ChatHarness.running(settings, telegram, FakeClock()) as harness:
        bench = Bench(harness, telegram, admin)
        sanity = await check_counter(harness.services.engine, bench.counter)
        people = await city(bench)
        await floor(bench, people, repeat)
        await lessons(bench, people, repeat)
        await search(bench, people, repeat)
        await checkins(bench, repeat)
        bench.counter.close()
    kind = url.split("+")[0].split(":")[0]
    print(f"Per-update work on {kind}, {repeat} repetitions per row")
    print()
    print("\n".join(table(bench)))
    if show_sql:
        for row in bench.rows.values():
            print(f"\n{row.label}:")
            for number, statement in enumerate(row.last_sql, start=1):
                print(f"  {number:2}. {statement[:160]}")
    print()
    print(
        "Transactions and statements: median over the repetitions, (min–max) where they vary. "
        f"Counter check: {sanity}. Paced {bench.pacer.waited:.1f} s for the send limit; "
        f"whole run {time.perf_counter() - began:.0f} s."
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--repeat", type=int, default=50, help="repetitions per update type")
    parser.add_argument("--admin-id", type=int, default=DEFAULT_ADMIN_ID)
    parser.add_argument(
        "--show-sql", action="store_true", help="list the statements of each row's last update"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite+aiosqlite:///{folder}/updates.db"
        if url.startswith("postgresql"):
            await reset_postgres(url)
        await run(url, max(1, args.repeat), args.admin_id, args.show_sql)


if __name__ == "__main__":
    asyncio.run(main())

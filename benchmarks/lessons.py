"""Similar-lesson quality and lesson search speed.

    python -m benchmarks.lessons [--database URL] [--lessons 20000] [--queries 200]

1. Quality: the labelled Dutch evaluation set in benchmarks/data/lesson_pairs.json (corpus
   lessons shared by their teams, queries written by other teams). For each query the bot's
   suggestion (up to three shared lessons of *other* teams) is compared with the human labels:
   top-3 hit rate on queries that have a similar lesson, and how often it suggests something for
   queries that have none.
2. Speed: a city log of N shared lessons (default 20,000, built from the evaluation texts'
   vocabulary), then suggestion and search latency over many queries.

Prints figures; it asserts nothing. Default database: a temporary SQLite file. Pass
--database postgresql+asyncpg://postgres@127.0.0.1:5432/test to measure PostgreSQL (the
database's public schema is wiped first).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.services.common import Actor
from bot.services.conversations import Conversations
from bot.services.directory import Directory
from bot.services.lessons import LessonService, index_lesson
from bot.services.textsearch import words as content_words
from storage.database import Database, create_engine, create_session_factory
from storage.migrate import upgrade_database
from storage.models import Lesson, LessonStatus, LessonVisibility, Person, Stadsdeel, Team, TeamKind

DATA = Path(__file__).parent / "data" / "lesson_pairs.json"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
STADSDELEN = {
    "Centrum": Stadsdeel.CENTRUM,
    "Nieuw-West": Stadsdeel.NIEUW_WEST,
    "Noord": Stadsdeel.NOORD,
    "Oost": Stadsdeel.OOST,
    "West": Stadsdeel.WEST,
    "Zuid": Stadsdeel.ZUID,
    "Zuidoost": Stadsdeel.ZUIDOOST,
    "Weesp": Stadsdeel.WEESP,
    "stad": Stadsdeel.STAD,
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class World:
    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.sessions = create_session_factory(self.engine)
        database = Database(self.engine)
        directory = Directory(database, lambda: NOW, frozenset(), "nl")
        conversations = Conversations(database, lambda: NOW)
        self.lessons = LessonService(database, lambda: NOW, directory, conversations, "nl")
        self.teams: dict[str, int] = {}
        self.author_id = 0

    async def prepare(self, wipe: bool) -> None:
        if wipe:
            async with self.engine.begin() as connection:
                await connection.execute(text("SET client_min_messages = warning"))
                await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await upgrade_database(self.engine)
        async with self.sessions.begin() as session:
            person = Person(
                telegram_user_id=1, display_name="Benchmark", created_at=NOW, updated_at=NOW
            )
            session.add(person)
            await session.flush()
            self.author_id = person.id

    async def team(self, name: str, stadsdeel: str = "stad") -> int:
        if name not in self.teams:
            async with self.sessions.begin() as session:
                team = Team(
                    name=name,
                    kind=TeamKind.GEBIEDSTEAM if "ebiedsteam" in name else TeamKind.INITIATIEF,
                    stadsdeel=STADSDELEN.get(stadsdeel, Stadsdeel.STAD),
                    created_at=NOW,
                )
                session.add(team)
                await session.flush()
                self.teams[name] = team.id
        return self.teams[name]

    async def share(self, items: list[tuple[int, str]]) -> list[int]:
        """Shared, active lessons, indexed exactly as the bot indexes them."""
        ids = []
        async with self.sessions.begin() as session:
            for n, (team_id, body) in enumerate(items):
                lesson = Lesson(
                    team_id=team_id,
                    author_id=self.author_id,
                    text=body,
                    visibility=LessonVisibility.CITY,
                    anonymous=False,
                    status=LessonStatus.ACTIVE,
                    decided_at=NOW,
                    created_at=NOW - timedelta(minutes=n),
                    updated_at=NOW,
                )
                session.add(lesson)
                await session.flush()
                await index_lesson(session, lesson)
                ids.append(lesson.id)
        return ids


async def quality(world: World, data: dict[str, Any]) -> dict[str, float]:
    ids: dict[int, str] = {}
    for item in data["corpus"]:
        team_id = await world.team(item["team"], item["stadsdeel"])
        [lesson_id] = await world.share([(team_id, item["text"])])
        ids[lesson_id] = item["id"]
    hits = positives = suggested_for_negatives = negatives = 0
    reciprocal = 0.0
    misses = []
    for query in data["queries"]:
        team_id = await world.team(query["team"])
        suggested = [ids[i] for i in await world.lessons.similar_to(query["text"], team_id, 3)]
        if query["similar"]:
            positives += 1
            found = [rank for rank, cid in enumerate(suggested, 1) if cid in query["similar"]]
            if found:
                hits += 1
                reciprocal += 1 / found[0]
            else:
                misses.append(query["id"])
        else:
            negatives += 1
            suggested_for_negatives += bool(suggested)
    print(
        f"  evaluation set                      {len(data['corpus'])} corpus lessons, "
        f"{len(data['queries'])} queries ({positives} with a similar lesson, {negatives} without)"
    )
    print(
        f"  top-3 hit rate                      {hits}/{positives} = {100 * hits / positives:.1f} %"
    )
    print(f"  mean reciprocal rank (top 3)        {reciprocal / positives:.3f}")
    print(f"  suggestions shown, nothing similar  {suggested_for_negatives}/{negatives} queries")
    print(f"  missed queries                      {', '.join(misses) or '-'}")
    return {"hit_rate": hits / positives}


async def speed(world: World, data: dict[str, Any], size: int, queries: int, seed: int) -> None:
    rng = random.Random(seed)
    sentences = [item["text"] for item in data["corpus"]] + [q["text"] for q in data["queries"]]
    vocabulary = sorted(
        {word for s in sentences for word in s.split() if word.isalpha() and len(word) > 3}
    )
    team_ids = [await world.team(f"Team {i:03d}") for i in range(200)]
    missing = size - len(data["corpus"])
    started = time.perf_counter()
    for start in range(0, missing, 1000):
        batch = []
        for _ in range(min(1000, missing - start)):
            base = rng.choice(sentences).split()
            rng.shuffle(base)
            words = base[: rng.randint(8, 25)] + rng.sample(vocabulary, 4)
            batch.append((rng.choice(team_ids), " ".join(words)))
        await world.share(batch)
    # A live database keeps its planner statistics current (autovacuum on PostgreSQL); after a
    # bulk load they must be gathered once, or the planner guesses and queries crawl.
    async with world.engine.begin() as connection:
        await connection.execute(text("ANALYZE"))
    print(
        f"  city log                            {size} shared lessons "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )

    # Searches of telling words (one of only small words is refused, not timed).
    telling = [sentence for sentence in sentences if content_words(sentence)]
    probes = [rng.choice(telling) for _ in range(queries)]
    actor = Actor(
        person_id=world.author_id,
        telegram_user_id=1,
        display_name="Benchmark",
        language="nl",
        is_admin=False,
    )
    for label, run in (
        (
            "suggestion (similar_to, top 3)",
            lambda probe: world.lessons.similar_to(probe, team_ids[0], 3),
        ),
        (
            "search, two words (first page)",
            lambda probe: world.lessons.search(actor, " ".join(content_words(probe)[:2])),
        ),
        (
            "search, one word + #theme filter",
            lambda probe: world.lessons.search(actor, content_words(probe)[0] + " #routes"),
        ),
    ):
        await run(probes[0])  # warm caches
        timings = []
        for probe in probes:
            began = time.perf_counter()
            await run(probe)
            timings.append((time.perf_counter() - began) * 1000)
        print(
            f"  {label:<35} p50 {statistics.median(timings):6.1f} ms   "
            f"p95 {percentile(timings, 0.95):6.1f} ms   max {max(timings):6.1f} ms"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--lessons", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite+aiosqlite:///{folder}/lessons.db"
        world = World(url)
        await world.prepare(wipe=url.startswith("postgresql"))
        print(f"lessons benchmark on {url.split('://')[0]}")
        await quality(world, data)
        await speed(world, data, args.lessons, args.queries, args.seed)
        await world.engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())

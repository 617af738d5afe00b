"""The static web edition's weight and speed: a city log of 1,000 shared lessons published with
`steunpunt publish`'s code, and what a phone loads.

    python -m benchmarks.site [--lessons 1000] [--database URL] [--seed 1]

Prints the bytes of every asset the index loads when it opens (HTML, CSS, JS), their total
(target: under 200 kB), what the search data adds when a reader first searches or filters
(target: the total with it under 200 kB as well), the same gzipped (what a web server would
send), and how long reading the log and rendering the site take.

The lessons are the labelled texts of benchmarks/data/lesson_pairs.json, two sentences each,
with three words drawn from wordfreq's Dutch list added to every lesson so the vocabulary
grows as a real log's does (a pessimistic search index); 20% carry advice, 15% are anonymous,
each has one or two themes, endorsements and adoptions are spread over a year."""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bot.services.lessons import index_lesson
from bot.services.publication import PublicationService
from bot.web.publish import write_site
from storage.database import Database
from storage.migrate import upgrade_database
from storage.models import (
    THEMES,
    Adoption,
    Endorsement,
    Lesson,
    LessonStatus,
    LessonTheme,
    LessonVisibility,
    Person,
    Stadsdeel,
    Team,
    TeamKind,
)

DATA = Path(__file__).parent / "data" / "lesson_pairs.json"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Amsterdam")
TARGET = 200_000
AT_OPEN = ("index.html", "assets/site.css", "assets/site.js")
SEARCH = "assets/search-data.js"


def _rare_words(rng: random.Random) -> list[str]:
    import wordfreq

    words = [word for word in wordfreq.top_n_list("nl", 30_000) if word.isalpha()]
    return words[2_000:]  # past the common words every lesson has anyway


async def build_log(database: Database, lessons: int, seed: int, extra_words: int = 3) -> None:
    rng = random.Random(seed)
    data = json.loads(DATA.read_text(encoding="utf-8"))
    sentences = [item["text"] for item in data["corpus"]] + [q["text"] for q in data["queries"]]
    rare = _rare_words(rng)
    async with database.unit_of_work() as session:
        teams = []
        for n in range(60):
            team = Team(
                name=f"Team {n:02d} {rng.choice(['Noorderpark', 'De Pijp', 'Bijlmer'])}",
                kind=list(TeamKind)[n % 3],
                stadsdeel=list(Stadsdeel)[n % len(Stadsdeel)],
                created_at=NOW - timedelta(days=400),
            )
            session.add(team)
            teams.append(team)
        people = [
            Person(
                telegram_user_id=10_000 + n,
                display_name=f"Persoon {n}",
                created_at=NOW,
                updated_at=NOW,
            )
            for n in range(150)
        ]
        session.add_all(people)
        await session.flush()
        for _ in range(lessons):
            team = rng.choice(teams)
            shared = NOW - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            body = " ".join(rng.sample(sentences, 2))
            if extra_words:
                body += " Ook: " + ", ".join(rng.sample(rare, extra_words)) + "."
            lesson = Lesson(
                team_id=team.id,
                author_id=rng.choice(people).id,
                text=body,
                advice=rng.choice(sentences) if rng.random() < 0.2 else None,
                visibility=LessonVisibility.CITY,
                anonymous=rng.random() < 0.15,
                status=LessonStatus.ACTIVE,
                decided_at=shared,
                created_at=shared,
                updated_at=shared,
            )
            session.add(lesson)
            await session.flush()
            await index_lesson(session, lesson)
            for theme in rng.sample(THEMES, rng.randint(1, 2)):
                session.add(LessonTheme(lesson_id=lesson.id, theme=theme))
            for person in rng.sample(people, rng.choice([0, 0, 0, 1, 1, 2, 3, 5])):
                session.add(
                    Endorsement(
                        lesson_id=lesson.id,
                        person_id=person.id,
                        team_id=rng.choice(teams).id,
                        created_at=shared + (NOW - shared) * rng.random(),
                    )
                )
            if rng.random() < 0.1:
                session.add(
                    Adoption(
                        lesson_id=lesson.id,
                        person_id=rng.choice(people).id,
                        team_id=rng.choice(teams).id,
                        text=rng.choice(sentences),
                        created_at=NOW - timedelta(days=rng.randint(0, 30)),
                    )
                )
    async with database.engine.begin() as connection:
        await connection.execute(text("ANALYZE"))


def _row(label: str, raw: int, packed: int) -> str:
    return f"  {label:<34} {raw:>9,} B  {packed:>8,} B gzipped"


def _sizes(site: Path, names: tuple[str, ...]) -> tuple[int, int]:
    contents = [(site / name).read_bytes() for name in names]
    return sum(map(len, contents)), sum(len(gzip.compress(content, 9)) for content in contents)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--lessons", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--extra-words",
        type=int,
        default=3,
        help="rare Dutch words added to each lesson, for a vocabulary that grows like a real "
        "log's (default: %(default)s; 0: the labelled texts' own words only)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite+aiosqlite:///{folder}/site.db"
        database = Database.connect(url)
        try:
            if url.startswith("postgresql"):
                async with database.engine.begin() as connection:
                    await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                    await connection.execute(text("CREATE SCHEMA public"))
            await upgrade_database(database.engine)
            began = time.perf_counter()
            await build_log(database, args.lessons, args.seed, args.extra_words)
            print(f"web edition benchmark on {url.split('://')[0]}")
            print(
                f"  city log: {args.lessons} shared lessons, {args.extra_words} extra words each "
                f"(built in {time.perf_counter() - began:.1f} s)"
            )
            service = PublicationService(database, lambda: NOW)
            began = time.perf_counter()
            site_model = await service.site()
            read = time.perf_counter() - began
            out = Path(folder) / "site"
            began = time.perf_counter()
            published = write_site(site_model, out, ZONE)
            rendered = time.perf_counter() - began
        finally:
            await database.dispose()
        print(f"  {published.summary()}")
        print(f"  read the log  {read * 1000:7.0f} ms")
        print(f"  render+write  {rendered * 1000:7.0f} ms")
        files = [path for path in out.rglob("*") if path.is_file()]
        print(f"  files {len(files)}, {sum(path.stat().st_size for path in files):,} B in all")
        print("index page at open (nl):")
        for name in AT_OPEN:
            print(_row(name, *_sizes(out, (name,))))
        opened, opened_gz = _sizes(out, AT_OPEN)
        print(_row("total at open", opened, opened_gz))
        english, english_gz = _sizes(out, ("en/index.html", *AT_OPEN[1:]))
        print(_row("total at open (en/index.html)", english, english_gz))
        print("after the first search or filter:")
        print(_row(SEARCH, *_sizes(out, (SEARCH,))))
        after, after_gz = _sizes(out, (*AT_OPEN, SEARCH))
        print(_row("total with the search data", after, after_gz))
        print(
            f"targets: at open {'OK' if opened < TARGET else 'OVER'} (< {TARGET:,} B); "
            f"with search data {'OK' if after < TARGET else 'OVER'} (< {TARGET:,} B)"
        )
        lesson_pages = sorted(out.glob("lessons/*.html"), key=lambda path: path.stat().st_size)
        print(
            f"  a lesson page: median {lesson_pages[len(lesson_pages) // 2].stat().st_size:,} B, "
            f"largest {lesson_pages[-1].stat().st_size:,} B (+ the CSS)"
        )


if __name__ == "__main__":
    asyncio.run(main())

"""Theme suggestion quality (issue 12).

    python -m benchmarks.themes [--database URL]

The labelled set benchmarks/data/themes.json (check-in lessons and blockers, each with one to
three of the seven themes by hand). Leave-one-out: every text is indexed as a lesson carrying its
gold themes; for each text, its neighbours are the *other* labelled texts (the storage query the
bot uses, `LessonIndex.themed_neighbours`, with the text itself left out), and the suggestion
(`bot.services.themes`) is compared with its gold themes.

Prints micro precision, recall and F1 (and per theme) for the lexicon alone, the neighbours
alone and both, and a threshold table for each. Asserts nothing. Default database: a temporary
SQLite file.

Blockers as the bot proposes their themes (`bot.services.blocker_themes`): their neighbours
are lessons only, since blockers are not in the search index. So the labelled blockers are also
scored against an index of the labelled lessons alone. (The radar's labelled set,
benchmarks/data/blockers.json, has no theme labels: it labels which blockers are one wall, so
it gives no theme figures.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.services.lessons import index_lesson
from bot.services.textsearch import terms
from bot.services.themes import (
    NEIGHBOURS,
    THRESHOLD,
    Neighbour,
    lexicon_hits,
    pick,
    theme_scores,
)
from storage.database import create_engine, create_session_factory
from storage.migrate import upgrade_database
from storage.models import (
    THEMES,
    Base,
    Lesson,
    LessonStatus,
    LessonTheme,
    LessonVisibility,
    Person,
    Stadsdeel,
    Team,
    TeamKind,
)
from storage.search import LessonIndex

DATA = Path(__file__).parent / "data" / "themes.json"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MODES = {"lexicon only": (True, False), "neighbours only": (False, True), "both": (True, True)}
THRESHOLDS = (0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.75, 1.0)


@dataclass
class Item:
    id: str
    kind: str
    text: str
    gold: frozenset[str]
    neighbours: list[Neighbour] = field(default_factory=list)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (
            f"P {100 * self.precision:5.1f} %  R {100 * self.recall:5.1f} %  "
            f"F1 {100 * self.f1:5.1f} %"
        )


async def load(url: str, data: dict[str, Any], *, indexed: str | None = None) -> list[Item]:
    """Index every labelled text as an active lesson with its gold themes, then look up each
    text's themed neighbours with itself left out. With `indexed` ("lesson"), only the texts
    of that kind are indexed, and only the others are looked up (against them)."""
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    await upgrade_database(engine)
    items = [
        Item(row["id"], row["kind"], row["text"], frozenset(row["themes"])) for row in data["texts"]
    ]
    ids: list[int] = []
    async with sessions.begin() as session:
        person = Person(
            telegram_user_id=1, display_name="Benchmark", created_at=NOW, updated_at=NOW
        )
        session.add(person)
        teams: dict[str, Team] = {}
        for row in data["texts"]:
            if row["team"] not in teams:
                teams[row["team"]] = Team(
                    name=row["team"],
                    kind=TeamKind.INITIATIEF,
                    stadsdeel=Stadsdeel.STAD,
                    created_at=NOW,
                )
                session.add(teams[row["team"]])
        await session.flush()
        for row, item in zip(data["texts"], items, strict=True):
            if indexed is not None and item.kind != indexed:
                # Looked up, not indexed: stands in for a lesson id, never matched.
                ids.append(-1)
                continue
            lesson = Lesson(
                team_id=teams[row["team"]].id,
                author_id=person.id,
                text=item.text,
                visibility=LessonVisibility.TEAM,
                anonymous=False,
                status=LessonStatus.ACTIVE,
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(lesson)
            await session.flush()
            session.add_all(LessonTheme(lesson_id=lesson.id, theme=t) for t in item.gold)
            await index_lesson(session, lesson)
            ids.append(lesson.id)
    async with sessions.begin() as session:
        index = LessonIndex(session)
        for lesson_id, item in zip(ids, items, strict=True):
            if indexed is not None and item.kind == indexed:
                continue
            left_out = None if indexed is not None else lesson_id
            found = await index.themed_neighbours(dict(terms(item.text)), NEIGHBOURS, left_out)
            item.neighbours = [Neighbour(score, themes) for _, score, themes in found]
    await engine.dispose()
    return items if indexed is None else [item for item in items if item.kind != indexed]


def evaluate(
    items: Sequence[Item], lexicon: bool, voting: bool, threshold: float
) -> tuple[Score, dict[str, Score], int]:
    """Micro score, per-theme scores, and how many texts got no suggestion."""
    micro, per = Score(), {theme: Score() for theme in THEMES}
    empty = 0
    for item in items:
        scores = theme_scores(item.text, item.neighbours, lexicon=lexicon, voting=voting)
        suggested = set(pick(scores, threshold))
        empty += not suggested
        for theme in THEMES:
            hit, gold = theme in suggested, theme in item.gold
            for score in (micro, per[theme]):
                score.tp += hit and gold
                score.fp += hit and not gold
                score.fn += gold and not hit
    return micro, per, empty


async def reset(url: str) -> None:
    """Empty the database the first run filled (every table, and the migrations' mark)."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await engine.dispose()


def report_blockers(blockers: list[Item]) -> None:
    """The labelled blockers against an index of the labelled lessons only, as the bot
    proposes a blocker's themes."""
    print("\n  blockers as the bot proposes their themes (neighbours: the labelled lessons only):")
    for label, (lexicon, voting) in MODES.items():
        micro, _, empty = evaluate(blockers, lexicon, voting, THRESHOLD)
        print(f"    {label:16} {micro.line()}   no suggestion for {empty} of {len(blockers)}")
    print("  (benchmarks/data/blockers.json has no theme labels: no figures from it)")


def report(items: list[Item]) -> None:
    themes_total = sum(len(item.gold) for item in items)
    kinds = {kind: sum(item.kind == kind for item in items) for kind in ("lesson", "blocker")}
    print(
        f"  labelled set   {len(items)} texts ({kinds['lesson']} lessons, "
        f"{kinds['blocker']} blockers), {themes_total} gold themes; leave-one-out; "
        f"at most 2 themes suggested, threshold {THRESHOLD}"
    )
    covered = sum(any(hits for hits in lexicon_hits(item.text).values()) for item in items)
    print(f"  lexicon        a signalling word in {covered} of {len(items)} texts")
    print("\n  micro, at the bot's threshold:")
    for label, (lexicon, voting) in MODES.items():
        micro, _, empty = evaluate(items, lexicon, voting, THRESHOLD)
        print(f"    {label:16} {micro.line()}   no suggestion for {empty} texts")
    for kind in ("lesson", "blocker"):
        subset = [item for item in items if item.kind == kind]
        micro, _, empty = evaluate(subset, True, True, THRESHOLD)
        print(f"    both, {kind + 's':9} {micro.line()}   no suggestion for {empty} texts")
    print("\n  per theme (both, at the bot's threshold):")
    _, per, _ = evaluate(items, True, True, THRESHOLD)
    for theme in THEMES:
        score = per[theme]
        print(f"    {theme:16} {score.line()}   (gold {score.tp + score.fn})")
    print("\n  per theme, lexicon only / neighbours only (F1):")
    _, lex, _ = evaluate(items, True, False, THRESHOLD)
    _, nb, _ = evaluate(items, False, True, THRESHOLD)
    for theme in THEMES:
        print(f"    {theme:16} {100 * lex[theme].f1:5.1f} % / {100 * nb[theme].f1:5.1f} %")
    print("\n  threshold table (micro P / R / F1; texts without a suggestion):")
    print("    threshold  " + "".join(f"{label:>31}" for label in MODES))
    for threshold in THRESHOLDS:
        cells = []
        for lexicon, voting in MODES.values():
            micro, _, empty = evaluate(items, lexicon, voting, threshold)
            cells.append(
                f"{100 * micro.precision:5.1f} /{100 * micro.recall:5.1f} /"
                f"{100 * micro.f1:5.1f} ;{empty:4d}"
            )
        print(f"    {threshold:9.2f}  " + "".join(f"{cell:>31}" for cell in cells))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite+aiosqlite:///{folder}/themes.sqlite3"
        print("Theme suggestion (benchmarks/themes.py)")
        report(await load(url, data))
        blockers_url = args.database or f"sqlite+aiosqlite:///{folder}/blockers.sqlite3"
        if args.database:  # the same database: start again from an empty one
            await reset(args.database)
        report_blockers(await load(blockers_url, data, indexed="lesson"))


if __name__ == "__main__":
    asyncio.run(main())

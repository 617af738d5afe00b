"""Blocker radar: how well blockers are grouped, and how long grouping a city's blockers takes.

    python -m benchmarks.radar [--blockers 10000]

1. Quality on three labelled sets: benchmarks/data/blockers.json (142 blockers of 30 teams,
   15 groups; the walls lexicon in bot/services/walls.py and the weights were chosen looking
   at it), benchmarks/data/blockers_holdout.json (90 blockers of 25 teams, 10 groups, written
   without sight of the radar's code; measured first, then the lexicon grew by its missing
   walls) and benchmarks/data/blockers_holdout2.json (108 blockers of 34 teams, 12 groups,
   written without sight of the code, the lexicon or the other sets; nothing tuned on it).
   For each threshold: pairwise precision and recall (two blockers put together that the
   labels put together), how many
   labelled groups the radar shows (a group of at least two teams whose biggest part is one
   labelled group), and how many groups it shows that are no labelled group.
2. Speed: grouping N blockers made from the labelled texts (each a random 60-100 % of a
   labelled blocker's words and two words of another), the part that grows with the city; the
   database part is one query for the runs and one for the answers.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

from bot.services.radar import MIN_TEAMS, SAME_BLOCKER, group_texts

DATA = Path(__file__).parent / "data"
SETS = (
    ("blockers.json", "tuned on"),
    ("blockers_holdout.json", "held out, then tuned on"),
    ("blockers_holdout2.json", "held out"),
)
THRESHOLDS = (0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45)


def quality(items: list[dict[str, Any]], threshold: float) -> dict[str, float]:
    groups = group_texts([item["text"] for item in items], threshold)
    label = [item["group"] for item in items]
    together = {(a, b) for g in groups for a, b in combinations(sorted(g), 2)}
    truly = {
        (a, b)
        for a, b in combinations(range(len(items)), 2)
        if label[a] is not None and label[a] == label[b]
    }
    hits = len(together & truly)
    precision = hits / len(together) if together else 1.0
    recall = hits / len(truly) if truly else 1.0
    shown = [g for g in groups if len({items[i]["team"] for i in g}) >= MIN_TEAMS]
    found: set[str] = set()
    spurious = 0
    for members in shown:
        (top, count), *_ = Counter(label[i] for i in members).most_common(1)
        if top is None or count < 2:
            spurious += 1
        else:
            found.add(top)
    return {
        "precision": precision,
        "recall": recall,
        "shown": len(shown),
        "found": len(found),
        "spurious": spurious,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blockers", type=int, nargs="*", default=[1_000, 2_000, 4_000])
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    every: list[dict[str, Any]] = []
    for name, kind in SETS:
        items = json.loads((DATA / name).read_text(encoding="utf-8"))["blockers"]
        every += items
        labelled = {item["group"] for item in items if item["group"]}
        print(f"{name} ({kind}): {len(items)} blockers, {len(labelled)} groups")
        print("  threshold  precision  recall  groups shown  labelled groups found  not a group")
        for threshold in THRESHOLDS:
            q = quality(items, threshold)
            mark = "  <- SAME_BLOCKER" if abs(threshold - SAME_BLOCKER) < 1e-9 else ""
            print(
                f"  {threshold:9.2f}  {q['precision']:9.1%}  {q['recall']:6.1%}  "
                f"{q['shown']:12d}  {q['found']:9d} of {len(labelled):2d}  "
                f"{q['spurious']:11d}{mark}"
            )

    rng = random.Random(args.seed)
    for size in args.blockers:
        texts = []
        for _ in range(size):
            kept = [w for w in rng.choice(every)["text"].split() if rng.random() < 0.8]
            other = rng.choice(every)["text"].split()
            texts.append(" ".join(kept + rng.sample(other, min(2, len(other)))))
        load = Path("/proc/loadavg").read_text().split()[:3]
        started = time.perf_counter()
        groups = group_texts(texts)
        took = time.perf_counter() - started
        print(f"Grouping {size} blockers: {took:.2f} s, {len(groups)} groups (load before {load})")


if __name__ == "__main__":
    main()

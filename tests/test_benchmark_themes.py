"""The theme benchmark, small: leave-one-out over part of the labelled set runs on the storage
query the bot uses, never counts a text as its own neighbour, and scores sensibly."""

from __future__ import annotations

import json

from benchmarks.themes import DATA, evaluate, load


async def test_leave_one_out_on_part_of_the_labelled_set(database_url: str) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["texts"] = data["texts"][:40]
    items = await load(database_url, data)
    assert len(items) == 40
    assert any(item.neighbours for item in items)
    for item in items:  # the text itself is left out: no neighbour is identical to it
        assert all(n.score < 0.99 for n in item.neighbours)
    both, per_theme, empty = evaluate(items, True, True, 0.3)
    assert both.tp + both.fn == sum(len(item.gold) for item in items)
    assert sum(s.tp for s in per_theme.values()) == both.tp
    assert 0 < both.precision <= 1
    assert 0 <= empty < 40

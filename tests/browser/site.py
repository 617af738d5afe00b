"""What the browser tests know about a published site without a browser: its pages' addresses and
which lessons each static page lists, read from the HTML that `steunpunt publish` wrote. The
browser's search and filters are checked against these Python-rendered pages."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

LESSON_ITEM = re.compile(r'<li class="lesson-item" data-id="(\d+)"')
LESSON_TEXT = re.compile(r'<div class="lesson-text"[^>]*>(.*?)</div>', re.DOTALL)


def url(site: Path, page: str) -> str:
    return (site / page).as_uri()


def listed(site: Path, page: str) -> list[int]:
    """The lesson ids a static page lists, in its order."""
    return [int(found) for found in LESSON_ITEM.findall((site / page).read_text(encoding="utf-8"))]


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def lesson_ids(site: Path) -> list[int]:
    return sorted(int(path.stem) for path in (site / "lessons").glob("*.html"))


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def containing(site: Path, word: str) -> set[int]:
    """The lessons whose text has a word that starts with `word` (accents and case aside)."""
    pattern = re.compile(rf"\b{re.escape(fold(word))}")
    found = set()
    for lesson in lesson_ids(site):
        page = (site / "lessons" / f"{lesson}.html").read_text(encoding="utf-8")
        text = LESSON_TEXT.search(page)
        assert text is not None, f"lessons/{lesson}.html has no .lesson-text"
        if pattern.search(fold(text.group(1))):
            found.add(lesson)
    return found


def of_kind(site: Path, kind_label: str) -> set[int]:
    """The lessons whose page gives this team kind (as the Dutch page writes it)."""
    pattern = re.compile(rf"<dd>{re.escape(kind_label)}</dd>")
    return {
        lesson
        for lesson in lesson_ids(site)
        if pattern.search((site / "lessons" / f"{lesson}.html").read_text(encoding="utf-8"))
    }

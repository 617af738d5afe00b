"""The site in the browser with a log that is not as kind as the demo's: sixty lessons (more than
the index lists), one full of markup, one with a very long unbroken word, one shared
anonymously — and a reader who is clumsy: the Enter key in the search box, clearing before the
list caught up, the back button after a search.

The log is written straight into the site model (no database: what it shows is the point
here; tests/test_publish.py checks the way from the database to the model)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from benchmarks.site_screenshots import PHONE
from bot.services.publication import INDEX_LIMIT, build_site
from bot.services.textsearch import terms
from bot.web.publish import write_site
from storage.models import Stadsdeel, TeamKind
from storage.publication import AdoptionRow, EndorsementCounts, PublishedLessonRow, SharedLog
from tests.browser.conftest import NewPage
from tests.browser.site import listed, url
from tests.browser.support import assert_accessible

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
MARKUP = (
    '<img src="x" onerror="window.owned=1"> </script><script>window.owned=2</script> '
    "\"quotes\" & 'apostrofs' <b>vet</b> rattenklem"
)
LONG_WORD = "rattenbestrijdings" + "samenwerkingsovereenkomst" * 12  # 318 letters, no break
ADOPTED = "<script>window.owned=3</script> Wij probeerden het & het werkte"
HIDDEN_GEM = 1  # old and never endorsed: ranked last, beyond the index's fifty
MARKED_UP = 2
LONG = 3
ANONYMOUS = 4


def row(lesson_id: int, text: str, days_ago: int, *, anonymous: bool = False) -> PublishedLessonRow:
    kinds = list(TeamKind)
    stadsdelen = [Stadsdeel.NOORD, Stadsdeel.OOST, Stadsdeel.ZUIDOOST]
    return PublishedLessonRow(
        id=lesson_id,
        text=text,
        advice=None,
        anonymous=anonymous,
        shared_at=NOW - timedelta(days=days_ago),
        team_id=lesson_id % 3 + 1,
        team_name=f"Team {lesson_id % 3 + 1}",
        kind=kinds[lesson_id % len(kinds)],
        stadsdeel=stadsdelen[lesson_id % len(stadsdelen)],
        sprint_goal="Doel <i>schuin</i>",
    )


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory, browser_tools: object) -> Path:
    rows = [row(HIDDEN_GEM, "Een zeldzaamheid: de buurtbus rijdt ook op zondag", 400)]
    rows.append(row(MARKED_UP, MARKUP, 1))
    rows.append(row(LONG, f"{LONG_WORD} " + "lange les over de buurttuin " * 120, 2))
    rows.append(
        row(ANONYMOUS, "Anoniem gedeeld: vraag het buurthuis om de sleutel", 3, anonymous=True)
    )
    rows += [row(n, f"Les {n} over de buurttuin en het onderhoud", 5 + n) for n in range(5, 61)]
    endorsed = {n: EndorsementCounts(total=2, recent=1, teams=2) for n in range(2, 61)}
    adoption = AdoptionRow(MARKED_UP, ADOPTED, NOW, 2, "Team 3", TeamKind.INITIATIEF, None)
    log = SharedLog(
        rows,
        themes={lesson.id: ["routes"] for lesson in rows},
        tags={},
        endorsements=endorsed,
        adoptions={MARKED_UP: [adoption]},
        terms={lesson.id: sorted(terms(lesson.text)) for lesson in rows},
    )
    site = tmp_path_factory.mktemp("hostile") / "site"
    write_site(build_site(log, NOW), site, ZoneInfo("Europe/Amsterdam"))
    return site


async def test_search_reaches_a_lesson_the_index_does_not_list(
    hostile_site: Path, open_page: NewPage
) -> None:
    page = await open_page(url(hostile_site, "index.html"))
    ranking = listed(hostile_site, "index.html")
    assert len(ranking) == INDEX_LIMIT
    assert HIDDEN_GEM not in ranking

    await page.locator("#search").focus()
    await page.keyboard.type("zeldzaam")
    await expect(page.locator("#results > li.lesson-item")).to_have_count(1)
    await expect(
        page.locator(f"li.lesson-item[data-id='{HIDDEN_GEM}'] a.lesson-link")
    ).to_have_attribute("href", f"lessons/{HIDDEN_GEM}.html")
    await expect(page.locator("#result-count")).to_have_text(re.compile(r"\b1\b"))

    # A filter over all sixty lessons, not the fifty shown: more than fifty match "routes".
    await page.keyboard.press("Escape")
    await page.locator("#filter-theme").focus()
    await page.keyboard.type("routes")
    await expect(page.locator("#results > li.lesson-item")).to_have_count(60)
    await expect(page.locator(f"li.lesson-item[data-id='{HIDDEN_GEM}']")).to_be_attached()


async def test_markup_in_a_lesson_is_shown_as_text_and_never_runs(
    hostile_site: Path, open_page: NewPage
) -> None:
    page = await open_page(url(hostile_site, "index.html"))
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))

    # Found by search, the list item is built in the browser from the search data.
    await page.locator("#search").focus()
    await page.keyboard.type("rattenklem")
    await expect(page.locator("#results > li.lesson-item")).to_have_count(1)
    link = page.locator(f"li.lesson-item[data-id='{MARKED_UP}'] a.lesson-link")
    await expect(link).to_be_visible()
    title = await link.inner_text()
    assert title.startswith('<img src="x" onerror="window.owned=1"> </script>')
    assert MARKUP.startswith(title.rstrip("…").rstrip()), "the text, shortened, as written"
    assert await page.locator("#results img, #results script, #results b").count() == 0

    await link.click()
    await page.wait_for_url(f"**/lessons/{MARKED_UP}.html")
    text = page.locator("article.lesson .lesson-text")
    await expect(text).to_have_text(MARKUP)
    await expect(page.locator("article.lesson .adoptions")).to_contain_text(ADOPTED)
    await expect(page.locator("article.lesson")).to_contain_text("Doel <i>schuin</i>")
    assert await page.locator("article.lesson img, article.lesson b, article.lesson i").count() == 0
    assert await page.evaluate("window.owned") is None
    assert dialogs == []


async def test_a_very_long_lesson_stays_within_a_phone_screen(
    hostile_site: Path, open_page: NewPage
) -> None:
    page = await open_page(url(hostile_site, "index.html"), **PHONE)
    await page.locator("#search").focus()
    await page.keyboard.type("rattenbestrijding")
    await expect(page.locator("#results > li.lesson-item")).to_have_count(1)
    await expect(page.locator(f"li.lesson-item[data-id='{LONG}']")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    title = await page.locator(f"li.lesson-item[data-id='{LONG}'] a.lesson-link").inner_text()
    assert len(title) <= 200, "the list shows a long lesson shortened"

    await page.goto(url(hostile_site, f"lessons/{LONG}.html"))
    await expect(page.locator("article.lesson .lesson-text")).to_contain_text(LONG_WORD)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await assert_accessible(page, "a very long lesson on a phone")


async def test_an_anonymous_lesson_names_no_team_in_the_browser_either(
    hostile_site: Path, open_page: NewPage
) -> None:
    page = await open_page(url(hostile_site, "index.html"))
    await page.locator("#search").focus()
    await page.keyboard.type("sleutel")
    await expect(page.locator("#results > li.lesson-item")).to_have_count(1)
    item = page.locator(f"li.lesson-item[data-id='{ANONYMOUS}']")
    await expect(item).to_be_visible()
    assert "Team" not in await item.inner_text()
    assert "anoniem" in (await item.inner_text()).lower()
    await item.locator("a.lesson-link").click()
    await expect(page.locator("article.lesson")).to_be_visible()
    assert "Team " not in await page.locator("main").inner_text()


async def test_a_clumsy_reader_gets_a_list_that_matches_the_box(
    hostile_site: Path, open_page: NewPage
) -> None:
    page = await open_page(url(hostile_site, "index.html"))
    ranking = listed(hostile_site, "index.html")
    initial = await page.locator("#result-count").inner_text()
    search = page.locator("#search")

    # Enter in the box searches; it does not leave the page or add ?q= to it.
    await search.focus()
    await page.keyboard.type("zeldzaam")
    await page.keyboard.press("Enter")
    await page.keyboard.press("Enter")
    await expect(page.locator("#results > li.lesson-item")).to_have_count(1)
    assert page.url == url(hostile_site, "index.html")

    # Typed and cleared faster than the list follows: it ends on the full ranked list.
    await page.keyboard.press("Control+A")
    await page.keyboard.type("buurttuin", delay=5)
    await page.keyboard.press("Escape")
    await page.wait_for_timeout(400)
    await expect(page.locator("#result-count")).to_have_text(initial)
    ids = await page.locator("#results > li.lesson-item").evaluate_all(
        "items => items.map(item => Number(item.dataset.id))"
    )
    assert ids == ranking

    # Back from a lesson found by search: the list agrees with what the box still says.
    await page.keyboard.type("zeldzaam")
    link = page.locator(f"li.lesson-item[data-id='{HIDDEN_GEM}'] a.lesson-link")
    await expect(link).to_be_visible()
    await link.click()
    await page.wait_for_url(f"**/lessons/{HIDDEN_GEM}.html")
    await page.go_back()
    await page.wait_for_url("**/index.html")
    box = await page.locator("#search").input_value()
    if box:
        await expect(page.locator("#results > li.lesson-item")).to_have_count(1)
    else:
        await expect(page.locator("#result-count")).to_have_text(initial)

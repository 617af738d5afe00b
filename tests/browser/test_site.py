"""The demo's city log, published with `steunpunt publish`, opened from disk in headless Chromium
as a person would use it: searching as they type, filtering with the keyboard alone, following
a lesson and coming back, switching language, with JavaScript off — and every page checked by
axe-core and kept as a phone-sized screenshot.

Every page visited must ask for nothing off disk and log no console error (the `guard` fixture);
what the browser shows is compared with the static pages Python rendered (tests/browser/site.py)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from playwright.async_api import expect

from benchmarks.site_screenshots import PHONE
from tests.browser.conftest import NewPage
from tests.browser.site import containing, html_pages, lesson_ids, listed, of_kind, url
from tests.browser.support import assert_accessible, focus_is_visible, focused

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = pytest.mark.asyncio(loop_scope="module")

NONSENSE = "qzxwvjkplofnarg"


async def shown(page: Page) -> list[int]:
    """The lesson ids #results shows, in order (none when the list is hidden)."""
    if await page.locator("#results").is_hidden():
        return []
    found: list[str] = await page.locator("#results > li.lesson-item").evaluate_all(
        "items => items.map(item => item.dataset.id)"
    )
    return [int(value) for value in found]


def opening_count(page: Page) -> str:
    """What #result-count says when the page opens: read from the page's file on disk."""
    html = Path(url2pathname(urlsplit(page.url).path)).read_text(encoding="utf-8")
    found = re.search(r'<p id="result-count"[^>]*>(.*?)</p>', html, re.DOTALL)
    assert found is not None, f"{page.url} has no #result-count"
    return unescape(found.group(1)).strip()


async def expect_results(page: Page, expected: set[int], ranking: list[int]) -> None:
    """#results shows exactly `expected`, in the order of the ranked list, and #result-count
    says how many; with none, #no-results says so kindly. Called after a search or a filter:
    it first waits for #result-count to leave the page's opening text, so a list that has
    not been filtered yet cannot pass for one that was."""
    items = page.locator("#results > li.lesson-item")
    count = page.locator("#result-count")
    await expect(count).not_to_have_text(opening_count(page))
    if expected:
        await expect(items).to_have_count(len(expected))
        await expect(page.locator("#no-results")).to_be_hidden()
    else:
        await expect(page.locator("#no-results")).to_be_visible()
        await expect(page.locator("#results > li.lesson-item:visible")).to_have_count(0)
    await expect(count).to_have_text(re.compile(rf"(^|\D){len(expected)}(\D|$)"))
    ids = await shown(page)
    assert set(ids) == expected
    assert ids == [lesson for lesson in ranking if lesson in expected], "not in ranked order"
    if expected:
        hrefs = await items.locator("a.lesson-link").evaluate_all(
            "links => links.map(link => link.getAttribute('href'))"
        )
        assert hrefs == [f"lessons/{lesson}.html" for lesson in ids]


async def tab_to(page: Page, target: str, *, backwards: bool = False, limit: int = 40) -> list[str]:
    """Press Tab (Shift+Tab) until the element matching `target` has the focus; every element
    on the way must show its focus. Returns what was focused, in order."""
    path: list[str] = []
    for _ in range(limit):
        await page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = await focused(page)
        assert now is not None, f"Tab left the focus nowhere after {path}"
        label = now["id"] or now["cls"] or now["text"]
        assert focus_is_visible(now), f"no visible focus on {now}"
        path.append(label)
        if await page.evaluate("s => document.activeElement.matches(s)", target):
            return path
    raise AssertionError(f"Tab never reached {target}: {path}")


async def test_search_finds_lessons_by_word_and_prefix_and_says_when_none_match(
    demo_site: Path, open_page: NewPage
) -> None:
    ranking = listed(demo_site, "index.html")
    assert len(ranking) >= 3, "the demo should share a few lessons"
    page = await open_page(url(demo_site, "index.html"))
    initial_count = await page.locator("#result-count").inner_text()
    assert await shown(page) == ranking
    search = page.locator("#search")

    await search.focus()
    await page.keyboard.type("gebiedsmakelaar")
    makelaar = containing(demo_site, "gebiedsmakelaar")
    assert 0 < len(makelaar) < len(ranking)
    await expect_results(page, makelaar, ranking)

    await search.fill("")
    await page.keyboard.type("vergun")
    vergun = containing(demo_site, "vergun")
    assert vergun, "the demo's lessons are about permits"
    await expect_results(page, vergun, ranking)
    assert await page.locator("#result-count").inner_text() != initial_count

    await page.keyboard.press("Control+A")
    await page.keyboard.type("contain")  # a prefix of a word in one lesson only
    await expect_results(page, containing(demo_site, "container"), ranking)

    await page.keyboard.press("Control+A")
    await page.keyboard.type(NONSENSE)
    await expect_results(page, set(), ranking)
    assert await page.locator("#no-results").inner_text()

    await page.keyboard.press("Escape")  # a search box's Escape empties it
    await expect(search).to_have_value("")
    await expect(page.locator("#result-count")).to_have_text(initial_count)
    assert await shown(page) == ranking

    await page.keyboard.type("gebiedsmakelaar")
    await expect_results(page, makelaar, ranking)
    await page.keyboard.press("Control+A")
    await page.keyboard.press("Backspace")
    await expect(page.locator("#result-count")).to_have_text(initial_count)
    assert await shown(page) == ranking


async def test_the_search_data_loads_lazily_by_a_script_and_never_by_fetch(
    demo_site: Path, open_page: NewPage
) -> None:
    page = await open_page(url(demo_site, "index.html"))
    requests: list[tuple[str, str]] = []
    page.on("request", lambda request: requests.append((request.url, request.resource_type)))
    await page.wait_for_load_state("load")
    assert not [address for address, _ in requests if "search" in address.rsplit("/", 1)[-1]]

    await page.locator("#search").focus()
    await page.keyboard.type("vergun")
    await expect_results(page, containing(demo_site, "vergun"), listed(demo_site, "index.html"))

    loaded = [(address, kind) for address, kind in requests if address.endswith(".js")]
    assert loaded, "the search data should load when a person starts to search"
    assert all(kind == "script" for _, kind in loaded)
    assert all(address.startswith("file://") for address, _ in requests)
    assert not [kind for _, kind in requests if kind in ("fetch", "xhr")]


async def test_filters_work_by_keyboard_and_combine_with_the_search(
    demo_site: Path, open_page: NewPage
) -> None:
    ranking = listed(demo_site, "index.html")
    page = await open_page(url(demo_site, "index.html"))
    initial_count = await page.locator("#result-count").inner_text()

    path = await tab_to(page, "#filter-theme")
    assert path[0] == "skip-link"
    assert "search" in path
    assert path.index("search") < path.index("filter-theme")

    # A theme by type-ahead: its static page lists the same lessons as the filter shows.
    await page.keyboard.type("routes")
    await expect(page.locator("#filter-theme")).to_have_value("routes")
    routes = set(listed(demo_site, "themes/routes.html"))
    assert routes
    await expect_results(page, routes, ranking)

    await tab_to(page, "#filter-stadsdeel")
    await page.keyboard.type("noord")
    await expect(page.locator("#filter-stadsdeel")).to_have_value("noord")
    noord = set(listed(demo_site, "stadsdelen/noord.html"))
    assert 0 < len(noord) < len(ranking)
    await expect_results(page, routes & noord, ranking)

    # Home picks "all stadsdelen" again: the theme alone is left.
    await page.keyboard.press("Home")
    await expect(page.locator("#filter-stadsdeel")).to_have_value("")
    await expect_results(page, routes, ranking)

    await tab_to(page, "#filter-kind")
    await page.keyboard.type("initiatief")
    await expect(page.locator("#filter-kind")).to_have_value("initiatief")
    initiatives = of_kind(demo_site, "initiatief")
    assert 0 < len(initiatives) < len(ranking)
    await expect_results(page, routes & initiatives, ranking)

    # Back to the search box: the words narrow what the filters left.
    await tab_to(page, "#search", backwards=True)
    await page.keyboard.type("gebiedsmakelaar")
    both = routes & initiatives & containing(demo_site, "gebiedsmakelaar")
    assert both, "the demo has an initiative's lesson about the gebiedsmakelaar"
    await expect_results(page, both, ranking)

    # A stadsdeel with none of these: the kind message, not an empty list.
    await tab_to(page, "#filter-stadsdeel")
    await page.keyboard.type("zuidoost")
    await expect(page.locator("#filter-stadsdeel")).to_have_value("zuidoost")
    assert not (demo_site / "stadsdelen" / "zuidoost.html").exists(), "no demo team there"
    await expect_results(page, set(), ranking)

    # Undo it all by keyboard: Home on each filter, Escape in the search box.
    await page.keyboard.press("Home")
    await tab_to(page, "#filter-kind")
    await page.keyboard.press("Home")
    await tab_to(page, "#filter-theme", backwards=True)
    await page.keyboard.press("Home")
    await expect(page.locator("#filter-theme")).to_have_value("")
    await tab_to(page, "#search", backwards=True)
    await page.keyboard.press("Escape")
    await expect(page.locator("#result-count")).to_have_text(initial_count)
    assert await shown(page) == ranking


async def test_keyboard_alone_reaches_a_lesson_and_comes_back(
    demo_site: Path, open_page: NewPage
) -> None:
    page = await open_page(url(demo_site, "index.html"))
    first = listed(demo_site, "index.html")[0]

    await page.keyboard.press("Tab")
    skip = await focused(page)
    assert skip is not None
    assert skip["cls"] == "skip-link"
    assert focus_is_visible(skip)
    assert await page.locator("a.skip-link").is_visible(), "the skip link shows when focused"
    await page.keyboard.press("Enter")
    await expect(page.locator("main#main")).to_be_focused()

    # From main, the next stops are the search, the filters, then the first lesson.
    path = await tab_to(page, "#results a.lesson-link", limit=8)
    assert "skip-link" not in path
    assert await page.evaluate("document.activeElement.getAttribute('href')") == (
        f"lessons/{first}.html"
    )

    await page.keyboard.press("Enter")
    await page.wait_for_url(f"**/lessons/{first}.html")
    await expect(page.locator(f"article.lesson[data-id='{first}']")).to_be_visible()
    await expect(page.locator("article.lesson .lesson-text")).not_to_be_empty()

    # The back link is in main, after the lesson's own links.
    await page.keyboard.press("Tab")
    assert (await focused(page) or {}).get("cls") == "skip-link"
    await page.keyboard.press("Enter")
    back = "main a[href$='index.html']"
    assert await page.locator(back).count() >= 1, "a lesson page links back to the index"
    await tab_to(page, back, limit=20)
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/index\.html$"))
    await expect(page.locator("#results > li.lesson-item").first).to_be_visible()
    assert await shown(page) == listed(demo_site, "index.html")


async def test_the_language_toggle_goes_to_the_english_page_and_back(
    demo_site: Path, open_page: NewPage
) -> None:
    page = await open_page(url(demo_site, "index.html"))
    assert await page.get_attribute("html", "lang") == "nl"

    toggle = page.locator("a.language-toggle")
    assert await toggle.get_attribute("hreflang") == "en"
    await toggle.focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/en/index.html")
    assert await page.get_attribute("html", "lang") == "en"
    assert listed(demo_site, "en/index.html") == listed(demo_site, "index.html")

    # The English index searches too, and its results link to the English lesson pages.
    await page.locator("#search").focus()
    await page.keyboard.type("gebiedsmakelaar")
    ranking = listed(demo_site, "en/index.html")
    await expect_results(page, containing(demo_site, "gebiedsmakelaar"), ranking)
    # The demo's lessons are Dutch: the titles the browser lists are marked so, as the
    # English page's own list is (a screen reader then reads them as Dutch).
    titles = page.locator("#results a.lesson-link")
    assert await titles.count() > 0
    for at in range(await titles.count()):
        assert await titles.nth(at).get_attribute("lang") == "nl"
    await page.locator("#results a.lesson-link").first.click()
    await page.wait_for_url(re.compile(r"/en/lessons/\d+\.html$"))
    assert await page.get_attribute("html", "lang") == "en"
    lesson = page.url.rsplit("/", 1)[-1]

    back = page.locator("a.language-toggle")
    assert await back.get_attribute("hreflang") == "nl"
    await back.click()
    await page.wait_for_url(re.compile(rf"/lessons/{re.escape(lesson)}$"))
    assert "/en/" not in page.url
    assert await page.get_attribute("html", "lang") == "nl"


async def test_without_javascript_the_index_lists_the_ranked_lessons_and_every_theme(
    demo_site: Path, open_page: NewPage
) -> None:
    page = await open_page(url(demo_site, "index.html"), java_script_enabled=False)

    ranking = listed(demo_site, "index.html")
    assert await shown(page) == ranking
    for lesson in ranking:
        await expect(page.locator(f"a.lesson-link[href='lessons/{lesson}.html']")).to_be_visible()
    themes = sorted(path.name for path in (demo_site / "themes").glob("*.html"))
    assert len(themes) == 7
    for theme in themes:
        await expect(page.locator(f"main a[href='themes/{theme}']")).to_be_visible()
    for stadsdeel in (demo_site / "stadsdelen").glob("*.html"):
        await expect(page.locator(f"main a[href='stadsdelen/{stadsdeel.name}']")).to_be_visible()
    await expect(page.locator("noscript").first).to_be_attached()

    await page.locator(f"a.lesson-link[href='lessons/{ranking[0]}.html']").click()
    await expect(page.locator(f"article.lesson[data-id='{ranking[0]}']")).to_be_visible()
    await page.locator("a[href='../themes/routes.html']").first.click()
    assert set(await shown_static(page)) == set(listed(demo_site, "themes/routes.html"))


async def shown_static(page: Page) -> list[int]:
    found: list[str] = await page.locator("ol.lesson-list > li.lesson-item").evaluate_all(
        "items => items.map(item => item.dataset.id)"
    )
    return [int(value) for value in found]


async def test_every_page_opens_from_disk_without_errors_or_requests_elsewhere(
    demo_site: Path, open_page: NewPage
) -> None:
    pages = html_pages(demo_site)
    assert len(pages) >= 2 * (1 + 7 + len(lesson_ids(demo_site)))
    page = await open_page(url(demo_site, "index.html"))
    for path in pages:
        await page.goto(path.as_uri())
        assert await page.locator("a.skip-link[href='#main']").count() == 1, path
        assert await page.locator("main#main").count() == 1, path
        lang = "en" if path.relative_to(demo_site).parts[0] == "en" else "nl"
        assert await page.get_attribute("html", "lang") == lang, path
        other = "nl" if lang == "en" else "en"
        assert await page.locator(f"a.language-toggle[hreflang='{other}']").count() == 1, path
        assert await page.locator("h1").count() == 1, path
    # The guard fixture fails the test if any of them asked for something off disk or logged
    # an error.


# One of each kind of page, as a person meets it on a phone: a screenshot kept as a test
# artefact, and axe-core's verdict.
PAGE_TYPES = [
    ("index", "index.html", None),
    ("index-search", "index.html", "gebiedsmakelaar"),
    ("theme", "themes/routes.html", None),
    ("theme-empty", "themes/cultuur.html", None),
    ("stadsdeel", "stadsdelen/noord.html", None),
    ("lesson", "lessons/{first}.html", None),
    ("en-index", "en/index.html", None),
]


@pytest.mark.parametrize(
    ("name", "address", "query"), PAGE_TYPES, ids=[name for name, _, _ in PAGE_TYPES]
)
async def test_each_page_type_on_a_phone_is_accessible_and_kept_as_a_screenshot(
    demo_site: Path,
    open_page: NewPage,
    artefacts: Path,
    name: str,
    address: str,
    query: str | None,
) -> None:
    first = listed(demo_site, "index.html")[0]
    page = await open_page(url(demo_site, address.format(first=first)), **PHONE)
    if query:
        await page.locator("#search").focus()
        await page.keyboard.type(query)
        await expect_results(page, containing(demo_site, query), listed(demo_site, address))
        await page.locator("#search").blur()

    # Nothing sticks out sideways on a 390 px wide screen.
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} is {width} px wide on a 390 px phone"
    await page.screenshot(path=artefacts / f"site-{name}.png", full_page=True)
    await assert_accessible(page, f"{name} ({address}) on a phone")


async def test_the_wide_layouts_on_a_desktop_are_accessible(
    demo_site: Path, open_page: NewPage
) -> None:
    """The index (filters side by side, two columns to browse) and the lesson page (its facts
    in a grid) are laid out differently on a wide screen; axe looks at those too."""
    first = listed(demo_site, "index.html")[0]
    page = await open_page(url(demo_site, "index.html"))
    for name, address, query in PAGE_TYPES:
        if name not in ("index", "index-search", "lesson"):
            continue
        await page.goto(url(demo_site, address.format(first=first)))
        if query:
            await page.locator("#search").focus()
            await page.keyboard.type(query)
            await expect_results(page, containing(demo_site, query), listed(demo_site, address))
        await assert_accessible(page, f"{name} ({address}) on a desktop")

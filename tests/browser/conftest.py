"""Headless Chromium for the static web edition: Debian's Chromium driven by Playwright, axe-core
from the npm registry, and a guard on every page that fails the test when the page asks for
anything that is not on disk or writes an error to its console.

Playwright's own browser downloads do not work here, so `playwright install` is never run: the
browser is the system's /usr/bin/chromium (`apt-get install chromium`) and axe-core comes from
`npm ci --prefix tests/browser`. When either is missing the browser tests skip with the command
that installs it; with STEUNPUNT_REQUIRE_BROWSER=1 (set by .ci/run) they fail instead, so CI can
never skip them silently.

The tests use Playwright's async API inside the suite's pytest-asyncio: one browser per test
module (module-scoped event loop, so mark a module
`pytestmark = pytest.mark.asyncio(loop_scope="module")`), a fresh context per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from benchmarks.site_screenshots import publish_demo
from tests.browser.support import (
    AXE_SCRIPT,
    CHROMIUM,
    Guard,
    launch_chromium,
    missing_browser_tools,
    stop_unless_ready,
)

if TYPE_CHECKING:  # Playwright itself is imported only once the tools are known to be there
    from playwright.async_api import Browser, BrowserContext, Page

REQUIRE_BROWSER = os.environ.get("STEUNPUNT_REQUIRE_BROWSER", "") not in ("", "0")


@pytest.fixture(autouse=True)
def _sqlite_pass_only() -> None:
    """The site is published from the demo, which always runs on SQLite: nothing here changes
    with TEST_DATABASE_URL, so the PostgreSQL pass of the suite leaves these tests out."""
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("browser tests run in the SQLite pass (the demo site is always SQLite)")


@pytest.fixture(scope="session")
def browser_tools() -> tuple[Path, Path]:
    """Chromium and axe-core, or a skip (a failure under STEUNPUNT_REQUIRE_BROWSER=1) that names
    the command that installs what is missing."""
    stop_unless_ready(missing_browser_tools(), required=REQUIRE_BROWSER)
    return CHROMIUM, AXE_SCRIPT


@pytest.fixture(scope="session")
def demo_site(browser_tools: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's city log published as the static site, once for the whole run:
    `steunpunt demo --db demo.db`, then `steunpunt publish --out site` with DATABASE_URL set for
    that call only."""
    return publish_demo(tmp_path_factory.mktemp("demo-site"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser(browser_tools: tuple[Path, Path]) -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def artefacts() -> Path:
    """Where screenshots go: $STEUNPUNT_ARTEFACTS, default tests/artefacts/ (git-ignored)."""
    default = Path(__file__).resolve().parent.parent / "artefacts"
    folder = Path(os.environ.get("STEUNPUNT_ARTEFACTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


NewPage = Callable[..., Awaitable["Page"]]


@pytest_asyncio.fixture(loop_scope="module")
async def guard() -> AsyncIterator[Guard]:
    """Every page opened through `open_page` reports here; at the end of the test it must have
    asked for nothing off disk and logged no console error or uncaught exception."""
    watched = Guard()
    yield watched
    watched.assert_clean()


@pytest_asyncio.fixture(loop_scope="module")
async def open_page(browser: Browser, guard: Guard) -> AsyncIterator[NewPage]:
    """`await open_page(url, **context_options)`: a fresh browser context (desktop 1280×800 unless
    told otherwise, e.g. `**PHONE` or `java_script_enabled=False`) with one guarded page on `url`.
    Every context is closed at the end of the test."""
    contexts: list[BrowserContext] = []

    async def new_page(url: str, **options: Any) -> Page:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = await browser.new_context(**options)
        contexts.append(context)
        await guard.watch_context(context)
        page = await context.new_page()
        guard.watch_page(page)
        await page.goto(url)
        return page

    yield new_page
    for context in contexts:
        await context.close()

"""Helpers for the browser tests: what is missing to run them, the guard that watches every page
for requests off disk and console errors, axe-core, and focus visibility."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from benchmarks.site_screenshots import CHROMIUM, PHONE, launch_chromium

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, ConsoleMessage, Page, Request, Route

__all__ = [
    "AXE_SCRIPT",
    "CHROMIUM",
    "PHONE",
    "Guard",
    "launch_chromium",
    "missing_browser_tools",
    "stop_unless_ready",
]

BROWSER_TESTS = Path(__file__).resolve().parent
AXE_SCRIPT = BROWSER_TESTS / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.0/2.1 A and AA rules and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Schemes that never leave the machine. Everything else is recorded and refused.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def missing_browser_tools() -> str | None:
    """None when the browser tests can run; else one line naming what installs the missing part."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed: pip install -e '.[dev]'"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM}: apt-get install -y --no-install-recommends chromium"
    if not AXE_SCRIPT.is_file():
        return f"axe-core is missing ({AXE_SCRIPT}): npm ci --prefix tests/browser"
    return None


def stop_unless_ready(reason: str | None, *, required: bool) -> None:
    """Skip the test for `reason`, or fail it when the browser is required (CI)."""
    if reason is None:
        return
    if required:
        pytest.fail(f"{reason} (STEUNPUNT_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(reason)


@dataclass
class Guard:
    """Records, over all pages of one test, every request that is not on disk (and refuses it)
    and every console error or uncaught exception."""

    off_disk: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def record(self, url: str) -> None:
        if url not in self.off_disk:
            self.off_disk.append(url)

    async def watch_context(self, context: BrowserContext) -> None:
        async def route(route: Route) -> None:
            url = route.request.url
            if url.startswith(LOCAL_SCHEMES):
                await route.continue_()
            else:
                self.record(url)
                await route.abort("blockedbyclient")

        await context.route("**/*", route)

    def watch_page(self, page: Page) -> None:
        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                where = message.location.get("url", "") if message.location else ""
                self.console_errors.append(f"console: {message.text} ({where or page.url})")

        def page_error(error: Exception) -> None:
            self.console_errors.append(f"uncaught: {error} ({page.url})")

        def request(request: Request) -> None:
            # A second net under the route: a request the route never saw is still counted.
            if not request.url.startswith(LOCAL_SCHEMES):
                self.record(request.url)

        page.on("console", console)
        page.on("pageerror", page_error)
        page.on("request", request)

    def assert_clean(self) -> None:
        assert self.off_disk == [], f"pages asked for something off disk: {self.off_disk}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"


@dataclass(frozen=True)
class AxeFinding:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.impact}: {self.rule} ({self.help}) at {', '.join(self.targets)}"


async def axe_findings(page: Page) -> list[AxeFinding]:
    """axe-core's violations on the page as it is now (WCAG 2.1 A/AA and best practices)."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE_SCRIPT))
    # preload: false, or axe fetches the stylesheets itself by XMLHttpRequest (for its
    # orientation-lock rule), which file:// forbids: an error in the console that the site
    # did not cause.
    result: dict[str, Any] = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, preload: false})",
        AXE_TAGS,
    )
    return [
        AxeFinding(
            rule=violation["id"],
            impact=violation.get("impact") or "unknown",
            help=violation["help"],
            targets=tuple(
                " ".join(str(part) for part in node["target"]) for node in violation["nodes"]
            ),
        )
        for violation in result["violations"]
    ]


async def assert_accessible(page: Page, label: str) -> list[AxeFinding]:
    """No serious or critical axe finding on the page; the minor and moderate ones are printed
    (pytest shows them with -s or on failure) and returned."""
    findings = await axe_findings(page)
    grave = [finding for finding in findings if finding.impact in ("serious", "critical")]
    for finding in findings:
        if finding not in grave:
            print(f"axe on {label}: {finding}")
    assert grave == [], f"axe on {label}:\n" + "\n".join(str(finding) for finding in grave)
    return findings


FOCUS_STYLE = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    return {
        tag: element.tagName.toLowerCase(),
        id: element.id,
        cls: element.className,
        text: (element.textContent || '').trim().slice(0, 60),
        outlineStyle: style.outlineStyle,
        outlineWidth: style.outlineWidth,
        boxShadow: style.boxShadow,
    };
}"""


async def focused(page: Page) -> dict[str, str] | None:
    """What has the keyboard focus, with the styles that make focus visible (None: the body)."""
    found: dict[str, str] | None = await page.evaluate(FOCUS_STYLE)
    return found


def focus_is_visible(found: dict[str, str] | None) -> bool:
    """An outline that is drawn, or a box shadow."""
    if found is None:
        return False
    outline = found["outlineStyle"] != "none" and found["outlineWidth"] not in ("0px", "")
    return outline or found["boxShadow"] not in ("none", "")

"""The browser tests' own machinery can fail: the guard catches a request off disk and a console
error, axe-core reports a real defect, and the focus check tells a drawn focus ring from none
(on a tiny hand-written page and pages written on the spot)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import NewPage
from tests.browser.support import (
    Guard,
    assert_accessible,
    axe_findings,
    focus_is_visible,
    focused,
)

if TYPE_CHECKING:
    from playwright.async_api import Browser

pytestmark = pytest.mark.asyncio(loop_scope="module")

FIXTURE = Path(__file__).resolve().parent / "fixture" / "page.html"


async def test_a_hand_written_page_passes_every_check(open_page: NewPage) -> None:
    page = await open_page(FIXTURE.as_uri())

    assert await page.get_attribute("html", "lang") == "nl"
    await assert_accessible(page, "the fixture page")


async def test_the_guard_refuses_and_records_requests_off_disk_and_console_errors(
    browser: Browser, tmp_path: Path
) -> None:
    page_file = tmp_path / "leaky.html"
    page_file.write_text(
        '<!doctype html><html lang="nl"><head><title>Lek</title>'
        '<link rel="stylesheet" href="https://fonts.example.invalid/font.css"></head>'
        '<body><img alt="" src="http://tracker.example.invalid/pixel.gif">'
        "<script>console.error('kapot'); undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    guard = Guard()
    context = await browser.new_context()
    try:
        await guard.watch_context(context)
        page = await context.new_page()
        guard.watch_page(page)
        await page.goto(page_file.as_uri())
        await page.wait_for_load_state("load")
    finally:
        await context.close()

    assert sorted(guard.off_disk) == [
        "http://tracker.example.invalid/pixel.gif",
        "https://fonts.example.invalid/font.css",
    ]
    assert any("kapot" in error for error in guard.console_errors)
    assert any("undefinedFunction" in error for error in guard.console_errors)
    with pytest.raises(AssertionError, match="off disk"):
        guard.assert_clean()


async def test_axe_reports_what_a_person_would_trip_over(
    open_page: NewPage, tmp_path: Path
) -> None:
    page_file = tmp_path / "ontoegankelijk.html"
    page_file.write_text(
        "<!doctype html><html><head><title>x</title></head><body>"
        '<p style="color:#bbb;background:#fff">Nauwelijks leesbaar</p>'
        '<input type="search" id="q"></body></html>',
        encoding="utf-8",
    )
    page = await open_page(page_file.as_uri())

    rules = {finding.rule: finding.impact for finding in await axe_findings(page)}

    assert rules["html-has-lang"] == "serious"
    assert rules["color-contrast"] == "serious"
    assert rules["label"] == "critical"
    with pytest.raises(AssertionError, match="color-contrast"):
        await assert_accessible(page, "a page with defects")


async def test_the_focus_check_sees_a_focus_ring_and_its_absence(open_page: NewPage) -> None:
    page = await open_page(FIXTURE.as_uri())

    await page.keyboard.press("Tab")
    skip = await focused(page)
    assert skip is not None
    assert skip["cls"] == "skip-link"
    assert focus_is_visible(skip)

    await page.focus("a.quiet")
    quiet = await focused(page)
    assert quiet is not None
    assert quiet["text"] == "Een link zonder zichtbare focus"
    assert not focus_is_visible(quiet)

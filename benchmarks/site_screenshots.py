"""Phone screenshots of the static web edition, for the docs (docs/screenshots/site-*.png).

    pip install -e '.[dev]'; apt-get install -y --no-install-recommends chromium
    python -m benchmarks.site_screenshots [--out docs/screenshots] [--keep]

1. Plays the offline demo into a temporary SQLite database (`steunpunt demo`).
2. Publishes its shared lessons (`steunpunt publish --out SITE`).
3. Opens the index, the most recognised lesson's page and its first theme's page from disk in
   Debian's headless Chromium at a phone's size (390×844 CSS pixels, twice as many device
   pixels) and writes each whole page as `site-index.png`, `site-theme.png` and
   `site-lesson.png`, reduced to 64 colours so each stays well under 150 kB. Prints each
   file's size. It asserts nothing; the browser tests (tests/browser) check the site and keep
   their own screenshots as test artefacts.

The Chromium launch (binary and flags) lives here too, and tests/browser uses it: Playwright's
own browser downloads do not work on these machines, so it drives /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, Playwright

CHROMIUM = Path(os.environ.get("STEUNPUNT_CHROMIUM") or "/usr/bin/chromium")
# Chromium's background connections (updates, sync, field trials) are refused on these machines
# and would only slow the start down; a page must never cause a request off disk either.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
)
# An ordinary phone: 390×844 CSS pixels (an iPhone 12–15), two device pixels per CSS pixel.
PHONE: Mapping[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
REPOSITORY = Path(__file__).resolve().parent.parent
DOCS_SCREENSHOTS = REPOSITORY / "docs" / "screenshots"


async def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with no background traffic of its own."""
    return await playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
    )


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of a block, then put back what was there."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def publish_demo(folder: Path) -> Path:
    """The demo's database published into folder/site; returns the site's folder."""
    from bot.cli import main

    database = folder / "demo.db"
    site = folder / "site"
    with contextlib.redirect_stdout(io.StringIO()):  # the demo's story is not the point here
        played = main(["demo", "--db", str(database)])
    if played != 0:
        raise RuntimeError("steunpunt demo failed; see above")
    with environment(DATABASE_URL=f"sqlite+aiosqlite:///{database}"):
        if main(["publish", "--out", str(site)]) != 0:
            raise RuntimeError("steunpunt publish failed; see above")
    return site


def small_png(png: bytes) -> bytes:
    """The same picture in at most 64 colours: a page of text loses nothing visible and the
    file shrinks to a third or less."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        reduced = picture.convert("RGB").quantize(colors=64, dither=Image.Dither.NONE)
        out = io.BytesIO()
        reduced.save(out, format="PNG", optimize=True)
        return out.getvalue()


async def first_href(page: Page, selector: str) -> str:
    href = await page.locator(selector).first.get_attribute("href")
    if href is None:
        raise SystemExit(f"{page.url} has no {selector}; is the site complete?")
    return href


async def shoot(site: Path) -> dict[str, bytes]:
    """site-index.png, site-theme.png and site-lesson.png: each page's first screen on a phone."""
    from playwright.async_api import async_playwright

    shots: dict[str, bytes] = {}
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        try:
            context = await browser.new_context(**PHONE)
            page = await context.new_page()
            index = (site / "index.html").as_uri()
            await page.goto(index)
            # The most recognised lesson, and the first theme it has (a page with lessons).
            lesson = (site / await first_href(page, "#results a.lesson-link")).resolve()
            await page.goto(lesson.as_uri())
            theme = (lesson.parent / await first_href(page, ".lesson-themes a")).resolve()
            for name, url in (
                ("index", index),
                ("theme", theme.as_uri()),
                ("lesson", lesson.as_uri()),
            ):
                await page.goto(url)
                shots[f"site-{name}.png"] = small_png(await page.screenshot(full_page=True))
        finally:
            await browser.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DOCS_SCREENSHOTS, help="folder for the PNGs")
    parser.add_argument("--keep", action="store_true", help="keep the published site and say where")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="steunpunt-site-"))
    try:
        site = publish_demo(folder)
        shots = asyncio.run(shoot(site))
        args.out.mkdir(parents=True, exist_ok=True)
        for name, png in shots.items():
            (args.out / name).write_bytes(png)
            print(f"{args.out / name}: {len(png) / 1000:.1f} kB")
    finally:
        if args.keep:
            print(f"The demo database and the site are in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

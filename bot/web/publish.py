"""Writing the site to disk, whole or not at all: it is rendered into a new folder beside the
target and swapped in, so a reader never sees half a site; and re-rendering (`--watch`) when
the shared log changed."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.publication import PublicationService, Site
from bot.web.render import render_site

MARKER = ".steunpunt-site"
MARKER_TEXT = "Made by `steunpunt publish`; the whole folder is replaced at each publish.\n"


class PublishError(Exception):
    """The site cannot be written there; the message says why in one sentence."""


@dataclass(frozen=True)
class Published:
    out: Path
    lessons: int
    theme_pages: int
    stadsdeel_pages: int
    feed_entries: int

    def summary(self) -> str:
        return (
            f"Wrote {self.out}: {self.lessons} lessons, {self.theme_pages} theme pages, "
            f"{self.stadsdeel_pages} stadsdeel pages, feed with {self.feed_entries} entries."
        )


def check_target(out: Path) -> None:
    """Refuses a target that is a file, or a folder with things in it that publish did not
    make (the swap replaces the whole folder)."""
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out} is a file; give a folder for the site, e.g. {out.parent}/site.")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise PublishError(
            f"{out} holds files that `steunpunt publish` did not make; give an empty or new "
            "folder (publish replaces the whole folder)."
        )
    if not out.parent.is_dir():
        raise PublishError(f"There is no folder {out.parent} to write the site in.")


def write_site(site: Site, out: Path, zone: ZoneInfo) -> Published:
    check_target(out)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    old: Path | None = None
    try:
        for page in render_site(site, zone):
            path = building / page.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page.content, encoding="utf-8")
        (building / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        building.chmod(0o755)  # mkdtemp makes it private; a site is for reading
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            out.replace(old / "site")
        building.replace(out)
    except BaseException:
        if old is not None and not out.exists():
            (old / "site").replace(out)  # put the previous site back
        shutil.rmtree(building, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return Published(
        out=out,
        lessons=len(site.lessons),
        theme_pages=len(site.themes),
        stadsdeel_pages=len(site.stadsdelen),
        feed_entries=len(site.newest),
    )


async def publish(service: PublicationService, out: Path, zone: ZoneInfo) -> Published:
    check_target(out)  # before reading the log: a wrong folder is refused at once
    site = await service.site()
    return await asyncio.to_thread(write_site, site, out, zone)


async def pause(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def watch(
    service: PublicationService,
    out: Path,
    zone: ZoneInfo,
    interval: float,
    report: Callable[[Published], object],
    sleep: Callable[[float], Awaitable[object]] | None = None,
    max_rounds: int | None = None,
) -> int:
    """Publish, then look every `interval` seconds whether the shared log changed (a cheap
    fingerprint) and publish again when it did. Runs until cancelled (Ctrl-C), or `max_rounds`
    looks (tests). How many times it published."""
    written = 0
    seen: tuple[object, ...] | None = None
    rounds = 0
    while True:
        current = await service.fingerprint()
        if current != seen:
            report(await publish(service, out, zone))
            written += 1
            seen = current
        rounds += 1
        if max_rounds is not None and rounds >= max_rounds:
            return written
        await (sleep or pause)(interval)

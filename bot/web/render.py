"""Rendering the site model (`bot.services.publication.Site`) into files: Jinja2 templates with
autoescape on (everything a person wrote is escaped), Dutch at the root and English under
`en/`, the same page names in both, one shared `assets/` folder.

Files: index.html, themes/<theme>.html, stadsdelen/<slug>.html, lessons/<id>.html, feed.atom
(and the same under en/), assets/site.css, assets/site.js, assets/search-data.js."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from bot.services.common import Language
from bot.services.publication import PublishedLesson, Site, language_of
from bot.web.search import as_script, search_data, title_of
from bot.web.texts import (
    date_label,
    kind_label,
    site_text,
    stadsdeel_label,
    theme_label,
)
from storage.models import Stadsdeel, TeamKind

LANGUAGES: tuple[Language, ...] = ("nl", "en")
ASSETS = ("site.css", "site.js")
SEARCH_DATA = "search-data.js"
# Entry and feed ids: stable URNs (the site has no address of its own to build them from).
FEED_NAMESPACE = uuid.UUID("6f4b8f0e-2c55-4d0c-9d53-8f1c0e7a5b21")


def slug(stadsdeel: Stadsdeel) -> str:
    """`nieuw_west` → `nieuw-west`: lower case, ascii, hyphens."""
    label = unicodedata.normalize("NFKD", stadsdeel.value.lower())
    plain = "".join(ch for ch in label if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site's root, with "/"
    content: str


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SiteRenderer:
    def __init__(self, site: Site, zone: ZoneInfo) -> None:
        self._site = site
        self._zone = zone
        self._env = _environment()
        # Shortening counts UTF-16 units character by character: once per lesson, not per page.
        self._titles = {lesson.id: title_of(lesson) for lesson in site.lessons}

    def pages(self) -> Iterator[Page]:
        for language in LANGUAGES:
            yield from self._language_pages(language)
        for name in ASSETS:
            text = resources.files("bot.web").joinpath("static", name).read_text("utf-8")
            yield Page(f"assets/{name}", text)
        yield Page(f"assets/{SEARCH_DATA}", as_script(search_data(self._site)))

    # --- one language's tree ----------------------------------------------------------------

    def _language_pages(self, language: Language) -> Iterator[Page]:
        site = self._site
        yield self._page(language, "index.html", "index.html", lessons=site.top)
        for theme in site.themes:
            yield self._page(
                language,
                f"themes/{theme}.html",
                "list.html",
                heading=site_text(language, "theme.title", theme=theme_label(language, theme)),
                empty=site_text(language, "theme.empty"),
                lessons=site.of_theme(theme),
            )
        for stadsdeel in site.stadsdelen:
            heading = (
                site_text(language, "stadsdeel.title_stad")
                if stadsdeel is Stadsdeel.STAD
                else site_text(
                    language, "stadsdeel.title", stadsdeel=stadsdeel_label(language, stadsdeel)
                )
            )
            yield self._page(
                language,
                f"stadsdelen/{slug(stadsdeel)}.html",
                "list.html",
                heading=heading,
                empty=site_text(language, "stadsdeel.empty"),
                lessons=site.of_stadsdeel(stadsdeel),
            )
        for lesson in site.lessons:
            yield self._page(language, f"lessons/{lesson.id}.html", "lesson.html", lesson=lesson)
        yield self._page(language, "feed.atom", "feed.atom", lessons=site.newest)

    def _page(self, language: Language, path: str, template: str, **context: Any) -> Page:
        depth = path.count("/")
        root = "../" * depth  # this language's root, from the page
        to_top = root + ("../" if language == "en" else "")  # the site's root
        other: Language = "en" if language == "nl" else "nl"
        toggle = to_top + ("en/" if other == "en" else "") + path
        content = self._env.get_template(template).render(
            lang=language,
            other=other,
            root=root,
            assets=to_top + "assets/",
            toggle_href=toggle,
            site=self._site,
            generated=date_label(language, self._site.generated_at, self._zone),
            **self._helpers(language),
            **context,
        )
        prefix = "en/" if language == "en" else ""
        return Page(prefix + path, content)

    def _helpers(self, language: Language) -> dict[str, Callable[..., Any]]:
        zone = self._zone

        def text(key: str, **params: object) -> str:
            return site_text(language, key, **params)

        def team_line(lesson: PublishedLesson) -> str:
            kind = kind_label(language, lesson.kind)
            if lesson.team_name is None:
                return site_text(language, "lesson.anonymous", kind=kind)
            return site_text(language, "item.team", team=lesson.team_name, kind=kind)

        def herkenbaar(count: int) -> str:
            if count == 1:
                return site_text(language, "item.herkenbaar_one")
            return site_text(language, "item.herkenbaar", count=count)

        def count_text(count: int, one: str, many: str) -> str:
            return (
                site_text(language, one) if count == 1 else site_text(language, many, count=count)
            )

        def feed_content(lesson: PublishedLesson) -> str:
            parts = [lesson.text]
            if lesson.advice:
                parts.append(f"{site_text(language, 'lesson.advice')}: {lesson.advice}")
            parts.append(f"{team_line(lesson)} · {stadsdeel_label(language, lesson.stadsdeel)}")
            return "\n\n".join(parts)

        def entry_id(lesson: PublishedLesson) -> str:
            return uuid.uuid5(FEED_NAMESPACE, f"lesson:{lesson.id}:{language}").urn

        def lang_attr(written: str) -> Markup:
            """` lang="nl"` on a text in the other language than the page's."""
            other = language_of(written)
            return Markup(' lang="{}"').format(other) if other != language else Markup("")

        return {
            "_": text,
            "lang_attr": lang_attr,
            "kind": lambda kind: kind_label(language, kind),
            "stadsdeel": lambda stadsdeel: stadsdeel_label(language, stadsdeel),
            "theme": lambda theme: theme_label(language, theme),
            "date": lambda moment: date_label(language, moment, zone),
            "iso": _iso,
            "slug": slug,
            "title_of": lambda lesson: self._titles.get(lesson.id) or title_of(lesson),
            "team_line": team_line,
            "herkenbaar": herkenbaar,
            "count_text": count_text,
            "entry_id": entry_id,
            "feed_content": feed_content,
            "feed_id": lambda: uuid.uuid5(FEED_NAMESPACE, f"feed:{language}").urn,
            "all_stadsdelen": lambda: list(Stadsdeel),
            "all_kinds": lambda: list(TeamKind),
        }


def render_site(site: Site, zone: ZoneInfo) -> list[Page]:
    return list(SiteRenderer(site, zone).pages())

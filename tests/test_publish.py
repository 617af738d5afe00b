"""The static web edition (`steunpunt publish`): a known log rendered to disk, and what a reader
of the site (and of its feed and search data) sees — and never sees."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from bot import cli
from bot.config import Settings
from bot.services.common import Actor
from bot.services.publication import (
    INDEX_LIMIT,
    PublicationService,
    Site,
    build_site,
)
from bot.web.publish import MARKER, PublishError, watch, write_site
from bot.web.render import slug
from bot.web.search import GLOBAL, TITLE_LIMIT, entries_of, keys_of, lessons_with, matching
from storage.models import THEMES, Lesson, Sprint, Stadsdeel, Team, TeamKind
from storage.publication import (
    AdoptionRow,
    EndorsementCounts,
    PublishedLessonRow,
    SharedLog,
)
from tests.support.services import PlainServices

ZONE = ZoneInfo("Europe/Amsterdam")
ATOM = "{http://www.w3.org/2005/Atom}"
MARKUP = "<script>alert(\"x\")</script> Rats & 'mice' </script><b>vet</b> vergunningen"
ADOPTED = "Wij probeerden dit <i>ook</i> & het werkte"
ANONYMOUS = "Vraag subsidie aan voor de zomer, dan is het budget nog niet op"
# Words that must never reach the site (each in a lesson or name the site may not show).
NEVER = (
    "TEAMGEHEIM",  # a lesson kept in its team
    "ONBESLIST",  # a lesson whose author has not chosen yet
    "VERBORGEN",  # a lesson hidden by an admin
    "DUBBELLES",  # a duplicate merged into another
    "Geheimzinnig Initiatief",  # the team of the anonymous lesson
    "GEHEIMDOEL",  # the goal of the sprint the anonymous lesson came from
    "Mostafa",
    "Erica",
    "Simon",
    "Zoë",
    "Anna Beheer",
)


@dataclass
class Log:
    shared: int  # Noord's lesson with markup, themes, advice, a sprint, endorsed and adopted
    anonymous: int  # shared anonymously by a team that shares nothing else
    plain: int  # Oost's lesson, shared, nothing else
    hidden: int
    merged: int
    team_only: int
    undecided: int
    noord: Team
    mostafa: Actor
    erica: Actor
    simon: Actor


async def _lesson(
    services: PlainServices, author: Actor, team: Team, text: str, choice: str | None
) -> int:
    card = await services.lessons.write(author, team.id, text)
    for theme in card.suggested:
        await services.lessons.set_theme(author, card.lesson.id, theme, on=False)
    if choice is not None:
        await services.lessons.decide(author, card.lesson.id, choice)  # type: ignore[arg-type]
    return card.lesson.id


@pytest.fixture
async def log(services: PlainServices) -> Log:
    async with services.together():
        mostafa = await services.person(601, "Mostafa")
        erica = await services.person(602, "Erica")
        simon = await services.person(603, "Simon")
        zoe = await services.person(604, "Zoë")
        noord, _ = await services.team(
            "Rattenaanpak Noord", TeamKind.INITIATIEF, Stadsdeel.NOORD, mostafa
        )
        oost, _ = await services.team(
            "Gebiedsteam Oost", TeamKind.GEBIEDSTEAM, Stadsdeel.OOST, erica
        )
        secret, _ = await services.team(
            "Geheimzinnig Initiatief", TeamKind.INITIATIEF, Stadsdeel.NIEUW_WEST, zoe
        )
        await services.team("Stadsbreed Team", TeamKind.AMBTELIJK_TEAM, Stadsdeel.STAD, simon)
        admin = await services.admin()
    lessons = services.lessons
    shared = await _lesson(services, mostafa, noord, MARKUP, "city")
    await lessons.set_advice(mostafa, shared, 'Bel eerst & vraag "waarom"')
    await lessons.set_theme(mostafa, shared, "routes", on=True)
    await lessons.set_theme(mostafa, shared, "financiering", on=True)
    plain = await _lesson(
        services,
        erica,
        oost,
        "Een buurtbudget werkt als de buurt kiest; een flyer alleen niet",
        "city",
    )
    anonymous = await _lesson(services, zoe, secret, ANONYMOUS, "anonymous")
    hidden = await _lesson(services, mostafa, noord, "VERBORGEN gedoe met de buren", "city")
    await lessons.hide(admin, hidden, "Noemt een buurman")
    merged = await _lesson(services, mostafa, noord, "DUBBELLES over ratten", "city")
    await lessons.merge(admin, shared, merged)
    team_only = await _lesson(services, mostafa, noord, "TEAMGEHEIM: wie wat zei", "team")
    undecided = await _lesson(services, mostafa, noord, "ONBESLIST nog even niet", None)
    await lessons.endorse(erica, shared)
    await lessons.endorse(simon, shared)
    await lessons.endorse(erica, anonymous)
    await lessons.adopt(erica, shared, ADOPTED)
    await lessons.adopt(erica, anonymous, "Werkte bij ons ook")
    async with services.together() as session:
        noord_sprint = Sprint(
            team_id=noord.id,
            number=1,
            goal="Minder ratten in het Noorderpark",
            starts_at=services.clock.now,
            ends_at=services.clock.now + timedelta(days=14),
        )
        secret_sprint = Sprint(
            team_id=secret.id,
            number=1,
            goal="GEHEIMDOEL in de Baarsjes",
            starts_at=services.clock.now,
            ends_at=services.clock.now + timedelta(days=14),
        )
        session.add_all([noord_sprint, secret_sprint])
        await session.flush()
        (await session.get(Lesson, shared)).sprint_id = noord_sprint.id  # type: ignore[union-attr]
        (await session.get(Lesson, anonymous)).sprint_id = secret_sprint.id  # type: ignore[union-attr]
    return Log(
        shared, anonymous, plain, hidden, merged, team_only, undecided, noord, mostafa, erica, simon
    )


async def published(services: PlainServices, out: Path) -> Path:
    site = await PublicationService(services.database, services.clock).site()
    write_site(site, out, ZONE)
    return out


# --- reading the site back ---------------------------------------------------------------------


class Links(HTMLParser):
    """Every address a page refers to, with its tag, plus the language toggles and <html lang>."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, address)
        self.toggles: list[dict[str, str | None]] = []
        self.lang: str | None = None
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if found.get("id"):
            self.ids.append(str(found["id"]))
        for name in ("href", "src", "data-search-data"):
            if found.get(name) is not None:
                self.refs.append((tag, name, str(found[name])))
        if "language-toggle" in (found.get("class") or "").split():
            self.toggles.append(found)


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text("utf-8"))
    return links


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def every_file_text(site: Path) -> dict[Path, str]:
    return {path: path.read_text("utf-8") for path in site.rglob("*") if path.is_file()}


def search_payload(site: Path) -> dict[str, object]:
    script = (site / "assets" / "search-data.js").read_text("utf-8")
    prefix = f"window.{GLOBAL}="
    assert script.startswith(prefix)
    assert script.endswith(";\n")
    data: dict[str, object] = json.loads(script[len(prefix) : -2])
    return data


def leftovers(folder: Path) -> list[str]:
    """Half-built or old copies of a site beside it."""
    return [path.name for path in folder.iterdir() if path.name.startswith(".site")]


def relative(site: Path, path: Path) -> str:
    return path.relative_to(site).as_posix()


# --- the pages and the links -----------------------------------------------------------------


async def test_the_site_has_every_page_in_both_languages(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    site = await published(services, tmp_path / "site")
    nl = {relative(site, page) for page in site.rglob("*") if page.is_file()}
    expected = {
        "index.html",
        "feed.atom",
        *(f"themes/{theme}.html" for theme in THEMES),
        # Stadsdelen with lessons, and the whole city always (no lessons yet).
        "stadsdelen/noord.html",
        "stadsdelen/oost.html",
        "stadsdelen/nieuw-west.html",
        "stadsdelen/stad.html",
        *(f"lessons/{lesson}.html" for lesson in (log.shared, log.anonymous, log.plain)),
    }
    assets = {"assets/site.css", "assets/site.js", "assets/search-data.js"}
    assert nl == expected | {f"en/{path}" for path in expected} | assets | {MARKER}
    assert slug(Stadsdeel.NIEUW_WEST) == "nieuw-west"

    for page in pages(site):
        links = parse(page)
        english = relative(site, page).startswith("en/")
        assert links.lang == ("en" if english else "nl"), page
        assert "main" in links.ids, page
        text = page.read_text("utf-8")
        assert '<a class="skip-link" href="#main">' in text
        assert text.count("<h1") == 1, page
        for landmark in ("<header", "<nav", "<main", "<footer"):
            assert landmark in text, (page, landmark)
        # The toggle leads to the same page in the other language, and says so.
        (toggle,) = links.toggles
        assert toggle["hreflang"] == ("nl" if english else "en")
        counterpart = (page.parent / str(toggle["href"])).resolve()
        name = relative(site, page)
        assert counterpart == (site / (name[3:] if english else f"en/{name}")).resolve()


async def test_every_link_resolves_and_nothing_comes_from_another_host(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    site = await published(services, tmp_path / "site")
    checked = 0
    for page in pages(site):
        for tag, attribute, address in parse(page).refs:
            parts = urlsplit(address)
            assert not parts.scheme, (page, tag, attribute, address)
            assert not parts.netloc, (page, tag, attribute, address)
            assert not address.startswith("//"), (page, address)
            if not parts.path:  # "#main"
                assert parts.fragment
                continue
            target = (page.parent / parts.path).resolve()
            assert target.is_file(), (page, address)
            assert site.resolve() in target.parents, (page, address)
            checked += 1
    assert checked > 100
    css = (site / "assets" / "site.css").read_text("utf-8")
    assert "url(" not in css
    assert "@import" not in css
    for path, text in every_file_text(site).items():
        outside = re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text)
        if path.name == "feed.atom":
            assert outside == ["http://www.w3.org"], path  # the Atom namespace, never fetched
        else:
            assert outside == [], (path, outside)
    script = (site / "assets" / "site.js").read_text("utf-8")
    assert "fetch(" not in script
    assert "XMLHttpRequest" not in script


# --- what a lesson page shows ----------------------------------------------------------------


async def test_a_lesson_page_shows_what_an_outsider_needs(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    site = await published(services, tmp_path / "site")
    page = (site / "lessons" / f"{log.shared}.html").read_text("utf-8")
    assert f'<article class="lesson" data-id="{log.shared}">' in page
    assert "<h1>Les van Rattenaanpak Noord</h1>" in page
    # What someone typed is escaped: text, advice and adoption lines.
    assert (
        # Mostly English words: marked so on the Dutch page (for screen readers).
        '<div class="lesson-text" lang="en">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; '
        "Rats &amp; "
        "&#39;mice&#39; &lt;/script&gt;&lt;b&gt;vet&lt;/b&gt; vergunningen</div>"
    ) in page
    assert "Bel eerst &amp; vraag &#34;waarom&#34;" in page
    assert "Wij probeerden dit &lt;i&gt;ook&lt;/i&gt; &amp; het werkte" in page
    assert "<script>alert" not in page
    assert "<b>vet" not in page
    assert "<i>ook" not in page
    assert "<dd>initiatief</dd>" in page
    assert '<a href="../stadsdelen/noord.html">Noord</a>' in page
    assert '<dd class="sprint-goal">Minder ratten in het Noorderpark</dd>' in page
    assert '<li><a href="../themes/routes.html">routes</a></li>' in page
    assert '<li><a href="../themes/financiering.html">financiering</a></li>' in page
    # Two teams found it herkenbaar (Erica's and Simon's); the adoption names Erica's team.
    assert '<p class="endorsements" data-count="2">2 teams vonden dit herkenbaar.</p>' in page
    assert "— Gebiedsteam Oost, 30 november 2026" in page
    assert '<a class="back-link" href="../index.html">' in page
    english = (site / "en" / "lessons" / f"{log.shared}.html").read_text("utf-8")
    assert "<h1>Lesson from Rattenaanpak Noord</h1>" in english
    assert "2 teams found this recognisable (herkenbaar)." in english
    assert '<a href="../themes/financiering.html">funding</a>' in english
    assert "&lt;script&gt;alert(" in english  # the lesson as written, in both trees

    plain = (site / "lessons" / f"{log.plain}.html").read_text("utf-8")
    assert "Nog geen team vond dit herkenbaar." in plain
    assert "Nog geen team schreef dat het dit probeerde." in plain
    assert "sprint-goal" not in plain


async def test_an_anonymous_lesson_names_no_team_and_no_one_anywhere(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    site = await published(services, tmp_path / "site")
    page = (site / "lessons" / f"{log.anonymous}.html").read_text("utf-8")
    assert "<h1>Anonieme les (initiatief, Nieuw-West)</h1>" in page
    assert "<dd>anoniem (initiatief)</dd>" in page
    assert ANONYMOUS in page
    assert "1 team vond dit herkenbaar." in page
    data = search_payload(site)
    entries = {entry.id: entry for entry in entries_of(data)}
    assert entries[log.anonymous].team is None
    assert "Geheimzinnig Initiatief" not in data["t"]  # type: ignore[operator]
    for path, text in every_file_text(site).items():
        for word in NEVER:
            assert word not in text, (path, word)


async def test_team_only_undecided_hidden_and_merged_lessons_never_appear(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    site = await published(services, tmp_path / "site")
    data = search_payload(site)
    shown = {entry.id for entry in entries_of(data)}
    assert shown == {log.shared, log.anonymous, log.plain}
    for missing in (log.hidden, log.merged, log.team_only, log.undecided):
        assert not (site / "lessons" / f"{missing}.html").exists()
        for page in pages(site):
            assert f'data-id="{missing}"' not in page.read_text("utf-8")
    # Their words are not in the search index either (its keys are the lessons' words).
    keys = keys_of(str(data["w"]))
    for word in ("teamgeheim", "onbeslist", "verborgen", "dubbelles", "buurman"):
        assert word not in keys


# --- the index: ranking, search data, filters --------------------------------------------------


async def test_the_index_lists_the_most_recognised_first_with_search_and_filters(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    site = await published(services, tmp_path / "site")
    index = (site / "index.html").read_text("utf-8")
    order = [int(found) for found in re.findall(r'<li class="lesson-item" data-id="(\d+)"', index)]
    assert order == [log.shared, log.anonymous, log.plain]  # 2 endorsements, 1, none
    assert f'<a class="lesson-link" href="lessons/{log.shared}.html" lang="en">' in index
    assert '<label for="search">' in index
    assert '<input type="search" id="search"' in index
    for name in ("theme", "stadsdeel", "kind"):
        assert f'<label for="filter-{name}">' in index
        assert re.search(rf'<select id="filter-{name}"[^>]*>\s*<option value="">', index)
    assert '<p id="result-count" aria-live="polite" data-count="3"' in index
    assert '<ol id="results"' in index
    assert '<p id="no-results" hidden>' in index
    # Without JavaScript: every theme and stadsdeel page is a link away.
    for theme in THEMES:
        assert f'href="themes/{theme}.html"' in index
    assert 'href="stadsdelen/stad.html"' in index
    assert "Rattenaanpak Noord (initiatief) · Noord · herkenbaar voor 2 teams" in index

    data = search_payload(site)
    entries = entries_of(data)
    assert [entry.id for entry in entries] == order
    first = entries[0]
    assert first.title == MARKUP[: TITLE_LIMIT - 1].rstrip() + "…"  # shortened, still escaped
    assert first.themes == ("routes", "financiering")
    assert (first.stadsdeel, first.kind) == ("noord", "initiatief")
    assert (first.team, first.endorsing_teams) == ("Rattenaanpak Noord", 2)
    script = (site / "assets" / "search-data.js").read_text("utf-8")
    assert "<" not in script
    assert ">" not in script


def found(data: dict[str, object], word: str) -> set[int]:
    """The lessons the searcher (site.js) finds for one query word: the same rules."""
    keys = keys_of(str(data["w"]))
    postings = {key: set(lessons_with(data, key)) for key in keys}
    return matching(word, keys, postings)


async def test_the_search_data_agrees_with_the_bots_analyser(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    site = await published(services, tmp_path / "site")
    data = search_payload(site)
    keys = keys_of(str(data["w"]))
    assert keys == sorted(keys)
    assert len(str(data["p"]).split(" ")) == len(keys)
    # As you type, and a word typed whole in another form: the bot's stem leads to it.
    for word in ("ver", "vergun", "vergunning", "vergunningen"):
        assert found(data, word) == {log.shared}, word
    assert found(data, "subsid") == {log.anonymous}
    # A compound is indexed as its parts (as the bot does) and as written.
    assert found(data, "buurtbudget") == {log.plain}
    assert found(data, "budget") == {log.plain, log.anonymous}  # "het budget nog niet op"
    # The bot's synonym list: "folder" finds the lesson that says "flyer".
    assert found(data, "folder") == found(data, "flyer") == {log.plain}
    assert found(data, "ratten") == set()  # only in the merged duplicate
    assert "de" in str(data["s"]).split()  # stop words, dropped from queries as the bot does


# --- the feed ----------------------------------------------------------------------------------


async def test_the_feed_is_atom_with_the_newest_shared_lessons(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    site = await published(services, tmp_path / "site")
    for tree, lang in ((site, "nl"), (site / "en", "en")):
        raw = (tree / "feed.atom").read_text("utf-8")
        feed = ElementTree.fromstring(raw)
        assert feed.tag == f"{ATOM}feed"
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        for field in ("id", "title", "updated"):
            assert (feed.findtext(f"{ATOM}{field}") or "").strip(), field
        assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Steunpunt"
        datetime.fromisoformat(str(feed.findtext(f"{ATOM}updated")).replace("Z", "+00:00"))
        entries = feed.findall(f"{ATOM}entry")
        ids = []
        for entry in entries:
            ids.append(entry.findtext(f"{ATOM}id"))
            assert (entry.findtext(f"{ATOM}title") or "").strip()
            datetime.fromisoformat(str(entry.findtext(f"{ATOM}updated")).replace("Z", "+00:00"))
            link = entry.find(f"{ATOM}link")
            assert link is not None
            assert (tree / str(link.get("href"))).is_file()
        assert len(set(ids)) == len(ids) == 3
        contents = {
            int(str(entry.find(f"{ATOM}link").get("href"))[8:-5]): entry.findtext(  # type: ignore[union-attr]
                f"{ATOM}content"
            )
            for entry in entries
        }
        assert set(contents) == {log.shared, log.anonymous, log.plain}
        # Parsed back, the text is exactly what was written; raw, its markup is escaped.
        assert str(contents[log.shared]).startswith(MARKUP + "\n\n")
        assert "<script>" not in raw
        assert "&lt;script&gt;" in raw
        assert "Geheimzinnig" not in str(contents[log.anonymous])


# --- theme and stadsdeel pages -------------------------------------------------------------------


async def test_texts_in_the_other_language_than_the_page_are_marked(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    """WCAG 3.1.2: a screen reader reads a Dutch lesson on an English page as Dutch."""
    site = await published(services, tmp_path / "site")
    dutch = "Een buurtbudget werkt als de buurt kiest; een flyer alleen niet"
    nl_page = (site / "lessons" / f"{log.plain}.html").read_text("utf-8")
    en_page = (site / "en" / "lessons" / f"{log.plain}.html").read_text("utf-8")
    assert f'<div class="lesson-text">{dutch}</div>' in nl_page
    assert f'<div class="lesson-text" lang="nl">{dutch}</div>' in en_page
    en_shared = (site / "en" / "lessons" / f"{log.shared}.html").read_text("utf-8")
    assert '<div class="lesson-text">&lt;script&gt;' in en_shared  # English on an English page
    assert '<div class="advice-text" lang="nl">Bel eerst' in en_shared
    assert '<dd class="sprint-goal" lang="nl">Minder ratten in het Noorderpark</dd>' in en_shared
    assert '<p class="adoption-text" lang="nl">Wij probeerden dit' in en_shared
    en_index = (site / "en" / "index.html").read_text("utf-8")
    assert f'<a class="lesson-link" href="lessons/{log.plain}.html" lang="nl">' in en_index
    assert f'<a class="lesson-link" href="lessons/{log.shared}.html">' in en_index
    # The list the browser builds marks them the same way: the search data says which are
    # written in English, by their place in the ranking.
    data = search_payload(site)
    ranked = [entry.id for entry in entries_of(data)]
    assert data["e"] == f"{ranked.index(log.shared):x}"


async def test_theme_and_stadsdeel_pages_list_their_lessons_or_say_there_are_none(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    site = await published(services, tmp_path / "site")
    routes = (site / "themes" / "routes.html").read_text("utf-8")
    assert '<ol class="lesson-list">' in routes
    assert f'<a class="lesson-link" href="../lessons/{log.shared}.html" lang="en">' in routes
    assert f'data-id="{log.plain}"' not in routes
    empty = (site / "themes" / "cultuur.html").read_text("utf-8")
    assert "Nog geen lessen met dit thema." in empty
    assert "lesson-list" not in empty
    assert "No lessons with this theme yet." in (site / "en/themes/cultuur.html").read_text()
    noord = (site / "stadsdelen" / "noord.html").read_text("utf-8")
    assert "<h1>Stadsdeel: Noord</h1>" in noord
    assert f'data-id="{log.shared}"' in noord
    stad = (site / "stadsdelen" / "stad.html").read_text("utf-8")
    assert "<h1>De hele stad</h1>" in stad
    assert "Nog geen lessen van teams" in stad


# --- the ranking (no database) -----------------------------------------------------------------

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _row(lesson_id: int, shared_days_ago: int, anonymous: bool = False) -> PublishedLessonRow:
    return PublishedLessonRow(
        id=lesson_id,
        text=f"les {lesson_id}",
        advice=None,
        anonymous=anonymous,
        shared_at=NOW - timedelta(days=shared_days_ago),
        team_id=1,
        team_name="Team",
        kind=TeamKind.INITIATIEF,
        stadsdeel=Stadsdeel.ZUID,
        sprint_goal="Doel",
    )


RANKING = [
    # (id, shared days ago, (all endorsements, of the last 8 weeks)), in the order expected
    (1, 300, (3, 3)),  # most endorsements of the last weeks, though old
    (2, 10, (9, 2)),  # fewer recent ones, more of all time
    (3, 20, (4, 2)),
    (4, 1, (20, 0)),  # much recognised, but not lately
    (5, 2, (0, 0)),  # newest of the rest
    (6, 3, (0, 0)),
]


def test_the_ranking_puts_the_most_recognised_of_the_last_weeks_first() -> None:
    rows = [_row(lesson_id, days) for lesson_id, days, _ in reversed(RANKING)]
    counts = {
        lesson_id: EndorsementCounts(total, recent, teams=total)
        for lesson_id, _, (total, recent) in RANKING
    }
    log = SharedLog(rows, {}, {}, counts, {}, {})
    site = build_site(log, NOW)
    assert [lesson.id for lesson in site.lessons] == [lesson_id for lesson_id, _, _ in RANKING]
    assert [lesson.id for lesson in site.newest] == [4, 5, 6, 2, 3, 1]
    assert site.stadsdelen == (Stadsdeel.ZUID, Stadsdeel.STAD)


def test_an_anonymous_lesson_loses_its_team_and_sprint_goal_in_the_model() -> None:
    adoption = AdoptionRow(7, "Ging goed", NOW, 1, "Team", TeamKind.INITIATIEF, Stadsdeel.ZUID)
    log = SharedLog([_row(7, 1, anonymous=True)], {}, {}, {}, {7: [adoption]}, {})
    (lesson,) = build_site(log, NOW).lessons
    assert (lesson.team_name, lesson.sprint_goal, lesson.anonymous) == (None, None, True)
    # An adoption by the lesson's own team would name it: it stays unnamed.
    assert lesson.adoptions[0].team_name is None


def test_the_index_shows_at_most_fifty_lessons() -> None:
    rows = [_row(n, n) for n in range(1, INDEX_LIMIT + 11)]
    site = build_site(SharedLog(rows, {}, {}, {}, {}, {}), NOW)
    assert len(site.top) == INDEX_LIMIT
    assert len(site.lessons) == INDEX_LIMIT + 10


def test_an_empty_log_gives_a_kind_site(tmp_path: Path) -> None:
    site = Site(NOW, (), THEMES, (Stadsdeel.STAD,))
    published_ = write_site(site, tmp_path / "site", ZONE)
    assert published_.summary() == (
        f"Wrote {tmp_path / 'site'}: 0 lessons, 7 theme pages, 1 stadsdeel pages, "
        "feed with 0 entries."
    )
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "Er zijn nog geen gedeelde lessen." in index
    ElementTree.fromstring((tmp_path / "site" / "feed.atom").read_text("utf-8"))


# --- writing: atomic, refusals, re-publishing, watching ----------------------------------------


async def test_publishing_again_replaces_the_site_whole(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    out = await published(services, tmp_path / "site")
    (out / "lessons" / "999.html").write_text("stale")
    admin = await services.admin()
    await services.lessons.hide(admin, log.plain, "Dubbel")
    await published(services, out)
    assert not (out / "lessons" / f"{log.plain}.html").exists()
    assert not (out / "lessons" / "999.html").exists()
    assert (out / "lessons" / f"{log.shared}.html").exists()
    # Nothing left beside it: no half-built or old copies.
    assert leftovers(tmp_path) == []


def test_a_failed_render_keeps_the_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Site(NOW, (), THEMES, (Stadsdeel.STAD,))
    out = tmp_path / "site"
    write_site(site, out, ZONE)
    before = (out / "index.html").read_text("utf-8")

    def broken(*_: object) -> list[object]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("bot.web.publish.render_site", broken)
    with pytest.raises(OSError, match="No space"):
        write_site(site, out, ZONE)
    assert (out / "index.html").read_text("utf-8") == before
    assert [path.name for path in tmp_path.iterdir()] == ["site"]


def test_refusals(tmp_path: Path) -> None:
    site = Site(NOW, (), THEMES, (Stadsdeel.STAD,))
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    with pytest.raises(PublishError, match="is a file"):
        write_site(site, a_file, ZONE)
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_text("mine")
    with pytest.raises(PublishError, match="did not make"):
        write_site(site, foreign, ZONE)
    assert (foreign / "holiday.jpg").read_text() == "mine"
    assert a_file.read_text() == "mine"
    with pytest.raises(PublishError, match="There is no folder"):
        write_site(site, tmp_path / "nowhere" / "site", ZONE)
    empty = tmp_path / "empty"
    empty.mkdir()
    write_site(site, empty, ZONE)  # an empty folder is fine
    assert (empty / MARKER).is_file()


async def test_watch_renders_again_only_when_the_log_changed(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    service = PublicationService(services.database, services.clock)
    reports: list[str] = []
    naps: list[float] = []

    async def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:  # between the second and third look, someone endorses
            await services.lessons.endorse(log.simon, log.plain)

    written = await watch(
        service, out, ZONE, 30, lambda done: reports.append(done.summary()), sleep, max_rounds=4
    )
    assert written == 2
    assert naps == [30, 30, 30]
    assert (
        reports[0]
        == reports[1]
        == (f"Wrote {out}: 3 lessons, 7 theme pages, 4 stadsdeel pages, feed with 3 entries.")
    )
    page = (out / "lessons" / f"{log.plain}.html").read_text("utf-8")
    assert "1 team vond dit herkenbaar." in page


async def test_watch_renders_a_day_old_site_again_though_nothing_changed(
    services: PlainServices, log: Log, tmp_path: Path
) -> None:
    """The index ranks what was recognised in the last weeks and says when it was made."""
    out = tmp_path / "site"
    service = PublicationService(services.database, services.clock)
    now = [0.0]
    written_at: list[float] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    written = await watch(
        service,
        out,
        ZONE,
        6 * 60 * 60,
        lambda _done: written_at.append(now[0]),
        sleep,
        max_rounds=10,
        clock=lambda: now[0],
    )
    hours = [moment / 3600 for moment in written_at]
    assert hours == [0, 24, 48]
    assert written == 3


# --- the command line --------------------------------------------------------------------------


def test_publish_on_the_demo_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["demo", "--db", str(tmp_path / "demo.db")]) == 0
    capsys.readouterr()
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    out = tmp_path / "site"
    assert cli.main(["publish", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed == (
        f"Wrote {out}: 3 lessons, 7 theme pages, 4 stadsdeel pages, feed with 3 entries.\n"
    )
    index = (out / "index.html").read_text("utf-8")
    assert "Bel de gebiedsmakelaar vóór je een vergunning aanvraagt" in index
    for name in ("Mostafa", "Erica", "Anna"):
        for text in every_file_text(out).values():
            assert name not in text

    # Again: replaced whole. Into a file, or a folder of someone else's: refused in a sentence.
    assert cli.main(["publish", "--out", str(out)]) == 0
    capsys.readouterr()
    (tmp_path / "notes.txt").write_text("mine")
    assert cli.main(["publish", "--out", str(tmp_path / "notes.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("steunpunt: ")
    assert "is a file" in err
    assert err.count("\n") == 1
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_text("mine")
    assert cli.main(["publish", "--out", str(tmp_path / "photos")]) == 2
    assert "did not make" in capsys.readouterr().err


def test_publish_refuses_a_database_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'missing.db'}")
    assert cli.main(["publish", "--out", str(tmp_path / "site")]) == 2
    assert "There is no database at" in capsys.readouterr().err
    assert not (tmp_path / "missing.db").exists()
    assert not (tmp_path / "site").exists()
    # A file that is no Steunpunt database.
    (tmp_path / "other.db").write_bytes(b"")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    assert cli.main(["publish", "--out", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert "Cannot read the city log" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "site").exists()
    assert [path.name for path in tmp_path.iterdir()] == ["other.db"]


def test_publish_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["publish", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--out DIR" in out
    assert "--watch" in out
    assert "--interval SECONDS" in out


def test_publish_watch_stops_cleanly_on_sigterm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """systemd and docker stop the watching service with SIGTERM."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    assert cli.main(["demo", "--db", str(tmp_path / "demo.db")]) == 0
    capsys.readouterr()

    class KilledError(Exception):
        pass

    def killed(_signum: int, _frame: object) -> None:
        raise KilledError  # only if publish left SIGTERM to the default: the process would die

    async def terminated(_seconds: float) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(5)

    previous = signal.signal(signal.SIGTERM, killed)
    try:
        monkeypatch.setattr("bot.web.publish.pause", terminated)
        out = tmp_path / "site"
        assert cli.main(["publish", "--out", str(out), "--watch", "--interval", "60"]) == 0
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert capsys.readouterr().out.splitlines() == [
        f"Wrote {out}: 3 lessons, 7 theme pages, 4 stadsdeel pages, feed with 3 entries.",
        f"Stopped watching; {out} holds the last site written.",
    ]
    assert (out / "index.html").is_file()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_publish_watch_stops_cleanly_on_ctrl_c(
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    assert cli.main(["demo", "--db", str(tmp_path / "demo.db")]) == 0
    capsys.readouterr()
    looks: list[float] = []

    async def interrupted(seconds: float) -> None:
        looks.append(seconds)
        raise KeyboardInterrupt

    monkeypatch.setattr("bot.web.publish.pause", interrupted)
    out = tmp_path / "site"
    assert cli.main(["publish", "--out", str(out), "--watch", "--interval", "5"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert looks == [5.0]
    assert printed == [
        f"Wrote {out}: 3 lessons, 7 theme pages, 4 stadsdeel pages, feed with 3 entries.",
        f"Stopped watching; {out} holds the last site written.",
    ]
    assert (out / "index.html").is_file()
    with pytest.raises(SystemExit):
        cli.main(["publish", "--out", str(out), "--watch", "--interval", "0"])
    assert "is not a number of seconds above 0" in capsys.readouterr().err

"""The static web edition of the city log (`steunpunt publish`): which lessons the public site
shows, what it shows of each, and in which order. Plain Python; the moment is an input.

Privacy: the site names no person at all. A lesson shared under its team's name shows that
name, as the bot's city log does; an anonymous lesson shows only its team's kind and stadsdeel
(nor the goal of the sprint it came from, which its team wrote and which may name it). Of the
teams that tried a lesson, their names, as the bot tells the lesson's team."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from bot.services.common import Clock, Language
from storage.database import Database
from storage.models import THEMES, Stadsdeel, TeamKind
from storage.publication import AdoptionRow, EndorsementCounts, Publication, SharedLog

# "Most recognised of the last weeks first": endorsements of this many weeks count first.
RECENT_WEEKS = 8
# The index lists this many lessons without JavaScript; the rest by search, theme, stadsdeel.
INDEX_LIMIT = 50
FEED_LIMIT = 50
NO_COUNTS = EndorsementCounts(0, 0, 0)


_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=20_000)
def language_of(text: str) -> Language:
    """Dutch or English: the language whose speakers use the text's words more (Dutch on a
    tie, as most of the log is). Pages mark a text written in the other language than the
    page's, so a screen reader pronounces it right (WCAG 3.1.2)."""
    import wordfreq  # loaded once, on the first text

    lead = 0.0
    for word in _LETTERS.findall(text.lower()):
        lead += wordfreq.zipf_frequency(word, "nl") - wordfreq.zipf_frequency(word, "en")
    return "en" if lead < 0 else "nl"


@dataclass(frozen=True)
class AdoptionLine:
    """What a team that tried the lesson wrote. `team_name` is None when the team is gone, or
    when naming it would name the team of an anonymous lesson."""

    text: str
    created_at: datetime
    team_name: str | None
    kind: TeamKind | None
    stadsdeel: Stadsdeel | None


@dataclass(frozen=True)
class PublishedLesson:
    id: int
    text: str
    advice: str | None
    team_name: str | None  # None: shared anonymously (never shown, never in the search data)
    kind: TeamKind
    stadsdeel: Stadsdeel
    sprint_goal: str | None
    themes: tuple[str, ...]
    tags: tuple[str, ...]
    shared_at: datetime
    endorsing_teams: int  # how many teams found it herkenbaar
    endorsements: int
    recent_endorsements: int
    adoptions: tuple[AdoptionLine, ...]
    terms: tuple[str, ...]  # the bot's search terms of the lesson (its analyser's)

    @property
    def anonymous(self) -> bool:
        return self.team_name is None


@dataclass(frozen=True)
class Site:
    """The whole site: the lessons ranked, and which theme and stadsdeel pages there are."""

    generated_at: datetime
    lessons: tuple[PublishedLesson, ...]  # ranked: most recognised of the last weeks first
    themes: tuple[str, ...]  # every theme has a page, with lessons or not
    stadsdelen: tuple[Stadsdeel, ...]  # those with lessons, and always the whole city

    @property
    def top(self) -> tuple[PublishedLesson, ...]:
        return self.lessons[:INDEX_LIMIT]

    def of_theme(self, theme: str) -> tuple[PublishedLesson, ...]:
        return tuple(lesson for lesson in self.lessons if theme in lesson.themes)

    def of_stadsdeel(self, stadsdeel: Stadsdeel) -> tuple[PublishedLesson, ...]:
        return tuple(lesson for lesson in self.lessons if lesson.stadsdeel is stadsdeel)

    @property
    def newest(self) -> tuple[PublishedLesson, ...]:
        """The feed's lessons: the newest shared first."""
        ordered = sorted(self.lessons, key=lambda lesson: (lesson.shared_at, lesson.id))
        return tuple(reversed(ordered))[:FEED_LIMIT]

    @property
    def updated_at(self) -> datetime:
        """When the log last changed as the feed sees it (the newest share; else now)."""
        return max((lesson.shared_at for lesson in self.lessons), default=self.generated_at)


def rank_key(lesson: PublishedLesson) -> tuple[int, int, float, int]:
    """Endorsements of the last weeks, then of all time, then the newest."""
    return (
        -lesson.recent_endorsements,
        -lesson.endorsements,
        -lesson.shared_at.timestamp(),
        -lesson.id,
    )


def _adoption(row: AdoptionRow, lesson_team_id: int, anonymous: bool) -> AdoptionLine:
    hide_team = anonymous and row.team_id == lesson_team_id
    return AdoptionLine(
        text=row.text,
        created_at=row.created_at,
        team_name=None if hide_team else row.team_name,
        kind=row.kind,
        stadsdeel=row.stadsdeel,
    )


def build_site(log: SharedLog, now: datetime) -> Site:
    lessons = []
    for row in log.lessons:
        counts = log.endorsements.get(row.id, NO_COUNTS)
        lessons.append(
            PublishedLesson(
                id=row.id,
                text=row.text,
                advice=row.advice,
                team_name=None if row.anonymous else row.team_name,
                kind=row.kind,
                stadsdeel=row.stadsdeel,
                sprint_goal=None if row.anonymous else row.sprint_goal,
                themes=tuple(sorted(log.themes.get(row.id, ()), key=_theme_order)),
                tags=tuple(log.tags.get(row.id, ())),
                shared_at=row.shared_at,
                endorsing_teams=counts.teams,
                endorsements=counts.total,
                recent_endorsements=counts.recent,
                adoptions=tuple(
                    _adoption(adoption, row.team_id, row.anonymous)
                    for adoption in log.adoptions.get(row.id, ())
                ),
                terms=tuple(log.terms.get(row.id, ())),
            )
        )
    lessons.sort(key=rank_key)
    return Site(
        generated_at=now,
        lessons=tuple(lessons),
        themes=THEMES,
        stadsdelen=_stadsdelen(lesson.stadsdeel for lesson in lessons),
    )


def _theme_order(theme: str) -> int:
    return THEMES.index(theme) if theme in THEMES else len(THEMES)


def _stadsdelen(present: Iterable[Stadsdeel]) -> tuple[Stadsdeel, ...]:
    found = set(present) | {Stadsdeel.STAD}
    return tuple(stadsdeel for stadsdeel in Stadsdeel if stadsdeel in found)


class PublicationService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def site(self) -> Site:
        now = self._clock()
        async with self._db.unit_of_work() as session:
            log = await Publication(session).shared_log(now - timedelta(weeks=RECENT_WEEKS))
        return build_site(log, now)

    async def fingerprint(self) -> tuple[object, ...]:
        """Changes when the shared log changed (for `publish --watch`)."""
        async with self._db.unit_of_work() as session:
            return await Publication(session).fingerprint()

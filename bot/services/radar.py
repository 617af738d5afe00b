"""The blocker radar: what teams ran into (*waar liep je tegenaan?*) grouped across teams, so a
wall that six teams hit shows as one signal instead of six anecdotes.

Blockers of a period and of the period before are grouped together by what they say (the same
Dutch analyser as search; words weighed by how rare they are in Dutch, so the weights do not
depend on how many blockers there are), and a group that reaches several teams in the period is
shown: how many teams, which stadsdelen, the trend, a few quotes without names, and the shared
lessons that already answer it. A team marks its own blocker *opgelost* with one line on how;
that line becomes a lesson of the team, which its writer may share like any lesson.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy
import wordfreq
from scipy import sparse
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.blocker_themes import BlockerCard, card_of, group_themes
from bot.services.common import Actor, Clock, ServiceError
from bot.services.conversations import BlockerSolveState, Conversations
from bot.services.lessons import LessonCard, LessonService, clean_text
from bot.services.permissions import (
    Permission,
    authorize,
    authorize_own,
    authorize_without_team,
)
from bot.services.templates import blocker_steps
from bot.services.textsearch import stem, terms, words
from bot.services.themes import NEIGHBOURS, Neighbour, suggest
from bot.services.walls import notions
from storage.blocker_themes import BlockerThemes, StoredThemes
from storage.database import Database
from storage.models import THEMES, BlockerResolution, Role, Stadsdeel, TeamKind
from storage.radar import BlockerRow, RadarQueries, TeamRow
from storage.repositories import Memberships, Teams
from storage.search import LessonIndex

DEFAULT_WEEKS = 4
MAX_WEEKS = 26
MIN_TEAMS = 2  # one team's blocker is an anecdote; two teams' is a pattern
# Two groups of blockers become one from this average likeness (cosine) up; chosen on the
# labelled set in benchmarks/data/blockers.json (see benchmarks/radar.py and docs/benchmarks.md).
SAME_BLOCKER = 0.30
# Grouping holds a square array of likenesses: 6,000 blockers take 144 MB. Beyond that the
# newest are grouped (a city of 200 teams names about 4,000 in the radar's eight weeks).
MAX_GROUPED = 6_000
PAIR_FLOOR = 0.20  # pairs less alike than this are taken as not alike at all
WORD_WEIGHT = 0.5  # a word's weight is its rarity in Dutch (about 0.5 to 7) times this
WALL_WEIGHT = 2.0  # a wall's weight is how rare it is among the blockers (idf) times this
MAX_QUOTES = 3
MAX_LESSONS = 2
MAX_KEYWORDS = 4
TEAM_BLOCKER_WEEKS = 8  # /blockers lists what the team ran into this long ago at most
MAX_TEAM_BLOCKERS = 8
HOW_LIMIT = 500
# Telegram handles, e-mail addresses and phone numbers are left out of quotes.
_PERSONAL = re.compile(r"@\w{3,}|\S+@\S+\.\w+|(?:\+31|0)[\s-]?\d(?:[\s-]?\d){7,}")


# --- grouping: pure functions ------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def rarity(word: str) -> float:
    """How telling a word is: rare Dutch words weigh more (wordfreq's Zipf scale runs from
    about 0, unknown, to 7.5, `de`)."""
    return max(0.5, 7.0 - wordfreq.zipf_frequency(word, "nl"))


def word_vector(text: str) -> dict[str, float]:
    """Stemmed content words with their weights (each word once: blockers are short)."""
    vector: dict[str, float] = {}
    for word in words(text):
        term = stem(word)
        vector[term] = max(vector.get(term, 0.0), rarity(word))
    return vector


def blocker_vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """Each text's words and the walls it speaks of (`bot.services.walls`). A wall weighs more
    the fewer of these texts speak of it: "waiting" is everywhere, "VOG" is telling."""
    found = [notions(text) for text in texts]
    spoken = Counter(notion for notions_of in found for notion in notions_of)
    vectors = []
    for text, notions_of in zip(texts, found, strict=True):
        vector = {term: WORD_WEIGHT * weight for term, weight in word_vector(text).items()}
        for notion in notions_of:
            vector[f"wall:{notion}"] = WALL_WEIGHT * math.log(1 + len(texts) / spoken[notion])
        vectors.append(vector)
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b[term] for term, weight in a.items() if term in b)
    if not dot:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm


def _unit_rows(vectors: Sequence[dict[str, float]]) -> sparse.csr_matrix:
    """The vectors as rows of a sparse matrix, each scaled to length 1 (so products are
    cosines)."""
    features: dict[str, int] = {}
    rows, columns, values = [], [], []
    for row, vector in enumerate(vectors):
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        for term, weight in vector.items():
            rows.append(row)
            columns.append(features.setdefault(term, len(features)))
            values.append(weight / norm)
    shape = (len(vectors), max(len(features), 1))
    return sparse.csr_matrix((values, (rows, columns)), shape=shape, dtype=numpy.float64)


def likeness(vectors: Sequence[dict[str, float]], floor: float, block: int = 512) -> Any:
    """How alike every two vectors are (cosine), as a square float32 array with 0 on the
    diagonal and below `floor`; built a block of rows at a time from sparse products."""
    matrix = _unit_rows(vectors)
    transposed = matrix.T.tocsc()
    size = len(vectors)
    alike = numpy.zeros((size, size), dtype=numpy.float32)
    for first in range(0, size, block):
        part = (matrix[first : first + block] @ transposed).toarray()
        part[part < floor] = 0.0
        alike[first : first + block] = part
    numpy.fill_diagonal(alike, 0.0)
    return alike


def average_link(alike: Any, threshold: float) -> list[list[int]]:
    """Merge the two groups whose members are most alike on average, as long as that average is
    at least `threshold`. Unlike joining every alike pair, a group never grows by a chain of
    small likenesses. `alike` (square, float32) is used up: it ends as sums between groups.

    Each merge is a few vector operations over one row and one column, so thousands of
    blockers take well under a second."""
    size = alike.shape[0]
    members: dict[int, list[int]] = {i: [i] for i in range(size)}
    counts = numpy.ones(size, dtype=numpy.float32)
    alive = numpy.ones(size, dtype=bool)
    best = alike.max(axis=1) if size else numpy.zeros(0, dtype=numpy.float32)
    best_at = alike.argmax(axis=1) if size else numpy.zeros(0, dtype=numpy.int64)

    def refresh(row: int) -> None:
        averages = alike[row] / (counts * counts[row])
        averages[~alive] = -1.0
        averages[row] = -1.0
        best_at[row] = int(averages.argmax())
        best[row] = averages[best_at[row]]

    while size:
        a = int(numpy.where(alive, best, -1.0).argmax())
        if not alive[a] or best[a] < threshold:
            break
        b = int(best_at[a])
        if len(members[a]) < len(members[b]):
            a, b = b, a
        members[a] += members.pop(b)
        alike[a] += alike[b]
        alike[:, a] += alike[:, b]
        alike[a, a] = 0.0
        alike[b] = 0.0
        alike[:, b] = 0.0
        counts[a] += counts[b]
        alive[b] = False
        best[b] = -1.0
        refresh(a)
        # Others' best partner may have been a or b, or may now be the merged a.
        towards_a = alike[:, a] / (counts * counts[a])
        stale = numpy.flatnonzero(alive & ((best_at == a) | (best_at == b)))
        for row in stale:
            refresh(int(row))
        better = alive & (towards_a > best)
        better[a] = False
        best_at[better] = a
        best[better] = towards_a[better]
    return [sorted(group) for group in members.values()]


def group_texts(texts: Sequence[str], threshold: float = SAME_BLOCKER) -> list[list[int]]:
    """Indexes of `texts` grouped by the wall they speak of, largest group first."""
    if not texts:
        return []
    alike = likeness(blocker_vectors(texts), min(PAIR_FLOOR, threshold))
    groups = average_link(alike, threshold)
    return sorted(groups, key=lambda members: (-len(members), members[0]))


# --- what the radar shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class RadarQuote:
    text: str
    kind: TeamKind
    stadsdeel: Stadsdeel
    team_name: str | None  # only when the team shared how it solved it under its own name


@dataclass(frozen=True)
class RadarLesson:
    id: int
    text: str
    team_name: str | None  # None: shared anonymously
    stadsdeel: Stadsdeel
    from_resolution: bool  # written by a team that solved this very blocker


@dataclass(frozen=True)
class RadarSignal:
    keywords: tuple[str, ...]
    teams: int
    previous_teams: int
    mentions: int
    stadsdelen: tuple[Stadsdeel, ...]
    solved_by: int  # teams that marked one of these blockers opgelost
    quotes: list[RadarQuote]
    lessons: list[RadarLesson]
    # The themes most of its blockers carry (`bot.services.blocker_themes.group_themes`), or,
    # for blockers from before themes were stored, proposed from their words and similar lessons.
    themes: tuple[str, ...] = ()
    themes_chosen: bool = False  # some of its blockers' authors chose or confirmed theirs

    @property
    def trend(self) -> int:
        return self.teams - self.previous_teams


@dataclass(frozen=True)
class RadarReport:
    start: datetime
    end: datetime
    weeks: int
    blockers: int  # in the period
    teams: int  # teams that named a blocker in the period
    signals: list[RadarSignal]


@dataclass(frozen=True)
class TeamBlocker:
    answer_id: int
    team_id: int
    team_name: str
    text: str
    answered_at: datetime
    resolved_how: str | None
    themes: tuple[str, ...] = ()
    themes_proposed: bool = False  # the bot's proposal; its author did not confirm or change it


@dataclass(frozen=True)
class TeamBlockers:
    blockers: list[TeamBlocker]
    several_teams: bool
    weeks: int = TEAM_BLOCKER_WEEKS


def scrub(text: str) -> str:
    """A quote without handles, e-mail addresses or phone numbers, on one line."""
    return " ".join(_PERSONAL.sub("…", text).split())


class RadarService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        lessons: LessonService,
        conversations: Conversations,
        *,
        threshold: float = SAME_BLOCKER,
    ) -> None:
        self._db = database
        self._clock = clock
        self._lessons = lessons
        self._conversations = conversations
        self._threshold = threshold

    # --- /radar and the digest ---------------------------------------------------------------

    async def radar(self, actor: Actor, weeks: int = DEFAULT_WEEKS) -> RadarReport:
        """`/radar [weeks]`, for steunpunt admins."""
        authorize_without_team(actor, Permission.VIEW_RADAR)
        if not 1 <= weeks <= MAX_WEEKS:
            raise ServiceError("radar.weeks", most=MAX_WEEKS)
        return await self.report(self._clock(), weeks)

    async def report(
        self, end: datetime, weeks: int = DEFAULT_WEEKS, limit: int | None = None
    ) -> RadarReport:
        """The recurring blockers of the `weeks` before `end`, against the weeks before that."""
        length = timedelta(weeks=weeks)
        start, previous_start = end - length, end - 2 * length
        async with self._db.unit_of_work() as session:
            queries = RadarQueries(session)
            runs = await queries.runs(previous_start, end)
            rows = await queries.blockers(
                {run.run_id: blocker_steps(run.questions) for run in runs}
            )
            rows = rows[-MAX_GROUPED:]  # oldest first: the newest are kept
            teams = await queries.teams(row.team_id for row in rows)
            current = [row for row in rows if row.answered_at >= start]
            # Grouping is CPU work (seconds for thousands of blockers): beside the event loop,
            # so other people's updates go on meanwhile.
            grouped = await asyncio.to_thread(
                group_texts, [row.text for row in rows], self._threshold
            )
            signals = []
            for members in grouped:
                group = [rows[i] for i in members]
                now_teams = {row.team_id for row in group if row.answered_at >= start}
                if len(now_teams) >= MIN_TEAMS:
                    signals.append((group, now_teams))
            signals.sort(
                key=lambda item: (
                    -len(item[1]),
                    -sum(row.answered_at >= start for row in item[0]),
                    item[0][0].answer_id,
                )
            )
            if limit is not None:
                signals = signals[:limit]
            stored = await BlockerThemes(session).of_answers(
                [row.answer_id for group, _ in signals for row in group]
            )
            built = [
                await self._signal(session, queries, group, now_teams, teams, start, stored)
                for group, now_teams in signals
            ]
        return RadarReport(
            start=start,
            end=end,
            weeks=weeks,
            blockers=len(current),
            teams=len({row.team_id for row in current}),
            signals=built,
        )

    async def _signal(
        self,
        session: AsyncSession,
        queries: RadarQueries,
        group: list[BlockerRow],
        now_teams: set[int],
        teams: dict[int, TeamRow],
        start: datetime,
        stored: dict[int, StoredThemes],
    ) -> RadarSignal:
        recent = [row for row in group if row.answered_at >= start]
        before = {row.team_id for row in group if row.answered_at < start}
        # Lessons written by teams that solved one of these, then the log's closest ones.
        resolution_ids = [row.resolution_lesson_id for row in group if row.resolution_lesson_id]
        together = " ".join(row.text for row in group)[:4000]
        similar = await self._lessons.similar_to(together, None, MAX_LESSONS)
        found = await queries.shared_lessons([*resolution_ids, *similar])
        shared_resolutions = set(resolution_ids) & set(found)
        lessons: list[RadarLesson] = []
        for lesson_id in dict.fromkeys([*resolution_ids, *similar]):
            if lesson_id in found and len(lessons) < MAX_LESSONS:
                lesson = found[lesson_id]
                lessons.append(
                    RadarLesson(
                        id=lesson.id,
                        text=lesson.text,
                        team_name=None if lesson.anonymous else lesson.team_name,
                        stadsdeel=lesson.stadsdeel,
                        from_resolution=lesson_id in shared_resolutions,
                    )
                )
        named_teams = {
            row.team_id
            for row in group
            if row.resolution_lesson_id in found and not found[row.resolution_lesson_id].anonymous
        }
        quotes: list[RadarQuote] = []
        quoted: set[int] = set()
        for row in sorted(recent, key=lambda r: (r.answered_at, r.answer_id), reverse=True):
            if row.team_id in quoted or len(quotes) == MAX_QUOTES:
                continue
            quoted.add(row.team_id)
            team = teams[row.team_id]
            quotes.append(
                RadarQuote(
                    text=scrub(row.text),
                    kind=team.kind,
                    stadsdeel=team.stadsdeel,
                    team_name=team.name if row.team_id in named_teams else None,
                )
            )
        carried = group_themes([stored[row.answer_id] for row in group if row.answer_id in stored])
        if carried is None:  # blockers from before their themes were stored: propose for all
            neighbours = await LessonIndex(session).themed_neighbours(
                dict(terms(together)), NEIGHBOURS
            )
            voters = [Neighbour(score, themes) for _, score, themes in neighbours]
            themes, chosen = suggest(together, voters), False
        else:
            themes, chosen = carried.themes, carried.by_authors
        return RadarSignal(
            themes=themes,
            themes_chosen=chosen,
            keywords=_keywords([row.text for row in group]),
            teams=len(now_teams),
            previous_teams=len(before),
            mentions=len(recent),
            stadsdelen=tuple(
                sorted(
                    {teams[team_id].stadsdeel for team_id in now_teams}, key=list(Stadsdeel).index
                )
            ),
            solved_by=len({row.team_id for row in group if row.resolved_how is not None}),
            quotes=quotes,
            lessons=lessons,
        )

    # --- a team's own blockers: /blockers and *opgelost* -----------------------------------------

    async def team_blockers(self, actor: Actor) -> TeamBlockers:
        """What the person's teams ran into lately, newest first, to mark one *opgelost*."""
        now = self._clock()
        async with self._db.unit_of_work() as session:
            team_ids = [
                team.id
                for team, role in await Memberships(session).teams_of(actor.person_id)
                if role in (Role.MEMBER, Role.COORDINATOR)
            ]
            if not team_ids:
                raise ServiceError("blockers.no_team")
            queries = RadarQueries(session)
            since = now - timedelta(weeks=TEAM_BLOCKER_WEEKS)
            runs = await queries.runs(since, now + timedelta(seconds=1), team_ids)
            rows = await queries.blockers(
                {run.run_id: blocker_steps(run.questions) for run in runs}
            )
            teams = await queries.teams(team_ids)
            newest = sorted(rows, key=lambda row: (row.answered_at, row.answer_id), reverse=True)
            newest = newest[:MAX_TEAM_BLOCKERS]
            stored = await BlockerThemes(session).of_answers([row.answer_id for row in newest])
        blockers = []
        for row in newest:
            themes = stored.get(row.answer_id)
            blockers.append(
                TeamBlocker(
                    row.answer_id,
                    row.team_id,
                    teams[row.team_id].name,
                    row.text,
                    row.answered_at,
                    row.resolved_how,
                    themes.themes if themes else (),
                    themes is not None and not themes.by_author,
                )
            )
        return TeamBlockers(blockers, several_teams=len(team_ids) > 1)

    async def ask_solution(self, actor: Actor, answer_id: int) -> TeamBlocker:
        """The *opgelost* button: the next message is how it was solved."""
        async with self._db.unit_of_work() as session:
            blocker = await self._blocker(session, actor, answer_id)
            await self._conversations.put(actor.person_id, BlockerSolveState(answer_id))
            return blocker

    async def give_solution(
        self, actor: Actor, state: BlockerSolveState, raw: str
    ) -> tuple[TeamBlocker, LessonCard]:
        """Marks the blocker solved and makes the line a lesson of the team (kept in the team
        until its writer shares it): one transaction, so neither exists without the other."""
        how = clean_text(raw, "blockers.how_empty", HOW_LIMIT)
        async with self._db.unit_of_work() as session:
            blocker = await self._blocker(session, actor, state.answer_id)
            card = await self._lessons.write(actor, blocker.team_id, how)
            await RadarQueries(session).add_resolution(
                BlockerResolution(
                    answer_id=state.answer_id,
                    team_id=blocker.team_id,
                    resolved_by_id=actor.person_id,
                    how=how,
                    lesson_id=card.lesson.id,
                    resolved_at=self._clock(),
                )
            )
            await self._conversations.clear(actor.person_id)
        return replace(blocker, resolved_how=how), card

    # --- a blocker's themes: its author confirms or changes the proposal ----------------------

    async def set_blocker_theme(
        self, actor: Actor, answer_id: int, theme: str, *, on: bool
    ) -> tuple[BlockerCard, bool]:
        """Mark one's own blocker with a theme or not: the card as it is now, and whether that
        changed anything (the same press twice does not). From now on the author's choice
        stands, also when the answer's text changes."""
        if theme not in THEMES:
            raise ServiceError("error.button_expired")
        async with self._db.unit_of_work() as session:
            team_name, text = await self._own_blocker(session, actor, answer_id)
            stored = BlockerThemes(session)
            changed = await stored.set_theme(answer_id, theme, on=on, now=self._clock())
            found = await stored.of_answers([answer_id])
            return card_of(answer_id, team_name, text, found.get(answer_id)), changed

    async def confirm_blocker_themes(
        self, actor: Actor, answer_id: int
    ) -> tuple[BlockerCard, bool]:
        """ "Klopt zo": the author keeps the themes as they are; False when they had already."""
        async with self._db.unit_of_work() as session:
            team_name, text = await self._own_blocker(session, actor, answer_id)
            stored = BlockerThemes(session)
            confirmed = await stored.confirm(answer_id, self._clock())
            found = await stored.of_answers([answer_id])
            return card_of(answer_id, team_name, text, found.get(answer_id)), confirmed

    @staticmethod
    async def _own_blocker(session: AsyncSession, actor: Actor, answer_id: int) -> tuple[str, str]:
        """The team's name and the text of one's own blocker. One that is gone (erased by
        /forget, or past retention) is said to be gone; anyone else's is refused kindly."""
        found = await RadarQueries(session).answer_in_run(answer_id)
        if found is None:
            raise ServiceError("blockers.themes_gone")
        answer, prompt, run = found
        authorize_own(actor, Permission.THEME_BLOCKER, prompt.person_id)
        if answer.step_key not in blocker_steps(run.questions) or not answer.text:
            raise ServiceError("blockers.themes_gone")
        team = await Teams(session).get(run.team_id)
        if team is None:
            raise ServiceError("blockers.themes_gone")
        return team.name, answer.text

    @staticmethod
    async def _blocker(session: AsyncSession, actor: Actor, answer_id: int) -> TeamBlocker:
        """A blocker the person's team may mark solved (a forged or stale button is refused
        kindly, as is a blocker solved already, by a double tap or a teammate)."""
        queries = RadarQueries(session)
        found = await queries.answer_in_run(answer_id)
        if found is None:
            raise ServiceError("blockers.unknown")
        answer, _prompt, run = found
        team = await Teams(session).get(run.team_id)
        if team is None or answer.step_key not in blocker_steps(run.questions) or not answer.text:
            raise ServiceError("blockers.unknown")
        await authorize(session, actor, Permission.RESOLVE_BLOCKER, team)
        resolution = await queries.resolution(answer_id)
        if resolution is not None:
            raise ServiceError("blockers.already_solved", how=resolution.how)
        return TeamBlocker(answer.id, team.id, team.name, answer.text, answer.answered_at, None)


def _keywords(texts: list[str]) -> tuple[str, ...]:
    """The group's most telling words, as people wrote them: words (by stem) used in more than
    one of its texts, rarest in Dutch first; the most common spelling of each."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    texts_with: Counter[str] = Counter()
    for text in texts:
        seen = set()
        for word in words(text, whole=False):
            term = stem(word)
            spellings[term][word] += 1
            seen.add(term)
        texts_with.update(seen)
    shared = [term for term, count in texts_with.items() if count > 1 or len(texts) == 1]

    def weight(term: str) -> float:
        return texts_with[term] * rarity(spellings[term].most_common(1)[0][0])

    best = sorted(shared, key=lambda term: (-weight(term), term))[:MAX_KEYWORDS]
    return tuple(spellings[term].most_common(1)[0][0] for term in best)

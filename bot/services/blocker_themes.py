"""The themes of a blocker (*waar liep je tegenaan?*): proposed by the bot the moment the answer
arrives, shown to its author on a small card after the check-in's recap, and confirmed or
changed there with the theme buttons (`RadarService.set_blocker_theme`, `confirm_blocker_themes`).

The proposal is the lesson card's (`bot.services.themes.suggest`): the Dutch keyword lexicon and
the themes of the nearest already-themed lessons over the search index. It is stored at once, so
the radar and the export have it even if the author never taps. A changed answer is proposed
again only while its author has not touched the buttons; after that their choice stands.

The radar reads the stored themes (`group_themes`): a group of blockers carries the themes most
of its blockers carry, the author's own choices weighing more than proposals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.textsearch import terms
from bot.services.themes import MAX_THEMES, NEIGHBOURS, Neighbour, suggest
from storage.blocker_themes import BlockerThemes, StoredThemes
from storage.models import THEMES
from storage.search import LessonIndex

# How much one blocker's themes count in its radar group: chosen or confirmed by its author,
# or only proposed by the bot. One author's choice outweighs two proposals.
AUTHOR_WEIGHT = 3.0
PROPOSAL_WEIGHT = 1.0
# A group carries a theme when at least this share of its (weighed) blockers carry it.
MOST = 0.5


@dataclass(frozen=True)
class BlockerCard:
    """A blocker with its themes, for its author to confirm or change."""

    answer_id: int
    team_name: str
    text: str
    themes: tuple[str, ...]  # in the order of THEMES
    proposed: bool  # still the bot's proposal: the author has not touched the buttons
    confirmed: bool


@dataclass(frozen=True)
class GroupThemes:
    themes: tuple[str, ...]
    by_authors: bool  # at least one of the group's blockers has its author's themes


async def suggested_blocker_themes(session: AsyncSession, text: str) -> tuple[str, ...]:
    """What the bot proposes for a blocker: the same suggestion as for a new lesson."""
    found = await LessonIndex(session).themed_neighbours(dict(terms(text)), NEIGHBOURS)
    return suggest(text, [Neighbour(score, themes) for _, score, themes in found])


async def keep_blocker_themes(
    session: AsyncSession, answer_id: int, text: str, previous: str | None, now: datetime
) -> None:
    """A blocker answer arrived or changed: propose its themes (unless its author chose
    already, or the text is what it was); an emptied or skipped blocker has none."""
    stored = BlockerThemes(session)
    if not text:
        await stored.forget(answer_id)
        return
    review = await stored.review(answer_id)
    if review is not None and (review.by_author or previous == text):
        return
    await stored.propose(answer_id, await suggested_blocker_themes(session, text), now)


async def cards_to_offer(
    session: AsyncSession, team_name: str, blockers: Sequence[tuple[int, str]]
) -> list[BlockerCard]:
    """Cards for the blockers (answer id, text) whose proposal has not reached the author yet."""
    stored = await BlockerThemes(session).of_answers([answer_id for answer_id, _ in blockers])
    return [
        card_of(answer_id, team_name, text, stored[answer_id])
        for answer_id, text in blockers
        if answer_id in stored and not stored[answer_id].offered
    ]


def card_of(answer_id: int, team_name: str, text: str, stored: StoredThemes | None) -> BlockerCard:
    if stored is None:
        return BlockerCard(answer_id, team_name, text, (), proposed=False, confirmed=False)
    return BlockerCard(
        answer_id,
        team_name,
        text,
        stored.themes,
        proposed=not stored.by_author,
        confirmed=stored.confirmed,
    )


def group_themes(stored: Sequence[StoredThemes]) -> GroupThemes | None:
    """The themes most of a group's blockers carry, weighing the authors' own choices more
    than the bot's proposals; None when none of them has stored themes (blockers from before
    themes were stored: the radar proposes for the group as a whole)."""
    if not stored:
        return None
    weights = [AUTHOR_WEIGHT if item.by_author else PROPOSAL_WEIGHT for item in stored]
    total = sum(weights)
    shares = {
        theme: sum(w for w, item in zip(weights, stored, strict=True) if theme in item.themes)
        / total
        for theme in THEMES
    }
    carried = sorted(
        (theme for theme in THEMES if shares[theme] >= MOST and shares[theme] > 0),
        key=lambda theme: (-shares[theme], THEMES.index(theme)),
    )
    return GroupThemes(tuple(carried[:MAX_THEMES]), any(item.by_author for item in stored))

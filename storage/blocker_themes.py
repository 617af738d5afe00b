"""The themes of blockers (answers to a blocker question): what the bot proposed, what the
author chose, and whether the card that asks them was shown. Which answers are blockers is the
service's business (`bot.services.templates.blocker_steps`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    THEMES,
    BlockerTheme,
    BlockerThemeReview,
    CheckinAnswer,
)


@dataclass(frozen=True)
class StoredThemes:
    """A blocker's themes (in the order of THEMES) and where they stand."""

    answer_id: int
    themes: tuple[str, ...]
    by_author: bool  # changed or confirmed by its author, not only proposed
    confirmed: bool
    offered: bool  # the card reached the author


def _ordered(themes: Iterable[str]) -> tuple[str, ...]:
    wanted = set(themes)
    return tuple(theme for theme in THEMES if theme in wanted)


class BlockerThemes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def review(self, answer_id: int) -> BlockerThemeReview | None:
        return await self._session.get(BlockerThemeReview, answer_id)

    async def themes(self, answer_id: int) -> tuple[str, ...]:
        result = await self._session.scalars(
            select(BlockerTheme.theme).where(BlockerTheme.answer_id == answer_id)
        )
        return _ordered(result)

    async def of_answers(self, answer_ids: Sequence[int]) -> dict[int, StoredThemes]:
        """The stored themes of these answers (only those the bot proposed themes for)."""
        wanted = sorted(set(answer_ids))
        if not wanted:
            return {}
        found: dict[int, StoredThemes] = {}
        # Chunks keep the bound parameters well below every database's limit.
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            reviews = await self._session.scalars(
                select(BlockerThemeReview).where(BlockerThemeReview.answer_id.in_(chunk))
            )
            themes: dict[int, list[str]] = {}
            rows = await self._session.execute(
                select(BlockerTheme.answer_id, BlockerTheme.theme).where(
                    BlockerTheme.answer_id.in_(chunk)
                )
            )
            for answer_id, theme in rows:
                themes.setdefault(int(answer_id), []).append(theme)
            for review in reviews:
                found[review.answer_id] = StoredThemes(
                    review.answer_id,
                    _ordered(themes.get(review.answer_id, ())),
                    review.by_author,
                    review.confirmed_at is not None,
                    review.offered_at is not None,
                )
        return found

    async def propose(self, answer_id: int, themes: Sequence[str], now: datetime) -> bool:
        """Store the bot's proposal for a new or changed blocker, unless its author chose
        already (their choice stands). True when the proposal was stored: its card is due."""
        review = await self.review(answer_id)
        if review is not None and review.by_author:
            return False
        await self._session.execute(delete(BlockerTheme).where(BlockerTheme.answer_id == answer_id))
        self._session.add_all(BlockerTheme(answer_id=answer_id, theme=t) for t in set(themes))
        if review is None:
            self._session.add(
                BlockerThemeReview(
                    answer_id=answer_id,
                    proposed_at=now,
                    offered_at=None,
                    changed_at=None,
                    confirmed_at=None,
                )
            )
        else:
            review.proposed_at, review.offered_at = now, None
        await self._session.flush()
        return True

    async def forget(self, answer_id: int) -> None:
        """The answer is no blocker any more (skipped, or emptied): no themes, no card."""
        await self._session.execute(delete(BlockerTheme).where(BlockerTheme.answer_id == answer_id))
        await self._session.execute(
            delete(BlockerThemeReview).where(BlockerThemeReview.answer_id == answer_id)
        )

    async def _review_or_new(self, answer_id: int, now: datetime) -> BlockerThemeReview:
        """The blocker's review row; a blocker from before themes were proposed gets one."""
        review = await self.review(answer_id)
        if review is None:
            review = BlockerThemeReview(
                answer_id=answer_id,
                proposed_at=now,
                offered_at=now,
                changed_at=None,
                confirmed_at=None,
            )
            self._session.add(review)
        return review

    async def set_theme(self, answer_id: int, theme: str, *, on: bool, now: datetime) -> bool:
        """The author marks the blocker with a theme or not; True when that changed anything
        (a second press of the same button does not)."""
        review = await self._review_or_new(answer_id, now)
        current = await self.themes(answer_id)
        if (theme in current) == on:
            await self._session.flush()
            return False
        if on:
            self._session.add(BlockerTheme(answer_id=answer_id, theme=theme))
        else:
            await self._session.execute(
                delete(BlockerTheme).where(
                    BlockerTheme.answer_id == answer_id, BlockerTheme.theme == theme
                )
            )
        # Changed after "klopt zo": the card asks again until the author is content.
        review.changed_at, review.confirmed_at = now, None
        review.offered_at = review.offered_at or now
        await self._session.flush()
        return True

    async def confirm(self, answer_id: int, now: datetime) -> bool:
        """The author says the themes are right; False when they had said so already."""
        review = await self._review_or_new(answer_id, now)
        if review.confirmed_at is not None:
            return False
        review.confirmed_at = now
        review.offered_at = review.offered_at or now
        await self._session.flush()
        return True

    async def offered(self, prompt_id: int, now: datetime) -> None:
        """The cards of a check-in's blockers reached their author."""
        answers = select(CheckinAnswer.id).where(CheckinAnswer.prompt_id == prompt_id)
        await self._mark_offered(BlockerThemeReview.answer_id.in_(answers), now)

    async def offered_answer(self, answer_id: int, now: datetime) -> None:
        """One blocker's card reached its author."""
        await self._mark_offered(BlockerThemeReview.answer_id == answer_id, now)

    async def _mark_offered(self, which: ColumnElement[bool], now: datetime) -> None:
        await self._session.execute(
            update(BlockerThemeReview)
            .where(which, BlockerThemeReview.offered_at.is_(None))
            .values(offered_at=now)
        )

"""Shared pieces of the service layer: the clock, the acting person, and refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Language = Literal["nl", "en"]
Clock = Callable[[], datetime]

# One limit for what people write (check-in answers, lessons, advice, adoption lines, custom
# questions, searches): room for a real story, while a message that shows it still fits
# Telegram's 4,096. Fields kept in shorter database columns have their own, shorter limit.
TEXT_LIMIT = 2000


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Actor:
    """The person behind an update, as the services see them."""

    person_id: int
    telegram_user_id: int
    display_name: str
    language: Language
    is_admin: bool


class ServiceError(Exception):
    """A refusal or problem the user should hear about; `key` names the catalog text."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def text_length(text: str) -> int:
    """The length of a text as Telegram counts it (UTF-16 units: some emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


def check_length(text: str, limit: int = TEXT_LIMIT) -> str:
    """`text` when it fits `limit`; else a refusal that says the limit and how long it was
    (nothing is stored, and the person still has their text in the chat to shorten)."""
    length = text_length(text)
    if length > limit:
        raise ServiceError("text.too_long", limit=limit, length=length)
    return text

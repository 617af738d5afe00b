"""Shared pieces of the service layer: the clock, the acting person, and refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Language = Literal["nl", "en"]
Clock = Callable[[], datetime]


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

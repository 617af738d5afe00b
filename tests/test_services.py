"""Small rules of the service layer, table-driven."""

from __future__ import annotations

import pytest

from bot.services.common import ServiceError
from bot.services.directory import clean_team_name, language_for


@pytest.mark.parametrize(
    ("chosen", "telegram", "default", "expected"),
    [
        ("en", "nl", "nl", "en"),
        (None, "en-US", "nl", "en"),
        (None, "NL", "en", "nl"),
        (None, "de", "nl", "nl"),
        (None, None, "en", "en"),
        ("fr", None, "nl", "nl"),
    ],
)
def test_language_choice(
    chosen: str | None, telegram: str | None, default: str, expected: str
) -> None:
    assert language_for(chosen, telegram, default) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Buurt   De Pijp ", "Buurt De Pijp"),
        ("Oost\nNoord", "Oost Noord"),
        ("x" * 100, "x" * 100),
    ],
)
def test_team_names_are_tidied(raw: str, expected: str) -> None:
    assert clean_team_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "key"), [("   ", "newteam.name_empty"), ("x" * 101, "newteam.name_too_long")]
)
def test_bad_team_names_are_refused(raw: str, key: str) -> None:
    with pytest.raises(ServiceError) as refusal:
        clean_team_name(raw)
    assert refusal.value.key == key

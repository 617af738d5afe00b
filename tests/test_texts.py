"""The catalogs: complete in both languages, same placeholders, valid Telegram HTML."""

from __future__ import annotations

import pytest

from bot.fakes.telegram import visible_text
from bot.texts import CATALOGS, Safe, en, nl, placeholders, t


def test_both_languages_have_every_text() -> None:
    assert set(nl.TEXTS) == set(en.TEXTS)


@pytest.mark.parametrize("key", sorted(nl.TEXTS))
def test_placeholders_match_and_html_is_valid(key: str) -> None:
    assert placeholders(nl.TEXTS[key]) == placeholders(en.TEXTS[key])
    for language in CATALOGS:
        filled = t(language, key, **dict.fromkeys(placeholders(nl.TEXTS[key]), "x"))
        assert visible_text(filled, "HTML").strip()


def test_parameters_are_escaped_unless_safe() -> None:
    assert t("nl", "join.notice_coordinator", name="<i>Bob</i>", team="A & B") == (
        "&lt;i&gt;Bob&lt;/i&gt; is lid geworden van <b>A &amp; B</b>."
    )
    assert t("nl", "start.your_teams", teams=Safe("<b>x</b>")) == "Je bent lid van:\n<b>x</b>"


def test_command_descriptions_fit_telegram() -> None:
    for catalog in CATALOGS.values():
        for key, text in catalog.items():
            if key.startswith("command."):
                assert 3 <= len(text) <= 256

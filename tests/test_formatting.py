"""Messages made to fit Telegram: lengths counted as Telegram counts them, long texts shortened
with "…" and long messages split, never inside a tag or an entity."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.fakes.telegram import visible_text
from bot.services.common import text_length
from bot.texts import escaped
from bot.texts.formatting import (
    ELLIPSIS,
    fair_limit,
    fit,
    fit_texts,
    plain_text,
    shorten,
    split_message,
    toast_text,
    visible_length,
)

# Typed text of every kind: markup signs, entities typed as text, emoji (two UTF-16 units),
# right-to-left and zero-width characters, blank lines.
TYPED = st.lists(
    st.sampled_from([*"ab <>&;#/\n", "&amp;", "&lt;", "😄", "👍🏽", "ש", "\u200b", "é", "\n\n"]),
    max_size=120,
).map("".join)


@st.composite
def telegram_html(draw: st.DrawFn) -> str:
    """A message as the views build it: catalog markup around escaped typed text."""
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        text = escaped(draw(TYPED))
        tag = draw(st.sampled_from(["", "b", "i", "code"]))
        parts.append(f"<{tag}>{text}</{tag}>" if tag else text)
        parts.append(draw(st.sampled_from(["", "\n", "\n\n", " · "])))
    return "".join(parts)


def test_lengths_count_as_telegram_does() -> None:
    assert text_length("abc") == 3
    assert text_length("😄") == 2  # outside the basic plane: a surrogate pair
    assert visible_length("<b>a &amp; b</b>") == 5
    assert visible_length("&lt;b&gt;😄") == 5


def test_shorten_keeps_short_texts_and_cuts_long_ones_with_an_ellipsis() -> None:
    assert shorten("kort", 10) == "kort"
    assert shorten("een lange zin", 8) == "een lan…"
    assert shorten("😄😄😄", 4) == "😄…"  # never half an emoji
    assert shorten("abc", 0) == ELLIPSIS


@given(TYPED, st.integers(1, 400))
def test_shorten_always_fits(text: str, limit: int) -> None:
    result = shorten(text, limit)
    assert text_length(result) <= max(limit, 1)
    assert result == text or result.endswith(ELLIPSIS)


def test_fit_closes_what_it_opened() -> None:
    assert fit("<b>abcdef</b>", 4) == "<b>abc…</b>"
    assert fit("a &amp; b &amp; c", 4) == "a &amp;…"
    assert fit("<i>kort</i>", 10) == "<i>kort</i>"


@settings(max_examples=300)
@given(telegram_html(), st.integers(1, 500))
def test_fit_always_fits_and_never_cuts_a_tag_or_an_entity(markup: str, limit: int) -> None:
    result = fit(markup, limit)
    shown = visible_text(result, "HTML")  # the fake refuses what Telegram refuses
    assert text_length(shown) <= limit
    assert visible_length(result) == text_length(shown)
    if result != markup:
        assert shown.endswith(ELLIPSIS)
        # What is shown is the start of what there was: nothing cut in the middle of a sign.
        assert visible_text(markup, "HTML").startswith(shown[: -len(ELLIPSIS)])


@settings(max_examples=300)
@given(telegram_html(), st.integers(20, 600))
def test_split_message_fits_every_part_and_keeps_the_paragraphs(markup: str, limit: int) -> None:
    parts = split_message(markup, limit)
    for part in parts:
        assert text_length(visible_text(part, "HTML")) <= limit
    if visible_length(markup) <= limit:
        assert parts == [markup]
    elif all(visible_length(p) <= limit for p in markup.split("\n\n")) and "<" not in markup:
        # Split, but no paragraph needed shortening: every paragraph arrives whole.
        joined = "\n\n".join(visible_text(p, "HTML") for p in parts)
        paragraphs = [p for p in visible_text(markup, "HTML").split("\n\n") if p.strip()]
        assert joined == "\n\n".join(paragraphs)


def test_split_message_leaves_a_short_message_alone() -> None:
    assert split_message("a\n\nb") == ["a\n\nb"]
    assert split_message("aaaa\n\nbbbb\n\ncc", 10) == ["aaaa\n\nbbbb", "cc"]


@given(st.lists(st.integers(0, 3000), max_size=20), st.integers(0, 8000))
def test_fair_limit_shares_the_budget(lengths: list[int], budget: int) -> None:
    limit = fair_limit(lengths, budget)
    used = sum(min(length, limit) for length in lengths)
    assert used <= budget or limit == 40  # never below the floor
    if used <= budget and limit < max(lengths, default=0):
        assert sum(min(length, limit + 1) for length in lengths) > budget  # the largest that fits


def test_fit_texts_keeps_texts_whole_when_they_fit_and_shares_the_room_when_not() -> None:
    texts = ["a" * 100, "b" * 3000, "c" * 3000]

    def render(limit: int) -> str:
        return "<b>Titel</b>\n\n" + "\n\n".join(escaped(shorten(x, limit)) for x in texts)

    whole, limit = fit_texts(render, [len(x) for x in texts], limit=10_000)
    assert limit == 3000
    assert visible_text(whole, "HTML").count("b") == 3000
    shared, limit = fit_texts(render, [len(x) for x in texts])
    shown = visible_text(shared, "HTML")
    assert text_length(shown) <= 4096
    assert "a" * 100 in shown  # the short one stays whole
    assert shown.count("b") == shown.count("c") == limit - 1  # the long ones share the rest


def test_plain_text_for_buttons_and_toasts() -> None:
    assert plain_text("<b>Mo &lt;b&gt;vet</b> &amp; co") == "Mo <b>vet & co"
    assert len(toast_text("x" * 500)) == 200
    assert html.unescape("&amp;lt;") == plain_text("&amp;lt;")

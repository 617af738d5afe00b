"""Dates and names presented in the reader's language and time zone, and messages made to fit
Telegram's limit of 4,096 characters (counted as Telegram counts: the visible text, in UTF-16
code units, after tags and entities are resolved)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.common import Language, text_length
from bot.texts import Safe, t

MESSAGE_LIMIT = 4096
TOAST_LIMIT = 200  # the short notice a pressed button shows: plain text
ELLIPSIS = "…"
# One piece of Telegram HTML: a tag, an entity, a run of plain text, or a lone sign.
_TOKEN = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);|[^<&]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")


def format_date(language: Language, moment: datetime, zone: ZoneInfo) -> Safe:
    local = moment.astimezone(zone)
    month = t(language, "format.months").split(",")[local.month - 1]
    return t(language, "format.date", day=local.day, month=month, year=local.year)


def short_label(name: str, limit: int = 24) -> str:
    """Button labels stay readable on a phone."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def shorten(text: str, limit: int) -> str:
    """Plain text (not yet escaped) of at most `limit` UTF-16 units; a cut one ends in "…"."""
    if text_length(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        used += text_length(char)
        if used > limit - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def fair_limit(lengths: Sequence[int], budget: int, floor: int = 40) -> int:
    """The largest per-item limit at which the items together take at most `budget` (short
    items keep all they have, long ones share what is left); never below `floor`."""
    if sum(lengths) <= budget:
        return max(lengths, default=floor)
    low, high = floor, max(lengths)
    while low < high:
        middle = (low + high + 1) // 2
        if sum(min(length, middle) for length in lengths) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def fit_texts(
    render: Callable[[int], str], lengths: Sequence[int], limit: int = MESSAGE_LIMIT
) -> tuple[Safe, int]:
    """A message that shows typed texts, made to fit: `render(n)` builds it with each typed text
    passed through `shorten(text, n)`, and `lengths` are those texts' lengths. Every text stays
    whole when that fits; else the longest are shortened evenly. Returns the message and the
    `n` used (texts longer than it were shortened, so the view can offer them whole)."""
    longest = max(lengths, default=0)
    whole = render(longest)
    if visible_length(whole) <= limit:
        return Safe(whole), longest
    # Each text shortened to nothing leaves "…": what remains is the message around the texts.
    around = visible_length(render(0)) - len(lengths)
    cap = fair_limit(lengths, limit - around)
    return fit(render(cap), limit), cap


def _tokens(markup: str) -> list[str]:
    return _TOKEN.findall(markup)


def _token_length(token: str) -> int:
    if token.startswith("<") and token.endswith(">") and len(token) > 1:
        return 0
    if token.startswith("&") and token.endswith(";"):
        return text_length(html.unescape(token))
    return text_length(token)


def visible_length(markup: str) -> int:
    """How long Telegram counts a message in HTML: its visible text in UTF-16 units."""
    return sum(_token_length(token) for token in _tokens(markup))


def _tag(token: str) -> tuple[str, bool] | None:
    """(tag name, is closing) for a tag token, else None."""
    if not (token.startswith("<") and token.endswith(">") and len(token) > 1):
        return None
    found = _TAG_NAME.match(token)
    if found is None:
        return None
    return found.group(1).lower(), token.startswith("</")


def fit(markup: str, limit: int = MESSAGE_LIMIT) -> Safe:
    """HTML cut to at most `limit` visible units, ending in "…": never inside a tag or an
    entity, and every tag left open is closed again."""
    if visible_length(markup) <= limit:
        return Safe(markup)
    budget = limit - len(ELLIPSIS)
    kept: list[str] = []
    open_tags: list[str] = []
    used = 0
    for token in _tokens(markup):
        tag = _tag(token)
        if tag is not None:
            name, closing = tag
            if closing:
                if open_tags and open_tags[-1] == name:
                    open_tags.pop()
            else:
                open_tags.append(name)
            kept.append(token)
            continue
        size = _token_length(token)
        if used + size <= budget:
            kept.append(token)
            used += size
            continue
        if not token.startswith("&"):  # plain text: keep what still fits, whole characters
            part = []
            for char in token:
                used += text_length(char)
                if used > budget:
                    break
                part.append(char)
            kept.append("".join(part).rstrip())
        break
    kept.append(ELLIPSIS)
    kept.extend(f"</{name}>" for name in reversed(open_tags))
    return Safe("".join(kept))


def plain_text(markup: str) -> str:
    """A catalog text (HTML, typed parts escaped) as plain text, for the places Telegram shows
    without HTML: button labels and toasts."""
    return html.unescape("".join(token for token in _tokens(markup) if _tag(token) is None))


def toast_text(markup: str) -> str:
    """The plain text a pressed button's toast shows, shortened to what Telegram allows."""
    return shorten(plain_text(markup), TOAST_LIMIT)


def _pieces(markup: str, separator: str) -> list[str]:
    """The message split at `separator` (a blank line, or a line end) where no tag is open."""
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    for token in _tokens(markup):
        tag = _tag(token)
        if tag is not None:
            depth = max(0, depth - 1) if tag[1] else depth + 1
            current.append(token)
            continue
        if depth == 0 and separator in token:
            parts = token.split(separator)
            current.append(parts[0])
            for part in parts[1:]:
                pieces.append("".join(current))
                current = [part]
            continue
        current.append(token)
    pieces.append("".join(current))
    return [piece for piece in pieces if piece.strip()]


def _pack(markup: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    """Pieces of at most `limit`, split at the first separator that helps (blank lines, then
    line ends); a single line too long is shortened."""
    if visible_length(markup) <= limit:
        return [markup]
    if not separators:
        return [fit(markup, limit)]
    separator, rest = separators[0], separators[1:]
    messages: list[str] = []
    current = ""
    for piece in _pieces(markup, separator):
        joined = f"{current}{separator}{piece}" if current else piece
        if visible_length(joined) <= limit:
            current = joined
            continue
        if current:
            messages.append(current)
        *whole, current = _pack(piece, limit, rest)
        messages += whole
    if current:
        messages.append(current)
    return messages


def split_message(markup: str, limit: int = MESSAGE_LIMIT) -> list[Safe]:
    """A long message as several that each fit, split between paragraphs (a paragraph too long
    on its own between its lines; a line too long on its own is shortened with "…")."""
    return [Safe(part) for part in _pack(markup, limit, ("\n\n", "\n"))]

"""Text catalogs (Dutch first, English second). Messages use Telegram HTML; parameters are
escaped unless wrapped in `Safe` (already-escaped HTML, e.g. a list built from catalog lines)."""

from __future__ import annotations

import html
import string

from bot.services.common import Language
from bot.texts import en, nl

CATALOGS: dict[Language, dict[str, str]] = {"nl": nl.TEXTS, "en": en.TEXTS}


class Safe(str):
    """A string that is already valid Telegram HTML."""

    __slots__ = ()


def escaped(text: str) -> Safe:
    """Text someone typed, made safe to show in a Telegram HTML message."""
    return text if isinstance(text, Safe) else Safe(html.escape(text, quote=False))


def _escape(value: object) -> str:
    return value if isinstance(value, Safe) else html.escape(str(value), quote=False)


def t(language: Language, key: str, **params: object) -> Safe:
    """The text for `key` in `language` (falling back to Dutch), with parameters filled in."""
    template = CATALOGS[language].get(key) or nl.TEXTS[key]
    return Safe(template.format(**{name: _escape(value) for name, value in params.items()}))


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}

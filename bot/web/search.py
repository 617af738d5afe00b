"""The site's search data: a small prebuilt index, made with the bot's own Dutch analyser
(`bot.services.textsearch`) so that search on the site finds what /search finds, shipped as a
`.js` file that sets one global (a page opened from disk may not fetch() anything).

Format (`window.STEUNPUNT_SEARCH`), kept compact for a phone, the lessons in the index's
ranking:
- `i`: their ids (hexadecimal, joined by spaces); `n`: their titles (the text shortened);
- `f`: nine characters per lesson, base 36: the themes as a bit mask over `th` (2), the
  stadsdeel's place in `sd` (1), the kind's in `k` (1), the team's in `t` (3; `zzz`: shared
  anonymously, no name at all), how many teams found it herkenbaar (2);
- `w`: the index's keys, sorted and front-coded (`front_coded`), joined by spaces: the
  lessons' search terms as the bot stores them (stems, compound parts, synonym groups), the
  other words of a synonym group whose word occurs, and the words as written (folded) and
  tags where the terms do not already lead to them.
- `p`: per key, the places (in the ranking) of the lessons that have it, as gaps in a base-32
  code without separators (`encode_positions`), or `=` and the hexadecimal place in `w` of
  the key whose list it shares (a synonym); the keys' lists joined by spaces.
- `s`: the analyser's stop words, which a query drops as the bot does.
The searcher (assets/site.js) matches each query word by prefix against `w` (search as you
type: `vergun` finds vergunning) and keeps the lessons that match every word."""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.services.publication import PublishedLesson, Site, language_of
from bot.services.textsearch import STOPWORDS, thesaurus, words
from bot.texts.formatting import shorten
from storage.models import THEMES, Stadsdeel, TeamKind

TITLE_LIMIT = 70
GLOBAL = "STEUNPUNT_SEARCH"


def title_of(lesson: PublishedLesson) -> str:
    """A lesson's text as a list shows it: one line, shortened."""
    return shorten(" ".join(lesson.text.split()), TITLE_LIMIT)


def written_words(lesson: PublishedLesson) -> set[str]:
    body = " ".join(part for part in (lesson.text, lesson.advice or "") if part)
    return {*words(body), *lesson.tags}


# How the searcher (assets/site.js) matches a query word: keys that start with it, and keys it
# starts with that are at most STEM_CUT letters shorter and at least STEM_MIN long (a word
# typed whole finds its stem), for words of STEM_MIN + 1 letters or more.
STEM_CUT = 6
STEM_MIN = 4


def stems_of(word: str) -> list[str]:
    if len(word) <= STEM_MIN:
        return []
    return [word[:cut] for cut in range(len(word) - 1, max(STEM_MIN, len(word) - STEM_CUT) - 1, -1)]


def matching(word: str, keys: list[str], postings: dict[str, set[int]]) -> set[int]:
    """The lessons the searcher finds for one query word (the same rules as site.js)."""
    found: set[int] = set()
    at = bisect_left(keys, word)
    while at < len(keys) and keys[at].startswith(word):
        found |= postings[keys[at]]
        at += 1
    for stem in stems_of(word):
        found |= postings.get(stem, set())
    return found


# Positions are written as gaps, each gap in base 32 with one character per digit: the last
# digit of a number from the first half of DIGITS, the ones before it from the second half,
# so no separator is needed (a gap under 32 is one character, under 1,024 two).
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def _number(value: int) -> str:
    out = DIGITS[value % 32]
    value //= 32
    while value:
        out = DIGITS[32 + value % 32] + out
        value //= 32
    return out


def encode_positions(positions: Iterable[int]) -> str:
    previous, parts = -1, []
    for position in positions:
        parts.append(_number(position - previous - 1))
        previous = position
    return "".join(parts)


def decode_positions(encoded: str) -> list[int]:
    positions, value, previous = [], 0, -1
    for char in encoded:
        digit = DIGITS.index(char)
        if digit >= 32:
            value = value * 32 + digit - 32
            continue
        previous += value * 32 + digit + 1
        positions.append(previous)
        value = 0
    return positions


BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def front_coded(keys: list[str]) -> str:
    """Sorted keys, each as how many letters it shares with the one before (one base-36
    digit, at most 35) and the rest."""
    out, previous = [], ""
    for key in keys:
        shared = 0
        while shared < min(len(key), len(previous), 35) and key[shared] == previous[shared]:
            shared += 1
        out.append(BASE36[shared] + key[shared:])
        previous = key
    return " ".join(out)


def keys_of(encoded: str) -> list[str]:
    keys, previous = [], ""
    for part in encoded.split(" ") if encoded else []:
        previous = previous[: int(part[0], 36)] + part[1:]
        keys.append(previous)
    return keys


def _fixed(value: int, width: int) -> str:
    """A number in base 36, exactly `width` characters (clamped to the largest that fits)."""
    value = min(value, 36**width - 1)
    return "".join(BASE36[value // 36**place % 36] for place in range(width - 1, -1, -1))


ANONYMOUS = 36**3 - 1  # the team field of a lesson shared anonymously: no team


def search_data(site: Site) -> dict[str, object]:
    stadsdelen = [stadsdeel.value for stadsdeel in Stadsdeel]
    kinds = [kind.value for kind in TeamKind]
    teams: dict[str, int] = {}
    facts: list[str] = []
    postings: dict[str, set[int]] = {}
    written: dict[str, set[int]] = {}
    for position, lesson in enumerate(site.lessons):
        mask = sum(1 << THEMES.index(theme) for theme in lesson.themes if theme in THEMES)
        team = ANONYMOUS
        if lesson.team_name is not None:
            team = teams.setdefault(lesson.team_name, len(teams))
        facts.append(
            _fixed(mask, 2)
            + _fixed(stadsdelen.index(lesson.stadsdeel.value), 1)
            + _fixed(kinds.index(lesson.kind.value), 1)
            + _fixed(team, 3)
            + _fixed(lesson.endorsing_teams, 2)
        )
        for term in lesson.terms:
            postings.setdefault(term, set()).add(position)
        for word in written_words(lesson):
            written.setdefault(word, set()).add(position)
    # A word as written is a key of its own only where the bot's terms do not already lead
    # the searcher to all its lessons (a compound: `containervergunning` is indexed as
    # container + vergun; `vergunningen` is found through `vergun`).
    term_keys = sorted(postings)
    for word, found in written.items():
        if word not in postings and not found <= matching(word, term_keys, postings):
            postings[word] = found
    # Another word of a synonym group finds the lessons of the group's word (`folder` finds a
    # lesson about a `flyer`), as in the bot: its list is "=" and the word's place in `w`.
    aliases = {
        other: canonical
        for other, canonical in thesaurus().stems.items()
        if other != canonical and other not in postings and canonical in postings
    }
    keys = sorted(key for key in (*postings, *aliases) if key and " " not in key)
    place = {key: at for at, key in enumerate(keys)}
    lists = [
        f"={place[aliases[key]]:x}" if key in aliases else encode_positions(sorted(postings[key]))
        for key in keys
    ]
    return {
        "v": 2,
        "th": list(THEMES),
        "sd": stadsdelen,
        "k": kinds,
        "t": list(teams),
        "i": " ".join(f"{lesson.id:x}" for lesson in site.lessons),
        "n": [title_of(lesson) for lesson in site.lessons],
        "f": "".join(facts),
        # The places of the lessons written in English (the list built in the browser marks
        # their titles, as the pages do).
        "e": " ".join(
            f"{at:x}" for at, lesson in enumerate(site.lessons) if language_of(lesson.text) == "en"
        ),
        "w": front_coded(keys),
        "p": " ".join(lists),
        "s": " ".join(sorted(STOPWORDS)),
    }


@dataclass(frozen=True)
class Entry:
    """One lesson of the search data, read back (for tests and the benchmark)."""

    id: int
    title: str
    themes: tuple[str, ...]
    stadsdeel: str
    kind: str
    team: str | None
    endorsing_teams: int


def entries_of(data: dict[str, Any]) -> list[Entry]:
    ids = [int(raw, 16) for raw in str(data["i"]).split(" ") if raw]
    facts = str(data["f"])
    entries = []
    for at, (lesson_id, title) in enumerate(zip(ids, data["n"], strict=True)):
        fact = facts[at * 9 : at * 9 + 9]
        mask, team = int(fact[:2], 36), int(fact[4:7], 36)
        entries.append(
            Entry(
                id=lesson_id,
                title=title,
                themes=tuple(theme for bit, theme in enumerate(THEMES) if mask >> bit & 1),
                stadsdeel=data["sd"][int(fact[2], 36)],
                kind=data["k"][int(fact[3], 36)],
                team=None if team == ANONYMOUS else data["t"][team],
                endorsing_teams=int(fact[7:9], 36),
            )
        )
    return entries


def lessons_with(data: dict[str, Any], key: str) -> list[int]:
    """The ids of the lessons the search data lists under one key (for tests)."""
    keys = keys_of(str(data["w"]))
    lists = str(data["p"]).split(" ")
    encoded = lists[keys.index(key)]
    if encoded.startswith("="):
        encoded = lists[int(encoded[1:], 16)]
    ids = [entry.id for entry in entries_of(data)]
    return [ids[at] for at in decode_positions(encoded)]


def as_script(data: dict[str, object]) -> str:
    """The data as a script that sets the global. No `<` survives (so no `</script>` can end
    a script early wherever it is included), nor the two line separators JSON allows and old
    JavaScript did not."""
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        encoded = encoded.replace(raw, escape)
    encoded = encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL}={encoded};\n"

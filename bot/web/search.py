"""The site's search data: a small prebuilt index, made with the bot's own Dutch analyser
(`bot.services.textsearch`) so that search on the site finds what /search finds, shipped as a
`.js` file that sets one global (a page opened from disk may not fetch() anything).

Format (`window.STEUNPUNT_SEARCH`), kept compact for a phone:
- `l`: the lessons in the index's ranking, each `[id, title, themes, stadsdeel, kind, team,
  teams]`: title is the text shortened; themes a bit mask over `th`; stadsdeel and kind
  positions in `sd` and `k`; team a position in `t` (-1: shared anonymously, no name at all);
  teams how many teams found it herkenbaar.
- `w`: the index's keys, sorted, joined by spaces: the lesson's search terms as the bot stores
  them (stems, compound parts, synonym groups), the words as written (folded), its tags, and
  the other words of a synonym group whose word occurs.
- `p`: per key, the positions in `l` of the lessons that have it, as base-36 gaps joined by
  commas; the keys' lists joined by semicolons.
- `s`: the analyser's stop words, which a query drops as the bot does.
The searcher (assets/site.js) matches each query word by prefix against `w` (search as you
type: `vergun` finds vergunning) and keeps the lessons that match every word."""

from __future__ import annotations

import json
from collections.abc import Iterable

from bot.services.publication import PublishedLesson, Site
from bot.services.textsearch import STOPWORDS, thesaurus, words
from bot.texts.formatting import shorten
from storage.models import THEMES, Stadsdeel, TeamKind

TITLE_LIMIT = 140
GLOBAL = "STEUNPUNT_SEARCH"


def title_of(lesson: PublishedLesson) -> str:
    """A lesson's text as a list shows it: one line, shortened."""
    return shorten(" ".join(lesson.text.split()), TITLE_LIMIT)


def keys_of(lesson: PublishedLesson) -> set[str]:
    body = " ".join(part for part in (lesson.text, lesson.advice or "") if part)
    return {*lesson.terms, *words(body), *lesson.tags}


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def _gaps(positions: Iterable[int]) -> str:
    previous, parts = -1, []
    for position in positions:
        parts.append(_base36(position - previous - 1))
        previous = position
    return ",".join(parts)


def search_data(site: Site) -> dict[str, object]:
    stadsdelen = [stadsdeel.value for stadsdeel in Stadsdeel]
    kinds = [kind.value for kind in TeamKind]
    teams: dict[str, int] = {}
    entries: list[list[object]] = []
    postings: dict[str, list[int]] = {}
    for position, lesson in enumerate(site.lessons):
        mask = sum(1 << THEMES.index(theme) for theme in lesson.themes if theme in THEMES)
        team = -1
        if lesson.team_name is not None:
            team = teams.setdefault(lesson.team_name, len(teams))
        entries.append(
            [
                lesson.id,
                title_of(lesson),
                mask,
                stadsdelen.index(lesson.stadsdeel.value),
                kinds.index(lesson.kind.value),
                team,
                lesson.endorsing_teams,
            ]
        )
        for key in keys_of(lesson):
            postings.setdefault(key, []).append(position)
    # Another word of a synonym group finds the lessons of the group's word (`folder` finds a
    # lesson about a `flyer`), as in the bot.
    for other, canonical in thesaurus().stems.items():
        if other != canonical and other not in postings and canonical in postings:
            postings[other] = postings[canonical]
    keys = sorted(key for key in postings if key and " " not in key and ";" not in key)
    return {
        "v": 1,
        "th": list(THEMES),
        "sd": stadsdelen,
        "k": kinds,
        "t": list(teams),
        "l": entries,
        "w": " ".join(keys),
        "p": ";".join(_gaps(postings[key]) for key in keys),
        "s": " ".join(sorted(STOPWORDS)),
    }


def as_script(data: dict[str, object]) -> str:
    """The data as a script that sets the global. No `<` survives (so no `</script>` can end
    a script early wherever it is included), nor the two line separators JSON allows and old
    JavaScript did not."""
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        encoded = encoded.replace(raw, escape)
    encoded = encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL}={encoded};\n"

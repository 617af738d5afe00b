"""Dutch words for search: lower case, accents folded, stop words dropped, Snowball-stemmed
(so `vergunning` and `vergunningen` meet). Also reads `#thema`, `#tag` and `@stadsdeel`."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from storage.models import THEMES, Stadsdeel

# Common Dutch words that say nothing about a lesson's subject.
STOPWORDS = frozenset(
    """
    aan al alle alles als altijd andere ben bij daar dan dat de der deze die dit doch doen
    door dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe
    hun iemand iets ik in is ja je jij jullie kan kon kunnen maar me meer men met mij mijn
    moet na naar niet niets nog nu of om omdat ons ook op over reeds te tegen toch toen tot
    u uit uw van veel voor want waren was wat we wel werd wezen wie wij wil worden wordt zal
    ze zelf zich zij zijn zo zonder zou zouden jouw onze even heel gaat gaan gedaan werden
    bent hadden waar wanneer via echt best vaak
    """.split()  # noqa: SIM905 - a word list reads best as text
)
WORD = re.compile(r"[#@]?[a-z0-9][a-z0-9'-]*")
STADSDEEL_WORDS = {
    "centrum": Stadsdeel.CENTRUM,
    "nieuw-west": Stadsdeel.NIEUW_WEST,
    "nieuwwest": Stadsdeel.NIEUW_WEST,
    "noord": Stadsdeel.NOORD,
    "oost": Stadsdeel.OOST,
    "west": Stadsdeel.WEST,
    "zuid": Stadsdeel.ZUID,
    "zuidoost": Stadsdeel.ZUIDOOST,
    "weesp": Stadsdeel.WEESP,
    "stad": Stadsdeel.STAD,
}


def fold(text: str) -> str:
    """Lower case without accents: `Coöperatie` → `cooperatie`."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("dutch")


# A long vowel written double in a closed syllable is single in the open one: `paneel` and
# `panelen`, `straat` and `straten`, `boom` and `bomen`. The stemmer leaves the double vowel.
_DOUBLE_VOWEL_END = re.compile(r"(aa|ee|oo|uu)([b-df-hj-np-tv-xz])$")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    stemmed = str(_stemmer().stemWord(word))
    return _DOUBLE_VOWEL_END.sub(lambda found: found[1][0] + found[2], stemmed)


def _telling(word: str) -> bool:
    return len(word) >= 2 and word not in STOPWORDS and not word.isdigit()


def words(text: str, *, whole: bool = True) -> list[str]:
    """Content words of a text, folded (tags included without their #). A hyphenated word
    counts as its parts as well (`WhatsApp-groepen` is found by `whatsapp`), and with
    `whole` also as one word without the hyphen (found by `whatsappgroepen`); a query leaves
    the whole out, so it also finds the parts written apart."""
    found = []
    for token in WORD.findall(fold(text)):
        token = token.lstrip("#@").strip("'-")
        if "-" not in token:
            found += [token] if _telling(token) else []
            continue
        parts = [part.strip("'") for part in token.split("-")]
        joined = [token.replace("-", "")] if whole else []
        found += [word for word in (*joined, *parts) if _telling(word)]
    return found


def terms(text: str) -> Counter[str]:
    """Stemmed content words with their counts: what the search index stores."""
    return Counter(stem(word) for word in words(text))


def tags_in(text: str) -> list[str]:
    """Free tags written as #tag (themes are tags too; they are split off by the caller)."""
    return sorted({match[1:] for match in re.findall(r"#[a-z0-9][a-z0-9_-]*", fold(text))})


@dataclass(frozen=True)
class SearchQuery:
    text: str
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    stadsdeel: Stadsdeel | None = None
    terms: tuple[str, ...] = field(default=())


def parse_query(raw: str) -> SearchQuery:
    """`#financiering @noord subsidie` → theme filter, stadsdeel filter, words."""
    themes, tags, rest = [], [], []
    stadsdeel = None
    for token in raw.split():
        folded = fold(token)
        if folded.startswith("#") and folded[1:] in THEMES:
            themes.append(folded[1:])
        elif folded.startswith("#") and len(folded) > 1:
            tags.append(folded[1:])
        elif folded.startswith("@") and folded[1:] in STADSDEEL_WORDS:
            stadsdeel = STADSDEEL_WORDS[folded[1:]]
        else:
            rest.append(token)
    text = " ".join(rest)
    return SearchQuery(
        text=text,
        themes=tuple(themes),
        tags=tuple(tags),
        stadsdeel=stadsdeel,
        terms=tuple(dict.fromkeys(stem(word) for word in words(text, whole=False))),
    )

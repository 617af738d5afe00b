"""Dutch words for search and similar lessons: lower case, accents folded, stop words dropped,
Snowball-stemmed (so `vergunning` and `vergunningen` meet), compounds split into their parts
(so `containervergunning` meets `vergunning voor een container`), and synonyms joined under one
word (`folder` meets `flyer`; the reviewed list is `bot.services.thesaurus`). Also reads
`#thema`, `#tag` and `@stadsdeel`.

`terms()` is what the search index stores (table lesson_terms). Whatever changes what it gives
for a text changes the analyser's `fingerprint()`, and the bot rebuilds the index once."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version

import snowballstemmer

from bot.services.thesaurus import SYNONYMS, groups
from storage.models import THEMES, Stadsdeel

# Raise when the analyser's rules change (the list, the stemmer and the word frequencies are
# in the fingerprint by themselves).
ANALYSER_VERSION = 2

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

# Compound splitting. A long word that is rare in Dutch (`containervergunning`) is split into
# two common words, optionally joined by a linking s, e or en (`vergunning-s-aanvraag`); the
# tail may itself be such a compound. How common a word is comes from wordfreq's Dutch list
# (Zipf scale: 3 is once per million words), which is fixed per wordfreq version, so the index
# and every query split alike.
COMPOUND_MIN_LENGTH = 8
COMPOUND_MAX_LENGTH = 40
PIECE_MAX_LENGTH = 24
COMPOUND_PART_LENGTH = 4
COMMON_ZIPF = 3.0
LINKERS = ("", "s", "e", "en")


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


@lru_cache(maxsize=1)
def _word_frequencies() -> tuple[dict[str, float], dict[str, float]]:
    """wordfreq's Dutch word list (word → frequency), and the frequencies of its words with
    accents under their folded spelling (`coöperatie` as `cooperatie`: the index folds)."""
    import wordfreq  # a quarter second to import: only when a word is first looked up

    frequencies = wordfreq.get_frequency_dict("nl")
    folded: dict[str, float] = {}
    for word, frequency in frequencies.items():
        if not word.isascii() and (plain := fold(word)) != word:
            folded[plain] = max(frequency, folded.get(plain, 0.0))
    return frequencies, folded


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """How common a (folded, lower-case) Dutch word is, on the Zipf scale: 3 is once in a
    million words, 0 unknown (wordfreq's `zipf_frequency`, without its tokenizer)."""
    frequencies, folded = _word_frequencies()
    frequency = max(frequencies.get(word, 0.0), folded.get(word, 0.0))
    return round(math.log10(frequency) + 9, 2) if frequency > 0 else 0.0


# A way to split (part of) a word: (how many parts, minus the Zipf of the rarest, the parts).
_Split = tuple[int, float, tuple[str, ...]]


@lru_cache(maxsize=100_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a Dutch compound (`containervergunning` → container, vergunning), or ()
    for a word that is common itself, short, long beyond any compound, or not made of common
    words (`speeltuin`). Fewer parts win (`stadsdeelkantoor` is stadsdeel + kantoor, not
    stad + deel + kantoor), then the split whose rarest part is most common."""
    if not COMPOUND_MIN_LENGTH <= len(word) <= COMPOUND_MAX_LENGTH or not word.isalpha():
        return ()
    if zipf(word) >= COMMON_ZIPF:
        return ()
    # best[i]: the best way to write word[i:] as common words joined by linkers (the fewest
    # parts, then the most common rarest part); filled from the end backwards.
    size = len(word)
    best: list[_Split | None] = [None] * (size + 1)
    for start in range(size - COMPOUND_PART_LENGTH, -1, -1):
        for end in range(start + COMPOUND_PART_LENGTH, min(start + PIECE_MAX_LENGTH, size) + 1):
            piece = word[start:end]
            if (start, end) == (0, size) or zipf(piece) < COMMON_ZIPF:
                continue
            options: list[_Split]
            if end == size:
                options = [(1, -zipf(piece), (piece,))]
            else:
                options = [
                    (rest[0] + 1, max(rest[1], -zipf(piece)), (piece, *rest[2]))
                    for linker in LINKERS
                    if word.startswith(linker, end)
                    and (rest := best[end + len(linker)]) is not None
                ]
            for option in options:
                current = best[start]
                if current is None or option[:2] < current[:2]:
                    best[start] = option
    found = best[0]
    return found[2] if found is not None and found[0] > 1 else ()


def _telling(word: str) -> bool:
    return len(word) >= 2 and word not in STOPWORDS and not word.isdigit()


def _tokens(text: str) -> list[str]:
    """Every word of a text in order, folded, small words included."""
    return [token.lstrip("#@").strip("'-") for token in WORD.findall(fold(text))]


def words(text: str, *, whole: bool = True) -> list[str]:
    """Content words of a text, folded (tags included without their #). A hyphenated word
    counts as its parts as well (`WhatsApp-groepen` is found by `whatsapp`), and with
    `whole` also as one word without the hyphen (found by `whatsappgroepen`); a query leaves
    the whole out, so it also finds the parts written apart."""
    found = []
    for token in _tokens(text):
        found += _content(token, whole=whole)
    return found


def _content(token: str, *, whole: bool) -> list[str]:
    if "-" not in token:
        return [token] if _telling(token) else []
    parts = [part.strip("'") for part in token.split("-")]
    joined = [token.replace("-", "")] if whole else []
    return [word for word in (*joined, *parts) if _telling(word)]


# --- synonyms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thesaurus:
    """Stems that stand for another (`folder` → `flyer`), and phrases that stand for one word
    (`deur aan deur` → `huisaanhuis`)."""

    stems: dict[str, str]
    phrases: dict[tuple[str, ...], str]
    longest_phrase: int


def _joined(entry: str) -> str:
    """An entry's words written together (`huis aan huis` → `huisaanhuis`, `e-mail` →
    `email`): the one word it stands for."""
    return "".join(_tokens(entry)).replace("-", "")


def build_thesaurus(text: str) -> Thesaurus:
    """Read a synonym list (see `bot.services.thesaurus`); a word in two groups is an error."""
    stems: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    for group in groups(text):
        canonical = stem(_joined(group[0]))
        for entry in group:
            key = stem(_joined(entry))
            if stems.get(key, canonical) != canonical:
                raise ValueError(f"{entry!r} is in two synonym groups")
            stems[key] = canonical
            tokens = tuple(token for token in _tokens(entry) if token)
            if len(tokens) > 1:
                phrases[tokens] = canonical
    return Thesaurus(stems, phrases, max(map(len, phrases), default=0))


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    return build_thesaurus(SYNONYMS)


# --- the analyser --------------------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The terms one content word stands for: its stem, or its group's in the synonym list
    (`folders` → flyer), or a compound's parts (`containervergunning` → container, vergun):
    a compound is indexed as its parts only, so it meets the same words written apart and
    a lesson about a `containervergunning` is not counted three times alike."""
    known = thesaurus().stems
    term = stem(word)
    if term in known:  # a word in the synonym list means what the list says: never split
        return (known[term],)
    parts = [stem(part) for part in split_compound(word) if _telling(part)]
    parts = list(dict.fromkeys(known.get(part, part) for part in parts))
    return tuple(parts) if len(parts) > 1 else (term,)


@dataclass(frozen=True)
class Analysed:
    """A text as the index sees it: per written word (a hyphenated one is one word) the terms
    it stands for and whether it is part of a phrase of the synonym list; then the terms of
    those phrases."""

    words: list[tuple[tuple[str, ...], bool]]
    phrases: list[str]


def analyse(text: str, *, whole: bool = True) -> Analysed:
    tokens = _tokens(text)
    known = thesaurus()
    phrased = [False] * len(tokens)
    phrases: list[str] = []
    start = 0
    while start < len(tokens):
        for length in range(min(known.longest_phrase, len(tokens) - start), 1, -1):
            phrase = known.phrases.get(tuple(tokens[start : start + length]))
            if phrase is not None:
                phrases.append(phrase)
                phrased[start : start + length] = [True] * length
                start += length
                break
        else:
            start += 1
    analysed = []
    for token, in_phrase in zip(tokens, phrased, strict=True):
        said = [term for word in _content(token, whole=whole) for term in word_terms(word)]
        if said:
            analysed.append((tuple(dict.fromkeys(said)), in_phrase))
    return Analysed(analysed, phrases)


def terms(text: str) -> Counter[str]:
    """Stemmed content words with their counts, compounds as their parts and synonyms as their
    group's word: what the search index stores, and what similar lessons are compared by."""
    analysed = analyse(text)
    counted = Counter(term for found, _ in analysed.words for term in found)
    counted.update(analysed.phrases)
    return counted


def fingerprint() -> str:
    """Changes whenever `terms()` may give other terms for the same text (10 characters)."""
    recipe = "\n".join(
        (
            str(ANALYSER_VERSION),
            version("snowballstemmer"),
            version("wordfreq"),
            " ".join(sorted(STOPWORDS)),
            SYNONYMS,
            repr((COMPOUND_MIN_LENGTH, COMPOUND_MAX_LENGTH, COMPOUND_PART_LENGTH)),
            repr((COMMON_ZIPF, *LINKERS)),
        )
    )
    return "a" + hashlib.sha256(recipe.encode()).hexdigest()[:9]


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
    """`#financiering @noord subsidie` → theme filter, stadsdeel filter, words. A compound
    asks for its parts (`containervergunning` finds a `vergunning` for a `container`), a
    phrase of the synonym list for its group's word."""
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
    analysed = analyse(text, whole=False)
    wanted = [term for found, in_phrase in analysed.words if not in_phrase for term in found]
    return SearchQuery(
        text=text,
        themes=tuple(themes),
        tags=tuple(tags),
        stadsdeel=stadsdeel,
        terms=tuple(dict.fromkeys(wanted + analysed.phrases)),
    )

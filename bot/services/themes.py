"""Theme suggestion for a new lesson: which of the seven themes it is probably about.

Two signals, both pure here (the caller looks the neighbours up):

- a small Dutch keyword lexicon per theme: words that signal a theme in this domain (written
  for the domain, not fitted to any labelled text), matched on the same stems as search
  (`bot.services.textsearch`), and a few roots also inside compounds (`buurtbudget`);
- neighbour voting: the text's nearest already-themed lessons, each voting for its themes with
  its similarity score.

The author sees the suggestion pre-selected on the lesson card and confirms it by leaving it, or
changes it with the theme buttons. See benchmarks/themes.py for precision and recall.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.services.textsearch import fold, stem, words
from storage.models import THEMES

# Words that signal a theme. A plain word matches by its stem (`subsidies` ~ `subsidie`);
# `root*` matches words starting with the root, `*root` words ending with it, `*root*` words
# containing it (for Dutch compounds: `buurtbudget`, `subsidieaanvraag`, `huurcontract`).
LEXICON: dict[str, tuple[str, ...]] = {
    "zeggenschap": tuple(
        """
        zeggenschap inspraak* *beslis* besluit besluiten besluitvorming particip* invloed
        meedenken meepraten meebeslissen inbreng stem stemmen stemming draagvlak enquete
        peiling wensen ophalen adviesraad bewonersraad *democrat* uitdaagrecht
        initiatiefrecht cocreatie co-creatie serieus gehoord mandaat bewonerspanel panel
        """.split()  # noqa: SIM905 - a word list reads best as text
    ),
    "routes": tuple(
        """
        route routes *loket* afdeling afdelingen contactpersoon aanspreekpunt doorverwezen
        doorverwijzen doorgestuurd procedure procedures formulier *vergunning* melding
        *meldpunt* *makelaar* wethouder raadslid gemeenteraad bureaucratie bureaucratisch
        wegwijs kastje instantie instanties stadsdeelkantoor ambtenaar ambtenaren ambtelijk
        ambtelijke gemeente stadsdeel aanvraag aanvragen balie dossier behandeld afgewezen
        bezwaar regelgeving
        """.split()  # noqa: SIM905 - a word list reads best as text
    ),
    "cultuur": tuple(
        """
        cultuur vertrouwen wantrouwen houding sfeer toon informeel informele formeel formele
        respect gelijkwaardig gelijkwaardigheid menselijk borrel koffie mentaliteit angst
        durven risico openheid erkenning waardering wederzijds vooroordelen taalgebruik
        jargon gewoonte gewoontes welkom afstand luisteren begrip persoonlijk cultureel
        """.split()  # noqa: SIM905 - a word list reads best as text
    ),
    "randvoorwaarden": tuple(
        """
        randvoorwaarde* voorwaarden *ruimte* *locatie* gebouw pand lokaal *sleutel* huur* zaalhuur
        verzeker* opslag materiaal materialen gereedschap openingstijden tijden capaciteit
        administratie kvk rechtsvorm stichting statuten privacy avg veiligheid huisregels
        wifi internet laptop printer stroom faciliteiten toegankelijk rolstoel kinderopvang
        vervoer parkeren bereikbaar inventaris onderhoud
        """.split()  # noqa: SIM905 - a word list reads best as text
    ),
    "financiering": tuple(
        """
        financier* *financ* subsidi* *subsidie* *budget* *begroting* begroot geld *geld
        *fonds* lening *sponsor* donatie donaties crowdfunding inkomsten kosten betalen
        betaald betaling vergoeding declar* factuur facturen euro bijdrage penningmeester
        *kas kascommissie voorschot uitbetaling uitbetaald tarief *potje* pot cofinanciering
        verantwoording geldstroom aanbesteding offerte
        """.split()  # noqa: SIM905 - a word list reads best as text
    ),
    "samenwerking": tuple(
        """
        samenwerk* *partner* *netwerk* afstem* coalitie overleg overleggen verbinden
        verbinding bundelen gezamenlijk krachten kennismaken uitwisselen uitwisseling
        corporatie woningcorporatie school scholen ondernemers welzijn welzijnsorganisatie
        buurtteam wijkagent huisarts bondgenoot bondgenoten elkaar allianties samen
        organisaties buurtorganisaties
        """.split()  # noqa: SIM905 - a word list reads best as text
    ),
    "eigenaarschap": tuple(
        """
        eigenaarschap eigenaar eigenaren verantwoordelijk* *trekker* voorzitter taken taak
        takenverdeling rol rollen overdragen overdracht opvolging opvolger vrijwillig*
        zelfstandig afhankelijk overbelast burn-out opgebrand initiatiefnemer *beheer*
        beheren continuiteit stoppen vertrekt volhouden duo bestuur bestuursleden
        """.split()  # noqa: SIM905 - a word list reads best as text
    ),
}

MAX_THEMES = 2
NEIGHBOURS = 7  # the nearest themed lessons that vote
NEIGHBOUR_MIN_SCORE = 0.05  # below this a lesson is not alike enough to vote
NEIGHBOUR_FULL_SCORE = 0.25  # a nearest lesson this alike gives its vote full weight
LEXICON_WEIGHT = 0.5
NEIGHBOUR_WEIGHT = 0.5
THRESHOLD = 0.3  # see the threshold table in benchmarks/themes.py


@dataclass(frozen=True)
class Neighbour:
    """An already-themed lesson near the text: how alike (0..1) and its themes."""

    score: float
    themes: tuple[str, ...]


@dataclass(frozen=True)
class _Entries:
    stems: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    infixes: tuple[str, ...]


@lru_cache(maxsize=1)
def _entries() -> dict[str, _Entries]:
    built = {}
    for theme, entries in LEXICON.items():
        stems: set[str] = set()
        prefixes: list[str] = []
        suffixes: list[str] = []
        infixes: list[str] = []
        for entry in entries:
            root = fold(entry.strip("*"))
            if entry.startswith("*") and entry.endswith("*"):
                infixes.append(root)
            elif entry.endswith("*"):
                prefixes.append(root)
            elif entry.startswith("*"):
                suffixes.append(root)
            else:
                stems.update(stem(word) for word in words(root))
        built[theme] = _Entries(frozenset(stems), tuple(prefixes), tuple(suffixes), tuple(infixes))
    return built


def _matches(entries: _Entries, word: str) -> bool:
    return (
        stem(word) in entries.stems
        or word.startswith(entries.prefixes)
        or word.endswith(entries.suffixes)
        or any(root in word for root in entries.infixes)
    )


def lexicon_hits(text: str) -> dict[str, list[str]]:
    """The text's words that signal each theme (each different word once)."""
    found = dict.fromkeys(words(text))
    return {
        theme: [word for word in found if _matches(entries, word)]
        for theme, entries in _entries().items()
    }


def lexicon_scores(text: str) -> dict[str, float]:
    """0..1 per theme: one signalling word gives 0.5, two or more 1.0."""
    return {theme: min(1.0, len(hits) / 2) for theme, hits in lexicon_hits(text).items()}


def neighbour_scores(neighbours: Iterable[Neighbour]) -> dict[str, float]:
    """0..1 per theme: the similarity-weighted share of the nearest themed lessons carrying it,
    damped when even the nearest lesson is not much alike."""
    near = sorted(
        (n for n in neighbours if n.score >= NEIGHBOUR_MIN_SCORE and n.themes),
        key=lambda n: -n.score,
    )[:NEIGHBOURS]
    scores = dict.fromkeys(THEMES, 0.0)
    total = sum(n.score for n in near)
    if not near or total <= 0:
        return scores
    confidence = min(1.0, near[0].score / NEIGHBOUR_FULL_SCORE)
    for neighbour in near:
        for theme in set(neighbour.themes) & set(THEMES):
            scores[theme] += confidence * neighbour.score / total
    return scores


def theme_scores(
    text: str,
    neighbours: Sequence[Neighbour],
    *,
    lexicon: bool = True,
    voting: bool = True,
) -> dict[str, float]:
    """0..1 per theme from the lexicon and the neighbours' votes (either alone when asked)."""
    by_lexicon = lexicon_scores(text) if lexicon else dict.fromkeys(THEMES, 0.0)
    by_votes = neighbour_scores(neighbours) if voting else dict.fromkeys(THEMES, 0.0)
    # With no themed lesson alike enough to vote (a new city log), the lexicon speaks alone.
    if lexicon and voting and any(by_votes.values()):
        return {
            theme: LEXICON_WEIGHT * by_lexicon[theme] + NEIGHBOUR_WEIGHT * by_votes[theme]
            for theme in THEMES
        }
    return by_lexicon if lexicon else by_votes


def pick(scores: dict[str, float], threshold: float = THRESHOLD) -> tuple[str, ...]:
    """At most MAX_THEMES themes scoring at least `threshold`, best first."""
    ranked = sorted(
        (theme for theme in THEMES if scores.get(theme, 0.0) >= threshold),
        key=lambda theme: (-scores[theme], THEMES.index(theme)),
    )
    return tuple(ranked[:MAX_THEMES])


def suggest(
    text: str, neighbours: Sequence[Neighbour], threshold: float = THRESHOLD
) -> tuple[str, ...]:
    """The themes to pre-select for a new lesson: none when nothing signals one."""
    return pick(theme_scores(text, neighbours), threshold)

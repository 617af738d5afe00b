"""How alike two texts are, as one number that means the same on SQLite and PostgreSQL and in a
log of a hundred lessons or a hundred thousand: the cosine of their weighted term vectors.

A text is its terms (`bot.services.textsearch.terms`: stemmed, compounds split, synonyms
joined) with their counts. A term weighs (1 + ln count) × idf: a word said twice counts a
little more than once, a word found in few lessons much more than one found in many. The
cosine of two such vectors is 0 when they share no word and 1 when they say the same words
in the same measure; it is symmetric, and it does not grow with the size of the log (the idf
of every word grows alike, and the cosine divides that out). Only the idf depends on the log:
how many lessons there are, and in how many each term occurs (smoothed, so that a log of a
few lessons does not make its every word look common).

Pure functions, so the blocker radar and the benchmarks can use the same score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

Idf = Callable[[str], float]


# A young log says little about which words are common: in a log of two lessons about rats,
# `ratten` is in every lesson and would weigh nothing. So every count is taken as if the log
# held this many more lessons without the word; in a log of thousands it makes no difference.
PRIOR_LESSONS = 100


def idf(total: int, frequency: int) -> float:
    """Inverse document frequency of a term found in `frequency` of `total` texts (BM25's
    form, with PRIOR_LESSONS: always above 0, highest for a term found nowhere)."""
    frequency = min(max(frequency, 0), max(total, 0))
    return math.log(1 + (total + PRIOR_LESSONS - frequency + 0.5) / (frequency + 0.5))


def weights(counts: Mapping[str, int], idf: Idf) -> dict[str, float]:
    """A text's term vector: (1 + ln count) × idf per term."""
    return {term: (1 + math.log(count)) * idf(term) for term, count in counts.items() if count > 0}


def cosine_of(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """The cosine of two term vectors, in [0, 1]."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b[term] for term, weight in a.items() if term in b)
    if dot <= 0:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return min(1.0, dot / norm)


def cosine(a: Mapping[str, int], b: Mapping[str, int], idf: Idf) -> float:
    """How alike two texts are, from their term counts: 0 (no word in common) to 1."""
    return cosine_of(weights(a, idf), weights(b, idf))

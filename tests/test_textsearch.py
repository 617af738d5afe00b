"""The Dutch analyser (compounds, synonyms) and the similarity score, as pure functions."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services import textsearch
from bot.services.similarity import PRIOR_LESSONS, Idf, cosine, idf
from bot.services.textsearch import (
    build_thesaurus,
    fingerprint,
    parse_query,
    split_compound,
    stem,
    terms,
)
from bot.services.thesaurus import SYNONYMS, groups
from storage import search
from storage.search import FREQUENCIES_FRESH_SECONDS, Frequencies

# --- compounds -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("containervergunning", ("container", "vergunning")),
        ("vergunningsaanvraag", ("vergunning", "aanvraag")),  # with a linking s
        ("stadsdeelkantoor", ("stadsdeel", "kantoor")),  # fewest parts win
        ("subsidieaanvraagformulier", ("subsidie", "aanvraag", "formulier")),
        ("energiecooperatie", ("energie", "cooperatie")),  # coöperatie, folded
        ("speeltuin", ()),  # a common word in its own right
        ("vergunning", ()),
        ("bewoners", ()),
        ("xqzvlrmtkpwh", ()),  # not made of Dutch words
        ("gebiedsmakelaars" + "x" * 40, ()),  # longer than any compound
    ],
)
def test_compounds_split_into_common_words(word: str, parts: tuple[str, ...]) -> None:
    assert split_compound(word) == parts


def test_a_compound_is_indexed_as_its_parts() -> None:
    assert terms("Containervergunning") == Counter({stem("container"): 1, stem("vergunning"): 1})
    assert set(terms("een vergunning voor de container")) == set(terms("containervergunning"))
    assert set(terms("aanvraag van een vergunning")) == set(terms("vergunningsaanvraag"))
    assert terms("speeltuin") == Counter({stem("speeltuin"): 1})
    # A hyphenated compound counts once per part, not once more for the whole.
    assert terms("WhatsApp-groep")[stem("groep")] == 1


def test_splitting_a_long_nonsense_word_stays_cheap() -> None:
    started = time.perf_counter()
    assert terms("x" * 4000) == Counter({"x" * 4000: 1})
    split_compound("abcdefghijklmnopqrstuvwxyzabcdefghijklmn")
    assert time.perf_counter() - started < 1.0


# --- synonyms ------------------------------------------------------------------------------------


def test_synonyms_meet_under_their_groups_first_word() -> None:
    assert terms("folder") == terms("flyers") == terms("Foldertjes") == Counter({"flyer": 1})
    assert set(terms("buurtbewoners")) == set(terms("bewoner"))
    # A phrase of the list is its group's word too, written apart, with hyphens or together.
    assert terms("deur aan deur") == Counter({"deur": 2, "huisaanhuis": 1})
    assert terms("Huis-aan-huis") == Counter({"huis": 1, "huisaanhuis": 1})
    assert terms("huisaanhuis") == terms("aanbellen") == Counter({"huisaanhuis": 1})
    # A word of the list is not split further (it means what the list says).
    assert terms("wijkbewoners") == Counter({"bewoner": 1})


def test_the_synonym_list_parses_and_refuses_a_word_in_two_groups() -> None:
    shipped = build_thesaurus(SYNONYMS)
    assert len(groups()) > 50
    assert shipped.stems[stem("folders")] == "flyer"
    assert groups("# a comment\nfolder, flyer,\n  pamflet\n\nalone\n") == [
        ["folder", "flyer", "pamflet"]
    ]
    with pytest.raises(ValueError, match="two synonym groups"):
        build_thesaurus("folder, flyer\nbrief, folders\n")


def test_the_fingerprint_follows_the_synonym_list(monkeypatch: pytest.MonkeyPatch) -> None:
    first = fingerprint()
    assert len(first) == 10
    assert fingerprint() == first
    monkeypatch.setattr(textsearch, "SYNONYMS", SYNONYMS + "\nkoffie, thee\n")
    assert fingerprint() != first


# --- search queries ------------------------------------------------------------------------------


def test_a_query_asks_for_a_compounds_parts_and_a_phrases_word() -> None:
    assert parse_query("containervergunning").terms == (stem("container"), stem("vergunning"))
    assert parse_query("folders #routes").terms == ("flyer",)
    assert parse_query("deur aan deur").terms == ("huisaanhuis",)
    assert parse_query("WhatsApp-groepen").terms == (stem("whatsapp"), stem("groepen"))


# --- the score -----------------------------------------------------------------------------------


def _idf(total: int, frequency: dict[str, int]) -> Idf:
    return lambda term: idf(total, frequency.get(term, 0))


def test_cosine_of_same_other_and_partly_alike_texts() -> None:
    rats = terms("Ratten verdwijnen pas als het groen niet meer verwaarloosd wordt")
    park = terms("Door verwaarloosd groen kregen we ratten in het park")
    permit = terms("Bel de gebiedsmakelaar voordat je vergunningen aanvraagt")
    weigh = _idf(3, Counter(term for text in (rats, park, permit) for term in text))
    assert cosine(rats, rats, weigh) == pytest.approx(1.0)
    assert cosine(rats, permit, weigh) == 0.0
    assert 0.3 < cosine(rats, park, weigh) < 1.0
    assert cosine(rats, park, weigh) == cosine(park, rats, weigh)
    assert cosine(Counter(), rats, weigh) == 0.0


def test_idf_is_positive_and_young_logs_do_not_make_every_word_common() -> None:
    assert idf(0, 0) > 0
    assert idf(10, 10) > 0
    assert idf(10, 99) == idf(10, 10)
    assert idf(1000, 1) > idf(1000, 100) > idf(1000, 1000)
    # In a log of two lessons a word in both still weighs (the prior of PRIOR_LESSONS).
    assert idf(2, 2) > 0.5 * idf(2, 1)
    assert PRIOR_LESSONS > 0


word_counts = st.dictionaries(
    st.sampled_from(["rat", "groen", "park", "vergun", "buurt", "flyer", "bewoner"]),
    st.integers(min_value=1, max_value=5),
)


@given(word_counts, word_counts, st.integers(min_value=0, max_value=10_000))
def test_cosine_is_symmetric_and_between_0_and_1(
    a: dict[str, int], b: dict[str, int], total: int
) -> None:
    weigh = _idf(total, {"rat": total // 2, "buurt": total, "flyer": 1})
    score = cosine(a, b, weigh)
    assert 0.0 <= score <= 1.0
    assert score == pytest.approx(cosine(b, a, weigh))
    if a and a == b:
        assert score == pytest.approx(1.0)


# --- remembered word counts ----------------------------------------------------------------------


def test_remembered_word_counts_expire_and_move_with_a_lesson(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counts = Frequencies()
    assert counts.total(0.0) is None
    assert counts.lookup({"rat", "groen"}, 0.0) == ({}, ["groen", "rat"])
    counts.set_total(10, 0.0)
    counts.store({"rat": 3, "groen": 0}, 0.0)
    assert counts.total(1.0) == 10
    assert counts.lookup({"rat", "groen", "park"}, 1.0) == ({"rat": 3}, ["park"])
    later = FREQUENCIES_FRESH_SECONDS + 1
    assert counts.total(later) is None
    assert counts.lookup({"rat"}, later) == ({}, ["rat"])
    counts.set_total(10, 0.0)
    counts.store({"rat": 3, "groen": 0, "park": 1}, 0.0)
    counts.shift(set(), {"rat", "groen", "buurt"}, lessons=1)  # a new lesson was indexed here
    assert counts.total(1.0) == 11
    # Known words move by one; a word not remembered stays to be counted.
    assert counts.lookup({"rat", "groen", "park", "buurt"}, 1.0) == (
        {"rat": 4, "groen": 1, "park": 1},
        ["buurt"],
    )
    counts.shift({"rat", "park"}, {"rat", "groen"})  # a lesson's text changed: park → groen
    assert counts.total(1.0) == 11
    assert counts.lookup({"rat", "groen", "park"}, 1.0) == ({"rat": 4, "groen": 2}, [])
    counts.store_all(20, {"rat": 4, "park": 1}, 2.0)
    assert (counts.total(2.0), counts.lookup({"rat", "groen"}, 2.0)) == (
        20,
        ({"rat": 4}, ["groen"]),
    )
    monkeypatch.setattr(search, "FREQUENCIES_KEPT", 2)
    counts.store({"buurt": 5}, 2.0)  # more than are kept: start afresh
    assert counts.lookup({"rat", "buurt"}, 2.0) == ({"buurt": 5}, ["rat"])

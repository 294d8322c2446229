"""Properties of ``secretariat.kernel.classification``: dominance is a lattice order, not a total one.

No database: Classification and Level are plain values.
"""

import re

import pytest
from hypothesis import assume, find, given
from hypothesis import strategies as st

from secretariat.kernel.classification import Classification, Level, normalise_compartment

# A small pool makes comparable and incomparable pairs both common; a regex-drawn pool
# exercises the full code alphabet (letters, digits, spaces, hyphens).
POOL = ["SPECIAL FILE", "ALPHA", "BRAVO", "K-9"]
codes = st.sampled_from(POOL) | st.from_regex(r"[A-Z][A-Z0-9 -]{0,39}", fullmatch=True).map(normalise_compartment)
small_codes = st.sampled_from(POOL)
levels = st.sampled_from(list(Level))


def classifications(code_strategy=small_codes):
    return st.builds(Classification, levels, st.frozensets(code_strategy, max_size=4))


small = classifications()
wide = classifications(codes)
any_classification = small | wide


def dominates(a: Classification, b: Classification) -> bool:
    """The definition, restated: a level at least as high and every compartment held."""
    return int(a.level) >= int(b.level) and set(b.compartments) <= set(a.compartments)


# --- dominance: definition and partial order ---------------------------------------------


@given(any_classification, any_classification)
def test_dominance_matches_definition_and_operators(a, b):
    assert a.dominates(b) is dominates(a, b)
    assert (a >= b) is dominates(a, b)
    assert (a <= b) is dominates(b, a)


@given(any_classification)
def test_reflexive(a):
    assert a.dominates(a)
    assert a >= a and a <= a


@given(small, small)
def test_antisymmetric(a, b):
    if a.dominates(b) and b.dominates(a):
        assert a == b
        assert hash(a) == hash(b)


@given(small, small, small)
def test_transitive(a, b, c):
    if a.dominates(b) and b.dominates(c):
        assert a.dominates(c)


@given(small, small, small)
def test_transitive_on_constructed_chain(a, extra_level, extra):
    # Build a chain c <= b <= a directly, so the premise always holds.
    b = Classification(min(a.level, extra_level.level), a.compartments & extra.compartments)
    c = Classification(min(b.level, extra.level), b.compartments & extra_level.compartments)
    assert a.dominates(b) and b.dominates(c)
    assert a.dominates(c)


# --- not a total order -------------------------------------------------------------------


def test_concrete_incomparable_pair():
    secret_special = Classification.parse("SECRET//SPECIAL FILE")
    top_secret = Classification.parse("TOP SECRET")
    assert not secret_special.dominates(top_secret)
    assert not top_secret.dominates(secret_special)
    assert not (secret_special >= top_secret) and not (secret_special <= top_secret)
    # Two compartments, same level: also incomparable.
    a, b = Classification.of("C", ["ALPHA"]), Classification.of("C", ["BRAVO"])
    assert not a.dominates(b) and not b.dominates(a)


def test_incomparable_pairs_exist():
    a, b = find(st.tuples(small, small), lambda ab: not ab[0].dominates(ab[1]) and not ab[1].dominates(ab[0]))
    assert not a.dominates(b) and not b.dominates(a)


@given(small, small)
def test_incomparable_exactly_when_level_and_compartments_disagree(a, b):
    comparable = a.dominates(b) or b.dominates(a)
    levels_agree_with_sets = (a.level >= b.level and a.compartments >= b.compartments) or (
        b.level >= a.level and b.compartments >= a.compartments
    )
    assert comparable == levels_agree_with_sets


@given(st.lists(levels, min_size=2, max_size=2, unique=True).map(sorted), st.sets(small_codes, min_size=1))
def test_higher_level_without_a_compartment_is_incomparable(low_high, compartments):
    low, high = low_high
    a = Classification(low, frozenset(compartments))
    b = Classification(high, frozenset())
    assert not a.dominates(b) and not b.dominates(a)


# --- join is the least upper bound -------------------------------------------------------


@given(any_classification, any_classification)
def test_join_is_an_upper_bound(a, b):
    j = a.join(b)
    assert j.dominates(a) and j.dominates(b)
    assert j == b.join(a)


@given(small, small, small)
def test_join_is_least(a, b, c):
    if c.dominates(a) and c.dominates(b):
        assert c.dominates(a.join(b))


@given(small, small, levels, st.frozensets(small_codes))
def test_join_is_least_for_constructed_upper_bounds(a, b, level, more):
    # An arbitrary upper bound of both: at least the higher level, at least the union, plus extras.
    c = Classification(max(a.level, b.level, level), a.compartments | b.compartments | more)
    assert c.dominates(a) and c.dominates(b)
    assert c.dominates(a.join(b))


@given(small, small, small)
def test_join_laws(a, b, c):
    assert a.join(a) == a
    assert a.join(b.join(c)) == a.join(b).join(c)
    assert (a.join(b) == a) is a.dominates(b)


# --- Level.parse -------------------------------------------------------------------------

SPELLINGS = {
    Level.UNCLASSIFIED: ["UNCLASSIFIED", "unclassified", "U", "u", " Unclassified "],
    Level.CONFIDENTIAL: ["CONFIDENTIAL", "Confidential", "C", "c"],
    Level.SECRET: ["SECRET", "secret", "S", "s", "\tSecret\n"],
    Level.TOP_SECRET: ["TOP SECRET", "top secret", "top_secret", "TOP-SECRET", "Top  Secret", "TS", "ts", " TS "],
}


@pytest.mark.parametrize(("level", "text"), [(lv, t) for lv, ts in SPELLINGS.items() for t in ts])
def test_level_parse_accepts_labels_and_abbreviations(level, text):
    assert Level.parse(text) is level


@given(levels)
def test_level_parse_accepts_level_and_number(level):
    assert Level.parse(level) is level
    assert Level.parse(int(level)) is level
    assert Level.parse(level.label) is level


VALID_KEYS = {lv.label for lv in Level} | {"U", "C", "S", "TS"}


def _key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().upper())


@pytest.mark.parametrize(
    "junk", ["", " ", "TOP", "SECRET SECRET", "T S", "TSS", "X", "RESTRICTED", "top secret!", "3", "S//X", "U C"]
)
def test_level_parse_rejects_junk(junk):
    with pytest.raises(ValueError, match="unknown classification level"):
        Level.parse(junk)


@given(st.text(max_size=20))
def test_level_parse_rejects_random_text(text):
    assume(_key(text) not in VALID_KEYS)
    with pytest.raises(ValueError):
        Level.parse(text)


@pytest.mark.parametrize("number", [-1, 4, 99])
def test_level_parse_rejects_out_of_range_numbers(number):
    with pytest.raises(ValueError):
        Level.parse(number)


# --- Classification.parse / str round trip -----------------------------------------------


@given(any_classification)
def test_parse_round_trips_str(c):
    text = str(c)
    assert Classification.parse(text) == c
    assert str(Classification.parse(text)) == text


def test_banner_form():
    c = Classification.parse("TOP SECRET//SPECIAL FILE")
    assert c.level is Level.TOP_SECRET and c.compartments == {"SPECIAL FILE"}
    assert str(c) == "TOP SECRET//SPECIAL FILE"
    assert str(Classification.of("s", ["bravo", "alpha"])) == "SECRET//ALPHA//BRAVO"
    assert str(Classification.parse("ts//special   file")) == "TOP SECRET//SPECIAL FILE"
    assert Classification.parse("SECRET//").compartments == frozenset()


# --- malformed compartments --------------------------------------------------------------

MALFORMED = ["", "   ", "1ABC", "-A", "A/B", "A_B", "A.B", "ÉCLAIR", "A" * 41, "A\x00", "ALPHA!"]


@pytest.mark.parametrize("code", MALFORMED)
def test_malformed_compartment_rejected(code):
    with pytest.raises(ValueError, match="malformed compartment"):
        normalise_compartment(code)
    with pytest.raises(ValueError):
        Classification(Level.SECRET, frozenset([code]))
    with pytest.raises(ValueError):
        Classification.of("SECRET", ["ALPHA", code])


@pytest.mark.parametrize("text", ["SECRET//1ABC", "SECRET//A_B", "TOP SECRET//ALPHA//" + "B" * 41, "BOGUS//ALPHA"])
def test_parse_rejects_malformed_banner(text):
    with pytest.raises(ValueError):
        Classification.parse(text)


@given(st.text(max_size=45))
def test_compartment_normalised_or_rejected(code):
    canonical = re.sub(r"\s+", " ", code.strip().upper())
    if re.fullmatch(r"[A-Z][A-Z0-9 -]{0,39}", canonical):
        assert normalise_compartment(code) == canonical
        assert normalise_compartment(canonical) == canonical
    else:
        with pytest.raises(ValueError):
            normalise_compartment(code)

"""The fuzzy candidate filters are exact bounds: they never drop a match brute force would find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from genguard.answers import AnswerEntry
from genguard.answers.matcher import QuestionIndex

alphabet = st.sampled_from(list("abcde台风海"))
words = st.text(alphabet, min_size=1, max_size=30)


@settings(max_examples=150, deadline=None)
@given(bank=st.lists(words, min_size=1, max_size=25, unique=True), query=words,
       threshold=st.integers(50, 100).map(lambda x: x / 100))
def test_filtered_fuzzy_equals_brute_force(bank: list[str], query: str, threshold: float) -> None:
    entries = [AnswerEntry(id=f"e{i}", question=q, language="en", risk="A5.2", answer="x") for i, q in enumerate(bank)]
    index = QuestionIndex(entries)
    got = {e.id for e, _, _ in index.fuzzy(query, threshold)}
    # thresholds are whole percentages: rapidfuzz's extract and ratio disagree by an ulp at
    # arbitrary float cutoffs, which is not what this test is about
    expected = {f"e{i}" for i, q in enumerate(bank) if fuzz.ratio(query, q) >= threshold * 100 - 1e-9}
    # the index returns the best 5; every returned id must qualify, and nothing better is missed
    assert got <= expected
    assert len(got) == min(5, len(expected))

"""Anchoring quotes to offsets: exact, ambiguous, missing; and a property over any span."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.anchor import QuoteAmbiguous, QuoteNotFound, anchor_quote, closest_passage

TEXT = "Run easy. Then rest.\nRun easy. Then eat “well”."


def test_anchor_gives_python_str_offsets_and_context() -> None:
    anchor = anchor_quote(TEXT, "eat “well”")
    assert TEXT[anchor.start : anchor.end] == "eat “well”"
    assert anchor.prefix.endswith("Then ")
    assert anchor.suffix == "."


def test_repeated_quote_without_occurrence_is_refused_with_offsets() -> None:
    with pytest.raises(QuoteAmbiguous) as err:
        anchor_quote(TEXT, "Run easy.")
    assert err.value.starts == [0, 21]
    assert "occurrence" in str(err.value)


def test_occurrence_picks_the_nth_match() -> None:
    assert anchor_quote(TEXT, "Run easy.", occurrence=2).start == 21


def test_occurrence_beyond_the_matches_is_an_error() -> None:
    with pytest.raises(ValueError, match="occurs 2 time"):
        anchor_quote(TEXT, "Run easy.", occurrence=3)


def test_missing_quote_names_the_closest_passage() -> None:
    with pytest.raises(QuoteNotFound) as err:
        anchor_quote(TEXT, "Then eat well.")
    assert err.value.closest == "Then eat “well”."


def test_closest_passage_of_empty_text_is_empty() -> None:
    assert closest_passage("", "anything") == ""


@given(st.text(min_size=1, max_size=200), st.data())
def test_any_unique_span_anchors_to_itself(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    matches = [i for i in range(len(text)) if text.startswith(quote, i)]
    if len(matches) == 1:
        anchor = anchor_quote(text, quote)
        assert (anchor.start, anchor.end) == (start, end)
    else:
        nth = matches.index(start) + 1
        anchor = anchor_quote(text, quote, occurrence=nth)
        assert text[anchor.start : anchor.end] == quote
        assert anchor.start == start

"""Any text given to the deck parser yields a deck or a DeckError whose problems point into it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.deck.models import Deck
from tutor.deck.parser import parse_bytes, parse_text
from tutor.errors import DeckError

PATH = "fuzz/deck.md"
FUZZ = settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=30
)
PIECES = [
    st.just("---"),
    st.just("..."),
    st.builds("title: {}".format, words),
    st.sampled_from(
        [
            "tags: [a, b]",
            "tags: 3",
            "shuffle: false",
            "shuffle: maybe",
            "desired_retention: 0.9",
            "desired_retention: 2",
            "title: Yes",
            "title: [",
            ": :",
            "unknown: 1",
        ]
    ),
    st.builds("# {}".format, words),
    st.builds("## {}".format, words),
    st.just("##"),
    st.builds("- [x] {}".format, words),
    st.builds("- [ ] {}".format, words),
    st.builds("- [X] {} — {}".format, words, words),
    st.builds("* [ ] {} -- {}".format, words, words),
    st.builds("- {}".format, words),
    st.builds("1. {}".format, words),
    st.builds("<!-- id: {} -->".format, words),
    st.just("<!-- id: pruning-basics -->"),
    st.builds("Explanation: {}".format, words),
    st.builds("**Explanation:** {}".format, words),
    st.sampled_from(["```", "```python", "~~~", "````", "    indented code", ""]),
    st.sampled_from(["\t", "\r", "\x00", "\ufeff", "\u2028", "\x1b[2J", "\\", "<!--", "-->"]),
    words,
]
structured = st.lists(st.one_of(PIECES), max_size=40).map("\n".join)


def check(text: str) -> None:
    """Parse; a DeckError must name the file and a line that exists in the text."""
    lines = max(1, len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))
    try:
        deck = parse_text(text, PATH)
    except DeckError as error:
        assert error.problems, "a DeckError with no problem in it"
        for problem in error.problems:
            assert problem.path == PATH
            assert 1 <= problem.line <= lines, (problem, lines)
            assert problem.message.strip()
    else:
        assert isinstance(deck, Deck)


@FUZZ
@given(st.text(max_size=400))
def test_any_unicode_text(text: str) -> None:
    check(text)


@FUZZ
@given(structured)
def test_any_deck_made_of_the_format_pieces(text: str) -> None:
    check(text)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes(data: bytes) -> None:
    try:
        deck = parse_bytes(data, PATH)
    except DeckError as error:
        assert error.problems and all(p.path == PATH and p.line >= 1 for p in error.problems)
    else:
        assert isinstance(deck, Deck)

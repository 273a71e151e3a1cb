"""The parser's quick path for plain cards reads every deck exactly as its careful path does."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.card_options import decode_options
from tutor.deck import parser
from tutor.deck.formats import parse_new_bytes
from tutor.deck.models import Deck
from tutor.deck.rows import card_row
from tutor.errors import DeckError

BUNDLED = Path(__file__).resolve().parents[2] / "decks" / "edge-nn-optimization.md"
VARIED = """\
---
title: Varied
---

# Varied

A description.

## Plain choice?
<!-- id: plain-1 -->

- [x] Right — because.
- [ ] Wrong -- no.
- [ ] Also wrong

**Explanation:** a label in bold.

## Body first?

Some body text with `code`.
1. a numbered line in the body

- [x] A
- [x] B — both right
- [ ] C

Explanation: select all.
- a bullet in the explanation

## Recall card?

The answer, on two
lines.

## Indented reasoning?

- [x] A
  more reasoning under A
- [ ] B

## Fenced?

```
## not a card
- [x] not an option
```

- [x] yes
- [ ] no

## Comment inside?

<!-- a note for the author -->
- [x] yes
- [ ] no

##   Spaces around the question   ?

- [x] yes \t
- [ ] no

## Ends with a closing hash ##

- [x] yes
- [ ] no
Explanation: right under the options.
"""
BROKEN = """\
## No right option?

- [ ] a
- [ ] b

## Twice?

- [x] a
- [ ] a

##

- [x] a
- [ ] b
"""


def careful(text: str, path: str) -> Deck:
    """The deck read with every card on the careful path (no fast path for the whole file, no
    quick path for a card)."""
    quick, fast = parser._Parser._simple_card, parser._Parser._plain_deck
    parser._Parser._simple_card = lambda self, raw: None  # type: ignore[method-assign]
    parser._Parser._plain_deck = lambda self, body_start: None  # type: ignore[method-assign]
    try:
        return parser.parse_text(text, path)
    finally:
        parser._Parser._simple_card = quick  # type: ignore[method-assign]
        parser._Parser._plain_deck = fast  # type: ignore[method-assign]


def card_by_card(text: str, path: str) -> Deck:
    """The deck read card by card (the quick path, else the careful one): no fast path."""
    fast = parser._Parser._plain_deck
    parser._Parser._plain_deck = lambda self, body_start: None  # type: ignore[method-assign]
    try:
        return parser.parse_text(text, path)
    finally:
        parser._Parser._plain_deck = fast  # type: ignore[method-assign]


@pytest.mark.parametrize("text", [BUNDLED.read_text(encoding="utf-8"), VARIED])
def test_quick_and_careful_paths_read_the_same_deck(text: str) -> None:
    quick = parser.parse_text(text, "deck.md")
    assert quick == careful(text, "deck.md")
    assert [asdict(c) for c in quick.cards] == [asdict(c) for c in careful(text, "deck.md").cards]
    assert rows_read(text) == rows_read(text, careful)


def test_a_plain_decks_rows_are_those_of_its_cards() -> None:
    """A new plain deck comes as the card insert's rows, no `Card`s: each row holds what the
    careful path's card gives the insert (key, kind, options JSON, digest, line, ...)."""
    text = BUNDLED.read_text(encoding="utf-8")
    deck, rows = parser.parse_plain_rows(text, "deck.md", "hash")
    assert rows is not None and deck.cards == ()
    cards = careful(text, "deck.md").cards
    assert rows == [card_row(card) for card in cards]
    assert [row[9] for row in rows] == [card.line for card in cards]
    assert rows[0][8] == bytes.fromhex(cards[0].content_hash())
    assert isinstance(rows[0][8], bytearray)  # SQLite binds it without an adapter lookup


@pytest.mark.parametrize("control", ["\x1b", "\x07", "\t", "\x00"])
def test_a_control_character_in_an_option_is_kept_escaped(control: str) -> None:
    """A deck with a control character anywhere is read without the fast path's shortcut for
    options' JSON: the character is stored escaped and comes back, as the careful path has it."""
    for where in (f"Right{control}ish — because", f"Right — be{control}cause"):
        text = f"# D\n\n## Q?\n\n- [x] {where}\n- [ ] Wrong — no\n"
        data = text.encode("utf-8")
        deck, rows = parse_new_bytes(data, "deck.md", hashlib.sha256(data).hexdigest())
        expected = [card_row(card) for card in careful(text, "deck.md").cards]
        assert (rows or [card_row(card) for card in deck.cards]) == expected
        option = decode_options(expected[0][5])[0]
        assert control in option["text"] + option["reasoning"]


def test_broken_cards_get_the_careful_paths_errors() -> None:
    with pytest.raises(DeckError) as quick:
        parser.parse_text(BROKEN, "broken.md")
    with pytest.raises(DeckError) as slow:
        careful(BROKEN, "broken.md")
    assert quick.value.problems == slow.value.problems
    assert [p.line for p in quick.value.problems] == [1, 9, 11]


WORDS = st.text(alphabet=" \t\u00a0\u2014-xX[]*+`~<!>:;ab\u00e9\x0b", max_size=12)
CARD_LINES = st.one_of(
    st.builds("- [x] {}".format, WORDS),
    st.builds("- [ ] {}".format, WORDS),
    st.builds(
        "{}[{}] {} {} {}".format,
        st.sampled_from(["- ", "* ", "+\t", " - ", "-", "1. "]),
        st.sampled_from(["x", " ", "X", "y"]),
        WORDS,
        st.sampled_from(["—", "--", "-", ""]),
        WORDS,
    ),
    st.builds("<!-- id: {} -->".format, st.sampled_from(["a-1", "b", "bad id", ""])),
    st.sampled_from(
        [
            "",
            " ",
            "\t",
            "\u00a0",
            "Tags: a, b",
            "Explanation: why",
            "```",
            "~~~",
            "<!-- note -->",
            "    code",
            "---",
            "**bold**",
            "## Another?",
            "##",
        ]
    ),
    WORDS,
)
DECKS = st.lists(CARD_LINES, max_size=30).map(lambda lines: "## Q?\n" + "\n".join(lines))


def read(text: str, how: Callable[[str, str], Deck]) -> object:
    """The deck and its cards' fields as one path reads them, or that path's problems."""
    try:
        deck = how(text, "deck.md")
    except DeckError as error:
        return error.problems
    return deck, [asdict(c) for c in deck.cards]


def rows_read(text: str, how: Callable[[str, str], Deck] | None = None) -> object:
    """The deck (without cards) and its cards as the card insert's rows: by `how` through
    `card_row`, else as a new deck's import reads them (`parse_plain_rows`: the fast path's
    rows, or any other deck's cards through `card_row`); or the problems."""
    try:
        if how is not None:
            deck, rows = how(text, "deck.md"), None
        else:
            data = text.encode("utf-8")
            deck, rows = parse_new_bytes(data, "deck.md", hashlib.sha256(data).hexdigest())
    except DeckError as error:
        return error.problems
    if rows is None:
        assert how is not None or not _plain(text), "a plain deck must come as rows"
        rows = [card_row(card) for card in deck.cards]
    return replace(deck, cards=()), rows


def _plain(text: str) -> bool:
    from tutor.deck.plain_deck import read_plain_deck

    begin = text.index("\n", text.index("---", 3)) + 1 if text.startswith("---\n") else 0
    return read_plain_deck(text, begin) is not None


@settings(
    derandomize=True, max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(DECKS)
def test_the_quick_path_reads_any_card_as_the_careful_path_does(text: str) -> None:
    assert read(text, parser.parse_text) == read(text, careful)


HEADS = st.sampled_from(
    ["", "---\ntitle: T\n---\n", "# Title\nA description.\n", "intro\n# T\nmore\n", "---\n---\n"]
)
MANY_CARDS = st.lists(
    st.lists(CARD_LINES, max_size=12).map(lambda lines: "## Q?\n" + "\n".join(lines)),
    max_size=5,
).map("\n".join)


@settings(
    derandomize=True, max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(HEADS, MANY_CARDS)
def test_the_quick_path_reads_whole_decks_as_the_careful_path_does(head: str, body: str) -> None:
    """Several cards after front matter, a title or a description: the quick path reads each
    card in place in the text, so every card's start and end must be where the careful path
    puts them."""
    text = head + body.replace("## Q?", "## Q{}?").format(*range(body.count("## Q?")))
    assert read(text, parser.parse_text) == read(text, careful)


def test_the_bundled_deck_is_read_on_the_quick_path_only() -> None:
    """Every card of the bundled deck (ids, four options with reasoning, an explanation) is
    plain: none takes the careful path, which splits the text into lines and reads each."""
    text = BUNDLED.read_text(encoding="utf-8")
    careful_lines = parser._Parser._card_lines
    parser._Parser._card_lines = None  # type: ignore[assignment]
    try:
        deck = parser.parse_text(text, "deck.md")
    finally:
        parser._Parser._card_lines = careful_lines  # type: ignore[method-assign]
    assert len(deck.cards) == 10
    assert deck == careful(text, "deck.md")


# --- the fast path for a whole deck of plain cards (tutor.deck.plain_deck) ---------------------

PIECE = st.sampled_from(["a", "A", "b", "é", "ß", "ss", "x y", "x  y", "x\ty", "`c`", "**d**", "—"])
TEXTS = st.lists(PIECE, min_size=0, max_size=3).map(" ".join)
FAST_OPTIONS = st.builds(
    "{}[{}] {}{}{}{}".format,
    st.sampled_from(["- ", "- ", "- ", "* ", "-\t", " - "]),
    st.sampled_from(["x", " ", " ", "X"]),
    TEXTS,
    st.sampled_from(["", "", " — ", " -- ", " —", "— ", " - "]),
    TEXTS,
    st.sampled_from(["", "", "", " ", "\t", "\u00a0", " #"]),
)
QUESTIONS = st.sampled_from(
    [
        "Q",
        "Q?",
        "What is é?",
        "q",
        "Q ##",
        "Q  ",
        "Q\t",
        "\u00a0",
        "",
        "Q #",
        " Q",
        "Ünï?",
        "R",
        "S",
    ]
)
ID_LINES = st.sampled_from(
    [
        "",
        "",
        "<!-- id: a-1 -->",
        "<!-- id: b -->",
        "<!-- id: bad id -->",
        "<!--id:c-->",
        "\n<!-- id: d -->",
    ]
)
EXTRA = st.sampled_from(
    [
        "",
        "",
        "",
        "",
        "Explanation: plain",
        "Explanation: plain",
        "Explanation: why",
        "**Explanation:** bold label",
        "explanation: lower",
        "Prose.\nMore prose.",
        "```\n## not a card\n- [x] not an option\n```",
        "~~~\n## still not\n~~~",
        "Tags: a, b",
        "1. a numbered line",
        "  indented",
        "<!-- a note -->",
        "### a deeper heading",
        "# a level-one heading",
        "##",
        "##\tTabbed heading",
        "   ## indented heading",
        "Text ending in spaces   ",
    ]
)
FAST_CARD = st.builds(
    "## {}\n{}\n{}- [x] right {}{}\n- [ ] wrong {}{}\n{}\n{}\n{}".format,
    QUESTIONS,
    ID_LINES,
    st.sampled_from(["", "", "A body line.\n", "`code` in the body\n\n"]),
    TEXTS,
    st.sampled_from(["", " — because", " -- no — yes", "  —  spaced  ", "\t— tab"]),
    TEXTS,
    st.sampled_from(["", " — because", " -- why", ""]),
    st.lists(FAST_OPTIONS, min_size=0, max_size=3).map("\n".join),
    st.sampled_from(["", "", "\n"]),
    EXTRA,
)
FAST_HEADS = st.sampled_from(
    [
        "",
        "",
        "# Title\n\n",
        "---\ntitle: T\n---\n",
        "---\ntitle: T\ntags: [a]\n---\n\n# Shown title\n\nA description.\n\n",
        "# Title\nA description.\n",
        "# Title ##\n",
        "#\n",
        " # Indented title\n",
        "intro\n# T\nmore\n### sub\n",
        "```\n## fenced in the description\n```\n",
        "<!-- a comment -->\n",
        "---\nunknown: 1\n---\n",
        "---\n",
    ]
)


WORDS_ONLY = st.lists(st.sampled_from(["a", "é", "x y", "`c`", "ß", "**d**"]), min_size=1).map(
    " ".join
)
PLAIN_ONE = st.builds(
    lambda card, n: card.replace("{}", str(n)),
    st.builds(
        (
            "## Q{{}} {}?\n{}\n{}- [x] right {} — {}\n- [ ] other {} -- {}\n"
            "- [ ] wrong {}{}\n\n{}\n"
        ).format,
        WORDS_ONLY,
        st.sampled_from(["", "<!-- id: c{} -->"]),
        st.sampled_from(["", "Body.\n\n"]),
        WORDS_ONLY,
        WORDS_ONLY,
        WORDS_ONLY,
        WORDS_ONLY,
        WORDS_ONLY,
        st.sampled_from(["", " — why", " -- why — and more"]),
        st.sampled_from(["Explanation: e", "**Explanation:** e", "Prose only.", ""]),
    ),
    st.integers(0, 10**6),
)
PLAIN_CARDS = st.lists(
    PLAIN_ONE,
    min_size=1,
    max_size=6,
    # a question once, and its number (`Q7`, id `c7`) once: an id twice is not plain
    unique_by=(lambda card: card.split("?", 1)[0].casefold(), lambda card: card.split(" ")[1]),
)


def fast_deck(head: str, cards: list[str], crlf: bool, trailing: str) -> str:
    text = head + "\n".join(cards) + trailing
    return text.replace("\n", "\r\n") if crlf else text


@settings(
    derandomize=True, max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    FAST_HEADS,
    st.lists(st.one_of(PLAIN_ONE, PLAIN_ONE, PLAIN_ONE, FAST_CARD), max_size=6),
    st.booleans(),
    st.sampled_from(["", "\n", "\n\n", " "]),
)
def test_the_fast_path_reads_any_deck_as_the_careful_path_does(
    head: str, cards: list[str], crlf: bool, trailing: str
) -> None:
    """Generated decks, plain and tricky (fences holding headings or options, CRLF, tabs,
    trailing spaces, unicode, comments, front matter, ids, duplicate options and questions):
    the deck, or every problem with its line and message, is the careful path's."""
    text = fast_deck(head, cards, crlf, trailing)
    expected = read(text, careful)
    assert read(text, parser.parse_text) == expected
    assert read(text, card_by_card) == expected
    assert rows_read(text) == rows_read(text, careful)


@settings(
    derandomize=True, max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(PLAIN_CARDS, st.sampled_from(["", "---\ntitle: T\n---\n", "# T\nA description.\n\n"]))
def test_the_fast_path_takes_plain_decks_whole(cards: list[str], head: str) -> None:
    """Decks of plain cards are read by the fast path (not handed on), as the careful path
    reads them."""
    from tutor.deck.plain_deck import read_plain_deck

    text = head + "\n".join(cards)
    begin = text.index("\n", text.index("---", 3)) + 1 if head.startswith("---") else 0
    assert read_plain_deck(text, begin) is not None
    assert read(text, parser.parse_text) == read(text, careful)
    assert rows_read(text) == rows_read(text, careful)


def test_the_bundled_deck_is_read_by_the_fast_path() -> None:
    """The bundled deck's shape (ids, four options with reasoning, an explanation) is what the
    fast path is for: it takes the whole file, and gives the careful path's deck."""
    from tutor.deck.plain_deck import read_plain_deck

    text = BUNDLED.read_text(encoding="utf-8")
    begin = text.index("\n", text.index("---", 3)) + 1
    plain = read_plain_deck(text, begin)
    assert plain is not None
    assert len(plain[1]) == 10
    assert parser.parse_text(text, "deck.md") == careful(text, "deck.md")


def _script(name: str) -> object:
    """A module of `scripts/` (the benchmarks' deck generators), loaded from its file."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _known_decks(folder: Path) -> dict[str, str]:
    """Every deck the project ships or its tests and benchmarks write, by name."""
    from tests.helpers.collection import write_decks
    from tests.helpers.hostile import write_failing_deck, write_hostile_deck

    decks_folder = Path(__file__).resolve().parents[2] / "decks"
    paths = [*sorted(decks_folder.glob("*.md")), *write_decks(folder / "history")]
    paths += [write_hostile_deck(folder), write_failing_deck(folder)]
    texts = {path.name: path.read_text(encoding="utf-8") for path in paths}
    make_deck = _script("make_deck")
    texts["bundled-like"] = make_deck.make_bundled_like(40, "Bundled like")  # type: ignore[attr-defined]
    texts["generated"] = make_deck.make_deck(60, "Generated")  # type: ignore[attr-defined]
    return texts


def test_the_fast_path_reads_every_known_deck_as_the_careful_path_does(tmp_path: Path) -> None:
    """The decks in decks/, those the tests' helpers write (three history decks, the hostile
    one, a broken one) and the benchmarks' generated decks: the same cards (or problems) on
    the fast path, card by card, and on the careful path; the plain ones whole on the fast
    path."""
    from tutor.deck.plain_deck import read_plain_deck

    texts = _known_decks(tmp_path)
    assert len(texts) >= 8
    taken_whole = set()
    for name, text in texts.items():
        expected = read(text, careful)
        assert read(text, parser.parse_text) == expected, name
        assert read(text, card_by_card) == expected, name
        assert rows_read(text) == rows_read(text, careful), name
        begin = text.index("\n", text.index("---", 3)) + 1 if text.startswith("---\n") else 0
        if read_plain_deck(text, begin) is not None:
            taken_whole.add(name)
    assert {"edge-nn-optimization.md", "bundled-like", "choice.md"} <= taken_whole

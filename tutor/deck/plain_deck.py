"""The fast path for a deck of plain cards: the whole card section read by one pattern per card.

A deck whose cards all have the ordinary shape (`## ` question, maybe an `<!-- id: ... -->`
line right under it, prose, one run of `- [x]`/`- [ ]` options, a blank line, an explanation;
or prose only, a recall card) is read here with one regular-expression match per card and a few
string calls per option. Anything else at all (a fence anywhere, an indented line, a comment, a
`Tags:` line, an irregular heading or option, any card the careful parser would reject, two
cards with one id or one question) returns None, and the careful parser in `tutor.deck.parser`
reads the whole file: it stays the one definition of the format and of every error message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from itertools import repeat
from typing import TypeVar

from tutor.deck.limits import MAX_OPTIONS
from tutor.deck.models import Card, Option, card_key
from tutor.deck.parser import EXPLANATION_LABEL, HEADING, MARKED_LINE, REASONING_SEPARATOR
from tutor.deck.rows import CardRow, plain_row
from tutor.deck.split_read import read_split

# A prose line: not a heading, list item, fence, comment, `Tags:` line or indented text.
_PROSE = r"(?:\n(?![-*+][ \t]|[#`~<]|Tags:|[^\S\n]+\S)[^\n]*)*"
PLAIN_CARD = re.compile(
    r"## (?P<question>[^\n]*[^ \t#\n])"
    r"(?:\n<!-- id: (?P<slug>[A-Za-z0-9][A-Za-z0-9_.:/-]*) -->)?"
    rf"(?P<body>{_PROSE})"
    r"(?:(?P<options>(?:\n- \[[ xX]\] [^\n]*\S)+)"
    rf"(?:\n(?=\n|\Z)(?P<explanation>{_PROSE}))?)?"
    r"(?:\n(?=## )|\Z)"
)
_control_free_row = partial(plain_row, control_free=True)
_option = tuple.__new__  # an Option without its Python-level `__new__` (a tuple: that tuple)
Head = tuple[tuple[int, str] | None, str]  # the `# ` title (line, text) and the description
Built = TypeVar("Built", Card, CardRow)
PlainOption = TypeVar("PlainOption", Option, tuple[str, bool, str])
# `_cards`'s signature: (text, position, line, build, option) -> the cards, or None
ReadCards = Callable[
    [str, int, int, Callable[..., Built], type[tuple[str, bool, str]]], list[Built] | None
]


def read_plain_deck(text: str, begin: int) -> tuple[Head, list[Card]] | None:
    """The title, description and cards of `text` from offset `begin` (after the front
    matter), or None when anything in it is not of the plain shape."""
    return _read(text, begin, Card.plain, Option, _cards)


def read_plain_rows(
    text: str, begin: int, control_free: bool = False
) -> tuple[Head, list[CardRow]] | None:
    """`read_plain_deck` with each card as the card insert's row (`tutor.deck.rows`), no `Card`
    built to be taken apart again: what a new deck's import inserts. `control_free`: the text
    holds no control character but line ends (its options' JSON needs no check for one)."""
    build = _control_free_row if control_free else plain_row
    return _read(text, begin, build, tuple, _split_cards)  # options as tuples: no Option


def _read(
    text: str,
    begin: int,
    build: Callable[..., Built],
    option: type[tuple[str, bool, str]],
    read_cards: ReadCards[Built],
) -> tuple[Head, list[Built]] | None:
    if begin == 0 and text.startswith("## "):
        first = 0
    else:
        first = text.find("\n## ", max(begin - 1, 0)) + 1  # `begin` starts a line
        if first == 0:
            return None
    head = _head(text, begin, first)
    if head is None:
        return None
    cards = read_cards(text, first, text.count("\n", 0, first) + 1, build, option)
    return None if cards is None else (head, cards)


def _split_cards(
    text: str,
    position: int,
    line: int,
    build: Callable[..., CardRow],
    option: type[tuple[str, bool, str]],
) -> list[CardRow] | None:
    """`_cards`, a large section's in two halves at once (`tutor.deck.split_read`)."""
    return read_split(_cards, text, position, line, build, option)


def _head(text: str, begin: int, first: int) -> Head | None:
    """The title and description before the first card, when no line there could be a fence
    or an irregular heading (as `Parser._split` reads them)."""
    title: tuple[int, str] | None = None
    span = (first, first)
    padded = "\n" + text[:first]
    for marked in MARKED_LINE.finditer(padded, begin):
        start = marked.start()  # in `text`: the offset of the marked line
        end = text.find("\n", start, first)
        line = text[start : first - 1 if end < 0 else end]
        if line.startswith("###"):
            continue  # a deeper heading, or no heading: description text either way
        heading = HEADING.match(line) if line.startswith("# ") else None
        if heading is None:
            return None
        if title is None:
            title = (text.count("\n", 0, start) + 1, (heading.group(2) or "").strip())
            span = (start, start + len(line))
    stop = max(first - 1, begin)
    described = text[begin : span[0]] + text[span[1] + 1 : stop] if title else text[begin:stop]
    return title, described.strip("\n").strip()


def _cards(
    text: str,
    position: int,
    line: int,
    build: Callable[..., Built],
    option: type[tuple[str, bool, str]],
    end: int | None = None,
) -> list[Built] | None:
    """Every card from `position` (a `## ` heading on line `line`) to `end` (read as the end
    of the text; None: its end), each made by `build` (`Card.plain`'s arguments) with its
    options of type `option`, or None."""
    cards: list[Built] = []
    slugs: set[str] = set()
    keys: set[str] = set()
    match_card = PLAIN_CARD.match
    count = text.count
    size = len(text) if end is None else end
    while position < size:
        found = match_card(text, position, size)
        if found is None:
            return None
        question, slug, body, options_text, explanation = found.groups()
        question, body = question.strip(), body.strip()
        if not question:
            return None
        if options_text is None:
            if not body:
                return None
            key = card_key(question, "")
            card = build(question, "", slug, (), "", body, line, key)
        else:
            options = _options(options_text, option)
            if options is None:
                return None
            explanation = explanation.strip() if explanation else ""
            if explanation[:1] in ("e", "E", "*", "_"):
                explanation = EXPLANATION_LABEL.sub("", explanation, count=1).strip()
            key = card_key(question, body)
            card = build(question, body, slug, options, explanation, "", line, key)
        if slug is not None:
            if slug in slugs:
                return None
            slugs.add(slug)
        if key in keys:
            return None
        keys.add(key)
        cards.append(card)
        end = found.end()  # the next heading, or the end of the text
        line += count("\n", position, end)
        position = end
    return cards


def _options(block: str, kind: type[PlainOption]) -> tuple[PlainOption, ...] | None:
    """The options of a run of `\\n- [x] text — reasoning` lines, or None when the careful
    parser must read them (too many, none right, none wrong, empty text, an option twice).

    Each line ends in a visible character (the pattern says so), so splitting the line before
    stripping it finds the separator the careful parser finds in the stripped line: the first
    ` — ` or ` -- `."""
    items = block[4:].split("\n- [")  # each "x] text — reasoning"
    if len(items) > MAX_OPTIONS or "\n- [ ]" not in block:
        return None  # too many, or none wrong
    if "\n- [x]" not in block and "\n- [X]" not in block:
        return None  # none right
    parts = (
        map(_partitioned, items)
        if " -- " in block
        else map(str.partition, items, repeat(" — ", len(items)))
    )
    options = tuple(
        [(text[3:].strip(), text[0] != " ", reasoning.strip()) for text, _, reasoning in parts]
    )
    texts = [option[0] for option in options]
    if not all(texts) or len(set(map(_folded(texts), texts))) < len(texts):
        return None  # no text, or an option twice (case and white space folded)
    if kind is tuple:
        return options  # type: ignore[return-value]
    return tuple([_option(kind, option) for option in options])


def _partitioned(item: str) -> tuple[str, str, str]:
    """`item.partition` at the first ` — ` or ` -- `."""
    found = REASONING_SEPARATOR.search(item)
    if found is None:
        return item, "", ""
    return item[: found.start()], found.group(), item[found.end() :]


def _folded(texts: list[str]) -> Callable[[str], str]:
    """How the careful parser folds an option's text to find it twice: case and white space.
    Stripped texts whose only white space is single spaces (the rest of white space is not
    printable) fold by case alone, a single C call each."""
    joined = " ".join(texts)
    if joined.isprintable() and "  " not in joined:
        return str.casefold
    return _fold


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())

"""Which format a deck file is written in, and the parser that reads it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tutor.deck.models import Deck
from tutor.deck.parser import decode, parse_plain_rows, parse_text
from tutor.deck.quiz_text import is_quiz_text, parse_quiz_text
from tutor.deck.rows import CardRow

# the C0 control characters but line ends (`\n`, and `\r` that the parser turns into one)
_CONTROLS = bytes(set(range(32)) - {10, 13})
_CHUNK = 1 << 16
# A new file's parse: the deck, and its plain cards as the card insert's rows (None: `Card`s)
NewDeck = tuple[Deck, list[CardRow] | None]


def _control_free(data: bytes) -> bool:
    """No control character but line ends in `data`: a C pass a chunk at a time (one copy of
    a large file would cost its pages' first-touch faults, about 1 ms a megabyte here)."""
    kept = (
        data[start : start + _CHUNK].translate(None, _CONTROLS)
        for start in range(0, len(data), _CHUNK)
    )
    return sum(map(len, kept)) == len(data)


def parse_bytes(data: bytes, path: str | Path, digest: str | None = None) -> Deck:
    """Parse a deck file's bytes: a quiz text (see `is_quiz_text`), else a Markdown deck;
    `digest`: the bytes' SHA-256 if the caller has it already."""
    return parse_bytes_text(decode(data, path), path, digest or hashlib.sha256(data).hexdigest())


def parse_bytes_text(text: str, path: str | Path, digest: str) -> Deck:
    """`parse_bytes` of the bytes' text and SHA-256."""
    if is_quiz_text(path, text):
        return parse_quiz_text(text, path, source_hash=digest)
    return parse_text(text, path, source_hash=digest)


def parse_new_bytes(data: bytes, path: str | Path, digest: str) -> NewDeck:
    """`parse_bytes` for a file not yet in the collection: a Markdown deck of plain cards comes
    without `Card`s, its cards as the card insert's rows; any other deck with its cards."""
    text = decode(data, path)
    if is_quiz_text(path, text):
        return parse_quiz_text(text, path, source_hash=digest), None
    return parse_plain_rows(text, path, digest, _control_free(data))

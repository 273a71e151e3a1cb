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


def parse_bytes(data: bytes, path: str | Path, digest: str | None = None) -> Deck:
    """Parse a deck file's bytes: a quiz text (see `is_quiz_text`), else a Markdown deck;
    `digest`: the bytes' SHA-256 if the caller has it already."""
    return parse_bytes_text(decode(data, path), path, digest or hashlib.sha256(data).hexdigest())


def parse_bytes_text(text: str, path: str | Path, digest: str) -> Deck:
    """`parse_bytes` of the bytes' text and SHA-256."""
    if is_quiz_text(path, text):
        return parse_quiz_text(text, path, source_hash=digest)
    return parse_text(text, path, source_hash=digest)


def parse_new_bytes(
    data: bytes, path: str | Path, digest: str
) -> tuple[Deck, list[CardRow] | None]:
    """`parse_bytes` for a file not yet in the collection: a Markdown deck of plain cards comes
    without `Card`s, its cards as the card insert's rows; any other deck with its cards."""
    text = decode(data, path)
    if is_quiz_text(path, text):
        return parse_quiz_text(text, path, source_hash=digest), None
    control_free = len(data.translate(None, _CONTROLS)) == len(data)  # one C pass over the bytes
    return parse_plain_rows(text, path, digest, control_free)

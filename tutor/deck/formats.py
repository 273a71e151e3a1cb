"""Which format a deck file is written in, and the parser that reads it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tutor.deck.models import Deck
from tutor.deck.parser import decode, parse_text
from tutor.deck.quiz_text import is_quiz_text, parse_quiz_text


def parse_bytes(data: bytes, path: str | Path, digest: str | None = None) -> Deck:
    """Parse a deck file's bytes: a quiz text (see `is_quiz_text`), else a Markdown deck;
    `digest`: the bytes' SHA-256 if the caller has it already."""
    text = decode(data, path)
    digest = digest or hashlib.sha256(data).hexdigest()
    if is_quiz_text(path, text):
        return parse_quiz_text(text, path, source_hash=digest)
    return parse_text(text, path, source_hash=digest)

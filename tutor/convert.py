"""`tutor convert`: a quiz text -> a Markdown deck, printed or written whole (temp + rename)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tutor.deck.parser import decode
from tutor.deck.quiz_markdown import quiz_markdown
from tutor.deck.quiz_text import parse_quiz_text
from tutor.errors import DeckError, TutorError
from tutor.safe_write import write_atomic


@dataclass(frozen=True)
class Converted:
    """A quiz text turned into Markdown deck text."""

    deck: str
    cards: int
    text: str
    source: Path  # the quiz text, resolved: the deck's `converted_from`


def convert_quiz(source: str | Path) -> Converted:
    """Read a quiz text and return it as a Markdown deck; DeckError lists every problem."""
    path = Path(source).expanduser()
    if path.suffix.lower() == ".md":
        raise DeckError.single(
            path, 0, "this is already a Markdown deck; convert reads quiz texts (.txt)"
        )
    if path.is_dir():
        raise DeckError.single(path, 0, "this is a folder; name one quiz text file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DeckError.single(path, 0, "no such file") from None
    except OSError as exc:
        raise DeckError.single(path, 0, f"cannot read the file: {exc.strerror}") from None
    text = decode(data, path)
    deck = parse_quiz_text(text, path, source_hash=hashlib.sha256(data).hexdigest())
    source = path.resolve()
    return Converted(deck.name, len(deck.cards), quiz_markdown(deck, str(source)), source)


def write_new_file(target: str | Path, text: str, *, force: bool = False) -> Path:
    """Write `text` to `target` through a temporary file renamed into place.

    An existing file is refused unless `force`; on any failure the target is left as it was
    and no temporary file stays behind.
    """
    path = Path(target).expanduser()
    if path.is_dir():
        raise TutorError(f"{path} is a folder; give -o a file name such as {path / 'deck.md'}")
    if not path.parent.is_dir():
        raise TutorError(f"{path}: the folder {path.parent} does not exist; create it first")
    if path.exists() and not force:
        raise TutorError(f"{path} already exists; choose another name or add --force to replace it")
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise TutorError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
    return path

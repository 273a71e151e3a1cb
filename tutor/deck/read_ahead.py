"""Large deck files parsed in a forked child while `tutor import` loads its database layer.

Loading SQLAlchemy and opening the collection take about a second on one core before the
first file is parsed; a child forked before them parses the files on the other core, and the
import takes each new file's deck from it when the file still has the bytes the child read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.deck.files import find_deck_files
from tutor.errors import DeckError
from tutor.forked import Forked, may_fork

if TYPE_CHECKING:  # the parent forks before loading more than it must
    from tutor.deck.formats import NewDeck

# Deck files this large in all (bytes, about 300 bundled-shaped cards) or larger are read
# ahead: a smaller import's parse takes a few milliseconds, less than the fork saves.
READ_AHEAD_FROM = 256 << 10
# How long the import waits for the child once it needs a file: past it, the child is killed
# and the files parsed here (a child stuck would otherwise hang the import). The parse itself
# runs at about 20 MB a second.
_PATIENCE = 2.0
_PATIENCE_PER_MB = 0.5


class ReadAhead:
    """The child parsing the deck files, and the decks it parsed once asked for them."""

    def __init__(self, child: Forked, size: int) -> None:
        self.child = child
        self.patience = _PATIENCE + _PATIENCE_PER_MB * size / 1e6
        self.parsed: dict[str, tuple[str, NewDeck]] | None = None

    def new_deck(self, path: Path, digest: str) -> NewDeck | None:
        """`parse_new_bytes`'s answer for the file at `path` with SHA-256 `digest`, if the
        child parsed those bytes without error; None: parse them here."""
        if self.parsed is None:
            answer = self.child.answer(self.patience)
            self.parsed = answer[0] if answer is not None and isinstance(answer[0], dict) else {}
            self.child.end()
        found = self.parsed.pop(str(path), None)
        return found[1] if found is not None and found[0] == digest else None

    def end(self) -> None:
        """Stop the child if it still runs (the import needed none of its files, or failed)."""
        if self.parsed is None:
            self.parsed = {}
            self.child.end()


def read_ahead(paths: Iterable[str | Path]) -> ReadAhead | None:
    """A child parsing the deck files named by `paths` (as `tutor import` finds them), when
    they are large enough to pay for it and a fork is safe; None otherwise."""
    files, _ = find_deck_files(paths)  # the import reports any problem with them
    try:
        size = sum(path.stat().st_size for path in files)
    except OSError:
        return None
    if size < READ_AHEAD_FROM or not may_fork():
        return None
    child = Forked.start(lambda: _parse_all(files))
    return None if child is None else ReadAhead(child, size)


def _parse_all(files: list[Path]) -> dict[str, tuple[str, NewDeck]]:
    """In the child: each file's SHA-256 and `parse_new_bytes`'s answer, by path; a file that
    cannot be read or has errors is left out, for the import to read and report."""
    from tutor.deck.formats import parse_new_bytes
    from tutor.deck.split_read import leave_a_core

    leave_a_core()  # the parent's start-up runs on the other core
    parsed: dict[str, tuple[str, NewDeck]] = {}
    for path in files:
        try:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            parsed[str(path)] = (digest, parse_new_bytes(data, path, digest))
        except (OSError, DeckError):
            continue
    return parsed

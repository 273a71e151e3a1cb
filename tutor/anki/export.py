"""`tutor export --apkg`: chosen decks of the collection written as one Anki package."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

from tutor.anki.package import Written, write_package
from tutor.deck.selection import DeckSelection
from tutor.errors import ConfigError, NotFoundError, TutorError
from tutor.safe_write import check_output_path
from tutor.store.db import Database, sqlite_path
from tutor.store.deck_content import deck_contents


def _check_target(path: Path, db: Database) -> None:
    """Refused: the collection, any SQLite file, and an existing file that is no Anki package
    (a deck file, say): an export replaces only an earlier package."""
    check_output_path(path, protected=sqlite_path(db.url))
    if path.exists() and not zipfile.is_zipfile(path):
        raise ConfigError(
            f"{path} exists and is not an Anki package; an export replaces only an .apkg: "
            "choose another file"
        )


def export_apkg(db: Database, path: Path, names: Sequence[str]) -> Written:
    """Write the decks named (each with its sub-decks; all decks if none) to `path`."""
    _check_target(path, db)
    with db.read() as conn:
        decks = deck_contents(conn, names)
    for name in names:
        if not any(deck.name in DeckSelection([name]) for deck in decks):
            raise NotFoundError(f"no deck named {name!r}; `tutor decks` lists the decks")
    if not decks:
        raise NotFoundError("the collection has no decks to export; `tutor import` a deck first")
    try:
        return write_package(path, decks)
    except OSError as exc:
        raise TutorError(f"cannot write {path}: {exc.strerror}; nothing was written") from None

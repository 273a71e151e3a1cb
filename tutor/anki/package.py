"""Anki packages (.apkg) written with genanki, whole or not at all."""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import genanki

from tutor.anki.html import markdown_html
from tutor.anki.model import BACK, CSS, FRONT, MODEL_ID, MODEL_NAME
from tutor.anki.notes import FIELD_NAMES, note_content
from tutor.safe_write import fsync_folder
from tutor.store.deck_content import DeckContent


@dataclass(frozen=True)
class Written:
    """What went into a package."""

    decks: int
    notes: int


def _model() -> Any:
    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELD_NAMES],
        templates=[{"name": "Card", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
    )


class _Note(genanki.Note):  # type: ignore[misc]
    """A note stamped with its own modification time: Anki updates a note it already has only
    when the incoming one is newer."""

    def __init__(self, modified: int, **fields: Any) -> None:
        super().__init__(**fields)
        self.modified = modified

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.modified, deck_id, id_gen)


def deck_id(name: str) -> int:
    """A stable Anki deck id for a deck name (Anki finds the deck by name on import anyway)."""
    return (1 << 40) + int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:5], "big")


def _package(decks: Sequence[DeckContent]) -> tuple[list[Any], int, int]:
    model = _model()
    anki_decks = []
    notes = 0
    newest = 0
    for deck in decks:
        modified = int(deck.updated_at.timestamp())
        newest = max(newest, modified)
        anki_deck = genanki.Deck(deck_id(deck.name), deck.name, markdown_html(deck.description))
        for card in deck.cards:
            content = note_content(deck.name, deck.tags, card)
            anki_deck.add_note(
                _Note(
                    modified,
                    model=model,
                    fields=list(content.fields),
                    guid=content.guid,
                    tags=list(content.tags),
                )
            )
            notes += 1
        anki_decks.append(anki_deck)
    return anki_decks, notes, newest


def write_package(path: Path, decks: Sequence[DeckContent]) -> Written:
    """Write `decks` as an Anki package at `path`: a temporary file in the same folder, fsynced,
    then renamed over it; nothing is left behind on failure."""
    anki_decks, notes, newest = _package(decks)
    folder = path.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        with tempfile.TemporaryDirectory(prefix="tutor-apkg-") as work:
            collection = Path(work) / "collection.anki2"
            conn = sqlite3.connect(collection)
            try:
                ids = itertools.count(newest * 1000)
                genanki.Package(anki_decks).write_to_db(conn.cursor(), newest, ids)
                conn.commit()
            finally:
                conn.close()
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as package:
                package.write(collection, "collection.anki2")
                package.writestr("media", "{}")
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_folder(folder)
    return Written(len(anki_decks), notes)

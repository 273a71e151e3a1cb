"""The first card of today's queue, read with stdlib sqlite3 so the review screen can show it
while the store (SQLAlchemy) still loads. The session confirms it: this is only a preview."""

from __future__ import annotations

import random
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from tutor import queue_sql as sql
from tutor.card_options import decode_options
from tutor.config import DeckSettings, Settings
from tutor.queue import Reader, Today, no_such_deck
from tutor.queue_sql import sqlite_reader
from tutor.state import CardState, OptionData, StoredCard


@dataclass(frozen=True)
class Preview:
    """The first card as the review screen shows it before the session is ready."""

    card: StoredCard
    order: tuple[int, ...]
    settings: DeckSettings

    @property
    def select_all(self) -> bool:
        return self.card.select_all


def unchanged_decks(path: Path, targets: list[str]) -> list[str] | None:
    """The decks of these deck files or folders if every file is imported and unchanged since
    (then a review need not import them first), else None."""
    import hashlib

    from tutor.deck.files import find_deck_files

    files, problems = find_deck_files(targets)
    if problems or not files or not path.is_file():
        return None
    conn = sqlite3.connect(path, timeout=10)
    try:
        names = []
        for file in files:
            row = conn.execute(
                "SELECT name, source_hash FROM deck WHERE source_path = ?", (str(file),)
            ).fetchone()
            if row is None or row[1] != hashlib.sha256(file.read_bytes()).hexdigest():
                return None
            names.append(row[0])
        return names
    except (sqlite3.DatabaseError, OSError):
        return None
    finally:
        conn.close()


def preview(
    path: Path, settings: Settings, now: datetime, names: list[str] | None, rng: random.Random
) -> Preview | None:
    """The first card as the screen shows it: options in a fresh order unless the deck says not."""
    found = _first(path, settings, now, names)
    if found is None:
        return None
    card, deck = found
    order = list(range(len(card.options)))
    if deck.shuffle:
        rng.shuffle(order)
    return Preview(card, tuple(order), deck)


class EarlyPreview:
    """`preview` run in a thread from the moment it is made: its SQL (sqlite3 lets go of the GIL)
    overlaps the import of the screens. `result()` waits for it and raises what it raised."""

    def __init__(
        self,
        path: Path,
        settings: Settings,
        now: datetime,
        names: list[str] | None,
        rng: random.Random,
    ) -> None:
        self._found: Preview | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(path, settings, now, names, rng), daemon=True
        )
        self._thread.start()

    def _run(self, *args: Any) -> None:
        try:
            self._found = preview(*args)
        except BaseException as exc:  # handed to the main thread by result()
            self._error = exc

    def result(self) -> Preview | None:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._found


def first_card(
    path: Path, settings: Settings, now: datetime, names: list[str] | None = None
) -> StoredCard | None:
    """The card a new session would hand out first (None if none, or no collection yet)."""
    found = _first(path, settings, now, names)
    return found[0] if found else None


def _first(
    path: Path, settings: Settings, now: datetime, names: list[str] | None
) -> tuple[StoredCard, DeckSettings] | None:
    with sqlite_reader(path) as reader:
        if reader is None:
            if names:
                raise no_such_deck(names)
            return None
        today = Today.read(reader, settings, now, names)
        card_id = today.first()
        if card_id is None:
            return None
        return _content(reader, today, card_id)


def _content(reader: Reader, today: Today, card_id: int) -> tuple[StoredCard, DeckSettings]:
    row = reader.rows(sql.CONTENT, {"card": card_id})[0]
    deck = today.decks[int(row[1])]
    card = StoredCard(
        id=int(row[0]),
        deck_id=deck.id,
        deck_name=deck.name,
        kind=row[2],
        question=row[3],
        body=row[4],
        options=cast("list[OptionData]", decode_options(row[5])),
        explanation=row[6],
        answer=row[7],
        source_path=deck.source_path,
        source_line=row[8],
        state=CardState(),  # the session reads the real state
    )
    return card, today.options[deck.id]

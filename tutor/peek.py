"""The first card of today's queue, read with stdlib sqlite3 so the review screen can show it
while the store (SQLAlchemy) still loads. The session confirms it: this is only a preview."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tutor.collection_file import check_header, damaged, schema_version_of
from tutor.config import DeckSettings, Settings
from tutor.day import day_bounds, day_number
from tutor.deck.selection import DeckSelection
from tutor.due import DONE_TODAY, stamp
from tutor.errors import NotFoundError, StoreError
from tutor.state import CardState, StoredCard

LEARN_AHEAD = timedelta(minutes=20)  # as tutor.session
AVAILABLE = (
    "retired = 0 AND suspended = 0 AND (buried_until IS NULL OR buried_until <= :now) "
    "AND deck_id IN ({decks})"
)
CONTENT = (
    "SELECT id, deck_id, kind, question, body, options, explanation, answer, source_line "
    "FROM card WHERE id = ?"
)


@dataclass(frozen=True)
class Preview:
    """The first card as the review screen shows it before the session is ready."""

    card: StoredCard
    order: tuple[int, ...]
    settings: DeckSettings

    @property
    def select_all(self) -> bool:
        return sum(1 for o in self.card.options if o["correct"]) > 1


def _utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


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
    card, front_matter = found
    deck = settings.for_deck(card.deck_name, front_matter)
    order = list(range(len(card.options)))
    if deck.shuffle:
        rng.shuffle(order)
    return Preview(card, tuple(order), deck)


def first_card(
    path: Path, settings: Settings, now: datetime, names: list[str] | None = None
) -> StoredCard | None:
    """The card a new session would hand out first (None if none, or no collection yet)."""
    found = _first(path, settings, now, names)
    return found[0] if found else None


def _first(
    path: Path, settings: Settings, now: datetime, names: list[str] | None
) -> tuple[StoredCard, dict[str, Any]] | None:
    if not path.exists():
        if names:
            raise _no_such_deck(names)
        return None
    check_header(path)
    try:
        conn = sqlite3.connect(path, timeout=10)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    try:
        if schema_version_of(conn, path) is None:
            return None
        return _first_card(conn, settings, now, names)
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from None
    finally:
        conn.close()


def _first_card(
    conn: sqlite3.Connection, settings: Settings, now: datetime, names: list[str] | None
) -> tuple[StoredCard, dict[str, Any]] | None:
    zone = settings.tzinfo()
    _start, day_end = day_bounds(now, settings.day_starts_at, zone)
    decks: dict[int, tuple[str, DeckSettings, list[float] | None, str | None]] = {}
    front_matter: dict[int, dict[str, Any]] = {}
    selected = DeckSelection(names) if names else None
    for deck_id, name, raw, parameters, source in conn.execute(
        "SELECT d.id, d.name, d.settings, p.parameters, d.source_path FROM deck d "
        "LEFT JOIN parameter_set p ON p.id = d.parameter_set_id ORDER BY d.name"
    ):
        if selected is not None and name not in selected:
            continue
        front_matter[deck_id] = json.loads(raw or "{}")
        decks[deck_id] = (
            name,
            settings.for_deck(name, front_matter[deck_id]),
            json.loads(parameters) if parameters else None,
            source,
        )
    if names and not decks:
        raise _no_such_deck(names)
    if not decks:
        return None
    done = {
        deck: (n or 0, r or 0)
        for deck, n, r in conn.execute(
            DONE_TODAY, {"day": day_number(now, settings.day_starts_at, zone)}
        )
    }
    where = AVAILABLE.format(decks=",".join(str(i) for i in decks))
    values = {"now": stamp(now), "day_end": stamp(day_end), "ahead": stamp(now + LEARN_AHEAD)}
    card_id = _scalar(
        conn,
        f"SELECT id FROM card WHERE {where} AND phase IN (1, 3) AND due <= :now "
        "ORDER BY due, id LIMIT 1",
        values,
    )
    if card_id is None:
        card_id = _most_at_risk(conn, where, values, decks, done, now)
    if card_id is None:
        for deck_id, (_name, deck, _parameters, _source) in decks.items():
            if deck.new_per_day - done.get(deck_id, (0, 0))[0] > 0:
                card_id = _scalar(
                    conn,
                    f"SELECT id FROM card WHERE {where} AND deck_id = {deck_id} AND phase = 0 "
                    "ORDER BY position, id LIMIT 1",
                    values,
                )
                if card_id is not None:
                    break
    if card_id is None:
        card_id = _scalar(
            conn,
            f"SELECT id FROM card WHERE {where} AND phase IN (1, 3) AND due <= :ahead "
            "AND due < :day_end ORDER BY due, id LIMIT 1",
            values,
        )
    if card_id is None:
        return None
    row = conn.execute(CONTENT, (card_id,)).fetchone()
    name, _deck, _parameters, source = decks[row[1]]
    card = StoredCard(
        id=row[0],
        deck_id=row[1],
        deck_name=name,
        kind=row[2],
        question=row[3],
        body=row[4],
        options=json.loads(row[5]),
        explanation=row[6],
        answer=row[7],
        source_path=source,
        source_line=row[8],
        state=CardState(),  # the session reads the real state
    )
    return card, front_matter[row[1]]


def _no_such_deck(names: list[str]) -> NotFoundError:
    return NotFoundError(
        f"no deck or file named {', '.join(names)!r}; `tutor decks` lists the decks"
    )


def _scalar(conn: sqlite3.Connection, sql: str, values: dict[str, str]) -> int | None:
    row = conn.execute(sql, values).fetchone()
    return int(row[0]) if row else None


def _most_at_risk(
    conn: sqlite3.Connection,
    where: str,
    values: dict[str, str],
    decks: dict[int, tuple[str, DeckSettings, list[float] | None, str | None]],
    done: dict[int, tuple[int, int]],
    now: datetime,
) -> int | None:
    """The review card with the lowest predicted recall in a deck with reviews left today."""
    from tutor.scheduling import SchedulerSpec, forgetting_curve, recall

    open_decks = {
        deck_id
        for deck_id, (_n, deck, _p, _s) in decks.items()
        if done.get(deck_id, (0, 0))[1] < deck.reviews_per_day
    }
    curves = {
        deck_id: forgetting_curve(SchedulerSpec.for_deck(deck, parameters))
        for deck_id, (_n, deck, parameters, _s) in decks.items()
    }
    best: tuple[float, int] | None = None
    for card_id, deck_id, stability, last in conn.execute(
        f"SELECT id, deck_id, stability, last_review FROM card WHERE {where} AND phase = 2 "
        "AND due < :day_end",
        values,
    ):
        if deck_id not in open_decks:
            continue
        key = (recall(curves[deck_id], stability, _utc(last), now), card_id)
        if best is None or key < best:
            best = key
    return best[1] if best else None

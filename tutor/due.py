"""`tutor due`: today's counts per deck, read with the stdlib sqlite3 module so it starts fast."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tutor.collection_file import SCHEMA_VERSION as SCHEMA_VERSION  # re-exported
from tutor.collection_file import check_header, damaged, schema_version_of
from tutor.config import Settings
from tutor.day import day_bounds, day_number
from tutor.errors import StoreError

QUERY = """
SELECT d.id, d.name, d.settings,
  SUM(CASE WHEN c.phase IN (1, 3) AND c.due < :day_end THEN 1 ELSE 0 END) AS learning,
  SUM(CASE WHEN c.phase = 2 AND c.due < :day_end THEN 1 ELSE 0 END) AS review,
  SUM(CASE WHEN c.phase = 0 THEN 1 ELSE 0 END) AS new
FROM deck d LEFT JOIN card c ON c.deck_id = d.id
  AND c.retired = 0 AND c.suspended = 0
  AND (c.buried_until IS NULL OR c.buried_until <= :now)
GROUP BY d.id, d.name, d.settings ORDER BY d.name
"""

DONE_TODAY = """
SELECT c.deck_id,
  SUM(CASE WHEN r.phase_before = 0 THEN 1 ELSE 0 END),
  SUM(CASE WHEN r.phase_before = 2 THEN 1 ELSE 0 END)
FROM review r JOIN card c ON c.id = r.card_id WHERE r.day = :day GROUP BY c.deck_id
"""


@dataclass(frozen=True)
class Counts:
    """Cards waiting, by kind: new, learning (and relearning), review."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class DueCounts(Counts):
    """What today's session holds for one deck, after the daily limits."""

    name: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            **{k: v for k, v in asdict(self).items() if k != "name"},
            "total": self.total,
        }


def stamp(moment: datetime) -> str:
    """A UTC instant in the text form SQLAlchemy stores in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def due_counts(path: Path, settings: Settings, now: datetime) -> list[DueCounts]:
    """Per deck: new cards left today (after the limit), learning and review cards due today."""
    if not path.exists():
        return []
    import json

    zone = settings.tzinfo()
    _start, end = day_bounds(now, settings.day_starts_at, zone)
    day = day_number(now, settings.day_starts_at, zone)
    check_header(path)
    try:
        conn = sqlite3.connect(path, timeout=10)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    try:
        if schema_version_of(conn, path) is None:
            return []
        rows = conn.execute(QUERY, {"day_end": stamp(end), "now": stamp(now)}).fetchall()
        done = {deck: (n or 0, r or 0) for deck, n, r in conn.execute(DONE_TODAY, {"day": day})}
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from None
    finally:
        conn.close()
    return limited(
        [(i, name, json.loads(raw or "{}"), lrn, rev, new) for i, name, raw, lrn, rev, new in rows],
        done,
        settings,
    )


def limited(
    rows: list[tuple[int, str, dict[str, Any], int, int, int]],
    done: dict[int, tuple[int, int]],
    settings: Settings,
) -> list[DueCounts]:
    """Apply each deck's daily limits to (id, name, settings, learning, review, new) rows."""
    result = []
    for deck_id, name, front_matter, learning, review, new in rows:
        deck = settings.for_deck(name, front_matter)
        new_done, review_done = done.get(deck_id, (0, 0))
        result.append(
            DueCounts(
                name=name,
                new=max(0, min(new or 0, deck.new_per_day - new_done)),
                learning=learning or 0,
                review=max(0, min(review or 0, deck.reviews_per_day - review_done)),
            )
        )
    return result


def collection_due(db: Any, settings: Settings, now: datetime) -> list[DueCounts]:
    """The same counts through the store (any database), for screens that hold it open."""
    from tutor.store import reviews

    zone = settings.tzinfo()
    _start, end = day_bounds(now, settings.day_starts_at, zone)
    with db.read() as conn:
        rows = reviews.due_rows(conn, now, end)
        done = reviews.done_today(
            conn, [r[0] for r in rows], day_number(now, settings.day_starts_at, zone)
        )
    return limited(rows, done, settings)

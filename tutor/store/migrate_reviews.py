"""Schema 3 -> 4 in the caller's transaction: the review log made compact, every answer kept.

Portable SQL (ALTER TABLE ADD/DROP/RENAME COLUMN, SQLite 3.35+ and PostgreSQL) and Core
executemany; the JSON states of `review_state` become typed columns (the state after) and, for
the rare answer whose state before the log does not give, a `review_before` row.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from tutor.state import CardState, Phase
from tutor.store import tables
from tutor.store.review_log import LEECH, SUSPENDED, after_state, reschedulings

BATCH = 5_000
PAUSE_ENV = "TUTOR_MIGRATION_PAUSE"  # tests: a folder whose fifos stop the migration midway
OLD_INDEXES = ("ix_review_summary", "ix_review_calibration", "ix_review_card_time")
NEW_COLUMNS = (
    "reviewed_us BIGINT",
    "due_us BIGINT",
    "phase_after INTEGER NOT NULL DEFAULT 0",
    "step_after INTEGER",
    "flags_before INTEGER NOT NULL DEFAULT 0",
)
UPDATE = text(
    "UPDATE review SET reviewed_us = :reviewed_us, due_us = :due_us, phase_after = :phase_after, "
    "step_after = :step_after, flags_before = :flags_before, stability_after = :stability_after, "
    "difficulty_after = :difficulty_after, interval_days = :interval_days WHERE id = :review_id"
)


def compact_reviews(conn: Connection) -> None:
    """Rewrite the review table in its version-4 shape and drop `review_state`."""
    for name in OLD_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    for column in NEW_COLUMNS:
        conn.exec_driver_sql(f"ALTER TABLE review ADD COLUMN {column}")
    tables.review_before_table.create(conn)
    runs = reschedulings(conn)
    updates: list[dict[str, Any]] = []
    befores: list[dict[str, Any]] = []
    for values, stored_before in _converted(conn, runs):
        updates.append(values)
        if stored_before is not None:
            befores.append({"review_id": values["review_id"], "state": stored_before.to_json()})
        if len(updates) >= BATCH:
            conn.execute(UPDATE, updates)
            updates.clear()
    if updates:
        conn.execute(UPDATE, updates)
    if befores:
        conn.execute(tables.review_before_table.insert(), befores)
    for column in ("elapsed_days", "reviewed_at", "due_after"):
        conn.exec_driver_sql(f"ALTER TABLE review DROP COLUMN {column}")
    conn.exec_driver_sql("ALTER TABLE review RENAME COLUMN reviewed_us TO reviewed_at")
    conn.exec_driver_sql("ALTER TABLE review RENAME COLUMN due_us TO due_after")
    conn.exec_driver_sql("DROP TABLE review_state")
    for index in tables.review_table.indexes:
        index.create(conn)
    _pause_if_asked()


def _converted(
    conn: Connection, runs: dict[int, list[tuple[datetime, CardState]]]
) -> Iterator[tuple[dict[str, Any], CardState | None]]:
    """Each review's new column values, and its state before where the log will not give it."""
    rows = conn.execute(
        text(
            "SELECT r.id, r.card_id, r.reviewed_at, r.rating, r.interval_days, r.stability_after, "
            "r.difficulty_after, r.due_after, s.before, s.after FROM review r "
            "LEFT JOIN review_state s ON s.review_id = r.id ORDER BY r.card_id, r.id"
        )
    )
    card_id, previous = None, CardState()
    for row in rows:
        if row.card_id != card_id:
            card_id, previous = row.card_id, CardState()
        at = _utc(row.reviewed_at)
        before_json, after_json = _json(row.before), _json(row.after)
        derived = previous
        for run_at, run_after in runs.get(int(row.card_id), ()):
            if run_at <= at and (previous.last_review is None or run_at > previous.last_review):
                derived = run_after
        flags = 0
        before = derived
        if before_json is not None:
            flags = (LEECH if before_json.pop("leech", False) else 0) | (
                SUSPENDED if before_json.pop("suspended", False) else 0
            )
            before = CardState.from_json(before_json)
        after = CardState.from_json(after_json) if after_json is not None else None
        values = {
            "review_id": row.id,
            "reviewed_us": _micros(at),
            "due_us": _micros(after.due if after else _utc_or_none(row.due_after)),
            "phase_after": int(after.phase) if after else int(Phase.REVIEW),
            "step_after": after.step if after else None,
            "flags_before": flags,
            "stability_after": after.stability if after else row.stability_after,
            "difficulty_after": after.difficulty if after else row.difficulty_after,
            "interval_days": None if row.interval_days is None else math.floor(row.interval_days),
        }
        yield values, (before if before != derived else None)
        previous = _Row.after(row.rating, at, values, before)


class _Row:
    """A converted row as `after_state` reads it."""

    def __init__(self, rating: int, at: datetime, values: dict[str, Any]) -> None:
        self.rating = rating
        self.reviewed_at = at
        self.phase_after = values["phase_after"]
        self.step_after = values["step_after"]
        self.stability_after = values["stability_after"]
        self.difficulty_after = values["difficulty_after"]
        due = values["due_us"]
        self.due_in = None if due is None else tables.EPOCH + due * tables.MICROSECOND - at

    @classmethod
    def after(cls, rating: int, at: datetime, values: dict[str, Any], before: CardState) -> Any:
        return after_state(cls(rating, at, values), before)


def _json(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return dict(json.loads(value) if isinstance(value, str) else value)


def _utc(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise ValueError(f"a review time that is not a time: {value!r}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _utc_or_none(value: Any) -> datetime | None:
    return None if value is None else _utc(value)


def _micros(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - tables.EPOCH) // tables.MICROSECOND


def _pause_if_asked() -> None:
    """With $TUTOR_MIGRATION_PAUSE set (tests only), say "reached" through its fifo `reached`
    and wait for a writer on its fifo `resume`: the transaction is open, nothing committed."""
    folder = os.environ.get(PAUSE_ENV)
    if not folder:
        return
    with (Path(folder) / "reached").open("w") as reached:
        reached.write("migrating\n")
    with (Path(folder) / "resume").open() as resume:
        resume.read()

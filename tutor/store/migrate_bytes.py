"""Schema 8 -> 9 in the caller's transaction: due times as offsets, hashes as bytes, and cards'
creation times as microseconds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, text

from tutor.errors import StoreError
from tutor.store.migrate_reviews import BATCH, _pause_if_asked
from tutor.store.tables import EPOCH, HEX, MICROSECOND

MICROS = "(due_after - reviewed_at)"  # both integer microseconds since 1970 in version 8
# Whole seconds as an integer, else exact to the microsecond (see tables.Offset).
OFFSET = {
    "sqlite": f"CASE WHEN {MICROS} % 1000000 = 0 THEN {MICROS} / 1000000 "
    f"ELSE {MICROS} / 1000000.0 END",
    "postgresql": f"CAST({MICROS} AS NUMERIC(20, 6)) / 1000000",
}
COLUMN = {"sqlite": "BIGINT", "postgresql": "NUMERIC(20, 6)"}
# PostgreSQL's timestamp as whole seconds and the microseconds left, both exact
PG_MICROS = (
    "CAST(EXTRACT(EPOCH FROM date_trunc('second', created_at)) AS BIGINT) * 1000000 "
    "+ CAST(EXTRACT(MICROSECONDS FROM created_at) AS BIGINT) % 1000000"
)


def fewer_bytes(conn: Connection) -> None:
    """Each answer's due time kept as seconds after the answer (`review.due_in`) instead of a
    second time; each card's creation time as integer microseconds; on SQLite, each card's
    content hash as its 20 bytes instead of 40 hex characters."""
    dialect = conn.dialect.name
    conn.exec_driver_sql(f"ALTER TABLE review ADD COLUMN due_in {COLUMN[dialect]}")
    conn.execute(text(f"UPDATE review SET due_in = {OFFSET[dialect]}"))  # text(): its % kept
    conn.exec_driver_sql("ALTER TABLE review DROP COLUMN due_after")
    if dialect == "sqlite":
        # SQLite's DROP COLUMN writes 0 and 1 as one-byte integers (an UPDATE writes them in
        # the record header alone): every row written again, 4 bytes a review less
        conn.exec_driver_sql("UPDATE review SET due_in = due_in")
        _card_times_and_hashes(conn)
    else:
        conn.execute(
            text(f"ALTER TABLE card ALTER COLUMN created_at TYPE BIGINT USING {PG_MICROS}")
        )
    _pause_if_asked()


def _card_times_and_hashes(conn: Connection) -> None:
    """SQLite: creation times from text to integers in a new column (a text column would turn
    them back into text), hashes from hex text to bytes; every card row written once more."""
    conn.exec_driver_sql("ALTER TABLE card ADD COLUMN created_us BIGINT")
    update = text("UPDATE card SET created_us = :created, content_hash = :digest WHERE id = :card")
    rows: list[dict[str, Any]] = []
    stored = conn.exec_driver_sql("SELECT id, created_at, content_hash FROM card ORDER BY id")
    for card_id, created, digest in stored.fetchall():
        if isinstance(digest, str) and HEX.fullmatch(digest):
            digest = bytes.fromhex(digest)
        rows.append({"card": card_id, "created": _micros(card_id, created), "digest": digest})
        if len(rows) >= BATCH:
            conn.execute(update, rows)
            rows.clear()
    if rows:
        conn.execute(update, rows)
    conn.exec_driver_sql("ALTER TABLE card DROP COLUMN created_at")
    conn.exec_driver_sql("ALTER TABLE card RENAME COLUMN created_us TO created_at")
    conn.exec_driver_sql("UPDATE card SET created_at = created_at")  # as for review above


def _micros(card_id: int, stored: Any) -> int:
    """Version 8's creation time (SQLite text, UTC) as microseconds since 1970."""
    try:
        moment = datetime.fromisoformat(stored)
    except (TypeError, ValueError):
        raise StoreError(
            f"card {card_id} holds {stored!r} where its creation time belongs, so the collection "
            "cannot be upgraded (it was not changed); `tutor backups` lists the backups that "
            "`tutor restore` brings back"
        ) from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return (moment - EPOCH) // MICROSECOND

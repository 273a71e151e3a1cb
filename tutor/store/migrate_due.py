"""Schema 8 -> 9 in the caller's transaction: answers' due times as offsets, hashes as bytes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from tutor.store.migrate_reviews import BATCH, _pause_if_asked
from tutor.store.tables import HEX

MICROS = "(due_after - reviewed_at)"  # both integer microseconds since 1970 in version 8
# Whole seconds as an integer, else exact to the microsecond (see tables.Offset).
OFFSET = {
    "sqlite": f"CASE WHEN {MICROS} % 1000000 = 0 THEN {MICROS} / 1000000 "
    f"ELSE {MICROS} / 1000000.0 END",
    "postgresql": f"CAST({MICROS} AS NUMERIC(20, 6)) / 1000000",
}
COLUMN = {"sqlite": "BIGINT", "postgresql": "NUMERIC(20, 6)"}


def due_offsets_and_byte_hashes(conn: Connection) -> None:
    """Each answer's due time kept as seconds after the answer (`review.due_in`) instead of a
    second time; on SQLite, each card's content hash kept as its 20 bytes instead of 40 hex
    characters."""
    dialect = conn.dialect.name
    conn.exec_driver_sql(f"ALTER TABLE review ADD COLUMN due_in {COLUMN[dialect]}")
    conn.exec_driver_sql(f"UPDATE review SET due_in = {OFFSET[dialect]}")
    conn.exec_driver_sql("ALTER TABLE review DROP COLUMN due_after")
    if dialect == "sqlite":
        _hashes_as_bytes(conn)
    _pause_if_asked()


def _hashes_as_bytes(conn: Connection) -> None:
    update = text("UPDATE card SET content_hash = :digest WHERE id = :card")
    rows: list[dict[str, Any]] = []
    stored = conn.exec_driver_sql("SELECT id, content_hash FROM card ORDER BY id").fetchall()
    for card_id, digest in stored:
        if isinstance(digest, str) and HEX.fullmatch(digest):
            rows.append({"card": card_id, "digest": bytes.fromhex(digest)})
        if len(rows) >= BATCH:
            conn.execute(update, rows)
            rows.clear()
    if rows:
        conn.execute(update, rows)

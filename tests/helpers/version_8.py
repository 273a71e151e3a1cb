"""A collection put back in the version-8 shape: due times as times, content hashes and cards'
creation times as text."""

from __future__ import annotations

from sqlalchemy import Connection, text

from tests.helpers.version_10 import back_to_version_10
from tutor.store.tables import EPOCH, MICROSECOND, SQLITE_FORMAT


def back_to_version_8(conn: Connection) -> None:
    """Each answer's due time as version 8 stored it (microseconds since 1970), content hashes as
    hex text, creation times as SQLite text or PostgreSQL timestamps, version 8 stamped."""
    back_to_version_10(conn)
    postgresql = conn.dialect.name == "postgresql"
    offset = "CAST(due_in * 1000000 AS BIGINT)" if postgresql else "due_in * 1000000"
    conn.execute(text("ALTER TABLE review ADD COLUMN due_after BIGINT"))
    conn.execute(text(f"UPDATE review SET due_after = reviewed_at + {offset}"))
    conn.execute(text("ALTER TABLE review DROP COLUMN due_in"))
    if postgresql:
        conn.execute(
            text(
                "ALTER TABLE card ALTER COLUMN created_at TYPE TIMESTAMP WITH TIME ZONE "
                "USING TIMESTAMP WITH TIME ZONE 'epoch' + created_at * INTERVAL '1 microsecond'"
            )
        )
    else:
        conn.execute(
            text(
                "UPDATE card SET content_hash = lower(hex(content_hash)) "
                "WHERE typeof(content_hash) = 'blob'"
            )
        )
        for card_id, micros in conn.execute(text("SELECT id, created_at FROM card")).all():
            stored = (EPOCH + micros * MICROSECOND).strftime(SQLITE_FORMAT)
            conn.execute(
                text("UPDATE card SET created_at = :at WHERE id = :id"),
                {"at": stored, "id": card_id},
            )
    conn.execute(text("UPDATE meta SET value = '8' WHERE key = 'schema_version'"))

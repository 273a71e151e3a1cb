"""A collection put back in the version-8 shape: due times as times, content hashes as text."""

from __future__ import annotations

from sqlalchemy import Connection, text


def back_to_version_8(conn: Connection) -> None:
    """Each answer's due time as version 8 stored it (microseconds since 1970), content hashes as
    hex text, version 8 stamped."""
    postgresql = conn.dialect.name == "postgresql"
    offset = "CAST(due_in * 1000000 AS BIGINT)" if postgresql else "due_in * 1000000"
    conn.execute(text("ALTER TABLE review ADD COLUMN due_after BIGINT"))
    conn.execute(text(f"UPDATE review SET due_after = reviewed_at + {offset}"))
    conn.execute(text("ALTER TABLE review DROP COLUMN due_in"))
    if not postgresql:
        conn.execute(
            text(
                "UPDATE card SET content_hash = lower(hex(content_hash)) "
                "WHERE typeof(content_hash) = 'blob'"
            )
        )
    conn.execute(text("UPDATE meta SET value = '8' WHERE key = 'schema_version'"))

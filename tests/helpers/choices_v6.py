"""A collection's choices put back in their version-6 shape (option text on every choice), on
either database: what migration 7 starts from."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    text,
)

from tests.helpers.version_8 import back_to_version_8

V6 = MetaData()
REVIEW = Table("review", V6, Column("id", Integer, primary_key=True))
CARD = Table("card", V6, Column("id", Integer, primary_key=True))
CHOICE = Table(
    "review_choice",
    V6,
    Column("id", Integer, primary_key=True),
    Column("review_id", Integer, ForeignKey("review.id", ondelete="CASCADE"), nullable=False),
    Column("card_id", Integer, ForeignKey("card.id", ondelete="CASCADE"), nullable=False),
    Column("day", Integer, nullable=False),
    Column("option_text", String, nullable=False),
    Column("correct", Boolean, nullable=False),
    Index("ix_choice_card", "card_id", "correct"),
    Index("ix_review_choice_review_id", "review_id"),
)


def back_to_version_6(conn: Connection) -> int:
    """Rewrite review_choice as version 6 had it, drop card_option, stamp version 6; return
    how many choices there are."""
    back_to_version_8(conn)  # the answers' due times as versions 4 to 8 had them
    rows = conn.execute(
        text(
            "SELECT rc.review_id, rc.card_id, rc.day, o.text AS option_text, o.correct "
            "FROM review_choice rc JOIN card_option o ON o.card_id = rc.card_id "
            "AND o.number = rc.option_number ORDER BY rc.review_id, rc.position"
        )
    ).all()
    conn.execute(text("DROP TABLE review_choice"))
    conn.execute(text("DROP TABLE card_option"))
    CHOICE.create(conn)
    if rows:
        conn.execute(CHOICE.insert(), [dict(row._mapping) for row in rows])
    conn.execute(text("UPDATE meta SET value = '6' WHERE key = 'schema_version'"))
    return len(rows)

"""Practice answers (custom study): written to their own table; the card's state is not touched."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select

from tutor.store.tables import practice_table


@dataclass(frozen=True)
class PracticeAnswer:
    """One practice answer as the session gives it."""

    card_id: int
    at: datetime
    rating: int
    suggested_rating: int
    correct: bool | None
    duration_ms: int
    chosen: list[str]
    retrievability: float | None


def record_practice(conn: Connection, answer: PracticeAnswer) -> int:
    """Log a practice answer; its id (for undo)."""
    inserted = conn.execute(
        practice_table.insert().values(
            card_id=answer.card_id,
            practiced_at=answer.at,
            rating=answer.rating,
            suggested_rating=answer.suggested_rating,
            correct=answer.correct,
            duration_ms=answer.duration_ms,
            chosen=answer.chosen,
            retrievability=answer.retrievability,
        )
    )
    return int(inserted.inserted_primary_key[0])  # type: ignore[index]


def undo_practice(conn: Connection, practice_id: int) -> None:
    """Take back a practice answer."""
    conn.execute(delete(practice_table).where(practice_table.c.id == practice_id))


def practice_count(conn: Connection, card_ids: list[int] | None = None) -> int:
    """How many practice answers were logged (for some cards, or all)."""
    query = select(func.count()).select_from(practice_table)
    if card_ids is not None:
        query = query.where(practice_table.c.card_id.in_(card_ids))
    return int(conn.execute(query).scalar_one())


EXPORTED = (
    "id",
    "card_id",
    "practiced_at",
    "rating",
    "suggested_rating",
    "correct",
    "duration_ms",
    "chosen",
    "retrievability",
)  # an exported practice answer's keys, in order


def export_practice(conn: Connection, only: Collection[int] | None = None) -> list[dict[str, Any]]:
    """Every practice answer (of the cards in `only`, or all) as the export writes it, by id."""
    rows = conn.execute(select(practice_table).order_by(practice_table.c.id))
    return [
        {key: getattr(row, key) for key in EXPORTED}
        | {"practiced_at": row.practiced_at.isoformat()}
        for row in rows
        if only is None or row.card_id in only
    ]


def import_practice(conn: Connection, answers: list[dict[str, Any]]) -> None:
    """Write back an export's practice answers, ids kept (a restore)."""
    rows = [
        {
            **{key: answer[key] for key in EXPORTED if key != "practiced_at"},
            "practiced_at": datetime.fromisoformat(answer["practiced_at"]),
        }
        for answer in answers
    ]
    if rows:
        conn.execute(practice_table.insert(), rows)

"""The queue through the store: the SQL of `tutor.queue_sql` run on any database, one card."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, text

from tutor.queue_sql import for_postgresql, stamp
from tutor.state import CardState, Phase, StoredCard
from tutor.store.prepared import Prepared
from tutor.store.tables import card_table, deck_table


class StoreReader:
    """Runs the queue's SQL on a store connection: times as SQLite's text, or as datetimes."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.as_text = conn.dialect.name == "sqlite"

    def rows(self, sql: str, values: Mapping[str, Any]) -> list[Sequence[Any]]:
        return list(self.each(sql, values))

    def each(self, sql: str, values: Mapping[str, Any]) -> Iterator[Sequence[Any]]:
        encoded = {
            k: stamp(v) if self.as_text and isinstance(v, datetime) else v
            for k, v in values.items()
        }
        if self.conn.dialect.name == "postgresql":
            sql = for_postgresql(sql)
        for row in self.conn.execute(text(sql), encoded):
            yield tuple(row)


_LOAD_CARD = Prepared(  # compiled once: each answer's next card only binds its id
    select(card_table, deck_table.c.name.label("deck_name"), deck_table.c.source_path)
    .join(deck_table, deck_table.c.id == card_table.c.deck_id)
    .where(card_table.c.id == bindparam("card_id"))
)


def load_card(conn: Connection, card_id: int) -> StoredCard | None:
    """One card with everything the review screen shows."""
    row = _LOAD_CARD.run(conn, {"card_id": card_id}).first()
    if row is None:
        return None
    return StoredCard(
        id=row.id,
        deck_id=row.deck_id,
        deck_name=row.deck_name,
        kind=row.kind,
        question=row.question,
        body=row.body,
        options=list(row.options),
        explanation=row.explanation,
        answer=row.answer,
        source_path=row.source_path,
        source_line=row.source_line,
        state=card_state(row),
        suspended=row.suspended,
        leech=row.leech,
        buried_until=row.buried_until,
        retired=row.retired,
    )


def card_state(row: Any) -> CardState:
    """A card's scheduling state from a row holding the card table's state columns."""
    return CardState(
        phase=Phase(row.phase),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
        reps=row.reps,
        lapses=row.lapses,
    )

"""The statistics through the store: `tutor.stats_sql` run on any database, and where the log's
sums come from when the rollups cannot give them (a tag's cards, rollups out of step with the
log: the rollups' own queries over it, `tutor.store.rollups`, one definition of what an answer
adds).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Connection, Integer, String, and_, literal, not_, or_, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql import column as sql_column

from tutor.stats_sql import TIME_TEXT
from tutor.store import rollups
from tutor.store.queue import StoreReader
from tutor.store.tables import card_table, review_table


class StatsStoreReader(StoreReader):
    """Runs the statistics' SQL on a store connection (`tutor.stats.StatsReader`)."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)
        self.postgresql = conn.dialect.name == "postgresql"
        _ensure_power(conn)
        _check_times(conn, (card_table.c.due, card_table.c.last_review))

    def sources(self, select_ids: str | None, values: dict[str, Any]) -> tuple[str, str]:
        if select_ids is None and rollups.in_step(self.conn):
            return "review_rollup", "calibration_rollup"
        where = []
        if select_ids is not None:
            cards = text(select_ids).bindparams(**values).columns(sql_column("id", Integer))
            where.append(review_table.c.card_id.in_(cards))
        return (
            _as_text(self.conn, rollups.summary_query(*where)),
            _as_text(self.conn, rollups.calibration_query(*where)),
        )


def _as_text(conn: Connection, query: Any) -> str:
    """A rollup query as SQL text for `{source}`, its values written in (quoted by the dialect)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    return f"({compiled})"


def deck_ids(conn: Connection, name: str) -> list[int]:
    """The ids of a deck and its sub-decks, by the one rule for deck names (`tutor.queue`)."""
    from tutor.store.decks import deck_ids as selected

    return selected(conn, name)


def _check_times(conn: Connection, columns: Sequence[Any]) -> None:
    """Raise the StoreError that reading them would raise if these columns hold something that
    is not a stored time (the SQL that follows takes them apart as text)."""
    if not _sqlite(conn):
        return
    pattern = literal(TIME_TEXT, String())
    odd = [
        and_(column.is_not(None), not_(column.op("GLOB", return_type=Boolean)(pattern)))
        for column in columns
    ]
    conn.execute(select(*columns).where(or_(*odd)).limit(1)).all()  # the column types raise


def _sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _ensure_power(conn: Connection) -> None:
    """SQLite built without its math functions lacks power(): lend it Python's (the same C pow)."""
    if not _sqlite(conn):
        return
    try:
        conn.exec_driver_sql("SELECT power(2.0, 0.5)").scalar()
    except OperationalError:
        raw = conn.connection.driver_connection
        raw.create_function("power", 2, math.pow, deterministic=True)  # type: ignore[union-attr]

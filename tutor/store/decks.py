"""Decks and parameter sets: decks selected by name (the one rule of `tutor.queue`), FSRS
parameter sets stored once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select

from tutor.queue import DeckInfo, read_decks
from tutor.store.queue import StoreReader
from tutor.store.tables import parameter_table


def decks(conn: Connection, names: Sequence[str] | None = None) -> list[DeckInfo]:
    """Decks in name order (all, or those named and their sub-decks), with their parameters."""
    return read_decks(StoreReader(conn), names)


def deck_ids(conn: Connection, name: str) -> list[int]:
    """The ids of a deck and its sub-decks (case-insensitive, every character literal)."""
    return [deck.id for deck in read_decks(StoreReader(conn), [name])]


def parameter_set_id(
    conn: Connection, parameters: Sequence[float], source: str, now: datetime
) -> int:
    """The id of a stored parameter set equal to `parameters`, storing it if new."""
    wanted = [float(p) for p in parameters]
    for row in conn.execute(select(parameter_table.c.id, parameter_table.c.parameters)):
        if [float(p) for p in row.parameters] == wanted:
            return int(row.id)
    result = conn.execute(
        parameter_table.insert().values(parameters=wanted, source=source, created_at=now)
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]

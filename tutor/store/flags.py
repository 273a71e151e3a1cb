"""Cards and their flags: suspend, bury and their undo, the suspended list, unsuspend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from tutor.errors import UndoRefused
from tutor.store.tables import card_table, deck_table


def set_flags(conn: Connection, card_id: int, **flags: Any) -> None:
    """Suspend, unsuspend, bury (buried_until) or tag a card."""
    conn.execute(card_table.update().where(card_table.c.id == card_id).values(**flags))


@dataclass(frozen=True)
class Flagged:
    """A suspend or bury as committed: the card's flags before and after it, for its undo."""

    card_id: int
    before: dict[str, Any]
    after: dict[str, Any]


def change_flags(conn: Connection, card_id: int, **flags: Any) -> Flagged:
    """Set flags (suspended, buried_until) in the caller's write transaction, keeping the old."""
    c = card_table.c
    row = conn.execute(select(*(c[name] for name in flags)).where(c.id == card_id)).one()
    conn.execute(card_table.update().where(c.id == card_id).values(**flags, version=c.version + 1))
    return Flagged(card_id, dict(row._mapping), dict(flags))


def restore_flags(conn: Connection, flagged: Flagged) -> None:
    """Undo a suspend or bury: put the flags back, unless the card's flags changed since."""
    c = card_table.c
    row = conn.execute(
        select(*(c[name] for name in flagged.after)).where(c.id == flagged.card_id)
    ).first()
    if row is None or dict(row._mapping) != flagged.after:
        raise UndoRefused("cannot undo: the card was changed since (perhaps in another window)")
    conn.execute(
        card_table.update()
        .where(c.id == flagged.card_id)
        .values(**flagged.before, version=c.version + 1)
    )


def suspended_cards(
    conn: Connection, deck_ids: Sequence[int] | None = None
) -> list[tuple[int, str, str, bool, int]]:
    """(id, deck name, question, leech, lapses) of every suspended active card."""
    c = card_table.c
    query = (
        select(c.id, deck_table.c.name, c.question, c.leech, c.lapses)
        .join(deck_table, deck_table.c.id == c.deck_id)
        .where(c.suspended.is_(True), c.retired.is_(False))
        .order_by(deck_table.c.name, c.position)
    )
    if deck_ids is not None:
        query = query.where(c.deck_id.in_(deck_ids))
    return [(int(i), d, q, bool(leech), int(n)) for i, d, q, leech, n in conn.execute(query)]


def unsuspend(conn: Connection, card_ids: Sequence[int]) -> int:
    """Unsuspend these cards (a leech stays tagged); return how many were suspended."""
    c = card_table.c
    result = conn.execute(
        card_table.update()
        .where(c.id.in_(list(card_ids)), c.suspended.is_(True))
        .values(suspended=False, version=c.version + 1)
    )
    return int(result.rowcount)

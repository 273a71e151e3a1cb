"""Queries for `tutor reschedule`: card logs to replay, the states written, and their revert."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select

from tutor.state import CardState
from tutor.store.card_actions import forgotten_at
from tutor.store.queue import card_state as _state
from tutor.store.reviews import _STATE_COLUMNS, state_values
from tutor.store.tables import (
    card_table,
    rescheduled_card_table,
    rescheduling_table,
    review_table,
)


@dataclass
class CardLog:
    """A live card's stored state and version, its deck, and its answers (time, rating)."""

    card_id: int
    deck_id: int
    version: int
    state: CardState
    answers: list[tuple[datetime, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """One card's state before and after a rescheduling, and the version it was computed at."""

    card_id: int
    version: int
    before: CardState
    after: CardState


@dataclass(frozen=True)
class RunRecord:
    """One stored rescheduling."""

    id: int
    target: str
    at: datetime
    cards: int
    changed: int
    moved: int
    reverted_at: datetime | None


def card_logs(conn: Connection, deck_ids: Sequence[int] | None) -> list[CardLog]:
    """Every live (not retired) card with answers, of the given decks (or all), with its log: the
    answers after its last forget, if it was forgotten (a card forgotten since it was last
    answered is new, and left out)."""
    c, r = card_table.c, review_table.c
    cards = select(c.id, c.deck_id, c.version, *_STATE_COLUMNS).where(
        c.retired.is_(False), c.reps > 0
    )
    if deck_ids is not None:
        cards = cards.where(c.deck_id.in_(list(deck_ids)))
    logs = {
        row.id: CardLog(row.id, row.deck_id, row.version, _state(row))
        for row in conn.execute(cards)
    }
    answers = select(r.card_id, r.reviewed_at, r.rating).order_by(r.card_id, r.reviewed_at, r.id)
    forgotten = forgotten_at(conn)
    for card_id, at, rating in conn.execute(answers):
        log = logs.get(card_id)
        if card_id in forgotten and at <= forgotten[card_id]:
            continue
        if log is not None:
            log.answers.append((at, int(rating)))
    return [log for log in logs.values() if log.answers]


def record(
    conn: Connection, target: str, at: datetime, cards: int, moved: int, changes: Sequence[Change]
) -> tuple[int, int]:
    """Write the changed states (a card answered since it was read is left); keep the run and
    each card's before and after. Return the run's id and how many cards were left."""
    c = card_table.c
    run_id = int(
        conn.execute(
            rescheduling_table.insert().values(
                target=target, at=at, cards=cards, changed=0, moved=moved
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    written: list[Change] = []
    update = (
        card_table.update()
        .where(and_(c.id == bindparam("card"), c.version == bindparam("seen")))
        .values(version=c.version + 1)
    )
    for change in changes:
        result = conn.execute(
            update.values(**state_values(change.after)),
            {"card": change.card_id, "seen": change.version},
        )
        if result.rowcount:
            written.append(change)
    if written:
        conn.execute(
            rescheduled_card_table.insert(),
            [
                {
                    "rescheduling_id": run_id,
                    "card_id": w.card_id,
                    "before": w.before.to_json(),
                    "after": w.after.to_json(),
                }
                for w in written
            ],
        )
    conn.execute(
        rescheduling_table.update()
        .where(rescheduling_table.c.id == run_id)
        .values(changed=len(written))
    )
    return run_id, len(changes) - len(written)


def prune(conn: Connection) -> None:
    """Forget what no check or revert needs any more: the rows of reverted runs, and the rows
    whose `after` is no longer the card's state (answered or rescheduled since)."""
    rc, run = rescheduled_card_table.c, rescheduling_table.c
    reverted = select(run.id).where(run.reverted_at.is_not(None))
    conn.execute(rescheduled_card_table.delete().where(rc.rescheduling_id.in_(reverted)))
    current = {
        row.id: _state(row)
        for row in conn.execute(
            select(card_table.c.id, *_STATE_COLUMNS).where(card_table.c.id.in_(select(rc.card_id)))
        )
    }
    stale = [
        (run_id, card_id)
        for run_id, card_id, after in conn.execute(select(rc.rescheduling_id, rc.card_id, rc.after))
        if current.get(card_id) != CardState.from_json(after)
    ]
    for run_id, card_id in stale:
        conn.execute(
            rescheduled_card_table.delete().where(
                and_(rc.rescheduling_id == run_id, rc.card_id == card_id)
            )
        )


def latest(conn: Connection) -> RunRecord | None:
    """The latest rescheduling (reverted or not), or None."""
    row = conn.execute(
        select(rescheduling_table).order_by(rescheduling_table.c.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return RunRecord(row.id, row.target, row.at, row.cards, row.changed, row.moved, row.reverted_at)


def revert(conn: Connection, run_id: int, at: datetime) -> tuple[int, int]:
    """Put back the states a run replaced, for cards still in the state it wrote; mark it
    reverted. Return (restored, left: answered or changed since)."""
    rc, c = rescheduled_card_table.c, card_table.c
    rows = conn.execute(
        select(rc.card_id, rc.before, rc.after, *_STATE_COLUMNS)
        .join(card_table, c.id == rc.card_id)
        .where(rc.rescheduling_id == run_id)
    ).all()
    restored = 0
    for row in rows:
        if _state(row) != CardState.from_json(row.after):
            continue
        conn.execute(
            card_table.update()
            .where(c.id == row.card_id)
            .values(**state_values(CardState.from_json(row.before)), version=c.version + 1)
        )
        restored += 1
    conn.execute(
        rescheduling_table.update().where(rescheduling_table.c.id == run_id).values(reverted_at=at)
    )
    return restored, len(rows) - restored


def rescheduled_states(conn: Connection) -> dict[int, list[CardState]]:
    """The states runs not reverted wrote, by card (what `tutor check` accepts as they are)."""
    rc, run = rescheduled_card_table.c, rescheduling_table.c
    query = (
        select(rc.card_id, rc.after)
        .join(rescheduling_table, run.id == rc.rescheduling_id)
        .where(run.reverted_at.is_(None))
    )
    result: dict[int, list[CardState]] = {}
    for card_id, after in conn.execute(query):
        result.setdefault(int(card_id), []).append(CardState.from_json(after))
    return result


def run_json(record: RunRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "target": record.target,
        "at": record.at.isoformat(),
        "cards": record.cards,
        "changed": record.changed,
        "moved": record.moved,
        "reverted_at": record.reverted_at.isoformat() if record.reverted_at else None,
    }


def export_reschedulings(conn: Connection) -> list[dict[str, Any]]:
    """Every rescheduling with each changed card's state before and after, for `tutor export`."""
    run, rc = rescheduling_table.c, rescheduled_card_table.c
    states: dict[int, list[dict[str, Any]]] = {}
    for row in conn.execute(
        select(rc.rescheduling_id, rc.card_id, rc.before, rc.after).order_by(
            rc.rescheduling_id, rc.card_id
        )
    ):
        states.setdefault(int(row.rescheduling_id), []).append(
            {"card_id": row.card_id, "before": row.before, "after": row.after}
        )
    return [
        {
            "id": row.id,
            "target": row.target,
            "at": row.at.isoformat(),
            "cards": row.cards,
            "changed": row.changed,
            "moved": row.moved,
            "reverted_at": row.reverted_at.isoformat() if row.reverted_at else None,
            "states": states.get(int(row.id), []),
        }
        for row in conn.execute(select(rescheduling_table).order_by(run.id))
    ]


def import_reschedulings(conn: Connection, runs: list[dict[str, Any]]) -> None:
    """Put back the reschedulings of an export (after its cards)."""
    for run in runs:
        at, reverted = run["at"], run["reverted_at"]
        conn.execute(
            rescheduling_table.insert().values(
                id=run["id"],
                target=run["target"],
                at=datetime.fromisoformat(at),
                cards=run["cards"],
                changed=run["changed"],
                moved=run["moved"],
                reverted_at=datetime.fromisoformat(reverted) if reverted else None,
            )
        )
        rows = [
            {
                "rescheduling_id": run["id"],
                "card_id": state["card_id"],
                "before": state["before"],
                "after": state["after"],
            }
            for state in run["states"]
        ]
        if rows:
            conn.execute(rescheduled_card_table.insert(), rows)

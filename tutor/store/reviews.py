"""Answers: record one in the caller's write transaction, undo one exactly, read the log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from tutor.errors import StoreError
from tutor.errors import UndoRefused as UndoRefused  # re-exported
from tutor.queue import DeckInfo as DeckInfo  # re-exported
from tutor.state import CardState as CardState  # re-exported
from tutor.store import rollups
from tutor.store.choices import add_picks, chosen_numbers, recount_picks
from tutor.store.decks import decks as decks  # re-exported
from tutor.store.decks import parameter_set_id as parameter_set_id  # re-exported
from tutor.store.flags import (  # re-exported: callers of the former single module keep working
    Flagged as Flagged,
)
from tutor.store.flags import change_flags as change_flags
from tutor.store.flags import restore_flags as restore_flags
from tutor.store.flags import set_flags as set_flags
from tutor.store.flags import suspended_cards as suspended_cards
from tutor.store.flags import unsuspend as unsuspend
from tutor.store.prepared import Prepared
from tutor.store.queue import card_state as _state
from tutor.store.queue import load_card as load_card  # re-exported
from tutor.store.review_log import LEECH, SUSPENDED, card_steps, due_in, next_before
from tutor.store.tables import (
    card_table,
    review_before_table,
    review_table,
    schedule_numbers,
)


@dataclass(frozen=True)
class Answer:
    """What the engine decided for one answer, to be written in one transaction."""

    after: CardState
    rating: int
    suggested_rating: int | None
    duration_ms: int
    correct: bool | None
    chosen: Sequence[tuple[str, bool]]
    day: int
    first_of_day: bool
    hour: int
    retrievability: float | None
    parameter_set_id: int | None
    leech: bool = False
    suspend: bool = False


@dataclass(frozen=True)
class Recorded:
    """An answer as committed: its review id and the card's state before and after."""

    review_id: int
    card_id: int
    before: CardState
    after: CardState
    leech: bool
    suspended: bool
    flags_before: dict[str, bool] = field(default_factory=dict)


_STATE_COLUMNS = (
    card_table.c.phase,
    card_table.c.step,
    card_table.c.stability,
    card_table.c.difficulty,
    card_table.c.due,
    card_table.c.last_review,
    card_table.c.reps,
    card_table.c.lapses,
)


def state_values(state: CardState) -> dict[str, Any]:
    """A card's scheduling state as the values of its columns."""
    return {
        "phase": int(state.phase),
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due": state.due,
        "last_review": state.last_review,
        "reps": state.reps,
        "lapses": state.lapses,
        **schedule_numbers(state.last_review, state.due),
    }


# The answer's statements, built once and compiled once per dialect (`Prepared`).
_READ_CARD = Prepared(
    select(card_table.c.version, card_table.c.leech, card_table.c.suspended, *_STATE_COLUMNS)
    .where(card_table.c.id == bindparam("card_id"))
    .with_for_update()
)
_UPDATE_CARD = Prepared(
    card_table.update().where(
        card_table.c.id == bindparam("card_id_"), card_table.c.version == bindparam("version_")
    )
)  # the SET clause: the columns of the parameters
_INSERT_REVIEW = Prepared(review_table.insert().returning(review_table.c.id))
_INSERT_BEFORE = Prepared(review_before_table.insert())


def record_answer(
    conn: Connection, card_id: int, decide: Callable[[CardState, bool, bool], Answer]
) -> Recorded:
    """Write one answer in the caller's write transaction.

    The card's current state is read inside the transaction (another process may have answered
    it since it was queued) and handed to `decide`, which returns the answer to store.
    """
    row = _READ_CARD.run(conn, {"card_id": card_id}).first()
    if row is None:
        raise StoreError(f"card {card_id} is no longer in the collection; nothing was saved")
    before = _state(row)
    answer = decide(before, row.leech, row.suspended)
    after = answer.after
    leech = row.leech or answer.leech
    suspended = row.suspended or answer.suspend
    updated = _UPDATE_CARD.run(
        conn,
        {
            **state_values(after),
            "leech": leech,
            "suspended": suspended,
            "version": row.version + 1,
            "card_id_": card_id,
            "version_": row.version,
        },
    ).count()
    if updated != 1:
        raise StoreError(f"card {card_id} changed under a held write lock; nothing was saved")
    interval = (
        (before.due - before.last_review).days
        if before.due is not None and before.last_review is not None
        else None
    )
    flags = {"leech": bool(row.leech), "suspended": bool(row.suspended)}
    derived = next_before(conn, card_id, after.last_review) if after.last_review else None
    chosen = chosen_numbers(conn, [(card_id, answer.chosen)])[0] if answer.chosen else None
    inserted = _INSERT_REVIEW.run(
        conn,
        {
            "card_id": card_id,
            "reviewed_at": after.last_review,
            "day": answer.day,
            "first_of_day": answer.first_of_day,
            "hour": answer.hour,
            "rating": answer.rating,
            "suggested_rating": answer.suggested_rating,
            "duration_ms": answer.duration_ms,
            "correct": answer.correct,
            "phase_before": int(before.phase),
            "interval_days": interval,
            "retrievability": answer.retrievability,
            "phase_after": int(after.phase),
            "step_after": after.step,
            "stability_after": after.stability,
            "difficulty_after": after.difficulty,
            "due_in": due_in(after.last_review, after.due),
            "parameter_set_id": answer.parameter_set_id,
            "flags_before": (LEECH if row.leech else 0) | (SUSPENDED if row.suspended else 0),
            "chosen_numbers": chosen,
        },
    )
    review_id = int(inserted.first()[0])
    rollups.add_review(conn, review_id)
    if derived != before:  # changed outside the log (a repair, a revert): keep it for undo
        _INSERT_BEFORE.run(conn, {"review_id": review_id, "state": before.to_json()}).close()
    if chosen:
        add_picks(conn, [(card_id, answer.day, chosen)])
    return Recorded(review_id, card_id, before, after, leech, suspended, flags)


def undo_answer(conn: Connection, review_id: int) -> CardState:
    """Remove one answer and restore the card exactly as it was before it; return that state."""
    r = review_table.c
    row = conn.execute(select(r.card_id, r.flags_before).where(r.id == review_id)).first()
    if row is None:
        raise UndoRefused("cannot undo: that answer is no longer in the log")
    later = conn.execute(
        select(func.count()).where(r.card_id == row.card_id, r.id > review_id)
    ).scalar_one()
    if later:
        raise UndoRefused(
            "cannot undo: the card was answered again since (perhaps in another window)"
        )
    state = next(s.before for s in card_steps(conn, row.card_id) if s.review_id == review_id)
    flags = {
        "leech": bool(row.flags_before & LEECH),
        "suspended": bool(row.flags_before & SUSPENDED),
    }
    rollups.remove_review(conn, review_id)
    conn.execute(review_before_table.delete().where(review_before_table.c.review_id == review_id))
    conn.execute(review_table.delete().where(r.id == review_id))
    recount_picks(conn, [int(row.card_id)])  # its choices went with it; its options stay
    conn.execute(
        card_table.update()
        .where(card_table.c.id == row.card_id)
        .values(**state_values(state), **flags, version=card_table.c.version + 1)
    )
    return state


def recent_correct_durations(conn: Connection, limit: int = 500) -> list[int]:
    """Durations (ms) of the learner's latest correct answers, for the "took long" test."""
    r = review_table.c
    query = select(r.duration_ms).where(r.correct.is_(True)).order_by(r.id.desc()).limit(limit)
    return [int(d) for d in conn.execute(query).scalars()]


def card_log(conn: Connection, card_id: int) -> list[tuple[datetime, int]]:
    """A card's answers in order: (time, rating)."""
    r = review_table.c
    rows = conn.execute(
        select(r.reviewed_at, r.rating).where(r.card_id == card_id).order_by(r.reviewed_at, r.id)
    )
    return [(row.reviewed_at, int(row.rating)) for row in rows]


def card_state(conn: Connection, card_id: int) -> CardState:
    row = conn.execute(select(*_STATE_COLUMNS).where(card_table.c.id == card_id)).one()
    return _state(row)

"""The compact review log read back: each answer's state before and after, from the rows alone.

A review row keeps the state after its answer. The state before an answer is the newest of the
card's previous answer's state after and any rescheduling's state after since then,
or a new card's state; `review_before` holds it only for an answer where that rule does not give
it (a card repaired or restored in between). Reps and lapses count on from the state before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, select

from tutor.state import CardState, Phase
from tutor.store.prepared import Prepared
from tutor.store.tables import (
    rescheduled_card_table,
    rescheduling_table,
    review_before_table,
    review_table,
)

LEECH, SUSPENDED = 1, 2  # bits of review.flags_before

# The columns a walk needs, in the order rows are handed to `walk`.
LOG_COLUMNS = (
    review_table.c.id,
    review_table.c.card_id,
    review_table.c.reviewed_at,
    review_table.c.rating,
    review_table.c.phase_after,
    review_table.c.step_after,
    review_table.c.stability_after,
    review_table.c.difficulty_after,
    review_table.c.due_in,
)


@dataclass(frozen=True)
class Step:
    """One answer of a card's log with the card's state before and after it."""

    review_id: int
    card_id: int
    before: CardState
    after: CardState


def after_state(row: Any, before: CardState) -> CardState:
    """The state a review row records, its counters carried on from the state before."""
    lapsed = before.phase == Phase.REVIEW and int(row.rating) == 1
    return CardState(
        phase=Phase(int(row.phase_after)),
        step=row.step_after,
        stability=row.stability_after,
        difficulty=row.difficulty_after,
        due=due_at(row.reviewed_at, row.due_in),
        last_review=row.reviewed_at,
        reps=before.reps + 1,
        lapses=before.lapses + (1 if lapsed else 0),
    )


def due_in(reviewed_at: datetime | None, due: datetime | None) -> timedelta | None:
    """How long after an answer the card falls due, as a review row keeps it."""
    return None if due is None or reviewed_at is None else due - reviewed_at


def due_at(reviewed_at: datetime, due_in: timedelta | None) -> datetime | None:
    """When a card answered at `reviewed_at` falls due, from the row's `due_in`."""
    return None if due_in is None else reviewed_at + due_in


def walk(
    rows: Iterable[Any],
    rescheduled: dict[int, list[tuple[datetime, CardState]]],
    exceptions: dict[int, CardState],
) -> Iterator[Step]:
    """Each review row (ordered by card, then id) with the card's state before and after it.

    `rescheduled`: card id -> (time, state after) of its reschedulings, oldest first;
    `exceptions`: review id -> the stored state before, where the rule does not give it.
    """
    card_id = -1
    previous = CardState()
    for row in rows:
        if row.card_id != card_id:
            card_id, previous = int(row.card_id), CardState()
        before = exceptions.get(int(row.id)) or _since(previous, rescheduled.get(card_id), row)
        after = after_state(row, before)
        yield Step(int(row.id), card_id, before, after)
        previous = after


def _since(
    previous: CardState, runs: list[tuple[datetime, CardState]] | None, row: Any
) -> CardState:
    """The previous state, or a rescheduling's state made after it and before this answer."""
    state = previous
    for at, after in runs or ():
        if at <= row.reviewed_at and (previous.last_review is None or at > previous.last_review):
            state = after
    return state


def reschedulings(conn: Connection, card_ids: list[int] | None = None) -> dict[int, list[Any]]:
    """card id -> (time, state after) of every rescheduling, oldest first (a revert writes no
    answer: the first answer after it has its state before stored)."""
    rc, rs = rescheduled_card_table.c, rescheduling_table.c
    query = (
        select(rc.card_id, rs.at, rc.after)
        .join(rescheduling_table, rs.id == rc.rescheduling_id)
        .order_by(rs.at, rs.id)
    )
    if card_ids is not None:
        query = query.where(rc.card_id.in_(card_ids))
    result: dict[int, list[Any]] = {}
    for card_id, at, after in conn.execute(query):
        result.setdefault(int(card_id), []).append((at, CardState.from_json(after)))
    return result


def stored_befores(conn: Connection, card_id: int | None = None) -> dict[int, CardState]:
    """review id -> the stored state before (of one card's answers, or of every answer)."""
    b = review_before_table.c
    query = select(b.review_id, b.state)
    if card_id is not None:
        query = query.join(review_table, review_table.c.id == b.review_id).where(
            review_table.c.card_id == card_id
        )
    return {int(i): CardState.from_json(s) for i, s in conn.execute(query)}


# One card's log, compiled once per dialect (an answer reads it): its rows with their stored
# befores, and its reschedulings.
_CARD_ROWS = Prepared(  # each row with its stored state before, if any
    select(*LOG_COLUMNS, review_before_table.c.state.label("stored_before"))
    .outerjoin(review_before_table, review_before_table.c.review_id == review_table.c.id)
    .where(review_table.c.card_id == bindparam("card_id"))
    .order_by(review_table.c.id)
)
_CARD_RUNS = Prepared(
    select(rescheduled_card_table.c.after, rescheduling_table.c.at)
    .join(rescheduling_table, rescheduling_table.c.id == rescheduled_card_table.c.rescheduling_id)
    .where(rescheduled_card_table.c.card_id == bindparam("card_id"))
    .order_by(rescheduling_table.c.at, rescheduling_table.c.id)
)


def _card_runs(conn: Connection, card_id: int) -> dict[int, list[Any]]:
    """`reschedulings(conn, [card_id])`, by the statement built once."""
    rows = _CARD_RUNS.run(conn, {"card_id": card_id}).all()
    return {card_id: [(at, CardState.from_json(after)) for after, at in rows]} if rows else {}


def card_steps(
    conn: Connection, card_id: int, runs: dict[int, list[Any]] | None = None
) -> list[Step]:
    """One card's answers in order, each with its state before and after (`runs`: the card's
    reschedulings, when the caller has read them)."""
    rows = _CARD_ROWS.run(conn, {"card_id": card_id}).all()
    runs = _card_runs(conn, card_id) if runs is None else runs
    befores = {
        int(row.id): CardState.from_json(row.stored_before)
        for row in rows
        if row.stored_before is not None
    }
    return list(walk(rows, runs, befores))


def next_before(conn: Connection, card_id: int, at: datetime) -> CardState:
    """The state the log gives for a card's next answer at `at` (before it is written)."""
    runs = _card_runs(conn, card_id)  # read once: the walk and the last step both need it
    steps = card_steps(conn, card_id, runs)
    previous = steps[-1].after if steps else CardState()
    return _since(previous, runs.get(card_id), _At(at))


@dataclass(frozen=True)
class _At:
    reviewed_at: datetime

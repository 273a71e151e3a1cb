"""Named queries for review: the due queue, one card, recording and undoing an answer, flags."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from tutor.deck.selection import DeckSelection
from tutor.state import CardState, Phase, StoredCard
from tutor.store.tables import (
    card_table,
    choice_table,
    deck_table,
    parameter_table,
    review_state_table,
    review_table,
)


@dataclass(frozen=True)
class DeckInfo:
    """A deck as the review engine needs it."""

    id: int
    name: str
    source_path: str | None
    source_hash: str | None
    settings: dict[str, Any]
    parameters: list[float] | None
    parameter_set_id: int | None


@dataclass(frozen=True)
class QueueEntry:
    """A candidate for today's queue: enough to order it without loading its content."""

    card_id: int
    deck_id: int
    state: CardState
    position: int


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


def _state(row: Any) -> CardState:
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
    }


def decks(conn: Connection, names: Sequence[str] | None = None) -> list[DeckInfo]:
    """Decks (all, or those named and their sub-decks), with their FSRS parameters."""
    query = (
        select(
            deck_table.c.id,
            deck_table.c.name,
            deck_table.c.source_path,
            deck_table.c.source_hash,
            deck_table.c.settings,
            deck_table.c.parameter_set_id,
            parameter_table.c.parameters,
        )
        .select_from(
            deck_table.outerjoin(
                parameter_table, parameter_table.c.id == deck_table.c.parameter_set_id
            )
        )
        .order_by(deck_table.c.name)
    )
    # Chosen in Python: one OR per name overflows SQLite's expression depth at about 600 names.
    selected = DeckSelection(names) if names else None
    return [
        DeckInfo(
            r.id,
            r.name,
            r.source_path,
            r.source_hash,
            r.settings or {},
            r.parameters,
            r.parameter_set_id,
        )
        for r in conn.execute(query)
        if selected is None or r.name in selected
    ]


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


def _available(now: datetime) -> Any:
    c = card_table.c
    return and_(
        c.retired.is_(False),
        c.suspended.is_(False),
        or_(c.buried_until.is_(None), c.buried_until <= now),
    )


def learning_due(
    conn: Connection, deck_ids: Sequence[int], now: datetime, day_end: datetime
) -> list[tuple[int, datetime]]:
    """(card id, due) of learning and relearning cards due before the end of the learning day."""
    c = card_table.c
    query = select(c.id, c.due).where(
        c.deck_id.in_(deck_ids),
        _available(now),
        c.phase.in_([int(Phase.LEARNING), int(Phase.RELEARNING)]),
        c.due < day_end,
    )
    return [(r.id, r.due) for r in conn.execute(query)]


def reviews_due(
    conn: Connection, deck_ids: Sequence[int], now: datetime, day_end: datetime
) -> list[tuple[int, int, float | None, datetime | None]]:
    """(card id, deck id, stability, last review) of review cards due today: the backlog."""
    c = card_table.c
    query = select(c.id, c.deck_id, c.stability, c.last_review).where(
        c.deck_id.in_(deck_ids),
        _available(now),
        c.phase == int(Phase.REVIEW),
        c.due < day_end,
    )
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]


def new_entries(conn: Connection, deck_id: int, now: datetime, limit: int) -> list[QueueEntry]:
    """The first `limit` new cards of a deck, in deck order."""
    if limit <= 0:
        return []
    c = card_table.c
    query = (
        select(c.id, c.deck_id, c.position, *_STATE_COLUMNS)
        .where(c.deck_id == deck_id, _available(now), c.phase == int(Phase.NEW))
        .order_by(c.position, c.id)
        .limit(limit)
    )
    return [QueueEntry(r.id, r.deck_id, _state(r), r.position) for r in conn.execute(query)]


def done_today(conn: Connection, deck_ids: Sequence[int], day: int) -> dict[int, tuple[int, int]]:
    """Per deck: (new cards introduced, review cards answered) on learning day `day`."""
    r, c = review_table.c, card_table.c
    query = (
        select(
            c.deck_id,
            func.sum(case((r.phase_before == int(Phase.NEW), 1), else_=0)).label("new"),
            func.sum(case((r.phase_before == int(Phase.REVIEW), 1), else_=0)).label("review"),
        )
        .select_from(review_table.join(card_table, c.id == r.card_id))
        .where(r.day == day, c.deck_id.in_(deck_ids))
        .group_by(c.deck_id)
    )
    return {row.deck_id: (int(row.new or 0), int(row.review or 0)) for row in conn.execute(query)}


def due_rows(
    conn: Connection, now: datetime, day_end: datetime
) -> list[tuple[int, str, dict[str, Any], int, int, int]]:
    """Per deck: (id, name, settings, learning due today, reviews due today, new cards)."""
    c = card_table.c

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    counts = (
        select(
            c.deck_id,
            count(and_(c.phase.in_([1, 3]), c.due < day_end)).label("learning"),
            count(and_(c.phase == int(Phase.REVIEW), c.due < day_end)).label("review"),
            count(c.phase == int(Phase.NEW)).label("new"),
        )
        .where(_available(now))
        .group_by(c.deck_id)
        .subquery()
    )
    query = (
        select(
            deck_table.c.id,
            deck_table.c.name,
            deck_table.c.settings,
            counts.c.learning,
            counts.c.review,
            counts.c.new,
        )
        .select_from(deck_table.outerjoin(counts, counts.c.deck_id == deck_table.c.id))
        .order_by(deck_table.c.name)
    )
    return [
        (r[0], r[1], r[2] or {}, int(r[3] or 0), int(r[4] or 0), int(r[5] or 0))
        for r in conn.execute(query)
    ]


def load_card(conn: Connection, card_id: int) -> StoredCard | None:
    """One card with everything the review screen shows."""
    c = card_table.c
    row = conn.execute(
        select(card_table, deck_table.c.name.label("deck_name"), deck_table.c.source_path)
        .join(deck_table, deck_table.c.id == c.deck_id)
        .where(c.id == card_id)
    ).first()
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
        state=_state(row),
        suspended=row.suspended,
        leech=row.leech,
        buried_until=row.buried_until,
        retired=row.retired,
    )


def record_answer(
    conn: Connection, card_id: int, decide: Callable[[CardState, bool, bool], Answer]
) -> Recorded:
    """Write one answer in the caller's write transaction.

    The card's current state is read inside the transaction (another process may have answered
    it since it was queued) and handed to `decide`, which returns the answer to store.
    """
    c = card_table.c
    row = conn.execute(
        select(c.version, c.leech, c.suspended, *_STATE_COLUMNS)
        .where(c.id == card_id)
        .with_for_update()
    ).one()
    before = _state(row)
    answer = decide(before, row.leech, row.suspended)
    after = answer.after
    leech = row.leech or answer.leech
    suspended = row.suspended or answer.suspend
    updated = conn.execute(
        card_table.update()
        .where(c.id == card_id, c.version == row.version)
        .values(**state_values(after), leech=leech, suspended=suspended, version=row.version + 1)
    )
    assert updated.rowcount == 1, "card changed under a held write lock"
    interval = (
        (before.due - before.last_review).total_seconds() / 86400
        if before.due is not None and before.last_review is not None
        else None
    )
    elapsed = (
        (after.last_review - before.last_review).total_seconds() / 86400
        if after.last_review is not None and before.last_review is not None
        else None
    )
    flags = {"leech": bool(row.leech), "suspended": bool(row.suspended)}
    inserted = conn.execute(
        review_table.insert().values(
            card_id=card_id,
            reviewed_at=after.last_review,
            day=answer.day,
            first_of_day=answer.first_of_day,
            hour=answer.hour,
            rating=answer.rating,
            suggested_rating=answer.suggested_rating,
            duration_ms=answer.duration_ms,
            correct=answer.correct,
            phase_before=int(before.phase),
            interval_days=interval,
            elapsed_days=elapsed,
            retrievability=answer.retrievability,
            stability_after=after.stability,
            difficulty_after=after.difficulty,
            due_after=after.due,
            parameter_set_id=answer.parameter_set_id,
        )
    )
    review_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
    conn.execute(
        review_state_table.insert().values(
            review_id=review_id, before={**before.to_json(), **flags}, after=after.to_json()
        )
    )
    if answer.chosen:
        conn.execute(
            choice_table.insert(),
            [
                {
                    "review_id": review_id,
                    "card_id": card_id,
                    "day": answer.day,
                    "option_text": text,
                    "correct": ok,
                }
                for text, ok in answer.chosen
            ],
        )
    return Recorded(review_id, card_id, before, after, leech, suspended, flags)


class UndoRefused(Exception):
    """The answer cannot be undone (a later answer of the same card stands on it)."""


def undo_answer(conn: Connection, review_id: int) -> CardState:
    """Remove one answer and restore the card exactly as it was before it; return that state."""
    r = review_table.c
    row = conn.execute(
        select(r.card_id, review_state_table.c.before)
        .join(review_state_table, review_state_table.c.review_id == r.id)
        .where(r.id == review_id)
    ).first()
    if row is None:
        raise UndoRefused("that answer is no longer in the log")
    later = conn.execute(
        select(func.count()).where(r.card_id == row.card_id, r.id > review_id)
    ).scalar_one()
    if later:
        raise UndoRefused("the card was answered again since (perhaps in another window)")
    before = dict(row.before)
    flags = {
        "leech": bool(before.pop("leech", False)),
        "suspended": bool(before.pop("suspended", False)),
    }
    state = CardState.from_json(before)
    conn.execute(choice_table.delete().where(choice_table.c.review_id == review_id))
    conn.execute(review_state_table.delete().where(review_state_table.c.review_id == review_id))
    conn.execute(review_table.delete().where(r.id == review_id))
    conn.execute(
        card_table.update()
        .where(card_table.c.id == row.card_id)
        .values(**state_values(state), **flags, version=card_table.c.version + 1)
    )
    return state


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
        raise UndoRefused("the card was changed since (perhaps in another window)")
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


def next_due(conn: Connection, deck_ids: Sequence[int], now: datetime) -> datetime | None:
    """When the next learning or review card falls due (None if none is scheduled)."""
    c = card_table.c
    return conn.execute(  # type: ignore[no-any-return]
        select(func.min(c.due)).where(
            c.deck_id.in_(deck_ids), _available(now), c.phase != int(Phase.NEW)
        )
    ).scalar()


def due_by(conn: Connection, deck_ids: Sequence[int], moment: datetime) -> int:
    """Cards (not new, not suspended) that will be due before `moment`."""
    c = card_table.c
    return int(
        conn.execute(
            select(func.count()).where(
                c.deck_id.in_(deck_ids),
                c.retired.is_(False),
                c.suspended.is_(False),
                c.phase != int(Phase.NEW),
                c.due < moment,
            )
        ).scalar_one()
    )

"""The SQL behind `tutor check`: SQLite's own checks, orphan rows, review logs, and the repairs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, exists, func, or_, select

from tutor.state import CardState
from tutor.store.choices import ACTIVE_DECK, chose, counted_picks
from tutor.store.queue import card_state as _state
from tutor.store.review_log import due_at
from tutor.store.reviews import _STATE_COLUMNS, state_values
from tutor.store.tables import (
    card_forget_table,
    card_table,
    deck_table,
    option_table,
    parameter_table,
    review_before_table,
    review_table,
    schedule_numbers,
)


def quick_check_file(path: Path) -> list[str]:
    """SQLite's `PRAGMA quick_check` on a file (never created here): [] when it is sound."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)) as raw:
            rows = [str(row[0]) for row in raw.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


@dataclass(frozen=True)
class ForeignKeyViolation:
    """A row whose foreign key points at no row: its table, rowid and the table it refers to."""

    table: str
    rowid: int | None
    parent: str


def foreign_key_violations(conn: Connection) -> list[ForeignKeyViolation]:
    """SQLite's `PRAGMA foreign_key_check` over every table."""
    rows = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    return [ForeignKeyViolation(str(r[0]), r[1], str(r[2])) for r in rows]


@dataclass(frozen=True)
class Answer:
    """One answer of a card's log, as the replay needs it."""

    reviewed_at: datetime
    rating: int
    parameter_set_id: int | None
    due_after: datetime | None
    stability_after: float | None = None
    difficulty_after: float | None = None
    phase_before: int | None = None


@dataclass(frozen=True)
class CardLog:
    """A card's stored scheduling state, its deck, and its answers in order."""

    card_id: int
    deck_id: int
    state: CardState
    answers: list[Answer] = field(default_factory=list)


@dataclass(frozen=True)
class DeckSource:
    """A deck's name, settings, parameter set and the file it was imported from."""

    id: int
    name: str
    source_path: str | None
    settings: dict[str, Any]
    parameter_set_id: int | None


@dataclass(frozen=True)
class Orphans:
    """Rows whose parent row is missing (ids of the orphan rows, with the missing parent's)."""

    states: list[int]  # review ids of review_before rows without their review
    unknown_choices: list[int]  # ids of answers naming a chosen option their card lacks
    reviews: list[tuple[int, int]]  # (review id, card id) of reviews of missing cards
    cards: list[tuple[int, int]]  # (card id, deck id) of cards of missing decks
    parameter_sets: list[tuple[str, int, int]]  # (table, row id, missing parameter set id)


def decks(conn: Connection) -> list[DeckSource]:
    """Every deck with its source file, settings and parameter set id."""
    d = deck_table.c
    query = select(d.id, d.name, d.source_path, d.settings, d.parameter_set_id).order_by(d.name)
    return [
        DeckSource(r.id, r.name, r.source_path, r.settings or {}, r.parameter_set_id)
        for r in conn.execute(query)
    ]


def parameter_sets(conn: Connection) -> dict[int, list[float]]:
    """Every stored FSRS parameter set by id."""
    query = select(parameter_table.c.id, parameter_table.c.parameters)
    return {int(r.id): [float(p) for p in r.parameters] for r in conn.execute(query)}


def card_logs(conn: Connection) -> list[CardLog]:
    """Every card's stored state and review log (answers by time, then id)."""
    c, r = card_table.c, review_table.c
    logs = {
        row.id: CardLog(row.id, row.deck_id, _state(row))
        for row in conn.execute(select(c.id, c.deck_id, *_STATE_COLUMNS).order_by(c.id))
    }
    answers = select(
        r.card_id,
        r.reviewed_at,
        r.rating,
        r.parameter_set_id,
        r.due_in,
        r.stability_after,
        r.difficulty_after,
        r.phase_before,
    ).order_by(r.card_id, r.reviewed_at, r.id)
    forgets = select(card_forget_table.c.card_id, card_forget_table.c.forgotten_at)
    forgotten = {row.card_id: row.forgotten_at for row in conn.execute(forgets)}
    for row in conn.execute(answers):
        log = logs.get(row.card_id)
        if row.card_id in forgotten and row.reviewed_at <= forgotten[row.card_id]:
            continue  # answered before a forget: history, no longer the state's source
        if log is not None:
            log.answers.append(
                Answer(
                    row.reviewed_at,
                    int(row.rating),
                    row.parameter_set_id,
                    due_at(row.reviewed_at, row.due_in),
                    row.stability_after,
                    row.difficulty_after,
                    row.phase_before,
                )
            )
    return list(logs.values())


def _missing(child: Any, parent_column: Any) -> Any:
    return ~exists().where(parent_column == child)


def _unknown_choices(conn: Connection) -> Any:
    """Ids of the answers whose `chosen_numbers` are not each one of their card's options once
    (`tutor.chosen`): the options it names that the card has, against the numbers it holds."""
    r, o = review_table.c, option_table.c
    named = func.length(r.chosen_numbers) - func.length(func.replace(r.chosen_numbers, " ", ""))
    found = select(func.count()).where(o.card_id == r.card_id, chose(conn)).scalar_subquery()
    return select(r.id).where(r.chosen_numbers.is_not(None), found != named + 1).order_by(r.id)


def orphans(conn: Connection) -> Orphans:
    """Rows that point at a row that is not there."""
    r, s, c, d = review_table.c, review_before_table.c, card_table.c, deck_table.c
    p = parameter_table.c
    states = conn.execute(
        select(s.review_id).where(_missing(s.review_id, r.id)).order_by(s.review_id)
    ).scalars()
    unknown = conn.execute(_unknown_choices(conn)).scalars()
    reviews = conn.execute(
        select(r.id, r.card_id).where(_missing(r.card_id, c.id)).order_by(r.id)
    ).all()
    cards = conn.execute(select(c.id, c.deck_id).where(_missing(c.deck_id, d.id)).order_by(c.id))
    missing_sets: list[tuple[str, int, int]] = []
    for table, column in (("deck", deck_table.c), ("review", review_table.c)):
        query = (
            select(column.id, column.parameter_set_id)
            .where(
                and_(
                    column.parameter_set_id.is_not(None),
                    _missing(column.parameter_set_id, p.id),
                )
            )
            .order_by(column.id)
        )
        missing_sets += [(table, int(row[0]), int(row[1])) for row in conn.execute(query)]
    return Orphans(
        states=[int(i) for i in states],
        unknown_choices=[int(i) for i in unknown],
        reviews=[(int(a), int(b)) for a, b in reviews],
        cards=[(int(a), int(b)) for a, b in cards],
        parameter_sets=missing_sets,
    )


def delete_orphan_states(conn: Connection, review_ids: Sequence[int]) -> None:
    """Delete review_before rows (by review id) whose review is gone."""
    for chunk in _chunks(review_ids):
        conn.execute(review_before_table.delete().where(review_before_table.c.review_id.in_(chunk)))


def set_states(conn: Connection, states: Iterable[tuple[int, CardState]]) -> None:
    """Write these cards' scheduling states (a state change: the version counts it)."""
    for card_id, state in states:
        conn.execute(
            card_table.update()
            .where(card_table.c.id == card_id)
            .values(**state_values(state), version=card_table.c.version + 1)
        )


def wrong_schedule_numbers(conn: Connection) -> list[int]:
    """Ids of the cards whose `last_review_us` or `interval_days` is not what their
    `last_review` and `due` give (`tables.schedule_numbers`)."""
    c = card_table.c
    query = select(c.id, c.last_review, c.due, c.last_review_us, c.interval_days).order_by(c.id)
    return [
        int(row.id)
        for row in conn.execute(query)
        if schedule_numbers(row.last_review, row.due)
        != {"last_review_us": row.last_review_us, "interval_days": row.interval_days}
    ]


def set_schedule_numbers(conn: Connection, card_ids: Sequence[int]) -> None:
    """Write these cards' `last_review_us` and `interval_days` again from their times (not a
    state change: the version stays)."""
    c = card_table.c
    for chunk in _chunks(card_ids):
        rows = conn.execute(select(c.id, c.last_review, c.due).where(c.id.in_(chunk))).all()
        for card_id, last_review, due in rows:
            numbers = schedule_numbers(last_review, due)
            conn.execute(card_table.update().where(c.id == card_id).values(**numbers))


def wrong_option_decks(conn: Connection) -> list[int]:
    """Ids of the cards with an option whose `active_deck_id` is not the card's deck (or NULL
    for a retired card: `choices.ACTIVE_DECK`)."""
    o, c = option_table.c, card_table.c
    query = (
        select(c.id)
        .join(option_table, o.card_id == c.id)
        .where(o.active_deck_id.is_distinct_from(ACTIVE_DECK))
        .group_by(c.id)
        .order_by(c.id)
    )
    return [int(card_id) for card_id in conn.scalars(query)]


def wrong_option_picks(conn: Connection) -> list[int]:
    """Ids of the cards with an option whose picks, first or last day picked differ from what
    the answers give (`choices.counted_picks`)."""
    o = option_table.c
    query = (
        select(o.card_id)
        .where(
            or_(
                *(
                    getattr(o, column).is_distinct_from(counted)
                    for column, counted in counted_picks(conn).items()
                )
            )
        )
        .group_by(o.card_id)
        .order_by(o.card_id)
    )
    return [int(card_id) for card_id in conn.scalars(query)]


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])

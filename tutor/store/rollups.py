"""Rollups of the review log: kept with each answer and undo, rebuilt from the log, compared.

`review_rollup` sums the answers per learning day, deck and local hour; `calibration_rollup`
sums calibration's answers per learning day, deck and thousandth of predicted recall;
`guess_rollup` the day's first answers of review cards per learning day, deck and the card's
options and right options (the correction for guessing). What one
answer contributes is written once, as the GROUP BY queries below: the same queries add an
answer, subtract an undone one, move a card's answers to another deck, and rebuild everything.
A card whose options change takes its answers to its new options (`remove_guesses`,
`add_guesses`). Practice answers (custom study, not scheduled) would be left out here, in
`_counted`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Table,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from tutor.state import Phase
from tutor.stats_sql import RIGHT_OPTIONS, RIGHT_OPTIONS_POSTGRESQL
from tutor.store.prepared import Prepared
from tutor.store.tables import (
    calibration_rollup_table,
    card_table,
    guess_rollup_table,
    review_rollup_table,
    review_table,
)

FINE_BINS = 1000  # as tutor.calibration.FINE_BINS: predictions summed in thousandths
MATURE_DAYS = 21  # a review card is mature from an interval of 21 days (tutor.stats)
SUMMARY_COLUMNS = (
    "reviews",
    "passed",
    "milliseconds",
    "correct",
    "new",
    "young",
    "young_passed",
    "mature",
    "mature_passed",
    "review_id_sum",  # lets `tutor check` tell one answer from another
)
CALIBRATION_COLUMNS = ("reviews", "passed", "predicted")
GUESS_COLUMNS = ("reviews", "passed")
_SUMMARY_KEYS = ("day", "deck_id", "hour")
_CALIBRATION_KEYS = ("day", "deck_id", "fine_bin")
_GUESS_KEYS = ("day", "deck_id", "options", "right_options")
_CHUNK = 500


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _counted() -> list[Any]:
    """The answers the rollups sum: every logged answer (practice answers would be left out)."""
    return []


def _named(expressions: Sequence[Any], names: Sequence[str]) -> list[Any]:
    """The expressions labelled as the rollup table's columns, so a query reads like the table."""
    return [e.label(n) for e, n in zip(expressions, names, strict=True)]


def summary_query(*where: Any) -> Any:
    """(day, deck id, hour, *SUMMARY_COLUMNS) of the reviews matching `where`."""
    r, c = review_table.c, card_table.c
    passed = r.rating > 1
    right = case((r.correct.is_(None), passed), else_=r.correct)
    first = and_(r.phase_before == int(Phase.REVIEW), r.first_of_day.is_(True))
    young = and_(first, r.interval_days < MATURE_DAYS)
    mature = and_(first, r.interval_days >= MATURE_DAYS)
    sums = (
        r.day,
        c.deck_id,
        r.hour,
        func.count(),
        _count(passed),
        func.coalesce(func.sum(r.duration_ms), 0),
        _count(right),
        _count(r.phase_before == int(Phase.NEW)),
        _count(young),
        _count(and_(young, passed)),
        _count(mature),
        _count(and_(mature, passed)),
        func.coalesce(func.sum(r.id), 0),
    )
    return (
        select(*_named(sums, (*_SUMMARY_KEYS, *SUMMARY_COLUMNS)))
        .select_from(review_table.join(card_table, c.id == r.card_id))
        .where(*_counted(), *where)
        .group_by(r.day, c.deck_id, r.hour)
    )


def calibration_query(*where: Any) -> Any:
    """(day, deck id, thousandth, *CALIBRATION_COLUMNS) of calibration's answers matching
    `where`: a prediction, on a later learning day (tutor.calibration)."""
    r, c = review_table.c, card_table.c
    fine = cast(r.retrievability * FINE_BINS, Integer)
    sums = (r.day, c.deck_id, fine, func.count(), _count(r.rating > 1), func.sum(r.retrievability))
    return (
        select(*_named(sums, (*_CALIBRATION_KEYS, *CALIBRATION_COLUMNS)))
        .select_from(review_table.join(card_table, c.id == r.card_id))
        .where(*_counted(), r.retrievability.is_not(None), r.first_of_day.is_(True), *where)
        .group_by(r.day, c.deck_id, fine)
    )


class _RightOptions(ColumnElement[int]):
    """A card's right options, counted by the database's JSON functions over its stored options
    (the two shapes `tutor.card_options` keeps), as the statistics' SQL counts them."""

    inherit_cache = True
    _traverse_internals: list[Any] = []  # no parts: SQLAlchemy caches the compiled statement
    type = Integer()


@compiles(_RightOptions)
def _right_options_sqlite(element: _RightOptions, compiler: SQLCompiler, **kw: Any) -> str:
    return RIGHT_OPTIONS.replace("c.options", compiler.process(card_table.c.options, **kw))


@compiles(_RightOptions, "postgresql")
def _right_options_postgresql(element: _RightOptions, compiler: SQLCompiler, **kw: Any) -> str:
    options = compiler.process(card_table.c.options, **kw)
    return RIGHT_OPTIONS_POSTGRESQL.replace("c.options", options)


def guess_query(*where: Any) -> Any:
    """(day, deck id, options, right options, *GUESS_COLUMNS) of the day's first answers of
    review cards matching `where`: the answers the correction for guessing counts
    (`tutor.stats_sql.FIRST_ANSWERS`), by the card's options as they are now."""
    r, c = review_table.c, card_table.c
    choice = c.kind == "choice"
    options = case((choice, func.coalesce(func.json_array_length(c.options), 0)), else_=0)
    right = case((choice, _RightOptions()), else_=0)
    sums = (r.day, c.deck_id, options, right, func.count(), _count(r.rating > 1))
    return (
        select(*_named(sums, (*_GUESS_KEYS, *GUESS_COLUMNS)))
        .select_from(review_table.join(card_table, c.id == r.card_id))
        .where(*_counted(), r.phase_before == int(Phase.REVIEW), r.first_of_day.is_(True), *where)
        .group_by(r.day, c.deck_id, options, right)
    )


_ROLLUPS = (
    (review_rollup_table, summary_query, _SUMMARY_KEYS, SUMMARY_COLUMNS),
    (calibration_rollup_table, calibration_query, _CALIBRATION_KEYS, CALIBRATION_COLUMNS),
    (guess_rollup_table, guess_query, _GUESS_KEYS, GUESS_COLUMNS),
)
VERSION_6 = _ROLLUPS[:2]  # the rollups schema version 6 created
GUESSES = _ROLLUPS[2:]  # the guessing rollup alone (version 10)


@cache
def _upsert(table: Table, dialect_name: str) -> Any:
    """The statement adding a row's sums to the rollup row of its keys (created when missing):
    INSERT ... ON CONFLICT DO UPDATE, which SQLite and PostgreSQL both accept. Built once."""
    return _adding(_insert(table, dialect_name), table)


@cache
def _add_one_review(table: Table, query: Any, dialect_name: str) -> Prepared:
    """INSERT ... SELECT `query` for the review bound as `review_id`, added to the row of its
    keys as `_upsert` adds: one statement a rollup at each answer, not a read and a write."""
    sums = _one_review(query)
    names = [column.name for column in sums.selected_columns]
    return Prepared(_adding(_insert(table, dialect_name).from_select(names, sums), table))


def _insert(table: Table, dialect_name: str) -> Any:
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def _adding(statement: Any, table: Table) -> Any:
    """`statement` made to add its sums to the existing row of the same keys."""
    keys = [column.name for column in table.primary_key]
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={
            column.name: column + statement.excluded[column.name]
            for column in table.c
            if column.name not in keys
        },
    )


@cache
def _one_review(query: Any) -> Any:
    """`query` for the review whose id is bound as `review_id`: built once, run at each answer."""
    return query(review_table.c.id == bindparam("review_id"))


@cache
def _empty_rows(table: Table) -> Any:
    """Deletes the rows of the bound `days` that count no answer any more."""
    days = table.c.day.in_(bindparam("days", expanding=True))
    return delete(table).where(days, table.c.reviews == 0)


def _apply(
    conn: Connection,
    sign: int,
    *where: Any,
    review_id: int | None = None,
    kept: Sequence[Any] = _ROLLUPS,
) -> None:
    """Add (sign 1) or subtract (sign -1) the reviews matching `where`, or the one review
    `review_id`, from the rollups `kept` (all of them unless told)."""
    for table, query, keys, columns in kept:
        if review_id is not None and sign > 0:
            statement = _add_one_review(table, query, conn.dialect.name)
            statement.run(conn, {"review_id": review_id}).close()
            continue
        if review_id is not None:
            found = conn.execute(_one_review(query), {"review_id": review_id}).all()
        else:
            found = conn.execute(query(*where)).all()
        if not found:
            continue
        rows = [
            {
                **dict(zip(keys, row[: len(keys)], strict=True)),
                **{
                    name: sign * value
                    for name, value in zip(columns, row[len(keys) :], strict=True)
                },
            }
            for row in found
        ]
        conn.execute(_upsert(table, conn.dialect.name), rows)
        if sign < 0:
            conn.execute(_empty_rows(table), {"days": sorted({row["day"] for row in rows})})


def add_review(conn: Connection, review_id: int) -> None:
    """Count one logged answer, in the transaction that wrote it."""
    _apply(conn, 1, review_id=review_id)


def remove_review(conn: Connection, review_id: int) -> None:
    """Take back one answer about to be deleted (an undo), in the transaction that deletes it."""
    _apply(conn, -1, review_id=review_id)


def remove_cards(conn: Connection, card_ids: Sequence[int]) -> None:
    """Take back every answer of these cards (before they move to another deck)."""
    for start in range(0, len(card_ids), _CHUNK):
        _apply(conn, -1, review_table.c.card_id.in_(list(card_ids[start : start + _CHUNK])))


def add_cards(conn: Connection, card_ids: Sequence[int]) -> None:
    """Count every answer of these cards again (after they moved to another deck)."""
    for start in range(0, len(card_ids), _CHUNK):
        _apply(conn, 1, review_table.c.card_id.in_(list(card_ids[start : start + _CHUNK])))


def remove_guesses(conn: Connection, card_ids: Sequence[int]) -> None:
    """Take back the guessing rollup's answers of these cards (before their options change)."""
    for start in range(0, len(card_ids), _CHUNK):
        chunk = list(card_ids[start : start + _CHUNK])
        _apply(conn, -1, review_table.c.card_id.in_(chunk), kept=GUESSES)


def add_guesses(conn: Connection, card_ids: Sequence[int]) -> None:
    """Count these cards' answers again by their new options (after their options changed)."""
    for start in range(0, len(card_ids), _CHUNK):
        chunk = list(card_ids[start : start + _CHUNK])
        _apply(conn, 1, review_table.c.card_id.in_(chunk), kept=GUESSES)


def rebuild(conn: Connection, kept: Sequence[Any] = _ROLLUPS) -> None:
    """Replace the rollups (all unless told) by the sums of the whole log (after a migration or
    a bulk write)."""
    for table, query, keys, columns in kept:
        conn.execute(delete(table))
        conn.execute(table.insert().from_select([*keys, *columns], query()))


def in_step(conn: Connection) -> bool:
    """True if the rollups count as many answers as the log holds.

    Answers written around `add_review` (a bulk insert, an older tool) make it False, and the
    statistics then read the log itself. Counting the log reads its smallest index; `tutor check`
    compares every rollup row with a rebuild.
    """
    from tutor.stats_sql import LOGGED_ANSWERS, ROLLED_ANSWERS  # the stdlib reader asks the same

    rolled = conn.execute(text(ROLLED_ANSWERS))
    logged = conn.execute(text(LOGGED_ANSWERS))
    return int(rolled.scalar_one()) == int(logged.scalar_one())


def _rows(conn: Connection, query: Any, keys: int) -> dict[tuple[int, ...], tuple[Any, ...]]:
    return {tuple(int(k) for k in row[:keys]): tuple(row[keys:]) for row in conn.execute(query)}


def _same(stored: Iterable[Any], rebuilt: Iterable[Any]) -> bool:
    return all(
        math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
        for a, b in zip(stored, rebuilt, strict=True)
    )


def differences(conn: Connection) -> list[str]:
    """The rollup rows that differ from a rebuild from the log ("review_rollup day/deck/hour"),
    sums of predictions compared to float rounding."""
    found: list[str] = []
    for table, query, keys, columns in _ROLLUPS:
        stored = _rows(conn, select(*(table.c[k] for k in (*keys, *columns))), len(keys))
        rebuilt = _rows(conn, query(), len(keys))
        zero = (0,) * len(columns)
        for key in sorted(stored.keys() | rebuilt.keys()):
            if not _same(stored.get(key, zero), rebuilt.get(key, zero)):
                found.append(f"{table.name} {'/'.join(map(str, key))}")
    return found

"""SQL aggregates for the statistics: every number comes from GROUP BY, never from row objects.

The queries are SQLAlchemy Core expressions that SQLite and PostgreSQL both accept; "a day" is
the learning day stored with each review (its `day` column), so no date arithmetic runs in SQL.
The day-by-hour sums and calibration's bins are read from the rollups (tutor.store.rollups) when
these hold every logged answer, and from the log itself otherwise.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql import column as sql_column

from tutor.queue_sql import for_postgresql
from tutor.state import Phase
from tutor.store import rollups
from tutor.store.tables import (
    SQLITE_FORMAT,
    calibration_rollup_table,
    card_table,
    choice_table,
    deck_table,
    option_table,
    review_rollup_table,
    review_table,
)

PASS = review_table.c.rating > 1


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _since(first_day: int | None) -> list[Any]:
    """The filter for reviews on or after `first_day` (none for all time).

    Written as `day + 0` so that SQLite scans the narrow review table in order instead of
    jumping through the day index for nearly every row (3-4x faster over a year of reviews).
    """
    if first_day is None:
        return []
    return [review_table.c.day + 0 >= first_day]


def _in_decks(deck_ids: Sequence[int] | None, cards: Any = None) -> Any:
    """Cards of the decks (None: all) and, given `cards` (a `cards_selected`), among those."""
    decks: Any = card_table.c.deck_id.in_(deck_ids) if deck_ids is not None else True
    return decks if cards is None else and_(decks, card_table.c.id.in_(cards))


def cards_selected(conn: Connection, select_ids: str, values: dict[str, Any]) -> Any:
    """A SELECT of card ids written as SQL text (`SELECT c.id FROM card c WHERE ...`, as
    `tutor.card_search` compiles a query, values bound by name) for the functions' `cards`."""
    if conn.dialect.name == "postgresql":
        select_ids = for_postgresql(select_ids)
    used = {k: v for k, v in values.items() if f":{k}" in select_ids}
    return text(select_ids).bindparams(**used).columns(sql_column("id", Integer))


def deck_ids(conn: Connection, name: str) -> list[int]:
    """The ids of a deck and its sub-decks, by the one rule for deck names (`tutor.queue`)."""
    from tutor.store.decks import deck_ids as selected

    return selected(conn, name)


SUMMARY_COLUMNS = tuple(n for n in rollups.SUMMARY_COLUMNS if n != "review_id_sum")


def summary_by_day(
    conn: Connection, deck_ids: Sequence[int] | None, cards: Any = None
) -> list[tuple[int, dict[str, int]]]:
    """(learning day, sums) over the whole review log, in day order.

    The sums (SUMMARY_COLUMNS): answers, passes, milliseconds, right answers (a right choice, or a
    pass on a recall card), new cards, and the day's first answers of young (interval under 21
    days) and mature review cards with their passes. Today, true retention and the calendar are
    sums of these rows. Read from the rollups, or, when they do not count every answer or the
    statistics cover some `cards` (a tag), from the rollups' own query over the log (one
    definition of what an answer adds).
    """
    return [
        (int(row[0]), dict(zip(SUMMARY_COLUMNS, map(int, row[1:]), strict=True)))
        for row in _summary(conn, "day", None, deck_ids, cards)
    ]


def summary_by_hour(
    conn: Connection, first_day: int | None, deck_ids: Sequence[int] | None, cards: Any = None
) -> list[tuple[int, dict[str, int]]]:
    """(local hour, sums) over the answers on or after `first_day` (None: all), in hour order."""
    return [
        (int(row[0]), dict(zip(SUMMARY_COLUMNS, map(int, row[1:]), strict=True)))
        for row in _summary(conn, "hour", first_day, deck_ids, cards)
    ]


def _summary(
    conn: Connection, by: str, first_day: int | None, deck_ids: Sequence[int] | None, cards: Any
) -> list[Any]:
    u = _summed(conn, review_rollup_table, rollups.summary_query, cards)
    where = [u.deck_id.in_(deck_ids)] if deck_ids is not None else []
    if first_day is not None:
        where.append(u.day >= first_day)
    return list(
        conn.execute(
            select(u[by], *(func.sum(u[name]) for name in SUMMARY_COLUMNS))
            .where(*where)
            .group_by(u[by])
            .order_by(u[by])
        ).all()
    )


def _summed(conn: Connection, table: Any, query: Any, cards: Any = None) -> Any:
    """The columns of a rollup table, or of its query over the log when the rollups are not in
    step with it (a log written around `record_answer`) or only some `cards` count."""
    if cards is not None:
        return query(review_table.c.card_id.in_(cards)).subquery().c
    return table.c if _in_step(conn) else query().subquery().c


def _in_step(conn: Connection) -> bool:
    """`rollups.in_step`, asked once per transaction (the statistics read both rollups)."""
    transaction = conn.get_transaction()
    if transaction is None:
        return rollups.in_step(conn)
    asked = conn.info.get("tutor_rollups_in_step")
    if asked is None or asked[0] is not transaction:
        asked = (transaction, rollups.in_step(conn))
        conn.info["tutor_rollups_in_step"] = asked
    return bool(asked[1])


def forecast(
    conn: Connection,
    bounds: Sequence[datetime],
    now: datetime,
    deck_ids: Sequence[int] | None,
    cards: Any = None,
) -> list[int]:
    """Cards (learning or review, not suspended, not buried at `now`) due before each bound:
    cumulative counts (`bounds` in order). Buried cards are never due (as in
    `tutor.queue_sql.AVAILABLE`). The due times before the last bound are read and counted
    below each bound by bisection: 5x faster than one SQL sum per bound."""
    c = card_table.c
    rows = conn.execute(
        select(c.due).where(
            c.retired.is_(False),
            c.suspended.is_(False),
            or_(c.buried_until.is_(None), c.buried_until <= now),
            c.phase != int(Phase.NEW),
            _in_decks(deck_ids, cards),
            c.due < bounds[-1],
        )
    )
    due = sorted(row[0] for row in rows)
    return [bisect_left(due, bound) for bound in bounds]


def card_counts(
    conn: Connection, deck_ids: Sequence[int] | None, cards: Any = None
) -> dict[str, int]:
    """New, learning, review, suspended and retired cards."""
    c = card_table.c
    active = c.retired.is_(False)
    row = conn.execute(
        select(
            _count(and_(active, c.phase == int(Phase.NEW), c.suspended.is_(False))),
            _count(and_(active, c.phase.in_([1, 3]), c.suspended.is_(False))),
            _count(and_(active, c.phase == int(Phase.REVIEW), c.suspended.is_(False))),
            _count(and_(active, c.suspended.is_(True))),
            _count(c.retired.is_(True)),
        ).where(_in_decks(deck_ids, cards))
    ).one()
    keys = ("new", "learning", "review", "suspended", "retired")
    return {k: int(v) for k, v in zip(keys, row, strict=True)}


ScheduledCard = tuple[
    int, int, int, float | None, float | None, datetime | None, datetime | None, int
]


def scheduled_cards(conn: Connection, deck_ids: Sequence[int] | None) -> list[ScheduledCard]:
    """(id, deck id, phase, stability, difficulty, due, last review, lapses) of every scheduled
    card (active, not suspended, not new): the inputs of the per-card distributions."""
    c = card_table.c
    columns = (c.id, c.deck_id, c.phase, c.stability, c.difficulty, c.due, c.last_review, c.lapses)
    query = select(*columns).where(
        c.retired.is_(False),
        c.suspended.is_(False),
        c.phase != int(Phase.NEW),
        _in_decks(deck_ids),
    )
    return [tuple(row) for row in conn.execute(query)]  # type: ignore[misc]


def calibration(
    conn: Connection, first_day: int | None, deck_ids: Sequence[int] | None, cards: Any = None
) -> list[tuple[int, int, int, float]]:
    """(thousandth of predicted recall, reviews, passes, sum of predictions) over the answers
    that count for calibration (tutor.calibration): a prediction, on a later learning day."""
    u = _summed(conn, calibration_rollup_table, rollups.calibration_query, cards)
    where = [u.deck_id.in_(deck_ids)] if deck_ids is not None else []
    if first_day is not None:
        where.append(u.day >= first_day)
    rolled = conn.execute(
        select(u.fine_bin, func.sum(u.reviews), func.sum(u.passed), func.sum(u.predicted))
        .where(*where)
        .group_by(u.fine_bin)
        .order_by(u.fine_bin)
    )
    return [(int(b), int(n), int(p), float(s)) for b, n, p, s in rolled]


def tempting_distractors(
    conn: Connection,
    first_day: int | None,
    deck_ids: Sequence[int] | None,
    limit: int,
    cards: Any = None,
) -> list[tuple[int, str, str, int, int]]:
    """(card id, question, wrong option, times picked, answers of that card) for the wrong
    options picked most often."""
    ch, o, r, c = choice_table.c, option_table.c, review_table.c, card_table.c
    since = [ch.day + 0 >= first_day] if first_day is not None else []
    # each wrong option's picks are a range of review_choice's key: counted there; the question
    # is read afterwards for the few picked (no sort of long texts)
    picked = (
        select(func.count())
        .where(ch.card_id == o.card_id, ch.option_number == o.number, *since)
        .scalar_subquery()
        .label("picked")
    )
    picks = conn.execute(
        select(o.card_id, o.text, picked)
        .select_from(option_table.join(card_table, c.id == o.card_id))
        .where(o.correct.is_(False), c.retired.is_(False), _in_decks(deck_ids, cards), picked > 0)
        .order_by(picked.desc(), o.card_id, o.text)
        .limit(limit)
    ).all()
    picked_cards = sorted({int(row[0]) for row in picks})
    question: dict[int, str] = dict(
        conn.execute(select(c.id, c.question).where(c.id.in_(picked_cards))).all()  # type: ignore[arg-type]
    )
    answers: dict[int, int] = dict(
        conn.execute(  # type: ignore[arg-type]
            select(r.card_id, func.count())
            .where(r.card_id.in_(picked_cards), r.correct.is_not(None), *_since(first_day))
            .group_by(r.card_id)
        ).all()
    )
    return [(int(i), question[i], o, int(p), int(answers.get(i, 0))) for i, o, p in picks]


def questions(conn: Connection, card_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Question and deck name of the given cards."""
    if not card_ids:
        return {}
    rows = conn.execute(
        select(card_table.c.id, card_table.c.question, deck_table.c.name)
        .join(deck_table, deck_table.c.id == card_table.c.deck_id)
        .where(card_table.c.id.in_(list(card_ids)))
    )
    return {int(i): (q, d) for i, q, d in rows}


def first_answers_by_card(
    conn: Connection, first_day: int | None, deck_ids: Sequence[int] | None, cards: Any = None
) -> list[tuple[str, int, int, int, int]]:
    """(card kind, options, right options, answers, passes) of each card, over the answers true
    retention counts (the day's first answer of a review card), for the correction for guessing.
    The options are counted in SQL: their text never comes to Python."""
    r, c = review_table.c, card_table.c
    first = and_(r.phase_before == int(Phase.REVIEW), r.first_of_day.is_(True))
    # the log summed per card first, then each card's options counted once
    per_card = (
        select(r.card_id, func.count().label("n"), _count(PASS).label("passed"))
        .where(first, *_since(first_day))
        .group_by(r.card_id)
        .subquery()
    )
    rows = conn.execute(
        select(c.kind, *_option_counts(conn), per_card.c.n, per_card.c.passed)
        .select_from(per_card.join(card_table, c.id == per_card.c.card_id))
        .where(_in_decks(deck_ids, cards))
        .order_by(per_card.c.card_id)
    )
    return [
        (str(kind), int(n or 0), int(right or 0), int(a), int(p)) for kind, n, right, a, p in rows
    ]


def _option_counts(conn: Connection) -> tuple[Any, Any]:
    """A card's options and its right options, counted in the database's JSON functions."""
    if _sqlite(conn):
        each = "json_each(card.options) WHERE json_extract(json_each.value, '$.correct')"
    else:
        each = "json_array_elements(card.options) AS o WHERE (o ->> 'correct')::boolean"
    options = func.coalesce(func.json_array_length(card_table.c.options), 0)
    return options, literal_column(f"(SELECT count(*) FROM {each})")


@dataclass(frozen=True)
class CardBins:
    """The per-card distributions of one set of scheduled cards, counted in SQL.

    Each `*_at_least` list counts the cards whose value reaches each inner edge, in the edges'
    order; `*_total` counts the cards that have the value at all. `recall_sum` is the sum of
    today's predicted recall; `hardest` and `lowest` are (card id, lapses, recall) rows.
    """

    intervals_total: int
    intervals_at_least: list[int]
    young: int
    stability_total: int
    stability_at_least: list[int]
    difficulty_total: int
    difficulty_at_least: list[int]
    recall_total: int
    recall_at_least: list[int]
    recall_sum: float
    hardest: list[tuple[int, int, float | None]]
    lowest: list[tuple[int, int, float | None]]


def card_bins(
    conn: Connection,
    deck_ids: Sequence[int] | None,
    curve_decks: Sequence[int] | None,
    curve: tuple[float, float],
    now: datetime,
    edges: tuple[Sequence[float], Sequence[float], Sequence[float]],
    top: int,
    cards: Any = None,
) -> CardBins:
    """The distributions of the scheduled cards (active, not suspended, not new) of the decks
    `curve_decks` (one forgetting curve: factor, decay; None: every deck has it), in one scan
    and two top-N reads.

    Predicted recall is computed in SQL exactly as `tutor.queue.recall` computes it in Python
    (whole days elapsed, the same float operations and C `pow`); `edges` are the inner edges of
    the interval-and-stability, difficulty and recall histograms.
    """
    _ensure_power(conn)
    c = card_table.c
    _check_times(conn, (c.due, c.last_review))
    day_edges, difficulty_edges, recall_edges = edges
    factor, decay = curve
    larger = func.max if _sqlite(conn) else func.greatest  # SQLite's two-argument max()
    elapsed = larger(0, _whole_days(conn, now, c.last_review))
    recall = case(
        (
            and_(c.stability.is_not(None), c.stability != 0, c.last_review.is_not(None)),
            func.power(1 + literal(factor) * elapsed / c.stability, literal(decay)),
        ),
        else_=None,
    ).label("recall")
    reviewed = and_(c.phase == int(Phase.REVIEW), c.due.is_not(None), c.last_review.is_not(None))
    interval_days = _whole_days(conn, c.due, c.last_review)
    scheduled = (
        c.retired.is_(False),
        c.suspended.is_(False),
        c.phase != int(Phase.NEW),
        _in_decks(deck_ids, cards),
        _in_decks(curve_decks),
    )
    per_card = select(
        c.id,
        c.lapses,
        c.stability,
        c.difficulty,
        reviewed.label("reviewed"),
        interval_days.label("interval_days"),
        recall,
    ).where(*scheduled)
    # materialized: each card's recall and interval computed once, not once per sum using it
    k = per_card.cte("scheduled").prefix_with("MATERIALIZED").c
    has_interval = k.reviewed.is_(True)
    sums = conn.execute(
        select(
            _count(has_interval),
            *(_count(and_(has_interval, k.interval_days >= edge)) for edge in day_edges),
            _count(and_(has_interval, k.interval_days < 21)),
            _count(k.stability.is_not(None)),
            *(_count(k.stability >= edge) for edge in day_edges),
            _count(k.difficulty.is_not(None)),
            *(_count(k.difficulty >= edge) for edge in difficulty_edges),
            _count(k.recall.is_not(None)),
            *(_count(k.recall >= edge) for edge in recall_edges),
            func.coalesce(func.sum(k.recall), 0.0),
        )
    ).one()
    values = list(sums)
    taken = 0

    def take(n: int) -> list[Any]:
        nonlocal taken
        part = values[taken : taken + n]
        taken += n
        return part

    (intervals_total,) = take(1)
    intervals_at_least = take(len(day_edges))
    young, stability_total = take(2)
    stability_at_least = take(len(day_edges))
    (difficulty_total,) = take(1)
    difficulty_at_least = take(len(difficulty_edges))
    (recall_total,) = take(1)
    recall_at_least = take(len(recall_edges))
    (recall_sum,) = take(1)
    k = per_card.subquery().c
    row = (k.id, k.lapses, k.recall)
    hardest = conn.execute(
        select(*row)
        .where(k.lapses > 0)
        .order_by(k.lapses.desc(), func.coalesce(k.recall, 0), k.id)
        .limit(top)
    ).all()
    lowest = conn.execute(
        select(*row).where(k.recall.is_not(None)).order_by(k.recall, k.id).limit(top)
    ).all()
    return CardBins(
        int(intervals_total),
        [int(v) for v in intervals_at_least],
        int(young),
        int(stability_total),
        [int(v) for v in stability_at_least],
        int(difficulty_total),
        [int(v) for v in difficulty_at_least],
        int(recall_total),
        [int(v) for v in recall_at_least],
        float(recall_sum),
        [(int(i), int(n), None if r is None else float(r)) for i, n, r in hardest],
        [(int(i), int(n), float(r)) for i, n, r in lowest],
    )


def _whole_days(conn: Connection, later: Any, earlier: Any) -> Any:
    """Whole days from `earlier` to `later`, rounded down as `timedelta.days` is: exact to the
    microsecond (on SQLite: the date parts' day difference, less one if `later`'s time of day
    comes before `earlier`'s in the fixed-width text)."""
    if isinstance(later, datetime):
        later = (
            literal(later.astimezone(UTC).strftime(SQLITE_FORMAT))
            if _sqlite(conn)
            else (literal(later))
        )
    if not _sqlite(conn):
        return func.floor(func.extract("epoch", later - earlier) / 86400)
    dates = func.julianday(func.substr(later, 1, 10)) - func.julianday(func.substr(earlier, 1, 10))
    return cast(dates, Integer) - case(
        (func.substr(later, 12) < func.substr(earlier, 12), 1), else_=0
    )


TIME_TEXT = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*"


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

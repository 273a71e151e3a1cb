"""The fit's read and pass over card ranges (tutor/store/answer_log.py, log_pass.py) against
the one-statement read and the plain pass they replace."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.learner import simulate
from tutor import fitting, optimize
from tutor.errors import OutOfOrderError
from tutor.store import answer_log, log_pass
from tutor.store import fitting as store
from tutor.store.db import Database, sqlite_path

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
DAY = 86_400_000_000


def reference(db: Database, deck_ids: list[int] | None) -> fitting.PreparedLog:
    """What the fit prepared before the ranged read: one statement, then one pass."""
    with db.read() as conn:
        return fitting.prepare(store.answer_rows(conn, deck_ids))


def same(got: fitting.PreparedLog, expected: fitting.PreparedLog) -> bool:
    return (
        [repr(i) for i in got.items] == [repr(i) for i in expected.items]
        and [list(field) for field in fields(got)] == [list(field) for field in fields(expected)]
        and same_held_out(got.held_out(), expected.held_out())
    )


def fields(log: fitting.PreparedLog) -> list[Sequence[object]]:
    return [
        [repr(r) for r in log.reviews],
        log.item_starts,
        log.item_ends,
        log.item_times,
        log.later_day_times,
        log.keys,
        log.cards,
        log.counts,
        log.later_day_positions,
    ]


def same_held_out(got: list[fitting.HeldOutCard], expected: list[fitting.HeldOutCard]) -> bool:
    def shown(cards: list[fitting.HeldOutCard]) -> list[tuple[object, ...]]:
        return [(c.card_id, repr(c.item), c.answers) for c in cards]

    return shown(got) == shown(expected)


def build(db: Database) -> dict[str, int]:
    """Two decks' simulated years, then: a card whose first answer by id is its latest (a
    history imported after later answers), another's first two answers at one microsecond with
    the later id rated lower, and a card answered once. Returns the deck ids by name."""
    simulate(db, NOW, cards=40, deck="Alpha", seed=3)
    simulate(db, NOW, cards=40, deck="Beta", seed=4)
    with db.write() as conn:
        decks = {n: i for i, n in conn.execute(text("SELECT id, name FROM deck"))}
        cards = [c for (c,) in conn.execute(text("SELECT id FROM card ORDER BY id"))]
        answers = "SELECT id, reviewed_at, day FROM review WHERE card_id = :c ORDER BY id"
        [(moved, _at, _day), *_] = conn.execute(text(answers), {"c": cards[3]})
        conn.execute(
            text(
                f"UPDATE review SET reviewed_at = reviewed_at + {400 * DAY}, day = day + 400 "
                "WHERE id = :i"
            ),
            {"i": moved},
        )
        [(tied, at, day), (tying, _at, _day), *_] = conn.execute(text(answers), {"c": cards[45]})
        conn.execute(text("UPDATE review SET rating = 3 WHERE id = :i"), {"i": tied})
        conn.execute(
            text("UPDATE review SET reviewed_at = :at, day = :day, rating = 1 WHERE id = :i"),
            {"at": at, "day": day, "i": tying},
        )
        conn.execute(
            text(
                "DELETE FROM review WHERE card_id = :c AND id > "
                "(SELECT min(id) FROM review WHERE card_id = :c)"
            ),
            {"c": cards[7]},
        )
    return decks


@pytest.mark.parametrize("cards_per_range", [1, 7, log_pass.CARDS_PER_RANGE])
def test_the_ranged_read_prepares_exactly_what_the_one_statement_read_and_plain_pass_did(
    db: Database, cards_per_range: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By id and then again by time, every deck filter, one range or many (with the thread)."""
    monkeypatch.setattr(log_pass, "CARDS_PER_RANGE", cards_per_range)
    decks = build(db)
    for deck_ids in [None, [decks["Alpha"]], [decks["Beta"]], list(decks.values()), []]:
        expected = reference(db, deck_ids)
        prepared = optimize.read_and_prepare(db, deck_ids)
        assert same(prepared, expected)
        with db.read() as conn:
            rows = store.answer_rows(conn, deck_ids)
        assert len(prepared.reviews) == len(rows)
        cut = rows[len(rows) // 2][1] if rows else 0
        assert same_held_out(prepared.held_out(cut), fitting.held_out(rows, cut))
        if deck_ids != []:
            assert len(prepared.item_times) > 100 and len(prepared.later_day_times) > 100
            # sub-day gaps: answers within 24 hours of their card's previous one make no item
            assert len(prepared.item_times) < len(rows) - len({r[0] for r in rows})
    # the card whose ids go back in time: read by id, the pass refuses it; read again by time
    path = sqlite_path(db.url)
    if path is not None:
        with pytest.raises(OutOfOrderError):
            answer_log.read_log(path, None, cards_per_range=cards_per_range)


def test_the_rows_pass_refuses_rows_out_of_order() -> None:
    log = log_pass.LogArrays()
    with pytest.raises(OutOfOrderError, match="go back in time"):
        log.add_rows([(1, 0, 3, 0), (2, 5 * DAY, 3, 5), (2, 4 * DAY, 3, 4)])
    with pytest.raises(OutOfOrderError, match="card 1 after card 2"):
        log_pass.LogArrays().add_rows([(1, 0, 3, 0), (2, DAY, 3, 1), (1, 2 * DAY, 3, 2)])
    tie = log_pass.LogArrays()
    tie.add_rows([(1, DAY, 3, 1), (1, DAY, 1, 1), (1, 3 * DAY, 3, 3)])
    assert tie.item_times == [3 * DAY] and tie.later_times == [3 * DAY]
    assert tie.keys == [3, 1, 2 * 8 + 3]


def test_an_unchanged_log_is_read_once_by_id(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    simulate(db, NOW, cards=30, deck="Alpha")
    reads: list[bool] = []
    read_log = answer_log.read_log

    def recorded(*args: Any, **kwargs: Any) -> log_pass.LogArrays:
        reads.append(kwargs.get("by_time", False))
        return read_log(*args, **kwargs)

    monkeypatch.setattr(answer_log, "read_log", recorded)
    assert same(optimize.read_and_prepare(db, None), reference(db, None))
    assert reads == ([False] if sqlite_path(db.url) is not None else [])


def test_the_range_statements_walk_the_card_index_and_sort_no_more_than_a_card(
    db_path: Path,
) -> None:
    from tutor.store.db import open_database

    open_database(f"sqlite:///{db_path}").close()
    raw = sqlite3.connect(db_path)
    try:
        for deck_ids in [None, [1, 2]]:
            for sql, expected in [
                (log_pass.range_sql(deck_ids), "SEARCH r USING INDEX ix_review_card"),
                (log_pass.counts_sql(deck_ids), "SEARCH r USING COVERING INDEX ix_review_card"),
                (
                    log_pass.range_sql(deck_ids, by_time=True),
                    "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY",  # each card's answers alone
                ),
            ]:
                plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", (1, 9))]
                assert any(step.startswith(expected) for step in plan), plan
                assert "USE TEMP B-TREE FOR ORDER BY" not in plan  # never the whole range
                assert not any(step.startswith("SCAN r") for step in plan)
    finally:
        raw.close()


def test_the_pass_refuses_rows_out_of_order() -> None:
    with pytest.raises(OutOfOrderError, match="card 2's answers go back in time"):
        fitting.prepare([(1, 0, 3, 0), (2, 5 * DAY, 3, 5), (2, 4 * DAY, 3, 4)])
    with pytest.raises(OutOfOrderError, match="card 1 after card 2"):
        fitting.prepare([(1, 0, 3, 0), (2, DAY, 3, 1), (1, 2 * DAY, 3, 2)])
    tie = fitting.prepare([(1, DAY, 3, 1), (1, DAY, 1, 1), (1, 3 * DAY, 3, 3)])
    assert tie.item_times == [3 * DAY] and tie.later_day_times == [3 * DAY]


def test_the_reading_thread_ends_when_the_pass_stops_early(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from tutor.store.db import open_database

    db = open_database(f"sqlite:///{db_path}")
    try:
        simulate(db, NOW, cards=30, deck="Alpha")
    finally:
        db.close()

    def failing(_log: log_pass.LogArrays, _texts: log_pass.Texts) -> None:
        raise RuntimeError("the pass failed")

    monkeypatch.setattr(log_pass.LogArrays, "add", failing)
    raw = sqlite3.connect(db_path, check_same_thread=False)
    try:
        with pytest.raises(RuntimeError, match="the pass failed"):
            log_pass.pass_over(raw, 0, 10**9, None, cards_per_range=1)
    finally:
        raw.close()
    assert not [t for t in threading.enumerate() if t.name == "tutor-log-reader"]

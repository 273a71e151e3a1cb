"""The fit's ranged read (tutor/store/answer_log.py) against the one-statement read it replaces."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers.learner import simulate
from tutor import fitting, optimize
from tutor.store import answer_log
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
        and got.item_times == expected.item_times
        and got.later_day_times == expected.later_day_times
    )


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


@pytest.mark.parametrize("cards_per_chunk", [1, 7, answer_log.CARDS_PER_CHUNK])
def test_the_ranged_read_prepares_exactly_what_the_one_statement_read_did(
    db: Database, cards_per_chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answer_log, "CARDS_PER_CHUNK", cards_per_chunk)
    decks = build(db)
    for deck_ids in [None, [decks["Alpha"]], [decks["Beta"]], list(decks.values()), []]:
        expected = reference(db, deck_ids)
        prepared, log = optimize.read_and_prepare(db, deck_ids)
        assert same(prepared, expected)
        with db.read() as conn:
            rows = store.answer_rows(conn, deck_ids)
        assert list(log.read_rows()) == rows and len(log) == len(rows)
        if deck_ids != []:
            assert len(prepared.item_times) > 100 and len(prepared.later_day_times) > 100
            # sub-day gaps: answers within 24 hours of their card's previous one make no item
            assert len(prepared.item_times) < len(rows) - len({r[0] for r in rows})
    # the card whose ids go back in time: read by id, the pass refuses it; read again by time
    if sqlite_path(db.url) is not None:
        with pytest.raises(fitting.OutOfOrder), answer_log.AnswerLog(db, None) as log:
            fitting.prepare(log.rows())


def test_an_unchanged_log_is_read_once_by_id(db: Database) -> None:
    simulate(db, NOW, cards=30, deck="Alpha")
    with answer_log.AnswerLog(db, None) as log:
        prepared = fitting.prepare(log.rows())  # no OutOfOrder: ids follow times
    assert same(prepared, reference(db, None))


def test_the_range_statements_walk_the_card_index_and_sort_no_more_than_a_card(
    db_path: Path,
) -> None:
    from tutor.store.db import open_database

    open_database(f"sqlite:///{db_path}").close()
    raw = sqlite3.connect(db_path)
    try:
        for deck_ids in [None, [1, 2]]:
            for sql, expected in [
                (answer_log.range_sql(deck_ids), "SEARCH r USING INDEX ix_review_card"),
                (answer_log.counts_sql(deck_ids), "SEARCH r USING COVERING INDEX ix_review_card"),
                (
                    answer_log.range_sql(deck_ids, by_time=True),
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
    with pytest.raises(fitting.OutOfOrder, match="card 2's answers go back in time"):
        fitting.prepare([(1, 0, 3, 0), (2, 5 * DAY, 3, 5), (2, 4 * DAY, 3, 4)])
    with pytest.raises(fitting.OutOfOrder, match="card 1 after card 2"):
        fitting.prepare([(1, 0, 3, 0), (2, DAY, 3, 1), (1, 2 * DAY, 3, 2)])
    tie = fitting.prepare([(1, DAY, 3, 1), (1, DAY, 1, 1), (1, 3 * DAY, 3, 3)])
    assert tie.item_times == [3 * DAY] and tie.later_day_times == [3 * DAY]


def test_the_reading_thread_ends_when_the_pass_stops_early(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tutor.store.db import open_database

    monkeypatch.setattr(answer_log, "CARDS_PER_CHUNK", 1)
    db = open_database(f"sqlite:///{db_path}")
    try:
        simulate(db, NOW, cards=30, deck="Alpha")
        with pytest.raises(RuntimeError), answer_log.AnswerLog(db, None) as log:
            next(log.rows())
            raise RuntimeError("the pass failed")
        assert not [t for t in threading.enumerate() if t.name == "tutor-answer-log"]
    finally:
        db.close()

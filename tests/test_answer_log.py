"""The fit's read and pass over card ranges in worker processes (tutor/store/log_pass.py,
parallel_log.py) against the one-statement read and the plain pass they replace."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.learner import simulate
from tutor import fitting, optimize
from tutor.store import fitting as store
from tutor.store import log_pass, parallel_log
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


@pytest.mark.parametrize(("parts", "cards_per_range"), [(1, 1), (2, 7), (3, 2000), (None, 7)])
def test_the_parts_prepare_exactly_what_the_one_statement_read_and_plain_pass_did(
    db: Database,
    parts: int | None,
    cards_per_range: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Worker processes or not, by id and then again by time, every deck filter."""
    monkeypatch.setattr(log_pass, "CARDS_PER_RANGE", cards_per_range)
    monkeypatch.setattr(parallel_log, "WORKER_MIN_ANSWERS", 0)
    if parts is not None:
        monkeypatch.setattr(parallel_log, "idle_parts", lambda: parts)
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
        with pytest.raises(log_pass.OutOfOrderError):
            parallel_log.read_log(path, None, parts=parts or 2)


def test_the_rows_pass_refuses_rows_out_of_order() -> None:
    log = log_pass.LogArrays()
    with pytest.raises(log_pass.OutOfOrderError, match="go back in time"):
        log.add_rows([(1, 0, 3, 0), (2, 5 * DAY, 3, 5), (2, 4 * DAY, 3, 4)])
    with pytest.raises(log_pass.OutOfOrderError, match="card 1 after card 2"):
        log_pass.LogArrays().add_rows([(1, 0, 3, 0), (2, DAY, 3, 1), (1, 2 * DAY, 3, 2)])
    tie = log_pass.LogArrays()
    tie.add_rows([(1, DAY, 3, 1), (1, DAY, 1, 1), (1, 3 * DAY, 3, 3)])
    assert tie.item_times == [3 * DAY] and tie.later_times == [3 * DAY]
    assert tie.keys == [3, 1, 2 * 8 + 3]


def test_a_workers_arrays_come_back_as_they_were_written() -> None:
    log = log_pass.LogArrays()
    log.add_rows([(1, DAY, 3, 1), (1, 3 * DAY, 1, 3), (9, 2**40, 4, 7), (9, 2**41, 2, 9)])
    written: list[bytes] = []
    log.write(written.append)
    again = log_pass.LogArrays.read(b"".join(written))
    assert again.arrays() == log.arrays() and again.keys == [3, 2 * 8 + 1, 4, 12 * 8 + 2]
    with pytest.raises(ValueError, match="cut short"):
        log_pass.LogArrays.read(b"".join(written)[:-8])


def test_workers_take_only_the_cores_the_load_leaves_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel_log, "cores", lambda: 2)
    for load, parts in [(0.0, 2), (1.0, 2), (1.6, 1), (4.5, 1)]:
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert parallel_log.idle_parts() == parts
    monkeypatch.setattr(parallel_log, "cores", lambda: 16)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert parallel_log.idle_parts() == parallel_log.MAX_PARTS


def test_an_unchanged_log_is_read_once_by_id(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    simulate(db, NOW, cards=30, deck="Alpha")
    reads: list[bool] = []
    read_log = parallel_log.read_log

    def recorded(*args: Any, **kwargs: Any) -> log_pass.LogArrays:
        reads.append(kwargs["by_time"])
        return read_log(*args, **kwargs)

    monkeypatch.setattr(parallel_log, "read_log", recorded)
    assert same(optimize.read_and_prepare(db, None), reference(db, None))
    assert reads == ([False] if sqlite_path(db.url) is not None else [])


def test_a_log_written_while_the_parts_are_read_is_read_again_in_one_transaction(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tutor.store.db import open_database

    db = open_database(f"sqlite:///{db_path}")
    try:
        simulate(db, NOW, cards=30, deck="Alpha")
        monkeypatch.setattr(parallel_log, "WORKER_MIN_ANSWERS", 0)
        calls: list[int | None] = []
        pass_over = log_pass.pass_over

        def commit_meanwhile(*args: object, **kwargs: object) -> log_pass.LogArrays:
            calls.append(len(calls))
            if len(calls) == 1:  # another connection changes an answer while the parts are read
                other = sqlite3.connect(db_path)
                other.execute(
                    "UPDATE review SET rating = CASE rating WHEN 1 THEN 3 ELSE 1 END "
                    "WHERE id = (SELECT max(id) FROM review)"
                )
                other.commit()
                other.close()
            return pass_over(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(log_pass, "pass_over", commit_meanwhile)
        monkeypatch.setattr(parallel_log, "idle_parts", lambda: 2)
        prepared = optimize.read_and_prepare(db, None)
        assert len(calls) == 2  # the parts, then the whole log in this process
        assert same(prepared, reference(db, None))  # the log as it is now
    finally:
        db.close()


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
    with pytest.raises(fitting.OutOfOrder, match="card 2's answers go back in time"):
        fitting.prepare([(1, 0, 3, 0), (2, 5 * DAY, 3, 5), (2, 4 * DAY, 3, 4)])
    with pytest.raises(fitting.OutOfOrder, match="card 1 after card 2"):
        fitting.prepare([(1, 0, 3, 0), (2, DAY, 3, 1), (1, 2 * DAY, 3, 2)])
    tie = fitting.prepare([(1, DAY, 3, 1), (1, DAY, 1, 1), (1, 3 * DAY, 3, 3)])
    assert tie.item_times == [3 * DAY] and tie.later_day_times == [3 * DAY]


def children() -> set[int]:
    """This process's living (or unreaped) child processes."""
    found: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as listed:
            found.update(int(pid) for pid in listed.read().split())
    return found


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError, log_pass.OutOfOrderError])
def test_the_workers_are_ended_and_reaped_on_every_way_out(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, stop: type[BaseException]
) -> None:
    from tutor.store.db import open_database

    db = open_database(f"sqlite:///{db_path}")
    try:
        simulate(db, NOW, cards=30, deck="Alpha")
    finally:
        db.close()
    before = children()
    started: list[subprocess.Popen[bytes]] = []
    start = parallel_log._start

    def recorded(*args: object) -> subprocess.Popen[bytes]:
        worker = start(*args)  # type: ignore[arg-type]
        started.append(worker)
        return worker

    def failing(*_args: object, **_kwargs: object) -> log_pass.LogArrays:
        raise stop("stopped while the workers read")

    monkeypatch.setattr(parallel_log, "_start", recorded)
    monkeypatch.setattr(log_pass, "pass_over", failing)
    with pytest.raises(stop):
        parallel_log.read_log(db_path, None, parts=3)
    assert len(started) == 2
    assert all(worker.returncode is not None for worker in started)  # waited for
    assert children() == before  # none left running, none left a zombie


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

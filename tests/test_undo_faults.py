"""Undo under faults (a held write lock, a full disk), and suspend and bury on the undo stack."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, WriteDeck
from tutor.config import DeckSettings, Settings
from tutor.errors import StoreError
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store import db as store_db
from tutor.store.db import Database, open_database

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FULL_DISK_WORKER = [sys.executable, "-m", "tests.helpers.undo_full_disk"]
TABLES = ("card", "review", "review_before", "card_option")


def recall_deck(n: int) -> str:
    return "# Recall\n\n" + "".join(f"## Card {i}\n\nAnswer {i}.\n\n" for i in range(n))


def choice_deck(n: int) -> str:
    return "# Choice\n\n" + "".join(
        f"## Question {i}?\n\n- [x] right {i}\n- [ ] wrong {i}\n\n" for i in range(n)
    )


def settings() -> Settings:
    return Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))


def rows(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an answer or an undo writes, read with a separate connection."""
    with sqlite3.connect(db_path) as raw:
        return {t: raw.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}


def session_state(session: ReviewSession) -> tuple[Any, ...]:
    """Everything a learner could notice of a session: card on screen, stack, counts, timings."""
    return (
        session.current,
        session.verdict,
        [(d.recorded.review_id, d.verdict, d.grade) for d in session.done],
        session.undo_target,
        session.remaining(),
        list(session._again),
        sorted(session._learning),
        list(session._reviews),
        list(session._new),
        list(session._timings),
    )


def answer(session: ReviewSession, correct: bool = True) -> int:
    """Answer the card on screen (option 0 is the right one) and return the review id."""
    shown = session.current or session.next_card()
    assert shown is not None
    session.grade([0] if correct else [1], 4000)
    recorded = session.answer(Grade.GOOD if correct else Grade.AGAIN)
    return recorded.review_id


def review_ids(db_path: Path) -> list[int]:
    return [row[0] for row in rows(db_path)["review"]]


@pytest.fixture
def quick_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 50 ms busy timeout instead of 10 s: a held lock fails the write at once."""
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 50)


@pytest.fixture
def collection(db_path: Path, write_deck: WriteDeck, quick_busy: None) -> Iterator[Database]:
    database = open_database(f"sqlite:///{db_path}")
    import_paths(database, [write_deck("c.md", choice_deck(6))], START)
    yield database
    database.close()


@pytest.fixture
def other_writer(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's connection: `BEGIN IMMEDIATE` on it holds the write lock."""
    other = sqlite3.connect(db_path, isolation_level=None)
    yield other
    if other.in_transaction:
        other.rollback()
    other.close()


def test_undo_under_a_held_write_lock_changes_nothing_then_undoes_the_last_answer(
    collection: Database, db_path: Path, other_writer: sqlite3.Connection
) -> None:
    session = ReviewSession(collection, settings(), clock=lambda: START, sync=False)
    acknowledged = [answer(session, correct=i != 1) for i in range(3)]
    last_card = session.done[-1].recorded.card_id
    session.next_card()
    before_session, before_rows = session_state(session), rows(db_path)
    other_writer.execute("BEGIN IMMEDIATE")
    for _ in range(2):  # the second try used to undo the session's first answer
        with pytest.raises(StoreError, match="busy"):
            session.undo()
        assert session_state(session) == before_session
        assert rows(db_path) == before_rows
    other_writer.rollback()
    found_after_fault = review_ids(db_path)
    assert (len(acknowledged), found_after_fault) == (3, acknowledged)
    back = session.undo()
    assert back is not None and back.card.id == last_card
    assert review_ids(db_path) == acknowledged[:2]
    assert len(session.done) == 2 and session.summary().answered == 2


def test_undo_on_a_full_disk_changes_nothing_then_undoes_the_last_answer(
    db_path: Path, write_deck: WriteDeck
) -> None:
    database = open_database(f"sqlite:///{db_path}")
    import_paths(database, [write_deck("c.md", choice_deck(6))], START)
    database.close()  # the last connection checkpoints: the worker's WAL starts empty
    result = subprocess.run(
        [*FULL_DISK_WORKER, f"sqlite:///{db_path}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["acknowledged"]) == 3
    for failure in report["failures"]:
        assert "disk I/O error (is the disk full?)" in failure["error"]
        assert failure["session_unchanged"] and failure["rows_unchanged"]
    assert len(report["failures"]) == 2
    assert report["found_after_fault"] == report["acknowledged"]
    assert report["undone_card"] == report["last_answered_card"]
    assert report["found_after_undo"] == report["acknowledged"][:2]


def test_suspend_and_bury_are_undone_in_order_with_answers(
    collection: Database, db_path: Path
) -> None:
    session = ReviewSession(collection, settings(), clock=lambda: START, sync=False)
    first = answer(session)
    buried = session.next_card()
    assert buried is not None
    session.bury()
    second = answer(session)
    suspended = session.next_card()
    assert suspended is not None
    session.suspend()
    assert session.undo_target == "suspend"
    back = session.undo()
    assert back is not None and back.card.id == suspended.card.id
    assert rows_of_card(db_path, suspended.card.id)["suspended"] == 0
    assert session.undo_target == "answer"  # type: ignore[comparison-overlap]
    assert session.undo() is not None
    assert review_ids(db_path) == [first]
    assert session.undo_target == "bury"
    back = session.undo()
    assert back is not None and back.card.id == buried.card.id
    assert rows_of_card(db_path, buried.card.id)["buried_until"] is None
    assert session.undo() is not None and review_ids(db_path) == []
    assert session.undo_target is None and session.undo() is None
    assert second not in review_ids(db_path)


def rows_of_card(db_path: Path, card_id: int) -> dict[str, Any]:
    with sqlite3.connect(db_path) as raw:
        raw.row_factory = sqlite3.Row
        return dict(raw.execute("SELECT * FROM card WHERE id = ?", (card_id,)).fetchone())


def test_undone_bury_shows_the_card_again_and_a_new_session_has_it(
    collection: Database, db_path: Path
) -> None:
    session = ReviewSession(collection, settings(), clock=lambda: START, sync=False)
    shown = session.next_card()
    assert shown is not None
    session.bury()
    nxt = session.next_card()
    assert nxt is not None and nxt.card.id != shown.card.id
    back = session.undo()
    assert back is not None and back.card.id == shown.card.id
    assert session.next_card() is not None  # the card that was on screen is still queued
    again = ReviewSession(collection, settings(), clock=lambda: START, sync=False)
    assert again.next_card().card.id == shown.card.id  # type: ignore[union-attr]


def test_suspend_and_bury_undo_under_a_held_lock_change_nothing(
    collection: Database, db_path: Path, other_writer: sqlite3.Connection
) -> None:
    session = ReviewSession(collection, settings(), clock=lambda: START, sync=False)
    answer(session)
    for act in (session.bury, session.suspend):
        session.next_card()
        act()
        session.next_card()
        before_session, before_rows = session_state(session), rows(db_path)
        other_writer.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError, match="busy"):
            session.undo()
        assert session_state(session) == before_session and rows(db_path) == before_rows
        other_writer.rollback()
    assert session.undo_target == "suspend"
    suspended = session.undo()
    assert session.undo_target == "bury"  # type: ignore[comparison-overlap]
    buried = session.undo()
    assert suspended is not None and buried is not None
    flags = [rows_of_card(db_path, c.card.id) for c in (suspended, buried)]
    assert [(f["suspended"], f["buried_until"]) for f in flags] == [(0, None), (0, None)]
    assert session.undo_target == "answer"


def test_a_suspend_changed_elsewhere_is_not_undone(collection: Database, db_path: Path) -> None:
    session = ReviewSession(collection, settings(), clock=lambda: START, sync=False)
    shown = session.next_card()
    assert shown is not None
    session.suspend()
    session.next_card()
    with sqlite3.connect(db_path) as raw:  # `tutor unsuspend` in another window
        raw.execute("UPDATE card SET suspended = 0 WHERE id = ?", (shown.card.id,))
    before = session_state(session)
    with pytest.raises(StoreError, match="changed since"):
        session.undo()
    assert session_state(session) == before

"""A large import writes its pages once (a rollback journal, not the WAL) and loses nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import tutor.importer
from tests.conftest import NOW
from tutor.errors import StoreError
from tutor.importer import BULK_CARDS, import_paths
from tutor.store.db import open_database
from tutor.store.sync import insert_new_deck as real_insert
from tutor.store.sync import sync_deck as real_sync
from tutor.store.tables import card_table

CARDS = BULK_CARDS + 200


def deck_file(folder: Path, title: str = "Large", cards: int = CARDS) -> Path:
    path = folder / f"{title.lower()}.md"
    path.write_text(
        f"# {title}\n\n"
        + "\n".join(
            f"## {title} question {n}?\n<!-- id: {title.lower()}-{n} -->\n\n"
            f"- [x] Right {n} — because.\n- [ ] Wrong {n} — not so.\n\nExplanation: {n}.\n"
            for n in range(cards)
        ),
        encoding="utf-8",
    )
    return path


def journal_mode(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def card_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM card").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def modes_seen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The journal mode each deck's sync (or a new deck's insert) ran in (read on its own
    connection)."""
    seen: list[str] = []

    def looking(write: Any) -> Any:
        def write_and_look(conn: Any, *args: Any) -> Any:
            seen.append(conn.exec_driver_sql("PRAGMA journal_mode").scalar())
            return write(conn, *args)

        return write_and_look

    monkeypatch.setattr(tutor.importer, "sync_deck", looking(real_sync))
    monkeypatch.setattr(tutor.importer, "insert_new_deck", looking(real_insert))
    return seen


def test_a_large_import_takes_a_rollback_journal_and_leaves_the_wal_mode(
    tmp_path: Path, modes_seen: list[str]
) -> None:
    path = tmp_path / "collection.db"
    db = open_database(f"sqlite:///{path}")
    try:
        small = deck_file(tmp_path, "Small", cards=3)
        [report] = import_paths(db, [deck_file(tmp_path), small], NOW).decks[:1]
        assert report.added == CARDS
        with db.read() as conn:
            assert conn.execute(select(func.count()).select_from(card_table)).scalar() == CARDS + 3
        assert modes_seen == ["delete", "delete"]  # one transaction of both files: bulk
        import_paths(db, [deck_file(tmp_path, "Other", cards=3)], NOW)
        assert modes_seen[2:] == ["wal"]  # a small import: the WAL as always
    finally:
        db.close()
    assert journal_mode(path) == "wal"
    assert not (tmp_path / "collection.db-journal").exists()
    assert card_count(path) == CARDS + 6


def test_a_large_import_beside_another_connection_keeps_the_wal(
    tmp_path: Path, modes_seen: list[str]
) -> None:
    """Another process with the file open (a review session, say) keeps reading it as before:
    the import does not wait for it, and takes the WAL."""
    path = tmp_path / "collection.db"
    open_database(f"sqlite:///{path}").close()
    other = sqlite3.connect(path)
    try:
        assert other.execute("SELECT count(*) FROM card").fetchone() == (0,)
        db = open_database(f"sqlite:///{path}")
        try:
            [report] = import_paths(db, [deck_file(tmp_path)], NOW).decks
        finally:
            db.close()
        assert report.added == CARDS
        assert modes_seen == ["wal"]
        assert other.execute("SELECT count(*) FROM card").fetchone() == (CARDS,)
    finally:
        other.close()
    assert journal_mode(path) == "wal"


def test_a_large_import_that_fails_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "collection.db"
    db = open_database(f"sqlite:///{path}")

    def insert_then_fail(*args: Any) -> Any:
        real_insert(*args)
        raise StoreError("cannot write (a fault injected after the insert)")

    monkeypatch.setattr(tutor.importer, "insert_new_deck", insert_then_fail)
    try:
        with pytest.raises(StoreError, match="fault injected"):
            import_paths(db, [deck_file(tmp_path)], NOW)
    finally:
        db.close()
    assert card_count(path) == 0
    assert journal_mode(path) == "wal"


def test_a_large_import_killed_inside_its_transaction_leaves_the_collection_whole(
    tmp_path: Path,
) -> None:
    """Killed with SIGKILL after its inserts (a rollback journal beside the file): the
    collection is as before, whole, in WAL mode, and the import then succeeds."""
    path = tmp_path / "collection.db"
    deck = deck_file(tmp_path)
    db = open_database(f"sqlite:///{path}")
    import_paths(db, [deck_file(tmp_path, "Before", cards=5)], NOW)
    db.close()
    with subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.bulk_import_kill", str(path), str(deck)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    ) as child:
        assert child.stdout is not None
        try:
            assert child.stdout.readline() == b"inside\n"
            assert (tmp_path / "collection.db-journal").exists()
            reader = sqlite3.connect(path)  # readers are not kept out: nothing spilled yet
            try:
                assert reader.execute("SELECT count(*) FROM card").fetchone() == (5,)
            finally:
                reader.close()
        finally:
            os.kill(child.pid, signal.SIGKILL)
    db = open_database(f"sqlite:///{path}")
    try:
        with db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.execute(select(func.count()).select_from(card_table)).scalar() == 5
        [report] = import_paths(db, [deck], NOW).decks
        assert report.added == CARDS
    finally:
        db.close()
    assert journal_mode(path) == "wal"


def test_an_import_too_large_for_memory_keeps_the_wal(
    tmp_path: Path, modes_seen: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction whose files hold more text than `BULK_BYTES` would hold its pages in
    memory past the page cache (nothing is spilled in rollback-journal mode): it takes the WAL."""
    monkeypatch.setattr(tutor.importer, "BULK_BYTES", 1000)
    db = open_database(f"sqlite:///{tmp_path / 'collection.db'}")
    try:
        [report] = import_paths(db, [deck_file(tmp_path)], NOW).decks
    finally:
        db.close()
    assert report.added == CARDS
    assert modes_seen == ["wal"]

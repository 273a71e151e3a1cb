"""Schema 8 -> 9 on the committed version-8 collection: answers' due times as offsets, content
hashes as bytes; every card, answer and choice kept, all or nothing."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, select, text

from tests.helpers.collection import build_history
from tests.helpers.migration_checks import (
    assert_backup_taken_first,
    assert_second_open_changes_nothing,
    exported,
    problems_but_gone_deck_files,
    query,
    review_choices,
    undo_each_newest_answer,
    version_of,
    whole_file,
)
from tests.helpers.migration_kill import kill_at_the_migration_pause
from tests.helpers.version_8 import back_to_version_8
from tutor.check import check_collection
from tutor.cli import main
from tutor.collection_file import SCHEMA_VERSION
from tutor.config import load_settings
from tutor.store.db import Database, open_database, schema_version
from tutor.store.repository import export_collection
from tutor.store.tables import review_table

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURE = DATA / "collection-v8.db"
EXPORTED = DATA / "collection-v8-export.json"  # `tutor export` of FIXTURE by the version-8 code
UNCHANGED = ("review_rollup", "calibration_rollup", "deck")


@pytest.fixture
def v8(tmp_path: Path) -> Path:
    path = tmp_path / "collection.db"
    shutil.copyfile(FIXTURE, path)
    return path


def expected_export() -> dict[str, Any]:
    return dict(json.loads(EXPORTED.read_text(encoding="utf-8")))


def test_the_export_after_the_migration_is_the_export_before(v8: Path) -> None:
    after = exported(v8)
    reviews = [r for card in after["cards"] for r in card["reviews"]]
    assert len(after["cards"]) == 23 and len(reviews) == 167
    assert after == expected_export()  # every card, state, review with its due, choice and deck
    assert version_of(v8) == str(SCHEMA_VERSION)
    report = check_collection(f"sqlite:///{v8}", load_settings())
    assert not problems_but_gone_deck_files(report), report.problems


def test_due_times_are_offsets_hashes_bytes_and_creation_times_integers(v8: Path) -> None:
    """Each answer's due time is whole seconds after it (learning steps in minutes, reviews in
    days); each hash is its 20 bytes, each creation time an integer; nothing else changes, and
    the file is vacuumed."""
    before = whole_file(v8)
    hashes = dict(query(v8, "SELECT id, content_hash FROM card"))
    dues = query(v8, "SELECT id, due_after - reviewed_at FROM review ORDER BY id")
    open_database(f"sqlite:///{v8}").close()
    offsets = query(v8, "SELECT id, due_in, typeof(due_in) FROM review ORDER BY id")
    assert [(i, micros) for i, micros, _ in offsets] == [(i, d // 10**6) for i, d in dues]
    assert {kind for _, _, kind in offsets} == {"integer"}
    assert {60, 600, 86_400} <= {seconds for _, seconds, _ in offsets}
    columns = [row[1] for row in query(v8, "PRAGMA table_info(review)")]
    assert "due_in" in columns and "due_after" not in columns
    stored = query(v8, "SELECT id, content_hash, typeof(content_hash) FROM card")
    assert all(kind == "blob" and len(digest) == 20 for _, digest, kind in stored)
    assert {i: digest.hex() for i, digest, _ in stored} == hashes
    created = query(v8, "SELECT typeof(created_at), count(*) FROM card GROUP BY 1")
    assert created == [("integer", 23)]
    after = whole_file(v8)
    for table in UNCHANGED:
        assert after[table] == before[table]
    assert review_choices(v8) == before["review_choice"]  # 14 keeps them on each answer
    assert [row[:4] for row in after["card_option"]] == before["card_option"]  # 12 adds a deck
    assert query(v8, "PRAGMA freelist_count") == [(0,)]  # vacuumed after it


def test_the_backup_is_taken_first_and_holds_the_version_8_collection(v8: Path) -> None:
    assert_backup_taken_first(v8, "8")


def test_a_second_open_changes_nothing(v8: Path) -> None:
    assert_second_open_changes_nothing(v8)


def test_undo_after_the_migration_restores_the_state_before(v8: Path) -> None:
    """The newest answer of each card undone: the card is exactly as the version-8 log said
    (its due time from the offset of the answer before), its choices gone with it."""
    undone = undo_each_newest_answer(v8, expected_export()["cards"])
    assert len(undone) >= 15 and sum(a["before"]["due"] is not None for a in undone) >= 5


def test_tutor_info_shows_the_current_schema_version(
    v8: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(v8), "info"]) == 0
    assert f"schema version: {SCHEMA_VERSION}" in capsys.readouterr().out


def test_a_migration_killed_midway_leaves_the_version_8_collection_whole(
    v8: Path, tmp_path: Path
) -> None:
    original = whole_file(v8)
    kill_at_the_migration_pause(v8, tmp_path)
    assert version_of(v8) == "8"
    assert whole_file(v8) == original
    assert exported(v8) == expected_export()  # migrates now
    assert version_of(v8) == str(SCHEMA_VERSION)


SUB_SECOND = 1_500_007  # microseconds: a due time no scheduler gives, kept exact all the same


def moved_back_to_version_8(conn: Connection) -> int:
    """The version-8 shape, one answer's due time moved by a fraction of a second: that answer."""
    back_to_version_8(conn)
    moved = int(conn.execute(text("SELECT MAX(id) FROM review")).scalar_one())
    conn.execute(
        text(f"UPDATE review SET due_after = reviewed_at + {SUB_SECOND} WHERE id = :id"),
        {"id": moved},
    )
    return moved


def test_migration_9_keeps_every_due_time_on_either_database(db: Database, tmp_path: Path) -> None:
    """A history put back in the version-8 shape migrates in place on SQLite and on
    PostgreSQL: the export is the same before and after, a due time off the whole second
    exact to the microsecond."""
    build_history(db, tmp_path / "decks")
    with db.read() as conn:
        before = export_collection(conn)
        hashes = conn.execute(text("SELECT id, content_hash FROM card ORDER BY id")).all()
    with db.write() as conn:
        moved = moved_back_to_version_8(conn)
    db.close()
    migrated = open_database(db.url)
    try:
        with migrated.read() as conn:
            assert schema_version(conn) == SCHEMA_VERSION
            offset = conn.execute(
                select(review_table.c.due_in).where(review_table.c.id == moved)
            ).scalar_one()
            assert offset == timedelta(microseconds=SUB_SECOND)
            assert conn.execute(text("SELECT id, content_hash FROM card ORDER BY id")).all() == (
                hashes
            )
        with migrated.write() as conn:  # the moved due time put back: the rest is as it was
            conn.execute(
                review_table.update()
                .where(review_table.c.id == moved)
                .values(due_in=before_due(before, moved))
            )
        with migrated.read() as conn:
            assert export_collection(conn) == before
    finally:
        migrated.close()


def before_due(export: dict[str, Any], review_id: int) -> timedelta:
    """How long after an exported answer its card fell due."""
    review = next(r for c in export["cards"] for r in c["reviews"] if r["id"] == review_id)
    due = datetime.fromisoformat(review["due_after"])
    return due - datetime.fromisoformat(review["reviewed_at"])


def test_a_damaged_creation_time_stops_the_migration_and_changes_nothing(
    v8: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(v8)
    conn.execute("UPDATE card SET created_at = 'yesterday' WHERE id = 3")
    conn.commit()
    conn.close()
    original = whole_file(v8)
    assert main(["--db", str(v8), "info"]) != 0
    error = capsys.readouterr().err
    assert "card 3 holds 'yesterday' where its creation time belongs" in error
    assert "Traceback" not in error and len(error.strip().splitlines()) == 1
    assert version_of(v8) == "8"
    assert whole_file(v8) == original

"""Schema 7 -> 8 on the committed version-7 collection: compact options and leaner indexes,
every card, answer and choice kept, all or nothing."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from tests.helpers.collection import build_history
from tests.helpers.migration_checks import (
    assert_backup_taken_first,
    assert_second_open_changes_nothing,
    exported,
    problems_but_gone_deck_files,
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

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURE = DATA / "collection-v7.db"
EXPORTED = DATA / "collection-v7-export.json"  # `tutor export` of FIXTURE by the version-7 code


@pytest.fixture
def v7(tmp_path: Path) -> Path:
    path = tmp_path / "collection.db"
    shutil.copyfile(FIXTURE, path)
    return path


def expected_export() -> dict[str, Any]:
    """The version-7 code's export (format 4) as format 5 writes it: practice answers added
    (the fixture has none)."""
    export = dict(json.loads(EXPORTED.read_text(encoding="utf-8")))
    assert export["version"] == 4
    return {**export, "version": 5, "practice": []}


def indexes(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    return {name for (name,) in rows}


def test_the_export_after_the_migration_is_the_export_before(v7: Path) -> None:
    after = exported(v7)
    chosen = [c for card in after["cards"] for r in card["reviews"] for c in r["chosen"]]
    assert len(after["cards"]) == 23 and len(chosen) > 60
    assert after == expected_export()  # every card, option, state, review, choice and deck
    assert version_of(v7) == str(SCHEMA_VERSION)
    report = check_collection(f"sqlite:///{v7}", load_settings())
    assert not problems_but_gone_deck_files(report), report.problems


def test_options_are_stored_compactly_and_the_log_indexed_by_card(v7: Path) -> None:
    before = whole_file(v7)
    old_size = sum(len(row[0]) for row in _options(v7))
    open_database(f"sqlite:///{v7}").close()
    stored = dict(_ids_and_options(v7))
    assert sum(len(o) for o in stored.values()) < old_size * 0.6
    french = next(o for o in stored.values() if "café" in o)  # UTF-8, not \u escapes
    assert (
        french
        == '[["café",1,"French, with its é."],["coffee",0],["Kaffee",0,"German: \\"Kaffee\\"."]]'
    )
    assert all(o == "[]" or o.startswith("[[") for o in stored.values())
    assert "ix_review_card" in indexes(v7)
    assert not {"ix_review_card_time", "ix_card_due"} & indexes(v7)
    after = whole_file(v7)
    for table in ("review_rollup", "deck"):  # 9 rewrites review
        assert after[table] == before[table]
    assert review_choices(v7) == before["review_choice"]  # 14 keeps them on each answer
    assert [row[:4] for row in after["card_option"]] == before["card_option"]  # 12 adds a deck
    conn = sqlite3.connect(v7)
    try:
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)  # vacuumed after it
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM review WHERE card_id = 3 ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    assert [row[3] for row in plan] == [
        "SEARCH review USING COVERING INDEX ix_review_card (card_id=?)"
    ]


def _options(path: Path) -> list[tuple[str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT options FROM card").fetchall()
    finally:
        conn.close()


def _ids_and_options(path: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, options FROM card").fetchall()
    finally:
        conn.close()


def test_the_backup_is_taken_first_and_holds_the_version_7_collection(v7: Path) -> None:
    assert_backup_taken_first(v7, "7")


def test_a_second_open_changes_nothing(v7: Path) -> None:
    assert_second_open_changes_nothing(v7)


def test_undo_after_the_migration_restores_the_state_before(v7: Path) -> None:
    """The newest answer of each card undone: the card is exactly as the version-7 log said,
    and the answer's choices are gone with it."""
    undone = undo_each_newest_answer(v7, expected_export()["cards"])
    assert len(undone) >= 15 and sum(bool(answer["chosen"]) for answer in undone) >= 5


def test_tutor_info_shows_the_schema_version(v7: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(v7), "info"]) == 0
    assert f"schema version: {SCHEMA_VERSION}" in capsys.readouterr().out


def test_a_migration_killed_midway_leaves_the_version_7_collection_whole(
    v7: Path, tmp_path: Path
) -> None:
    original = whole_file(v7)
    kill_at_the_migration_pause(v7, tmp_path)
    assert version_of(v7) == "7"
    assert whole_file(v7) == original
    assert exported(v7) == expected_export()  # migrates now
    assert version_of(v7) == str(SCHEMA_VERSION)


def back_to_version_7(conn: Connection) -> None:
    """Options as version 7 stored them (an object per option, keys repeated), its two
    indexes back, version 7 stamped."""
    back_to_version_8(conn)
    postgresql = conn.dialect.name == "postgresql"
    update = "UPDATE card SET options = " + ("CAST(:o AS JSON)" if postgresql else ":o")
    for card_id, options in conn.execute(text("SELECT id, options FROM card")).all():
        stored = json.loads(options) if isinstance(options, str) else options
        verbose = [
            {"text": o[0], "correct": bool(o[1]), "reasoning": o[2] if len(o) > 2 else ""}
            for o in stored
        ]
        conn.execute(text(update + " WHERE id = :id"), {"o": json.dumps(verbose), "id": card_id})
    conn.execute(text("DROP INDEX ix_review_card"))
    conn.execute(text("CREATE INDEX ix_review_card_time ON review (card_id, reviewed_at)"))
    conn.execute(text("CREATE INDEX ix_card_due ON card (due)"))
    conn.execute(text("UPDATE meta SET value = '7' WHERE key = 'schema_version'"))


def test_migration_8_keeps_every_option_on_either_database(db: Database, tmp_path: Path) -> None:
    """A history put back in the version-7 shape migrates in place on SQLite and on
    PostgreSQL: the export is the same before and after, the options compact again."""
    build_history(db, tmp_path / "decks")
    with db.read() as conn:
        before = export_collection(conn)
        compact = conn.execute(text("SELECT id, options FROM card ORDER BY id")).all()
    with db.write() as conn:
        back_to_version_7(conn)
        stored = conn.execute(text("SELECT options FROM card")).scalars().all()
    assert any('"reasoning"' in (o if isinstance(o, str) else json.dumps(o)) for o in stored)
    db.close()
    migrated = open_database(db.url)
    try:
        with migrated.read() as conn:
            assert export_collection(conn) == before
            assert schema_version(conn) == SCHEMA_VERSION
            again = conn.execute(text("SELECT id, options FROM card ORDER BY id")).all()
            shown = [o if isinstance(o, str) else json.dumps(o) for _, o in again]
            assert again == compact and any(s.startswith("[[") for s in shown)
            assert not any('"reasoning"' in s for s in shown)
    finally:
        migrated.close()

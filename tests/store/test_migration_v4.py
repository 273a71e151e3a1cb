"""Schema 3 -> 4 on the committed version-3 collection: everything kept, once, all or nothing."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.migration_checks import (
    assert_backup_taken_first,
    assert_second_open_changes_nothing,
    problems_but_gone_deck_files,
)
from tests.helpers.migration_kill import kill_at_the_migration_pause
from tutor.check import check_collection
from tutor.cli import main
from tutor.collection_file import SCHEMA_VERSION
from tutor.config import load_settings
from tutor.store.db import open_database
from tutor.store.repository import export_collection
from tutor.store.reviews import undo_answer

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURE = DATA / "collection-v3.db"
EXPORTED = DATA / "collection-v3-export.json"  # `tutor export` of FIXTURE by the version-3 code
KEPT = ("id", "state", "reviews", "leech", "suspended", "buried_until", "retired", "version")


@pytest.fixture
def v3(tmp_path: Path) -> Path:
    path = tmp_path / "collection.db"
    shutil.copyfile(FIXTURE, path)
    return path


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f"SELECT * FROM {n} ORDER BY 1, 2").fetchall() for n in names}
    finally:
        conn.close()


def version_of(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT value FROM meta").fetchone()[0])
    finally:
        conn.close()


def test_every_card_state_and_review_survive_the_migration(v3: Path) -> None:
    db = open_database(f"sqlite:///{v3}")
    try:
        with db.read() as conn:
            cards = [{k: card[k] for k in KEPT} for card in export_collection(conn)["cards"]]
    finally:
        db.close()
    expected = json.loads(EXPORTED.read_text(encoding="utf-8"))["cards"]
    assert sum(len(c["reviews"]) for c in cards) == 121
    assert cards == expected  # states, flags, and every review with its state before and after
    tables = dump(v3)
    assert "review_state" not in tables and tables["review_before"] == []
    assert version_of(v3) == str(SCHEMA_VERSION)
    raw = sqlite3.connect(v3)
    try:
        assert raw.execute("PRAGMA freelist_count").fetchone() == (0,)  # vacuumed after it
    finally:
        raw.close()
    report = check_collection(f"sqlite:///{v3}", load_settings())
    assert not problems_but_gone_deck_files(report), report.problems


def test_the_backup_is_taken_first_and_holds_the_version_3_collection(v3: Path) -> None:
    assert_backup_taken_first(v3, "3")


def test_a_second_open_changes_nothing(v3: Path) -> None:
    assert_second_open_changes_nothing(v3)


def test_undo_after_the_migration_restores_the_state_before(v3: Path) -> None:
    """The newest answer of each card undone: the card is exactly as the version-3 log said."""
    expected = {c["id"]: c for c in json.loads(EXPORTED.read_text(encoding="utf-8"))["cards"]}
    db = open_database(f"sqlite:///{v3}")
    try:
        undone = 0
        for card in expected.values():
            if not card["reviews"]:
                continue
            last = card["reviews"][-1]
            with db.write() as conn:
                state = undo_answer(conn, last["id"])
            wanted = {k: v for k, v in last["before"].items() if k not in ("leech", "suspended")}
            assert state.to_json() == wanted
            undone += 1
        assert undone >= 15
    finally:
        db.close()


def test_tutor_info_shows_the_migrated_schema_version(
    v3: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(v3), "info"]) == 0
    assert f"schema version: {SCHEMA_VERSION}" in capsys.readouterr().out


def test_a_migration_killed_midway_leaves_the_version_3_collection_whole(
    v3: Path, tmp_path: Path
) -> None:
    original = dump(v3)
    kill_at_the_migration_pause(v3, tmp_path)
    assert version_of(v3) == "3"
    assert dump(v3) == original
    db = open_database(f"sqlite:///{v3}")  # still openable: it migrates now
    db.close()
    assert version_of(v3) == str(SCHEMA_VERSION)

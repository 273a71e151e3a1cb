"""Schema 6 -> 7 on the committed version-6 collection: options stored once, all or nothing."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.choices_v6 import back_to_version_6
from tests.helpers.collection import build_history
from tests.helpers.migration_checks import (
    assert_backup_taken_first,
    assert_second_open_changes_nothing,
    exported,
    problems_but_gone_deck_files,
    undo_each_newest_answer,
    version_of,
    whole_file,
)
from tests.helpers.migration_kill import kill_at_the_migration_pause
from tutor.card_history import card_info
from tutor.check import check_collection
from tutor.chosen import chosen_list
from tutor.cli import main
from tutor.clock import utc_now
from tutor.collection_file import SCHEMA_VERSION
from tutor.config import load_settings
from tutor.store.choices import last_choices, option_picks
from tutor.store.db import Database, open_database, schema_version
from tutor.store.queue import StoreReader
from tutor.store.repository import export_collection

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURE = DATA / "collection-v6.db"
EXPORTED = DATA / "collection-v6-export.json"  # `tutor export` of FIXTURE by the version-6 code


@pytest.fixture
def v6(tmp_path: Path) -> Path:
    path = tmp_path / "collection.db"
    shutil.copyfile(FIXTURE, path)
    return path


def in_export_version_4(export: dict[str, Any]) -> dict[str, Any]:
    """A version-3 export (the version-6 code's) as version 4 (now 5) writes it: each card's
    forget and own tags added, and the practice answers (the fixture has none of these)."""
    assert export["version"] == 3
    cards = [{**card, "forgotten_at": None, "tags": []} for card in export["cards"]]
    return {**export, "version": 5, "cards": cards, "practice": []}


def test_the_export_after_the_migration_is_the_export_before(v6: Path) -> None:
    after = exported(v6)
    before = in_export_version_4(json.loads(EXPORTED.read_text(encoding="utf-8")))
    chosen = [c for card in after["cards"] for r in card["reviews"] for c in r["chosen"]]
    assert len(chosen) == 63 and sum(len(c["reviews"]) for c in after["cards"]) == 158
    assert after == before  # every card, state, review, choice (in order) and deck
    assert version_of(v6) == str(SCHEMA_VERSION)  # through version 7 to the newest
    report = check_collection(f"sqlite:///{v6}", load_settings())
    assert not problems_but_gone_deck_files(report), report.problems


def test_each_option_text_is_stored_once_per_card_and_an_edited_one_kept_as_chosen(
    v6: Path,
) -> None:
    open_database(f"sqlite:///{v6}").close()
    tables = whole_file(v6)
    options = tables["card_option"]
    assert (
        len(options)
        == len({(card, text, right) for card, _n, text, right, *_kept in options})
        == 19
    )
    assert "review_choice" not in tables  # version 14 keeps the choices on each answer
    assert sum(len(chosen_list(review[-1])) for review in tables["review"]) == 63
    assert sum(int(picks) for *_option, picks, _first, _last in options) == 63  # schema 13's
    conn = sqlite3.connect(v6)
    try:
        indexes = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'card_option'"
        ).fetchall()
        without_rowid = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'card_option'"
        ).fetchall()
        (wrong_zero,) = conn.execute(
            "SELECT card_id FROM card_option WHERE text = 'Wrong zero'"
        ).fetchone()
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)  # vacuumed after it
    finally:
        conn.close()
    assert [i for (i,) in indexes if not i.startswith("sqlite_autoindex")] == []
    assert all("WITHOUT ROWID" in sql for (sql,) in without_rowid)
    # the deck edit renamed "Wrong 0" and made "2" wrong: both texts as chosen are kept
    assert {(t, r) for c, _n, t, r, *_kept in options if c == 19} >= {("2", 1), ("2", 0)}
    db = open_database(f"sqlite:///{v6}")
    try:
        with db.read() as read:
            assert last_choices(read, wrong_zero) == [("Right 0", True)]
            info = card_info(StoreReader(read), 19, load_settings(), utc_now())
        assert info is not None
        assert [list(a.chosen) for a in info.answers][-1] == ["2", "4"]
    finally:
        db.close()


def test_picked_search_and_lint_read_the_migrated_choices(
    v6: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(v6), "cards", "picked:zero", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [c["question"] for c in found["cards"]] == ["Which one is right 0?"]
    db = open_database(f"sqlite:///{v6}")
    try:
        with db.read() as conn:
            picks = option_picks(conn, [19])
    finally:
        db.close()
    assert picks == {19: (9, {"2": 4, "3": 3, "4": 6, "9": 5})}  # as version 6 counted them


def test_the_backup_is_taken_first_and_holds_the_version_6_collection(v6: Path) -> None:
    assert_backup_taken_first(v6, "6")


def test_a_second_open_changes_nothing(v6: Path) -> None:
    assert_second_open_changes_nothing(v6)


def test_undo_after_the_migration_restores_the_state_before(v6: Path) -> None:
    """The newest answer of each card undone: the card is exactly as the version-6 log said,
    and the answer's choices are gone with it."""
    undone = undo_each_newest_answer(v6, json.loads(EXPORTED.read_text(encoding="utf-8"))["cards"])
    assert len(undone) >= 15 and sum(bool(answer["chosen"]) for answer in undone) >= 5


def test_tutor_info_shows_the_migrated_schema_version(
    v6: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(v6), "info"]) == 0
    assert f"schema version: {SCHEMA_VERSION}" in capsys.readouterr().out


def test_a_migration_killed_midway_leaves_the_version_6_collection_whole(
    v6: Path, tmp_path: Path
) -> None:
    original = whole_file(v6)
    kill_at_the_migration_pause(v6, tmp_path)
    assert version_of(v6) == "6"
    assert whole_file(v6) == original
    assert exported(v6) == in_export_version_4(
        json.loads(EXPORTED.read_text(encoding="utf-8"))
    )  # migrates now
    assert version_of(v6) == str(SCHEMA_VERSION)


def test_migration_7_keeps_every_choice_on_either_database(db: Database, tmp_path: Path) -> None:
    """A history with choices put back in the version-6 shape migrates in place on SQLite and
    on PostgreSQL: the export is the same before and after, and the options are stored once."""
    build_history(db, tmp_path / "decks")
    with db.read() as conn:
        before = export_collection(conn)
    with db.write() as conn:
        assert back_to_version_6(conn) > 10
    db.close()
    migrated = open_database(db.url)
    try:
        with migrated.read() as conn:
            assert export_collection(conn) == before
            assert schema_version(conn) == SCHEMA_VERSION
            options = conn.execute(text("SELECT count(*) FROM card_option")).scalar_one()
            cards = conn.execute(
                text("SELECT count(DISTINCT card_id) FROM review WHERE chosen_numbers IS NOT NULL")
            ).scalar_one()
            assert options == cards > 0  # one right option per card, chosen again and again
    finally:
        migrated.close()

"""Checks every schema migration's tests share: the backup taken first, a second open a no-op,
the export, undo of each card's newest answer."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from tutor.backups import list_backups
from tutor.check import CheckReport, Finding, check_collection
from tutor.chosen import chosen_list
from tutor.config import load_settings
from tutor.store.choices import last_choices
from tutor.store.db import open_database
from tutor.store.repository import export_collection
from tutor.store.reviews import undo_answer


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def raw(path: Path, *statements: str) -> list[tuple[Any, ...]]:
    """Run SQL with the stdlib module (foreign keys off, its default) and commit; the last
    statement's rows."""
    with closing(sqlite3.connect(path)) as conn:
        rows: list[tuple[Any, ...]] = []
        for statement in statements:
            rows = conn.execute(statement).fetchall()
        conn.commit()
    return rows


def whole_file(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, and the schema."""
    names = [r[0] for r in query(path, "SELECT name FROM sqlite_master WHERE type='table'")]
    rows = {n: query(path, f"SELECT * FROM {n} ORDER BY 1, 2") for n in names}
    rows["sqlite_master"] = query(path, "SELECT * FROM sqlite_master ORDER BY name")
    return rows


def version_of(path: Path) -> str:
    """The schema version the file records."""
    return str(query(path, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0])


def exported(path: Path) -> dict[str, Any]:
    """`tutor export` of the file (opening it migrates it), as the committed exports hold it."""
    db = open_database(f"sqlite:///{path}")
    try:
        with db.read() as conn:
            return dict(json.loads(json.dumps(export_collection(conn), sort_keys=True)))
    finally:
        db.close()


def undo_each_newest_answer(path: Path, cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Undo the newest answer of each of an export's `cards` in the file: each card comes back
    exactly in the answer's state before, its choices gone with it (the card's last choices are
    its answer before's); then `tutor check` finds nothing but the fixture's gone deck files.
    Return the answers undone."""
    db = open_database(f"sqlite:///{path}")
    undone = []
    try:
        for card in cards:
            if not card["reviews"]:
                continue
            last = card["reviews"][-1]
            with db.write() as conn:
                state = undo_answer(conn, last["id"])
                left = last_choices(conn, card["id"])
            wanted = {k: v for k, v in last["before"].items() if k not in ("leech", "suspended")}
            assert state.to_json() == wanted
            previous = card["reviews"][-2]["chosen"] if len(card["reviews"]) > 1 else []
            assert left == [(c["text"], c["correct"]) for c in previous]
            undone.append(last)
        report = check_collection(db.url, load_settings())
        assert not problems_but_gone_deck_files(report), report.problems
    finally:
        db.close()
    return undone


def review_choices(path: Path) -> list[tuple[Any, ...]]:
    """Each answer's kept choices as rows of review_choice (versions 7 to 13): card, option
    number, review, place, day, in its key's order."""
    answers = query(
        path, "SELECT id, card_id, day, chosen_numbers FROM review WHERE chosen_numbers IS NOT NULL"
    )
    rows = [
        (card, number, review, place, day)
        for review, card, day, chosen in answers
        for place, number in enumerate(chosen_list(chosen))
    ]
    return sorted(rows)


def assert_backup_taken_first(path: Path, old_version: str) -> None:
    """Opening the old file migrates it after one migration backup holding the old file whole."""
    original = whole_file(path)
    open_database(f"sqlite:///{path}").close()
    (backup,) = list_backups(path)
    assert backup.kind == "migration"
    assert query(backup.path, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (old_version,)
    ]
    assert whole_file(backup.path) == original


def assert_second_open_changes_nothing(path: Path) -> None:
    """A second open of the migrated file changes no row and takes no second backup."""
    open_database(f"sqlite:///{path}").close()
    migrated, backups = whole_file(path), list_backups(path)
    open_database(f"sqlite:///{path}").close()
    assert whole_file(path) == migrated
    assert list_backups(path) == backups  # no second migration backup


def problems_but_gone_deck_files(report: CheckReport) -> list[Finding]:
    """`tutor check`'s findings on a migrated fixture, but its decks' files: the fixture names
    files in the temporary folder its maker wrote them to, gone since (on a new machine)."""
    return [finding for finding in report.problems if finding.kind != "deck_file_missing"]

"""Checks every schema migration's tests share: the backup taken first, a second open a no-op."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from tutor.backups import list_backups
from tutor.check import CheckReport, Finding
from tutor.chosen import chosen_list
from tutor.store.db import open_database


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

"""Run-time checks are real checks (they hold under `python -O`), not `assert` statements."""

from __future__ import annotations

import ast
import sqlite3
from dataclasses import fields
from pathlib import Path

import pytest

from tests.conftest import NOW, SEED_DECK
from tutor.backups import backups_dir, make_backup
from tutor.cli import main
from tutor.config import DECK_CHECKS, DeckSettings
from tutor.errors import StoreError
from tutor.importer import import_paths
from tutor.store.db import Database

PACKAGE = Path(__file__).resolve().parent.parent / "tutor"
BEING_REBUILT = {PACKAGE / "tui" / "screens" / "review.py"}  # 4 type-narrowing asserts left there


def test_no_assert_statement_in_the_package() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in BEING_REBUILT
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert found == []


def test_every_deck_setting_has_a_check() -> None:
    assert set(DECK_CHECKS) == {f.name for f in fields(DeckSettings)}


def test_a_stored_time_that_is_not_a_time_is_a_store_error(
    db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_paths(db, [SEED_DECK], NOW)
    db.close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE card SET due = 12345, phase = 2 WHERE id = (SELECT MIN(id) FROM card)")
    conn.close()
    assert main(["--db", str(db_path), "stats", "--json"]) == StoreError.exit_code
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "tutor: the collection holds '12345' where a date and time belongs; "
        "`tutor backups` lists the backups that `tutor restore` brings back\n"
    )


def test_an_unknown_backup_kind_is_refused_and_writes_nothing(db: Database, db_path: Path) -> None:
    import_paths(db, [SEED_DECK], NOW)
    with pytest.raises(StoreError, match="unknown backup kind 'weekly'"):
        make_backup(db_path, "weekly", NOW)
    assert not backups_dir().exists() or not any(backups_dir().iterdir())

"""`tutor stats` on an SQLite file through the stdlib: the store's exact numbers without
SQLAlchemy, and the store itself whenever the file needs it (a migration, rollups out of step)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import REPO
from tests.helpers.choices_v6 import back_to_version_6
from tests.test_stats import CARDS, GOLDEN, NOW, REVIEWS, SETTINGS
from tutor.cli import main
from tutor.collection_file import SCHEMA_VERSION, inspect_file
from tutor.stats import compute, compute_file
from tutor.store import rollups
from tutor.store.choices import add_choices
from tutor.store.db import Database
from tutor.store.tables import card_table, deck_table, review_table

GOLDENS: list[tuple[str, str | None, str]] = [
    ("year", None, "year"),
    ("month", None, "month"),
    ("all", None, "all"),
    ("deck-D-all", "D", "all"),
]


@pytest.fixture
def log(db: Database) -> Database:
    """The hand-built log of tests/test_stats.py (behind its golden reports), in an SQLite file."""
    with db.write() as conn:
        conn.execute(
            deck_table.insert().values(id=1, name="D", settings={}, created_at=NOW, updated_at=NOW)
        )
        conn.execute(card_table.insert(), CARDS)
        conn.execute(review_table.insert(), [r for r, _ in REVIEWS])
        add_choices(conn, [c for _, c in REVIEWS])
    return db


def rolled_up(db: Database) -> None:
    """The rollups made to count the hand-built log (it was written around `record_answer`)."""
    with db.write() as conn:
        rollups.rebuild(conn)


def printed(report: object) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("golden", "deck", "span"), GOLDENS)
def test_the_stdlib_and_the_store_give_the_golden_report(
    db_path: Path, log: Database, golden: str, deck: str | None, span: str
) -> None:
    rolled_up(log)
    from_file = compute_file(db_path, SETTINGS, NOW, deck, span)
    assert from_file is not None  # the stdlib served it
    assert from_file == compute(log, SETTINGS, NOW, deck, span)
    assert printed(from_file) == (GOLDEN / f"{golden}.json").read_text(encoding="utf-8")


def test_the_command_prints_the_golden_bytes_without_importing_sqlalchemy(
    db_path: Path, log: Database
) -> None:
    rolled_up(log)
    log.close()
    script = (
        "import sys\nfrom tutor.cli import main\n"
        f"code = main(['--db', {str(db_path)!r}, 'stats', 'D', '--json', '--range', 'all'])\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic', 'fsrs', 'textual') "
        "if m in sys.modules)\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    env = {**os.environ, "TUTOR_NOW": NOW.isoformat()}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.stderr.strip() == "0 []"
    assert done.stdout == (GOLDEN / "deck-D-all.json").read_text(encoding="utf-8")


def test_rollups_out_of_step_with_the_log_are_left_to_the_store(
    db_path: Path,
    log: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the hand-built log was written around record_answer: the rollups count none of it
    assert compute_file(db_path, SETTINGS, NOW, "D", "all") is None
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    assert main(["--db", str(db_path), "stats", "D", "--json", "--range", "all"]) == 0
    assert capsys.readouterr().out == (GOLDEN / "deck-D-all.json").read_text(encoding="utf-8")
    rolled_up(log)
    with log.write() as conn:  # one answer more in the rollups than in the log
        conn.execute(
            text(
                "UPDATE review_rollup SET reviews = reviews + 1 "
                "WHERE day = (SELECT MIN(day) FROM review_rollup)"
            )
        )
        changed = conn.execute(text("SELECT changes()")).scalar_one()
    assert changed >= 1
    assert compute_file(db_path, SETTINGS, NOW, "D", "all") is None


def test_a_collection_needing_migration_is_migrated_and_gives_the_golden_bytes(
    db_path: Path,
    log: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rolled_up(log)
    with log.write() as conn:
        back_to_version_6(conn)
    log.close()
    assert inspect_file(db_path) == 6
    assert compute_file(db_path, SETTINGS, NOW, "D", "all") is None
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    assert main(["--db", str(db_path), "stats", "D", "--json", "--range", "all"]) == 0
    golden = (GOLDEN / "deck-D-all.json").read_text(encoding="utf-8")
    assert capsys.readouterr().out == golden
    assert inspect_file(db_path) == SCHEMA_VERSION  # migrated by the store, then read fast
    from_file = compute_file(db_path, SETTINGS, NOW, "D", "all")
    assert from_file is not None and printed(from_file) == golden


def test_a_refused_file_is_one_line_and_unchanged(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    before = db_path.read_bytes()
    assert main(["--db", str(db_path), "stats", "--json"]) != 0
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("tutor: ") and err.count("\n") == 1
    assert "damaged or not a database" in err
    assert db_path.read_bytes() == before

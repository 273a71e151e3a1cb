"""Backups: made with the backup API (WAL pages included), rotated, automatic, kill-safe."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import REPO, WriteDeck
from tests.helpers.collection import START, build_history, quick_check, review_count
from tutor import collection_file
from tutor.backups import backups_dir, list_backups, make_backup
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store import db as store_db
from tutor.store.db import Database, open_database
from tutor.store.flags import set_flags

WORKER = [sys.executable, "-m", "tests.helpers.backup_worker"]


def kinds(collection: Path) -> list[str]:
    return [b.kind for b in list_backups(collection)]


def answer_one(db: Database) -> None:
    """Give the collection one answer: from then on it holds what no deck file holds."""
    session = ReviewSession(
        db, Settings(timezone="UTC", defaults=DeckSettings(fuzz=False)), clock=lambda: START
    )
    session.next_card()
    session.grade(None, 1000)
    session.answer(Grade.GOOD)


def test_backup_of_an_open_wal_database_holds_the_pages_not_yet_in_the_main_file(
    db: Database, db_path: Path, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q1\n\nA1\n\n## Q2\n\nA2\n")], START)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
    session = ReviewSession(
        db, Settings(timezone="UTC", defaults=DeckSettings(fuzz=False)), clock=lambda: START
    )
    while session.next_card() is not None:
        session.grade(None, 1000)
        session.answer(Grade.GOOD)
    answered = review_count(db_path)
    assert answered >= 2
    main_file_only = sqlite3.connect(f"{db_path.as_uri()}?immutable=1", uri=True)
    tables = {r[0] for r in main_file_only.execute("SELECT name FROM sqlite_master")}
    main_file_only.close()
    copied = db_path.with_name("copy.db")
    shutil.copyfile(db_path, copied)  # what a `cp` gets while the writer is open
    copy_reviews = review_count(copied) if "review" in tables else 0
    assert copy_reviews < answered  # the reviews are still only in the -wal file

    backup = make_backup(db_path, "manual", START)  # the writer is still open
    assert review_count(backup) == answered
    assert quick_check(backup) == "ok"
    assert backup.parent == backups_dir()
    assert backup.name.startswith("collection-") and "20260302T090000Z-manual" in backup.name


def test_rotation_over_200_days_keeps_7_daily_4_weekly_6_monthly_and_every_manual_one(
    db: Database, db_path: Path, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA\n")], START)
    first = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    manual = make_backup(db_path, "manual", first)
    for day in range(200):
        make_backup(db_path, "daily", first + timedelta(days=day))
    kept = [b.made_at.date() for b in list_backups(db_path) if b.kind == "daily"]
    # the last backup is on Sunday 2026-07-19: days Jul 13-19; weeks ending Jul 19, 12, 5 and
    # Jun 28; months Jul (19), Jun 30, May 31, Apr 30, Mar 31, Feb 28.
    expected = [date(2026, 7, d) for d in range(19, 12, -1)] + [
        date(2026, 7, 12),
        date(2026, 7, 5),
        date(2026, 6, 30),
        date(2026, 6, 28),
        date(2026, 5, 31),
        date(2026, 4, 30),
        date(2026, 3, 31),
        date(2026, 2, 28),
    ]
    assert kept == sorted(set(expected), reverse=True)
    assert manual.exists() and kinds(db_path).count("manual") == 1
    assert len(list(backups_dir().iterdir())) == len(expected) + 1  # no stray partial file


def test_automatic_backup_before_an_import_that_changes_something_only(
    db: Database, db_path: Path, write_deck: WriteDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = write_deck("r.md", "# R\n\n## Old question\n\nA\n")
    import_paths(db, [deck], START)
    answer_one(db)
    assert kinds(db_path) == []
    assert main(["--db", str(db_path), "import", str(deck)]) == 0  # unchanged
    assert [k for k in kinds(db_path) if k != "daily"] == []
    assert main(["--db", str(db_path), "import", "--dry-run", str(deck)]) == 0
    deck.write_text("# R\n\n## New question\n\nA\n", encoding="utf-8")
    assert main(["--db", str(db_path), "import", "--dry-run", str(deck)]) == 0
    assert "import" not in kinds(db_path)
    assert main(["--db", str(db_path), "import", str(deck)]) == 0
    [before] = [b for b in list_backups(db_path) if b.kind == "import"]
    with sqlite3.connect(before.path) as conn:
        assert conn.execute("SELECT question FROM card").fetchall() == [("Old question",)]

    deck.write_text("# R\n\n## Third question\n\nA\n", encoding="utf-8")
    ReviewSession(db, Settings(timezone="UTC"), clock=lambda: START + timedelta(days=1))
    assert kinds(db_path).count("import") == 2  # the re-import before a session backs up too
    capsys.readouterr()


def test_daily_backup_once_a_day_after_the_command_and_never_for_due_or_printed_stats(
    db: Database, db_path: Path, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA\n")], START)
    answer_one(db)
    monkeypatch.setenv("TUTOR_NOW", "2026-03-02T10:00:00+00:00")
    assert main(["--db", str(db_path), "due"]) == 0
    assert kinds(db_path) == []
    assert main(["--db", str(db_path), "decks"]) == 0
    assert main(["--db", str(db_path), "decks"]) == 0
    assert kinds(db_path) == ["daily"]
    monkeypatch.setenv("TUTOR_NOW", "2026-03-03T08:00:00+00:00")
    assert main(["--db", str(db_path), "stats", "--json"]) == 0
    assert main(["--db", str(db_path), "stats"]) == 0  # printed as text: no terminal here
    assert kinds(db_path) == ["daily"]  # printed statistics only read, as `due` does
    assert main(["--db", str(db_path), "decks"]) == 0
    assert kinds(db_path) == ["daily", "daily"]


def test_the_daily_backup_looks_at_this_collections_newest_backup_only(
    db: Database, db_path: Path, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA\n")], START)
    answer_one(db)
    other = db_path.with_name("other.db")
    shutil.copyfile(db_path, other)  # closed: no WAL to miss
    day = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    make_backup(other, "manual", day)  # another collection's backup of the day
    make_backup(db_path, "manual", day + timedelta(days=3))  # a later one (the clock set back)
    monkeypatch.setenv("TUTOR_NOW", day.isoformat())
    assert main(["--db", str(db_path), "decks"]) == 0
    assert kinds(db_path) == ["manual", "daily"]  # the newest one's day is not today
    assert kinds(other) == ["manual"]


def test_no_automatic_backup_while_the_collection_holds_only_what_its_deck_files_hold(
    db: Database, db_path: Path, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = write_deck("r.md", "# R\n\n## Q1\n\nA1\n\n## Q2\n\nA2\n")
    monkeypatch.setenv("TUTOR_NOW", "2026-03-02T10:00:00+00:00")
    assert main(["--db", str(db_path), "import", str(deck)]) == 0  # a new collection
    deck.write_text("# R\n\n## Q1\n\nA1\n\n## Q3\n\nA3\n", encoding="utf-8")
    assert main(["--db", str(db_path), "import", str(deck)]) == 0  # a change, still no answer
    assert main(["--db", str(db_path), "decks"]) == 0
    assert kinds(db_path) == []  # neither the day's backup nor one before the import

    card = next(r[0] for r in sqlite3.connect(db_path).execute("SELECT id FROM card"))
    with db.write() as conn:  # a suspended card is the learner's, not the file's
        set_flags(conn, card, suspended=True)
    assert main(["--db", str(db_path), "decks"]) == 0
    [daily] = list_backups(db_path)
    assert daily.kind == "daily" and review_count(daily.path) == 0


def test_the_first_answer_makes_the_collection_worth_its_daily_backup(
    db: Database, db_path: Path, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA\n")], START)
    monkeypatch.setenv("TUTOR_NOW", "2026-03-02T10:00:00+00:00")
    assert main(["--db", str(db_path), "decks"]) == 0
    assert kinds(db_path) == []
    answer_one(db)
    assert main(["--db", str(db_path), "decks"]) == 0
    [daily] = list_backups(db_path)
    assert daily.kind == "daily" and review_count(daily.path) == 1


def test_backup_before_a_migration_only_when_one_runs(
    db: Database, db_path: Path, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA\n")], START)
    answer_one(db)
    db.close()
    open_database(f"sqlite:///{db_path}").close()
    assert kinds(db_path) == []
    current = collection_file.SCHEMA_VERSION
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(collection_file, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(
        store_db.MIGRATIONS,
        current + 1,
        lambda conn: conn.exec_driver_sql("CREATE TABLE extra (x)"),
    )
    open_database(f"sqlite:///{db_path}").close()
    [before] = list_backups(db_path)
    assert before.kind == "migration"
    with sqlite3.connect(before.path) as conn:
        assert conn.execute("SELECT value FROM meta").fetchone() == (str(current),)
        assert "extra" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    open_database(f"sqlite:///{db_path}").close()
    assert kinds(db_path) == ["migration"]


def test_backup_and_backups_commands(
    db: Database, db_path: Path, write_deck: WriteDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA\n")], START)
    assert main(["--db", str(db_path), "backups"]) == 0
    assert "No backups of" in capsys.readouterr().out
    assert main(["--db", str(db_path), "backup"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.is_file() and review_count(printed) == 0 and quick_check(printed) == "ok"
    assert main(["--db", str(db_path), "backups"]) == 0
    out = capsys.readouterr().out
    assert "tutor backup" in out and str(printed) in out and " MB " in out


def test_backups_of_a_non_sqlite_collection_say_they_are_for_sqlite(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for command in ("backup", "backups"):
        assert main(["--db", "postgresql://localhost/cards", command]) == 3
        assert "backups are for SQLite collections" in capsys.readouterr().err


def run_until_halfway(*args: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [*WORKER, *args],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.startswith("started"), line
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    return child


def test_kill_9_in_the_middle_of_a_backup_leaves_the_collection_whole(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    build_history(db, tmp_path / "decks")
    db.close()
    reviews = review_count(db_path)
    run_until_halfway("backup", str(db_path))
    assert quick_check(db_path) == "ok" and review_count(db_path) == reviews
    assert "manual" not in kinds(db_path)  # the half copy is never listed as a backup
    assert all(".partial" in p.name for p in backups_dir().glob("*manual*"))
    assert review_count(make_backup(db_path, "manual", START)) == reviews


def test_kill_9_in_the_middle_of_a_restore_leaves_the_old_collection_whole(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    build_history(db, tmp_path / "decks", days=1)
    older = make_backup(db_path, "manual", START)
    session = ReviewSession(
        db, Settings(timezone="UTC"), clock=lambda: START + timedelta(days=5), sync=False
    )
    while session.next_card() is not None:
        session.grade(None, 1000)
        session.answer(Grade.GOOD)
    db.close()
    reviews = review_count(db_path)
    assert reviews > review_count(older)
    run_until_halfway("restore", str(db_path), str(older))
    assert quick_check(db_path) == "ok" and review_count(db_path) == reviews
    reopened = open_database(f"sqlite:///{db_path}")
    reopened.close()
    assert review_count(db_path) == reviews

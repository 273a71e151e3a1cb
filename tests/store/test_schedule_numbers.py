"""Each card's last review in microseconds and interval in days: kept with every write of its
times, compared and repaired by `tutor check`, filled by the migration to schema 11."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.helpers.collection import START, build_history
from tests.helpers.migration_checks import (
    assert_backup_taken_first,
    assert_second_open_changes_nothing,
    raw,
    whole_file,
)
from tests.helpers.migration_kill import kill_at_the_migration_pause
from tests.helpers.version_10 import back_to_version_10
from tutor.browser import forget
from tutor.check import check_collection
from tutor.collection_file import SCHEMA_VERSION
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.reschedule import reschedule
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.stats import compute, compute_file
from tutor.store import integrity
from tutor.store.db import Database, open_database, schema_version

SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
LATER = START + timedelta(days=20)
# What the statistics computed from the times before schema 11 (whole days, rounded down, exact
# to the microsecond): the numbers must give the same
OLD_WHOLE_DAYS = (
    "(CAST(julianday(substr({later}, 1, 10)) - julianday(substr({earlier}, 1, 10)) AS INTEGER)"
    " - CASE WHEN substr({later}, 12) < substr({earlier}, 12) THEN 1 ELSE 0 END)"
)
DIFFERING = (
    "SELECT count(*) FROM card WHERE last_review IS NOT NULL AND (last_review_us IS NOT "
    "(unixepoch(substr(last_review, 1, 19)) * 1000000 + CAST(substr(last_review, 21) AS INTEGER))"
    f" OR interval_days IS NOT {OLD_WHOLE_DAYS.format(later='due', earlier='last_review')})"
)


def assert_numbers_agree(db: Database, db_path: Path) -> int:
    """The numbers equal what the times give, in Python and in the old SQL; return how many
    cards have them."""
    with db.read() as conn:
        assert integrity.wrong_schedule_numbers(conn) == []
    assert raw(db_path, DIFFERING) == [(0,)]
    assert raw(
        db_path,
        "SELECT count(*) FROM card WHERE last_review IS NULL AND "
        "(last_review_us IS NOT NULL OR interval_days IS NOT NULL)",
    ) == [(0,)]
    (with_numbers,) = raw(db_path, "SELECT count(*) FROM card WHERE interval_days IS NOT NULL")
    return int(with_numbers[0])


def test_every_write_of_a_card_s_times_keeps_its_numbers(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    """After answers, an undo, a forget, a rescheduling, a re-import that moves a card to another
    deck and retires one: every card's numbers are what its times give."""
    folder = tmp_path / "decks"
    build_history(db, folder, days=6)
    assert assert_numbers_agree(db, db_path) > 10
    session = ReviewSession(db, SETTINGS, clock=lambda: LATER, sync=False)
    shown = session.next_card()
    assert shown is not None
    session.answer(Grade.GOOD)
    assert_numbers_agree(db, db_path)
    session.undo()
    assert_numbers_agree(db, db_path)
    reviewed = raw(db_path, "SELECT min(id) FROM card WHERE last_review IS NOT NULL")[0][0]
    forget(db, int(reviewed), LATER)
    assert raw(
        db_path, f"SELECT last_review_us, interval_days FROM card WHERE id = {reviewed}"
    ) == [(None, None)]
    assert_numbers_agree(db, db_path)
    later_settings = Settings(timezone="UTC", defaults=DeckSettings(desired_retention=0.8))
    assert reschedule(db, later_settings, LATER).changed
    assert_numbers_agree(db, db_path)
    recall = folder / "recall.md"
    text = recall.read_text(encoding="utf-8")
    moved, kept = text.split("## Fact 3", 1)[1], text.split("## Fact 2", 1)[0]
    recall.write_text(kept)  # Fact 2 retired, Fact 3 on moves to another deck
    (folder / "moved.md").write_text("# Moved\n\n## Fact 3" + moved, encoding="utf-8")
    import_paths(db, [recall, folder / "moved.md"], LATER)
    decks = raw(
        db_path, "SELECT d.name FROM card c JOIN deck d ON d.id = c.deck_id WHERE c.slug = 'fact-3'"
    )
    assert decks == [("Moved",)]
    assert_numbers_agree(db, db_path)


def test_check_finds_a_wrong_number_and_repair_writes_it_again(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    build_history(db, tmp_path / "decks", days=6)
    expected = compute(db, SETTINGS, LATER).to_json()
    db.close()
    url = f"sqlite:///{db_path}"
    (card,) = raw(db_path, "SELECT min(id) FROM card WHERE interval_days IS NOT NULL")[0]
    raw(
        db_path,
        f"UPDATE card SET interval_days = interval_days + 400, "
        f"last_review_us = last_review_us - 1 WHERE id = {card}",
    )
    wrong = compute_file(db_path, SETTINGS, LATER)
    assert wrong is not None and wrong.to_json() != expected  # what the statistics count
    found = check_collection(url, SETTINGS)
    [finding] = [f for f in found.problems if f.kind == "schedule_numbers_differ"]
    assert finding.ids == (card,) and finding.repairable
    assert check_collection(url, SETTINGS, repair=True).clean
    assert check_collection(url, SETTINGS).clean
    repaired = compute_file(db_path, SETTINGS, LATER)
    assert repaired is not None and repaired.to_json() == expected


def version_10_collection(db: Database, db_path: Path, tmp_path: Path) -> dict[str, Any]:
    """A collection with a history put back at version 10; return its statistics as computed
    before."""
    build_history(db, tmp_path / "decks", days=6)
    expected = compute(db, SETTINGS, LATER).to_json()
    with db.write() as conn:
        back_to_version_10(conn)
    db.close()
    assert raw(db_path, "SELECT value FROM meta WHERE key = 'schema_version'") == [("10",)]
    return expected


def test_the_migration_fills_the_numbers_and_a_second_open_does_nothing(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    expected = version_10_collection(db, db_path, tmp_path)
    assert compute_file(db_path, SETTINGS, LATER) is None  # an older schema: the store migrates
    migrated = open_database(f"sqlite:///{db_path}")
    try:
        with migrated.read() as conn:
            assert schema_version(conn) == SCHEMA_VERSION
        assert assert_numbers_agree(migrated, db_path) > 10
        assert compute(migrated, SETTINGS, LATER).to_json() == expected
    finally:
        migrated.close()
    file_report = compute_file(db_path, SETTINGS, LATER)
    assert file_report is not None and file_report.to_json() == expected
    index = raw(db_path, "SELECT sql FROM sqlite_master WHERE name = 'ix_card_browse'")[0][0]
    assert "last_review_us" in index and "interval_days" in index
    assert_second_open_changes_nothing(db_path)


def copied(path: Path, folder: Path) -> Path:
    """The closed collection at `path` copied with SQLite's backup API into a folder of its own
    (a collection without backups yet)."""
    folder.mkdir()
    copy = folder / "collection.db"
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return copy


def test_the_backup_is_taken_first_and_holds_the_version_10_collection(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    version_10_collection(db, db_path, tmp_path)
    assert_backup_taken_first(copied(db_path, tmp_path / "copy"), "10")


def test_a_migration_killed_before_its_commit_leaves_version_10_whole(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    version_10_collection(db, db_path, tmp_path)
    before = whole_file(db_path)
    kill_at_the_migration_pause(db_path, tmp_path)
    assert whole_file(db_path) == before

"""Schema 13 -> 14 on the committed version-13 collection: each answer's choices kept on its
review row (no review_choice table), every card, answer and choice kept, all or nothing."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.collection import START, _Clock
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
from tests.helpers.version_13 import back_to_version_13
from tutor.check import check_collection
from tutor.cli import main
from tutor.collection_file import SCHEMA_VERSION
from tutor.config import DeckSettings, Settings, load_settings
from tutor.importer import import_paths
from tutor.session import ReviewSession
from tutor.store.db import Database, open_database, schema_version
from tutor.store.repository import export_collection

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURE = DATA / "collection-v13.db"
EXPORTED = DATA / "collection-v13-export.json"  # `tutor export` of FIXTURE by the version-13 code
UNCHANGED = ("card", "card_option", "review_rollup", "calibration_rollup", "deck")


@pytest.fixture
def v13(tmp_path: Path) -> Path:
    path = tmp_path / "collection.db"
    shutil.copyfile(FIXTURE, path)
    return path


def expected_export() -> dict[str, Any]:
    return dict(json.loads(EXPORTED.read_text(encoding="utf-8")))


def test_the_export_after_the_migration_is_the_export_before(v13: Path) -> None:
    after = exported(v13)
    chosen = [c for card in after["cards"] for r in card["reviews"] for c in r["chosen"]]
    several = [r for card in after["cards"] for r in card["reviews"] if len(r["chosen"]) > 1]
    assert len(after["cards"]) == 23 and len(chosen) == 95 and len(several) > 10
    assert after == expected_export()  # every card, state, review, choice (in order) and deck
    assert version_of(v13) == str(SCHEMA_VERSION)
    report = check_collection(f"sqlite:///{v13}", load_settings())
    assert not problems_but_gone_deck_files(report), report.problems


def test_each_answer_keeps_its_choices_on_its_row_and_review_choice_is_gone(v13: Path) -> None:
    before = whole_file(v13)
    open_database(f"sqlite:///{v13}").close()
    after = whole_file(v13)
    assert "review_choice" not in after
    assert review_choices(v13) == before["review_choice"]  # each choice, its place and day
    for table in UNCHANGED:  # the options' kept picks too: the migration counts nothing
        assert after[table] == before[table]
    assert [row[:-1] for row in after["review"]] == before["review"]  # one column added
    kinds = query(v13, "SELECT typeof(chosen_numbers), count(*) FROM review GROUP BY 1")
    assert dict(kinds) == {"null": 167 - 65, "text": 65}
    assert query(v13, "PRAGMA freelist_count") == [(0,)]  # vacuumed after it


def test_the_backup_is_taken_first_and_holds_the_version_13_collection(v13: Path) -> None:
    assert_backup_taken_first(v13, "13")


def test_a_second_open_changes_nothing(v13: Path) -> None:
    assert_second_open_changes_nothing(v13)


def test_undo_after_the_migration_restores_the_state_before(v13: Path) -> None:
    """The newest answer of each card undone: the card is exactly as the version-13 log said,
    the answer's choices gone with it and its options' picks counted again (`tutor check`)."""
    undone = undo_each_newest_answer(v13, expected_export()["cards"])
    assert len(undone) >= 15 and sum(bool(answer["chosen"]) for answer in undone) >= 5


def test_tutor_info_shows_the_schema_version(v13: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(v13), "info"]) == 0
    assert f"schema version: {SCHEMA_VERSION}" in capsys.readouterr().out


def test_a_migration_killed_midway_leaves_the_version_13_collection_whole(
    v13: Path, tmp_path: Path
) -> None:
    original = whole_file(v13)
    kill_at_the_migration_pause(v13, tmp_path)
    assert version_of(v13) == "13"
    assert whole_file(v13) == original
    assert exported(v13) == expected_export()  # migrates now
    assert version_of(v13) == str(SCHEMA_VERSION)


SELECT_ALL = """\
# Primes

## Pick every prime

- [x] 2 — even, and prime.
- [x] 3 — prime.
- [ ] 4 — two twos.
- [ ] 5 — {five}
"""


def test_migration_14_keeps_each_answers_choices_in_order_on_either_database(
    db: Database, tmp_path: Path
) -> None:
    """Choices put back as version 13 kept them migrate in place on SQLite and PostgreSQL: the
    export is the same before and after, each answer's choices in the order the card showed
    them, also where that is not the order their numbers were given in."""
    deck = tmp_path / "primes.md"
    deck.write_text(SELECT_ALL.format(five="prime, said wrongly wrong."), encoding="utf-8")
    import_paths(db, [deck], START)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    clock = _Clock(START)
    for picked in ([3], [0, 3], [0, 1], [1, 2, 3]):  # 5 numbered first, then 2, 3, 4
        session = ReviewSession(db, settings, clock=clock, sync=False)
        assert session.next_card() is not None
        session.grade(picked, 2000)
        session.answer()
        clock.now += timedelta(days=2)
    with db.read() as conn:
        before = export_collection(conn)
        kept = conn.execute(text("SELECT chosen_numbers FROM review ORDER BY id")).scalars().all()
    assert kept == ["0", "1 0", "1 2", "2 3 0"]
    chosen = [[c["text"] for c in r["chosen"]] for r in before["cards"][0]["reviews"]]
    assert chosen == [["5"], ["2", "5"], ["2", "3"], ["3", "4", "5"]]
    with db.write() as conn:
        back_to_version_13(conn)
    db.close()
    migrated = open_database(db.url)
    try:
        with migrated.read() as conn:
            assert schema_version(conn) == SCHEMA_VERSION
            assert export_collection(conn) == before
            again = conn.execute(text("SELECT chosen_numbers FROM review ORDER BY id"))
            assert again.scalars().all() == kept
    finally:
        migrated.close()

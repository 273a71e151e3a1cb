"""The statistics' rollups: kept with each answer and undo, rebuilt by the migration, checked."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import test_stats as hand_built
from tests.conftest import WriteDeck
from tests.helpers.collection import build_history
from tests.helpers.learner import simulate
from tests.helpers.migration_checks import raw
from tutor.backups import list_backups
from tutor.check import check_collection
from tutor.collection_file import SCHEMA_VERSION
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.stats import compute
from tutor.store import rollups
from tutor.store.choices import add_choices
from tutor.store.db import Database, open_database, schema_version
from tutor.store.tables import card_table, deck_table, review_table

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC")
V6_COLLECTION = Path(__file__).resolve().parent.parent / "data" / "collection-v6.db"


def rolled_reviews(db: Database) -> int:
    with db.read() as conn:
        return int(
            conn.exec_driver_sql("SELECT coalesce(sum(reviews), 0) FROM review_rollup").scalar_one()
        )


def logged_reviews(db: Database) -> int:
    with db.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM review").scalar_one())


def test_answers_and_undos_keep_the_rollups_equal_to_a_rebuild(
    db: Database, tmp_path: Path
) -> None:
    build_history(db, tmp_path / "decks")
    with db.read() as conn:
        assert rollups.in_step(conn) and rollups.differences(conn) == []
    answered = logged_reviews(db)
    assert answered > 0 and rolled_reviews(db) == answered

    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    later = NOW + timedelta(days=30)
    session = ReviewSession(db, settings, clock=lambda: later, sync=False)
    shown = session.next_card()
    assert shown is not None
    session.grade(None, 1500)
    session.answer(Grade.GOOD)
    assert rolled_reviews(db) == answered + 1
    session.undo()
    assert rolled_reviews(db) == answered == logged_reviews(db)
    with db.read() as conn:
        assert rollups.in_step(conn) and rollups.differences(conn) == []
        empty = conn.exec_driver_sql("SELECT count(*) FROM review_rollup WHERE reviews = 0")
        assert empty.scalar_one() == 0  # an undone day/hour leaves no row of zeros behind


def test_statistics_from_the_rollups_equal_statistics_from_the_log(db: Database) -> None:
    simulate(db, NOW, cards=120, days=200, tempting=0.3)  # written around the rollups
    simulate(db, NOW, cards=40, days=90, seed=3, deck="Learner::Sub")
    with db.write() as conn:
        conn.exec_driver_sql("DELETE FROM review_rollup")
        conn.exec_driver_sql("DELETE FROM calibration_rollup")
        assert not rollups.in_step(conn)  # so the statistics read the log
    from_log = {
        (deck, span): compute(db, SETTINGS, NOW, deck, span).to_json()
        for deck in (None, "Learner::Sub")
        for span in ("month", "year", "all")
    }
    with db.write() as conn:
        rollups.rebuild(conn)
    with db.read() as conn:
        assert rollups.in_step(conn)
    for (deck, span), expected in from_log.items():
        assert compute(db, SETTINGS, NOW, deck, span).to_json() == expected
    assert from_log[(None, "year")]["calibration"]["reviews"] > 1000
    assert (
        from_log[("Learner::Sub", "all")]["time"]["reviews"]
        < from_log[(None, "all")]["time"]["reviews"]
    )


def test_a_card_moved_to_another_deck_takes_its_answers_along(
    db: Database, write_deck: WriteDeck
) -> None:
    card = "## Moving\n<!-- id: moving-card -->\n\nIt moves.\n\n## Staying\n\nIt stays.\n"
    first = write_deck("first.md", "# First\n\n" + card)
    import_paths(db, [first], NOW)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    session = ReviewSession(db, settings, clock=lambda: NOW, sync=False)
    while session.next_card() is not None:
        session.grade(None, 1000)
        session.answer(Grade.GOOD)
    first.write_text("# First\n\n## Staying\n\nIt stays.\n", encoding="utf-8")
    second = write_deck(
        "second.md", "# Second\n\n## Moving\n<!-- id: moving-card -->\n\nIt moves.\n"
    )
    import_paths(db, [first, second], NOW + timedelta(hours=1))
    with db.read() as conn:
        assert rollups.in_step(conn) and rollups.differences(conn) == []
    with db.read() as conn:
        moving = conn.exec_driver_sql(
            "SELECT count(*) FROM review JOIN card ON card.id = review.card_id"
            " WHERE card.slug = 'moving-card'"
        ).scalar_one()
    total = logged_reviews(db)
    assert 0 < moving < total
    assert compute(db, SETTINGS, NOW, "Second").to_json()["today"]["reviews"] == moving
    assert compute(db, SETTINGS, NOW, "First").to_json()["today"]["reviews"] == total - moving


def test_the_migration_to_version_6_fills_the_rollups_from_the_log(tmp_path: Path) -> None:
    reference, db_path = tmp_path / "reference.db", tmp_path / "collection.db"
    shutil.copyfile(V6_COLLECTION, reference)
    shutil.copyfile(V6_COLLECTION, db_path)
    kept = open_database(f"sqlite:///{reference}")
    expected = compute(kept, SETTINGS, NOW, span="all").to_json()
    kept.close()
    raw(  # the version-5 schema: the version-6 collection without its rollups
        db_path,
        "DROP TABLE review_rollup",
        "DROP TABLE calibration_rollup",
        "UPDATE meta SET value = '5' WHERE key = 'schema_version'",
    )
    migrated = open_database(f"sqlite:///{db_path}")
    try:
        with migrated.read() as conn:
            assert schema_version(conn) == SCHEMA_VERSION
            assert rollups.in_step(conn) and rollups.differences(conn) == []
        assert compute(migrated, SETTINGS, NOW, span="all").to_json() == expected
        assert expected["calibration"]["reviews"] > 0 and expected["distractors"]
        assert [b for b in list_backups(db_path) if b.kind == "migration"]
    finally:
        migrated.close()
    again = open_database(f"sqlite:///{db_path}")  # a second open migrates nothing
    again.close()
    assert raw(db_path, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]


def test_check_reports_rollups_that_differ_and_repair_rebuilds_them(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    build_history(db, tmp_path / "decks")
    expected = compute(db, SETTINGS, NOW).to_json()
    db.close()
    url = f"sqlite:///{db_path}"
    assert check_collection(url, SETTINGS).clean
    raw(
        db_path,
        "UPDATE review_rollup SET passed = passed + 1"
        " WHERE (day, hour, deck_id) = (SELECT day, hour, deck_id FROM review_rollup LIMIT 1)",
        "UPDATE calibration_rollup SET predicted = predicted + 0.5 WHERE (fine_bin, day, deck_id)"
        " = (SELECT fine_bin, day, deck_id FROM calibration_rollup LIMIT 1)",
    )
    found = check_collection(url, SETTINGS)
    [finding] = [f for f in found.problems if f.kind == "rollups_differ"]
    assert finding.repairable and len(finding.ids) == 2
    assert {str(i).split()[0] for i in finding.ids} == {"review_rollup", "calibration_rollup"}
    repaired = check_collection(url, SETTINGS, repair=True)
    assert repaired.clean and [f.kind for f in repaired.repaired] == ["rollups_differ"]
    reopened = open_database(url)
    try:
        assert compute(reopened, SETTINGS, NOW).to_json() == expected
    finally:
        reopened.close()


@pytest.mark.parametrize(
    ("golden", "deck", "span"),
    [
        ("year", None, "year"),
        ("month", None, "month"),
        ("all", None, "all"),
        ("deck-D-all", "D", "all"),
    ],
)
def test_the_hand_built_log_read_from_rollups_prints_the_golden_bytes(
    db: Database, golden: str, deck: str | None, span: str
) -> None:
    with db.write() as conn:
        conn.execute(
            deck_table.insert().values(id=1, name="D", settings={}, created_at=NOW, updated_at=NOW)
        )
        conn.execute(card_table.insert(), hand_built.CARDS)
        conn.execute(review_table.insert(), [r for r, _ in hand_built.REVIEWS])
        add_choices(conn, [c for _, c in hand_built.REVIEWS])
        rollups.rebuild(conn)
        assert rollups.in_step(conn)
    report = compute(db, hand_built.SETTINGS, hand_built.NOW, deck, span)
    printed = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    assert printed == (hand_built.GOLDEN / f"{golden}.json").read_text(encoding="utf-8")

"""The correction for guessing's rollup: kept with answers, undos and re-imports, migrated in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.helpers.collection import START, build_history
from tests.helpers.migration_checks import raw
from tests.helpers.version_10 import back_to_version_10
from tutor.check import check_collection
from tutor.collection_file import SCHEMA_VERSION
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.stats import compute, compute_file
from tutor.store import rollups
from tutor.store.db import Database, open_database, schema_version

SETTINGS = Settings(timezone="UTC")
LATER = START + timedelta(days=20)
SELECT_ALL = """\
## Which one is right {i}?

- [x] Right {i} — because.
- [x] Also right {i} — as well.
- [ ] Wrong {i} — it is not.

Explanation: two are right.

"""
FIRST_ANSWERS = (  # what the correction for guessing counts, straight from the log
    "SELECT count(*) FROM review WHERE phase_before = 2 AND first_of_day = TRUE"
)


def guessing(db: Database, deck: str | None = None, span: str = "all") -> dict[str, Any]:
    shown: dict[str, Any] = compute(db, SETTINGS, LATER, deck, span).to_json()["guessing"]
    return shown


def from_the_log(db: Database, deck: str | None = None, span: str = "all") -> dict[str, Any]:
    """The same statistic with the rollups emptied (out of step: read from the log), then
    rebuilt."""
    with db.write() as conn:
        conn.exec_driver_sql("DELETE FROM review_rollup")
        assert not rollups.in_step(conn)
    try:
        return guessing(db, deck, span)
    finally:
        with db.write() as conn:
            rollups.rebuild(conn)


def test_the_rollup_counts_the_day_s_first_answers_of_review_cards(
    db: Database, tmp_path: Path
) -> None:
    build_history(db, tmp_path / "decks", days=10)
    with db.read() as conn:
        first = conn.exec_driver_sql(FIRST_ANSWERS).scalar_one()
        rolled = conn.exec_driver_sql("SELECT sum(reviews) FROM guess_rollup").scalar_one()
        shapes = conn.exec_driver_sql(
            "SELECT DISTINCT options, right_options FROM guess_rollup ORDER BY 1"
        ).all()
        assert rollups.differences(conn) == []
    assert first > 20 and rolled == first
    assert [tuple(s) for s in shapes] == [(0, 0), (2, 1)]  # recall cards; one right of two
    rows = guessing(db)
    assert rows["one_right"]["chance"] == 0.5 and rows["recall"]["reviews"] > 0
    for deck in (None, "Choices"):
        for span in ("month", "all"):
            assert guessing(db, deck, span) == from_the_log(db, deck, span)


def test_an_answer_and_its_undo_leave_the_rollup_as_a_rebuild_would(
    db: Database, tmp_path: Path
) -> None:
    build_history(db, tmp_path / "decks", days=10)
    before = guessing(db)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    session = ReviewSession(db, settings, clock=lambda: LATER, sync=False)
    shown = session.next_card()
    assert shown is not None and shown.card.state.phase == 2  # a review card: counted
    session.grade(None, 1500)
    session.answer(Grade.AGAIN)
    after = guessing(db)
    assert (
        sum(r["reviews"] for r in after.values()) == sum(r["reviews"] for r in before.values()) + 1
    )
    with db.read() as conn:
        assert rollups.differences(conn) == []
    session.undo()
    assert guessing(db) == before
    with db.read() as conn:
        assert rollups.differences(conn) == []
        left = conn.exec_driver_sql("SELECT count(*) FROM guess_rollup WHERE reviews = 0")
        assert left.scalar_one() == 0


def test_a_re_import_that_changes_a_card_s_options_moves_its_answers_to_them(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "decks"
    build_history(db, folder, days=10)
    one_right = guessing(db)
    choice = folder / "choice.md"
    choice.write_text("# Choices\n\n" + "".join(SELECT_ALL.format(i=i) for i in range(6)))
    import_paths(db, [choice], LATER)
    with db.read() as conn:
        assert rollups.in_step(conn) and rollups.differences(conn) == []
        shapes = conn.exec_driver_sql("SELECT DISTINCT options, right_options FROM guess_rollup")
        assert sorted(tuple(s) for s in shapes.all()) == [(0, 0), (3, 2)]
    select_all = guessing(db)
    rows = select_all
    assert rows["select_all"]["reviews"] > 0 and rows["select_all"]["chance"] == round(1 / 7, 4)
    assert rows["one_right"]["reviews"] == 0 and select_all != one_right
    assert select_all == from_the_log(db)


def test_check_finds_a_guess_rollup_row_that_differs_and_repair_rebuilds_it(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    build_history(db, tmp_path / "decks", days=10)
    expected = guessing(db)
    db.close()
    url = f"sqlite:///{db_path}"
    raw(
        db_path,
        "UPDATE guess_rollup SET passed = passed + 1 WHERE (day, deck_id, options, right_options)"
        " = (SELECT day, deck_id, options, right_options FROM guess_rollup LIMIT 1)",
    )
    found = check_collection(url, SETTINGS)
    [finding] = [f for f in found.problems if f.kind == "rollups_differ"]
    assert [str(i).split()[0] for i in finding.ids] == ["guess_rollup"]
    assert check_collection(url, SETTINGS, repair=True).clean
    reopened = open_database(url)
    try:
        assert guessing(reopened) == expected
    finally:
        reopened.close()


def test_the_migration_fills_the_rollup_from_the_log_and_a_second_open_does_nothing(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    build_history(db, tmp_path / "decks", days=10)
    expected = compute(db, SETTINGS, LATER).to_json()
    with db.write() as conn:
        back_to_version_10(conn)  # the later migrations' changes taken back first
    db.close()
    raw(
        db_path,
        "DROP TABLE guess_rollup",
        "UPDATE meta SET value = '9' WHERE key = 'schema_version'",
    )
    assert compute_file(db_path, SETTINGS, LATER) is None  # an older schema: the store migrates
    migrated = open_database(f"sqlite:///{db_path}")
    try:
        with migrated.read() as conn:
            assert schema_version(conn) == SCHEMA_VERSION
            assert rollups.in_step(conn) and rollups.differences(conn) == []
        assert compute(migrated, SETTINGS, LATER).to_json() == expected
    finally:
        migrated.close()
    rows = raw(db_path, "SELECT count(*), sum(reviews) FROM guess_rollup")
    assert rows[0][0] > 0 and rows[0][1] == raw(db_path, FIRST_ANSWERS)[0][0]
    file_report = compute_file(db_path, SETTINGS, LATER)
    assert file_report is not None and file_report.to_json() == expected
    again = open_database(f"sqlite:///{db_path}")
    again.close()
    assert raw(db_path, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]

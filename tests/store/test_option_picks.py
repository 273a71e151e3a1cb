"""Each card option's picks and first and last day picked: kept with every write of the log's
choices (answers, undo, a restored export), compared and repaired by `tutor check`, filled by
the migration to schema 13; the wrong picks the statistics count equal what the log gives."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests.helpers.collection import START, _Clock
from tests.helpers.migration_checks import (
    assert_backup_taken_first,
    assert_second_open_changes_nothing,
    raw,
    whole_file,
)
from tests.helpers.migration_kill import kill_at_the_migration_pause
from tests.helpers.version_12 import back_to_version_12, logged_picks
from tests.store.test_option_decks import (
    CARD,
    CARDS,
    PICKS,
    SETTINGS,
    answer_wrong,
    card_id,
    deck_file,
    picked_history,
)
from tests.store.test_schedule_numbers import copied
from tutor import stats_sql as sql
from tutor.card_history import card_info
from tutor.check import check_collection
from tutor.collection_file import SCHEMA_VERSION
from tutor.importer import import_paths
from tutor.queue_sql import in_decks
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.stats import compute, compute_file
from tutor.store import integrity
from tutor.store.db import Database, open_database, schema_version
from tutor.store.queue import StoreReader
from tutor.store.rebuild import rebuild
from tutor.store.repository import export_collection

# First days of a range: before every pick, on the picks' days, between them, after them all.
FIRST_DAYS = (None, -5, 0, 1, 2, 3, 10, 11, 30, 31, 95)


def picks_agree(db: Database) -> list[Any]:
    """No option's kept picks differ from the log's; WRONG_PICKS from the kept picks equals
    WRONG_PICKS from the log (schema 12's) for every deck and each deck, over ranges starting
    before, on, between and after the picks' days; return its rows over all time."""
    with db.read() as conn:
        assert integrity.wrong_option_picks(conn) == []
        decks = [int(i) for i in conn.scalars(text("SELECT id FROM deck ORDER BY id"))]
        today = int(conn.execute(text("SELECT min(day) FROM review")).scalar() or 0)
        reader = StoreReader(conn)
        every: list[Any] = []
        for deck_ids in (None, *([deck] for deck in decks)):
            filtered = in_decks(deck_ids, "o.active_deck_id")
            for offset in FIRST_DAYS:
                first = None if offset is None else today + offset
                kept = sql.WRONG_PICKS.format(
                    recent=sql.recent_picks(first), decks=filtered, cards=""
                )
                recent = "1 = 1" if first is None else f"r.day >= {first}"
                logged = logged_picks(kept, recent, filtered)
                assert logged != kept
                rows = reader.rows(kept, PICKS)
                assert rows == reader.rows(logged, PICKS), (deck_ids, offset)
                if deck_ids is None and first is None:
                    every = rows
    assert int(every[0][1]) > 0  # misconceptions counted
    return every


def kept(db: Database, card: int) -> list[Any]:
    """(number, picks, first day, last day) of the card's options."""
    with db.read() as conn:
        query = text(
            "SELECT number, picks, first_pick_day, last_pick_day FROM card_option "
            f"WHERE card_id = {card} ORDER BY number"
        )
        return [tuple(row) for row in conn.execute(query)]


def test_every_write_of_the_choices_keeps_each_option_s_picks(db: Database, tmp_path: Path) -> None:
    """Answers on several days, an undo (of an option's only pick and of a later pick), a
    re-import that rewords an option, moves a card, retires one and restores it, and a restored
    export: every option's picks and days stay what the log gives, and so do the wrong picks."""
    folder = tmp_path / "decks"
    folder.mkdir()
    first = deck_file(folder, "a", "Choices", list(range(CARDS)))
    second = deck_file(folder, "b", "Other", list(range(CARDS)))
    import_paths(db, [first, second], START)
    for day in range(3):
        answer_wrong(db, day)
    picks_agree(db)
    card = card_id(db, "a-0")
    assert [row[1:] for row in kept(db, card) if row[1]]  # picked, with its days

    first = deck_file(folder, "a", "Renamed", [0, 3], edit=" now")  # a-1 moves, a-2 retired
    second.write_text(
        second.read_text(encoding="utf-8") + CARD.format(i=1, deck="a"), encoding="utf-8"
    )
    import_paths(db, [first, second], START + timedelta(days=3))
    picks_agree(db)
    for day in (10, 30):  # the reworded option: a new number with picks of its own
        answer_wrong(db, day, pick=2)
    picks_agree(db)

    session = ReviewSession(db, SETTINGS, clock=_Clock(START + timedelta(days=90)), sync=False)
    shown = session.next_card()
    assert shown is not None
    before = kept(db, shown.card.id)
    session.grade([2], 3000)
    session.answer(Grade.AGAIN)
    picks_agree(db)
    assert kept(db, shown.card.id) != before
    session.undo()
    picks_agree(db)
    assert kept(db, shown.card.id) == before  # the undo gave the picks and days back

    first = deck_file(folder, "a", "Renamed", [0, 2, 3], edit=" now")  # a-2 restored
    import_paths(db, [first, second], START + timedelta(days=90))
    picks_agree(db)

    with db.read() as conn:
        data = export_collection(conn)
    restored_url = f"sqlite:///{tmp_path / 'restored.db'}"
    rebuild(restored_url, data, "export.json")
    restored = open_database(restored_url)
    try:
        assert picks_agree(restored) == picks_agree(db)
    finally:
        restored.close()


def test_an_undo_of_an_option_s_only_pick_leaves_it_unpicked(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    import_paths(db, [deck_file(folder, "a", "Choices", [0])], START)
    session = ReviewSession(db, SETTINGS, clock=_Clock(START), sync=False)
    assert session.next_card() is not None
    session.grade([1], 3000)
    session.answer(Grade.AGAIN)
    card = card_id(db, "a-0")
    day = last_answer_day(db)
    assert [row[1:] for row in kept(db, card)] == [(1, day, day)]
    session.undo()
    assert [row[1:] for row in kept(db, card)] == [(0, None, None)]
    with db.read() as conn:
        assert integrity.wrong_option_picks(conn) == []


def last_answer_day(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(text("SELECT max(day) FROM review")).scalar_one())


def test_check_finds_wrong_picks_and_repair_counts_them_again(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    expected = picked_history(db, tmp_path)
    db.close()
    url = f"sqlite:///{db_path}"
    counted = raw(db_path, "SELECT id FROM card WHERE slug = 'a-0'")[0][0]
    dated = raw(db_path, "SELECT id FROM card WHERE slug = 'b-3'")[0][0]
    raw(
        db_path,
        f"UPDATE card_option SET picks = picks + 5 WHERE card_id = {counted}",
        f"UPDATE card_option SET last_pick_day = last_pick_day - 1 WHERE card_id = {dated}",
    )
    wrong = compute_file(db_path, SETTINGS, START + timedelta(days=4))
    assert wrong is not None and wrong.to_json() != expected  # what the statistics count
    found = check_collection(url, SETTINGS)
    [finding] = [f for f in found.problems if f.kind == "option_picks_differ"]
    assert finding.ids == tuple(sorted((counted, dated))) and finding.repairable
    assert check_collection(url, SETTINGS, repair=True).clean
    assert check_collection(url, SETTINGS).clean
    repaired = compute_file(db_path, SETTINGS, START + timedelta(days=4))
    assert repaired is not None and repaired.to_json() == expected


def test_answers_naming_an_option_their_card_lacks_are_reported_not_repaired(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    """An answer whose kept choices name an option number its card does not have, or are not
    a number at all, is reported by id; the repair leaves the log as it is, and the export and
    card info show what the answer chose of the card's options."""
    picked_history(db, tmp_path)
    with db.read() as conn:
        exported_before = export_collection(conn)
    db.close()
    url = f"sqlite:///{db_path}"
    [(first, second)] = raw(
        db_path, "SELECT min(id), max(id) FROM review WHERE chosen_numbers IS NOT NULL"
    )
    [(card,)] = raw(db_path, f"SELECT card_id FROM review WHERE id = {second}")
    raw(
        db_path,
        f"UPDATE review SET chosen_numbers = chosen_numbers || ' 99' WHERE id = {first}",
        f"UPDATE review SET chosen_numbers = chosen_numbers || ' one' WHERE id = {second}",
    )
    before = whole_file(db_path)
    found = check_collection(url, SETTINGS, repair=True)
    [finding] = [f for f in found.problems if f.kind == "chosen_option_missing"]
    assert finding.ids == (first, second) and not finding.repairable
    assert "option_picks_differ" not in {f.kind for f in found.problems}  # 99 was never counted
    assert not found.clean and whole_file(db_path) == before
    reopened = open_database(url)
    try:
        with reopened.read() as conn:
            assert export_collection(conn)["cards"] == exported_before["cards"]
            info = card_info(StoreReader(conn), card, SETTINGS, START + timedelta(days=4))
    finally:
        reopened.close()
    assert info is not None and len(info.answers[-1].chosen) == 1


def version_12_collection(db: Database, db_path: Path, tmp_path: Path) -> dict[str, Any]:
    """A collection with wrong picks put back at version 12; its statistics as computed before."""
    expected = picked_history(db, tmp_path)
    with db.write() as conn:
        back_to_version_12(conn)
    db.close()
    assert raw(db_path, "SELECT value FROM meta WHERE key = 'schema_version'") == [("12",)]
    return expected


def test_the_migration_fills_the_picks_and_a_second_open_does_nothing(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    expected = version_12_collection(db, db_path, tmp_path)
    assert compute_file(db_path, SETTINGS, START + timedelta(days=4)) is None  # the store migrates
    migrated = open_database(f"sqlite:///{db_path}")
    try:
        with migrated.read() as conn:
            assert schema_version(conn) == SCHEMA_VERSION
        picks_agree(migrated)
        assert compute(migrated, SETTINGS, START + timedelta(days=4)).to_json() == expected
    finally:
        migrated.close()
    assert raw(db_path, "SELECT count(*) FROM card_option WHERE picks = 0") == [(0,)]
    file_report = compute_file(db_path, SETTINGS, START + timedelta(days=4))
    assert file_report is not None and file_report.to_json() == expected
    assert_second_open_changes_nothing(db_path)


def test_the_backup_is_taken_first_and_holds_the_version_12_collection(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    version_12_collection(db, db_path, tmp_path)
    assert_backup_taken_first(copied(db_path, tmp_path / "copy"), "12")


def test_a_migration_killed_before_its_commit_leaves_version_12_whole(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    version_12_collection(db, db_path, tmp_path)
    before = whole_file(db_path)
    kill_at_the_migration_pause(db_path, tmp_path)
    assert whole_file(db_path) == before

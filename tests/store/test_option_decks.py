"""Each card option's deck (NULL once its card is retired): kept with every write of a card's
deck or retirement and of new options, compared and repaired by `tutor check`, filled by the
migration to schema 12; the wrong picks the statistics count equal what the card table gives."""

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
from tests.helpers.version_11 import back_to_version_11
from tests.helpers.version_12 import logged_picks
from tests.store.test_schedule_numbers import copied
from tutor import stats_sql as sql
from tutor.check import check_collection
from tutor.chosen import CHOSE
from tutor.collection_file import SCHEMA_VERSION
from tutor.config import DeckSettings, Settings
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

SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, new_per_day=50))
CARDS = 4
CARD = """\
## Which {i} is right?
<!-- id: {deck}-{i} -->

- [x] Right {i} — because.
- [ ] Wrong {i} — it is not.
- [ ] Also wrong {i} — neither.

"""
# The wrong options' picks as schema 11 counted them: each option's card looked up for its
# deck and retirement (the part of WRONG_PICKS that schema 12 replaced).
CARD_LOOKUP = (
    "WITH w AS MATERIALIZED (SELECT o.card_id, MAX(c.deck_id) AS deck_id, o.text, "
    "count(*) AS picked, "
    "count(*) FILTER (WHERE {recent}) AS recent, MAX(r.day) AS last_day "
    "FROM card_option o CROSS JOIN review r CROSS JOIN card c "
    f"WHERE r.card_id = o.card_id AND {CHOSE.format(review='r', option='o')} "
    "AND c.id = o.card_id AND o.correct = FALSE AND c.retired = FALSE {decks} {cards} "
)
PICKS = {"limit": 20, "at_least": 2, "top": 20}


def deck_file(folder: Path, name: str, title: str, numbers: list[int], edit: str = "") -> Path:
    """A deck of choice cards (ids `name-i`); `edit` rewords card 0's second wrong option."""
    text = f"# {title}\n\n" + "".join(CARD.format(i=i, deck=name) for i in numbers)
    path = folder / f"{name}.md"
    path.write_text(text.replace("Also wrong 0", f"Also wrong 0{edit}"), encoding="utf-8")
    return path


def answer_wrong(db: Database, day: int, pick: int = 1) -> None:
    """A day's answers picking the wrong option at `pick` (1 or 2) of every due card."""
    clock = _Clock(START + timedelta(days=day))
    session = ReviewSession(db, SETTINGS, clock=clock, sync=False)
    for _ in range(8 * CARDS):
        if session.next_card() is None:
            break
        session.grade([pick], 3000)
        session.answer(Grade.GOOD)  # on through the learning steps: every card has its turn
        clock.now += timedelta(minutes=11)


def wrong_picks(db: Database, deck_ids: list[int] | None) -> tuple[list[Any], list[Any]]:
    """WRONG_PICKS' rows as schema 11 read them (the card looked up) and as schema 12 (each
    option keeps its deck; the picks read from the log as then: `version_12.logged_picks`)."""
    recent, old_decks = "r.day >= 0", in_decks(deck_ids)
    new_decks = in_decks(deck_ids, "o.active_deck_id")
    now = logged_picks(sql.WRONG_PICKS.format(recent="", decks="", cards=""), recent, new_decks)
    head = now[: now.index("GROUP BY o.card_id")]
    before = now.replace(head, CARD_LOOKUP.format(recent=recent, decks=old_decks, cards=""))
    assert before != now
    with db.read() as conn:
        reader = StoreReader(conn)
        return reader.rows(before, PICKS), reader.rows(now, PICKS)


def assert_decks_agree(db: Database) -> list[Any]:
    """No option's deck differs from its card's; the wrong picks, over every deck and over each
    deck, are what the card table gives; return them (every deck)."""
    with db.read() as conn:
        assert integrity.wrong_option_decks(conn) == []
        decks = [int(i) for i in conn.scalars(text("SELECT id FROM deck ORDER BY id"))]
    every_deck = wrong_picks(db, None)
    for before, now in (every_deck, *(wrong_picks(db, [deck]) for deck in decks)):
        assert now == before
    rows = every_deck[1]
    assert int(rows[0][1]) > 0  # misconceptions counted
    return rows


def misconception_cards(rows: list[Any]) -> set[int]:
    return {int(row[1]) for row in rows if int(row[0]) == 1}


def card_id(db: Database, slug: str) -> int:
    with db.read() as conn:
        return int(conn.execute(text(f"SELECT id FROM card WHERE slug = '{slug}'")).scalar_one())


def test_every_write_of_a_card_s_deck_or_retirement_keeps_its_options_deck(
    db: Database, tmp_path: Path
) -> None:
    """Answers (new options), an undo, a re-import that moves a card to another deck, retires
    one, rewords an option, renames a deck and restores the retired card, and a restored
    export: every option keeps its card's deck, and the wrong picks stay what they were."""
    folder = tmp_path / "decks"
    folder.mkdir()
    first = deck_file(folder, "a", "Choices", list(range(CARDS)))
    second = deck_file(folder, "b", "Other::Sub", list(range(CARDS)))
    import_paths(db, [first, second], START)
    for day in range(3):
        answer_wrong(db, day)
    rows = assert_decks_agree(db)
    moved, retired = card_id(db, "a-1"), card_id(db, "a-2")
    assert {moved, retired} <= misconception_cards(rows)

    # a-1 moves to deck b, a-2 is retired, a-0's second wrong option reworded, deck a renamed
    first = deck_file(folder, "a", "Renamed", [0, 3], edit=" now")
    second.write_text(
        second.read_text(encoding="utf-8") + CARD.format(i=1, deck="a"), encoding="utf-8"
    )
    import_paths(db, [first, second], START + timedelta(days=3))
    rows = assert_decks_agree(db)
    assert retired not in misconception_cards(rows) and moved in misconception_cards(rows)
    with db.read() as conn:
        b = conn.execute(text("SELECT id FROM deck WHERE name = 'Other::Sub'")).scalar()
        moved_decks = conn.execute(
            text(f"SELECT DISTINCT active_deck_id FROM card_option WHERE card_id = {moved}")
        ).all()
        retired_decks = conn.execute(
            text(f"SELECT DISTINCT active_deck_id FROM card_option WHERE card_id = {retired}")
        ).all()
    assert moved_decks == [(b,)] and retired_decks == [(None,)]

    for day in (10, 30):  # picks of the reworded option: a new option number
        answer_wrong(db, day, pick=2)
    assert_decks_agree(db)
    reworded = "SELECT count(*) FROM card_option WHERE text LIKE 'Also wrong 0 now%'"
    with db.read() as conn:
        assert conn.execute(text(reworded)).scalar() == 1
    session = ReviewSession(db, SETTINGS, clock=_Clock(START + timedelta(days=90)), sync=False)
    assert session.next_card() is not None
    session.grade([2], 3000)
    session.answer(Grade.AGAIN)
    assert_decks_agree(db)
    session.undo()
    assert_decks_agree(db)

    first = deck_file(folder, "a", "Renamed", [0, 2, 3], edit=" now")  # a-2 restored
    import_paths(db, [first, second], START + timedelta(days=90))
    rows = assert_decks_agree(db)
    assert retired in misconception_cards(rows)

    first.write_text(first.read_text(encoding="utf-8").replace("## Which 2", "## Gone 2"))
    import_paths(db, [first, second], START + timedelta(days=90))  # retired again, one added

    with db.read() as conn:
        data = export_collection(conn)
    restored_url = f"sqlite:///{tmp_path / 'restored.db'}"
    rebuild(restored_url, data, "export.json")
    restored = open_database(restored_url)
    try:
        assert_decks_agree(restored)
    finally:
        restored.close()
    assert_decks_agree(db)


def picked_history(db: Database, tmp_path: Path) -> dict[str, Any]:
    """Two decks, three days of wrong picks, one card retired; the statistics as computed."""
    folder = tmp_path / "decks"
    folder.mkdir()
    first = deck_file(folder, "a", "Choices", list(range(CARDS)))
    second = deck_file(folder, "b", "Other", list(range(CARDS)))
    import_paths(db, [first, second], START)
    for day in range(3):
        answer_wrong(db, day)
    import_paths(db, [deck_file(folder, "a", "Choices", [0, 1, 3]), second], START)
    report = compute(db, SETTINGS, START + timedelta(days=4)).to_json()
    assert report["misconceptions"]["cards"] >= CARDS
    return report


def test_check_finds_a_wrong_option_deck_and_repair_writes_it_again(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    expected = picked_history(db, tmp_path)
    db.close()
    url = f"sqlite:///{db_path}"
    moved = raw(db_path, "SELECT id FROM card WHERE slug = 'a-1'")[0][0]
    retired = raw(db_path, "SELECT id FROM card WHERE slug = 'a-2'")[0][0]
    raw(
        db_path,
        f"UPDATE card_option SET active_deck_id = (SELECT id FROM deck WHERE name = 'Other') "
        f"WHERE card_id IN ({moved}, {retired})",
    )
    wrong = compute_file(db_path, SETTINGS, START + timedelta(days=4))
    assert wrong is not None and wrong.to_json() != expected  # what the statistics count
    found = check_collection(url, SETTINGS)
    [finding] = [f for f in found.problems if f.kind == "option_decks_differ"]
    assert finding.ids == tuple(sorted((moved, retired))) and finding.repairable
    assert check_collection(url, SETTINGS, repair=True).clean
    assert check_collection(url, SETTINGS).clean
    repaired = compute_file(db_path, SETTINGS, START + timedelta(days=4))
    assert repaired is not None and repaired.to_json() == expected


def version_11_collection(db: Database, db_path: Path, tmp_path: Path) -> dict[str, Any]:
    """A collection with wrong picks put back at version 11; its statistics as computed before."""
    expected = picked_history(db, tmp_path)
    with db.write() as conn:
        back_to_version_11(conn)
    db.close()
    assert raw(db_path, "SELECT value FROM meta WHERE key = 'schema_version'") == [("11",)]
    return expected


def test_the_migration_fills_the_option_decks_and_a_second_open_does_nothing(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    expected = version_11_collection(db, db_path, tmp_path)
    assert compute_file(db_path, SETTINGS, START + timedelta(days=4)) is None  # the store migrates
    migrated = open_database(f"sqlite:///{db_path}")
    try:
        with migrated.read() as conn:
            assert schema_version(conn) == SCHEMA_VERSION
        assert_decks_agree(migrated)
        assert compute(migrated, SETTINGS, START + timedelta(days=4)).to_json() == expected
    finally:
        migrated.close()
    assert raw(db_path, "SELECT count(*) FROM card_option WHERE active_deck_id IS NULL") == [
        (1,)  # the retired card's option (options are stored as picked)
    ]
    file_report = compute_file(db_path, SETTINGS, START + timedelta(days=4))
    assert file_report is not None and file_report.to_json() == expected
    assert_second_open_changes_nothing(db_path)


def test_the_backup_is_taken_first_and_holds_the_version_11_collection(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    version_11_collection(db, db_path, tmp_path)
    assert_backup_taken_first(copied(db_path, tmp_path / "copy"), "11")


def test_a_migration_killed_before_its_commit_leaves_version_11_whole(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    version_11_collection(db, db_path, tmp_path)
    before = whole_file(db_path)
    kill_at_the_migration_pause(db_path, tmp_path)
    assert whole_file(db_path) == before

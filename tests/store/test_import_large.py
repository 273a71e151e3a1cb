"""A large import: every card stored, ids moved from another deck in more than one lookup."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import NOW
from tutor import importer
from tutor.card_options import decode_options
from tutor.deck.parser import parse_file
from tutor.importer import import_paths
from tutor.store import sync
from tutor.store.db import Database, open_database
from tutor.store.tables import card_table, deck_table

CARDS = sync.LARGE_INSERT + 300  # above the size that raises SQLite's page cache
MOVED = range(0, 1200, 2)  # ids the second deck takes over: more than one lookup's worth


def deck(title: str, numbers: Iterable[int]) -> str:
    cards = [
        f"## Question {n}?\n<!-- id: q-{n} -->\n\n"
        f"- [x] Right {n} — because {n}.\n- [ ] Wrong {n} -- not {n}.\n- [ ] Other {n}\n\n"
        f"Explanation: card {n}.\n"
        for n in numbers
    ]
    return f"# {title}\n\n" + "\n".join(cards)


def stored(db: Database) -> dict[str, tuple[int, str, str]]:
    """Every card by id: its row id, deck name and options as stored."""
    with db.read() as conn:
        rows = conn.execute(
            select(card_table.c.slug, card_table.c.id, deck_table.c.name, card_table.c.options)
            .join(deck_table, deck_table.c.id == card_table.c.deck_id)
            .where(card_table.c.retired.is_(False))
        )
        return {row.slug: (row.id, row.name, row.options) for row in rows}


def test_a_large_import_stores_every_card_and_a_second_deck_takes_ids_over(
    db: Database, tmp_path: Path
) -> None:
    first = tmp_path / "first.md"
    first.write_text(deck("First", range(CARDS)), encoding="utf-8")
    [report] = import_paths(db, [first], NOW).decks
    assert (report.added, report.updated, report.retired) == (CARDS, 0, 0)
    before = stored(db)
    assert len(before) == CARDS
    assert decode_options(before["q-7"][2]) == [
        {"text": "Right 7", "correct": True, "reasoning": "because 7."},
        {"text": "Wrong 7", "correct": False, "reasoning": "not 7."},
        {"text": "Other 7", "correct": False, "reasoning": ""},
    ]

    kept = [n for n in range(CARDS) if n not in MOVED]
    first.write_text(deck("First", kept), encoding="utf-8")
    second = tmp_path / "second.md"
    second.write_text(deck("Second", MOVED), encoding="utf-8")
    reports = {r.name: r for r in import_paths(db, [first, second], NOW).decks}
    assert reports["Second"].added == 0  # every card found again by its id, none new
    assert reports["Second"].updated + reports["Second"].restored == len(MOVED)
    after = stored(db)
    assert {slug: row_id for slug, (row_id, _, _) in after.items()} == {
        slug: row_id for slug, (row_id, _, _) in before.items()
    }  # every card kept its row (and so its history)
    assert {after[f"q-{n}"][1] for n in MOVED} == {"Second"}
    assert {after[f"q-{n}"][1] for n in kept} == {"First"}


def test_a_large_insert_leaves_the_page_cache_as_it_was(tmp_path: Path) -> None:
    """The larger page cache is for the insert only: the connection (which a review session
    may use next) keeps SQLite's default memory."""
    path = tmp_path / "large.md"
    path.write_text(deck("Large", range(CARDS)), encoding="utf-8")
    parsed = parse_file(path)
    db = open_database(f"sqlite:///{tmp_path / 'collection.db'}")
    try:
        with db.write() as conn:
            default = conn.exec_driver_sql("PRAGMA cache_size").scalar()
            assert sync.sync_deck(conn, parsed, str(path), NOW).added == CARDS
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == default
        with db.read() as conn:
            assert conn.execute(select(func.count()).select_from(card_table)).scalar() == CARDS
    finally:
        db.close()


def test_a_large_insert_stores_what_a_single_insert_with_the_defaults_stores(
    tmp_path: Path,
) -> None:
    """The bulk insert writes the columns' constant defaults into its text (0, NULL) and binds
    the content hash as a bytearray: each stored value and its SQLite type are those of an
    ordinary insert that leaves the defaults to SQLAlchemy."""
    path = tmp_path / "large.md"
    path.write_text(deck("Large", range(CARDS)), encoding="utf-8")
    card = parse_file(path).cards[0]
    db = open_database(f"sqlite:///{tmp_path / 'collection.db'}")
    try:
        assert import_paths(db, [path], NOW).decks[0].added == CARDS
        with db.write() as conn:
            deck_id = conn.execute(select(deck_table.c.id)).scalar_one()
            conn.execute(
                card_table.insert().values(
                    deck_id=deck_id,
                    slug="reference",
                    key="reference",
                    kind="choice",
                    question=card.question,
                    content_hash=card.content_hash(),
                    position=CARDS,
                    created_at=NOW,
                )
            )
            names = [
                column.key
                for column in card_table.columns
                if column.key not in ("id", "slug", "key", "position", "question", "body")
                and column.key not in ("options", "explanation", "answer", "source_line")
            ]
            typed = ", ".join(f'"{name}", typeof("{name}")' for name in names)
            rows = {
                row[0]: row[1:]
                for row in conn.exec_driver_sql(
                    f"SELECT slug, {typed} FROM card WHERE slug IN ('q-0', 'reference')"
                )
            }
        assert rows["q-0"] == rows["reference"]
        stored = dict(zip(names, rows["q-0"][::2], strict=True))
        assert stored["content_hash"] == bytes.fromhex(card.content_hash())
        assert stored["retired"] == 0 and stored["last_review_us"] is None
    finally:
        db.close()


def _every_value(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every card and deck row, each value with its SQLite type."""
    tables = {"card": [c.key for c in card_table.columns], "deck": [c.key for c in deck_table.c]}
    typed = {
        table: ", ".join(f'"{n}", typeof("{n}")' for n in names) for table, names in tables.items()
    }
    with db.read() as conn:
        return {
            table: list(conn.exec_driver_sql(f"SELECT {columns} FROM {table} ORDER BY id"))
            for table, columns in typed.items()
        }


def test_a_new_plain_deck_inserted_from_rows_stores_what_its_cards_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new deck of plain cards is imported from the parser's rows, no `Card`s: every card and
    deck value, and its SQLite type, is what `sync_deck` stores from the careful path's cards;
    a re-import then finds every card unchanged."""
    path = tmp_path / "large.md"
    path.write_text(deck("Large", range(CARDS)), encoding="utf-8")
    from_rows = open_database(f"sqlite:///{tmp_path / 'rows.db'}")
    from_cards = open_database(f"sqlite:///{tmp_path / 'cards.db'}")
    try:
        with monkeypatch.context() as patched:  # no `Card`: the file is read once, as rows
            patched.setattr(importer, "sync_deck", None)
            patched.setattr(importer, "parse_bytes", None)
            [report] = import_paths(from_rows, [path], NOW).decks
        assert (report.added, report.updated, report.unchanged) == (CARDS, 0, 0)
        with from_cards.write() as conn:
            sync.sync_deck(conn, parse_file(path), str(path), NOW)
        assert _every_value(from_rows) == _every_value(from_cards)
        path.write_text(deck("Large", range(CARDS)) + "\n", encoding="utf-8")  # bytes changed
        [again] = import_paths(from_rows, [path], NOW).decks
        assert (again.added, again.updated, again.unchanged) == (0, 0, CARDS)
    finally:
        from_rows.close()
        from_cards.close()

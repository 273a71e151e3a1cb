"""An id added to (or dropped from) a card whose content is unchanged is stored at once."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import NOW, WriteDeck
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.store.tables import card_table


def slugs(db: Database) -> dict[int, str | None]:
    with db.read() as conn:
        return {
            row.id: row.slug for row in conn.execute(select(card_table.c.id, card_table.c.slug))
        }


def test_an_id_added_to_an_unchanged_card_is_stored_and_then_follows_it_to_another_deck(
    db: Database, write_deck: WriteDeck
) -> None:
    first = write_deck("a.md", "# A\n\n## What is pruning?\n\nRemoving weights.\n")
    import_paths(db, [first], NOW)
    [card_id] = slugs(db)
    write_deck("a.md", "# A\n\n## What is pruning?\n<!-- id: pruning -->\n\nRemoving weights.\n")
    [result] = import_paths(db, [first], NOW).decks
    assert (result.added, result.updated, result.unchanged) == (0, 1, 0)
    assert slugs(db) == {card_id: "pruning"}

    write_deck("a.md", "# A\n\n## Other?\n\nText.\n")
    second = write_deck("b.md", "# B\n\n## What is pruning?\n<!-- id: pruning -->\n\nRemoving.\n")
    report = import_paths(db, [first, second], NOW)
    assert report.errors == []
    assert slugs(db)[card_id] == "pruning"  # the same card, moved with its id


def test_an_id_dropped_from_a_card_is_released(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("a.md", "# A\n\n## What is pruning?\n<!-- id: pruning -->\n\nRemoving.\n")
    import_paths(db, [path], NOW)
    write_deck("a.md", "# A\n\n## What is pruning?\n\nRemoving.\n")
    [result] = import_paths(db, [path], NOW).decks
    assert (result.updated, result.unchanged) == (1, 0)
    assert list(slugs(db).values()) == [None]

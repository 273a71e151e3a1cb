"""The stdlib preview of the first card: a missing collection, an unknown deck, unchanged files.

That it agrees with the session is proven with every other reader in test_queue_contract.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import WriteDeck
from tests.test_session import START, recall_deck
from tutor.config import Settings
from tutor.errors import NotFoundError
from tutor.importer import import_paths
from tutor.peek import first_card
from tutor.store.db import Database


def test_unknown_deck_and_missing_collection(db_path: Path, tmp_path: Path) -> None:
    assert first_card(tmp_path / "none.db", Settings(), START) is None
    with pytest.raises(NotFoundError):
        first_card(tmp_path / "none.db", Settings(), START, ["Nope"])


def test_unchanged_decks_lets_review_skip_the_import(
    db: Database, db_path: Path, write_deck: WriteDeck, tmp_path: Path
) -> None:
    from tutor.peek import unchanged_decks

    path = write_deck("r.md", recall_deck(2, "Recall"))
    import_paths(db, [path], START)
    folder = str(tmp_path / "decks")
    assert unchanged_decks(db_path, [str(path)]) == ["Recall"]
    assert unchanged_decks(db_path, [folder]) == ["Recall"]
    write_deck("new.md", recall_deck(1, "New"))
    assert unchanged_decks(db_path, [folder]) is None  # a file never imported
    assert unchanged_decks(db_path, [str(path)]) == ["Recall"]
    path.write_text(path.read_text() + "\n## More\n\nyes\n", encoding="utf-8")
    assert unchanged_decks(db_path, [str(path)]) is None  # edited since
    assert unchanged_decks(db_path, [str(tmp_path / "missing.md")]) is None

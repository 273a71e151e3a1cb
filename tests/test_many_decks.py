"""A folder of 5,000 deck files imports, and a session and its preview select all of its decks."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.peek import preview, unchanged_decks
from tutor.session import ReviewSession
from tutor.store.db import Database

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
DECK_FILES = 5000


@pytest.fixture
def big_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    for i in range(DECK_FILES):
        (folder / f"deck-{i:04}.md").write_text(
            f"# Deck {i:04}\n\n## Question {i}?\n\nAnswer {i}.\n", encoding="utf-8"
        )
    return folder


def test_review_of_a_folder_of_5000_deck_files(
    db: Database, db_path: Path, big_folder: Path
) -> None:
    report = import_paths(db, [big_folder], NOW)
    assert report.errors == [] and len(report.decks) == DECK_FILES
    names = unchanged_decks(db_path, [str(big_folder)])
    assert names is not None and len(names) == DECK_FILES

    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
    first = preview(db_path, settings, NOW, names, random.Random(1))
    assert first is not None and first.card.deck_name == "Deck 0000"

    session = ReviewSession(db, settings, names, clock=lambda: NOW)
    assert len(session.decks) == DECK_FILES
    assert session.sync_report is not None and session.sync_report.errors == []
    assert session.remaining().new == DECK_FILES  # one new card per deck, each under its limit
    card = session.next_card()
    assert card is not None and card.card.id == first.card.id

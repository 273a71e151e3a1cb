"""A few pictures of the screens at 80x24; refresh them with --snapshot-update."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from tests.conftest import SEED_DECK, WriteDeck
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SIZE = (80, 24)


def app_for(db: Database, review: bool = True) -> TutorApp:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    return TutorApp(
        db, settings, start_in_review=review, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


def test_question(db: Database, snap_compare: Any) -> None:
    import_paths(db, [SEED_DECK], NOW)
    assert snap_compare(app_for(db), terminal_size=SIZE)


async def pick_a_wrong_option(pilot: Any) -> None:
    await pilot.pause()
    presented = pilot.app.screen.presented
    number = next(
        n for n, i in enumerate(presented.order, 1) if not presented.card.options[i]["correct"]
    )
    await pilot.press(str(number))


def test_wrong_answer_with_reasoning(db: Database, snap_compare: Any) -> None:
    import_paths(db, [SEED_DECK], NOW)
    assert snap_compare(app_for(db), terminal_size=SIZE, run_before=pick_a_wrong_option)


def test_summary(db: Database, write_deck: WriteDeck, snap_compare: Any) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA.\n")], NOW)
    assert snap_compare(app_for(db), terminal_size=SIZE, press=["space", "4"])  # Easy: done


def test_home(db: Database, snap_compare: Any) -> None:
    import_paths(db, [SEED_DECK], NOW)
    assert snap_compare(app_for(db, review=False), terminal_size=SIZE)

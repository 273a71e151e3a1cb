"""Quitting a review before rating a card says what is still due, not "Nothing due"."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from tests.conftest import SEED_DECK
from tests.tui.settle import settle
from tutor.cli import _print_summary
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))


async def test_quitting_on_the_first_answer_before_rating_names_the_cards_still_due(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    import_paths(db, [SEED_DECK], NOW)
    app = TutorApp(
        db, SETTINGS, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("space")  # the answer is shown, no rating given
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
    _print_summary(app)  # what `tutor review` prints when its screen closes
    assert capsys.readouterr().out == "No card answered. Still due today: 10.\n"

"""Keypress -> next card: the work between an answer's key and its frame, kept short."""

from __future__ import annotations

import gc
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SEED_DECK
from tutor.config import DeckSettings, Settings
from tutor.grades import Grade
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens import review, review_flags
from tutor.tui.screens.review import ReviewScreen

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def make_app(db: Database) -> TutorApp:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    return TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


async def test_no_collection_runs_between_the_rating_key_and_the_next_card(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(db, [SEED_DECK], NOW)
    seen: list[bool] = []
    real_commit = review_flags.commit

    def commit(screen: ReviewScreen, grade: Grade) -> None:
        seen.append(gc.isenabled())
        real_commit(screen, grade)
        seen.append(gc.isenabled())

    monkeypatch.setattr(review_flags, "commit", commit)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.presented is not None
        first = screen.presented.card.id
        await pilot.press("space", "3")
        await pilot.pause()
        assert screen.presented is not None and screen.presented.card.id != first
        assert gc.isenabled()  # the owed collections ran once the next card was on screen
    assert seen == [False, False]  # held off while the answer was saved and the card drawn
    assert gc.isenabled()


async def test_collections_run_again_when_the_review_ends_before_a_frame(db: Database) -> None:
    import_paths(db, [SEED_DECK], NOW)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("space", "3", "q")
    assert gc.isenabled()


def test_review_screen_module_stays_under_250_lines() -> None:
    lines = Path(review.__file__).read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250

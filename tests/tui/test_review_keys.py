"""Keypress -> next card: the work between an answer's key and its frame, kept small."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Static

from tests.conftest import SEED_DECK
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens import review
from tutor.tui.screens.review import ReviewScreen
from tutor.tui.widgets.status_bar import StatusBar

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def make_app(db: Database) -> TutorApp:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    return TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


async def test_one_line_widgets_change_without_laying_out_the_screen(db: Database) -> None:
    import_paths(db, [SEED_DECK], NOW)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.presented is not None
        await pilot.press("space", "3")  # an answer: the last line and the hint change
        await pilot.pause()
        assert "Saved: Good" in str(screen.query_one("#last", Static).content)
        assert str(screen.query_one("#hint", Static).content).startswith("Press 1-")
        lines = [screen.query_one(StatusBar), *screen.query("#last, #hint").results(Static)]
        layouts = [line._layout_updates for line in lines]
        screen.update_status()  # the clock's tick, every second
        screen.say("Buried until tomorrow. u undoes it.")
        screen._update_hint()
        assert [line._layout_updates for line in lines] == layouts  # repainted, not laid out
        status = str(screen.query_one(StatusBar).content)
        assert "new 8  learning 1" in status and "done 1" in status
        assert str(screen.query_one("#last", Static).content).startswith("Buried until")


def test_review_screen_module_stays_under_250_lines() -> None:
    lines = Path(review.__file__).read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250

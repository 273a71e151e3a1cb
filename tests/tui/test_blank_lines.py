"""The review screen and its card area draw their own lines as blanks without Textual's work a
line: the cells are the ones Textual draws, style for style, at 80x24 and 160x48."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tests.conftest import SEED_DECK
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def cells(lines: list[Strip]) -> list[list[tuple[str, Style | None]]]:
    return [[(c, s.style) for s in line for c in s.text] for line in lines]


def same_as_textual(widget: Widget) -> bool:
    """The widget's lines over its whole region, cell for cell as Textual draws them afresh."""
    crop = widget.region.size.region
    blanks = widget.render_lines(crop)
    widget.refresh()
    textual = Widget.render_lines(widget, crop)
    return len(blanks) == crop.height and cells(blanks) == cells(textual)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_blank_lines_are_textuals_own(db: Database, size: tuple[int, int]) -> None:
    import_paths(db, [SEED_DECK], NOW)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
    app = TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        for key in ("space", "3", "space"):  # a question, its answer, the next question's
            assert same_as_textual(screen) and same_as_textual(screen.card_scroll)
            await pilot.press(key)
            await settle(pilot)
        app.theme = "textual-light"
        await settle(pilot)
        assert same_as_textual(screen) and same_as_textual(screen.card_scroll)

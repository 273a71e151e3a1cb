"""The review screen's first card has the keyboard focus: the arrow keys scroll it at once, whether
it was read early (before the store) or by the session."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.containers import VerticalScroll

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.peek import preview
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LONG_CARD = (
    "# Long\n\n## Which line comes last?\n\n"
    + "".join(f"Line {n} of a long question.\n\n" for n in range(60))
    + "- [x] The sixtieth\n- [ ] The first\n"
)


@pytest.mark.parametrize("early", [False, True])
async def test_the_arrow_keys_scroll_the_first_card(
    db: Database, db_path: Path, write_deck: WriteDeck, early: bool
) -> None:
    import_paths(db, [write_deck("long.md", LONG_CARD)], NOW)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    first = preview(db_path, settings, NOW, None, random.Random(0)) if early else None
    app = TutorApp(
        None if early else db,
        settings,
        start_in_review=True,
        clock=lambda: NOW,
        rng=random.Random(0),
        sync=False,
        db_url=f"sqlite:///{db_path}",
        preview=first,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.presented is not None
        card = screen.query_one("#card", VerticalScroll)
        assert screen.focused is card and card.scroll_y == 0
        await pilot.press("down", "down", "down")
        assert card.scroll_y == 3
        await pilot.press("end")
        assert card.scroll_y == card.max_scroll_y > 3
    if app.db is not None and early:
        app.db.close()

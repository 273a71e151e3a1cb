"""The review screen's first card has the keyboard focus: the arrow keys scroll it at once, whether
it was read early (before the store) or by the session."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.screen import Screen

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
ONE_CARD = "# Planets\n\n## Which planet is red?\n\n- [x] Mars\n- [ ] Venus\n"


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


async def test_the_first_frame_shows_the_card_and_its_keys(
    db: Database, db_path: Path, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the terminal gets first is the whole question with the keys that answer it: no
    frame with an empty key bar before it (the keys are drawn with the card, not mounted after)."""
    import_paths(db, [write_deck("one.md", ONE_CARD)], NOW)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
    frames: list[str] = []
    display = TutorApp._display

    def recorded(app: TutorApp, screen: Screen[object], renderable: Any) -> None:
        if renderable is not None and isinstance(screen, ReviewScreen):
            text = renderable.render_segments(app.console)
            frames.append(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text))
        display(app, screen, renderable)

    monkeypatch.setattr(TutorApp, "_display", recorded)
    app = TutorApp(
        None,
        settings,
        start_in_review=True,
        clock=lambda: NOW,
        rng=random.Random(0),
        sync=False,
        db_url=f"sqlite:///{db_path}",
        preview=preview(db_path, settings, NOW, None, random.Random(0)),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert frames, "nothing was drawn"
    first = frames[0]
    for shown in ("Which planet is red?", "1  Mars", "2  Venus", "space Reveal", "? Help"):
        assert shown in first, shown

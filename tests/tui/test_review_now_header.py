"""A review now (the browser's `r`) says so in the header, not "new 0 learning 0 review 0"."""

from __future__ import annotations

import pytest

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tests.tui.test_browse_and_study import SETTINGS, built, text_of
from tests.tui.test_practice_and_review_now import NOW, open_browser
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen
from tutor.tui.widgets.status_bar import StatusBar


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_header_of_a_review_now_names_it_and_its_one_card(
    db: Database, write_deck: WriteDeck, size: tuple[int, int]
) -> None:
    built(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=size) as pilot:
        await open_browser(pilot, "tag:animals")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        header = text_of(app.screen.query_one(StatusBar))
        assert header.startswith("Words   review now: 1 card   done 0   ")
        assert "new 0" not in header and "review 0" not in header
        await pilot.press("escape")  # back to the browser; a review from home counts again
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#study-line").value = "ahead 3"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        header = text_of(app.screen.query_one(StatusBar))
        assert "review now" not in header and "new 0  learning 0  review " in header

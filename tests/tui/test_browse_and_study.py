"""The card browser and the custom study dialog, driven by keys: nothing due, then review ahead;
a search for a failed card, its history, suspend and forget from the browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.text import Text
from sqlalchemy import select
from textual.widgets import DataTable, Input, Static

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.state import Phase
from tutor.store.db import Database
from tutor.store.tables import card_table, review_table
from tutor.tui.app import TutorApp
from tutor.tui.screens.browse import BrowseScreen
from tutor.tui.screens.card_info import CardInfoScreen
from tutor.tui.screens.review import ReviewScreen

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
DECK = """\
# Words

## Choose the cat
Tags: animals

- [x] Cat — right.
- [ ] Dog — a different animal.

## Word one

Mot un.
"""


def built(db: Database, write_deck: WriteDeck) -> None:
    """Both cards answered today: the cat card wrong (Dog), then both learned; next day none due."""
    import_paths(db, [write_deck("words.md", DECK)], START)
    clock = [START]
    session = ReviewSession(db, SETTINGS, clock=lambda: clock[0], sync=False)
    wrong_once = False
    while (shown := session.next_card()) is not None:
        if shown.card.kind == "choice" and not wrong_once:
            session.grade([1], 4000)
            session.answer(Grade.AGAIN)
            wrong_once = True
        else:
            session.answer(Grade.EASY)
        clock[0] += timedelta(minutes=2)


def text_of(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


async def test_nothing_due_then_review_ahead_from_the_dialog(
    db: Database, write_deck: WriteDeck
) -> None:
    built(db, write_deck)
    now = START + timedelta(hours=2)  # later the same day: both cards learned, none due
    app = TutorApp(db, SETTINGS, clock=lambda: now, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "0 cards" in text_of(app.screen.query_one("#today", Static))
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#study-line", Input).value = "ahead 30"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        session = app.screen.session
        assert session is not None and session.current is not None
        assert session.remaining().review == 1  # two cards: one on screen, one to come
    with db.read() as conn:
        assert conn.execute(select(review_table.c.id)).all()  # the history is there


async def test_search_a_failed_card_see_its_history_suspend_and_forget(
    db: Database, write_deck: WriteDeck
) -> None:
    built(db, write_deck)
    now = START + timedelta(hours=2)
    app = TutorApp(db, SETTINGS, clock=lambda: now, sync=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert app.screen.query_one("#browse-table", DataTable).row_count == 2
        await pilot.press("slash")
        app.screen.query_one("#browse-query", Input).value = "picked:dog tag:animals"
        await pilot.press("enter")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        assert [c.question for c in browser.cards] == ["Choose the cat"]
        assert text_of(browser.query_one("#browse-status", Static)).startswith("1 card ")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CardInfoScreen)
        history = text_of(app.screen.query_one("#card-info-text", Static))
        assert "words.md:3" in history and "Tags: animals" in history
        assert "Again" in history and "Dog" in history and "Easy" in history
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert browser.cards[0].suspended
        await pilot.press("s", "f")
        await settle(pilot)
        assert not browser.cards[0].suspended and browser.cards[0].phase == Phase.NEW
    with db.read() as conn:
        phase = conn.execute(
            select(card_table.c.phase).where(card_table.c.question == "Choose the cat")
        ).scalar_one()
        answers = conn.execute(select(review_table.c.id)).all()
    assert phase == int(Phase.NEW) and len(answers) >= 3  # forgotten, the history kept

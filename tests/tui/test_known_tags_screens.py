"""The browser and the custom study dialog know a tag by the same rule as the commands
(tutor.known_tags): a tag only retired cards carry is named as unknown, not "0 cards"."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.widgets import Input, Static

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.store.tables import card_table, deck_table
from tutor.tui.app import TutorApp
from tutor.tui.screens.browse import BrowseScreen
from tutor.tui.screens.study_dialog import StudyDialog

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
UNKNOWN = (
    "no card has the tag 'gone'; tags come from a deck's front matter and its cards' "
    "`Tags:` lines (`tutor cards tag:TAG` searches them)"
)


def retired_tag(db: Database, write_deck: WriteDeck) -> None:
    """Deck "Old" (tag `gone`) with its only card retired; deck "Live" (tag `live`)."""
    old = write_deck("old.md", "---\ntitle: Old\ntags: [gone]\n---\n\n## Q1\n\nA.\n")
    live = write_deck("live.md", "---\ntitle: Live\ntags: [live]\n---\n\n## Q3\n\nC.\n")
    import_paths(db, [old, live], NOW)
    with db.write() as conn:
        old_deck = conn.execute(deck_table.select().where(deck_table.c.name == "Old")).one()
        conn.execute(
            card_table.update().where(card_table.c.deck_id == old_deck.id).values(retired=True)
        )


def plain(widget: Static) -> str:
    content = widget.content
    return " ".join((content.plain if isinstance(content, Text) else str(content)).split())


async def test_the_browser_names_a_tag_only_retired_cards_carry_as_unknown(
    db: Database, write_deck: WriteDeck
) -> None:
    retired_tag(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False, browse="tag:gone")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        assert plain(browser.query_one("#browse-status", Static)) == UNKNOWN
        browser.query_one("#browse-query", Input).value = "tag:gone is:retired"
        await pilot.press("slash", "enter")
        await settle(pilot)
        assert [card.question for card in browser.cards] == ["Q1"]  # still found when asked
        browser.query_one("#browse-query", Input).value = "tag:live is:suspended"
        await pilot.press("slash", "enter")
        await settle(pilot)
        assert plain(browser.query_one("#browse-status", Static)).startswith("0 cards")


async def test_the_study_dialog_names_a_tag_only_retired_cards_carry_as_unknown(
    db: Database, write_deck: WriteDeck
) -> None:
    retired_tag(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#study-line", Input).value = "practice tag:gone"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StudyDialog)  # still asking, nothing started
        assert plain(app.screen.query_one("#study-problem", Static)) == UNKNOWN

"""The browser on a long result and a narrow terminal: the first page at once, the count after
it, more pages as the cursor nears the end; the question column takes the spare width."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.widgets import DataTable, Input, Static

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tutor.card_search import CardsPage
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.browse import BrowseScreen

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
CARDS = 250


def many_cards(db: Database, write_deck: WriteDeck) -> None:
    cards = "".join(f"## Card {n:03d} asks a question\n\nAnswer {n}.\n\n" for n in range(CARDS))
    import_paths(db, [write_deck("many.md", f"# Many\n\n{cards}")], START)


def status(browser: BrowseScreen) -> str:
    content = browser.query_one("#browse-status", Static).content
    return content.plain if isinstance(content, Text) else str(content)


def columns(browser: BrowseScreen) -> list[tuple[str, int]]:
    table = browser.query_one("#browse-table", DataTable)
    return [(str(column.label), column.width) for column in table.ordered_columns]


async def test_a_long_result_reads_a_page_at_a_time_and_counts_after_the_first(
    db: Database, write_deck: WriteDeck
) -> None:
    many_cards(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: START, sync=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        table = browser.query_one("#browse-table", DataTable)
        assert table.row_count == 100 and status(browser).startswith("250 cards (100 shown)")
        table.move_cursor(row=40)  # not yet near the end of those loaded
        await settle(pilot)
        assert table.row_count == 100
        table.move_cursor(row=60)
        await settle(pilot)
        assert table.row_count == 200 and status(browser).startswith("250 cards (200 shown)")
        table.move_cursor(row=199)
        await settle(pilot)
        assert table.row_count == CARDS and status(browser).startswith("250 cards (all shown)")
        questions = [card.question for card in browser.cards]
        assert questions == [f"Card {n:03d} asks a question" for n in range(CARDS)]  # file order


async def test_a_free_text_search_finds_its_cards_and_counts_them(
    db: Database, write_deck: WriteDeck
) -> None:
    many_cards(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: START, sync=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        await pilot.press("slash", *"card 1", "enter")  # both words, each anywhere
        await settle(pilot)
        with_a_one = [n for n in range(CARDS) if "1" in f"{n:03d}"]
        assert len(with_a_one) == 133 and status(browser).startswith("133 cards (100 shown)")
        assert [card.question for card in browser.cards] == [
            f"Card {n:03d} asks a question" for n in with_a_one[:100]
        ]
        await pilot.press("slash")
        browser.query_one("#browse-query", Input).value = '"answer 24"'  # one phrase
        await pilot.press("enter")
        await settle(pilot)
        assert [card.question for card in browser.cards] == [
            "Card 024 asks a question",
            *(f"Card {n} asks a question" for n in range(240, CARDS)),
        ]
        assert status(browser).startswith("11 cards (all shown)")


async def test_an_answer_to_an_earlier_search_is_dropped(
    db: Database, write_deck: WriteDeck
) -> None:
    many_cards(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: START, sync=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        stale = CardsPage(0, browser.cards[:3], more=False)
        browser._show(browser.search_number - 1, stale, 0)
        browser._counted(browser.search_number - 1, 3)
        assert len(browser.cards) == 100 and status(browser).startswith("250 cards (100 shown)")


async def test_the_question_takes_the_spare_width(db: Database, write_deck: WriteDeck) -> None:
    many_cards(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: START, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        narrow = columns(browser)
        assert [label for label, _width in narrow] == ["Question", "Deck", "Due", "R", "Lapses"]
        assert sum(width + 2 for _label, width in narrow) <= 80 - 2  # no sideways scrolling
        assert narrow[0][1] >= 30
        browser.query_one("#browse-table", DataTable).move_cursor(row=5)
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        wide = columns(browser)
        assert [label for label, _width in wide] == [
            "Question",
            "Deck",
            "Due",
            "Ivl",
            "S",
            "D",
            "R",
            "Lapses",
        ]
        assert wide[0][1] >= 90 and sum(width + 2 for _label, width in wide) <= 160 - 2
        table = browser.query_one("#browse-table", DataTable)
        assert table.row_count == 100 and table.cursor_row == 5  # the rows and the place kept


async def test_a_search_error_wraps_so_every_term_it_lists_is_on_screen(
    db: Database, write_deck: WriteDeck
) -> None:
    many_cards(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: START, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        await pilot.press("slash")
        browser.query_one("#browse-query", Input).value = "foo:bar"
        await pilot.press("enter")
        await settle(pilot)
        shown = browser.query_one("#browse-status", Static)
        assert status(browser).endswith("picked:[TEXT] (or misconception:[TEXT])")
        width = shown.content_region.width
        assert width < len(status(browser)) <= width * shown.content_region.height  # all of it

"""Practice sessions and "review now" from the browser, driven by keys at 80x24: the screen
tells the truth about the schedule, and a review started from the browser goes back to it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from textual.widgets import Input, Static

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tests.tui.test_browse_and_study import DECK, SETTINGS, START, built, text_of
from tutor.card_query import parse_query
from tutor.importer import import_paths
from tutor.state import Phase
from tutor.store.db import Database
from tutor.store.tables import card_table, practice_table, review_table
from tutor.study import Study
from tutor.tui.app import TutorApp
from tutor.tui.screens.browse import BrowseScreen
from tutor.tui.screens.review import ReviewScreen
from tutor.tui.screens.review_now import ReviewNowSummary

NOW = START + timedelta(hours=2)  # both cards learned this morning, none due
INTERVAL = re.compile(r"\d+\s*(s|m|h|d|mo|y)\b")  # `10m`, `2d`, `~4d`: what the bar promises


def card_rows(db: Database) -> list[tuple[Any, ...]]:
    """Every card's schedule: what a practice answer must leave alone."""
    with db.read() as conn:
        rows = conn.execute(
            select(
                card_table.c.id,
                card_table.c.phase,
                card_table.c.due,
                card_table.c.stability,
                card_table.c.difficulty,
                card_table.c.lapses,
                card_table.c.last_review,
                card_table.c.step,
                card_table.c.reps,
            ).order_by(card_table.c.id)
        ).all()
    return [tuple(row) for row in rows]


def count(db: Database, table: Any) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


async def test_a_practice_answer_says_it_is_practice_and_leaves_the_schedule_alone(
    db: Database, write_deck: WriteDeck
) -> None:
    built(db, write_deck)
    before, reviews = card_rows(db), count(db, review_table)
    study = Study("practice", query=parse_query("deck:Words"))
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False, start_in_review=True, study=study)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        status = text_of(screen.query_one("#status", Static))
        assert "practice 1 left   done 0" in status and "new 0" not in status
        await pilot.press("space")  # reveal the recall card, or "don't know" the choice card
        await settle(pilot)
        bar = text_of(screen.query_one("#ratings", Static))
        assert bar.startswith(" 1 Again   2 Hard   3 Good   4 Easy  ")
        assert not INTERVAL.search(bar)
        await pilot.press("3")
        await settle(pilot)
        last = text_of(screen.query_one("#last", Static))
        assert last == "Practice answer logged; the schedule is unchanged.  u undoes it."
        status = text_of(screen.query_one("#status", Static))
        assert "practice 0 left   done 1" in status
        await pilot.press("space")
        await settle(pilot)
        assert not INTERVAL.search(text_of(screen.query_one("#ratings", Static)))
    assert card_rows(db) == before  # the FSRS state of every card as it was
    assert count(db, review_table) == reviews and count(db, practice_table) == 1


async def open_browser(pilot: Any, query: str) -> BrowseScreen:
    """`b` on home, then a search: the browser with its cards loaded."""
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    await pilot.press("slash")
    pilot.app.screen.query_one("#browse-query", Input).value = query
    await pilot.press("enter")
    await settle(pilot)
    browser = pilot.app.screen
    assert isinstance(browser, BrowseScreen)
    return browser


@pytest.mark.parametrize("key", ["enter", "escape", "q"])
async def test_review_now_ends_after_one_answer_and_goes_back_to_the_browser(
    db: Database, write_deck: WriteDeck, key: str
) -> None:
    built(db, write_deck)
    reviews = count(db, review_table)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot, "tag:animals")
        assert [c.question for c in browser.cards] == ["Choose the cat"]
        lapses = browser.cards[0].lapses
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("space", "1")  # don't know, then Again: the card is in relearning
        await settle(pilot)
        summary = app.screen
        assert isinstance(summary, ReviewNowSummary)  # not the card again, though due in 1m
        assert text_of(summary.query_one("#summary-title", Static)) == "Session complete"
        assert "Cards answered   1\n" in text_of(summary.query_one("#summary", Static))
        shown = [b.binding for b in summary.active_bindings.values() if b.binding.show]
        footer = [binding.description for binding in shown]
        assert "Browser" in footer and "Home" not in footer
        await pilot.press(key)
        await settle(pilot)
        assert app.screen is browser  # the same search, its row read again
        assert browser.query_one("#browse-query", Input).value == "tag:animals"
        assert [c.question for c in browser.cards] == ["Choose the cat"]
        assert browser.cards[0].lapses == lapses + 1 and browser.cards[0].phase == Phase.RELEARNING
    assert count(db, review_table) == reviews + 1  # one real review of that card


async def test_review_now_refuses_a_suspended_buried_or_retired_card_and_says_why(
    db: Database, write_deck: WriteDeck
) -> None:
    built(db, write_deck)
    reviews = count(db, review_table)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot, "tag:animals")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is browser
        assert messages(app)[-1] == (
            "This card is suspended: s unsuspends it, then r reviews it now."
        )
        await pilot.press("s", "b")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is browser
        assert messages(app)[-1] == (
            "This card is buried until tomorrow: b unburies it, then r reviews it now."
        )
    without_the_cat = DECK.split("## Choose the cat")[0] + "## Word one\n\nMot un.\n"
    import_paths(db, [write_deck("words.md", without_the_cat)], NOW)  # the cat card retired
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot, "is:retired")
        assert [c.question for c in browser.cards] == ["Choose the cat"]
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is browser
        assert messages(app)[-1] == (
            "This card is retired (gone from its deck file): it cannot be reviewed."
        )
    assert count(db, review_table) == reviews  # nothing was reviewed


def messages(app: TutorApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_practice_from_the_custom_study_dialog_shows_no_interval(
    db: Database, write_deck: WriteDeck
) -> None:
    built(db, write_deck)
    before = card_rows(db)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#study-line", Input).value = "practice deck:words"
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "practice 1 left   done 0" in text_of(screen.query_one("#status", Static))
        await pilot.press("space")
        await settle(pilot)
        assert not INTERVAL.search(text_of(screen.query_one("#ratings", Static)))
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(screen.query_one("#last", Static)).startswith(
            "Practice answer logged; the schedule is unchanged."
        )
    assert card_rows(db) == before and count(db, practice_table) == 1


async def test_quitting_a_review_now_goes_back_to_the_browser(
    db: Database, write_deck: WriteDeck
) -> None:
    built(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot, "tag:animals")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen_stack[-1], ReviewScreen)
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is browser
        assert browser.query_one("#browse-query", Input).value == "tag:animals"

"""Nothing due: home, the summary and `tutor review`'s text point to custom study (80x24);
the custom study dialog on an empty line; a custom study that matches no card says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rich.text import Text
from textual.widgets import Input, Static

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tutor.cli import _print_summary
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.home import HomeScreen
from tutor.tui.screens.study_dialog import StudyDialog
from tutor.tui.screens.summary import SummaryScreen

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LATER = START + timedelta(hours=2)  # the same day: every card learned, none due
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
DECK = "# Words\n\n## Word one\nTags: animals\n\nMot un.\n\n## Word two\n\nMot deux.\n"


def learned(db: Database, write_deck: WriteDeck) -> None:
    """Both cards answered Easy at START: nothing is due two hours later."""
    import_paths(db, [write_deck("words.md", DECK)], START)
    session = ReviewSession(db, SETTINGS, clock=lambda: START, sync=False)
    while session.next_card() is not None:
        session.answer(Grade.EASY)


def shown(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def unwrapped(widget: Static) -> bool:
    """Every line of the widget's text fits its width at 80 columns (none wrapped)."""
    return widget.content_region.height == shown(widget).count("\n") + 1


async def test_home_with_nothing_due_names_custom_study(
    db: Database, write_deck: WriteDeck
) -> None:
    learned(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: LATER, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        today = app.screen.query_one("#today", Static)
        assert shown(today) == (
            "Due today: 0 new, 0 learning, 0 review (0 cards).\n"
            "Nothing due: c opens custom study (review ahead, practice)."
        )
        assert unwrapped(today)


async def test_the_nothing_due_summary_and_the_review_text_name_custom_study(
    db: Database, write_deck: WriteDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    learned(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: LATER, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # review the selected deck: nothing is due
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert shown(app.screen.query_one("#summary-title", Static)) == "Nothing is due right now"
        summary = app.screen.query_one("#summary", Static)
        assert shown(summary).endswith(
            "Every answer is saved.\n\n"
            "Study anyway: c on home opens custom study (review ahead, practice),\n"
            "or run `tutor study ahead 3` for the cards due in the next 3 days."
        )
        assert unwrapped(summary)
        await pilot.press("q")
    _print_summary(app)  # what `tutor review` prints when its screen closes
    assert capsys.readouterr().out == (
        "Nothing due: `tutor study ahead 3` reviews the cards due in the next 3 days;\n"
        "c on the home screen (`tutor`) opens custom study (review ahead, practice).\n"
    )


async def test_enter_on_the_empty_study_line_says_what_to_type_and_starts_nothing(
    db: Database, write_deck: WriteDeck
) -> None:
    learned(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: LATER, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StudyDialog)
        assert shown(dialog.query_one("#study-scope", Static)) == "Scope: all decks"
        assert dialog.query_one("#study-line", Input).value == ""
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # no session started
        problem = dialog.query_one("#study-problem", Static)
        assert shown(problem) == "Type a mode, e.g. ahead 3 (Escape goes back)."
        assert unwrapped(problem)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_a_scoped_study_dialog_names_its_decks(db: Database, write_deck: WriteDeck) -> None:
    learned(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: LATER, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(StudyDialog(["Words", "[b]Verbs"]))
        await settle(pilot)
        assert shown(app.screen.query_one("#study-scope", Static)) == "Scope: Words, [b]Verbs"


async def test_a_custom_study_matching_no_card_says_so_not_nothing_due(
    db: Database, write_deck: WriteDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    learned(db, write_deck)
    app = TutorApp(db, SETTINGS, clock=lambda: LATER, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#study-line", Input).value = "practice nosuchword"  # no card
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        title = shown(app.screen.query_one("#summary-title", Static))
        assert title == "No card matches this custom study"
        summary = app.screen.query_one("#summary", Static)
        assert shown(summary) == (
            "Practice: answers leave the schedule alone\n\n"
            "No card matches it: nothing was answered, the schedule is unchanged.\n"
            "Press Enter for home, then c to try another custom study."
        )
        assert unwrapped(summary)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
    _print_summary(app)
    assert capsys.readouterr().out == "No card matches this custom study; nothing was answered.\n"

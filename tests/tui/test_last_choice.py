"""The answer screen reminds the learner of the distractor they picked the last time."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from textual.widgets import Static

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DECK = """
    # Capitals

    ## What is the capital of Australia?

    - [x] Canberra
      The seat of government since 1927.
    - [ ] Sydney
      The largest city, not the capital.
    - [ ] Melbourne
      The capital until 1927.
"""


def make_app(db: Database) -> TutorApp:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    return TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


def screen_of(app: TutorApp) -> ReviewScreen:
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


def key_of(app: TutorApp, text: str) -> str:
    presented = screen_of(app).presented
    assert presented is not None
    for number, index in enumerate(presented.order, start=1):
        if presented.card.options[index]["text"] == text:
            return str(number)
    raise AssertionError(text)


def extra(app: TutorApp) -> Static:
    return app.screen.query_one("#feedback-extra", Static)


async def test_the_answer_screen_says_which_distractor_was_chosen_last_time(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("capitals.md", DECK)], NOW)
    app = make_app(db)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press(key_of(app, "Sydney"))
        assert not extra(app).display  # the first answer: nothing to recall yet
        await pilot.press("enter")  # Again: the card comes back in the same session
        await settle(pilot)
        await pilot.press(key_of(app, "Sydney"))
        assert extra(app).display
        assert str(extra(app).content) == "Last time you chose “Sydney” — and again now."
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(key_of(app, "Canberra"))
        assert str(extra(app).content) == "Last time you chose “Sydney”."
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(key_of(app, "Canberra"))  # a right answer last time: no reminder
        assert not extra(app).display

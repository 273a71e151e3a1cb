"""The next card's text wrapped while the learner reads the answer: the card that comes is laid
out from those heights only if its text is the one prepared, and exactly as Textual would."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

from textual.app import App
from textual.geometry import Size
from textual.widget import Widget

from tests.conftest import SEED_DECK, WriteDeck
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.deck.parser import parse_file
from tutor.importer import import_paths
from tutor.session import Presented
from tutor.state import OptionData
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen
from tutor.tui.widgets.card_text import CardText
from tutor.tui.widgets.option_list import OptionList
from tutor.tui.widgets.text_heights import TextHeights

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TWO_CARDS = """\
# Two

## First question?
<!-- id: first -->

- [x] Right
- [ ] Wrong

## {second}
<!-- id: second -->

- [x] Yes
- [ ] No
{more}"""
MIXED = """\
# Mixed

## What does this function return for `n = 4`? A question long enough to wrap at most widths.

```python
def total(n):
    return sum(range(n))
```

- [x] 6 — 0 + 1 + 2 + 3: `range(4)` stops before 4, so the last number added is three.
- [ ] 10 — that would be `range(5)`, which includes 4.

## Which of these are **prime**? Select every one of them, however long the list becomes.

- [x] Two, the only even prime, which divides nothing but itself and one
- [x] Three
- [ ] Four, which is two times two and therefore composite, not prime
"""


def app_for(db: Database) -> TutorApp:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
    return TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


def screen_text(app: App[None]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_a_card_edited_after_it_was_prepared_shows_as_edited(
    db: Database, write_deck: WriteDeck
) -> None:
    deck = write_deck("two.md", TWO_CARDS.format(second="Second question?", more=""))
    import_paths(db, [deck], NOW)
    async with app_for(db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen) and screen.session is not None
        await pilot.press("space")  # don't know: the answer shows, the second card is prepared
        await settle(pilot)
        upcoming = screen.session.upcoming()
        assert upcoming is not None and upcoming.question == "Second question?"

        longer = "Second question, " + "now written out at a length that wraps " * 4 + "end?"
        deck.write_text(TWO_CARDS.format(second=longer, more="- [ ] Maybe\n"))
        import_paths(db, [deck], NOW)  # edited while the answer is on screen
        await pilot.press("3")
        await settle(pilot)

        assert screen.presented is not None and screen.presented.card.question == longer
        text = screen_text(pilot.app)
        assert "wraps end?" in text and "3  Maybe" in text
        question = screen.card_text
        own = Widget.get_content_height(question, Size(0, 0), Size(0, 0), question.size.width)
        assert question.region.height == own == 3  # laid out at the edited text's height
        assert screen.option_list.region.height == 3
        assert screen.option_list.region.y == question.region.bottom + 1  # its margin


def at(widget: Widget, width: int) -> tuple[Widget, Size, Size, int]:
    return widget, Size(0, 0), Size(0, 0), width


def heights(widget: Widget, width: int) -> int:
    return widget.get_content_height(Size(0, 0), Size(0, 0), width)


async def test_remembered_heights_equal_textuals_own(db: Database, write_deck: WriteDeck) -> None:
    mixed = write_deck("mixed.md", MIXED)
    import_paths(db, [SEED_DECK, mixed], NOW)
    cards = [*parse_file(SEED_DECK).cards, *parse_file(mixed).cards]
    async with app_for(db).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen) and screen.presented is not None
        shown, question, options = screen.presented, screen.card_text, screen.option_list
        assert isinstance(shown, Presented)
        for card in cards:
            options_data = [
                OptionData(text=o.text, correct=o.correct, reasoning=o.reasoning)
                for o in card.options
            ]
            stored = replace(
                shown.card, question=card.question, body=card.body, options=options_data
            )
            presented = replace(shown, card=stored, order=tuple(range(len(stored.options))))
            for width in (20, 37, 74, 108):
                CardText.heights, OptionList.heights = TextHeights(), TextHeights()
                question.prepare(stored, width)
                options.prepare(stored, width)
                prepared = len(CardText.heights), len(OptionList.heights)
                question.show(stored)
                for marked in (set(), {0}):  # as the card comes, then with a select-all mark
                    options.show(presented, marked)
                    assert heights(question, width) == Widget.get_content_height(
                        *at(question, width)
                    )
                    assert heights(options, width) == Widget.get_content_height(*at(options, width))
                    if not marked:  # as prepared: nothing wrapped again
                        assert (len(CardText.heights), len(OptionList.heights)) == prepared

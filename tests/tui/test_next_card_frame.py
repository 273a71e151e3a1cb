"""The frame drawn right after a rating key: the next card as it will stay, at the width it will
keep, with no scrollbar left over from the answer (else a second layout redraws it at once)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from tests.conftest import SEED_DECK
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


async def test_the_next_cards_first_frame_is_the_one_that_stays(db: Database) -> None:
    import_paths(db, [SEED_DECK], NOW)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
    app = TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.presented is not None
        wrong = next(
            n
            for n, i in enumerate(screen.presented.order, 1)
            if not screen.presented.card.options[i]["correct"]
        )
        await pilot.press(str(wrong))
        await settle(pilot)
        scroll = screen.card_scroll
        assert scroll.show_vertical_scrollbar  # a wrong answer's feedback is longer than 80x24
        answered = screen.presented.card.id

        screen.action_digit(3)  # Good: the answer is saved and the next card shown
        screen._refresh_layout(app.size)  # the layout of the frame the terminal gets next
        assert screen.presented.card.id != answered
        first_frame = screen.card_text.region
        assert scroll.vertical_scrollbar not in screen._compositor.visible_widgets
        assert first_frame.width == 80 - 4  # the card's padding only: no bar beside it

        await settle(pilot)
        assert not scroll.show_vertical_scrollbar  # the question fits: the bar stays away
        assert screen.card_text.region == first_frame  # nothing moved after the first frame

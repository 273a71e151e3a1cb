"""The frame drawn right after a rating key: the next card as it will stay, at the width it will
keep, with no scrollbar left over from the answer (else a second layout redraws it at once)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from textual.geometry import Region
from textual.strip import Strip

from tests.conftest import SEED_DECK
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen
from tutor.tui.widgets.card_scroll import CardScroll

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


def _lines_drawn(scroll: CardScroll) -> list[int]:
    """Count the lines the card area draws itself from now on (its children draw over them)."""
    drawn: list[int] = []
    cache = scroll._styles_cache
    draw = cache.render_line

    def counted(*args: Any, **kwargs: Any) -> Strip:
        drawn.append(1)
        return draw(*args, **kwargs)

    cache.render_line = counted  # type: ignore[method-assign]
    return drawn


async def test_the_card_area_is_not_drawn_again_for_the_next_card(db: Database) -> None:
    """The answer's scrollbar and the next card's other height leave the card area's own lines
    as they were for the first question: the next card's frame draws none of them again."""
    import_paths(db, [SEED_DECK], NOW)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
    app = TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("space")  # don't know: the feedback is longer than 80x24
        await settle(pilot)
        assert screen.card_scroll.show_vertical_scrollbar
        drawn = _lines_drawn(screen.card_scroll)

        screen.action_digit(3)
        screen._refresh_layout(app.size)
        screen._compositor.render_update(full=True)
        assert drawn == []

        app.theme = "textual-light"  # a new look: its lines are drawn, in its colours
        await settle(pilot)
        lines = screen.card_scroll.render_lines(Region(0, 0, 80, 1))
        assert drawn
        background = screen.card_scroll.background_colors[1]
        assert lines[0]._segments[0].style is not None
        assert lines[0]._segments[0].style.bgcolor == background.rich_color

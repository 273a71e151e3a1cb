"""TutorApp: holds the open collection and settings, and starts on the home or review screen."""

from __future__ import annotations

import random
from collections.abc import Sequence

from textual.app import App
from textual.binding import Binding

from tutor.clock import Clock, utc_now
from tutor.config import Settings
from tutor.session import Summary
from tutor.store.db import Database


class TutorApp(App[None]):
    """The flashcard tutor."""

    CSS_PATH = "tutor.tcss"
    TITLE = "tutor"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        review: Sequence[str] | None = None,
        start_in_review: bool = False,
        stats: tuple[str | None, str] | None = None,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        sync: bool = True,
    ) -> None:
        super().__init__()
        self.db = db
        self.settings = settings
        self.clock = clock
        self.rng = rng
        self.sync = sync
        self.review_decks = list(review) if review else None
        self.start_in_review = start_in_review
        self.start_stats = stats
        self.last_summary: Summary | None = None

    def on_mount(self) -> None:
        from tutor.tui.screens.home import HomeScreen

        if self.start_stats is not None:
            from tutor.tui.screens.stats import StatsScreen

            self.push_screen(StatsScreen(*self.start_stats))
            return
        self.push_screen(HomeScreen())
        if self.start_in_review:
            self.start_review(self.review_decks)

    def start_review(self, decks: Sequence[str] | None) -> None:
        """Open a review session on these decks (None: all decks)."""
        from tutor.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(decks))

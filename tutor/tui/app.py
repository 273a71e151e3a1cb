"""TutorApp: holds the open collection and settings, and starts on the home or review screen."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import App, ScreenStackError
from textual.binding import Binding
from textual.notifications import SeverityLevel

from tutor.clock import Clock, utc_now
from tutor.config import Settings
from tutor.errors import StoreError
from tutor.peek import Preview
from tutor.text import neutralise
from tutor.tui.toast_text import NARROW_BELOW, text_width, wrap

if TYPE_CHECKING:
    from tutor.collection import Database
    from tutor.session import Summary
    from tutor.study import SessionSize, Study


class TutorApp(App[None]):
    """The flashcard tutor."""

    CSS_PATH = "tutor.tcss"
    TITLE = "tutor"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True)]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-roomy")]  # toasts (tutor.tcss)

    def __init__(
        self,
        db: Database | None,
        settings: Settings,
        *,
        review: Sequence[str] | None = None,
        start_in_review: bool = False,
        stats: tuple[str | None, str] | None = None,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        sync: bool = True,
        db_url: str | None = None,
        preview: Preview | None = None,
        session_size: SessionSize | None = None,
        study: Study | None = None,
        browse: str | None = None,
    ) -> None:
        """With db None, the review screen opens `db_url` itself, in a thread, behind `preview`
        (the first card read with the stdlib): the first card shows before the store loads."""
        super().__init__()
        self.db = db
        self.db_url = db_url
        self.preview = preview
        self.settings = settings
        self.clock = clock
        self.rng = rng
        self.sync = sync
        self.review_decks = list(review) if review else None
        self.start_in_review = start_in_review
        self.start_stats = stats
        self.start_browse = browse  # a search: start in the card browser
        self.last_summary: Summary | None = None
        # the size and custom study of the next review session (taken when it opens)
        self.next_session: tuple[SessionSize | None, Study | None] = (session_size, study)
        self.session_study = study  # the custom study of the session last started (or None)

    def on_mount(self) -> None:
        if self.start_stats is not None:
            from tutor.tui.screens.stats import StatsScreen

            self.push_screen(StatsScreen(*self.start_stats))
            return
        if self.start_browse is not None:
            from tutor.tui.screens.browse import BrowseScreen

            self.push_screen(BrowseScreen(self.start_browse))
            return
        if self.start_in_review:
            from tutor.tui.screens.review import ReviewScreen

            self.push_screen(ReviewScreen(self.review_decks, self.preview))
            return
        from tutor.tui.screens.home import HomeScreen  # not before a review's first card: a table

        self.push_screen(HomeScreen())

    @property
    def database(self) -> Database:
        """The open collection (screens other than an early review screen always have one)."""
        if self.db is None:
            raise StoreError("the collection is not open yet")
        return self.db

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification whose text is data: neutralised, and not parsed as markup; broken
        into lines at spaces or after a path's separators, to the width its toast has here."""
        text, width = neutralise(message), self._toast_width()
        super().notify(
            text if width is None else wrap(text, width),
            title=neutralise(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def _toast_width(self) -> int | None:
        """The width of a toast's text on this screen (None: it shows no toasts): wider where
        the screen gives toasts lines of their own (the review screen, tutor.tcss)."""
        try:
            racks = self.screen.query("#textual-toastrack")
        except ScreenStackError:  # no screen yet
            return None
        if not racks:  # notifications are off (as in most tests)
            return None
        return text_width(self.size.width, full_width=racks.first().styles.dock == "none")

    def start_review(
        self,
        decks: Sequence[str] | None,
        size: SessionSize | None = None,
        study: Study | None = None,
    ) -> None:
        """Open a review session on these decks (None: all decks), of this size or study."""
        from tutor.tui.screens.review import ReviewScreen

        self.next_session = (size, study)
        self.session_study = study
        self.push_screen(ReviewScreen(decks))

    def go_home(self) -> None:
        """Back to the home screen (it is under the current one unless the app began in review)."""
        from tutor.tui.screens.home import HomeScreen

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack):
            while not isinstance(self.screen, HomeScreen):
                self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

"""The home screen's custom study dialog: one line (`ahead 3`, `practice tag:verbs`, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tutor.errors import TutorError
from tutor.study import SessionSize, Study, parse_request
from tutor.text import neutralise

if TYPE_CHECKING:
    from tutor.tui.app import TutorApp

INTRO = (
    "Custom study (Enter starts it, Escape goes back):\n"
    "  ahead 3         cards due in the next 3 days (reviews)\n"
    "  new 10          10 new cards past today's limit (reviews)\n"
    "  failed 7        practise the cards failed in 7 days\n"
    "  practice tag:x  practise a search (deck:, tag:, words)\n"
    "  limit 20        today's reviews, 20 at most\n"
    "  minutes 10      today's reviews, for 10 minutes\n"
    "Practice leaves the schedule alone (logged apart)."
)

EMPTY_LINE = "Type a mode, e.g. ahead 3 (Escape goes back)."


class StudyDialog(ModalScreen[tuple[Study | None, SessionSize] | None]):
    """Ask for a custom study or a session size; dismiss with what was asked (None: nothing)."""

    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, decks: list[str] | None = None) -> None:
        """`decks`: the decks the study it starts is scoped to (None: all decks)."""
        super().__init__()
        self.decks = decks

    def compose(self) -> ComposeResult:
        scope = ", ".join(neutralise(name) for name in self.decks) if self.decks else "all decks"
        with Vertical(id="study-box"):
            yield Static(Text(INTRO))
            yield Static(Text(f"Scope: {scope}"), id="study-scope")
            yield Input(placeholder="ahead 3", id="study-line")
            yield Static(id="study-problem")

    def on_mount(self) -> None:
        self.query_one("#study-line", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():  # the grey "ahead 3" is a hint, not a value
            self.query_one("#study-problem", Static).update(Text(EMPTY_LINE))
            return
        try:
            request = parse_request(event.value)
            if request[0] is not None:  # a tag no card has is said here, as `tutor study` says it
                self._require_known_tags(request[0].query.tags)
        except TutorError as exc:
            self.query_one("#study-problem", Static).update(Text(neutralise(exc.message)))
            return
        self.dismiss(request)

    def _require_known_tags(self, tags: tuple[str, ...]) -> None:
        from tutor.browser import require_known_tags

        app: TutorApp = self.app  # type: ignore[assignment]
        require_known_tags(app.database, tags, app.settings, app.clock())

    def action_cancel(self) -> None:
        self.dismiss(None)

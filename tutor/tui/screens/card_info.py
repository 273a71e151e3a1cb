"""Card info: where the card lives, its state, its forgetting curve and every answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from tutor.errors import TutorError
from tutor.text import neutralise

if TYPE_CHECKING:
    from tutor.tui.app import TutorApp


class CardInfoScreen(Screen[None]):
    """One card's info and history, as `tutor cards --info ID` prints it."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(self, card_id: int) -> None:
        super().__init__()
        self.card_id = card_id

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="card-info"):
            yield Static(id="card-info-text")
        yield Footer()

    def on_mount(self) -> None:
        from tutor.browser import info as card_info
        from tutor.cards_report import card_info_text

        app = self.tutor
        body = self.query_one("#card-info-text", Static)
        try:
            info = card_info(app.database, self.card_id, app.settings, app.clock())
        except TutorError as exc:
            body.update(Text(neutralise(exc.message)))
            return
        body.update(Text(card_info_text(info) if info else "This card is gone."))
        self.query_one("#card-info", VerticalScroll).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

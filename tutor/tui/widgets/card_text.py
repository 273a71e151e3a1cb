"""The question of a card: its heading and, while it is being answered, its body."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tutor.tui.widgets.markdown_text import block

if TYPE_CHECKING:
    from tutor.state import StoredCard


class CardText(Vertical):
    """The question heading, then the body (code, facts) the question needs."""

    def compose(self) -> ComposeResult:
        self.question, self.body = Static(id="question"), Static(id="question-body")
        yield from (self.question, self.body)

    def show(self, card: StoredCard) -> None:
        self.question.update(block(card.question))
        self.body.display = bool(card.body)
        if card.body:
            self.body.update(block(card.body))

    def show_body(self, shown: bool) -> None:
        """Show or fold the body (the answer's feedback repeats it last)."""
        self.body.display = shown

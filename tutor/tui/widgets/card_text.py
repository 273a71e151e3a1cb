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
        yield Static(id="question")
        yield Static(id="question-body")

    def show(self, card: StoredCard) -> None:
        self.query_one("#question", Static).update(block(card.question))
        body = self.query_one("#question-body", Static)
        body.display = bool(card.body)
        if card.body:
            body.update(block(card.body))

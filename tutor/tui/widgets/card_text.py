"""The question of a card: its heading and, while it is being answered, its body."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.style import Style
from rich.styled import Styled
from rich.text import Text
from textual.widgets import Static

from tutor.tui.widgets.markdown_text import block

if TYPE_CHECKING:
    from tutor.state import StoredCard

NOT_BOLD = Style(bold=False)  # the heading is bold (tutor.tcss); the body keeps its own look


class CardText(Static):
    """The question heading, then the body (code, facts) the question needs, in one widget: one
    layout and one render a card, not a container's and two widgets'."""

    _question: Any = None
    _body: Any = None
    _body_shown = False

    def show(self, card: StoredCard) -> None:
        self._question = block(card.question)
        self._body = block(card.body) if card.body else None
        self._body_shown = self._body is not None
        self._update()

    def show_body(self, shown: bool) -> None:
        """Show or fold the body (the answer's feedback repeats it last)."""
        shown = shown and self._body is not None
        if shown != self._body_shown:  # unchanged: no new layout or render
            self._body_shown = shown
            self._update()

    def _update(self) -> None:
        if self._body_shown:
            self.update(Group(self._question, Text(""), Styled(self._body, NOT_BOLD)))
        else:
            self.update(self._question)

"""The question of a card: its heading and, while it is being answered, its body."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.style import Style
from rich.styled import Styled
from rich.text import Text
from textual.geometry import Size
from textual.visual import visualize
from textual.widgets import Static

from tutor.tui.widgets.markdown_text import block
from tutor.tui.widgets.text_heights import TextHeights

if TYPE_CHECKING:
    from tutor.state import StoredCard

NOT_BOLD = Style(bold=False)  # the heading is bold (tutor.tcss); the body keeps its own look


def _content(question: Any, body: Any) -> Any:
    """The heading alone, or the heading, a blank line and the body."""
    return question if body is None else Group(question, Text(""), Styled(body, NOT_BOLD))


class CardText(Static):
    """The question heading, then the body (code, facts) the question needs, in one widget: one
    layout and one render a card, not a container's and two widgets'."""

    heights: ClassVar[TextHeights] = TextHeights()  # shared: the next card's are prepared ahead
    _question: Any = None
    _body: Any = None
    _body_shown = False
    _sources: tuple[str, str] = ("", "")

    def show(self, card: StoredCard) -> None:
        self._sources = (card.question, card.body)
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
        self.update(_content(self._question, self._body if self._body_shown else None))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Remembered by the card's text: a card prepared ahead is not wrapped again."""
        key = (self._sources, self._body_shown)
        return self.heights.height(key, width, self.styles, lambda: self.visual)

    def prepare(self, card: StoredCard, width: int) -> None:
        """Wrap a card's question (with its body, as a question shows it) at `width` ahead."""
        body = block(card.body) if card.body else None
        content = _content(block(card.question), body)
        key = ((card.question, card.body), body is not None)
        self.heights.height(key, width, self.styles, lambda: visualize(self, content, markup=False))

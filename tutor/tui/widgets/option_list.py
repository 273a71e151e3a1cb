"""The options of a card, numbered for the keys 1-9, with the marks of a select-all answer."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static

from tutor.tui.widgets.markdown_text import inline
from tutor.tui.widgets.text_heights import TextHeights

if TYPE_CHECKING:
    from tutor.session import Presented
    from tutor.state import StoredCard


def _shape(prefix: str, text: Text) -> tuple[str, str]:
    """What a line's wrapping depends on: its prefix with the number as 1 (every number 1-9
    is one cell) and its text."""
    return "".join("1" if c.isdigit() else c for c in prefix), text.plain


class OptionList(Static):
    """One line per option in the order shown, all in one widget (one layout and one render a
    card, not one per option); import refuses cards the keys cannot reach."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"option-list--toggled"}
    heights: ClassVar[TextHeights] = TextHeights()  # shared: the next card's are prepared ahead
    lines: list[Text] = []  # each option's line as shown, in the order shown
    _shapes: list[tuple[str, str]] = []

    def show(self, presented: Presented, toggled: Collection[int]) -> None:
        options = presented.card.options
        self.lines, self._shapes = [], []
        for n, index in enumerate(presented.order):
            line = Text()
            prefix = ("[x] " if index in toggled else "[ ] ") if presented.select_all else ""
            line.append(prefix)
            line.append(f"{n + 1}  ", style="bold")
            text = inline(options[index]["text"])
            line.append_text(text)
            if index in toggled:
                line.stylize(self.get_component_rich_style("option-list--toggled"))
            self.lines.append(line)
            self._shapes.append(_shape(f"{prefix}{n + 1}  ", text))
        self.update(Text("\n").join(self.lines))

    def line(self, n: int) -> Text:
        """The line of the option numbered n + 1."""
        return self.lines[n]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The lines' heights added up (each option wraps on its own), remembered by text."""
        if not self._shapes:  # no card shown yet
            return super().get_content_height(container, viewport, width)
        return sum(self._height(shape, width) for shape in self._shapes)

    def prepare(self, card: StoredCard, width: int) -> None:
        """Wrap a card's options at `width` ahead of showing it (in any order, unmarked)."""
        prefix = "[ ] 1  " if card.select_all else "1  "
        for option in card.options:
            self._height(_shape(prefix, inline(option["text"])), width)

    def _height(self, shape: tuple[str, str], width: int) -> int:
        return self.heights.height(shape, width, self.styles, lambda: Content("".join(shape)))

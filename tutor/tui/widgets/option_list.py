"""The options of a card, numbered for the keys 1-9, with the marks of a select-all answer."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.widgets import Static

from tutor.tui.widgets.markdown_text import inline

if TYPE_CHECKING:
    from tutor.session import Presented


class OptionList(Static):
    """One line per option in the order shown, all in one widget (one layout and one render a
    card, not one per option); import refuses cards the keys cannot reach."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"option-list--toggled"}
    lines: list[Text] = []  # each option's line as shown, in the order shown

    def show(self, presented: Presented, toggled: Collection[int]) -> None:
        options = presented.card.options
        self.lines = []
        for n, index in enumerate(presented.order):
            line = Text()
            if presented.select_all:
                line.append("[x] " if index in toggled else "[ ] ")
            line.append(f"{n + 1}  ", style="bold")
            line.append_text(inline(options[index]["text"]))
            if index in toggled:
                line.stylize(self.get_component_rich_style("option-list--toggled"))
            self.lines.append(line)
        self.update(Text("\n").join(self.lines))

    def line(self, n: int) -> Text:
        """The line of the option numbered n + 1."""
        return self.lines[n]

"""The options of a card, numbered for the keys 1-9, with the marks of a select-all answer."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tutor.deck.limits import MAX_OPTIONS
from tutor.tui.widgets.markdown_text import inline

if TYPE_CHECKING:
    from tutor.session import Presented


class OptionList(Vertical):
    """One line per option in the order shown; import refuses cards the keys cannot reach."""

    def compose(self) -> ComposeResult:
        for n in range(MAX_OPTIONS):
            yield Static(classes="option", id=f"option-{n}")

    def show(self, presented: Presented, toggled: Collection[int]) -> None:
        options = presented.card.options
        for n, widget in enumerate(self.query(".option").results(Static)):
            widget.display = n < len(presented.order)
            if not widget.display:
                continue
            index = presented.order[n]
            line = Text()
            if presented.select_all:
                line.append("[x] " if index in toggled else "[ ] ")
            line.append(f"{n + 1}  ", style="bold")
            line.append_text(inline(options[index]["text"]))
            widget.set_class(index in toggled, "-toggled")
            widget.update(line)

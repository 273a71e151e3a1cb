"""The scrolling area that holds a card: back to its top, without the last card's scrollbar."""

from __future__ import annotations

from rich.style import Style
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


def blank_lines(widget: Widget, crop: Region) -> list[Strip]:
    """Blank lines in the widget's background colour, as Textual draws a widget with no border
    that draws nothing of its own (its children draw over it), without Textual's work a line."""
    blank = Strip.blank(
        crop.width, Style.from_color(bgcolor=widget.background_colors[1].rich_color)
    )
    return [blank] * crop.height


class CardScroll(VerticalScroll):
    """Scrolls the card's question, options and feedback; arrow keys move it."""

    def render_lines(self, crop: Region) -> list[Strip]:
        """Blank lines (`blank_lines`): Textual would render the card area's lines again whenever
        a card changes the content's height or the scrollbar: 2-4 ms a key on the bundled deck."""
        return blank_lines(self, crop)

    def start_over(self) -> None:
        """Scroll to the top for a new card, and drop the scrollbar a long answer needed.

        Textual decides on the scrollbar after the layout it is in, so the next card's first
        frame would still carry the answer's bar, and a second layout would take it away. A
        card that is longer than the screen gets its bar back after the layout, as before.
        """
        self.scroll_home(animate=False)
        if self.show_vertical_scrollbar:
            self.show_vertical_scrollbar = False
            self.vertical_scrollbar.display = False

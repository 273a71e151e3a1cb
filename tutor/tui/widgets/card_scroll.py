"""The scrolling area that holds a card: back to its top, without the last card's scrollbar."""

from __future__ import annotations

from textual.containers import VerticalScroll


class CardScroll(VerticalScroll):
    """Scrolls the card's question, options and feedback; arrow keys move it."""

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

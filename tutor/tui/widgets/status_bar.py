"""The review's top line: the deck, the cards left by kind, the cards done and the time."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tutor.due import Counts
from tutor.text import neutralise


def clock_text(seconds: int) -> str:
    """Minutes and seconds as the status bar and the summary both show them."""
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class StatusBar(Static):
    """Deck name (cut with … to the room left), then the counts (or, practising, the cards left;
    in a review now, the cards it reviews) and the session's timer."""

    shown: tuple[str, Counts, int, int, bool] | None = None
    review_now: int | None = None  # the browser's review now: how many cards it reviews

    def on_resize(self) -> None:
        if self.shown is not None:
            self.show(*self.shown)  # the deck name takes the width it now has

    def show(
        self, deck: str, left: Counts, done: int, seconds: int, practice: bool = False
    ) -> None:
        """`practice`: the cards left are counted as one (their kinds do not change)."""
        self.shown = (deck, left, done, seconds, practice)
        if self.review_now is not None:
            waiting = f"review now: {self.review_now} card{'s' * (self.review_now != 1)}"
        elif practice:
            waiting = f"practice {left.total} left"
        else:
            waiting = f"new {left.new}  learning {left.learning}  review {left.review}"
        counts = f"   {waiting}   done {done}   {clock_text(seconds)}"
        room = max(12, self.size.width - len(counts) - 2)
        name = neutralise(deck)
        if len(name) > room:
            name = name[: room - 1] + "…"
        text = Text()
        text.append(name, style="bold")
        text.append(counts)
        self.update(text, layout=False)  # one line, docked: no new layout

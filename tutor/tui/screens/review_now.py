"""Review now from the card browser: which cards cannot be, and the summary that goes back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from tutor.tui.screens.summary import SummaryScreen

if TYPE_CHECKING:
    from tutor.card_search import ListedCard


def refusal(card: ListedCard) -> str | None:
    """Why this card cannot be reviewed now and what to press instead (None: it can)."""
    if card.retired:
        return "This card is retired (gone from its deck file): it cannot be reviewed."
    if card.suspended:
        return "This card is suspended: s unsuspends it, then r reviews it now."
    if card.buried:
        return "This card is buried until tomorrow: b unburies it, then r reviews it now."
    return None


class ReviewNowSummary(SummaryScreen):
    """The summary of a review started from the browser: Enter, Escape or q go back to it."""

    BINDINGS = [
        Binding("enter", "back", "Browser"),
        Binding("escape", "back", "Browser", show=False),
        Binding("q", "back", "Browser", show=False),
    ]

    def action_back(self) -> None:
        self.app.pop_screen()  # the browser, which searches again on its return

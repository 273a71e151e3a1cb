"""The help screen: every key, in every mode."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("While a question is shown", ""),
    ("1-9", "choose that option (select-all cards: mark or unmark it)"),
    ("Enter", "submit the marked options (select-all cards)"),
    ("Space", 'reveal the answer without choosing (recall cards, or "I don\'t know")'),
    ("", "with recall-first on: show the options after you tried to recall"),
    ("After the answer", ""),
    ("1 2 3 4", "rate your recall: Again, Hard, Good, Easy"),
    ("Enter", "accept the suggested rating (highlighted)"),
    ("↑ ↓ PgUp PgDn", "scroll a long explanation"),
    ("At any time", ""),
    ("u", "undo the last answer, suspend or bury (the card comes back)"),
    ("e", "edit the card's deck file in $EDITOR at its line, then re-import"),
    ("s", "suspend the card (until you unsuspend it)"),
    ("b", "bury the card until tomorrow"),
    ("?", "this help"),
    ("q", "quit: every answer is already saved"),
]


class HelpScreen(ModalScreen[None]):
    """Lists every key; any of Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("question_mark", "close", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Keys\n", style="bold underline")
        for key, what in KEYS:
            if not what:
                text.append(f"\n{key}\n" if key else "", style="bold")
                continue
            text.append(f"  {key:<14}", style="bold")
            text.append(f"{what}\n")
        text.append("\nEscape closes this help.", style="italic")
        yield Static(text, id="help")

    def action_close(self) -> None:
        self.dismiss()

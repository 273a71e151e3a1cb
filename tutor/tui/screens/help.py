"""The help screens: every key of the review, in every mode, and of the home screen."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

Keys = list[tuple[str, str]]
REVIEW_KEYS: Keys = [
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
    ("q Escape", "end the review (back home if you came from there): answers are saved"),
]
HOME_KEYS: Keys = [
    ("On the home screen", ""),
    ("↑ ↓", "move between decks"),
    ("Enter", "review the selected deck (and the decks nested under it)"),
    ("A", "review every deck"),
    ("a", "add a card to the selected deck: a template in $EDITOR, then re-imported"),
    ("i", "import decks (the bundled deck, or a path)"),
    ("t", "statistics"),
    ("o", "fit FSRS to your reviews for the selected deck, then choose a desired retention"),
    ("c", "custom study: review ahead, failed cards, extra new, practice, session size"),
    ("b", "browse: search cards, card info and history, suspend, bury, forget, edit, add"),
    ("r", "re-read the counts"),
    ("?", "this help"),
    ("q", "quit"),
]


def key_table(keys: Keys) -> Group:
    """Each section's heading, then its keys and what they do in two columns (wrapped lines keep
    their indent)."""
    parts: list[Text | Table] = []
    table = Table.grid(padding=(0, 2))
    for key, what in keys:
        if not what and key:
            table = Table.grid(padding=(0, 2))
            table.add_column(style="bold", no_wrap=True, min_width=13)
            table.add_column()
            parts += [Text(("\n" if parts else "") + key, style="bold underline"), table]
        else:
            table.add_row(Text(key), Text(what))
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """Lists every key in a box that scrolls; any of Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("question_mark", "close", "Close", show=False),
    ]

    def __init__(self, keys: Keys | None = None) -> None:
        super().__init__()
        self.keys = keys if keys is not None else REVIEW_KEYS

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = "Keys"
            box.border_subtitle = "Escape, q or ? closes · ↑↓ scroll"
            yield Static(key_table(self.keys), id="help-text")

    @staticmethod
    def keys_of(screen: object) -> Keys:
        """The keys a help screen lists (for tests and callers that check it)."""
        if not isinstance(screen, HelpScreen):
            raise TypeError(f"{screen!r} is not a help screen")
        return screen.keys

    def action_close(self) -> None:
        self.dismiss()

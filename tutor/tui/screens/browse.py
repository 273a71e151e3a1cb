"""The card browser: a search, a table of the cards it finds (read a page at a time), actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from tutor.errors import TutorError
from tutor.text import neutralise

if TYPE_CHECKING:
    from tutor.card_search import ListedCard, SearchPage
    from tutor.tui.app import TutorApp

COLUMNS = (
    ("Question", None),
    ("Deck", 14),
    ("Due", 10),
    ("Ivl", 5),
    ("S", 6),
    ("D", 4),
    ("R", 4),
    ("Lapses", 6),
)


class BrowseScreen(Screen[None]):
    """Search the collection; Enter on a card shows its info and history."""

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("enter", "info", "Card info", show=False),
        Binding("s", "suspend", "Suspend/unsuspend"),
        Binding("b", "bury", "Bury"),
        Binding("f", "forget", "Forget"),
        Binding("e", "edit", "Edit"),
        Binding("a", "add_card", "Add"),
        Binding("r", "review_now", "Review now"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.query_text = query
        self.cards: list[ListedCard] = []
        self.total = 0
        self.fetching = False

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Input(
            self.query_text,
            placeholder="search: words deck:NAME tag:TAG is:due prop:lapses>3 picked:",
            id="browse-query",
        )
        yield Static(id="browse-status")
        table: DataTable[Text] = DataTable(id="browse-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer(compact=True)  # every key fits 80 columns

    def on_mount(self) -> None:
        table = self.query_one("#browse-table", DataTable)
        others = sum(width or 0 for _label, width in COLUMNS) + 2 * len(COLUMNS)
        for label, width in COLUMNS:
            room = width or max(12, self.app.size.width - others - 2)  # the question takes the rest
            table.add_column(label, width=room, key=label.lower())
        table.focus()
        self.run_search()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        self.query_one("#browse-table", DataTable).focus()
        self.run_search()

    def run_search(self, keep_row: int = 0) -> None:
        self.cards, self.total = [], 0
        self.query_one("#browse-table", DataTable).clear()
        self.query_one("#browse-status", Static).update(Text("Searching…"))
        self.load_page(0, keep_row)

    @work(thread=True, exclusive=True, group="browse")
    def load_page(self, offset: int, keep_row: int = 0) -> None:
        from tutor.browser import search_page

        app = self.tutor
        self.fetching = True
        try:
            page = search_page(app.database, self.query_text, app.settings, app.clock(), offset)
        except TutorError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._show, page, keep_row)

    def _failed(self, message: str) -> None:
        self.fetching = False
        self.query_one("#browse-status", Static).update(Text(neutralise(message)))

    def _show(self, page: SearchPage, keep_row: int) -> None:
        from tutor.cards_report import cells

        self.fetching = False
        table = self.query_one("#browse-table", DataTable)
        self.total = page.total
        for card in page.cards:
            values = cells(card)
            values[0] = " ".join(values[0].split())
            row = [Text(neutralise(v), no_wrap=True, overflow="ellipsis") for v in values]
            table.add_row(*row, key=str(card.id))
        self.cards += page.cards
        shown = f"{len(self.cards)} shown" if self.total > len(self.cards) else "all shown"
        self.query_one("#browse-status", Static).update(
            Text(
                f"{self.total} card{'s' if self.total != 1 else ''} ({shown}).  "
                "/ search, Enter card info, s suspend, b bury, f forget, e edit, a add, "
                "r review now"
            )
        )
        if keep_row and table.row_count:
            table.move_cursor(row=min(keep_row, table.row_count - 1))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        near_end = event.cursor_row >= len(self.cards) - 10
        if near_end and len(self.cards) < self.total and not self.fetching:
            self.fetching = True
            self.load_page(len(self.cards))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_info()

    def selected(self) -> ListedCard | None:
        table = self.query_one("#browse-table", DataTable)
        if not self.cards or table.cursor_row >= len(self.cards):
            return None
        return self.cards[table.cursor_row]

    def action_search(self) -> None:
        self.query_one("#browse-query", Input).focus()

    def action_info(self) -> None:
        from tutor.tui.screens.card_info import CardInfoScreen

        card = self.selected()
        if card is not None:
            self.app.push_screen(CardInfoScreen(card.id))

    def _write(self, what: str, card: ListedCard) -> None:
        from tutor import browser

        app = self.tutor
        now = app.clock()
        try:
            if what == "suspend":
                browser.set_suspended(app.database, card.id, not card.suspended)
            elif what == "bury":
                browser.set_buried(app.database, card.id, not card.buried, app.settings, now)
            else:
                browser.forget(app.database, card.id, now)
        except TutorError as exc:
            app.notify(exc.message, title="Nothing was changed", severity="error")
            return
        self.run_search(self.query_one("#browse-table", DataTable).cursor_row)

    def action_suspend(self) -> None:
        if (card := self.selected()) is not None:
            self._write("suspend", card)
            self.app.notify("Unsuspended." if card.suspended else "Suspended.")

    def action_bury(self) -> None:
        if (card := self.selected()) is not None:
            self._write("bury", card)
            self.app.notify("Unburied." if card.buried else "Buried until tomorrow.")

    def action_forget(self) -> None:
        if (card := self.selected()) is not None:
            self._write("forget", card)
            self.app.notify("Forgotten: the card is new again; its answers are kept.")

    def action_edit(self) -> None:
        from tutor.importer import refresh_decks
        from tutor.tui.editor import edit_file

        card = self.selected()
        if card is None or card.source_path is None:
            return
        failure = edit_file(self.app, card.source_path, card.source_line)
        if failure is not None:
            self.app.notify(failure, title="Not re-imported", severity="error")
            return
        try:
            report = refresh_decks(self.tutor.database, self.tutor.clock(), [card.deck])
        except TutorError as exc:
            self.app.notify(exc.message, title="Not re-imported", severity="error")
            return
        for problem in report.errors[:5]:
            self.app.notify(str(problem), title="Deck not re-imported", severity="warning")
        self.run_search(self.query_one("#browse-table", DataTable).cursor_row)

    def action_add_card(self) -> None:
        """A new card in the selected card's deck file, written in $EDITOR."""
        from tutor.tui.add_card import add_card

        card = self.selected()
        if card is not None:
            row = self.query_one("#browse-table", DataTable).cursor_row
            add_card(self, card.deck, card.source_path, lambda: self.run_search(row))

    def action_review_now(self) -> None:
        from tutor.study import Study

        card = self.selected()
        if card is not None and not card.retired:
            self.tutor.start_review([card.deck], study=Study("ahead", cards=(card.id,)))

    def on_screen_resume(self) -> None:
        if self.cards:
            self.run_search(self.query_one("#browse-table", DataTable).cursor_row)

    def action_back(self) -> None:
        if self.focused is self.query_one("#browse-query", Input):
            self.query_one("#browse-table", DataTable).focus()
            return
        self.app.pop_screen() if len(self.app.screen_stack) > 2 else self.app.exit()

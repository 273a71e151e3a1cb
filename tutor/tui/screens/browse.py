"""The card browser: a search, a table of the cards it finds (read a page at a time), actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from tutor.errors import TutorError
from tutor.text import neutralise

if TYPE_CHECKING:
    from tutor.card_search import CardsPage, ListedCard
    from tutor.importer import ImportReport
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
DROPPED_FIRST = ("S", "D", "Ivl")  # given up in this order while the question is narrower than
QUESTION_WIDTH = 40
EDGES = 2 + 2  # each cell's padding, and the scroll bar
PREFETCH = 50  # rows from the end of those loaded at which the next page is read


def layout(width: int) -> list[tuple[str, int]]:
    """The columns shown at a terminal width, the question taking what the others leave."""
    others = [(label, size or 0) for label, size in COLUMNS[1:]]

    def room() -> int:
        return width - EDGES - sum(size + 2 for _label, size in others)

    for dropped in DROPPED_FIRST:
        if room() >= QUESTION_WIDTH:
            break
        others = [column for column in others if column[0] != dropped]
    return [("Question", max(12, room())), *others]


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
        self.total: int | None = None  # None: still counting
        self.more = False  # cards match after those loaded
        self.fetching = False
        self.search_number = 0  # a worker's answer to an earlier search is dropped
        self.columns: list[tuple[str, int]] = []

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
        self._lay_out(self.app.size.width)
        self.query_one("#browse-table", DataTable).focus()
        self.run_search()

    def on_resize(self, event: events.Resize) -> None:
        if layout(event.size.width) != self.columns:
            self._lay_out(event.size.width)

    def _lay_out(self, width: int) -> None:
        """The table's columns for this width, the rows loaded so far put back."""
        table = self.query_one("#browse-table", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        self.columns = layout(width)
        for label, size in self.columns:
            table.add_column(label, width=size, key=label.lower())
        self._add_rows(self.cards)
        if self.cards:
            table.move_cursor(row=min(row, table.row_count - 1))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        self.query_one("#browse-table", DataTable).focus()
        self.run_search()

    def run_search(self, keep_row: int = 0) -> None:
        self.search_number += 1
        self.cards, self.total, self.more = [], None, False
        self.query_one("#browse-table", DataTable).clear()
        self.query_one("#browse-status", Static).update(Text("Searching…"))
        self.load_page(self.search_number, 0, keep_row)

    @work(thread=True, exclusive=True, group="browse")
    def load_page(self, number: int, offset: int, keep_row: int = 0) -> None:
        from tutor.browser import search_page

        app = self.tutor
        self.fetching = True
        try:
            page = search_page(app.database, self.query_text, app.settings, app.clock(), offset)
        except TutorError as exc:
            self.app.call_from_thread(self._failed, number, exc.message)
            return
        self.app.call_from_thread(self._show, number, page, keep_row)

    @work(thread=True, exclusive=True, group="browse-count")
    def count_cards(self, number: int) -> None:
        from tutor.browser import search_count

        app = self.tutor
        try:
            total = search_count(app.database, self.query_text, app.settings, app.clock())
        except TutorError as exc:
            self.app.call_from_thread(self._failed, number, exc.message)
            return
        self.app.call_from_thread(self._counted, number, total)

    def _failed(self, number: int, message: str) -> None:
        if number == self.search_number:
            self.fetching = False
            self.query_one("#browse-status", Static).update(Text(neutralise(message)))

    def _show(self, number: int, page: CardsPage, keep_row: int) -> None:
        if number != self.search_number:
            return
        self.fetching = False
        table = self.query_one("#browse-table", DataTable)
        self._add_rows(page.cards)
        self.cards += page.cards
        self.more = page.more
        if page.offset == 0:
            if page.more:
                self.count_cards(number)
            else:
                self.total = len(page.cards)
        self._show_status()
        if keep_row and table.row_count:
            table.move_cursor(row=min(keep_row, table.row_count - 1))

    def _counted(self, number: int, total: int) -> None:
        if number == self.search_number:
            self.total = total
            self._show_status()

    def _add_rows(self, cards: list[ListedCard]) -> None:
        from tutor.cards_report import cells

        table = self.query_one("#browse-table", DataTable)
        shown = [
            next(n for n, (name, _w) in enumerate(COLUMNS) if name == label)
            for label, _ in self.columns
        ]
        for card in cards:
            values = cells(card)
            values[0] = " ".join(values[0].split())
            row = [Text(neutralise(values[n]), no_wrap=True, overflow="ellipsis") for n in shown]
            table.add_row(*row, key=str(card.id))

    def _show_status(self) -> None:
        loaded = len(self.cards)
        if self.total is None:
            found = f"{loaded}+ cards (counting…)"
        else:
            shown = f"{loaded} shown" if self.total > loaded else "all shown"
            found = f"{self.total} card{'s' if self.total != 1 else ''} ({shown})"
        keys = "/ search, Enter card info; the other keys are below"  # fits 80 columns
        self.query_one("#browse-status", Static).update(Text(f"{found}.  {keys}"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        near_end = event.cursor_row >= len(self.cards) - PREFETCH
        if near_end and self.more and not self.fetching:
            self.fetching = True
            self.load_page(self.search_number, len(self.cards))

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
        if not report.errors:
            self.app.notify(reimported(report))
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
        from tutor.tui.screens.review_now import refusal

        card = self.selected()
        if card is None:
            return
        if (reason := refusal(card)) is not None:
            self.app.notify(reason, title="Not reviewed", severity="warning")
            return
        self.tutor.start_review([card.deck], study=Study("ahead", cards=(card.id,)))

    def on_screen_resume(self) -> None:
        if self.cards:
            self.run_search(self.query_one("#browse-table", DataTable).cursor_row)

    def action_back(self) -> None:
        if self.focused is self.query_one("#browse-query", Input):
            self.query_one("#browse-table", DataTable).focus()
            return
        self.app.pop_screen() if len(self.app.screen_stack) > 2 else self.app.exit()


def reimported(report: ImportReport) -> str:
    """What re-importing a deck after an edit did, in one line."""
    decks = report.decks
    changed = [
        f"{n} {what}"
        for n, what in (
            (sum(d.updated for d in decks), "updated"),
            (sum(d.added for d in decks), "added"),
            (sum(d.retired for d in decks), "retired"),
        )
        if n
    ]
    return "Deck re-imported: " + (", ".join(changed) if changed else "no card changed") + "."

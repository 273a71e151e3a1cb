"""The home screen: decks (nested by ::) with today's counts, and the keys to start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tutor.errors import TutorError
from tutor.text import neutralise

if TYPE_CHECKING:
    from tutor.study import SessionSize, Study
    from tutor.tui.app import TutorApp


NUMBERS_AND_EDGES = 45  # the count columns with their padding, the table's edges, a scrollbar
NOTHING_DUE = "Nothing due: c opens custom study (review ahead, practice)."


class HomeScreen(Screen[None]):
    """Every deck with what is due today; Enter reviews the selected one."""

    BINDINGS = [
        Binding("enter", "review_selected", "Review", priority=True),
        Binding("A", "review_all", "All decks", show=False),  # the line above the table says it
        Binding("a", "add_card", "Add card"),
        Binding("i", "import_decks", "Import"),
        Binding("t", "stats", "Stats"),
        Binding("o", "optimize", "Optimize"),
        Binding("c", "custom_study", "Study"),
        Binding("b", "browse", "Browse"),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    _width = 0
    _paths: dict[str, str | None] = {}  # deck name -> its file (replaced, never mutated)

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(Text("tutor — today's reviews"), id="home-title")
        yield Static(id="today")
        yield Static(id="misconceptions")  # tutor.misconceptions, per deck
        table: DataTable[Text] = DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="empty")
        yield Footer(compact=True)  # every key fits 80 columns

    def on_mount(self) -> None:
        table = self.query_one("#decks", DataTable)
        for label, width in (
            ("Deck", None),
            ("New", 6),
            ("Learning", 9),
            ("Review", 7),
            ("Cards", 7),
        ):
            table.add_column(label, width=width, key=label.lower())
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:  # deck names take the width there is
            self.action_refresh()

    def action_refresh(self) -> None:
        from tutor.collection import deck_counts
        from tutor.due import collection_due

        app = self.tutor
        now = app.clock()
        try:
            due = collection_due(app.database, app.settings, now)
            counted = deck_counts(app.database, app.settings, now)
            cards = {d.name: d.cards for d in counted}
            self._paths = {d.name: d.path for d in counted}
        except TutorError as exc:
            self.app.notify(exc.message, title="Cannot read the collection", severity="error")
            self.query_one("#decks", DataTable).display = False
            self.query_one("#today", Static).update("")
            problem = self.query_one("#empty", Static)
            problem.update(Text(f"Cannot read the collection.\n\n{neutralise(exc.message)}"))
            problem.display = True
            return
        table = self.query_one("#decks", DataTable)
        table.clear()
        totals = [0, 0, 0]
        rows: dict[str, list[int]] = {}
        for counts in due:
            parts = counts.name.split("::")
            values = [counts.new, counts.learning, counts.review, cards.get(counts.name, 0)]
            for depth in range(1, len(parts) + 1):
                key = "::".join(parts[:depth])
                row = rows.setdefault(key, [0, 0, 0, 0])
                for i, value in enumerate(values):
                    row[i] += value
            totals = [
                totals[0] + counts.new,
                totals[1] + counts.learning,
                totals[2] + counts.review,
            ]
        self._width = self.size.width
        room = max(16, self._width - NUMBERS_AND_EDGES)
        for name in sorted(rows):
            depth = name.count("::")
            label = "  " * depth + neutralise(name.split("::")[-1])
            if len(label) > room:
                label = label[: room - 1] + "…"
            new, learning, review, total = rows[name]
            table.add_row(
                Text(label),
                *(Text(str(v), justify="right") for v in (new, learning, review, total)),
                key=name,
            )
        empty = self.query_one("#empty", Static)
        empty.display = not rows
        table.display = bool(rows)
        if rows:
            due_now = sum(totals)
            keys = "   Enter reviews the selected deck, A reviews all."
            if not due_now:
                keys = f"\n{NOTHING_DUE}"
            self.query_one("#today", Static).update(
                Text(
                    f"Due today: {totals[0]} new, {totals[1]} learning, {totals[2]} review "
                    f"({due_now} cards).{keys}"
                )
            )
            self._show_misconceptions()
            table.focus()
            due_rows = [n for n, name in enumerate(sorted(rows)) if sum(rows[name][:3])]
            table.move_cursor(row=due_rows[0] if due_rows else 0)  # the first deck with cards due
        else:
            self.query_one("#today", Static).update("")
            empty.update(
                Text(
                    "Your collection is empty.\n\n"
                    "Decks are Markdown files: each '## ' heading is a question, a task list "
                    "(- [x] right, - [ ] wrong) gives its options.\n\n"
                    "Press i to import the bundled deck (Neural network optimization for edge "
                    "devices), or run `tutor import PATH` on your own .md files or folders."
                )
            )
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="misconceptions")
    def _show_misconceptions(self) -> None:
        """Count the misconceptions per deck off the UI thread (a scan of every choice)."""
        from tutor.misconceptions import per_deck

        try:
            counts = per_deck(self.tutor.database)
        except TutorError:
            counts = {}
        self.app.call_from_thread(self._flag_misconceptions, counts)

    def _flag_misconceptions(self, counts: dict[str, int]) -> None:
        """One line flagging the decks whose cards were missed twice through the same option."""
        line = self.query_one("#misconceptions", Static)
        line.display = bool(counts)
        if counts:
            most = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            decks = ", ".join(f"{neutralise(name)} {n}" for name, n in most[:3])
            decks += f", {len(most) - 3} more decks" if len(most) > 3 else ""
            cards = sum(counts.values())
            line.update(
                Text(
                    f"Misconceptions: {cards} card{'s' * (cards != 1)} missed twice through the "
                    f"same wrong option ({decks}). `tutor stats` lists them."
                )
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("review_selected", "review_all", "add_card"):
            return self.query_one("#decks", DataTable).row_count > 0
        return True

    def action_review_selected(self) -> None:
        table = self.query_one("#decks", DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.tutor.start_review([str(key)])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.tutor.start_review([str(event.row_key.value)])

    def action_review_all(self) -> None:
        self.tutor.start_review(None)

    def action_add_card(self) -> None:
        """A new card in the selected deck's file, written in $EDITOR (tutor/tui/add_card.py)."""
        from tutor.tui.add_card import add_card

        table = self.query_one("#decks", DataTable)
        if table.row_count == 0:
            return
        deck = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        if deck not in self._paths:
            self.app.notify(
                f"{deck} holds only other decks; select one of them to add a card to it.",
                title="No card added",
            )
            return
        add_card(self, deck, self._paths[deck], self.action_refresh)

    def action_import_decks(self) -> None:
        from tutor.tui.screens.importer import ImportScreen

        self.app.push_screen(ImportScreen(), lambda _: self.action_refresh())

    def action_stats(self) -> None:
        from tutor.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_optimize(self) -> None:
        """Fit FSRS for the selected deck (every deck when there is none) on its own screen."""
        from tutor.tui.screens.optimize import OptimizeScreen

        table = self.query_one("#decks", DataTable)
        deck = None
        if table.row_count:
            deck = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        self.app.push_screen(OptimizeScreen(deck))

    def action_custom_study(self) -> None:
        from tutor.tui.screens.study_dialog import StudyDialog

        def begin(request: tuple[Study | None, SessionSize] | None) -> None:
            if request is not None:
                self.tutor.start_review(None, size=request[1], study=request[0])

        self.app.push_screen(StudyDialog(), begin)

    def action_browse(self) -> None:
        from tutor.tui.screens.browse import BrowseScreen

        self.app.push_screen(BrowseScreen())

    def action_help(self) -> None:
        from tutor.tui.screens.help import HOME_KEYS, HelpScreen

        self.app.push_screen(HelpScreen(HOME_KEYS))

    def action_quit(self) -> None:
        self.app.exit()

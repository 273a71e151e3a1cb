"""The optimize screen: fit FSRS for a deck in a worker, then the retention table to choose from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tutor.errors import TutorError
from tutor.text import neutralise

if TYPE_CHECKING:
    from tutor.optimize import Outcome
    from tutor.retention import Advice
    from tutor.tui.app import TutorApp

COLUMNS = ("Retention", "Reviews/day", "Min/day", "Known", "s/known", "")


class OptimizeScreen(Screen[None]):
    """`tutor optimize DECK` and `tutor optimize --retention DECK`; Enter on a row writes that
    desired retention for the deck into the settings file (`tutor optimize --set-retention`)."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(self, deck: str | None) -> None:
        super().__init__()
        self.deck = deck
        self.advice: Advice | None = None

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        where = f"deck {neutralise(self.deck)}" if self.deck else "every deck"
        yield Static(Text(f"Fit FSRS to your reviews: {where}"), id="optimize-title")
        with VerticalScroll(id="optimize-body"):
            yield Static(Text("Starting…"), id="optimize-progress")
            yield Static(id="optimize-outcome")
            table: DataTable[Text] = DataTable(id="retention", cursor_type="row")
            yield table
            yield Static(id="retention-note")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#retention", DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label or "mark")
        table.display = False
        self.run_fit()

    def _say(self, what: str) -> None:
        self.query_one("#optimize-progress", Static).update(Text(f"{neutralise(what)}…"))

    @work(thread=True, exclusive=True)
    def run_fit(self) -> None:
        """Fit (adopting only if better), then simulate a year at each desired retention."""
        from tutor.optimize import optimize
        from tutor.retention import advise

        app = self.tutor

        def say(what: str) -> None:
            app.call_from_thread(self._say, what)

        try:
            outcome = optimize(app.database, app.clock(), self.deck, progress=say)
            app.call_from_thread(self.show_outcome, outcome)
            advice = advise(app.database, app.settings, self.deck, progress=say)
        except TutorError as exc:
            app.call_from_thread(self.show_problem, exc.message)
            return
        app.call_from_thread(self.show_advice, advice)

    def show_outcome(self, outcome: Outcome) -> None:
        from tutor.optimize_report import outcome_lines

        self.query_one("#optimize-outcome", Static).update(Text("\n".join(outcome_lines(outcome))))

    def show_problem(self, message: str) -> None:
        self.query_one("#optimize-progress", Static).update(
            Text(f"Cannot finish: {neutralise(message)}", style="bold red")
        )

    def show_advice(self, advice: Advice) -> None:
        from tutor.retention_report import heading, table

        self.advice = advice
        self.query_one("#optimize-progress", Static).update(Text(heading(advice)))
        grid = self.query_one("#retention", DataTable)
        grid.clear()
        for *cells, marks in table(advice):
            grid.add_row(*(Text(c, justify="right") for c in cells), Text(marks), key=cells[0])
        grid.display = True
        grid.move_cursor(row=advice.rows.index(advice.best))
        grid.focus()
        self.query_one("#retention-note", Static).update(
            Text(
                f"Least work per card known: {advice.best.retention:.2f} (now "
                f"{advice.current:.2f}). Enter writes the selected retention for "
                f"{neutralise(advice.scope)} into the settings file; Escape goes back."
            )
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from tutor.config import config_path, load_settings
        from tutor.settings_file import set_retention

        retention = float(str(event.row_key.value))
        note = self.query_one("#retention-note", Static)
        path = config_path()
        try:
            set_retention(path, self.deck, retention)
            self.tutor.settings = load_settings()
        except TutorError as exc:
            note.update(Text(neutralise(exc.message), style="bold red"))
            return
        where = f"deck {neutralise(self.deck)}" if self.deck else "every deck"
        note.update(
            Text(
                neutralise(
                    f"desired_retention = {retention:.2f} for {where}, written to {path}. New "
                    "answers are scheduled with it; `tutor reschedule` moves the cards already "
                    "scheduled."
                )
            )
        )

    def action_back(self) -> None:
        self.dismiss()

"""The statistics screen: the same report as `tutor stats`, with its charts, in a scroll."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer, Static

from tutor.errors import TutorError
from tutor.stats_report import cut_to_width, sections
from tutor.text import neutralise

if TYPE_CHECKING:
    from tutor.stats_data import StatsReport
    from tutor.tui.app import TutorApp


class StatsScreen(Screen[None]):
    """Retention statistics for a deck or all decks; m, y and a choose the range."""

    BINDINGS = [
        Binding("m", "span('month')", "Month"),
        Binding("y", "span('year')", "Year"),
        Binding("a", "span('all')", "All time"),
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(self, deck: str | None = None, span: str = "year") -> None:
        super().__init__()
        self.deck = deck
        self.span = span

    WIDE = 150  # columns from which the sections sit side by side

    def compose(self) -> ComposeResult:
        yield Static(id="stats-title")
        with VerticalScroll(id="stats"):
            yield Static("Computing…", id="stats-body")
            yield Container(id="stats-grid")
        yield Footer()

    def on_resize(self, event: Resize) -> None:
        self.query_one("#stats-grid").set_class(event.size.width >= self.WIDE, "-wide")

    def on_mount(self) -> None:
        self.query_one("#stats").focus()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        from tutor.stats import compute

        app: TutorApp = self.app  # type: ignore[assignment]
        try:
            stats = compute(app.database, app.settings, app.clock(), self.deck, self.span)
        except TutorError as exc:
            self.app.call_from_thread(self.app.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self.show, stats)

    def show(self, stats: StatsReport) -> None:
        deck = neutralise(stats.deck or "all decks")
        self.query_one("#stats-title", Static).update(
            Text(f"Statistics: {deck}   range: {stats.span}   (m month, y year, a all time)")
        )
        self.query_one("#stats-body").display = False
        grid = self.query_one("#stats-grid", Container)
        grid.remove_children()
        panels = []
        for title, lines in sections(stats):
            cut = cut_to_width(title)  # card text is cut at the panel's edge with "…", not wrapped
            rows = [
                Text("  " + line, no_wrap=cut, overflow="ellipsis" if cut else "fold")
                for line in lines
            ]
            panels.append(Static(Group(Text(title, style="bold"), *rows), classes="stats-section"))
        grid.mount_all(panels)
        grid.set_class(self.size.width >= self.WIDE, "-wide")

    def action_span(self, span: str) -> None:
        self.span = span
        self.query_one("#stats-body").display = True
        self.query_one("#stats-grid", Container).remove_children()
        self.load()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss()
        else:
            self.app.exit()

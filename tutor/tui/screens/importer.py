"""A small dialog that imports a deck file or folder (the bundled decks by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tutor.config import bundled_decks_dir
from tutor.errors import TutorError
from tutor.text import neutralise

if TYPE_CHECKING:
    from tutor.tui.app import TutorApp


class ImportScreen(ModalScreen[None]):
    """Asks for a path, imports it, and shows what changed and every error."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Static(
                Text("Import: a deck .md, a folder or a quiz .txt (Enter imports, Escape closes)")
            )
            yield Input(value=str(bundled_decks_dir()), id="path")
            yield Static(id="result")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from tutor.importer import import_paths

        app: TutorApp = self.app  # type: ignore[assignment]
        result = self.query_one("#result", Static)
        try:
            report = import_paths(app.database, [event.value.strip()], app.clock())
        except TutorError as exc:
            result.update(Text(neutralise(exc.message)))
            return
        text = Text()
        for deck in report.decks:
            name = neutralise(deck.name)
            if deck.skipped:
                already = "".join(f"{neutralise(m)}, " for m in deck.messages)  # a copy's origin
                text.append(f"{name}: {already}unchanged\n")
            else:
                text.append(
                    f"{name}: {deck.added} added, {deck.updated} updated, {deck.retired} retired\n"
                )
        for problem in report.errors:
            text.append(f"{neutralise(str(problem))}\n", style="bold red")
        if report.errors:
            text.append("Files with errors were not imported; fix them and import again.")
        elif report.decks:
            text.append("Done. Escape goes back to your decks.", style="italic")
        result.update(text)

    def action_close(self) -> None:
        self.dismiss()

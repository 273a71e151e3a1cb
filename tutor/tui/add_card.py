"""`a` on home and in the browser: a new card's template at the end of the deck file, $EDITOR on
it, then the deck re-imported in a worker (the file stays the truth)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.errors import TutorError

if TYPE_CHECKING:
    from textual.screen import Screen

    from tutor.importer import ImportReport
    from tutor.tui.app import TutorApp


def add_card(screen: Screen[None], deck: str, path: str | None, done: Callable[[], None]) -> None:
    """Open the deck file at a new card's template, or at the line of the error that keeps it
    from importing (a template left unfilled, say: `a` again reopens it there, adding nothing
    more). `done` runs after a re-import that added or changed something."""
    from tutor.card_template import append_template, first_problem, take_back_untouched
    from tutor.tui.editor import edit_file

    app: TutorApp = screen.app  # type: ignore[assignment]
    if not path or not Path(path).is_file():
        app.notify(
            f"The deck {deck} has no file on disk to add a card to; import its file again.",
            title="No card added",
            severity="error",
        )
        return
    app.clear_notifications()  # an earlier attempt's error is answered by this one
    file = Path(path)
    appended = None
    try:
        broken = first_problem(file)
        if broken is None:
            appended = append_template(file)
    except (TutorError, OSError) as exc:
        message = (
            exc.message
            if isinstance(exc, TutorError)
            else f"cannot add a card to {path}: {exc.strerror or exc}; the file is unchanged"
        )
        app.notify(message, title="No card added", severity="error", timeout=12)
        return
    line = appended.line if appended is not None else max(1, broken.line if broken else 1)
    failure = edit_file(app, path, line)
    if failure is not None:
        if appended is not None and take_back_untouched(appended):
            failure += "; the deck file is as it was"
        app.notify(failure, title="No card added", severity="error", timeout=12)
        return
    screen.run_worker(lambda: _reimport(app, deck, done), thread=True, group="add-card")


def _reimport(app: TutorApp, deck: str, done: Callable[[], None]) -> None:
    from tutor.importer import refresh_decks

    result: ImportReport | TutorError
    try:
        result = refresh_decks(app.database, app.clock(), [deck])
    except TutorError as exc:
        result = exc
    app.call_from_thread(_reimported, app, deck, result, done)


def _reimported(
    app: TutorApp, deck: str, result: ImportReport | TutorError, done: Callable[[], None]
) -> None:
    if isinstance(result, TutorError):
        app.notify(result.message, title="Deck not re-imported", severity="error", timeout=12)
        return
    if result.errors:
        first = result.errors[0]
        where = f"line {first.line}" if first.line else "the deck file"
        app.notify(
            "\n".join(map(str, result.errors[:5]))
            + f"\nNothing changed in the collection; a reopens the editor at {where}.",
            title="No card added: the deck was not re-imported",
            severity="error",
            timeout=15,
        )
        return
    added = sum(d.added for d in result.decks)
    if added:
        app.notify(f"{added} card{'s' * (added != 1)} added to {deck}.", title="Card added")
    else:
        app.notify(f"No new card in {deck}; the deck is re-imported.")
    done()

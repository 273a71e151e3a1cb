"""`e` on the review screen: the card's deck in the editor, then a re-import in a worker."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from tutor.errors import Problem, TutorError

if TYPE_CHECKING:
    from tutor.importer import ImportReport
    from tutor.session import Presented
    from tutor.tui.screens.review import ReviewScreen


def edit(screen: ReviewScreen) -> None:
    """Open the deck at the card's line (or at the line a failed re-import named)."""
    if screen.session is None or screen.presented is None:  # nothing on screen to act on
        return
    card = screen.presented.card
    path, line = card.source_path, card.source_line
    if screen.edit_at is not None:
        path, line = screen.edit_at.path, screen.edit_at.line or 1
    if not path or not os.path.exists(path):
        screen.app.notify("This card's deck file is not on disk.", severity="error")
        return
    from tutor.tui.editor import edit_file

    problem = edit_file(screen.app, path, line)
    if problem is not None:
        not_reimported(screen, problem, None)
        return
    screen.say("Re-importing the deck…")
    resync(screen, card.deck_name)


def not_reimported(screen: ReviewScreen, message: str, at: Problem | None) -> None:
    """One message: the deck kept its last good version (and where to fix it, if known)."""
    screen.edit_at = at
    screen.app.notify(message, title="Deck not re-imported", severity="error", timeout=12)
    where = f" — e reopens the editor at line {at.line}" if at is not None else ""
    screen.say(f"Deck not re-imported; the card is as last imported{where}.")


def resync(screen: ReviewScreen, deck: str) -> None:
    """Re-import the deck and re-read the card in a thread, then show the outcome."""

    def work() -> None:
        from tutor.importer import refresh_decks

        if screen.session is None:  # nothing on screen to act on
            return
        reloaded: Presented | None = None
        result: ImportReport | TutorError
        try:
            result = refresh_decks(screen.tutor.database, screen.tutor.clock(), [deck])
            if not result.errors:
                reloaded = screen.session.reload_current()
        except TutorError as exc:
            result = exc
        screen.app.call_from_thread(_resynced, screen, result, reloaded)

    screen.run_worker(work, thread=True, exclusive=True, group="resync")


def _resynced(
    screen: ReviewScreen, result: ImportReport | TutorError, reloaded: Presented | None
) -> None:
    if isinstance(result, TutorError):
        not_reimported(screen, result.message, None)
    elif result.errors:
        not_reimported(screen, "\n".join(map(str, result.errors)), result.errors[0])
    elif reloaded is None:
        screen.say("The card left its deck; moving on.")
        screen.show_next()
    else:
        screen.say("Deck re-imported; the card is updated.")
        screen.show_next(reloaded)

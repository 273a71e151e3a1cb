"""Saving an answer, suspending, burying, and undoing any of them, from the review screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tutor.errors import TutorError
from tutor.grades import Grade, format_interval

if TYPE_CHECKING:
    from tutor.tui.screens.review import ReviewScreen

PRACTICE_LOGGED = "Practice answer logged; the schedule is unchanged."
UNDONE = {
    "answer": "Undone: the last answer was taken back.",
    "suspend": "Undone: the card is no longer suspended; here it is again.",
    "bury": "Undone: the card is no longer buried; here it is again.",
}


def commit(screen: ReviewScreen, grade: Grade) -> None:
    """Save the answer with this grade, say when the card comes back, show the next card."""
    if screen.session is None or screen.verdict is None:  # nothing on screen to act on
        return
    try:
        recorded = screen.session.answer(grade, read_next=True)  # the next card shows at once
    except TutorError as exc:
        screen.app.notify(
            exc.message + " — your answer was not saved; press it again",
            title="Not saved",
            severity="error",
            timeout=10,
        )
        return
    after = recorded.after
    when = (
        format_interval(after.due - after.last_review) if after.due and after.last_review else "?"
    )
    message = f"Saved: {grade.label} — back in {when}.  u undoes it."
    if screen.session.practice:
        message = f"{PRACTICE_LOGGED}  u undoes it."
    if recorded.leech and not recorded.flags_before.get("leech"):
        message = f"Saved. This card is now a leech ({after.lapses} lapses)" + (
            " and was suspended." if recorded.suspended else "."
        )
    screen.say(message)
    screen.show_next()


def undo(screen: ReviewScreen) -> None:
    """Take back the last answer, suspend or bury; its card comes back as it was shown."""
    if screen.session is None:  # nothing on screen to act on
        return
    undone = screen.session.undo_target
    try:
        presented = screen.session.undo()
    except TutorError as exc:
        screen.app.notify(exc.message, title="Cannot undo", severity="error")
        return
    screen.say(UNDONE[undone or "answer"])
    if presented is not None:
        screen.show_next(presented)


def suspend(screen: ReviewScreen) -> None:
    """Suspend the card on screen; the line says how to get it back."""
    if screen.session is None or screen.presented is None:  # nothing on screen to act on
        return
    card_id = screen.presented.card.id
    try:
        screen.session.suspend()
    except TutorError as exc:
        screen.app.notify(exc.message, severity="error")
        return
    screen.say(f"Suspended: u undoes it; later, `tutor unsuspend {card_id}` brings it back.")
    screen.show_next()


def bury(screen: ReviewScreen) -> None:
    """Hide the card on screen until tomorrow."""
    if screen.session is None:  # nothing on screen to act on
        return
    try:
        screen.session.bury()
    except TutorError as exc:
        screen.app.notify(exc.message, severity="error")
        return
    screen.say("Buried until tomorrow. u undoes it.")
    screen.show_next()

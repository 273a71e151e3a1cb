"""Grading an answer on the review screen: the verdict, the feedback, the rating bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from tutor.errors import TutorError

if TYPE_CHECKING:
    from tutor.session import ReviewSession, Verdict
    from tutor.tui.screens.review import ReviewScreen


def grade(screen: ReviewScreen, chosen: list[int] | None, duration_ms: int | None) -> None:
    """Grade the choice (or keep it until the session has loaded) and show the answer."""
    if screen.session is None:  # still loading: answer as soon as the session is ready
        if screen.pending is None:
            elapsed = (screen.tutor.clock() - screen.started).total_seconds()
            screen.pending = (chosen, int(elapsed * 1000))
            screen.hint_line.update(Text("One moment: loading your collection…"), layout=False)
        return
    presented = screen.presented
    if presented is None:  # nothing on screen to grade
        return
    screen.verdict = verdict = screen.session.grade(chosen, duration_ms)
    screen.feedback.show(presented, verdict)  # type: ignore[arg-type]
    _show_last_choice(screen, screen.session, presented.card.id, verdict)
    practice = screen.session.practice
    screen.rating_bar.show(verdict, presented.settings.fuzz, practice)
    screen.mode = "answer"
    screen.card_scroll.scroll_home(animate=False)
    screen.call_after_refresh(prepare_next, screen)  # once the answer is on screen


def prepare_next(screen: ReviewScreen) -> None:
    """While the learner reads the answer, wrap the text of the card likely to come next, so
    that the key which brings it lays it out from remembered heights (tutor.tui.widgets.
    text_heights: keyed by the text itself, so a card edited meanwhile is wrapped afresh)."""
    if screen.session is None or screen.mode != "answer" or not screen.is_current:
        return  # answered and rated already, or the review left
    try:
        card = screen.session.upcoming()
    except TutorError:
        return  # only a preparation: the next card is read again when it is shown
    if card is None:
        return
    width = screen.card_text.content_size.width
    widths = {width}
    if screen.card_scroll.show_vertical_scrollbar:  # the next question starts without the bar
        widths.add(width + screen.card_scroll.scrollbar_size_vertical)  # once laid out with it
    for width in widths:
        screen.card_text.prepare(card, width)
        screen.option_list.prepare(card, width)


def _show_last_choice(
    screen: ReviewScreen, session: ReviewSession, card_id: int, verdict: Verdict
) -> None:
    """The distractors picked the last time this card was answered (tutor.misconceptions)."""
    from tutor.misconceptions import last_wrong_choices

    try:
        wrong = last_wrong_choices(session.db, card_id)
    except TutorError:
        wrong = []  # the answer still stands; only the reminder is missing
    screen.feedback.show_last_choice(wrong, verdict)

"""Starting a review (at once, or in a thread behind a first-card preview) and ending it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tutor.errors import Problem, StoreError, TutorError
from tutor.peek import Preview
from tutor.text import neutralise
from tutor.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tutor.session import Presented, ReviewSession
    from tutor.tui.screens.review import ReviewScreen


def begin(screen: ReviewScreen) -> None:
    """Open the session now if the store is open; else show the preview and load in a worker."""
    app = screen.tutor
    if app.db is not None and screen.preview is None:
        start(screen, open_session(screen))
        return
    if screen.preview is not None:
        screen.show(screen.preview)
    screen.query_one("#status", Static).update(Text("Loading today's cards…"))
    screen.call_after_refresh(screen._load_session)  # after the first card is on screen


def open_session(screen: ReviewScreen) -> ReviewSession | TutorError:
    """The review session on the screen's decks (the store opened first if need be)."""
    from tutor.collection import open_database
    from tutor.session import ReviewSession

    app = screen.tutor
    try:
        if app.db is None:
            if app.db_url is None:
                raise StoreError("no collection to open: give TutorApp a database or its URL")
            app.db = open_database(app.db_url)
        (size, study), app.next_session = app.next_session, (None, None)
        return ReviewSession(
            app.db,
            app.settings,
            screen.decks,
            clock=app.clock,
            rng=app.rng,
            sync=app.sync,
            size=size,
            study=study,
        )
    except TutorError as exc:
        return exc


def start(screen: ReviewScreen, result: ReviewSession | TutorError) -> None:
    """Show the session's first card, or keep the preview's (and answer it if already answered)."""
    app = screen.app
    if isinstance(result, TutorError):
        if len(app.screen_stack) > 2:
            app.notify(result.message, title="Cannot start the review", severity="error")
            screen.dismiss()
        else:
            app.exit(return_code=result.exit_code, message=f"tutor: {neutralise(result.message)}")
        return
    screen.session = session = result
    if session.study is not None and session.study.cards:  # the browser's review now
        screen.query_one(StatusBar).review_now = len(session.study.cards)
    report = session.sync_report
    if report is not None:
        if report.errors:  # one notice, so the card keeps its room (the notices' lines are few)
            message, title = reimport_notice(report.errors)
            app.notify(message, title=title, severity="warning", timeout=12)
        changed = [d.name for d in report.decks if not d.skipped]
        if changed:
            app.notify("Re-imported changed decks: " + ", ".join(changed), timeout=6)
    screen.set_interval(1.0, screen.update_status)
    preview, screen.preview = screen.preview, None
    try:
        presented = session.next_card()
    except TutorError as exc:
        app.notify(exc.message, title="Cannot load the next card", severity="error")
        return
    screen.refresh_bindings()  # e, s, b and u apply from now on
    if presented is not None and preview is not None and _same(preview, presented):
        screen.presented = session.adopt(preview.order, screen.started)
        screen.update_status()
        if screen.pending is not None:
            chosen, duration_ms = screen.pending
            screen.pending = None
            screen.grade(chosen, duration_ms)
        return
    if screen.pending is not None:
        screen.pending = None
        app.notify("The first card changed while your collection loaded: answer this one.")
    screen.show_next(presented)


def reimport_notice(problems: Sequence[Problem]) -> tuple[str, str]:
    """The message and title of the notice for the decks a session's re-import left as they
    were: the first problem, and how many more."""
    if len(problems) == 1:
        return str(problems[0]), "Deck not re-imported"
    more = len(problems) - 1
    return (
        f"{problems[0]}\n(and {more} more: `tutor import` on the deck file lists every one)",
        f"Deck not re-imported: {len(problems)} problems",
    )


def _same(preview: Preview, presented: Presented) -> bool:
    a, b = preview.card, presented.card
    return (a.id, a.question, a.body, a.options) == (b.id, b.question, b.body, b.options)


def finish(screen: ReviewScreen) -> None:
    """No card is left: the summary (or home, for an empty collection)."""
    from tutor.tui.screens.summary import SummaryScreen

    if screen.session is None:  # nothing on screen to act on
        return
    if not screen.session.decks:  # an empty collection: home explains how to import
        screen.tutor.go_home()
        return
    screen.tutor.last_summary = summary = screen.summary()
    if screen.session.study is not None and screen.session.study.cards:
        from tutor.tui.screens.review_now import ReviewNowSummary  # back to the browser

        screen.app.switch_screen(ReviewNowSummary(summary))
        return
    screen.app.switch_screen(SummaryScreen(summary))

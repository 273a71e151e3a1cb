"""The review screen: a question, the learner's answer, then the why of every option."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Region
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip

from tutor.errors import Problem, TutorError
from tutor.grades import Grade
from tutor.peek import Preview
from tutor.text import neutralise
from tutor.tui.screens import review_answer, review_edit, review_flags, review_start
from tutor.tui.widgets.card_scroll import CardScroll, blank_lines
from tutor.tui.widgets.card_text import CardText
from tutor.tui.widgets.feedback import FeedbackPanel
from tutor.tui.widgets.footer import Footer
from tutor.tui.widgets.hint import hint
from tutor.tui.widgets.option_list import OptionList
from tutor.tui.widgets.rating_bar import RatingBar
from tutor.tui.widgets.remembered_lines import RememberedLine
from tutor.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tutor.session import Presented, ReviewSession, Summary, Verdict
    from tutor.tui.app import TutorApp

Mode = Literal["loading", "recall-first", "question", "answer", "done"]


class ReviewScreen(Screen[None]):
    """Shows one card at a time; every answer is saved before the next card appears."""

    BINDINGS = [
        Binding("space", "reveal", "Reveal"),
        Binding("enter", "submit", "Submit"),
        Binding("enter", "accept", "Accept"),
        *[Binding(str(n), f"digit({n})", f"Choose {n}", show=False) for n in range(1, 10)],
        Binding("u", "undo", "Undo"),
        Binding("e", "edit", "Edit"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit_review", "Quit"),
        Binding("escape", "quit_review", "Quit", show=False),
    ]
    mode: reactive[Mode] = reactive("loading", bindings=True, init=False, repaint=False)
    # Both only save restyling every widget before the first card: toasts take the whole width
    # here at any width (tutor.tcss), and the card takes the focus once it is on screen.
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = []
    AUTO_FOCUS = ""

    def __init__(self, decks: Sequence[str] | None = None, preview: Preview | None = None) -> None:
        super().__init__()
        self.decks = list(decks) if decks else None
        self.session: ReviewSession | None = None
        self.presented: Presented | Preview | None = None
        self.verdict: Verdict | None = None
        self.toggled: set[int] = set()
        self.preview = preview
        self.pending: tuple[list[int] | None, int] | None = None  # an answer given while loading
        self.edit_at: Problem | None = None  # where `e` opens the editor after a broken edit

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:  # the widgets stay for the screen's life: kept, not queried
        self.status_bar, self.card_scroll = StatusBar(id="status"), CardScroll(id="card")
        self.card_text, self.option_list = CardText(id="question"), OptionList(id="options")
        self.feedback, self.last_line = FeedbackPanel(id="feedback"), RememberedLine(id="last")
        self.rating_bar, self.hint_line = RatingBar(id="ratings"), RememberedLine(id="hint")
        yield self.status_bar
        with self.card_scroll:
            yield from (self.card_text, self.option_list, self.feedback)
        yield from (self.last_line, self.rating_bar, self.hint_line, Footer())

    def render_lines(self, crop: Region) -> list[Strip]:  # the widgets cover it: only blanks
        return blank_lines(self, crop)

    def on_mount(self) -> None:
        self.started = self.tutor.clock()
        self.watch_mode("loading")
        self.call_after_refresh(self.query_one("#card").focus)  # arrow keys scroll the card
        review_start.begin(self)

    @work(thread=True, exclusive=True)
    def _load_session(self) -> None:
        """Load the store and build the session in a thread while the first card is read."""
        self.app.call_from_thread(review_start.start, self, review_start.open_session(self))

    def elapsed(self) -> int:
        """Seconds since the review opened: the header's timer and the summary's time."""
        return int((self.tutor.clock() - self.started).total_seconds())

    # --- what is on screen ------------------------------------------------------------------

    def watch_mode(self, mode: Mode) -> None:
        self.option_list.display = mode == "question"
        self.feedback.display = self.rating_bar.display = mode == "answer"
        self.last_line.display = mode != "answer"  # the last card's line has gone
        if self.presented is not None:  # in the answer, the feedback shows the body last
            self.card_text.show_body(bool(self.presented.card.body) and mode != "answer")
        self.refresh_bindings()
        self._update_hint()

    def update_status(self) -> None:
        if self.session is not None and self.presented is not None:
            left, done = self.session.remaining(), len(self.session.done)
            self.status_bar.show(
                self.presented.card.deck_name, left, done, self.elapsed(), self.session.practice
            )

    def show(self, presented: Presented | Preview) -> None:
        self.presented, self.verdict, self.toggled = presented, None, set()
        self.edit_at = None
        self.card_text.show(presented.card)
        self.option_list.show(presented, self.toggled)  # type: ignore[arg-type]
        wants_recall = presented.settings.recall_first and presented.card.kind == "choice"
        mode: Mode = "recall-first" if wants_recall else "question"
        if self.mode == mode:  # a card after a card: the watcher is not called for the same mode
            self.watch_mode(mode)
        self.mode = mode
        self.card_scroll.start_over()
        self.update_status()

    def show_next(self, presented: Presented | None = None) -> None:
        assert self.session is not None
        if presented is None:
            try:
                presented = self.session.next_card()
            except TutorError as exc:
                self.app.notify(exc.message, title="Cannot load the next card", severity="error")
                return
        if presented is None:
            self._finish()
        else:
            self.show(presented)

    def _finish(self) -> None:
        self.mode = "done"
        review_start.finish(self)

    def summary(self) -> Summary:
        """The session's summary, timed like the status bar."""
        assert self.session is not None
        return replace(self.session.summary(), milliseconds=self.elapsed() * 1000)

    def say(self, message: str) -> None:  # one-line widgets: an update needs no new layout
        self.last_line.update(Text(neutralise(message)), layout=False)

    def _update_hint(self) -> None:
        self.hint_line.update(Text(hint(self.mode, self.presented)), layout=False)

    # --- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        mode, presented = self.mode, self.presented
        if action == "reveal":
            return mode in ("question", "recall-first")
        if action == "submit":
            return mode == "question" and presented is not None and presented.select_all
        if action == "accept":
            return mode == "answer"
        if action == "digit":
            return mode in ("question", "answer")
        if action == "undo":
            return self.session is not None and self.session.undo_target is not None
        if action in ("edit", "suspend", "bury"):
            return self.session is not None and mode in ("question", "answer", "recall-first")
        return True

    def action_digit(self, number: int) -> None:
        assert self.presented is not None
        if self.mode == "answer":
            if 1 <= number <= 4:
                self.commit(Grade(number))
            return
        if number > len(self.presented.order) or self.pending is not None:  # or already given
            self.app.bell()
            return
        index = self.presented.order[number - 1]
        if self.presented.select_all:
            self.toggled.symmetric_difference_update({index})
            self.option_list.show(self.presented, self.toggled)  # type: ignore[arg-type]
        else:
            self.grade([index])

    def action_reveal(self) -> None:
        if self.mode == "recall-first":
            self.mode = "question"
        elif self.mode == "question":
            self.grade(None)

    def action_submit(self) -> None:
        if self.mode == "question":
            self.grade(sorted(self.toggled))

    def action_accept(self) -> None:
        if self.mode == "answer" and self.verdict is not None:
            self.commit(self.verdict.suggested)

    def grade(self, chosen: list[int] | None, duration_ms: int | None = None) -> None:
        review_answer.grade(self, chosen, duration_ms)

    def commit(self, grade: Grade) -> None:
        review_flags.commit(self, grade)

    def action_undo(self) -> None:
        review_flags.undo(self)

    def action_suspend(self) -> None:
        review_flags.suspend(self)

    def action_bury(self) -> None:
        review_flags.bury(self)

    def action_edit(self) -> None:
        review_edit.edit(self)

    def resync(self, deck: str) -> None:
        """Re-import the edited deck in a worker; the card follows its new version."""
        review_edit.resync(self, deck)

    def action_help(self) -> None:
        from tutor.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit_review(self) -> None:
        """Back home if the review was opened from there; else the app ends."""
        if self.session is not None:
            self.tutor.last_summary = self.summary()
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()

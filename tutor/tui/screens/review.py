"""The review screen: a question, the learner's answer, then the why of every option."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from tutor.errors import TutorError
from tutor.grades import Grade, format_interval
from tutor.peek import Preview
from tutor.text import neutralise

if TYPE_CHECKING:
    from tutor.session import Presented, ReviewSession, Verdict
    from tutor.tui.app import TutorApp

MARKDOWN_SYNTAX = re.compile(r"[*_`#>|~\[\]<]|^\s*([-+]|\d+[.)])\s", re.MULTILINE)


def _markdown(source: str) -> Any:
    """Card text rendered as Markdown (never as console markup), synchronously.

    Plain prose skips the Markdown renderer (and its import, a tenth of start-up).
    """
    source = neutralise(source)
    if not MARKDOWN_SYNTAX.search(source):
        return Text(source)
    from rich.markdown import Markdown

    return Markdown(source, code_theme="ansi_dark", hyperlinks=False)


Mode = Literal["loading", "recall-first", "question", "answer", "done"]
MAX_OPTIONS = 9
UNDONE = {
    "answer": "Undone: the last answer was taken back.",
    "suspend": "Undone: the card is no longer suspended; here it is again.",
    "bury": "Undone: the card is no longer buried; here it is again.",
}


class ReviewScreen(Screen[None]):
    """Shows one card at a time; every answer is saved before the next card appears."""

    BINDINGS = [
        Binding("space", "reveal", "Show answer"),
        Binding("enter", "submit", "Submit choices"),
        Binding("enter", "accept", "Accept rating"),
        *[Binding(str(n), f"digit({n})", f"Choose {n}", show=False) for n in range(1, 10)],
        Binding("u", "undo", "Undo"),
        Binding("e", "edit", "Edit card"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit_review", "Quit"),
    ]

    def __init__(self, decks: Sequence[str] | None = None, preview: Preview | None = None) -> None:
        super().__init__()
        self.decks = list(decks) if decks else None
        self.mode: Mode = "loading"
        self.session: ReviewSession | None = None
        self.presented: Presented | Preview | None = None
        self.verdict: Verdict | None = None
        self.toggled: set[int] = set()
        self.preview = preview
        self.pending: tuple[list[int] | None, int] | None = None  # an answer given while loading

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with VerticalScroll(id="card"):
            yield Static(id="question")
            yield Static(id="question-body")
            with Vertical(id="options"):
                for n in range(MAX_OPTIONS):
                    yield Static(classes="option", id=f"option-{n}")
            yield Static(id="verdict")
            yield Static(id="picked-reasoning")
            with Vertical(id="others"):
                for n in range(MAX_OPTIONS):
                    yield Static(classes="reasoning", id=f"reasoning-{n}")
            yield Static("Explanation", id="explanation-label")
            yield Static(id="explanation")
        yield Static(id="last")
        yield Static(id="ratings")
        yield Static(id="hint")
        yield Footer()

    # --- life cycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        app = self.tutor
        self.started = app.clock()
        if app.db is not None and self.preview is None:
            self._start(self._open_session())
            return
        if self.preview is not None:
            self._show(self.preview)
        self.query_one("#status", Static).update(Text("Loading today's cards…"))
        self.call_after_refresh(self._load_session)  # after the first card is on screen

    def _open_session(self) -> ReviewSession | TutorError:
        from tutor.collection import open_database
        from tutor.session import ReviewSession

        app = self.tutor
        try:
            if app.db is None:
                assert app.db_url is not None, "TutorApp needs db or db_url"
                app.db = open_database(app.db_url)
            return ReviewSession(
                app.db, app.settings, self.decks, clock=app.clock, rng=app.rng, sync=app.sync
            )
        except TutorError as exc:
            return exc

    @work(thread=True, exclusive=True)
    def _load_session(self) -> None:
        """Load the store and build the session in a thread while the first card is read."""
        result = self._open_session()
        self.app.call_from_thread(self._start, result)

    def _start(self, result: ReviewSession | TutorError) -> None:
        if isinstance(result, TutorError):
            if len(self.app.screen_stack) > 2:
                self.app.notify(result.message, title="Cannot start the review", severity="error")
                self.dismiss()
            else:
                self.app.exit(
                    return_code=result.exit_code, message=f"tutor: {neutralise(result.message)}"
                )
            return
        self.session = result
        report = self.session.sync_report
        if report is not None:
            for problem in report.errors[:5]:
                self.app.notify(
                    str(problem), title="Deck not re-imported", severity="warning", timeout=12
                )
            changed = [d.name for d in report.decks if not d.skipped]
            if changed:
                self.app.notify("Re-imported changed decks: " + ", ".join(changed), timeout=6)
        self.set_interval(1.0, self._update_status)
        preview, self.preview = self.preview, None
        try:
            presented = self.session.next_card()
        except TutorError as exc:
            self.app.notify(exc.message, title="Cannot load the next card", severity="error")
            return
        if presented is not None and preview is not None and self._same(preview, presented):
            self.presented = self.session.adopt(preview.order, self.started)
            self._update_status()
            if self.pending is not None:
                chosen, duration_ms = self.pending
                self.pending = None
                self._grade(chosen, duration_ms)
            return
        if self.pending is not None:
            self.pending = None
            self.app.notify("The first card changed while your collection loaded: answer this one.")
        self._show_next(presented)

    @staticmethod
    def _same(preview: Preview, presented: Presented) -> bool:
        a, b = preview.card, presented.card
        return (a.id, a.question, a.body, a.options) == (b.id, b.question, b.body, b.options)

    def _show_next(self, presented: Presented | None = None) -> None:
        assert self.session is not None
        if presented is None:
            try:
                presented = self.session.next_card()
            except TutorError as exc:
                self.app.notify(exc.message, title="Cannot load the next card", severity="error")
                return
        if presented is None:
            self._finish()
            return
        self._show(presented)

    def _show(self, presented: Presented | Preview) -> None:
        self.presented, self.verdict, self.toggled = presented, None, set()
        wants_recall = presented.settings.recall_first and presented.card.kind == "choice"
        self.mode = "recall-first" if wants_recall else "question"
        self._render_card()

    def _finish(self) -> None:
        from tutor.tui.screens.summary import SummaryScreen

        assert self.session is not None
        self.mode = "done"
        if not self.session.decks:  # an empty collection: home explains how to import
            self.tutor.go_home()
            return
        summary = self.session.summary()
        self.tutor.last_summary = summary
        self.app.switch_screen(SummaryScreen(summary))

    # --- rendering --------------------------------------------------------------------------

    def _update_status(self) -> None:
        if self.session is None or self.presented is None:
            return
        left = self.session.remaining()
        elapsed = int((self.tutor.clock() - self.started).total_seconds())
        done = len(self.session.done)
        counts = (
            f"   new {left.new}  learning {left.learning}  review {left.review}"
            f"   done {done}   {elapsed // 60:02d}:{elapsed % 60:02d}"
        )
        room = max(12, self.size.width - len(counts) - 2)
        deck = neutralise(self.presented.card.deck_name)
        if len(deck) > room:
            deck = deck[: room - 1] + "…"
        text = Text()
        text.append(deck, style="bold")
        text.append(counts)
        self.query_one("#status", Static).update(text)

    def _render_card(self) -> None:
        assert self.presented is not None
        card = self.presented.card
        self.query_one("#question", Static).update(_markdown(card.question))
        body = self.query_one("#question-body", Static)
        body.display = bool(card.body)
        if card.body:
            body.update(_markdown(card.body))
        self._render_options()
        for selector in ("#verdict", "#picked-reasoning", "#explanation-label", "#explanation"):
            self.query_one(selector).display = False
        for n in range(MAX_OPTIONS):
            self.query_one(f"#reasoning-{n}").display = False
        self.query_one("#ratings").display = False
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        self._update_status()
        self._update_hint()
        self.refresh_bindings()

    def _render_options(self) -> None:
        assert self.presented is not None
        card = self.presented.card
        shown = self.mode != "recall-first"
        for n in range(MAX_OPTIONS):
            widget = self.query_one(f"#option-{n}", Static)
            if n >= len(self.presented.order) or not shown:
                widget.display = False
                continue
            index = self.presented.order[n]
            option = card.options[index]
            widget.display = True
            widget.set_classes("option")
            line = Text()
            if self.mode == "answer" and self.verdict is not None:
                picked = index in self.verdict.chosen
                if option["correct"]:
                    line.append("✓ ", style="bold")
                    widget.add_class("-right")
                elif picked:
                    line.append("✗ ", style="bold")
                    widget.add_class("-wrong-pick")
                else:
                    line.append("  ")
                line.append(f"{n + 1}  ")
                line.append(neutralise(option["text"]))
                notes = []
                if option["correct"]:
                    notes.append("right answer")
                if picked:
                    notes.append("your choice")
                if notes:
                    line.append(f"   ({', '.join(notes)})", style="italic")
            else:
                if self.presented.select_all:
                    line.append("[x] " if index in self.toggled else "[ ] ")
                    if index in self.toggled:
                        widget.add_class("-toggled")
                line.append(f"{n + 1}  ", style="bold")
                line.append(neutralise(option["text"]))
            widget.update(line)

    def _render_answer(self) -> None:
        assert self.presented is not None and self.verdict is not None
        card, verdict = self.presented.card, self.verdict
        self._render_options()
        headline = self.query_one("#verdict", Static)
        headline.display = True
        headline.set_classes("")
        if verdict.correct is None:
            headline.add_class("-recall")
            headline.update(Text("Answer — how well did you recall it?"))
            self.query_one("#explanation-label", Static).update("Answer")
            body = card.answer
        else:
            headline.add_class("-right" if verdict.correct else "-wrong")
            if verdict.correct:
                headline.update(Text("✓ Right"))
            elif not verdict.chosen:
                headline.update(Text("✗ Not answered — the right answer is marked ✓"))
            else:
                headline.update(Text("✗ Wrong — the right answer is marked ✓"))
            self.query_one("#explanation-label", Static).update("Explanation")
            body = card.explanation
        self._render_reasoning()
        label = self.query_one("#explanation-label")
        explanation = self.query_one("#explanation", Static)
        label.display = explanation.display = bool(body)
        if body:
            explanation.update(_markdown(body))
        self._render_ratings()
        self._update_hint()
        self.refresh_bindings()

    def _render_reasoning(self) -> None:
        assert self.presented is not None and self.verdict is not None
        options = self.presented.card.options
        picked = [i for i in self.presented.order if i in self.verdict.chosen]
        first = self.query_one("#picked-reasoning", Static)
        first.set_classes("")
        if picked:
            text = Text()
            for number, index in enumerate(picked):
                option = options[index]
                if number:
                    text.append("\n\n")
                verb = "is right" if option["correct"] else "is wrong"
                text.append(
                    f"You chose “{neutralise(option['text'])}” — why it {verb}:\n", style="bold"
                )
                reasoning = option["reasoning"] or "(the deck gives no reasoning for this option)"
                text.append(neutralise(reasoning))
            first.update(text)
            first.display = True
            if all(options[i]["correct"] for i in picked):
                first.add_class("-right")
        else:
            first.display = False
        others = [i for i in self.presented.order if i not in picked]
        for n in range(MAX_OPTIONS):
            widget = self.query_one(f"#reasoning-{n}", Static)
            if n >= len(others) or not options[others[n]]["reasoning"]:
                widget.display = False
                continue
            option = options[others[n]]
            text = Text()
            text.append("✓ " if option["correct"] else "✗ ", style="bold")
            text.append(neutralise(option["text"]), style="bold")
            text.append(" — " + neutralise(option["reasoning"]))
            widget.update(text)
            widget.display = True

    def _render_ratings(self) -> None:
        assert self.verdict is not None
        bar = Text()
        for grade in Grade:
            label = f" {int(grade)} {grade.label} {format_interval(self.verdict.intervals[grade])} "
            style = "reverse bold" if grade == self.verdict.suggested else ""
            bar.append(label, style=style)
            bar.append("  ")
        bar.append(f"Enter = {self.verdict.suggested.label} (suggested)", style="italic")
        ratings = self.query_one("#ratings", Static)
        ratings.update(bar)
        ratings.display = True

    def _update_hint(self) -> None:
        hint = self.query_one("#hint", Static)
        if self.presented is None:
            hint.update("")
            return
        count = len(self.presented.order)
        if self.mode == "recall-first":
            message = "Recall the answer first, then press Space to see the options"
        elif self.mode == "question" and self.presented.card.kind == "recall":
            message = "Think of the answer, then press Space to reveal it"
        elif self.mode == "question" and self.presented.select_all:
            message = (
                f"Select all that apply: 1-{count} to mark, Enter to submit, "
                "Space if you don't know"
            )
        elif self.mode == "question":
            message = f"Press 1-{count} to answer, Space if you don't know"
        else:
            message = "Rate your recall: 1-4, or Enter to accept the suggestion   ↑↓ scroll"
        hint.update(Text(message))

    # --- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        mode = self.mode
        card = self.presented.card if self.presented else None
        if action == "reveal":
            return mode in ("question", "recall-first")
        if action == "submit":
            return mode == "question" and self.presented is not None and self.presented.select_all
        if action == "accept":
            return mode == "answer"
        if action == "digit":
            return mode in ("question", "answer")
        if action == "undo":
            return self.session is not None and self.session.undo_target is not None
        if self.session is None and action in ("edit", "suspend", "bury"):
            return False
        if action in ("edit", "suspend", "bury"):
            return card is not None and mode in ("question", "answer", "recall-first")
        return True

    def action_digit(self, number: int) -> None:
        assert self.presented is not None
        if self.mode == "answer":
            if 1 <= number <= 4:
                self._commit(Grade(number))
            return
        if number > len(self.presented.order):
            self.app.bell()
            return
        index = self.presented.order[number - 1]
        if self.presented.select_all:
            self.toggled.symmetric_difference_update({index})
            self._render_options()
        else:
            self._grade([index])

    def action_reveal(self) -> None:
        if self.mode == "recall-first":
            self.mode = "question"
            self._render_options()
            self._update_hint()
            self.refresh_bindings()
        elif self.mode == "question":
            self._grade(None)

    def action_submit(self) -> None:
        if self.mode == "question":
            self._grade(sorted(self.toggled))

    def action_accept(self) -> None:
        if self.mode == "answer" and self.verdict is not None:
            self._commit(self.verdict.suggested)

    def _grade(self, chosen: list[int] | None, duration_ms: int | None = None) -> None:
        if self.session is None:  # still loading: answer as soon as the session is ready
            if self.pending is not None:
                return
            elapsed = (self.tutor.clock() - self.started).total_seconds()
            self.pending = (chosen, int(elapsed * 1000))
            self.query_one("#hint", Static).update(Text("One moment: loading your collection…"))
            return
        self.verdict = self.session.grade(chosen, duration_ms)
        self.mode = "answer"
        self._render_answer()

    def _commit(self, grade: Grade) -> None:
        assert self.session is not None and self.verdict is not None
        try:
            recorded = self.session.answer(grade)
        except TutorError as exc:
            self.app.notify(
                exc.message + " — your answer was not saved; press it again",
                title="Not saved",
                severity="error",
                timeout=10,
            )
            return
        due = recorded.after.due
        when = (
            format_interval(due - recorded.after.last_review)
            if due and recorded.after.last_review
            else "?"
        )
        message = f"Saved: {grade.label} — back in {when}.  u undoes it."
        if recorded.leech and not recorded.flags_before.get("leech"):
            message = f"Saved. This card is now a leech ({recorded.after.lapses} lapses)" + (
                " and was suspended." if recorded.suspended else "."
            )
        self.query_one("#last", Static).update(Text(message))
        self._show_next()

    def action_undo(self) -> None:
        assert self.session is not None
        undone = self.session.undo_target
        try:
            presented = self.session.undo()
        except TutorError as exc:
            self.app.notify(exc.message, title="Cannot undo", severity="error")
            return
        self.query_one("#last", Static).update(Text(UNDONE[undone or "answer"]))
        if presented is not None:
            self._show_next(presented)

    def action_suspend(self) -> None:
        assert self.session is not None and self.presented is not None
        question = neutralise(self.presented.card.question)
        try:
            self.session.suspend()
        except TutorError as exc:
            self.app.notify(exc.message, severity="error")
            return
        self.query_one("#last", Static).update(
            Text(f"Suspended “{question[:50]}”: back only when unsuspended; u undoes it.")
        )
        self._show_next()

    def action_bury(self) -> None:
        assert self.session is not None and self.presented is not None
        try:
            self.session.bury()
        except TutorError as exc:
            self.app.notify(exc.message, severity="error")
            return
        self.query_one("#last", Static).update(Text("Buried until tomorrow. u undoes it."))
        self._show_next()

    def action_edit(self) -> None:
        assert self.session is not None and self.presented is not None
        card = self.presented.card
        if not card.source_path or not os.path.exists(card.source_path):
            self.app.notify("This card's deck file is not on disk.", severity="error")
            return
        from tutor.tui.editor import edit_file

        problem = edit_file(self.app, card.source_path, card.source_line)
        if problem is not None:
            self._not_reimported(problem)
            return
        self._resync(card.deck_name)

    def _not_reimported(self, problem: str) -> None:
        self.app.notify(problem, title="Deck not re-imported", severity="error", markup=False)
        self.query_one("#last", Static).update(Text(f"Deck not re-imported: {problem}"))

    def _resync(self, deck: str) -> None:
        from tutor.importer import refresh_decks

        assert self.session is not None and self.presented is not None
        try:
            report = refresh_decks(self.tutor.database, self.tutor.clock(), [deck])
            reloaded = self.session.reload_current()
        except TutorError as exc:
            self._not_reimported(exc.message)
            return
        for problem in report.errors:
            self.app.notify(
                str(problem),
                title="Deck not re-imported: the card keeps its last good version",
                severity="warning",
                timeout=12,
            )
        if reloaded is None:
            self.query_one("#last", Static).update(Text("The card left its deck; moving on."))
            self._show_next()
        else:
            message = "Deck re-imported; the card is updated."
            if report.errors:
                message = "Deck not re-imported (see the errors); the card is as last imported."
            self.query_one("#last", Static).update(Text(message))
            self._show_next(reloaded)

    def action_help(self) -> None:
        from tutor.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit_review(self) -> None:
        if self.session is not None:
            self.tutor.last_summary = self.session.summary()
        self.app.exit()

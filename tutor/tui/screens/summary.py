"""The end of a session: what was done, how well, and what tomorrow holds."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from tutor.grades import format_interval
from tutor.session import Summary
from tutor.study import Study
from tutor.text import neutralise


def describe(summary: Summary, now: datetime | None = None) -> Text:
    """The summary as lines a learner reads at a glance."""
    text = Text()
    minutes, seconds = divmod(summary.milliseconds // 1000, 60)
    text.append(f"Cards answered   {summary.answered}\n")
    if summary.accuracy is not None:
        text.append(
            f"Right            {summary.correct} of {summary.correct + summary.wrong} "
            f"({summary.accuracy:.0%})\n"
        )
    text.append(f"Time spent       {minutes} min {seconds:02d} s\n")
    still = summary.still_due
    if still.total:
        text.append(
            f"Still due today  {still.total} ({still.new} new, {still.learning} learning, "
            f"{still.review} review)\n"
        )
    text.append(f"Due tomorrow     {summary.due_tomorrow}\n")
    if summary.next_due is not None and now is not None:
        wait = format_interval(max(summary.next_due - now, timedelta(0)))
        when = summary.next_due.astimezone().strftime("%a %d %b %H:%M")
        text.append(f"Next card due    {when} (in {wait})\n")
    if summary.learning_later:
        text.append(
            f"\n{summary.learning_later} card(s) in learning come back later today: "
            "run tutor again then.\n"
        )
    if summary.leeches:
        text.append(
            "\nNew leeches (failed again and again; consider rewriting them):\n", style="bold"
        )
        for question in summary.leeches:
            text.append(f"  • {neutralise(question)}\n")
    if summary.optimize_suggestion:
        text.append(f"\n{summary.optimize_suggestion}\n")
    text.append("\nEvery answer is saved.", style="italic")
    return text


CUSTOM_STUDY_HINT = (
    "Study anyway: c on home opens custom study (review ahead, practice),\n"
    "or run `tutor study ahead 3` for the cards due in the next 3 days."
)


def nothing_matches(study: Study) -> Text:
    """What a custom study that found no card says, and what to try instead."""
    return Text(
        f"{neutralise(study.describe())}\n\n"
        "No card matches it: nothing was answered, the schedule is unchanged.\n"
        "Press Enter for home, then c to try another custom study."
    )


class SummaryScreen(Screen[None]):
    """Shown when no card is left for today."""

    BINDINGS = [
        Binding("enter", "home", "Home"),
        Binding("escape", "home", "Home", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        study = self.app.session_study  # type: ignore[attr-defined]
        if self.summary.answered:
            title, body = "Session complete", describe(self.summary, self.app.clock())  # type: ignore[attr-defined]
        elif study is not None:
            title, body = "No card matches this custom study", nothing_matches(study)
        else:
            title = "Nothing is due right now"
            body = describe(self.summary, self.app.clock())  # type: ignore[attr-defined]
            body.append(f"\n\n{CUSTOM_STUDY_HINT}")
        yield Static(Text(title), id="summary-title")
        yield Static(body, id="summary")
        yield Footer()

    def action_home(self) -> None:
        self.app.go_home()  # type: ignore[attr-defined]

    def action_quit(self) -> None:
        self.app.exit()

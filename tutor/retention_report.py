"""Retention advice as text: the simulated year at each desired retention, for CLI and TUI."""

from __future__ import annotations

from tutor.retention import Advice
from tutor.text import neutralise

HEADER = ("retention", "reviews/day", "min/day", "known", "s/known")
BEST = "least work per card known"


def heading(advice: Advice) -> str:
    """What was simulated: the scope, whose parameters and settings, and the learner's pace."""
    pace = (
        f"{advice.seconds_per_answer:.1f} s an answer over {advice.answers} answers"
        if advice.seconds_per_answer is not None
        else "fsrs-rs's default answer times (no answers yet)"
    )
    scheduled = ""
    if advice.scheduled_as is not None:
        scheduled = f" (those of deck {advice.scheduled_as}"
        if advice.share < advice.cards:
            scheduled += f", which schedule {advice.share} of the {advice.cards} cards"
        scheduled += ")"
    return neutralise(
        f"A year of {advice.scope} ({advice.cards} cards) simulated by fsrs-rs with your "
        f"parameters and settings{scheduled} and your pace ({pace}):"
    )


def table(advice: Advice) -> list[tuple[str, str, str, str, str, str]]:
    """Each row's cells (retention, reviews/day, min/day, known, s/known, marks): what both the
    CLI and the TUI show."""
    rows = []
    for row in advice.rows:
        marks = [BEST] if row is advice.best else []
        marks += ["current"] if abs(row.retention - advice.current) < 1e-9 else []
        rows.append(
            (
                f"{row.retention:.2f}",
                f"{row.reviews_per_day:.1f}",
                f"{row.minutes_per_day:.1f}",
                f"{row.known:.0f}",
                f"{row.seconds_per_known:.0f}",
                ", ".join(marks),
            )
        )
    return rows


def advice_lines(advice: Advice) -> list[str]:
    """The table, with the current and the least-work retention marked, for a person."""
    widths = (9, 13, 9, 8, 9)
    lines = [
        heading(advice),
        "  " + "".join(f"{h:>{w}}" for h, w in zip(HEADER, widths, strict=True)),
    ]
    for *cells, marks in table(advice):
        lines.append(
            "  "
            + "".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))
            + (f"  <- {marks}" if marks else "")
        )
    lines.append(
        f"Least work per card known: {advice.best.retention:.2f} (now {advice.current:.2f}). "
        f"`tutor optimize{' ' + neutralise(repr(advice.target)) if advice.target else ''} "
        f"--set-retention {advice.best.retention:.2f}` writes it to the settings file."
    )
    return lines

"""Retention advice as lines of text: the simulated year at each desired retention."""

from __future__ import annotations

from tutor.retention import Advice
from tutor.text import neutralise


def advice_lines(advice: Advice) -> list[str]:
    """The table, with the current and the least-work retention marked, for a person."""
    where = f"deck {neutralise(advice.target)}" if advice.target else "every deck"
    pace = (
        f"{advice.seconds_per_answer:.1f} s an answer over {advice.answers} answers"
        if advice.seconds_per_answer is not None
        else "fsrs-rs's default answer times (no answers yet)"
    )
    lines = [
        f"A year of {where} ({advice.cards} cards) simulated by fsrs-rs with your parameters "
        f"and your pace ({pace}):",
        f"  {'retention':>9}{'reviews/day':>13}{'min/day':>9}{'known':>8}{'s/known':>9}",
    ]
    for row in advice.rows:
        marks = []
        if row is advice.best:
            marks.append("least work per card known")
        if abs(row.retention - advice.current) < 1e-9:
            marks.append("current")
        lines.append(
            f"  {row.retention:>9.2f}{row.reviews_per_day:>13.1f}{row.minutes_per_day:>9.1f}"
            f"{row.known:>8.0f}{row.seconds_per_known:>9.0f}"
            + (f"  <- {', '.join(marks)}" if marks else "")
        )
    lines.append(
        f"Least work per card known: {advice.best.retention:.2f} (now {advice.current:.2f}). "
        f"`tutor optimize{' ' + neutralise(repr(advice.target)) if advice.target else ''} "
        f"--set-retention {advice.best.retention:.2f}` writes it to the settings file."
    )
    return lines

"""`tutor reschedule` outcomes as lines of text."""

from __future__ import annotations

from tutor.reschedule import Rescheduled, RescheduleReverted
from tutor.text import neutralise


def _where(target: str) -> str:
    return f"deck {neutralise(target)} (and its sub-decks)" if target else "every deck"


def _days(value: float) -> str:
    return f"{value:.1f} days" if value < 10 else f"{value:.0f} days"


def rescheduled_lines(done: Rescheduled) -> list[str]:
    """What a rescheduling did (or would do), for a person."""
    verb = "Would reschedule" if done.dry_run else "Rescheduled"
    lines = [
        f"{verb} {_where(done.target)}: {done.cards} cards recomputed from their own logs in "
        f"{done.seconds:.1f} s; {done.changed} changed, {done.moved} due dates moved "
        f"({done.earlier} earlier, {done.later} later)."
    ]
    if done.moved:
        lines.append(
            f"  shift of the due dates that moved: median {_days(done.median_days)}, "
            f"largest {_days(done.max_days)}"
        )
    if done.left:
        lines.append(f"  {done.left} cards answered meanwhile were left as the answer made them.")
    if done.dry_run:
        lines.append("Dry run: nothing was changed.")
    elif done.changed:
        lines.append("No answer was added to the log. `tutor reschedule --revert` puts them back.")
    return lines


def reverted_lines(reverted: RescheduleReverted) -> list[str]:
    """What a revert put back."""
    run = reverted.run
    lines = [
        f"Reverted the rescheduling of {run.at:%Y-%m-%d %H:%M} UTC ({_where(run.target)}): "
        f"{reverted.restored} cards have their previous state and due date again."
    ]
    if reverted.left:
        lines.append(f"  {reverted.left} cards answered since were left as the answers made them.")
    return lines

"""The four ratings with the interval each one gives, the suggested one highlighted."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tutor.grades import Grade, format_interval

if TYPE_CHECKING:
    from tutor.session import Verdict

FUZZED_FROM = timedelta(days=2, hours=12)  # fsrs spreads longer intervals by a little


def promise(interval: timedelta, fuzz: bool) -> str:
    """An interval as the bar promises it: `~` when the saved one may differ a little."""
    return ("~" if fuzz and interval > FUZZED_FROM else "") + format_interval(interval)


class RatingBar(Static):
    """`1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy ~8d  Enter = Good`; practising, no intervals
    (a practice answer leaves the schedule alone)."""

    def show(self, verdict: Verdict, fuzz: bool, practice: bool = False) -> None:
        bar = Text()
        for grade in Grade:
            interval = "" if practice else f" {promise(verdict.intervals[grade], fuzz)}"
            label = f" {int(grade)} {grade.label}{interval} "
            bar.append(label, style="reverse bold" if grade == verdict.suggested else "")
            bar.append(" ")
        bar.append(f" Enter = {verdict.suggested.label}", style="italic")
        self.update(bar, layout=False)  # one line high: no new layout

"""The only module importing fsrs_rs_python (fsrs-rs, the Rust FSRS Anki ships): fit, predict.

Imported lazily: `tutor review` never loads it. Elapsed time is counted as the scheduler
(py-fsrs) counts it, in whole 24-hour periods, so fitted parameters mean the same to both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import fsrs_rs_python as rs

DEFAULT_PARAMETERS = tuple(float(p) for p in rs.DEFAULT_PARAMETERS)

Review = tuple[datetime, int]  # (time, rating)


def elapsed_days(earlier: datetime, later: datetime) -> int:
    """Whole 24-hour periods between two answers: what py-fsrs's scheduler counts."""
    return max(0, (later - earlier).days)


def _reviews(history: Sequence[Review]) -> list[rs.FSRSReview]:
    previous: datetime | None = None
    out = []
    for at, rating in history:
        out.append(rs.FSRSReview(rating, 0 if previous is None else elapsed_days(previous, at)))
        previous = at
    return out


def training_items(histories: Sequence[Sequence[Review]]) -> list[rs.FSRSItem]:
    """One item per answer given a day or more after the card's previous one: that answer and
    every earlier answer of its card (what fsrs-rs learns from)."""
    items = []
    for history in histories:
        reviews = _reviews(history)
        for i in range(1, len(history)):
            if elapsed_days(history[i - 1][0], history[i][0]) > 0:
                items.append(rs.FSRSItem(reviews[: i + 1]))
    return items


def fit(items: Sequence[rs.FSRSItem], start: Sequence[float] | None = None) -> list[float]:
    """Parameters fitted by fsrs-rs to `items` (from `start`, default fsrs-rs's defaults)."""
    model = rs.FSRS(list(start) if start else list(DEFAULT_PARAMETERS))
    return [float(p) for p in model.compute_parameters(items)]


def predictions(
    parameters: Sequence[float], histories: Sequence[Sequence[Review]]
) -> list[list[float | None]]:
    """For each history, the predicted recall at each answer (None for the first)."""
    if not histories:
        return []
    model = rs.FSRS(list(parameters))
    states = model.historical_memory_state_batch([rs.FSRSItem(_reviews(h)) for h in histories])
    decay = -float(parameters[20])
    factor = 0.9 ** (1 / decay) - 1
    result: list[list[float | None]] = []
    for history, memory in zip(histories, states, strict=True):
        row: list[float | None] = [None]
        for i in range(1, len(history)):
            days = elapsed_days(history[i - 1][0], history[i][0])
            stability = float(memory[i - 1].stability)
            row.append(float((1 + factor * days / stability) ** decay))
        result.append(row)
    return result

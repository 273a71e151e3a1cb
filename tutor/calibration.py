"""Honest calibration: predicted recall against outcome, on answers given on a later day only.

An answer counts when it is the card's first answer on a learning day later than the day of its
previous answer (as Anki evaluates FSRS). Same-day answers (learning steps) are left out: the
scheduler predicts them at recall near 1.0 and they would flatter every score. Predictions are
summed in thousandths (FINE_BINS); the statistics and the optimizer score through `score_bins`,
so a parameter set's score is the statistics' calibration of the same predictions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

FINE_BINS = 1000  # predictions are summed in thousandths of predicted recall
COARSE_BINS = 10  # RMSE over bins uses tenths
EPSILON = 1e-6  # predictions are kept inside (0, 1) so a log loss stays finite

FineBin = tuple[int, int, int, float]  # (thousandth, answers, passes, sum of predictions)


@dataclass(frozen=True)
class Calibration:
    """How well predicted recall matched what happened over some answers."""

    reviews: int
    log_loss: float | None
    rmse_bins: float | None
    bins: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "bins": list(self.bins),
            "rmse_bins": round(self.rmse_bins, 4) if self.rmse_bins is not None else None,
            "log_loss": round(self.log_loss, 4) if self.log_loss is not None else None,
        }


def fine_bin(prediction: float) -> int:
    """The thousandth a prediction falls in (what SQL's CAST(r * 1000 AS INTEGER) gives)."""
    return int(prediction * FINE_BINS)


def bins_of(pairs: Iterable[tuple[float, bool]]) -> list[FineBin]:
    """(prediction, passed) pairs summed into fine bins, as the statistics' SQL sums them."""
    sums: dict[int, list[float]] = {}
    for prediction, passed in pairs:
        into = sums.setdefault(fine_bin(prediction), [0, 0, 0.0])
        into[0] += 1
        into[1] += 1 if passed else 0
        into[2] += prediction
    return [(b, int(n), int(p), s) for b, (n, p, s) in sorted(sums.items())]


def score(pairs: Iterable[tuple[float, bool]]) -> Calibration:
    """The calibration of (prediction, passed) pairs."""
    return score_bins(bins_of(pairs))


def score_bins(fine_bins: Iterable[FineBin]) -> Calibration:
    """Log loss and RMSE over bins from fine bins.

    Log loss: the mean of -[y ln p + (1 - y) ln(1 - p)], with p the mean prediction of the
    answer's thousandth. RMSE over bins: predictions grouped in tenths; the square root of the
    answer-weighted mean of (mean prediction - pass rate)^2 over the tenths.
    """
    coarse: list[list[float]] = [[0, 0, 0.0] for _ in range(COARSE_BINS)]
    loss = 0.0
    total = 0
    for fine, n, passed, sum_p in fine_bins:
        index = min(max(fine * COARSE_BINS // FINE_BINS, 0), COARSE_BINS - 1)
        coarse[index][0] += n
        coarse[index][1] += passed
        coarse[index][2] += sum_p
        p = min(max(sum_p / n, EPSILON), 1 - EPSILON)
        loss -= passed * math.log(p) + (n - passed) * math.log(1 - p)
        total += n
    bins = []
    squared = 0.0
    for i, (count, hits, predictions) in enumerate(coarse):
        predicted = predictions / count if count else None
        actual = hits / count if count else None
        if predicted is not None and actual is not None:
            squared += count * (predicted - actual) ** 2
        bins.append(
            {
                "from": i / COARSE_BINS,
                "to": (i + 1) / COARSE_BINS,
                "reviews": int(count),
                "predicted": round(predicted, 4) if predicted is not None else None,
                "actual": round(actual, 4) if actual is not None else None,
            }
        )
    return Calibration(
        reviews=total,
        log_loss=loss / total if total else None,
        rmse_bins=math.sqrt(squared / total) if total else None,
        bins=tuple(bins),
    )

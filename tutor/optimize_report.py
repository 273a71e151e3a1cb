"""`tutor optimize` outcomes as lines of text."""

from __future__ import annotations

from tutor.calibration import Calibration
from tutor.optimize import Outcome, Reverted
from tutor.text import neutralise


def _where(target: str) -> str:
    return f"deck {neutralise(target)} (and its sub-decks)" if target else "every deck"


def _row(name: str, score: Calibration) -> str:
    loss = f"{score.log_loss:.4f}" if score.log_loss is not None else "-"
    rmse = f"{score.rmse_bins:.4f}" if score.rmse_bins is not None else "-"
    return f"  {name:<12}{loss:>10}{rmse:>12}"


def outcome_lines(outcome: Outcome) -> list[str]:
    """What the optimizer did, for a person."""
    where = _where(outcome.target)
    if outcome.status == "too little data" or outcome.before is None or outcome.after is None:
        return [
            f"Not enough reviews to fit {where}: {outcome.reviews} answers on a later day than "
            f"the card's previous one; {outcome.needed} more are needed. The parameters are "
            "unchanged."
        ]
    lines = [
        f"Fitted FSRS for {where} on {outcome.fitted_on} answers in {outcome.seconds:.2f} s; "
        f"scored on the {outcome.evaluated} later-day answers after them:",
        f"  {'':<12}{'log loss':>10}{'RMSE(bins)':>12}",
        _row("in use", outcome.before),
        _row("fitted", outcome.after),
    ]
    if outcome.dry_run:
        verdict = "would be adopted" if outcome.status == "adopted" else "would not be adopted"
        lines.append(f"Dry run: the fitted parameters {verdict}; nothing was stored.")
    elif outcome.status == "adopted":
        lines.append(
            f"Adopted: the fitted parameters now schedule {where}. "
            "`tutor optimize --revert` goes back."
        )
    else:
        lines.append(
            "Kept the parameters in use: the fitted ones do not predict your answers better "
            "(they are stored; see `tutor optimize --json`)."
        )
    return lines


def reverted_lines(reverted: Reverted) -> list[str]:
    """What a revert undid."""
    before = reverted.now_in_force
    now = (
        f"the parameters fitted on {before.fitted_at:%Y-%m-%d}"
        if before
        else "the parameters in force before any fit (a parent deck's, or FSRS's defaults)"
    )
    return [
        f"Reverted the parameters adopted on {reverted.fit.fitted_at:%Y-%m-%d} for "
        f"{_where(reverted.target)}: {now} apply again ({reverted.decks_changed} deck(s) changed)."
    ]

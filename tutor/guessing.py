"""Retention corrected for guessing: how much of a multiple-choice pass rate a blind guess explains.

A card with one right option among k is passed by a blind guess with chance 1/k. A select-all card
with n options is answered by choosing a non-empty subset of them: a blind guess among the
2^n - 1 subsets is right with chance 1/(2^n - 1). The corrected retention of answers with chance
c is (p - c) / (1 - c), the usual correction for guessing; it is negative when the learner does
worse than chance, and it is left so. Recall cards cannot be guessed: their rate stands as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tutor.stats_data import Guessing, GuessingRow

ONE_RIGHT, SELECT_ALL, RECALL = "one_right", "select_all", "recall"


def kind_and_chance(kind: str, options: Sequence[dict[str, Any]]) -> tuple[str, float | None]:
    """The kind of card for the correction, and a blind guess's chance of passing it."""
    right = sum(1 for option in options if option.get("correct"))
    return counted_kind_and_chance(kind, len(options), right)


def counted_kind_and_chance(kind: str, options: int, right: int) -> tuple[str, float | None]:
    """`kind_and_chance` of a card with `options` options, `right` of them right."""
    if kind != "choice" or options < 2:
        return RECALL, None
    if right > 1:
        return SELECT_ALL, 1 / (2**options - 1)
    return ONE_RIGHT, 1 / options


def corrected(rate: float, chance: float) -> float:
    """(rate - chance) / (1 - chance): the share of answers known rather than guessed."""
    return (rate - chance) / (1 - chance)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def report(cards: Iterable[tuple[str, int, int, int, int]]) -> Guessing:
    """Rows for (card kind, options, right options, answers, passes) of each card: answers and
    passes summed per kind, the correction applied per chance and weighted by answers."""
    sums: dict[str, dict[float | None, list[int]]] = {ONE_RIGHT: {}, SELECT_ALL: {}, RECALL: {}}
    for kind, options, right, reviews, passed in cards:
        group, chance = counted_kind_and_chance(kind, options, right)
        into = sums[group].setdefault(chance, [0, 0])
        into[0] += reviews
        into[1] += passed
    rows = []
    for group, by_chance in sums.items():
        reviews = sum(n for n, _p in by_chance.values())
        passed = sum(p for _n, p in by_chance.values())
        rate = passed / reviews if reviews else None
        if group == RECALL or not reviews:
            chance, known = None, rate
        else:
            chance = sum(n * (c or 0) for c, (n, _p) in by_chance.items() if n) / reviews
            known = (
                sum(n * corrected(p / n, c or 0) for c, (n, p) in by_chance.items() if n) / reviews
            )
        rounded = _round(rate), _round(chance), _round(known)
        rows.append(GuessingRow(group, reviews, passed, *rounded))
    return Guessing(tuple(rows))

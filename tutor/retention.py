"""Retention advice: a year simulated by fsrs-rs at each desired retention, from the learner's
own parameters, answer times and ratings; the retention with the least work per card known."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tutor.config import Settings
from tutor.state import Phase
from tutor.store import fitting as store
from tutor.store import integrity
from tutor.store.db import Database

RETENTIONS = (0.70, 0.75, 0.80, 0.85, 0.88, 0.90, 0.92, 0.94, 0.95, 0.97)
MIN_ANSWERS = 20  # answers in a cell before the learner's own figure replaces fsrs-rs's default
ROWS = {Phase.NEW: 0, Phase.LEARNING: 0, Phase.REVIEW: 1, Phase.RELEARNING: 2}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Row:
    """One desired retention's simulated year."""

    retention: float
    reviews_per_day: float
    minutes_per_day: float
    known: float  # cards known (expected recalled) at the end of the year
    seconds_per_known: float  # the year's work per card known

    def to_json(self) -> dict[str, Any]:
        return {
            "desired_retention": self.retention,
            "reviews_per_day": round(self.reviews_per_day, 2),
            "minutes_per_day": round(self.minutes_per_day, 2),
            "known_after_a_year": round(self.known, 1),
            "seconds_per_card_known": round(self.seconds_per_known, 2),
        }


@dataclass(frozen=True)
class Advice:
    """The table, the retention with the least work per card known, and what it was run on."""

    target: str
    rows: tuple[Row, ...]
    best: Row
    current: float  # the desired retention in force now
    parameters: tuple[float, ...]
    cards: int
    answers: int
    seconds_per_answer: float | None  # the learner's mean, None without answers

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.target or None,
            "current_retention": self.current,
            "best_retention": self.best.retention,
            "cards": self.cards,
            "answers": self.answers,
            "seconds_per_answer": (
                round(self.seconds_per_answer, 2) if self.seconds_per_answer is not None else None
            ),
            "parameters": list(self.parameters),
            "table": [r.to_json() for r in self.rows],
        }


def pace(counts: Sequence[tuple[int, int, int, int]]) -> dict[str, Any]:
    """The simulator's learner inputs from (phase before, rating, answers, ms) counts: the
    ratings of first answers, of passed reviews, and seconds per answer by state and rating
    (fsrs-rs's defaults where fewer than MIN_ANSWERS answers say otherwise)."""
    from tutor import fitting

    defaults = fitting.default_simulation_costs()
    first = [0] * 4
    passed = [0] * 3
    cells = [[[0, 0] for _ in range(4)] for _ in range(3)]
    for phase, rating, n, ms in counts:
        if phase == Phase.NEW:
            first[rating - 1] += n
        if phase == Phase.REVIEW and rating > 1:
            passed[rating - 2] += n
        cell = cells[ROWS[Phase(phase)]][rating - 1]
        cell[0] += n
        cell[1] += ms
    costs = tuple(
        tuple(
            cell[1] / 1000 / cell[0] if cell[0] >= MIN_ANSWERS else defaults[row][rating]
            for rating, cell in enumerate(cells[row])
        )
        for row in range(3)
    )
    return {
        "first_rating_prob": (
            tuple(n / sum(first) for n in first) if sum(first) >= MIN_ANSWERS else None
        ),
        "review_rating_prob": (
            tuple(n / sum(passed) for n in passed) if sum(passed) >= MIN_ANSWERS else None
        ),
        "state_rating_costs": costs,
    }


def _in_force(db: Database, deck: str | None, settings: Settings) -> tuple[Any, ...]:
    from tutor.optimize import ALL_DECKS, _selected, active
    from tutor.scheduling import DEFAULT

    with db.read() as conn:
        names = store.deck_names(conn)
        ids = _selected(names, deck)
        if deck is not None:
            own = [i for i in ids or () if names[i] == deck]
            sets = store.deck_parameters(conn)
            parameters = sets.get(own[0]) if own else None
            front = {d.name: d.settings for d in integrity.decks(conn)}.get(deck)
            deck_settings = settings.for_deck(deck, front)
        else:
            fit = active(store.fits(conn, ALL_DECKS)).get(ALL_DECKS)
            parameters = fit.parameters if fit else None
            deck_settings = settings.defaults
        counts = store.answer_counts(conn, ids)
        cards = store.live_cards(conn, ids)
    return tuple(parameters or DEFAULT), deck_settings, counts, cards


def advise(
    db: Database,
    settings: Settings,
    deck: str | None = None,
    *,
    retentions: Sequence[float] = RETENTIONS,
    progress: Progress | None = None,
) -> Advice:
    """Simulate a year at each retention for DECK (or every deck) and pick the least work per
    card known."""
    from tutor import fitting

    say = progress or (lambda _what: None)
    parameters, deck_settings, counts, cards = _in_force(db, deck, settings)
    inputs = fitting.SimulationInputs(
        deck_size=max(cards, 1),
        new_per_day=deck_settings.new_per_day,
        reviews_per_day=deck_settings.reviews_per_day,
        maximum_interval=deck_settings.maximum_interval,
        **pace(counts),
    )
    say(f"simulating a year at {len(retentions)} retentions")

    def row(retention: float) -> Row:
        result = fitting.simulate(parameters, retention, inputs)
        days = len(result.review_cnt_per_day)
        cost = float(sum(result.cost_per_day))
        known = float(result.memorized_cnt_per_day[-1])
        return Row(
            retention,
            sum(result.review_cnt_per_day) / days,
            cost / days / 60,
            known,
            cost / known if known else float("inf"),
        )

    with ThreadPoolExecutor() as pool:  # fsrs-rs releases the GIL while it simulates
        rows = tuple(pool.map(row, retentions))
    answers = sum(n for *_k, n, _ms in counts)
    millis = sum(ms for *_k, ms in counts)
    return Advice(
        target=deck or "",
        rows=rows,
        best=min(rows, key=lambda r: r.seconds_per_known),
        current=deck_settings.desired_retention,
        parameters=parameters,
        cards=cards,
        answers=answers,
        seconds_per_answer=millis / 1000 / answers if answers else None,
    )

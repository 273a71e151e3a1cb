"""Retention advice: a year simulated by fsrs-rs at each desired retention, from the learner's
own parameters, answer times and ratings; the retention with the least work per card known."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tutor.config import DeckSettings, Settings
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
    scheduled_as: str | None = None  # the deck whose parameters and settings were simulated
    share: int = 0  # the cards scheduled with exactly those

    @property
    def scope(self) -> str:
        """The cards the table is about, named for a person."""
        return f"deck {self.target} and its sub-decks" if self.target else "every deck"

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.target or None,
            "current_retention": self.current,
            "best_retention": self.best.retention,
            "cards": self.cards,
            "scheduled_as": self.scheduled_as,
            "scheduled_as_cards": self.share,
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


@dataclass(frozen=True)
class InForce:
    """What the simulation of a scope runs on: the parameters and deck settings that schedule
    most of its live cards (the deck holding the most of them names them), the pace counts."""

    parameters: tuple[float, ...]
    settings: DeckSettings
    scheduled_as: str | None  # the deck whose parameters and settings those are (None: no card)
    share: int  # the scope's live cards scheduled with exactly these
    cards: int  # the scope's live cards
    counts: list[tuple[int, int, int, int]]


def in_force(db: Database, deck: str | None, settings: Settings) -> InForce:
    """The scope's simulation inputs, the same rule for a deck (with its sub-decks) and for every
    deck: a single-deck collection gives the same table for both."""
    from tutor.optimize import ALL_DECKS, _selected, active
    from tutor.scheduling import DEFAULT

    with db.read() as conn:
        names = store.deck_names(conn)
        ids = _selected(names, deck)
        sets = store.deck_parameters(conn)
        fronts = {d.name: d.settings for d in integrity.decks(conn)}
        live = store.live_cards_by_deck(conn, ids)
        counts = store.answer_counts(conn, ids)
        root = active(store.fits(conn, ALL_DECKS)).get(ALL_DECKS) if deck is None else None
    groups: dict[tuple[tuple[float, ...], DeckSettings], list[int]] = {}
    for deck_id in sorted(live, key=lambda i: (-live[i], names[i])):
        name = names[deck_id]
        key = (tuple(sets.get(deck_id) or DEFAULT), settings.for_deck(name, fronts.get(name)))
        groups.setdefault(key, []).append(deck_id)
    if not groups:  # no live card: the scope's own deck, or every deck's set and defaults
        own = [i for i, name in names.items() if name == deck]
        values = sets.get(own[0]) if own else (root.parameters if root else None)
        fallback = settings.for_deck(deck, fronts.get(deck)) if deck else settings.defaults
        return InForce(tuple(values or DEFAULT), fallback, None, 0, 0, counts)
    (parameters, chosen), members = max(groups.items(), key=lambda g: sum(live[i] for i in g[1]))
    share = sum(live[i] for i in members)
    return InForce(parameters, chosen, names[members[0]], share, sum(live.values()), counts)


def _in_force(db: Database, deck: str | None, settings: Settings) -> tuple[Any, ...]:
    """in_force as (parameters, deck settings, pace counts, live cards)."""
    found = in_force(db, deck, settings)
    return found.parameters, found.settings, found.counts, found.cards


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
    found = in_force(db, deck, settings)
    parameters, deck_settings, counts = found.parameters, found.settings, found.counts
    inputs = fitting.SimulationInputs(
        deck_size=max(found.cards, 1),
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
        cards=found.cards,
        scheduled_as=found.scheduled_as,
        share=found.share,
        answers=answers,
        seconds_per_answer=millis / 1000 / answers if answers else None,
    )

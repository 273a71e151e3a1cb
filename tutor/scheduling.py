"""The only module that imports fsrs: our CardState <-> fsrs.Card, rating, retrievability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS, FUZZ_RANGES

from tutor.config import DeckSettings
from tutor.grades import Grade as Grade  # re-exported
from tutor.grades import format_interval as format_interval  # re-exported
from tutor.queue import recall as recall  # re-exported: the stdlib forgetting curve
from tutor.state import CardState, Phase

DEFAULT = tuple(float(p) for p in DEFAULT_PARAMETERS)


@dataclass(frozen=True)
class SchedulerSpec:
    """What makes a scheduler: FSRS parameters and the deck's scheduling settings."""

    parameters: tuple[float, ...]
    desired_retention: float
    learning_steps: tuple[timedelta, ...]
    relearning_steps: tuple[timedelta, ...]
    maximum_interval: int
    fuzz: bool

    @classmethod
    def for_deck(
        cls, settings: DeckSettings, parameters: Sequence[float] | None = None
    ) -> SchedulerSpec:
        return cls(
            parameters=tuple(parameters) if parameters else DEFAULT,
            desired_retention=settings.desired_retention,
            learning_steps=settings.learning_deltas(),
            relearning_steps=settings.relearning_deltas(),
            maximum_interval=settings.maximum_interval,
            fuzz=settings.fuzz,
        )


_schedulers: dict[SchedulerSpec, Scheduler] = {}


def scheduler_for(spec: SchedulerSpec) -> Scheduler:
    """An fsrs.Scheduler for `spec` (built once, then reused)."""
    scheduler = _schedulers.get(spec)
    if scheduler is None:
        scheduler = Scheduler(
            parameters=spec.parameters,
            desired_retention=spec.desired_retention,
            learning_steps=spec.learning_steps,
            relearning_steps=spec.relearning_steps,
            maximum_interval=spec.maximum_interval,
            enable_fuzzing=spec.fuzz,
        )
        _schedulers[spec] = scheduler
    return scheduler


def _to_fsrs(card_id: int, state: CardState, at: datetime) -> Card:
    if state.phase == Phase.NEW:
        return Card(card_id=card_id, state=State.Learning, step=0, due=at)
    return Card(
        card_id=card_id,
        state=State(int(state.phase)),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due or at,
        last_review=state.last_review,
    )


def review(
    spec: SchedulerSpec, card_id: int, state: CardState, grade: Grade, at: datetime
) -> CardState:
    """The state after answering with `grade` at `at` (a lapse counts when a review fails)."""
    card, _log = scheduler_for(spec).review_card(
        _to_fsrs(card_id, state, at), Rating(int(grade)), at
    )
    lapsed = state.phase == Phase.REVIEW and grade == Grade.AGAIN
    return CardState(
        phase=Phase(int(card.state)),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=state.reps + 1,
        lapses=state.lapses + (1 if lapsed else 0),
    )


def preview(
    spec: SchedulerSpec, card_id: int, state: CardState, at: datetime
) -> dict[Grade, timedelta]:
    """How long until the card is due again after each grade (fuzz aside)."""
    exact = spec if not spec.fuzz else _without_fuzz(spec)
    return {g: review(exact, card_id, state, g, at).due - at for g in Grade}  # type: ignore[operator]


def _without_fuzz(spec: SchedulerSpec) -> SchedulerSpec:
    return SchedulerSpec(
        spec.parameters,
        spec.desired_retention,
        spec.learning_steps,
        spec.relearning_steps,
        spec.maximum_interval,
        False,
    )


def retrievability(spec: SchedulerSpec, state: CardState, at: datetime) -> float | None:
    """The predicted probability of recall at `at`; None for a card never reviewed."""
    if state.phase == Phase.NEW or state.last_review is None or state.stability is None:
        return None
    card = _to_fsrs(0, state, at)
    return float(scheduler_for(spec).get_card_retrievability(card, at))


def forgetting_curve(spec: SchedulerSpec) -> tuple[float, float]:
    """(factor, decay) of R = (1 + factor * elapsed_days / stability) ** decay for `spec`."""
    scheduler = scheduler_for(spec)
    return float(scheduler._FACTOR), float(scheduler._DECAY)


def rebuild(
    spec: SchedulerSpec, card_id: int, answers: Sequence[tuple[datetime, Grade]]
) -> CardState:
    """A card's state replayed from its review log (the log is the truth; fuzz must be off)."""
    state = CardState()
    for at, grade in sorted(answers, key=lambda a: a[0]):
        state = review(spec, card_id, state, grade, at)
    return state


def within_fuzz(spec: SchedulerSpec, state: CardState, due: datetime | None) -> bool:
    """Whether `due` is a date the scheduler's fuzz could give a card whose unfuzzed state is
    `state` (py-fsrs fuzzes review intervals of 2.5 days and more, by FUZZ_RANGES)."""
    if due is None or state.due is None or state.last_review is None:
        return due == state.due
    days = (state.due - state.last_review).days
    if state.phase != Phase.REVIEW or days < 2.5:
        return due == state.due
    delta = 1.0 + sum(
        r["factor"] * max(min(float(days), r["end"]) - r["start"], 0.0) for r in FUZZ_RANGES
    )
    low = max(2, round(days - delta))
    high = min(round(days + delta), spec.maximum_interval)
    low = min(low, high)
    given = (due - state.last_review).total_seconds() / 86400
    return low <= given <= min(high + 1, spec.maximum_interval)

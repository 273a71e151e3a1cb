"""The only module importing fsrs_rs_python (fsrs-rs, Anki's Rust FSRS): fit, predict, simulate.

Imported lazily: `tutor review` never loads it. Elapsed time is counted as the scheduler
(py-fsrs) counts it, in whole 24-hour periods, so fitted parameters mean the same to both.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate, compress, repeat
from operator import itemgetter, lt, sub
from typing import TYPE_CHECKING

import fsrs_rs_python as rs

from tutor.errors import OutOfOrderError

if TYPE_CHECKING:
    from tutor.store.log_pass import LogArrays

DEFAULT_PARAMETERS = tuple(float(p) for p in rs.DEFAULT_PARAMETERS)

Review = tuple[datetime, int]  # (time, rating)
AnswerRow = tuple[int, int, int, int]  # (card id, microseconds since the epoch, rating, day)
MICROS_PER_DAY = 86_400_000_000


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
    every earlier answer of its card (what fsrs-rs learns from), in the order of the answers'
    times (ties: card by card), as Anki hands them over: fsrs-rs weighs later items more."""
    timed = []
    for history in histories:
        reviews = _reviews(history)
        for i in range(1, len(history)):
            if elapsed_days(history[i - 1][0], history[i][0]) > 0:
                timed.append((history[i][0], rs.FSRSItem(reviews[: i + 1])))
    timed.sort(key=itemgetter(0))
    return [item for _at, item in timed]


class _SharedReviews(dict[int, rs.FSRSReview]):
    """One FSRSReview per (elapsed days, rating), keyed days * 8 + rating: items copy them."""

    def __missing__(self, key: int) -> rs.FSRSReview:
        review = self[key] = rs.FSRSReview(key & 7, key >> 3)
        return review


@dataclass(frozen=True)
class PreparedLog:
    """One pass over a log's answer rows: the training item of every answer given a day or more
    after its card's previous one, with that answer's time, and the time of every answer given on
    a later learning day than its card's previous one (what the held-out cut counts).

    An item is its card's reviews up to its answer: kept as bounds into `reviews` (every answer's
    review, card after card) and made only when asked for, so that the items after a cut are
    never made (fsrs-rs copies every review of every item it is given)."""

    reviews: list[rs.FSRSReview]
    item_starts: Sequence[int]  # where each item's card begins in reviews
    item_ends: Sequence[int]  # one past each item's answer in reviews
    item_times: Sequence[int]  # microseconds, one per item
    later_day_times: Sequence[int]  # microseconds
    keys: Sequence[int]  # each review's elapsed days * 8 + rating
    cards: Sequence[int]  # the card ids, in the order of their reviews
    counts: Sequence[int]  # each card's reviews
    later_day_positions: Sequence[int]  # in reviews, one per later-day time

    @classmethod
    def from_arrays(cls, log: LogArrays) -> PreparedLog:
        """The PreparedLog of a pass made in tutor.store.log_pass: one shared FSRSReview per
        key, every answer's looked up in C."""
        shared = {key: rs.FSRSReview(key & 7, key >> 3) for key in set(log.keys)}
        return cls(
            list(map(shared.__getitem__, log.keys)),
            log.item_starts,
            log.item_ends,
            log.item_times,
            log.later_times,
            log.keys,
            log.cards,
            log.counts,
            log.later_positions,
        )

    @property
    def items(self) -> list[rs.FSRSItem]:
        """Every answer's training item, in the rows' order."""
        return self._items(self.item_starts, self.item_ends)

    def items_before(self, cut: int) -> list[rs.FSRSItem]:
        """training_items of each card's answers before `cut`: an item holds only its answer and
        earlier ones, so those of answers before the cut are exactly the items of that log; in
        the order of their answers' times, as training_items gives them."""
        keep = list(map(lt, self.item_times, repeat(cut)))  # in C
        items = self._items(compress(self.item_starts, keep), compress(self.item_ends, keep))
        times = list(compress(self.item_times, keep))
        order = sorted(range(len(times)), key=times.__getitem__)  # stable: ties card by card
        return list(map(items.__getitem__, order))  # made card by card: 3x cheaper than in order

    def _items(self, starts: Iterable[int], ends: Iterable[int]) -> list[rs.FSRSItem]:
        # all in C: a slice of the card's reviews per item, each copied into its FSRSItem
        return list(map(rs.FSRSItem, map(self.reviews.__getitem__, map(slice, starts, ends))))

    def held_out(self, since: int | None = None) -> list[HeldOutCard]:
        """`held_out` of the rows this log was prepared from (at or after `since`)."""
        starts = list(accumulate(self.counts, initial=0))
        keys = self.keys
        groups: dict[int, list[tuple[int, int, bool]]] = {}  # by card, in order
        for position, at in zip(self.later_day_positions, self.later_day_times, strict=True):
            if since is None or at >= since:
                card = bisect_right(starts, position) - 1
                key = keys[position]
                answer = (position - starts[card], key >> 3, key & 7 > 1)
                groups.setdefault(card, []).append(answer)
        return [
            HeldOutCard(
                self.cards[card],
                rs.FSRSItem(self.reviews[starts[card] : starts[card] + answers[-1][0]]),
                answers,
            )
            for card, answers in groups.items()
        ]


def prepare(rows: Iterable[AnswerRow]) -> PreparedLog:
    """The PreparedLog of answer rows ordered by card then time, in one plain pass over integers
    (elapsed_days on microseconds: whole 24-hour periods): what tutor.store.log_pass's pass
    gives (tests hold the two equal). Rows out of that order (a card coming back, a card's time
    going back) raise OutOfOrderError."""
    keys: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    item_times: list[int] = []
    later: list[int] = []
    later_positions: list[int] = []
    cards: list[int] = []
    card_starts: list[int] = []
    card = -(2**63)
    previous = previous_day = start = 0
    for card_id, at, rating, day in rows:
        if card_id != card:
            if card_id < card:
                raise OutOfOrderError(f"card {card_id} after card {card}")
            card, start = card_id, len(keys)
            cards.append(card_id)
            card_starts.append(start)
            keys.append(rating)
        else:
            if day > previous_day:
                later.append(at)
                later_positions.append(len(keys))
            gap = at - previous
            if gap < 0:
                raise OutOfOrderError(f"card {card_id}'s answers go back in time")
            keys.append(gap // MICROS_PER_DAY * 8 + rating)
            if gap >= MICROS_PER_DAY:
                starts.append(start)
                ends.append(len(keys))
                item_times.append(at)
        previous, previous_day = at, day
    shared = {key: rs.FSRSReview(key & 7, key >> 3) for key in set(keys)}
    counts = list(map(sub, [*card_starts[1:], len(keys)], card_starts))
    return PreparedLog(
        [shared[key] for key in keys],
        starts,
        ends,
        item_times,
        later,
        keys,
        cards,
        counts,
        later_positions,
    )


@dataclass(frozen=True)
class HeldOutCard:
    """A card's answers scored after a cut: its reviews up to the last of them (what fsrs-rs
    replays), and each one's (position, elapsed days, passed)."""

    card_id: int
    item: rs.FSRSItem
    answers: list[tuple[int, int, bool]]


def held_out(rows: Iterable[AnswerRow], since: int | None = None) -> list[HeldOutCard]:
    """The cards of answer rows (by card then time) with answers given on a later learning day
    than their card's previous one, at or after `since` (microseconds; all without it)."""
    shared = _SharedReviews()
    get = shared.get
    start = -(2**63) if since is None else since
    cards: list[tuple[int, list[rs.FSRSReview], list[tuple[int, int, bool]]]] = []
    card: int | None = None
    previous = previous_day = 0
    reviews: list[rs.FSRSReview] = []
    answers: list[tuple[int, int, bool]] = []
    for card_id, at, rating, day in rows:
        if card_id != card:
            card, reviews, answers = card_id, [get(rating) or shared[rating]], []
            cards.append((card_id, reviews, answers))
        else:
            days = (at - previous) // MICROS_PER_DAY
            key = days * 8 + rating
            reviews.append(get(key) or shared[key])
            if day > previous_day and at >= start:
                answers.append((len(reviews) - 1, days, rating > 1))
        previous, previous_day = at, day
    return [
        HeldOutCard(card_id, rs.FSRSItem(reviews[: answers[-1][0]]), answers)
        for card_id, reviews, answers in cards
        if answers
    ]


def recall_pairs(
    parameters: Sequence[float], cards: Sequence[HeldOutCard]
) -> list[tuple[float, bool]]:
    """(predicted recall, passed) of every held-out answer of `cards`, in order, as
    `predictions` computes it."""
    if not cards:
        return []
    model = rs.FSRS(list(parameters))
    states = model.historical_memory_state_batch([c.item for c in cards])
    decay = -float(parameters[20])
    factor = 0.9 ** (1 / decay) - 1
    pairs: list[tuple[float, bool]] = []
    add = pairs.append
    for card, memory in zip(cards, states, strict=True):
        for position, days, passed in card.answers:
            stability = float(memory[position - 1].stability)
            add((float((1 + factor * days / stability) ** decay), passed))
    return pairs


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


def simulate(
    parameters: Sequence[float], desired_retention: float, inputs: SimulationInputs
) -> rs.SimulationResult:
    """A year of reviews simulated by fsrs-rs (seeded: the same inputs give the same figures)."""
    config = rs.default_simulator_config()
    config.deck_size = inputs.deck_size
    config.learn_span = inputs.days
    config.max_cost_perday = inputs.max_seconds_per_day
    config.max_ivl = float(inputs.maximum_interval)
    config.learn_limit = inputs.new_per_day
    config.review_limit = inputs.reviews_per_day
    if inputs.first_rating_prob is not None:
        config.first_rating_prob = list(inputs.first_rating_prob)
    if inputs.review_rating_prob is not None:
        config.review_rating_prob = list(inputs.review_rating_prob)
    if inputs.state_rating_costs is not None:
        config.state_rating_costs = [list(row) for row in inputs.state_rating_costs]
    return rs.simulate(list(parameters), desired_retention, config, inputs.seed)


@dataclass(frozen=True)
class SimulationInputs:
    """What the simulator is told about the learner: the deck, their limits, their pace."""

    deck_size: int
    new_per_day: int
    reviews_per_day: int
    maximum_interval: int
    days: int = 365
    max_seconds_per_day: float = 86400.0
    first_rating_prob: tuple[float, ...] | None = None  # Again..Easy on a new card
    review_rating_prob: tuple[float, ...] | None = None  # Hard, Good, Easy on a passed review
    state_rating_costs: tuple[tuple[float, ...], ...] | None = None  # seconds: learning,
    # review, relearning rows by rating
    seed: int = 42


def default_simulation_costs() -> list[list[float]]:
    """fsrs-rs's seconds per answer by state (learning, review, relearning) and rating."""
    return [[float(v) for v in row] for row in rs.default_simulator_config().state_rating_costs]

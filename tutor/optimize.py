"""`tutor optimize`: fit FSRS to the learner's reviews, adopt the new set only if it scores better.

The reviews are cut in time: parameters are fitted on the answers before the cut and both sets,
the one in use and the new one, are scored (tutor.calibration) on the later-day answers after it.
Every fitted set is kept with its date, review count and scores; `revert` goes back one step.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tutor import calibration
from tutor.calibration import Calibration
from tutor.deck.selection import DeckSelection
from tutor.errors import NotFoundError, OutOfOrderError, TutorError
from tutor.store import answer_log
from tutor.store import fitting as store
from tutor.store.db import Database, sqlite_path
from tutor.store.log_pass import LogArrays
from tutor.store.tables import EPOCH, MICROSECOND

if TYPE_CHECKING:
    from tutor.fitting import HeldOutCard, PreparedLog

MIN_REVIEWS = 400  # later-day answers needed before a fit is tried
HELD_OUT = 0.25  # the latest quarter of the later-day answers scores the sets
ALL_DECKS = ""  # the target of a fit for every deck
SAMPLE = 4096  # times sampled to find the held-out cut
SAMPLE_MARGIN = 128  # sampled times either side of it: the bracket holds it but for outliers

Progress = Callable[[str], None]
History = Sequence[store.Answer]


@dataclass(frozen=True)
class Outcome:
    """What one `tutor optimize` did."""

    target: str
    status: str  # "adopted", "kept" (the new set did not score better), "too little data"
    reviews: int  # later-day answers in the reviews
    needed: int  # more later-day answers needed before a fit (0 when enough)
    fitted_on: int = 0
    evaluated: int = 0
    before: Calibration | None = None
    after: Calibration | None = None
    parameters: tuple[float, ...] = ()
    seconds: float = 0.0
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.target or None,
            "status": self.status,
            "dry_run": self.dry_run,
            "reviews": self.reviews,
            "needed": self.needed,
            "fitted_on": self.fitted_on,
            "evaluated": self.evaluated,
            "before": self.before.to_json() if self.before else None,
            "after": self.after.to_json() if self.after else None,
            "parameters": list(self.parameters),
            "seconds": round(self.seconds, 3),
        }


def later_day(history: History, i: int) -> bool:
    """Whether answer i came on a later learning day than the card's previous answer."""
    return i > 0 and history[i][2] > history[i - 1][2]


def honest_pairs(
    histories: Sequence[History],
    predicted: Sequence[Sequence[float | None]],
    since: datetime | None = None,
) -> list[tuple[float, bool]]:
    """(prediction, passed) of every later-day answer (at or after `since`)."""
    pairs = []
    for history, row in zip(histories, predicted, strict=True):
        for i, (at, rating, _day) in enumerate(history):
            p = row[i]
            if p is not None and later_day(history, i) and (since is None or at >= since):
                pairs.append((p, rating > 1))
    return pairs


def score_set(
    parameters: Sequence[float], histories: Sequence[History], since: datetime | None = None
) -> Calibration:
    """The calibration of one parameter set's predictions over the later-day answers."""
    from tutor import fitting

    rows = [
        (card, (at - EPOCH) // MICROSECOND, rating, day)
        for card, history in enumerate(histories)
        for at, rating, day in history
    ]
    start = None if since is None else (since - EPOCH) // MICROSECOND
    return calibration.score(fitting.recall_pairs(parameters, fitting.held_out(rows, start)))


def cut(histories: Sequence[History]) -> datetime | None:
    """The time that leaves the latest HELD_OUT of the later-day answers after it."""
    times = sorted(h[i][0] for h in histories for i in range(1, len(h)) if later_day(h, i))
    return times[_held_out_index(len(times))] if times else None


def held_out_cut(later_day_times: Sequence[int]) -> int | None:
    """`cut` in microseconds, from the times of the later-day answers (None without any)."""
    if not later_day_times:
        return None
    return _nth_smallest(later_day_times, _held_out_index(len(later_day_times)))


def _held_out_index(count: int) -> int:
    """The position, in time order, of the first of `count` answers held out."""
    return min(count - 1, int(count * (1 - HELD_OUT)))


def _nth_smallest(values: Sequence[int], n: int) -> int:
    """sorted(values)[n], sorting only the values between two neighbours of it in a sorted
    sample (a full sort of a large log's times takes longer than reading them); a full sort
    when the sample misses it."""
    step = len(values) // SAMPLE
    if step < 2:
        return sorted(values)[n]
    sample = sorted(values[::step])
    near = n // step
    low = sample[max(0, near - SAMPLE_MARGIN)]
    high = sample[min(len(sample) - 1, near + SAMPLE_MARGIN)]
    inside = sorted([v for v in values if low <= v <= high])
    below = len([v for v in values if v < low])
    if below <= n < below + len(inside):
        return inside[n - below]
    return sorted(values)[n]


def read_and_prepare(db: Database, deck_ids: list[int] | None) -> PreparedLog:
    """The answers (of the given decks, or all) read and prepared for a fit at once. From an
    SQLite file in card ranges, read on a thread while the pass works (tutor.store.answer_log),
    by card then id (the index's order, no sort), again by card then time when a card's ids go
    back in time; from another database, one statement."""
    from tutor import fitting

    path = sqlite_path(db.url)
    if path is None:
        with db.read() as conn:
            rows = store.answer_rows(conn, deck_ids)
        log = LogArrays()
        log.add_rows(rows)
        return fitting.PreparedLog.from_arrays(log)
    try:
        return fitting.PreparedLog.from_arrays(answer_log.read_log(path, deck_ids))
    except OutOfOrderError:  # read by time: that order never goes back
        return fitting.PreparedLog.from_arrays(answer_log.read_log(path, deck_ids, by_time=True))


def _selected(names: dict[int, str], deck: str | None) -> list[int] | None:
    if deck is None:
        return None
    selection = DeckSelection([deck])
    ids = [i for i, name in names.items() if name in selection]
    if not ids:
        raise NotFoundError(f"no deck named {deck!r}; `tutor decks` lists them")
    return ids


def _score_current(
    cards: Sequence[HeldOutCard],
    card_decks: dict[int, int],
    deck_sets: dict[int, list[float] | None],
) -> Calibration:
    """The sets in use now (each card its deck's), scored together on the held-out answers."""
    from tutor import fitting
    from tutor.scheduling import DEFAULT

    groups: dict[tuple[float, ...], list[HeldOutCard]] = {}
    for card in cards:
        # a card added since card_decks was read (the log is read in its own transaction)
        deck_id = card_decks.get(card.card_id)
        values = (deck_sets.get(deck_id) if deck_id is not None else None) or DEFAULT
        groups.setdefault(tuple(values), []).append(card)
    pairs: list[tuple[float, bool]] = []
    for values, group in groups.items():
        pairs += fitting.recall_pairs(values, group)
    return calibration.score(pairs)


def optimize(
    db: Database,
    now: datetime,
    deck: str | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Fit, score, and (unless dry_run) store the set; adopt it only if it scores better."""
    from tutor import fitting

    say = progress or (lambda _what: None)
    started = time.perf_counter()
    target = deck if deck is not None else ALL_DECKS
    say("reading the reviews")
    with db.read() as conn:
        names = store.deck_names(conn)
        ids = _selected(names, deck)
        deck_sets = store.deck_parameters(conn)
        card_decks = store.card_decks(conn, None)
    prepared = read_and_prepare(db, ids)
    answers = len(prepared.later_day_times)
    cut_micros = held_out_cut(prepared.later_day_times)
    if answers < MIN_REVIEWS or cut_micros is None:
        return Outcome(target, "too little data", answers, MIN_REVIEWS - answers, dry_run=dry_run)
    say("fitting")
    items = prepared.items_before(cut_micros)
    try:
        fitted = fitting.fit(items)
    except Exception as exc:  # fsrs-rs raises plain exceptions (e.g. not enough data)
        raise TutorError(f"fsrs-rs could not fit the parameters: {exc}") from None
    say("scoring")
    held_out = prepared.held_out(cut_micros)
    before = _score_current(held_out, card_decks, deck_sets)
    after = calibration.score(fitting.recall_pairs(fitted, held_out))
    better = (
        before.log_loss is not None
        and after.log_loss is not None
        and after.log_loss < before.log_loss
    )
    outcome = Outcome(
        target,
        "adopted" if better else "kept",
        answers,
        0,
        fitted_on=len(items),
        evaluated=after.reviews,
        before=before,
        after=after,
        parameters=tuple(fitted),
        seconds=time.perf_counter() - started,
        dry_run=dry_run,
    )
    if not dry_run:
        _store(db, outcome, now, names)
    return outcome


def _store(db: Database, outcome: Outcome, now: datetime, names: dict[int, str]) -> None:
    from tutor.backups import backup_before_optimize
    from tutor.store.reviews import parameter_set_id

    if outcome.before is None or outcome.after is None:
        raise TutorError("nothing was fitted: there is no parameter set to store")
    if outcome.status == "adopted":
        backup_before_optimize(db.url, now)
    with db.write() as conn:
        set_id = parameter_set_id(conn, outcome.parameters, "fitted", now)
        store.record_fit(
            conn,
            {
                "target": outcome.target,
                "parameter_set_id": set_id,
                "fitted_at": now,
                "reviews": outcome.fitted_on,
                "evaluated": outcome.evaluated,
                "log_loss_before": outcome.before.log_loss,
                "log_loss_after": outcome.after.log_loss,
                "rmse_before": outcome.before.rmse_bins,
                "rmse_after": outcome.after.rmse_bins,
                "adopted": outcome.status == "adopted",
            },
        )
        if outcome.status == "adopted":
            store.assign(conn, resolve(store.fits(conn), names))


def active(fits: Sequence[store.FitRecord]) -> dict[str, store.FitRecord]:
    """The fit in force for each target: its latest adopted one not reverted."""
    result: dict[str, store.FitRecord] = {}
    for record in fits:
        if record.adopted and record.reverted_at is None:
            result[record.target] = record
    return result


def resolve(fits: Sequence[store.FitRecord], names: dict[int, str]) -> dict[int, int | None]:
    """Each deck's parameter set: that of the deepest target holding it (a deck's set applies to
    its sub-decks unless a sub-deck has its own); None (the defaults) without one."""
    in_force = active(fits)
    result: dict[int, int | None] = {}
    for deck_id, name in names.items():
        holders = [t for t in in_force if t == ALL_DECKS or name in DeckSelection([t])]
        deepest = max(holders, key=lambda t: (t != ALL_DECKS, t.count("::")), default=None)
        result[deck_id] = in_force[deepest].parameter_set_id if deepest is not None else None
    return result


@dataclass(frozen=True)
class Reverted:
    """What `tutor optimize --revert` undid."""

    target: str
    fit: store.FitRecord
    now_in_force: store.FitRecord | None
    decks_changed: int

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.target or None,
            "reverted": self.fit.to_json(),
            "in_force": self.now_in_force.to_json() if self.now_in_force else None,
            "decks_changed": self.decks_changed,
        }


def revert(db: Database, now: datetime, deck: str | None = None) -> Reverted:
    """Undo the latest adopted fit of a deck (or of every deck): the set before it applies."""
    from tutor.backups import backup_before_optimize

    target = deck if deck is not None else ALL_DECKS
    with db.read() as conn:
        names = store.deck_names(conn)
        _selected(names, deck)
        current = active(store.fits(conn, target)).get(target)
    if current is None:
        where = f"deck {deck!r}" if deck is not None else "all decks"
        raise NotFoundError(f"no adopted parameters to revert for {where}; nothing was changed")
    backup_before_optimize(db.url, now)
    with db.write() as conn:
        store.mark_reverted(conn, current.id, now)
        fits = store.fits(conn)
        changed = store.assign(conn, resolve(fits, names))
    return Reverted(target, current, active(fits).get(target), changed)


def history(db: Database) -> list[store.FitRecord]:
    """Every stored fit, oldest first."""
    with db.read() as conn:
        return store.fits(conn)

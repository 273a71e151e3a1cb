"""`tutor reschedule`: every card recomputed from its own log with its deck's current parameters
and settings (after a fit or a new retention), no log row written; `revert` puts the states back.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from tutor import scheduling
from tutor.config import Settings
from tutor.errors import NotFoundError
from tutor.scheduling import Grade, SchedulerSpec
from tutor.state import CardState
from tutor.store import integrity
from tutor.store import rescheduling as store
from tutor.store.db import Database

Progress = Callable[[str], None]
DAY = 86400.0


@dataclass(frozen=True)
class Rescheduled:
    """What one rescheduling did (or, in a dry run, would do)."""

    target: str
    cards: int  # cards recomputed
    changed: int  # cards whose state changed
    moved: int  # cards whose due date moved
    earlier: int
    later: int
    median_days: float  # the median and largest shift of the due dates that moved, in days
    max_days: float
    left: int = 0  # cards answered while the rescheduling ran: left as the answer made them
    seconds: float = 0.0
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.target or None,
            "dry_run": self.dry_run,
            "cards": self.cards,
            "changed": self.changed,
            "moved": self.moved,
            "earlier": self.earlier,
            "later": self.later,
            "median_shift_days": round(self.median_days, 3),
            "max_shift_days": round(self.max_days, 3),
            "left": self.left,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class RescheduleReverted:
    """What `tutor reschedule --revert` put back."""

    run: store.RunRecord
    restored: int
    left: int  # answered (or rescheduled) since: left as they are

    def to_json(self) -> dict[str, Any]:
        return {"reverted": store.run_json(self.run), "restored": self.restored, "left": self.left}


def recompute(
    spec: SchedulerSpec, card_id: int, answers: list[tuple[datetime, int]], current: CardState
) -> CardState:
    """The card's state replayed from its log with `spec`. With fuzz on, the last interval is
    fuzzed as the scheduler fuzzes it, unless the card's due date is already a fuzz of it."""
    exact = replace(spec, fuzz=False)
    state = CardState()
    for at, rating in answers[:-1]:
        state = scheduling.review(exact, card_id, state, Grade(rating), at)
    last_at, last_rating = answers[-1]
    after = scheduling.review(exact, card_id, state, Grade(last_rating), last_at)
    if not spec.fuzz or after == current:
        return after
    if replace(after, due=current.due) == current and scheduling.within_fuzz(
        spec, after, current.due
    ):
        return current  # the same schedule, its due date fuzzed once already
    return scheduling.review(spec, card_id, state, Grade(last_rating), last_at)


def _specs(conn: Any, settings: Settings) -> dict[int, SchedulerSpec]:
    """Each deck's scheduler now: its parameter set, its settings (file and front matter)."""
    sets = integrity.parameter_sets(conn)
    return {
        deck.id: SchedulerSpec.for_deck(
            settings.for_deck(deck.name, deck.settings),
            sets.get(deck.parameter_set_id) if deck.parameter_set_id else None,
        )
        for deck in integrity.decks(conn)
    }


def reschedule(
    db: Database,
    settings: Settings,
    now: datetime,
    deck: str | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Rescheduled:
    """Recompute the cards of `deck` and its sub-decks (or of every deck) from their logs; write
    the states that change (backing up first) and keep what they were, for `revert`."""
    from tutor.optimize import ALL_DECKS, _selected
    from tutor.store.fitting import deck_names

    say = progress or (lambda _what: None)
    started = time.perf_counter()
    say("reading the review logs")
    with db.read() as conn:
        ids = _selected(deck_names(conn), deck)
        specs = _specs(conn, settings)
        logs = store.card_logs(conn, ids)
    say(f"replaying {len(logs)} cards")
    changes = []
    shifts = []
    for done, log in enumerate(logs):
        if done and done % 5000 == 0:
            say(f"replayed {done} of {len(logs)} cards")
        after = recompute(specs[log.deck_id], log.card_id, log.answers, log.state)
        if after == log.state:
            continue
        changes.append(store.Change(log.card_id, log.version, log.state, after))
        if after.due != log.state.due and after.due is not None and log.state.due is not None:
            shifts.append((after.due - log.state.due).total_seconds() / DAY)
    left = 0
    if changes and not dry_run:
        from tutor.backups import backup_before_optimize

        say("writing")
        backup_before_optimize(db.url, now)
        with db.write() as conn:
            store.prune(conn)
            _run_id, left = store.record(
                conn, deck if deck is not None else ALL_DECKS, now, len(logs), len(shifts), changes
            )
    sizes = [abs(s) for s in shifts]
    return Rescheduled(
        target=deck if deck is not None else ALL_DECKS,
        cards=len(logs),
        changed=len(changes),
        moved=len(shifts),
        earlier=sum(1 for s in shifts if s < 0),
        later=sum(1 for s in shifts if s > 0),
        median_days=statistics.median(sizes) if sizes else 0.0,
        max_days=max(sizes, default=0.0),
        left=left,
        seconds=time.perf_counter() - started,
        dry_run=dry_run,
    )


def revert(db: Database, now: datetime) -> RescheduleReverted:
    """Put back the states the last rescheduling replaced (cards answered since are left)."""
    from tutor.backups import backup_before_optimize

    with db.read() as conn:
        run = store.latest(conn)
    if run is None or run.reverted_at is not None:
        what = "no rescheduling to revert" if run is None else "the last rescheduling was reverted"
        raise NotFoundError(f"{what}; nothing was changed")
    backup_before_optimize(db.url, now)
    with db.write() as conn:
        restored, left = store.revert(conn, run.id, now)
    return RescheduleReverted(run, restored, left)

"""Anki review logs brought over through the store's answer path: each state is its log's replay."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tutor import scheduling
from tutor.anki.source import Review
from tutor.config import Settings
from tutor.day import day_number, local_hour
from tutor.scheduling import Grade, SchedulerSpec
from tutor.state import CardState
from tutor.store import reviews as store
from tutor.store.card_ids import cards_by_slug
from tutor.store.db import Database

MANUAL = 4  # revlog type: the due date set by hand ("reschedule", "forget")
RESCHEDULED = 5  # revlog type: rescheduled by Anki itself (FSRS "reschedule cards")
FILTERED = 3  # revlog type: answered in a filtered deck
LONGEST_MS = 3_600_000  # Anki caps an answer's time; an hour is more than it keeps


@dataclass
class Brought:
    """What came over from the review logs: answers recorded, rows left out by reason."""

    reviews: int = 0
    cards_with_history: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def answers_of(rows: Sequence[Review], brought: Brought) -> list[Review]:
    """The rows that are answers: manual and rescheduling rows are not, nor are answers in a
    filtered deck that did not reschedule the card (cramming; Anki's FSRS ignores them too)."""
    kept: list[Review] = []
    for row in rows:
        if row.kind == MANUAL and row.ease == 0 and row.interval == 0 and row.factor == 0:
            if kept:  # "Forget": the card started again as new; its answers before are history
                brought.skipped["answers before the card was reset to new in Anki"] += len(kept)
            kept = []
            brought.skipped["manual or rescheduling entries (not answers)"] += 1
        elif row.kind in (MANUAL, RESCHEDULED) or row.ease == 0:
            brought.skipped["manual or rescheduling entries (not answers)"] += 1
        elif row.kind == FILTERED and row.factor == 0:
            brought.skipped["cram answers in a filtered deck that did not reschedule"] += 1
        elif not 1 <= row.ease <= 4:
            brought.skipped[f"entries with an unknown ease {row.ease}"] += 1
        else:
            kept.append(row)
    return kept


def bring_over(
    db: Database,
    settings: Settings,
    logs: Mapping[str, Sequence[Review]],
    suspended: Sequence[str],
    now: datetime,
    progress: Callable[[int, int, str], None] | None = None,
) -> Brought:
    """Record every answer of each card (by slug) in one write transaction, oldest first, and
    suspend the cards (by slug) that Anki had suspended."""
    brought = Brought()
    answers = {slug: answers_of(rows, brought) for slug, rows in logs.items()}
    zone = settings.tzinfo()
    total = sum(len(rows) for rows in answers.values())
    with db.write() as conn:
        cards = cards_by_slug(conn, list(answers))
        decks = {d.id: d for d in store.decks(conn)}
        specs: dict[int, tuple[SchedulerSpec, int]] = {}
        for slug, rows in answers.items():
            if not rows or slug not in cards:
                continue
            card_id, deck_id = cards[slug]
            if deck_id not in specs:
                deck = decks[deck_id]
                spec = SchedulerSpec.for_deck(
                    settings.for_deck(deck.name, deck.settings), deck.parameters
                )
                specs[deck_id] = (
                    spec,
                    deck.parameter_set_id
                    or store.parameter_set_id(conn, spec.parameters, "default", now),
                )
            spec, parameter_set_id = specs[deck_id]
            brought.cards_with_history += 1
            for row in rows:
                store.record_answer(
                    conn, card_id, _decider(spec, card_id, row, parameter_set_id, settings, zone)
                )
                brought.reviews += 1
                if progress and brought.reviews % 100 == 0:
                    progress(brought.reviews, total, "review history")
        for slug in suspended:
            if slug in cards:
                store.change_flags(conn, cards[slug][0], suspended=True)
    return brought


def _decider(
    spec: SchedulerSpec,
    card_id: int,
    row: Review,
    parameter_set_id: int,
    settings: Settings,
    zone: Any,
) -> Callable[[CardState, bool, bool], store.Answer]:
    grade = Grade(row.ease)

    def decide(before: CardState, leech: bool, suspended: bool) -> store.Answer:
        after = scheduling.review(spec, card_id, before, grade, row.at)
        day = day_number(row.at, settings.day_starts_at, zone)
        last = before.last_review
        return store.Answer(
            after=after,
            rating=int(grade),
            suggested_rating=None,
            duration_ms=min(row.duration_ms, LONGEST_MS),
            correct=None,
            chosen=(),
            day=day,
            first_of_day=last is None or day_number(last, settings.day_starts_at, zone) != day,
            hour=local_hour(row.at, zone),
            retrievability=scheduling.retrievability(spec, before, row.at),
            parameter_set_id=parameter_set_id,
        )

    return decide

"""Named queries over the collection: deck counts, the full export, totals."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from tutor.config import Settings
from tutor.counts import due_today
from tutor.queue import Today
from tutor.state import Phase
from tutor.store.choices import chosen_by_review
from tutor.store.queue import StoreReader
from tutor.store.review_log import LEECH, SUSPENDED, reschedulings, stored_befores, walk
from tutor.store.tables import (
    card_table,
    deck_table,
    meta_table,
    parameter_fit_table,
    parameter_table,
    review_table,
)

PHASE_NAMES = {int(p): p.name.lower() for p in Phase}


@dataclass(frozen=True)
class DeckCounts:
    """How many cards of a deck are in each state, and how many are due today."""

    name: str
    path: str | None
    cards: int
    new: int
    learning: int
    review: int
    due: int
    retired: int
    suspended: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _flag(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def deck_counts(
    conn: Connection, now: datetime, day_end: datetime, settings: Settings | None = None
) -> list[DeckCounts]:
    """Counts for every deck, by name; "due" is what today's queue holds for the deck (new,
    learning and review, after the daily limits: `tutor.counts.due_today`). `day_end` is unused:
    the day comes from `settings` (the defaults if None)."""
    c = card_table.c
    active = and_(c.retired.is_(False))
    today = Today.read(StoreReader(conn), settings or Settings(), now)
    due = {counts.name: counts.total for counts in due_today(today)}
    query = (
        select(
            deck_table.c.name,
            deck_table.c.source_path,
            _flag(active).label("cards"),
            _flag(and_(active, c.phase == int(Phase.NEW))).label("new"),
            _flag(and_(active, c.phase.in_([int(Phase.LEARNING), int(Phase.RELEARNING)]))).label(
                "learning"
            ),
            _flag(and_(active, c.phase == int(Phase.REVIEW))).label("review"),
            _flag(c.retired.is_(True)).label("retired"),
            _flag(and_(active, c.suspended.is_(True))).label("suspended"),
        )
        .select_from(deck_table.outerjoin(card_table, c.deck_id == deck_table.c.id))
        .group_by(deck_table.c.id, deck_table.c.name, deck_table.c.source_path)
        .order_by(deck_table.c.name)
    )
    return [
        DeckCounts(
            name=row.name,
            path=row.source_path,
            cards=int(row.cards),
            new=int(row.new),
            learning=int(row.learning),
            review=int(row.review),
            due=due.get(row.name, 0),
            retired=int(row.retired),
            suspended=int(row.suspended),
        )
        for row in conn.execute(query)
    ]


def totals(conn: Connection) -> dict[str, int]:
    """How many decks, cards (active and retired) and reviews the collection holds."""

    def count(table: Any, *where: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

    return {
        "decks": count(deck_table),
        "cards": count(card_table, card_table.c.retired.is_(False)),
        "retired_cards": count(card_table, card_table.c.retired.is_(True)),
        "reviews": count(review_table),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


EXPORT_VERSION = 5  # 3 added `reschedulings`, 4 each card's `forgotten_at` and own `tags`,
# 5 `practice` (custom study's practice answers)
READABLE_VERSIONS = (2, 3, 4, 5)  # what `tutor restore` reads


EXPORT_CHUNK = 500  # cards read (with their answers) per step of the streamed export


def export_collection(conn: Connection, only: Collection[int] | None = None) -> dict[str, Any]:
    """A full dump of the collection: decks, cards with their states and review logs.

    It holds every stored value, so `tutor restore` rebuilds the same collection from it.
    `only`: just these cards (and their decks, logs, forgets, rescheduled states and practice
    answers). The whole document in memory: `export_sections` streams the same shape.
    """
    return {
        key: list(value) if isinstance(value, Iterator) else value
        for key, value in export_sections(conn, only)
    }


def export_sections(
    conn: Connection, only: Collection[int] | None = None
) -> Iterator[tuple[str, Any]]:
    """The export's top-level keys and values in order; "cards" is an iterator of card dicts,
    read in chunks of EXPORT_CHUNK cards, to consume before asking for the next section."""
    from tutor.store.practice import export_practice
    from tutor.store.rescheduling import export_reschedulings

    meta = {
        row.key: row.value
        for row in conn.execute(select(meta_table).order_by(meta_table.c.key))
        if row.key != "schema_version"
    }
    parameter_sets = [
        {
            "id": row.id,
            "parameters": row.parameters,
            "source": row.source,
            "created_at": _iso(row.created_at),
        }
        for row in conn.execute(select(parameter_table).order_by(parameter_table.c.id))
    ]
    parameter_fits = [
        {
            key: _iso(value) if isinstance(value, datetime) else value
            for key, value in row._asdict().items()
        }
        for row in conn.execute(select(parameter_fit_table).order_by(parameter_fit_table.c.id))
    ]
    decks = [
        {
            "name": row.name,
            "path": row.source_path,
            "description": row.description,
            "settings": row.settings,
            "source_hash": row.source_hash,
            "parameter_set_id": row.parameter_set_id,
            "created_at": _iso(row.created_at),
            "updated_at": _iso(row.updated_at),
        }
        for row in conn.execute(select(deck_table).order_by(deck_table.c.name))
    ]
    if only is not None:
        kept = {
            name
            for card_id, name in conn.execute(
                select(card_table.c.id, deck_table.c.name).join(
                    deck_table, deck_table.c.id == card_table.c.deck_id
                )
            )
            if card_id in only
        }
        decks = [deck for deck in decks if deck["name"] in kept]
    yield "format", "tutor-export"
    yield "version", EXPORT_VERSION
    yield "meta", meta
    yield "parameter_sets", parameter_sets
    yield "parameter_fits", parameter_fits
    yield "decks", decks
    yield "cards", _export_cards(conn, only)
    runs = export_reschedulings(conn)
    if only is not None:
        for run in runs:
            run["states"] = [state for state in run["states"] if state["card_id"] in only]
    yield "reschedulings", runs
    yield "practice", export_practice(conn, only)


def _export_cards(conn: Connection, only: Collection[int] | None) -> Iterator[dict[str, Any]]:
    """Each exported card with its answers, in deck, position, id order, EXPORT_CHUNK at a time."""
    from tutor.store.card_actions import forgotten_at
    from tutor.store.tags import own_tags

    forgotten = forgotten_at(conn)
    tags = own_tags(conn)
    befores = stored_befores(conn)
    query = (
        select(card_table, deck_table.c.name.label("deck_name"))
        .join(deck_table, deck_table.c.id == card_table.c.deck_id)
        .order_by(deck_table.c.name, card_table.c.position, card_table.c.id)
    )
    result = conn.execute(query)
    while chunk := result.fetchmany(EXPORT_CHUNK):
        if only is not None:
            chunk = [row for row in chunk if row.id in only]
        reviews = _export_reviews(conn, [row.id for row in chunk], befores)
        for row in chunk:
            yield {
                "id": row.id,
                "slug": row.slug,
                "deck": row.deck_name,
                "key": row.key,
                "kind": row.kind,
                "question": row.question,
                "body": row.body,
                "options": row.options,
                "explanation": row.explanation,
                "answer": row.answer,
                "source_line": row.source_line,
                "position": row.position,
                "content_hash": row.content_hash,
                "created_at": _iso(row.created_at),
                "version": row.version,
                "retired": row.retired,
                "suspended": row.suspended,
                "leech": row.leech,
                "buried_until": _iso(row.buried_until),
                "state": {
                    "phase": PHASE_NAMES[row.phase],
                    "step": row.step,
                    "stability": row.stability,
                    "difficulty": row.difficulty,
                    "due": _iso(row.due),
                    "last_review": _iso(row.last_review),
                    "reps": row.reps,
                    "lapses": row.lapses,
                },
                "reviews": reviews.get(row.id, []),
                "forgotten_at": _iso(forgotten.get(row.id)),
                "tags": tags.get(row.id, []),
            }


def _export_reviews(
    conn: Connection, card_ids: list[int], befores: dict[int, Any]
) -> dict[int, list[dict[str, Any]]]:
    """card id -> its answers as the export writes them (state before and after each), for
    `card_ids`, by time then id."""
    reviews: dict[int, list[dict[str, Any]]] = {}
    if not card_ids:
        return reviews
    chosen = {
        review_id: [{"text": text, "correct": right} for text, right in options]
        for review_id, options in chosen_by_review(conn, card_ids).items()
    }
    rows = conn.execute(
        select(review_table)
        .where(review_table.c.card_id.in_(card_ids))
        .order_by(review_table.c.card_id, review_table.c.id)
    ).all()
    runs = reschedulings(conn, card_ids)
    for row, step in zip(rows, walk(rows, runs, befores), strict=True):
        before, after = step.before, step.after
        flags = row.flags_before
        reviews.setdefault(row.card_id, []).append(
            {
                "id": row.id,
                "reviewed_at": _iso(row.reviewed_at),
                "rating": row.rating,
                "suggested_rating": row.suggested_rating,
                "duration_ms": row.duration_ms,
                "correct": row.correct,
                "chosen": chosen.get(row.id, []),
                "retrievability": row.retrievability,
                "before": {
                    **before.to_json(),
                    "leech": bool(flags & LEECH),
                    "suspended": bool(flags & SUSPENDED),
                },
                "after": after.to_json(),
                "parameter_set_id": row.parameter_set_id,
                "day": row.day,
                "hour": row.hour,
                "first_of_day": row.first_of_day,
                "phase_before": row.phase_before,
                "interval_days": (
                    (before.due - before.last_review).total_seconds() / 86400
                    if before.due is not None and before.last_review is not None
                    else None
                ),
                "elapsed_days": (
                    (after.last_review - before.last_review).total_seconds() / 86400
                    if after.last_review is not None and before.last_review is not None
                    else None
                ),
                "stability_after": row.stability_after,
                "difficulty_after": row.difficulty_after,
                "due_after": _iso(after.due),
            }
        )
    for card_reviews in reviews.values():
        card_reviews.sort(key=lambda r: (r["reviewed_at"], r["id"]))
    return reviews

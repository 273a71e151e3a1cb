"""A collection rebuilt from a `tutor export` JSON, with every id, state, log and flag kept."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError

from tutor.errors import StoreError
from tutor.state import CardState
from tutor.store import rollups
from tutor.store.choices import add_picks, chosen_numbers
from tutor.store.db import open_database
from tutor.store.practice import import_practice
from tutor.store.repository import EXPORT_VERSION, PHASE_NAMES, READABLE_VERSIONS
from tutor.store.rescheduling import import_reschedulings
from tutor.store.review_log import LEECH, LOG_COLUMNS, SUSPENDED, after_state, due_in
from tutor.store.server import advance_sequences
from tutor.store.tables import (
    card_forget_table,
    card_table,
    card_tag_table,
    deck_table,
    meta_table,
    parameter_fit_table,
    parameter_table,
    review_before_table,
    review_table,
)

PHASES = {name: number for number, name in PHASE_NAMES.items()}


def check_export(data: Any, source: str) -> None:
    """Raise StoreError unless `data` is a tutor export of a version this tutor can restore."""
    if not isinstance(data, dict) or data.get("format") != "tutor-export":
        raise StoreError(f'{source} is not a tutor export (no "format": "tutor-export")')
    version = data.get("version")
    if version not in READABLE_VERSIONS:
        raise StoreError(
            f"{source} is a tutor export of version {version!r}; this tutor restores versions "
            f"{READABLE_VERSIONS[0]} to {EXPORT_VERSION} (export the collection again with this "
            "tutor)"
        )


def rebuild(url: str, data: dict[str, Any], source: str) -> dict[str, int]:
    """Create the collection at `url` (a new database) from the export `data`; return counts.

    A damaged export raises StoreError naming what is missing; the caller discards the file.
    """
    check_export(data, source)
    db = open_database(url)
    try:
        with db.write() as conn:
            counts = _insert_all(conn, data)
            advance_sequences(conn)
            return counts
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StoreError(
            f"{source} is a damaged tutor export ({type(exc).__name__}: {exc}); nothing was changed"
        ) from None
    except DBAPIError as exc:
        raise StoreError(
            f"{source} is a damaged tutor export ({exc.orig}); nothing was changed"
        ) from None
    finally:
        db.close()


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _insert_all(conn: Connection, data: dict[str, Any]) -> dict[str, int]:
    meta = data.get("meta", {})
    rows = [{"key": str(k), "value": str(v)} for k, v in meta.items() if k != "schema_version"]
    if rows:
        conn.execute(meta_table.insert(), rows)
    parameter_sets = [
        {
            "id": p["id"],
            "parameters": p["parameters"],
            "source": p["source"],
            "created_at": _time(p["created_at"]),
        }
        for p in data["parameter_sets"]
    ]
    if parameter_sets:
        conn.execute(parameter_table.insert(), parameter_sets)
    fits = [
        {
            **fit,
            "fitted_at": _time(fit["fitted_at"]),
            "reverted_at": _time(fit["reverted_at"]),
        }
        for fit in data.get("parameter_fits", [])  # absent from exports made before fits
    ]
    if fits:
        conn.execute(parameter_fit_table.insert(), fits)
    deck_ids: dict[str, int] = {}
    for deck in data["decks"]:
        result = conn.execute(
            deck_table.insert().values(
                name=deck["name"],
                source_path=deck["path"],
                source_hash=deck["source_hash"],
                description=deck["description"],
                settings=deck["settings"],
                parameter_set_id=deck["parameter_set_id"],
                created_at=_time(deck["created_at"]),
                updated_at=_time(deck["updated_at"]),
            )
        )
        deck_ids[deck["name"]] = int(result.inserted_primary_key[0])  # type: ignore[index]
    cards: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    chosen: list[list[tuple[str, bool]]] = []  # each review's chosen options, in order
    befores: dict[int, CardState] = {}
    for card in data["cards"]:
        state = card["state"]
        cards.append(
            {
                "id": card["id"],
                "deck_id": deck_ids[card["deck"]],
                "slug": card["slug"],
                "key": card["key"],
                "kind": card["kind"],
                "question": card["question"],
                "body": card["body"],
                "options": card["options"],
                "explanation": card["explanation"],
                "answer": card["answer"],
                "content_hash": card["content_hash"],
                "source_line": card["source_line"],
                "position": card["position"],
                "retired": card["retired"],
                "suspended": card["suspended"],
                "leech": card["leech"],
                "buried_until": _time(card["buried_until"]),
                "phase": PHASES[state["phase"]],
                "step": state["step"],
                "stability": state["stability"],
                "difficulty": state["difficulty"],
                "due": _time(state["due"]),
                "last_review": _time(state["last_review"]),
                "reps": state["reps"],
                "lapses": state["lapses"],
                "version": card["version"],
                "created_at": _time(card["created_at"]),
            }
        )
        for review in card["reviews"]:
            before, after = review["before"] or {}, review["after"] or {}
            reviews.append(
                {
                    "id": review["id"],
                    "card_id": card["id"],
                    "reviewed_at": _time(review["reviewed_at"]),
                    "day": review["day"],
                    "first_of_day": review["first_of_day"],
                    "hour": review["hour"],
                    "rating": review["rating"],
                    "suggested_rating": review["suggested_rating"],
                    "duration_ms": review["duration_ms"],
                    "correct": review["correct"],
                    "phase_before": review["phase_before"],
                    "interval_days": _days(review["interval_days"]),
                    "retrievability": review["retrievability"],
                    "phase_after": after.get("phase", 0),
                    "step_after": after.get("step"),
                    "stability_after": review["stability_after"],
                    "difficulty_after": review["difficulty_after"],
                    "due_in": due_in(_time(review["reviewed_at"]), _time(review["due_after"])),
                    "parameter_set_id": review["parameter_set_id"],
                    "flags_before": (LEECH if before.get("leech") else 0)
                    | (SUSPENDED if before.get("suspended") else 0),
                }
            )
            if review["before"] is not None:
                befores[review["id"]] = CardState.from_json(
                    {k: v for k, v in before.items() if k not in ("leech", "suspended")}
                )
            chosen.append([(c["text"], bool(c["correct"])) for c in review["chosen"]])
    if cards:
        conn.execute(card_table.insert(), cards)
    kept = chosen_numbers(conn, [(r["card_id"], c) for r, c in zip(reviews, chosen, strict=True)])
    for row, numbers in zip(reviews, kept, strict=True):
        row["chosen_numbers"] = numbers
    if reviews:
        conn.execute(review_table.insert(), reviews)
    add_picks(conn, [(r["card_id"], r["day"], r["chosen_numbers"]) for r in reviews])
    _keep_befores(conn, befores)
    forgets = [  # version 4 on, as the cards' own tags
        {"card_id": card["id"], "forgotten_at": _time(card["forgotten_at"])}
        for card in data["cards"]
        if card.get("forgotten_at") is not None
    ]
    if forgets:
        conn.execute(card_forget_table.insert(), forgets)
    tags = [
        {"card_id": card["id"], "tag": tag}
        for card in data["cards"]
        for tag in card.get("tags", [])
    ]
    if tags:
        conn.execute(card_tag_table.insert(), tags)
    import_reschedulings(conn, data.get("reschedulings", []))  # version 3 on
    practice = data.get("practice", [])  # version 5 on
    strays = sorted({p["card_id"] for p in practice} - {card["id"] for card in data["cards"]})
    if strays:
        raise ValueError(f"practice answers of cards it does not hold: {strays[:5]}")
    import_practice(conn, practice)
    rollups.rebuild(conn)
    return {"decks": len(deck_ids), "cards": len(cards), "reviews": len(reviews)}


def _days(interval: float | None) -> int | None:
    """Whole days of an exported interval (young or mature: the statistics need no more)."""
    return None if interval is None else math.floor(interval)


def _keep_befores(conn: Connection, befores: dict[int, CardState]) -> None:
    """Store the exported state before of each answer the rebuilt log does not give by itself
    (a rescheduling, a repair: the export holds no rescheduling runs)."""
    rows = conn.execute(select(*LOG_COLUMNS).order_by(review_table.c.card_id, review_table.c.id))
    kept = []
    card_id, previous = None, CardState()
    for row in rows:
        if row.card_id != card_id:
            card_id, previous = row.card_id, CardState()
        before = befores.get(row.id, previous)
        if before != previous:
            kept.append({"review_id": row.id, "state": before.to_json()})
        previous = after_state(row, before)
    if kept:
        conn.execute(review_before_table.insert(), kept)

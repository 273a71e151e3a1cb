"""The per-card distributions counted in SQL equal the forgetting curve computed in Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tutor import scheduling
from tutor.config import DeckSettings, Settings
from tutor.scheduling import DEFAULT, SchedulerSpec
from tutor.stats import compute
from tutor.store.db import Database
from tutor.store.tables import card_table, deck_table, parameter_table

NOW = datetime(2026, 11, 27, 12, 0, 0, 500_000, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC")
SLOW_DECAY = (*DEFAULT[:-1], 0.5)  # deck 2 forgets on another curve
MICROSECOND = timedelta(microseconds=1)


def scheduled(
    card_id: int, deck_id: int, stability: float, last: datetime, **more: Any
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": card_id,
        "deck_id": deck_id,
        "key": f"q{card_id}",
        "kind": "recall",
        "question": f"Question {card_id}?",
        "answer": "A",
        "content_hash": str(card_id),
        "position": card_id,
        "created_at": NOW,
        "phase": 2,
        "stability": stability,
        "difficulty": 1 + card_id % 10,
        "last_review": last,
        "due": last + timedelta(days=round(stability)),
        "lapses": card_id % 4,
    }
    values.update(more)
    return values


def cards() -> list[dict[str, Any]]:
    """Cards whose elapsed days sit a microsecond either side of a whole day, with stabilities
    that put their recall on a bin edge (elapsed = stability gives 90%), on both decks."""
    rows = []
    card_id = 0
    for deck_id in (1, 2):
        for days in (0, 1, 3, 7, 21, 30, 90, 400):
            for stability in (float(days or 1), 2.5, 30.0, 365.0):
                for shift in (-MICROSECOND, timedelta(0), MICROSECOND):
                    card_id += 1
                    rows.append(
                        scheduled(card_id, deck_id, stability, NOW - timedelta(days=days) + shift)
                    )
    card_id += 1  # an interval a microsecond short of 21 days is young
    young = NOW - timedelta(days=2)
    rows.append(scheduled(card_id, 1, 21.0, young, due=young + timedelta(days=21) - MICROSECOND))
    return rows


@pytest.fixture
def collection(db: Database) -> Database:
    with db.write() as conn:
        conn.execute(
            parameter_table.insert().values(id=1, parameters=list(SLOW_DECAY), created_at=NOW)
        )
        for deck_id, parameter_set in ((1, None), (2, 1)):
            conn.execute(
                deck_table.insert().values(
                    id=deck_id,
                    name=f"D{deck_id}",
                    settings={},
                    parameter_set_id=parameter_set,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        conn.execute(card_table.insert(), cards())
    return db


def python_recall(row: dict[str, Any]) -> float:
    parameters = SLOW_DECAY if row["deck_id"] == 2 else None
    curve = scheduling.forgetting_curve(SchedulerSpec.for_deck(DeckSettings(), parameters))
    return float(scheduling.recall(curve, row["stability"], row["last_review"], NOW))


def test_recall_buckets_sum_and_lowest_cards_equal_the_python_curve(collection: Database) -> None:
    rows = cards()
    recall = {row["id"]: python_recall(row) for row in rows}
    expected = [0] * 10
    for value in recall.values():
        expected[min(9, sum(value >= edge / 10 for edge in range(1, 10)))] += 1

    report = compute(collection, SETTINGS, NOW, span="all")

    got = report.distributions
    assert [bucket.count for bucket in got.retrievability] == expected
    assert got.known == round(sum(recall.values()), 1)
    assert got.average_retrievability == round(sum(recall.values()) / len(recall), 4)
    lowest = sorted(recall, key=lambda i: (recall[i], i))[:10]
    assert [card.card_id for card in report.hardest.lowest_retrievability] == lowest
    by_lapses = sorted(
        (r for r in rows if r["lapses"]), key=lambda r: (-r["lapses"], recall[r["id"]], r["id"])
    )
    assert [card.card_id for card in report.hardest.lapses] == [r["id"] for r in by_lapses[:10]]


def test_interval_buckets_count_whole_days_to_the_microsecond(collection: Database) -> None:
    rows = cards()
    report = compute(collection, SETTINGS, NOW, span="all")

    intervals = [(r["due"] - r["last_review"]).total_seconds() / 86400 for r in rows]
    young = sum(1 for interval in intervals if interval < 21)
    assert (report.counts.young, report.counts.mature) == (young, len(rows) - young)
    assert sum(b.count for b in report.distributions.intervals) == len(rows)
    assert report.distributions.intervals[-1].count == sum(1 for i in intervals if i >= 365)

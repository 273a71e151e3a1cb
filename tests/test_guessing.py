"""Retention corrected for guessing, exact on a hand-built log of every kind of card."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_stats import NOW, SETTINGS, card, review
from tutor.guessing import corrected, kind_and_chance
from tutor.stats import compute
from tutor.stats_report import render
from tutor.store.choices import add_choices
from tutor.store.db import Database
from tutor.store.tables import card_table, deck_table, review_table


def options(right: int, wrong: int) -> list[dict[str, Any]]:
    return [{"text": f"R{n}", "correct": True, "reasoning": ""} for n in range(right)] + [
        {"text": f"W{n}", "correct": False, "reasoning": ""} for n in range(wrong)
    ]


CARDS = [
    card(1, phase=2, options=options(1, 3)),  # one right of 4: chance 1/4
    card(2, phase=2, options=options(1, 1)),  # one right of 2: chance 1/2
    card(3, phase=2, options=options(2, 1)),  # select all of 3: chance 1/(2^3 - 1) = 1/7
    card(4, phase=2, kind="recall", options=[], answer="42"),
]
# (card, passes, fails) of the day's first answers of review cards
FIRST_ANSWERS = [(1, 3, 1), (2, 2, 0), (3, 5, 2), (4, 3, 2)]


def _log() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    rows = []
    review_id = 0
    for card_id, passes, fails in FIRST_ANSWERS:
        for n in range(passes + fails):
            review_id += 1
            rows.append(review(review_id, card_id, n + 1, 9, 3 if n < passes else 1))
    rows.append(review(100, 1, 1, 10, 1, first=False))  # a second answer that day: not counted
    rows.append(review(101, 2, 1, 10, 1, phase=1))  # a learning card: not counted
    return rows


@pytest.fixture
def log(db: Database) -> Database:
    with db.write() as conn:
        conn.execute(
            deck_table.insert().values(id=1, name="D", settings={}, created_at=NOW, updated_at=NOW)
        )
        conn.execute(card_table.insert(), CARDS)
        conn.execute(review_table.insert(), [r for r, _ in _log()])
        add_choices(conn, [c for _, c in _log()])
    return db


def test_chance_of_a_blind_guess_per_kind_of_card() -> None:
    assert kind_and_chance("choice", options(1, 3)) == ("one_right", 0.25)
    assert kind_and_chance("choice", options(2, 2)) == ("select_all", 1 / 15)
    assert kind_and_chance("recall", []) == ("recall", None)
    assert corrected(0.25, 0.25) == 0 and corrected(1.0, 0.25) == 1
    assert corrected(0.1, 0.25) == pytest.approx(-0.2)  # worse than chance stays negative


def test_stats_show_retention_corrected_for_guessing_beside_recall_cards(log: Database) -> None:
    guessing = compute(log, SETTINGS, NOW, span="all").guessing.to_json()
    # one right option: 5 of 6 passed; chance (4 x 1/4 + 2 x 1/2) / 6 = 1/3;
    # corrected per card (4 x (3/4 - 1/4) / (3/4) + 2 x 1) / 6 = (8/3 + 2) / 6 = 7/9
    assert guessing["one_right"] == {
        "reviews": 6,
        "passed": 5,
        "rate": 0.8333,
        "chance": 0.3333,
        "corrected": 0.7778,
    }
    # select all of 3 options: 5 of 7, chance 1/7: (5/7 - 1/7) / (6/7) = 2/3
    assert guessing["select_all"] == {
        "reviews": 7,
        "passed": 5,
        "rate": 0.7143,
        "chance": 0.1429,
        "corrected": 0.6667,
    }
    # recall: nothing to guess, the rate as it is
    assert guessing["recall"] == {
        "reviews": 5,
        "passed": 3,
        "rate": 0.6,
        "chance": None,
        "corrected": 0.6,
    }
    text = render(compute(log, SETTINGS, NOW, span="all"))
    assert "one right option           5/6      83.3%      33.3%      77.8%" in text
    assert "recall                     3/5      60.0%          —    (as is)" in text

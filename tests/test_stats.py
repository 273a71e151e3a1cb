"""Every statistic on a small hand-built review log whose answers are known exactly."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import fsrs
import pytest

from tests.conftest import WriteDeck
from tutor.cli import main
from tutor.config import Settings
from tutor.stats import compute
from tutor.stats_data import CalibrationBin, CardCounts, PassRate, StatsReport, Today
from tutor.store.choices import add_choices
from tutor.store.db import Database
from tutor.store.tables import card_table, deck_table, review_table

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
GOLDEN = Path(__file__).parent / "data" / "stats"  # `tutor stats --json` of the log, before typing
TODAY = date(2026, 11, 27).toordinal()
SETTINGS = Settings(timezone="UTC")


def card(card_id: int, **state: Any) -> dict[str, Any]:
    values = {
        "id": card_id,
        "deck_id": 1,
        "key": f"q{card_id}",
        "kind": "choice",
        "question": f"Question {card_id}?",
        "options": [
            {"text": "A", "correct": True, "reasoning": ""},
            {"text": "B", "correct": False, "reasoning": ""},
            {"text": "C", "correct": False, "reasoning": ""},
        ],
        "content_hash": str(card_id),
        "position": card_id,
        "created_at": NOW,
        "phase": 0,
        "retired": False,
        "suspended": False,
        "reps": 0,
        "lapses": 0,
        "stability": None,
        "difficulty": None,
        "due": None,
        "last_review": None,
    }
    values.update(state)
    return values


def review(
    review_id: int,
    card_id: int,
    days_ago: int,
    hour: int,
    rating: int,
    *,
    phase: int = 2,
    interval: float | None = 30,
    p: float | None = 0.9,
    ms: int = 5000,
    chosen: str = "A",
    first: bool = True,
) -> tuple[dict[str, Any], dict[str, Any]]:
    day = TODAY - days_ago
    at = datetime.combine(date.fromordinal(day), datetime.min.time(), UTC) + timedelta(hours=hour)
    row = {
        "id": review_id,
        "card_id": card_id,
        "reviewed_at": at,
        "day": day,
        "hour": hour,
        "rating": rating,
        "first_of_day": first,
        "duration_ms": ms,
        "correct": chosen == "A",
        "phase_before": phase,
        "interval_days": interval,
        "retrievability": p,
    }
    return row, {
        "review_id": review_id,
        "card_id": card_id,
        "day": day,
        "option_text": chosen,
        "correct": chosen == "A",
    }


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


CARDS = [
    card(
        1,
        phase=2,
        stability=25.0,
        difficulty=5.0,
        last_review=ago(days=23),
        due=NOW + timedelta(days=2),
        lapses=0,
    ),
    card(
        2,
        phase=2,
        stability=40.0,
        difficulty=6.5,
        last_review=ago(days=38),
        due=NOW + timedelta(days=2),
    ),
    card(
        3,
        phase=3,
        stability=1.5,
        difficulty=8.2,
        last_review=ago(hours=1),
        due=NOW + timedelta(minutes=10),
        lapses=3,
    ),
    card(
        4,
        phase=2,
        stability=30.0,
        difficulty=5.5,
        last_review=ago(days=33),
        due=ago(days=3),
        lapses=1,
    ),
    card(
        5,
        phase=2,
        stability=2.0,
        difficulty=3.0,
        last_review=ago(days=1),
        due=NOW + timedelta(days=1),
    ),
    card(
        6,
        phase=1,
        stability=0.5,
        difficulty=4.0,
        last_review=ago(minutes=30),
        due=NOW + timedelta(hours=1),
    ),
    card(7),
    card(
        8, phase=2, stability=9.0, difficulty=5.0, last_review=ago(days=3), due=NOW, suspended=True
    ),
    card(9, retired=True),
]
REVIEWS = [
    review(1, 1, 1, 9, 3),  # yesterday: first reviews, mature
    review(2, 2, 1, 9, 3),
    review(3, 3, 1, 9, 1, chosen="B"),
    review(4, 4, 1, 9, 4),
    review(5, 1, 1, 10, 1, p=0.95, chosen="B", first=False),  # yesterday again: not a first review
    review(6, 5, 0, 11, 3, interval=5, p=0.8, ms=4000),  # today: young, first review passes
    review(7, 5, 0, 11, 1, interval=5, p=0.99, ms=6000, chosen="C", first=False),
    review(8, 6, 0, 11, 3, phase=0, interval=None, p=None),  # today: a new card
    review(9, 1, 40, 20, 3, p=0.85),  # 40 days ago: outside a month
]


@pytest.fixture
def log(db: Database) -> Database:
    with db.write() as conn:
        conn.execute(
            deck_table.insert().values(id=1, name="D", settings={}, created_at=NOW, updated_at=NOW)
        )
        conn.execute(card_table.insert(), CARDS)
        conn.execute(review_table.insert(), [r for r, _ in REVIEWS])
        add_choices(conn, [c for _, c in REVIEWS])
    return db


def test_today(log: Database) -> None:
    today = compute(log, SETTINGS, NOW).today
    assert today == Today(
        reviews=3, correct=2, accuracy=round(2 / 3, 4), seconds=15.0, new_learned=1
    )


def test_true_retention_counts_first_reviews_of_each_day(log: Database) -> None:
    retention = compute(log, SETTINGS, NOW).true_retention
    assert retention.period("yesterday").mature == PassRate(reviews=4, passed=3, rate=0.75)
    assert retention.period("yesterday").young == PassRate(reviews=0, passed=0, rate=None)
    assert retention.period("today").young == PassRate(reviews=1, passed=1, rate=1.0)
    assert retention.period("7 days").total == PassRate(reviews=5, passed=4, rate=0.8)
    assert retention.period("30 days").total.reviews == 5
    assert retention.period("all time").mature == PassRate(reviews=5, passed=4, rate=0.8)


def test_forecast_and_overdue(log: Database) -> None:
    forecast = compute(log, SETTINGS, NOW).forecast
    assert forecast.overdue == 1
    assert [d.due for d in forecast.days[:4]] == [2, 1, 2, 0]
    assert forecast.days[0].date == "2026-11-27" and len(forecast.days) == 30


def test_calendar_and_streak(log: Database) -> None:
    calendar = compute(log, SETTINGS, NOW).calendar
    by_date = {d.date: d.reviews for d in calendar.days}
    assert (by_date["2026-11-27"], by_date["2026-11-26"], by_date["2026-10-18"]) == (3, 5, 1)
    assert sum(by_date.values()) == 9 and len(calendar.days) == 365
    assert (calendar.streak, calendar.longest_streak, calendar.days_studied) == (2, 2, 3)


def test_card_counts(log: Database) -> None:
    counts = compute(log, SETTINGS, NOW).counts
    assert counts == CardCounts(new=1, learning=2, young=1, mature=3, suspended=1, retired=1)


def test_distributions_match_fsrs(log: Database) -> None:
    dist = compute(log, SETTINGS, NOW).distributions
    assert {d.label: d.count for d in dist.intervals if d.count} == {
        "2d": 1,
        "3w-1mo": 1,
        "1-3mo": 2,
    }
    assert {d.label: d.count for d in dist.stability if d.count} == {
        "<1d": 1,
        "1d": 1,
        "2d": 1,
        "3w-1mo": 1,
        "1-3mo": 2,
    }
    assert {d.label: d.count for d in dist.difficulty if d.count} == {
        "3": 1,
        "4": 1,
        "5": 2,
        "6": 1,
        "8": 1,
    }
    scheduler = fsrs.Scheduler()
    expected = [
        scheduler.get_card_retrievability(
            fsrs.Card(
                card_id=c["id"],
                state=fsrs.State(c["phase"]),
                stability=c["stability"],
                difficulty=c["difficulty"],
                last_review=c["last_review"],
                due=c["due"],
            ),
            NOW,
        )
        for c in CARDS
        if c["phase"] != 0 and not c["retired"] and not c["suspended"]
    ]
    assert dist.known == round(sum(expected), 1)
    assert dist.average_retrievability == round(sum(expected) / len(expected), 4)
    assert sum(d.count for d in dist.retrievability) == 6


def test_calibration_bins_rmse_and_log_loss_leave_out_same_day_answers(log: Database) -> None:
    # reviews 5 and 7 (predicted 0.95 and 0.99, both failed) came on the day of an earlier answer
    calibration = compute(log, SETTINGS, NOW).calibration
    bins = {b.lower: b for b in calibration.bins if b.reviews}
    assert bins[0.8] == CalibrationBin(0.8, 0.9, reviews=2, predicted=0.825, actual=1.0)
    assert bins[0.9] == CalibrationBin(0.9, 1.0, reviews=4, predicted=0.9, actual=0.75)
    rmse = math.sqrt((2 * (0.825 - 1) ** 2 + 4 * (0.9 - 0.75) ** 2) / 6)
    assert calibration.rmse_bins == round(rmse, 4)
    loss = -(math.log(0.8) + math.log(0.85) + 3 * math.log(0.9) + math.log(0.1)) / 6
    assert calibration.log_loss == round(loss, 4)
    assert calibration.reviews == 6


def test_range_month_leaves_out_older_reviews(log: Database) -> None:
    stats = compute(log, SETTINGS, NOW, span="month")
    assert stats.calibration.reviews == 5  # later-day answers of the last 30 days
    assert stats.time.reviews == 8


def test_hardest_cards_and_tempting_distractors(log: Database) -> None:
    stats = compute(log, SETTINGS, NOW)
    assert [(c.card_id, c.lapses) for c in stats.hardest.lapses] == [(3, 3), (4, 1)]
    assert stats.hardest.lapses[0].question == "Question 3?"
    lowest = [c.card_id for c in stats.hardest.lowest_retrievability]
    assert lowest == [4, 2, 1, 5, 3, 6]  # by elapsed days over stability
    picks = {(d.card_id, d.option): (d.picked, d.answers) for d in stats.distractors}
    assert picks == {(1, "B"): (1, 3), (3, "B"): (1, 1), (5, "C"): (1, 2)}


def test_time_by_hour(log: Database) -> None:
    time = compute(log, SETTINGS, NOW).time
    assert time.seconds_per_card == round(9 * 5000 / 9 / 1000 - 0, 1)
    hours = {h.hour: (h.reviews, h.pass_rate) for h in time.by_hour}
    assert hours == {9: (4, 0.75), 10: (1, 0.0), 11: (3, round(2 / 3, 4)), 20: (1, 1.0)}


def test_one_deck_only(log: Database) -> None:
    with log.write() as conn:
        conn.execute(
            deck_table.insert().values(
                id=2, name="Other", settings={}, created_at=NOW, updated_at=NOW
            )
        )
        conn.execute(card_table.insert(), [card(20, deck_id=2, key="o")])
    assert compute(log, SETTINGS, NOW, deck="Other").counts.new == 1
    assert compute(log, SETTINGS, NOW, deck="D").counts.new == 1
    assert compute(log, SETTINGS, NOW).counts.new == 2


@pytest.mark.parametrize(
    ("golden", "deck", "span"),
    [
        ("year", None, "year"),
        ("month", None, "month"),
        ("all", None, "all"),
        ("deck-D-all", "D", "all"),
    ],
)
def test_the_typed_report_prints_exactly_the_json_of_the_untyped_one(
    log: Database, golden: str, deck: str | None, span: str
) -> None:
    report: StatsReport = compute(log, SETTINGS, NOW, deck, span)
    printed = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    assert printed == (GOLDEN / f"{golden}.json").read_text(encoding="utf-8")


def test_stats_json_command_prints_the_golden_bytes(
    db_path: Any, log: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    assert main(["--db", str(db_path), "stats", "D", "--json", "--range", "all"]) == 0
    assert capsys.readouterr().out == (GOLDEN / "deck-D-all.json").read_text(encoding="utf-8")


def test_stats_command_json_and_text(
    db_path: Any, log: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    monkeypatch.setenv("TZ", "UTC")
    assert main(["--db", str(db_path), "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {
        "deck",
        "range",
        "today",
        "true_retention",
        "forecast",
        "calendar",
        "counts",
        "distributions",
        "calibration",
        "hardest",
        "distractors",
        "time",
    }
    assert data["true_retention"]["yesterday"]["mature"]["rate"] == 0.75
    assert main(["--db", str(db_path), "stats"]) == 0
    text = capsys.readouterr().out
    assert "True retention" in text and "75.0%" in text and "Forecast" in text


def test_unknown_deck(log: Database, db_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "stats", "Nope"]) == 4
    assert "no deck or file named 'Nope'" in capsys.readouterr().err


def test_after_a_real_session_stats_show_it(db: Database, write_deck: WriteDeck) -> None:
    from tutor.importer import import_paths
    from tutor.scheduling import Grade
    from tutor.session import ReviewSession

    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\n- [x] a\n- [ ] b\n\n## P\n\nA\n")], NOW)
    session = ReviewSession(db, SETTINGS, clock=lambda: NOW, sync=False)
    session.next_card()
    session.grade([1], 3000)
    session.answer(Grade.AGAIN)
    session.next_card()
    session.grade(None, 2000)
    session.answer(Grade.GOOD)
    stats = compute(db, SETTINGS, NOW)
    assert stats.today.reviews == 2 and stats.today.new_learned == 2
    assert stats.counts.learning == 2 and stats.counts.new == 0
    assert stats.distractors[0].option == "b"
    assert stats.forecast.days[0].due == 2

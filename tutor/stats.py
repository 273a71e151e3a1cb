"""Retention statistics: SQL aggregates from the store, turned into one typed report."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tutor import calibration, guessing, misconceptions
from tutor.card_query import CardQuery
from tutor.card_search import compile_query
from tutor.config import Settings
from tutor.day import day_bounds, day_number
from tutor.errors import NotFoundError
from tutor.queue import curve, no_such_deck
from tutor.stats_data import (
    Bucket,
    Calendar,
    CalendarDay,
    CalibrationBin,
    CalibrationReport,
    CardCounts,
    Distractor,
    Distributions,
    Forecast,
    ForecastDay,
    HardCard,
    Hardest,
    HourStats,
    PassRate,
    RetentionPeriod,
    StatsReport,
    TimeSpent,
    Today,
    TrueRetention,
)
from tutor.store import reviews as review_store
from tutor.store import statistics as sql
from tutor.store.db import Database
from tutor.store.queue import StoreReader

RANGES = {"month": 30, "year": 365, "all": None}
MATURE_DAYS = 21
DAY_EDGES = [0, 1, 2, 3, 7, 14, 21, 30, 90, 180, 365, math.inf]
DAY_LABELS = [
    "<1d",
    "1d",
    "2d",
    "3-6d",
    "1-2w",
    "2-3w",
    "3w-1mo",
    "1-3mo",
    "3-6mo",
    "6mo-1y",
    "1y+",
]
DIFFICULTY_EDGES = [float(i) for i in range(1, 11)]
DIFFICULTY_LABELS = [str(i) for i in range(1, 10)]
RECALL_EDGES = [i / 10 for i in range(11)]
RECALL_LABELS = [f"{i * 10}-{i * 10 + 10}%" for i in range(10)]
FORECAST_DAYS = 30
CALENDAR_DAYS = 365
TOP = 10
TOP_MISCONCEPTIONS = 20


def _rate(passed: int, total: int) -> float | None:
    return round(passed / total, 4) if total else None


def compute(
    db: Database,
    settings: Settings,
    now: datetime,
    deck: str | None = None,
    span: str = "year",
    tag: str | None = None,
) -> StatsReport:
    """Every statistic for a deck (and its sub-decks) or the whole collection; with `tag`, of
    the cards with that tag only (the cards `tutor cards tag:TAG` finds)."""
    if span not in RANGES:
        raise ValueError(span)
    zone = settings.tzinfo()
    hour = settings.day_starts_at
    today = day_number(now, hour, zone)
    start, _end = day_bounds(now, hour, zone)
    days = RANGES[span]
    first_day = today - days + 1 if days else None
    with db.read() as conn:
        ids: list[int] | None = None
        if deck is not None:
            ids = sql.deck_ids(conn, deck)
            if not ids:
                raise no_such_deck([deck])
        cards, tagged = _tagged(conn, settings, now, tag) if tag is not None else (None, None)
        parameters = {d.id: d.parameters for d in review_store.decks(conn)}
        by_day = sql.summary_by_day(conn, ids, cards)
        by_hour = sql.summary_by_hour(conn, first_day, ids, cards)
        bounds = [start] + [
            day_bounds(start + timedelta(days=i, hours=12), hour, zone)[1]
            for i in range(FORECAST_DAYS)
        ]
        due_before = sql.forecast(conn, bounds, now, ids, cards)
        counts = sql.card_counts(conn, ids, cards)
        per_card = _per_card(conn, ids, parameters, now, cards)
        fine_bins = sql.calibration(conn, first_day, ids, cards)
        distractors = sql.tempting_distractors(conn, first_day, ids, 20, cards)
        by_card = sql.first_answers_by_card(conn, first_day, ids, cards)
        names = sql.questions(conn, [row[0] for row in per_card.hardest + per_card.lowest])

    def hard_card(row: _CardRow) -> HardCard:
        card_id, lapses, recall = row
        question, deck_name = names.get(card_id, ("?", "?"))
        rounded = round(recall, 4) if recall is not None else None
        return HardCard(card_id, lapses, rounded, question, deck_name)

    done_today = _sum(by_day, today, today)
    per_day = {day: sums["reviews"] for day, sums in by_day}
    hours = dict(by_hour)
    found = misconceptions.find(db, ids)
    if tagged is not None:
        found = [m for m in found if m.card_id in tagged]
    total_ms = sum(h["milliseconds"] for h in hours.values())
    total_reviews = sum(h["reviews"] for h in hours.values())
    return StatsReport(
        deck=deck,
        span=span,
        generated_at=now.isoformat(),
        today=Today(
            reviews=done_today["reviews"],
            correct=done_today["correct"],
            accuracy=_rate(done_today["correct"], done_today["reviews"]),
            seconds=round(done_today["milliseconds"] / 1000, 1),
            new_learned=done_today["new"],
        ),
        true_retention=_true_retention(by_day, today),
        forecast=Forecast(
            overdue=due_before[0],
            days=tuple(
                ForecastDay(
                    date=(date.fromordinal(today) + timedelta(days=i)).isoformat(),
                    due=due_before[i + 1] - due_before[i],
                )
                for i in range(FORECAST_DAYS)
            ),
        ),
        calendar=_calendar(per_day, today),
        counts=CardCounts(
            new=counts["new"],
            learning=counts["learning"],
            young=per_card.young,
            mature=per_card.mature,
            suspended=counts["suspended"],
            retired=counts["retired"],
        ),
        distributions=Distributions(
            intervals=_buckets(per_card.intervals, DAY_LABELS),
            stability=_buckets(per_card.stability, DAY_LABELS),
            difficulty=_buckets(per_card.difficulty, DIFFICULTY_LABELS),
            retrievability=_buckets(per_card.retrievability, RECALL_LABELS),
            average_retrievability=(
                round(per_card.recall_sum / per_card.retrievability[0], 4)
                if per_card.retrievability[0]
                else None
            ),
            known=round(per_card.recall_sum, 1),
        ),
        calibration=_calibration(fine_bins),
        hardest=Hardest(
            lapses=tuple(hard_card(row) for row in per_card.hardest),
            lowest_retrievability=tuple(hard_card(row) for row in per_card.lowest),
        ),
        distractors=tuple(
            Distractor(
                card_id=card_id,
                question=question,
                option=option,
                picked=picked,
                answers=answers,
                share=_rate(picked, answers),
            )
            for card_id, question, option, picked, answers in distractors
        ),
        time=TimeSpent(
            reviews=total_reviews,
            seconds_per_card=round(total_ms / total_reviews / 1000, 1) if total_reviews else None,
            by_hour=tuple(
                HourStats(hour=h, reviews=n, passed=p, pass_rate=_rate(p, n))
                for h, n, p in ((h, v["reviews"], v["passed"]) for h, v in sorted(hours.items()))
            ),
        ),
        guessing=guessing.report(by_card),
        misconceptions=misconceptions.summary(found, TOP_MISCONCEPTIONS),
        tag=tag,
    )


def _tagged(conn: Any, settings: Settings, now: datetime, tag: str) -> tuple[Any, set[int]]:
    """The cards with `tag`, by the browser's rule for `tag:` (tutor.card_search): as a SELECT
    for the store's queries, and as ids. NotFoundError when no card has it."""
    compiled = compile_query(StoreReader(conn), CardQuery(tags=(tag,)), settings, now)
    select_ids = f"SELECT c.id FROM card c WHERE {compiled.where}"
    tagged = {int(row[0]) for row in StoreReader(conn).rows(select_ids, compiled.values)}
    if not tagged:
        raise no_such_tag(tag)
    return sql.cards_selected(conn, select_ids, compiled.values), tagged


def no_such_tag(tag: str) -> NotFoundError:
    """The error for a `--tag` no card has (stats, study and review say it alike)."""
    return NotFoundError(
        f"no card has the tag {tag!r}; tags come from a deck's front matter and its cards' "
        "`Tags:` lines (`tutor cards tag:TAG` searches them)"
    )


def _sum(by_day: list[tuple[int, dict[str, int]]], low: int, high: int) -> dict[str, int]:
    """The sums of the days from `low` to `high`."""
    total = dict.fromkeys(sql.SUMMARY_COLUMNS, 0)
    for day, sums in by_day:
        if low <= day <= high:
            for key, value in sums.items():
                total[key] += value
    return total


def _true_retention(by_day: list[tuple[int, dict[str, int]]], today: int) -> TrueRetention:
    periods = {
        "today": (today, today),
        "yesterday": (today - 1, today - 1),
        "7 days": (today - 6, today),
        "30 days": (today - 29, today),
        "365 days": (today - 364, today),
        "all time": (0, today),
    }
    result = []
    for name, (low, high) in periods.items():
        sums = _sum(by_day, low, high)
        young = (sums["young"], sums["young_passed"])
        mature = (sums["mature"], sums["mature_passed"])
        total = (young[0] + mature[0], young[1] + mature[1])
        young_rate, mature_rate, total_rate = (
            PassRate(reviews=n, passed=p, rate=_rate(p, n)) for n, p in (young, mature, total)
        )
        result.append(RetentionPeriod(name, young_rate, mature_rate, total_rate))
    return TrueRetention(tuple(result))


_CardRow = tuple[int, int, float | None]  # (card id, lapses, predicted recall now)
_Counts = tuple[int, list[int]]  # (cards with the value, cards reaching each inner edge)


@dataclass(frozen=True)
class _PerCard:
    """What the scheduled cards add up to: histogram counts, the young/mature split, the
    summed recall, the hardest cards and those least likely to be recalled."""

    intervals: _Counts
    stability: _Counts
    difficulty: _Counts
    retrievability: _Counts
    recall_sum: float
    young: int
    mature: int
    hardest: list[_CardRow]
    lowest: list[_CardRow]


def _per_card(
    conn: Any,  # the store's open connection
    deck_ids: list[int] | None,
    parameters: dict[int, list[float] | None],
    now: datetime,
    cards: Any = None,
) -> _PerCard:
    """Intervals, stability, difficulty and today's predicted recall of the scheduled cards,
    counted in SQL once per forgetting curve (decks may use different parameter sets)."""
    by_curve: dict[tuple[float, float], list[int]] = {}
    for deck_id, values in parameters.items():
        by_curve.setdefault(curve(values), []).append(deck_id)
    edges = (DAY_EDGES[1:-1], DIFFICULTY_EDGES[1:-1], RECALL_EDGES[1:-1])
    parts = [
        sql.card_bins(
            conn, deck_ids, decks if len(by_curve) > 1 else None, shape, now, edges, TOP, cards
        )
        for shape, decks in by_curve.items()
    ]

    def added(totals: list[int], counts: list[list[int]]) -> _Counts:
        return sum(totals), [sum(column) for column in zip(*counts, strict=True)]

    intervals = added([p.intervals_total for p in parts], [p.intervals_at_least for p in parts])
    mature = intervals[1][DAY_EDGES.index(MATURE_DAYS) - 1] if parts else 0
    rows = [row for p in parts for row in p.hardest]
    hardest = sorted(rows, key=lambda x: (-x[1], x[2] or 0, x[0]))[:TOP]
    lowest = sorted((row for p in parts for row in p.lowest), key=lambda x: (x[2] or 0, x[0]))
    return _PerCard(
        intervals=intervals if parts else (0, [0] * (len(DAY_EDGES) - 2)),
        stability=added([p.stability_total for p in parts], [p.stability_at_least for p in parts])
        if parts
        else (0, [0] * (len(DAY_EDGES) - 2)),
        difficulty=added(
            [p.difficulty_total for p in parts], [p.difficulty_at_least for p in parts]
        )
        if parts
        else (0, [0] * (len(DIFFICULTY_EDGES) - 2)),
        retrievability=added([p.recall_total for p in parts], [p.recall_at_least for p in parts])
        if parts
        else (0, [0] * (len(RECALL_EDGES) - 2)),
        recall_sum=sum(p.recall_sum for p in parts),
        young=sum(p.young for p in parts),
        mature=mature,
        hardest=hardest,
        lowest=lowest[:TOP],
    )


def _buckets(counts: _Counts, labels: list[str]) -> tuple[Bucket, ...]:
    """Histogram buckets [edge i, edge i+1) from the counts of values reaching each inner edge
    (as `_histogram` bins them: the last bucket also takes values at its top edge)."""
    total, at_least = counts
    reached = [total, *at_least, 0]
    return tuple(Bucket(label, reached[i] - reached[i + 1]) for i, label in enumerate(labels))


def _calendar(per_day: dict[int, int], today: int) -> Calendar:
    days = tuple(
        CalendarDay(date=date.fromordinal(d).isoformat(), reviews=per_day.get(d, 0))
        for d in range(today - CALENDAR_DAYS + 1, today + 1)
    )
    streak = 0
    day = today if per_day.get(today) else today - 1
    while per_day.get(day):
        streak += 1
        day -= 1
    longest = run = 0
    previous = None
    for day in sorted(d for d, n in per_day.items() if n):  # over the whole history
        run = run + 1 if previous == day - 1 else 1
        longest, previous = max(longest, run), day
    active = sum(1 for entry in days if entry.reviews)
    return Calendar(days=days, streak=streak, longest_streak=longest, days_studied=active)


def _calibration(fine_bins: list[tuple[int, int, int, float]]) -> CalibrationReport:
    scored = calibration.score_bins(fine_bins).to_json()  # rounded as the optimizer shows it
    return CalibrationReport(
        reviews=scored["reviews"],
        bins=tuple(
            CalibrationBin(
                lower=b["from"],
                upper=b["to"],
                reviews=b["reviews"],
                predicted=b["predicted"],
                actual=b["actual"],
            )
            for b in scored["bins"]
        ),
        rmse_bins=scored["rmse_bins"],
        log_loss=scored["log_loss"],
    )

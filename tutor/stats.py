"""Retention statistics: SQL aggregates from the store, turned into one typed report."""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import closing, suppress
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar, cast

from tutor import calibration, guessing, misconceptions
from tutor import stats_sql as sql
from tutor.collection_file import SCHEMA_VERSION, unreadable
from tutor.config import Settings
from tutor.day import day_bounds, day_number
from tutor.known_tags import no_such_tag as no_such_tag  # its old home, kept for callers
from tutor.known_tags import require_known
from tutor.queue import Reader, curve, no_such_deck, read_decks
from tutor.queue_sql import SqliteReader, in_decks, sqlite_reader
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
    Misconception,
    Misconceptions,
    PassRate,
    RetentionPeriod,
    StatsReport,
    TimeSpent,
    Today,
    TrueRetention,
)

if TYPE_CHECKING:
    from tutor.store.db import Database

_T = TypeVar("_T")
RANGES = {"month": 30, "year": 365, "all": None}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
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


class StatsReader(Reader, Protocol):
    """A reader of the statistics' SQL (`tutor.stats_sql`), and where the log's sums come from."""

    postgresql: bool

    def sources(self, select_ids: str | None, values: dict[str, Any]) -> tuple[str, str]:
        """What `{source}` reads for the day-by-hour sums and for calibration: the rollup
        tables, or the rollups' own queries over the log (for a tag's cards, or when the
        rollups do not count every answer)."""
        ...


class _OutOfStep(Exception):
    """The rollups do not count every logged answer, or a stored time is of another shape than
    the statistics' SQL reads: the store must serve the statistics."""


def _in_step(conn: sqlite3.Connection) -> bool:
    """True if the rollups count every logged answer (as `tutor.store.rollups.in_step`)."""
    rolled = conn.execute(sql.ROLLED_ANSWERS).fetchone()[0]
    return int(rolled) == int(conn.execute(sql.LOGGED_ANSWERS).fetchone()[0])


class FileReader:
    """The statistics' SQL on an SQLite collection through the stdlib; with the file's path,
    some of it runs on a second connection in a thread (`aside`). What reads the log and its
    rollups runs in `aside`, which first checks that the rollups are in step (`_OutOfStep`)."""

    postgresql = False

    def __init__(self, reader: SqliteReader, path: Path | None = None) -> None:
        self.reader = reader
        self.path = path

    def rows(self, sql: str, values: Any) -> list[Any]:
        return self.reader.rows(sql, values)

    def each(self, sql: str, values: Any) -> Any:
        return self.reader.each(sql, values)

    def sources(self, select_ids: str | None, values: dict[str, Any]) -> tuple[str, str]:
        return "review_rollup", "calibration_rollup"

    def aside(self, work: Callable[[StatsReader], _T]) -> Callable[[], _T]:
        """Start `work` on a second connection to the file in a thread and return what waits for
        its result: sqlite3 lets go of the GIL while a statement steps, so on two cores the two
        connections' queries overlap. Its snapshot may be a later one than the first's: every
        answer and undo changes the log and the rollups in one transaction, so the rollups are
        in step there too (only a bulk insert bypassing them, never a running command, could
        come between the two)."""
        path = self.path
        if path is None:
            if not _in_step(self.reader.conn):
                raise _OutOfStep
            done = work(self)
            return lambda: done
        outcome: list[Any] = []

        def run() -> None:
            try:
                with closing(sqlite3.connect(path, timeout=10)) as conn:
                    conn.execute("BEGIN")
                    in_step = _in_step(conn)
                    outcome.append(
                        work(FileReader(SqliteReader(conn))) if in_step else _OutOfStep()
                    )
            except BaseException as exc:  # re-raised in the waiting thread
                outcome.append(exc)

        thread = threading.Thread(target=run, name="tutor-stats-aside")
        thread.start()

        def result() -> _T:
            thread.join()
            (value,) = outcome
            if isinstance(value, sqlite3.DatabaseError):
                raise unreadable(path, value) from None
            if isinstance(value, BaseException):
                raise value
            return cast(_T, value)

        return result

    def check_times(self, pending: Callable[[], object]) -> None:
        """Raise _OutOfStep if a stored time is of another shape (`sql.ODD_TIMES`), once
        `pending` (the second connection's work, started first so that the two overlap) is done."""
        if self.reader.conn.execute(sql.ODD_TIMES, {"shape": sql.TIME_SHAPE}).fetchone() is None:
            return
        with suppress(Exception):  # its outcome is not read: the store serves it all
            pending()
        raise _OutOfStep


def compute(
    db: Database,
    settings: Settings,
    now: datetime,
    deck: str | None = None,
    span: str = "year",
    tag: str | None = None,
) -> StatsReport:
    """Every statistic for a deck (and its sub-decks) or the whole collection; with `tag`, of
    the cards with that tag only (the cards `tutor cards tag:TAG` finds). Through the store:
    any database, any state of the rollups."""
    from tutor.store.statistics import StatsStoreReader

    with db.read() as conn:
        return compute_from(StatsStoreReader(conn), settings, now, deck, span, tag)


def compute_file(
    path: Path,
    settings: Settings,
    now: datetime,
    deck: str | None = None,
    span: str = "year",
    tag: str | None = None,
) -> StatsReport | None:
    """`compute` on an SQLite collection with the stdlib sqlite3 module (no SQLAlchemy); None
    when this way cannot serve it and the store must: no collection yet, an older schema to
    migrate, rollups not in step with the log, a stored time of the wrong shape, or a tag.
    A refused file (damaged, foreign, newer) raises StoreError as the store would."""
    if tag is not None:
        return None
    with sqlite_reader(path) as reader:
        if reader is None:
            return None
        reader.conn.execute("BEGIN")  # one snapshot: the checks and every read see one log
        if not _current(reader.conn):
            return None
        try:
            return compute_from(FileReader(reader, path), settings, now, deck, span)
        except _OutOfStep:
            return None


def _current(conn: Any) -> bool:
    """True if the open collection is at this schema (its times being in shape is checked
    beside the second connection's work: `FileReader.check_times`; the rollups being in step
    where they are read: `FileReader.aside`); lends SQLite's power() from Python's (the same C
    pow) where SQLite was built without it."""
    version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if int(version[0]) != SCHEMA_VERSION:
        return False
    try:
        conn.execute("SELECT power(2.0, 0.5)").fetchone()
    except sqlite3.OperationalError:
        conn.create_function("power", 2, math.pow, deterministic=True)
    return True


def compute_from(
    reader: StatsReader,
    settings: Settings,
    now: datetime,
    deck: str | None = None,
    span: str = "year",
    tag: str | None = None,
) -> StatsReport:
    """`compute` over a reader of the statistics' SQL."""
    if span not in RANGES:
        raise ValueError(span)
    zone = settings.tzinfo()
    hour = settings.day_starts_at
    today = day_number(now, hour, zone)
    start, _end = day_bounds(now, hour, zone)
    days = RANGES[span]
    first_day = today - days + 1 if days else None
    decks = read_decks(reader)
    ids: list[int] | None = None
    if deck is not None:
        ids = [d.id for d in read_decks(reader, [deck])]
        if not ids:
            raise no_such_deck([deck])
    select_ids, values, _tagged_ids = (
        _tagged(reader, settings, now, tag) if tag is not None else (None, {}, None)
    )
    q = _Queries(reader, ids, select_ids, values, first_day)
    rolled, calibrated = reader.sources(select_ids, values)

    bounds = [start] + [
        day_bounds(start + timedelta(days=i, hours=12), hour, zone)[1] for i in range(FORECAST_DAYS)
    ]

    def from_choices_and_log(side: StatsReader) -> _Aside:
        """The reads of the log, its rollups and the choices, and the forecast: on a second
        connection to a file (about half of the work: the per-card distributions, the card
        counts and the checks before are the other half)."""
        there = replace(q, reader=side)
        picks = there.wrong_picks(20, misconceptions.MISSES, TOP_MISCONCEPTIONS)
        by_card = there.first_answers_by_card(rolled == "review_rollup")
        by_day = there.summary("day", rolled, None)
        return (
            picks,
            by_card,
            there.hour_sums(rolled, first_day),
            by_day,
            there.calibration(calibrated),
            there.forecast(bounds, now),  # reads cards only: here, as the card side is longer
        )

    if isinstance(reader, FileReader):
        choices_and_log = reader.aside(from_choices_and_log)
        reader.check_times(choices_and_log)
    else:
        done = from_choices_and_log(reader)
        choices_and_log = lambda: done  # noqa: E731
    parameters = {d.id: d.parameters for d in decks}
    per_card = _per_card(q, parameters, now)
    counts = per_card.cards
    (distractors, found), by_card, by_hour, by_day, fine_bins, due_before = choices_and_log()
    names = q.questions([row[0] for row in per_card.hardest + per_card.lowest])

    def hard_card(row: _CardRow) -> HardCard:
        card_id, lapses, recall = row
        question, deck_name = names.get(card_id, ("?", "?"))
        rounded = round(recall, 4) if recall is not None else None
        return HardCard(card_id, lapses, rounded, question, deck_name)

    done_today = _sum(by_day, today, today)
    per_day = {day: sums["reviews"] for day, sums in by_day}
    hours = dict(by_hour)
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
        misconceptions=found,
        tag=tag,
    )


def _tagged(
    reader: Reader, settings: Settings, now: datetime, tag: str
) -> tuple[str, dict[str, Any], set[int]]:
    """The cards with `tag`, by the browser's rule for `tag:` (tutor.card_search): as a SELECT
    of ids with its values (for the `{cards}` filters), and as ids. NotFoundError when the tag
    is not known (tutor.known_tags)."""
    from tutor.card_query import CardQuery  # only for a tag: the search's imports are not free
    from tutor.card_search import compile_query

    require_known(reader, [tag], settings, now)
    compiled = compile_query(reader, CardQuery(tags=(tag,)), settings, now)
    select_ids = f"SELECT c.id FROM card c WHERE {compiled.where}"
    values = {k: v for k, v in compiled.values.items() if f":{k}" in select_ids}
    tagged = {int(row[0]) for row in reader.rows(select_ids, values)}
    return select_ids, values, tagged


@dataclass(frozen=True)
class _Queries:
    """The statistics' SQL (`tutor.stats_sql`) over some decks (None: all), a tag's cards (a
    SELECT of ids, None: all) and answers since a learning day (None: all time)."""

    reader: StatsReader
    deck_ids: list[int] | None
    select_ids: str | None
    values: dict[str, Any]
    first_day: int | None

    def run(self, query: str, values: dict[str, Any] | None = None) -> list[Any]:
        if self.reader.postgresql:
            query = sql.for_postgresql(query)
        return self.reader.rows(query, {**self.values, **(values or {})})

    def filters(self, cards: str = "c.id", decks: str = "c.deck_id") -> dict[str, str]:
        return {
            "decks": in_decks(self.deck_ids, decks),
            "cards": sql.in_cards(self.select_ids, cards),
        }

    def summary(self, by: str, source: str, first_day: int | None) -> list[_Sums]:
        """(learning day or local hour, sums) in order: the sums (SUMMARY_COLUMNS) of answers,
        passes, milliseconds, right answers, new cards, and the day's first answers of young
        and mature review cards with their passes."""
        query = sql.SUMMARY.format(
            by=by,
            source=source,
            decks=in_decks(self.deck_ids, "u.deck_id"),
            since=sql.since(first_day, "u.day"),
        )
        return [
            (int(row[0]), dict(zip(sql.SUMMARY_COLUMNS, map(int, row[1:]), strict=True)))
            for row in self.run(query)
        ]

    def hour_sums(self, source: str, first_day: int | None) -> list[_Sums]:
        """(local hour, sums) in order: the sums of answers, passes and milliseconds."""
        query = sql.HOUR_SUMS.format(
            source=source,
            decks=in_decks(self.deck_ids, "u.deck_id"),
            since=sql.since(first_day, "u.day"),
        )
        keys = ("reviews", "passed", "milliseconds")
        return [
            (int(row[0]), dict(zip(keys, map(int, row[1:]), strict=True)))
            for row in self.run(query)
        ]

    def calibration(self, source: str) -> list[tuple[int, int, int, float]]:
        """(thousandth of predicted recall, reviews, passes, sum of predictions) over the
        answers that count for calibration (tutor.calibration)."""
        query = sql.CALIBRATION.format(
            source=source,
            decks=in_decks(self.deck_ids, "u.deck_id"),
            since=sql.since(self.first_day, "u.day"),
        )
        return [(int(b), int(n), int(p), float(t)) for b, n, p, t in self.run(query)]

    def forecast(self, bounds: Sequence[datetime], now: datetime) -> list[int]:
        """Cards due before each bound, cumulative: counted per bin between bounds in SQL."""
        values = {"now": now, **{f"b{i}": bound for i, bound in enumerate(bounds)}}
        cards = dict(self.run(sql.due_bins(len(bounds)).format(**self.filters()), values))
        return list(accumulate(int(cards.get(i, 0)) for i in range(len(bounds))))

    def card_spans(self, edges: tuple[Sequence[float], Sequence[float]]) -> _Spans:
        """The scheduled cards' intervals, stabilities and difficulties, and every card's state,
        counted in one scan."""
        (row,) = self.run(sql.card_spans(*edges).format(**self.filters()))
        counts = iter([int(v) for v in row])

        def take(n: int) -> list[int]:
            return [next(counts) for _ in range(n)]

        day_edges, difficulty_edges = (len(e) for e in edges)
        return _Spans(
            intervals=(take(1)[0], take(day_edges)),
            young=take(1)[0],
            stability=(take(1)[0], take(day_edges)),
            difficulty=(take(1)[0], take(difficulty_edges)),
            cards=dict(zip(sql.CARD_STATES, take(len(sql.CARD_STATES)), strict=True)),
        )

    def card_recall(
        self,
        curve_decks: list[int] | None,
        shape: tuple[float, float],
        now: datetime,
        edges: Sequence[float],
        top: int,
    ) -> _Recall:
        """The predicted recall of the scheduled cards of the decks `curve_decks` (one forgetting
        curve: factor, decay; None: every deck has it), in one scan and two top-N reads."""
        parts = {**self.filters(), "curve_decks": in_decks(curve_decks)}
        values = {"now_us": _micros(now), "factor": shape[0], "decay": shape[1], "top": top}
        rows = self.run(sql.card_recall(edges).format(**parts), values)
        (sums,) = [row[1:] for row in rows if int(row[0]) == 0]
        hardest = [row[1:4] for row in rows if int(row[0]) == 1]
        lowest = [row[1:4] for row in rows if int(row[0]) == 2]
        counts = [int(v) for v in sums[:-1]]
        return _Recall(
            counts=(counts[0], counts[1 : 1 + len(edges)]),
            recall_sum=float(sums[-1]),
            hardest=[(int(i), int(n), None if r is None else float(r)) for i, n, r in hardest],
            lowest=[(int(i), int(n), float(r)) for i, n, r in lowest],
        )

    def wrong_picks(
        self, limit: int, at_least: int, top: int
    ) -> tuple[list[tuple[int, str, str, int, int]], Misconceptions]:
        """The tempting distractors: (card id, question, wrong option, times picked in the
        range, answers of that card in the range) for the `limit` wrong options picked most
        often; and the misconceptions (`tutor.misconceptions`' rule, over all time) with their
        `top` most picked: both from the wrong options' kept picks."""
        filters = self.filters("o.card_id", "o.active_deck_id")  # the option keeps its deck
        query = sql.WRONG_PICKS.format(recent=sql.recent_picks(self.first_day), **filters)
        rows = self.run(query, {"limit": limit, "at_least": at_least, "top": top})
        counts = [row for row in rows if int(row[0]) == 0]
        repeated = [row for row in rows if int(row[0]) == 1]
        picks = [row for row in rows if int(row[0]) == 2]
        ids = sql.id_list(sorted({int(row[1]) for row in repeated + picks}))
        question = {int(i): str(q) for i, q in self.run(sql.QUESTIONS.format(ids=ids))}
        since = sql.since(self.first_day, "r.day + 0")
        answers = {int(i): int(n) for i, n in self.run(sql.ANSWERS.format(ids=ids, since=since))}
        distractors = [
            (int(i), question[int(i)], str(o), int(p), answers.get(int(i), 0))
            for _part, i, _cards, _deck, o, p, _day in picks
        ]
        (_part, total, cards, *_rest) = counts[0]
        found = tuple(
            Misconception(
                int(i),
                question[int(i)],
                str(d),
                str(o),
                int(n),
                date.fromordinal(int(day)).isoformat(),
            )
            for _part, i, _cards, d, o, n, day in repeated
        )
        return distractors, Misconceptions(int(total), int(cards), found)

    def questions(self, card_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Question and deck name of the given cards."""
        if not card_ids:
            return {}
        rows = self.run(sql.QUESTIONS_AND_DECKS.format(ids=sql.id_list(card_ids)))
        return {int(i): (str(q), str(d)) for i, q, d in rows}

    def first_answers_by_card(self, rolled: bool = False) -> list[tuple[str, int, int, int, int]]:
        """(card kind, options, right options, answers, passes) summed over the cards of each
        kind and option counts (in the order of each group's first card), over the answers true
        retention counts, for the correction for guessing; `rolled`: from the guessing rollup
        (the rollups in step, no tag), each kind of card told by its options alone."""
        if rolled and self.select_ids is None:
            query = sql.GUESSES.format(
                decks=in_decks(self.deck_ids, "u.deck_id"), since=sql.since(self.first_day, "u.day")
            )
            return [("choice", int(n), int(r), int(a), int(p)) for n, r, a, p in self.run(query)]
        query = sql.FIRST_ANSWERS.format(
            since=sql.since(self.first_day, "r.day + 0"), **self.filters()
        )
        return [
            (str(kind), int(n or 0), sql.right_options(rightness, int(right or 0)), int(a), int(p))
            for kind, n, rightness, right, a, p, _first in self.run(query)
        ]


_Sums = tuple[int, dict[str, int]]
_Picks = tuple[list[tuple[int, str, str, int, int]], Misconceptions]
_KindSums = tuple[str, int, int, int, int]
_FineBins = list[tuple[int, int, int, float]]
_Aside = tuple[_Picks, list[_KindSums], list[_Sums], list[_Sums], _FineBins, list[int]]

_CardRow = tuple[int, int, float | None]  # (card id, lapses, predicted recall now)
_Counts = tuple[int, list[int]]  # (cards with the value, cards reaching each inner edge)


class _Spans(NamedTuple):
    """The scheduled cards' intervals, stabilities and difficulties, counted in SQL: each a
    count of the cards with the value and the counts reaching each inner edge."""

    intervals: _Counts
    young: int
    stability: _Counts
    difficulty: _Counts
    cards: dict[str, int]  # new, learning, review, suspended and retired cards


class _Recall(NamedTuple):
    """The predicted recall of the scheduled cards of one forgetting curve, counted in SQL:
    the counts, today's summed recall, and (card id, lapses, recall) rows of the hardest cards
    and of the least recalled."""

    counts: _Counts
    recall_sum: float
    hardest: list[_CardRow]
    lowest: list[_CardRow]


def _micros(moment: datetime) -> int:
    """A time as microseconds since 1970 (as the store keeps `card.last_review_us`)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


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
    cards: dict[str, int]  # new, learning, review, suspended and retired cards


def _per_card(q: _Queries, parameters: dict[int, list[float] | None], now: datetime) -> _PerCard:
    """Intervals, stability, difficulty and today's predicted recall of the scheduled cards,
    counted in SQL: the first three in one scan, recall once per forgetting curve (decks may
    use different parameter sets)."""
    by_curve: dict[tuple[float, float], list[int]] = {}
    for deck_id, values in parameters.items():
        by_curve.setdefault(curve(values), []).append(deck_id)
    spans = q.card_spans((DAY_EDGES[1:-1], DIFFICULTY_EDGES[1:-1]))
    parts = [
        q.card_recall(decks if len(by_curve) > 1 else None, shape, now, RECALL_EDGES[1:-1], TOP)
        for shape, decks in by_curve.items()
    ]
    recall_total = sum(p.counts[0] for p in parts)
    recall_at_least = [sum(column) for column in zip(*(p.counts[1] for p in parts), strict=True)]
    mature = spans.intervals[1][DAY_EDGES.index(MATURE_DAYS) - 1]
    rows = [row for p in parts for row in p.hardest]
    hardest = sorted(rows, key=lambda x: (-x[1], x[2] or 0, x[0]))[:TOP]
    lowest = sorted((row for p in parts for row in p.lowest), key=lambda x: (x[2] or 0, x[0]))
    return _PerCard(
        intervals=spans.intervals,
        stability=spans.stability,
        difficulty=spans.difficulty,
        retrievability=(recall_total, recall_at_least or [0] * (len(RECALL_EDGES) - 2)),
        recall_sum=sum(p.recall_sum for p in parts),
        young=spans.young,
        mature=mature,
        hardest=hardest,
        lowest=lowest[:TOP],
        cards=spans.cards,
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

"""The statistics report as frozen, typed sections; `to_json()` gives what `--json` prints.

Named tuples rather than frozen dataclasses: created at import in a third of the time (every
`tutor stats` pays it); `Bucket` stays a dataclass, its field `count` being a tuple's method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple


class Today(NamedTuple):
    """What was done today."""

    reviews: int
    correct: int
    accuracy: float | None
    seconds: float
    new_learned: int

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "correct": self.correct,
            "accuracy": self.accuracy,
            "seconds": self.seconds,
            "new_learned": self.new_learned,
        }


class PassRate(NamedTuple):
    """First answers of a day, how many passed, and the share (None without answers)."""

    reviews: int
    passed: int
    rate: float | None

    def to_json(self) -> dict[str, Any]:
        return {"reviews": self.reviews, "passed": self.passed, "rate": self.rate}


class RetentionPeriod(NamedTuple):
    """True retention over one period ("today", "7 days", ...) for young, mature and all cards."""

    name: str
    young: PassRate
    mature: PassRate
    total: PassRate

    def rates(self) -> dict[str, PassRate]:
        """The rates by kind: "young", "mature", "total"."""
        return {"young": self.young, "mature": self.mature, "total": self.total}

    def to_json(self) -> dict[str, Any]:
        return {kind: rate.to_json() for kind, rate in self.rates().items()}


class TrueRetention(NamedTuple):
    """True retention over each period, shortest first."""

    periods: tuple[RetentionPeriod, ...]

    def period(self, name: str) -> RetentionPeriod:
        """The period called `name` (KeyError if there is none)."""
        for period in self.periods:
            if period.name == name:
                return period
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        return {period.name: period.to_json() for period in self.periods}


class ForecastDay(NamedTuple):
    """Cards falling due on one day (ISO date)."""

    date: str
    due: int

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date, "due": self.due}


class Forecast(NamedTuple):
    """Cards overdue now and due on each of the coming days (today first)."""

    overdue: int
    days: tuple[ForecastDay, ...]

    def to_json(self) -> dict[str, Any]:
        return {"overdue": self.overdue, "days": [day.to_json() for day in self.days]}


class CalendarDay(NamedTuple):
    """Reviews given on one day (ISO date)."""

    date: str
    reviews: int

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date, "reviews": self.reviews}


class Calendar(NamedTuple):
    """Reviews per day over the last year, and the streaks over the whole history."""

    days: tuple[CalendarDay, ...]
    streak: int
    longest_streak: int
    days_studied: int

    def to_json(self) -> dict[str, Any]:
        return {
            "days": [day.to_json() for day in self.days],
            "streak": self.streak,
            "longest_streak": self.longest_streak,
            "days_studied": self.days_studied,
        }


class CardCounts(NamedTuple):
    """Cards in each state."""

    new: int
    learning: int
    young: int
    mature: int
    suspended: int
    retired: int

    def to_json(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "learning": self.learning,
            "young": self.young,
            "mature": self.mature,
            "suspended": self.suspended,
            "retired": self.retired,
        }


@dataclass(frozen=True)
class Bucket:
    """One bar of a histogram."""

    label: str
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "count": self.count}


class Distributions(NamedTuple):
    """Histograms of the scheduled cards, and how much of the collection is known now."""

    intervals: tuple[Bucket, ...]
    stability: tuple[Bucket, ...]
    difficulty: tuple[Bucket, ...]
    retrievability: tuple[Bucket, ...]
    average_retrievability: float | None
    known: float

    def to_json(self) -> dict[str, Any]:
        return {
            "intervals": [b.to_json() for b in self.intervals],
            "stability": [b.to_json() for b in self.stability],
            "difficulty": [b.to_json() for b in self.difficulty],
            "retrievability": [b.to_json() for b in self.retrievability],
            "average_retrievability": self.average_retrievability,
            "known": self.known,
        }


class CalibrationBin(NamedTuple):
    """Answers whose predicted recall fell in [lower, upper): mean prediction and pass rate."""

    lower: float
    upper: float
    reviews: int
    predicted: float | None
    actual: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.lower,
            "to": self.upper,
            "reviews": self.reviews,
            "predicted": self.predicted,
            "actual": self.actual,
        }


class CalibrationReport(NamedTuple):
    """Predicted recall against outcome (tutor.calibration), rounded as shown."""

    reviews: int
    bins: tuple[CalibrationBin, ...]
    rmse_bins: float | None
    log_loss: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "bins": [b.to_json() for b in self.bins],
            "rmse_bins": self.rmse_bins,
            "log_loss": self.log_loss,
        }


class HardCard(NamedTuple):
    """A card among the hardest: its lapses and predicted recall now."""

    card_id: int
    lapses: int
    retrievability: float | None
    question: str
    deck: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.card_id,
            "lapses": self.lapses,
            "retrievability": self.retrievability,
            "question": self.question,
            "deck": self.deck,
        }


class Hardest(NamedTuple):
    """The cards lapsed most, and those with the lowest predicted recall now."""

    lapses: tuple[HardCard, ...]
    lowest_retrievability: tuple[HardCard, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "lapses": [c.to_json() for c in self.lapses],
            "lowest_retrievability": [c.to_json() for c in self.lowest_retrievability],
        }


class Distractor(NamedTuple):
    """A wrong option and how often it was picked among a card's answers."""

    card_id: int
    question: str
    option: str
    picked: int
    answers: int
    share: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "question": self.question,
            "option": self.option,
            "picked": self.picked,
            "answers": self.answers,
            "share": self.share,
        }


class Misconception(NamedTuple):
    """A wrong option one card's answers picked again and again (tutor.misconceptions)."""

    card_id: int
    question: str
    deck: str
    option: str
    times: int
    last_picked: str  # ISO date of the learning day it was last picked

    def to_json(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "question": self.question,
            "deck": self.deck,
            "option": self.option,
            "times": self.times,
            "last_picked": self.last_picked,
        }


class Misconceptions(NamedTuple):
    """How many misconceptions there are, on how many cards, and the most picked of them."""

    total: int
    cards: int
    top: tuple[Misconception, ...]

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "cards": self.cards, "top": [m.to_json() for m in self.top]}


class GuessingRow(NamedTuple):
    """True retention of one kind of card, and the same corrected for lucky guesses."""

    kind: str  # "one_right" (option), "select_all" or "recall"
    reviews: int
    passed: int
    rate: float | None
    chance: float | None  # the share a blind guess gets right (mean over the answers)
    corrected: float | None  # (rate - chance) / (1 - chance); recall cards: the rate itself

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "passed": self.passed,
            "rate": self.rate,
            "chance": self.chance,
            "corrected": self.corrected,
        }


class Guessing(NamedTuple):
    """True retention by kind of card over the range, corrected for guessing (tutor.guessing)."""

    rows: tuple[GuessingRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {row.kind: row.to_json() for row in self.rows}


class HourStats(NamedTuple):
    """Reviews given in one hour of the day, and how many passed."""

    hour: int
    reviews: int
    passed: int
    pass_rate: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "hour": self.hour,
            "reviews": self.reviews,
            "passed": self.passed,
            "pass_rate": self.pass_rate,
        }


class TimeSpent(NamedTuple):
    """Reviews in the range, seconds per card, and reviews by hour of day."""

    reviews: int
    seconds_per_card: float | None
    by_hour: tuple[HourStats, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "seconds_per_card": self.seconds_per_card,
            "by_hour": [h.to_json() for h in self.by_hour],
        }


class StatsReport(NamedTuple):
    """Every statistic for a deck (None: all decks) over a range ("month", "year", "all")."""

    deck: str | None
    span: str
    generated_at: str
    today: Today
    true_retention: TrueRetention
    forecast: Forecast
    calendar: Calendar
    counts: CardCounts
    distributions: Distributions
    calibration: CalibrationReport
    hardest: Hardest
    distractors: tuple[Distractor, ...]
    time: TimeSpent
    guessing: Guessing
    misconceptions: Misconceptions
    tag: str | None = None  # only the cards with this tag

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.deck,
            **({"tag": self.tag} if self.tag is not None else {}),
            "range": self.span,
            "generated_at": self.generated_at,
            "today": self.today.to_json(),
            "true_retention": self.true_retention.to_json(),
            "forecast": self.forecast.to_json(),
            "calendar": self.calendar.to_json(),
            "counts": self.counts.to_json(),
            "distributions": self.distributions.to_json(),
            "calibration": self.calibration.to_json(),
            "hardest": self.hardest.to_json(),
            "distractors": [d.to_json() for d in self.distractors],
            "time": self.time.to_json(),
            "guessing": self.guessing.to_json(),
            "misconceptions": self.misconceptions.to_json(),
        }

"""SQLModel table classes: decks, cards (content and schedule), reviews and their choices."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Index,
    Numeric,
    String,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from tutor.card_options import compact_options, decode_options, encode_options
from tutor.errors import StoreError

SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # what SQLAlchemy's SQLite DateTime writes; sorts as text


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; hands back timezone-aware UTC datetimes (SQLite returns naive ones).

    On SQLite the value is kept as fixed-width text and parsed with datetime.fromisoformat,
    several times faster than the generic DateTime processing on large reads.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.strftime(SQLITE_FORMAT) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        except ValueError:
            moment = None
        if not isinstance(moment, datetime):
            raise StoreError(
                f"the collection holds {value!r} where a date and time belongs; "
                "`tutor backups` lists the backups that `tutor restore` brings back"
            )
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


class UTCMicros(TypeDecorator[datetime]):
    """A UTC time kept as an integer count of microseconds since 1970: 8 bytes, exact, portable."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return (value - EPOCH) // MICROSECOND

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, int):
            raise StoreError(
                f"the collection holds {value!r} where a time in microseconds belongs; "
                "`tutor backups` lists the backups that `tutor restore` brings back"
            )
        return EPOCH + value * MICROSECOND


class Offset(TypeDecorator[timedelta]):
    """A span of time kept as seconds: an integer when whole (3 or 4 bytes for days or weeks),
    else exact to the microsecond (a real on SQLite, whose column holds either; a decimal on
    PostgreSQL)."""

    impl = BigInteger
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(20, 6))

    def process_bind_param(self, value: timedelta | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        micros = value // MICROSECOND
        if micros % 1_000_000 == 0:
            return micros // 1_000_000
        return micros / 1_000_000 if dialect.name == "sqlite" else Decimal(micros) / 1_000_000

    def process_result_value(self, value: Any, dialect: Dialect) -> timedelta | None:
        if value is None:
            return None
        if isinstance(value, int):
            return timedelta(seconds=value)
        if isinstance(value, float | Decimal):
            return round(value * 1_000_000) * MICROSECOND
        raise StoreError(
            f"the collection holds {value!r} where a number of seconds belongs; "
            "`tutor backups` lists the backups that `tutor restore` brings back"
        )


HEX = re.compile(r"(?:[0-9a-f]{2})*")


class HexDigest(TypeDecorator[str]):
    """A hex digest (a card's content hash) kept as its bytes on SQLite: 20 bytes for SHA-1's 40
    hex characters. Any other text is kept as it is, so every value reads back unchanged."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite" or not HEX.fullmatch(value):
            return value
        return bytes.fromhex(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return value.hex() if isinstance(value, bytes) else value


class CardOptions(TypeDecorator[list[dict[str, Any]]]):
    """A card's options in their compact stored form (`tutor.card_options`): text on SQLite,
    JSON on PostgreSQL."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(JSON())

    def process_bind_param(self, value: list[dict[str, Any]] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return encode_options(value) if dialect.name == "sqlite" else compact_options(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> list[dict[str, Any]]:
        return decode_options(value)


def _utc(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Meta(SQLModel, table=True):
    """Key-value facts about the database itself, such as its schema version."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class ParameterSet(SQLModel, table=True):
    """One set of FSRS parameters (the defaults, or a set fitted to a learner's log)."""

    __tablename__ = "parameter_set"
    id: int | None = Field(default=None, primary_key=True)
    parameters: list[float] = Field(sa_type=JSON)
    source: str = "default"
    created_at: datetime = _utc()


class DeckRow(SQLModel, table=True):
    """A deck: one Markdown file, its name and settings."""

    __tablename__ = "deck"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    source_path: str | None = Field(default=None, index=True)
    source_hash: str | None = None
    description: str = ""
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    parameter_set_id: int | None = Field(default=None, foreign_key="parameter_set.id")
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


def schedule_numbers(last_review: datetime | None, due: datetime | None) -> dict[str, int | None]:
    """A card's last review in microseconds since 1970 and its interval in whole days (rounded
    down, as `timedelta.days`): the columns kept beside `last_review` and `due` so that the
    statistics count elapsed days and intervals on integers, with no date parsing per card."""
    return {
        "last_review_us": None if last_review is None else (last_review - EPOCH) // MICROSECOND,
        "interval_days": None if last_review is None or due is None else (due - last_review).days,
    }


def _last_review_us(context: Any) -> int | None:
    """An inserted card's `last_review_us`, from its `last_review`."""
    values = context.get_current_parameters()
    return schedule_numbers(values.get("last_review"), None)["last_review_us"]


def _interval_days(context: Any) -> int | None:
    """An inserted card's `interval_days`, from its `last_review` and `due`."""
    values = context.get_current_parameters()
    return schedule_numbers(values.get("last_review"), values.get("due"))["interval_days"]


class CardRow(SQLModel, table=True):
    """A card: its content from the deck file and its FSRS scheduling state."""

    __tablename__ = "card"
    __table_args__ = (
        Index("ix_card_deck_key", "deck_id", "key"),
        Index("ix_card_queue", "phase", "due"),
        # covering index of the card browser: its filters and order without reading card text
        Index(
            "ix_card_browse",
            "retired",
            "deck_id",
            "position",
            "phase",
            "due",
            "suspended",
            "buried_until",
            "leech",
            "lapses",
            "reps",
            "stability",
            "difficulty",
            "last_review",
            "last_review_us",
            "interval_days",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    deck_id: int = Field(foreign_key="deck.id")
    slug: str | None = Field(default=None, unique=True)
    key: str
    kind: str
    question: str
    body: str = ""
    options: list[dict[str, Any]] = Field(default_factory=list, sa_type=CardOptions)
    explanation: str = ""
    answer: str = ""
    content_hash: str = Field(sa_type=HexDigest)
    source_line: int = 0
    position: int = 0
    retired: bool = False
    suspended: bool = False
    leech: bool = False
    buried_until: datetime | None = _utc(default=None)
    phase: int = 0
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = _utc(default=None)
    last_review: datetime | None = _utc(default=None)
    reps: int = 0
    lapses: int = 0
    version: int = 0
    created_at: datetime = Field(sa_type=UTCMicros)
    # last_review and due as the statistics count them (`schedule_numbers`): written with them
    # (an insert without them derives them), compared by `tutor check`
    last_review_us: int | None = Field(
        default=None, sa_type=BigInteger, sa_column_kwargs={"default": _last_review_us}
    )
    interval_days: int | None = Field(default=None, sa_column_kwargs={"default": _interval_days})


class ReviewRow(SQLModel, table=True):
    """One answer: when, how it was rated, how long it took, and the card's state after it.

    The state before an answer is not stored: it is the state after the card's previous answer
    (or a rescheduling since, or a new card's), worked out by `store.review_log`; `review_before`
    holds it only where that rule does not give it.
    """

    __tablename__ = "review"
    # a card's answers in id order (ids grow with time): the index holds the id, not the time
    __table_args__ = (Index("ix_review_card", "card_id"),)
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", ondelete="CASCADE")
    reviewed_at: datetime = Field(sa_type=UTCMicros)
    day: int
    first_of_day: bool = True  # the card's first answer on that learning day
    hour: int
    rating: int
    suggested_rating: int | None = None
    duration_ms: int
    correct: bool | None = None
    phase_before: int
    interval_days: int | None = None  # whole days from the last review to due, before the answer
    retrievability: float | None = None
    stability_after: float | None = None
    difficulty_after: float | None = None
    due_in: timedelta | None = Field(default=None, sa_type=Offset)  # due after, from reviewed_at
    parameter_set_id: int | None = Field(default=None, foreign_key="parameter_set.id")
    phase_after: int = 0
    step_after: int | None = None
    flags_before: int = 0  # the card's flags before the answer: 1 leech, 2 suspended
    # The options chosen (their card_option numbers) in the order the card showed them, as
    # `choices.CHOSEN` spells them: "2", "0 3"; NULL when none was.
    chosen_numbers: str | None = None


class ReviewBefore(SQLModel, table=True):
    """A card's state before one answer where the log cannot tell it (rare: a repaired card)."""

    __tablename__ = "review_before"
    review_id: int = Field(foreign_key="review.id", ondelete="CASCADE", primary_key=True)
    state: dict[str, Any] = Field(sa_type=JSON)


NO_PICKS = text("0")  # card_option.picks of a new option (a literal 0, not the text '0')


class CardOption(SQLModel, table=True):
    """An option of a card as a learner chose it (text, right or not), numbered per card.
    Appended on first choice, never rewritten: a choice keeps the text the learner saw after
    the deck is edited (an edited option is a new number)."""

    __tablename__ = "card_option"
    __table_args__ = {"sqlite_with_rowid": False}
    card_id: int = Field(foreign_key="card.id", ondelete="CASCADE", primary_key=True)
    number: int = Field(primary_key=True)
    text: str
    correct: bool
    # The card's deck while the card is active, NULL once it is retired: the statistics count
    # the wrong options' picks without a card lookup per option. Taken in a new option's INSERT,
    # then kept by `choices.set_option_decks` at every write of a card's deck or retirement;
    # `tutor check` compares it with the card.
    active_deck_id: int | None = None
    # How many answers picked it and the first and last learning day one did (NULL: none), a
    # rollup of the answers' `chosen_numbers` kept by `choices.add_choices` and each undo: the
    # statistics read the misconceptions here and scan only the picks of options picked on both
    # sides of the range's first day. `tutor check` compares it with the log.
    picks: int = Field(sa_column_kwargs={"server_default": NO_PICKS}, nullable=False, default=None)
    first_pick_day: int | None = None
    last_pick_day: int | None = None


deck_table = DeckRow.__table__  # type: ignore[attr-defined]
card_table = CardRow.__table__  # type: ignore[attr-defined]
review_table = ReviewRow.__table__  # type: ignore[attr-defined]
option_table = CardOption.__table__  # type: ignore[attr-defined]
review_before_table = ReviewBefore.__table__  # type: ignore[attr-defined]
meta_table = Meta.__table__  # type: ignore[attr-defined]
parameter_table = ParameterSet.__table__  # type: ignore[attr-defined]


class ParameterFit(SQLModel, table=True):
    """One run of `tutor optimize`: the set it fitted, its scores against the set in use, and
    whether it was adopted (and later reverted). Every fitted set is kept."""

    __tablename__ = "parameter_fit"
    id: int | None = Field(default=None, primary_key=True)
    target: str = ""  # a deck name (the set applies to its sub-decks too), "" for every deck
    parameter_set_id: int = Field(foreign_key="parameter_set.id")
    fitted_at: datetime = _utc()
    reviews: int  # later-day answers the set was fitted on
    evaluated: int  # later-day answers both sets were scored on (after the fitting cutoff)
    log_loss_before: float | None = None
    log_loss_after: float | None = None
    rmse_before: float | None = None
    rmse_after: float | None = None
    adopted: bool = False
    reverted_at: datetime | None = _utc(default=None)


parameter_fit_table = ParameterFit.__table__  # type: ignore[attr-defined]


class Rescheduling(SQLModel, table=True):
    """One `tutor reschedule`: every card of the target recomputed from its own log with the
    deck's current parameters and settings (no log row written); reverted when."""

    __tablename__ = "rescheduling"
    id: int | None = Field(default=None, primary_key=True)
    target: str = ""  # a deck name (with its sub-decks), "" for every deck
    at: datetime = _utc()
    cards: int  # cards recomputed
    changed: int  # cards whose state changed (their before/after rows below)
    moved: int  # cards whose due date moved
    reverted_at: datetime | None = _utc(default=None)


class RescheduledCard(SQLModel, table=True):
    """A card's state before and after a rescheduling: a revert restores `before` exactly, and
    `tutor check` accepts `after` for a card not answered since."""

    __tablename__ = "rescheduled_card"
    rescheduling_id: int = Field(
        foreign_key="rescheduling.id", ondelete="CASCADE", primary_key=True
    )
    card_id: int = Field(foreign_key="card.id", ondelete="CASCADE", primary_key=True, index=True)
    before: dict[str, Any] = Field(sa_type=JSON)
    after: dict[str, Any] = Field(sa_type=JSON)


rescheduling_table = Rescheduling.__table__  # type: ignore[attr-defined]
rescheduled_card_table = RescheduledCard.__table__  # type: ignore[attr-defined]


class PracticeRow(SQLModel, table=True):
    """One practice answer (custom study): logged apart from `review`; the card's state is kept."""

    __tablename__ = "practice"
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", ondelete="CASCADE", index=True)
    practiced_at: datetime = _utc()
    rating: int
    suggested_rating: int
    correct: bool | None = None
    duration_ms: int = 0
    chosen: list[str] = Field(default_factory=list, sa_type=JSON)
    retrievability: float | None = None


class CardTag(SQLModel, table=True):
    """A tag from a card's own `Tags:` line (the deck's front-matter tags live with the deck)."""

    __tablename__ = "card_tag"
    card_id: int = Field(foreign_key="card.id", ondelete="CASCADE", primary_key=True)
    tag: str = Field(primary_key=True, index=True)


practice_table = PracticeRow.__table__  # type: ignore[attr-defined]
card_tag_table = CardTag.__table__  # type: ignore[attr-defined]


class CardForget(SQLModel, table=True):
    """When a card was last forgotten (back to new from the browser): its log before is history,
    no longer the source of its state."""

    __tablename__ = "card_forget"
    card_id: int = Field(foreign_key="card.id", ondelete="CASCADE", primary_key=True)
    forgotten_at: datetime = _utc()


card_forget_table = CardForget.__table__  # type: ignore[attr-defined]


class ReviewRollup(SQLModel, table=True):
    """The review log summed per learning day, deck and local hour (tutor.store.rollups): what
    the statistics read instead of scanning every review. Every column is a sum, so an answer
    adds its row and an undo subtracts it."""

    __tablename__ = "review_rollup"
    __table_args__ = {"sqlite_with_rowid": False}  # rows kept in key order: read in that order
    day: int = Field(primary_key=True)
    hour: int = Field(primary_key=True)
    deck_id: int = Field(primary_key=True)
    reviews: int = 0
    passed: int = 0
    milliseconds: int = 0
    correct: int = 0  # a right choice, or a pass on a recall card
    new: int = 0  # answers to new cards
    young: int = 0  # a review card's first answer of the day, interval under 21 days
    young_passed: int = 0
    mature: int = 0
    mature_passed: int = 0
    review_id_sum: int = 0  # the sum of the answers' ids: `tutor check` tells answers apart


class CalibrationRollup(SQLModel, table=True):
    """Calibration's answers (a prediction, on a later learning day) summed per learning day,
    deck and thousandth of predicted recall (tutor.calibration.fine_bin)."""

    __tablename__ = "calibration_rollup"
    __table_args__ = {"sqlite_with_rowid": False}  # rows kept in key order: read in that order
    fine_bin: int = Field(primary_key=True)
    day: int = Field(primary_key=True)
    deck_id: int = Field(primary_key=True)
    reviews: int = 0
    passed: int = 0
    predicted: float = 0.0  # the sum of the predictions


class GuessRollup(SQLModel, table=True):
    """The day's first answers of review cards (what the correction for guessing counts) summed
    per learning day, deck and the card's options and right options (0 and 0: not a choice card)."""

    __tablename__ = "guess_rollup"
    __table_args__ = {"sqlite_with_rowid": False}  # rows kept in key order: read in that order
    day: int = Field(primary_key=True)
    deck_id: int = Field(primary_key=True)
    options: int = Field(primary_key=True)
    right_options: int = Field(primary_key=True)
    reviews: int = 0
    passed: int = 0


review_rollup_table = ReviewRollup.__table__  # type: ignore[attr-defined]
calibration_rollup_table = CalibrationRollup.__table__  # type: ignore[attr-defined]
guess_rollup_table = GuessRollup.__table__  # type: ignore[attr-defined]

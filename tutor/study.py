"""Custom study and session size, defined once (stdlib): which cards, and whether they count.

Review ahead and extra new cards are real reviews (FSRS schedules them as usual); the cards
failed lately and a practice session are practice: answers logged apart, the schedule untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from tutor import queue_sql as sql
from tutor.card_query import CardQuery
from tutor.card_search import matching_ids
from tutor.config import Settings
from tutor.day import day_bounds, day_number
from tutor.errors import ConfigError
from tutor.queue import Reader, Today

Mode = Literal["ahead", "failed", "new", "practice"]
MODES: tuple[Mode, ...] = ("ahead", "failed", "new", "practice")


@dataclass(frozen=True)
class SessionSize:
    """How big a session may get: new cards, cards answered, minutes (None: no limit); and
    `tags`: only cards with every one of these tags."""

    new: int | None = None
    limit: int | None = None
    minutes: float | None = None
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name, value in (("--new", self.new), ("--limit", self.limit)):
            if value is not None and value < 0:
                raise ConfigError(f"{name} {value}: give a number of cards, 0 or more")
        if self.minutes is not None and not self.minutes > 0:
            raise ConfigError(f"--minutes {self.minutes:g}: give a number of minutes above 0")

    def over(self, answered: int, started: datetime, now: datetime) -> bool:
        """Whether the session is over: the limit reached, or the time up (checked between
        cards, so the card in progress is always finished)."""
        if self.limit is not None and answered >= self.limit:
            return True
        return self.minutes is not None and now - started >= timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Study:
    """A custom study session: what `tutor study MODE N` or the home dialog asked for."""

    mode: Mode
    days: int = 1  # ahead: due within this many days; failed: failed within the last days
    count: int = 0  # new: extra new cards
    query: CardQuery = field(
        default_factory=CardQuery
    )  # practice: which cards (deck:, tag:, search)
    cards: tuple[int, ...] = ()  # ahead: these cards, now ("review now" in the browser)

    def __post_init__(self) -> None:
        if self.mode in ("ahead", "failed") and not 1 <= self.days <= 36500:
            raise ConfigError(f"study {self.mode} {self.days}: give a number of days from 1 up")
        if self.mode == "new" and not 1 <= self.count <= 100000:
            raise ConfigError(f"study new {self.count}: give a number of new cards from 1 up")

    @property
    def practice(self) -> bool:
        """Answers are practice: logged apart, the FSRS state left alone."""
        return self.mode in ("failed", "practice")

    def describe(self) -> str:
        """A one-line title for the session."""
        plural = "s" if self.days != 1 else ""
        if self.mode == "ahead":
            return f"Review ahead: cards due in the next {self.days} day{plural}"
        if self.mode == "failed":
            return f"Practice: cards failed in the last {self.days} day{plural}"
        if self.mode == "new":
            return f"{self.count} extra new card{'s' if self.count != 1 else ''}"
        return "Practice: answers leave the schedule alone"


def study_cards(
    reader: Reader,
    study: Study,
    settings: Settings,
    now: datetime,
    decks: list[str] | None = None,
) -> list[int]:
    """The cards of a custom study session, in the order they are shown."""
    today = Today.read(reader, settings, now, decks)
    ids = sql.in_decks(today.selected)
    available = {int(r[0]) for r in reader.rows(sql.AVAILABLE_CARDS, {"now": now})}
    if study.cards:
        return [card_id for card_id in study.cards if card_id in available]
    if study.mode == "ahead":
        zone = settings.tzinfo()
        _start, day_end = day_bounds(now, settings.day_starts_at, zone)
        until = day_end + timedelta(days=study.days)
        rows = reader.rows(sql.DUE_BEFORE.format(decks=ids), {"now": now, "until": until})
        return [int(r[0]) for r in rows]
    if study.mode == "failed":
        since = day_number(now, settings.day_starts_at, settings.tzinfo()) - study.days + 1
        rows = reader.rows(sql.FAILED_SINCE.format(decks=ids), {"now": now, "since": since})
        return [int(r[0]) for r in rows]
    if study.mode == "new":
        chosen: list[int] = []
        for deck_id in today.decks:
            left = study.count - len(chosen)
            if left <= 0:
                break
            rows = reader.rows(sql.NEW_CARDS, {"now": now, "deck": deck_id, "limit": left})
            chosen += [int(row[0]) for row in rows]
        return chosen
    query = study.query.with_decks(study.query.decks + tuple(decks or ()))
    return [i for i in matching_ids(reader, query, settings, now) if i in available]


STUDY_HELP = (
    "type ahead N, failed N, new N or practice SEARCH (deck:, tag:, words), or limit N / "
    "minutes M for today's reviews; limit and minutes also follow the others"
)


def parse_request(text: str) -> tuple[Study | None, SessionSize]:
    """The home screen's custom study line: `ahead 3`, `failed 7 limit 20`, `new 10`,
    `practice tag:verbs`, `minutes 10`. ConfigError says what to type."""
    from tutor.card_query import parse_query

    words = text.split()
    size: dict[str, float] = {}
    while len(words) >= 2 and words[-2] in ("limit", "minutes", "new") and words[0] != "practice":
        if words[-2] == "new" and len(words) == 2:
            break  # `new N` is extra new cards, not a cap
        size[words[-2]] = _number(words[-2], words[-1])
        words = words[:-2]
    if words and words[0] == "practice":
        if len(words) < 2:
            raise ConfigError(f"practice what? {STUDY_HELP}")
        return Study("practice", query=parse_query(" ".join(words[1:]))), SessionSize()
    study = None
    if words:
        mode, rest = words[0], words[1:]
        if mode not in ("ahead", "failed", "new") or len(rest) != 1:
            raise ConfigError(f"{text!r} is not understood; {STUDY_HELP}")
        amount = int(_number(mode, rest[0]))
        study = Study(mode, days=amount, count=amount)  # type: ignore[arg-type]
    limit, minutes, new = size.get("limit"), size.get("minutes"), size.get("new")
    return study, SessionSize(
        new=None if new is None else int(new),
        limit=None if limit is None else int(limit),
        minutes=minutes,
    )


def _number(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name} {value!r}: give a number; {STUDY_HELP}") from None
    if name != "minutes" and not number.is_integer():
        raise ConfigError(f"{name} {value!r}: give a whole number")
    return number

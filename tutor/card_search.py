"""A typed card query compiled to SQL with bound values, run through a queue Reader: pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tutor.card_query import CardQuery, Property
from tutor.config import Settings
from tutor.day import day_bounds
from tutor.deck.selection import DeckSelection
from tutor.queue import DeckInfo, Reader, curve, moment, no_such_deck, read_decks, recall
from tutor.queue_sql import AVAILABLE, ELAPSED_DAYS, LEARNING, NEW, REVIEW, in_decks
from tutor.state import Phase

PAGE = 100
COLUMNS = (
    "c.id, d.name, c.question, c.phase, c.due, c.stability, c.difficulty, c.last_review, "
    "c.lapses, c.reps, c.suspended, c.buried_until, c.leech, c.retired, c.deck_id, "
    "d.source_path, c.source_line"
)
STATE_SQL = {
    "new": f"c.phase = {NEW}",
    "learning": f"c.phase IN {LEARNING}",
    "review": f"c.phase = {REVIEW}",
    "due": f"({AVAILABLE} AND c.phase <> {NEW} AND c.due < :day_end)",
    "suspended": "c.suspended = TRUE",
    "buried": "(c.buried_until IS NOT NULL AND c.buried_until > :now)",
    "leech": "c.leech = TRUE",
    "retired": "c.retired = TRUE",
}
SEARCHED_COLUMNS = ("c.question", "c.body", "c.answer", "c.explanation")
SEARCHED_TEXT = "(c.question || ' ' || c.body || ' ' || c.answer || ' ' || c.explanation)"
LIKE_ESCAPE = "\\"
LONGEST_LIKE = 10_000  # bytes; SQLite refuses LIKE patterns over 50,000
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class ListedCard:
    """One row of the browser's table."""

    id: int
    deck: str
    question: str
    phase: Phase
    due: datetime | None
    last_review: datetime | None
    interval_days: int | None
    stability: float | None
    difficulty: float | None
    recall: float | None  # predicted recall now (None: never reviewed)
    lapses: int
    reps: int
    suspended: bool
    buried: bool
    leech: bool
    retired: bool
    source_path: str | None
    source_line: int
    tags: tuple[str, ...] = ()  # the deck's front-matter tags, then the card's own

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "deck": self.deck,
            "question": self.question,
            "state": self.phase.name.lower(),
            "due": self.due.isoformat() if self.due else None,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "interval_days": self.interval_days,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "recall": self.recall,
            "lapses": self.lapses,
            "reps": self.reps,
            "suspended": self.suspended,
            "buried": self.buried,
            "leech": self.leech,
            "retired": self.retired,
            "file": self.source_path,
            "line": self.source_line,
            "tags": list(self.tags),
        }


@dataclass(frozen=True)
class SearchPage:
    """A page of the cards a query matches, and how many match in all."""

    total: int
    offset: int
    cards: list[ListedCard]


@dataclass(frozen=True)
class Compiled:
    """A query as SQL: the WHERE text (values bound by name) and its values."""

    where: str
    values: dict[str, Any]
    decks: dict[int, DeckInfo]
    order: str  # deck by deck, cards in file order


def compile_query(reader: Reader, query: CardQuery, settings: Settings, now: datetime) -> Compiled:
    """The WHERE clause of a query. Deck ids are inlined integers; every text is a bound value.

    NotFoundError when deck: names select no deck.
    """
    _start, day_end = day_bounds(now, settings.day_starts_at, settings.tzinfo())
    decks = {d.id: d for d in read_decks(reader)}
    values: dict[str, Any] = {"now": now, "day_end": day_end}
    # with text to find every row is read anyway: a plain scan beats walking the browse index
    active = "CASE WHEN c.retired THEN 1 ELSE 0 END = 0" if query.text else "c.retired = FALSE"
    clauses = [] if "retired" in query.states else [active]
    if query.decks:
        chosen = DeckSelection(query.decks)
        ids = [i for i, d in decks.items() if d.name in chosen]
        if not ids:
            raise no_such_deck(list(query.decks))
        clauses.append(in_decks(ids).removeprefix("AND "))
    for n, tag in enumerate(query.tags):
        values[f"tag{n}"] = tag.casefold()
        tagged_decks = [i for i, d in decks.items() if tag.casefold() in _deck_tags(d)]
        clauses.append(
            f"(c.id IN (SELECT t.card_id FROM card_tag t WHERE lower(t.tag) = :tag{n})"
            f"{' OR ' + in_decks(tagged_decks).removeprefix('AND ') if tagged_decks else ''})"
        )
    for n, words in enumerate(query.text):
        clauses.append(_text_sql(words, n, values))
    clauses += [STATE_SQL[state] for state in query.states]
    for n, prop in enumerate(query.properties):
        clauses.append(_property_sql(prop, n, values, decks))
    for n, picked in enumerate(query.picked):
        wrong = (  # a wrong option of the card picked in an answer (its kept picks)
            "SELECT 1 FROM card_option o WHERE o.card_id = c.id AND o.correct = FALSE "
            "AND o.picks > 0"
        )
        if picked:
            values[f"picked{n}"] = picked.lower()
            wrong += f" AND instr(lower(o.text), :picked{n}) > 0"
        clauses.append(f"EXISTS ({wrong})")
    order = "c.deck_id * 1, c.position, c.id" if query.text else "c.retired, c.deck_id, c.position"
    return Compiled(" AND ".join(clauses) or "TRUE", values, decks, order)


def _text_sql(words: str, n: int, values: dict[str, Any]) -> str:
    """Cards whose text holds `words` literally, ASCII letters in either case.

    The same cards as instr(lower(text), words.lower()) OR instr(text, words) over the fields
    joined by spaces: LIKE folds ASCII case as SQLite's lower() does, without copying each field;
    `%`, `_` and the escape are escaped; a field is tested alone unless `words` holds the space
    that joins two fields; the exact test is needed only when lower() changes a non-ASCII letter.
    """
    lowered = words.lower()
    pattern = "".join(LIKE_ESCAPE + ch if ch in "%_" + LIKE_ESCAPE else ch for ch in lowered)
    fields = (SEARCHED_TEXT,) if " " in words else SEARCHED_COLUMNS
    if len(pattern.encode()) > LONGEST_LIKE:
        values[f"text{n}"] = lowered
        tests = [f"instr(lower({SEARCHED_TEXT}), :text{n}) > 0"]
    else:
        values[f"text{n}"] = f"%{pattern}%"
        tests = [f"{field} LIKE :text{n} ESCAPE '{LIKE_ESCAPE}'" for field in fields]
    if lowered != words.translate(ASCII_LOWER):
        values[f"exact{n}"] = words
        tests += [f"instr({field}, :exact{n}) > 0" for field in fields]
    return f"({' OR '.join(tests)})"


def _deck_tags(deck: DeckInfo) -> set[str]:
    return {str(t).casefold() for t in deck.settings.get("tags") or ()}


def _property_sql(
    prop: Property, n: int, values: dict[str, Any], decks: dict[int, DeckInfo]
) -> str:
    if prop.name != "r":
        values[f"prop{n}"] = prop.value
        return f"c.{prop.name} {prop.op} :prop{n}"
    # R = (1 + f t / S) ** decay falls with the days t since the last review (decay < 0), so
    # R < x exactly when t > S * (x ** (1 / decay) - 1) / f: one threshold per curve.
    by_curve: dict[tuple[float, float], list[int]] = {}
    for deck_id, deck in decks.items():
        by_curve.setdefault(curve(deck.parameters), []).append(deck_id)
    below = prop.op in ("<", "<=")
    parts = []
    for k, ((factor, decay), ids) in enumerate(sorted(by_curve.items())):
        values[f"r{n}_{k}"] = (prop.value ** (1 / decay) - 1) / factor
        if prop.op == "=":
            values[f"r{n}_{k}_hi"] = ((prop.value - 0.005) ** (1 / decay) - 1) / factor
            values[f"r{n}_{k}_lo"] = ((prop.value + 0.005) ** (1 / decay) - 1) / factor
            test = (
                f"{ELAPSED_DAYS} >= c.stability * :r{n}_{k}_lo "
                f"AND {ELAPSED_DAYS} < c.stability * :r{n}_{k}_hi"
            )
        else:
            test = f"{ELAPSED_DAYS} {'>' if below else '<'} c.stability * :r{n}_{k}"
        parts.append(f"({in_decks(ids).removeprefix('AND ')} AND {test})")
    reviewed = "c.last_review IS NOT NULL AND c.stability > 0"
    matched = " OR ".join(parts) or "FALSE"
    if below:  # a card never reviewed has a predicted recall of 0
        return f"(NOT ({reviewed}) OR ({reviewed} AND ({matched})))"
    return f"({reviewed} AND ({matched}))"


@dataclass(frozen=True)
class CardsPage:
    """A page of the cards a query matches, as the browser shows it before they are counted."""

    offset: int
    cards: list[ListedCard]
    more: bool  # cards match after this page


def search(
    reader: Reader,
    query: CardQuery,
    settings: Settings,
    now: datetime,
    *,
    limit: int = PAGE,
    offset: int = 0,
) -> SearchPage:
    """One page of the cards the query matches, in deck order, and the number matching."""
    compiled = compile_query(reader, query, settings, now)
    if query.text:  # every card's text is read anyway: one scan finds and counts them all
        sql = f"SELECT c.id FROM card c WHERE {compiled.where} ORDER BY {compiled.order}"
        every = reader.rows(sql, compiled.values)
        page = [int(row[0]) for row in every[offset : offset + limit]]
        return SearchPage(len(every), offset, _cards(reader, compiled, page, now))
    found = _page(reader, compiled, now, limit, offset)
    return SearchPage(_count(reader, compiled), offset, found.cards)


def find_page(
    reader: Reader,
    query: CardQuery,
    settings: Settings,
    now: datetime,
    *,
    limit: int = PAGE,
    offset: int = 0,
) -> CardsPage:
    """One page of the cards the query matches, in deck order, without counting them all."""
    return _page(reader, compile_query(reader, query, settings, now), now, limit, offset)


def count_matches(reader: Reader, query: CardQuery, settings: Settings, now: datetime) -> int:
    """How many cards the query matches."""
    return _count(reader, compile_query(reader, query, settings, now))


def _page(reader: Reader, compiled: Compiled, now: datetime, limit: int, offset: int) -> CardsPage:
    # filters walk ix_card_browse in order and stop one card past the page; free text scans the
    # table once, keeping the first rows in a sorter of the page's size
    ids = reader.rows(
        f"SELECT c.id FROM card c WHERE {compiled.where} ORDER BY {compiled.order} "
        "LIMIT :limit OFFSET :offset",
        {**compiled.values, "limit": limit + 1, "offset": offset},
    )
    page = [int(row[0]) for row in ids[:limit]]
    return CardsPage(offset, _cards(reader, compiled, page, now), more=len(ids) > limit)


def _cards(reader: Reader, compiled: Compiled, page: list[int], now: datetime) -> list[ListedCard]:
    rows = reader.rows(
        f"SELECT {COLUMNS} FROM card c JOIN deck d ON d.id = c.deck_id "
        f"WHERE c.id IN ({','.join(str(i) for i in page) or 'NULL'})",
        {"now": now},
    )
    order = {card_id: n for n, card_id in enumerate(page)}
    rows.sort(key=lambda row: order[int(row[0])])
    own = _own_tags(reader, page)
    return [_listed(row, compiled.decks, now, own) for row in rows]


def _own_tags(reader: Reader, card_ids: Sequence[int]) -> dict[int, list[str]]:
    """The cards' own tags (their `Tags:` lines), each card's in alphabetical order."""
    own: dict[int, list[str]] = {}
    ids = ",".join(str(int(i)) for i in card_ids) or "NULL"
    sql = f"SELECT t.card_id, t.tag FROM card_tag t WHERE t.card_id IN ({ids}) ORDER BY t.tag"
    for card_id, tag in reader.rows(sql, {}):
        own.setdefault(int(card_id), []).append(str(tag))
    return own


def card_tags(deck: DeckInfo | None, own: Sequence[str]) -> tuple[str, ...]:
    """A card's tags: its deck's front-matter tags, then its own, each once."""
    inherited = [str(t) for t in (deck.settings.get("tags") or ())] if deck else []
    return tuple(dict.fromkeys([*inherited, *own]))


def _count(reader: Reader, compiled: Compiled) -> int:
    sql = f"SELECT COUNT(*) FROM card c WHERE {compiled.where}"
    return int(reader.rows(sql, compiled.values)[0][0])


def matching_ids(reader: Reader, query: CardQuery, settings: Settings, now: datetime) -> list[int]:
    """Every card the query matches, in deck order."""
    compiled = compile_query(reader, query, settings, now)
    sql = f"SELECT c.id FROM card c WHERE {compiled.where} ORDER BY c.deck_id, c.position, c.id"
    return [int(row[0]) for row in reader.rows(sql, compiled.values)]


def listed_card(
    reader: Reader, card_id: int, settings: Settings, now: datetime
) -> ListedCard | None:
    """One card as the browser lists it (retired or not)."""
    decks = {d.id: d for d in read_decks(reader)}
    rows = reader.rows(
        f"SELECT {COLUMNS} FROM card c JOIN deck d ON d.id = c.deck_id WHERE c.id = :card",
        {"card": card_id, "now": now},
    )
    return _listed(rows[0], decks, now, _own_tags(reader, [card_id])) if rows else None


def _listed(
    row: Sequence[Any], decks: dict[int, DeckInfo], now: datetime, own: dict[int, list[str]]
) -> ListedCard:
    (card_id, deck, question, phase, due, stability, difficulty, last, lapses, reps) = row[:10]
    suspended, buried_until, leech, retired, deck_id, path, line = row[10:]
    due_at, last_at = moment(due), moment(last)
    info = decks.get(int(deck_id))
    predicted = (
        recall(curve(info.parameters if info else None), stability, last_at, now)
        if last_at is not None and stability
        else None
    )
    interval = (due_at - last_at).days if due_at and last_at and phase == REVIEW else None
    buried_at = moment(buried_until)
    return ListedCard(
        id=int(card_id),
        deck=str(deck),
        question=str(question),
        phase=Phase(int(phase)),
        due=due_at,
        last_review=last_at,
        interval_days=interval,
        stability=stability,
        difficulty=difficulty,
        recall=predicted,
        lapses=int(lapses),
        reps=int(reps),
        suspended=bool(suspended),
        buried=buried_at is not None and buried_at > now,
        leech=bool(leech),
        retired=bool(retired),
        source_path=path,
        source_line=int(line),
        tags=card_tags(info, own.get(int(card_id), [])),
    )

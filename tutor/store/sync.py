"""Sync one parsed deck into the database: match cards by identity, never lose history."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, bindparam, exists, func, literal_column, null, or_, select

from tutor.deck.models import Card, Deck
from tutor.deck.rows import CardRow, card_row
from tutor.deck.selection import DeckSelection
from tutor.store import rollups
from tutor.store.choices import set_option_decks
from tutor.store.tables import HexDigest, UTCMicros, card_table, deck_table
from tutor.store.tags import sync_card_tags


@dataclass
class SyncResult:
    """What an import did to one deck."""

    name: str
    path: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0
    skipped: bool = False
    messages: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "retired": self.retired,
            "restored": self.restored,
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class StoredDeck:
    """The columns of a deck row that importing needs."""

    id: int
    name: str
    source_path: str | None
    source_hash: str | None


def _stored(row: Any) -> StoredDeck | None:
    return StoredDeck(row.id, row.name, row.source_path, row.source_hash) if row else None


def _deck_where(conn: Connection, condition: Any) -> StoredDeck | None:
    d = deck_table.c
    row = conn.execute(select(d.id, d.name, d.source_path, d.source_hash).where(condition)).first()
    return _stored(row)


def deck_by_path(conn: Connection, path: str) -> StoredDeck | None:
    return _deck_where(conn, deck_table.c.source_path == path)


def deck_by_name(conn: Connection, name: str) -> StoredDeck | None:
    return _deck_where(conn, deck_table.c.name == name)


def all_decks(conn: Connection) -> list[StoredDeck]:
    """Every deck row, in one query (an import of thousands of files looks each one up)."""
    d = deck_table.c
    return [
        StoredDeck(row.id, row.name, row.source_path, row.source_hash)
        for row in conn.execute(select(d.id, d.name, d.source_path, d.source_hash))
    ]


def active_card_counts(conn: Connection) -> dict[int, int]:
    """Active (not retired) cards per deck id, in one query."""
    c = card_table.c
    query = select(c.deck_id, func.count()).where(c.retired.is_(False)).group_by(c.deck_id)
    return {int(deck_id): int(count) for deck_id, count in conn.execute(query)}


def _slug_in(conn: Connection, slugs: list[str]) -> Iterator[tuple[Any, dict[str, Any]]]:
    """`card.slug IN slugs` as few times as the database allows, each with its parameters: once
    on SQLite (the slugs as one JSON array that `json_each` reads: a deck's 10,000 ids took 20
    statements of 500 parameters, about half the time), in chunks of 500 elsewhere."""
    if conn.dialect.name == "sqlite":
        listed = func.json_each(bindparam("slugs")).table_valued("value")
        if slugs:
            yield card_table.c.slug.in_(select(listed.c.value)), {"slugs": json.dumps(slugs)}
        return
    for start in range(0, len(slugs), 500):
        chunk = slugs[start : start + 500]  # one statement, compiled once
        yield card_table.c.slug.in_(bindparam("slugs", expanding=True)), {"slugs": chunk}


def _other_decks_cards(conn: Connection, deck_id: int | None) -> bool:
    """Whether any card belongs to a deck other than `deck_id` (two index probes): when none
    does, no other deck can hold a deck's ids, and the lookup of 10,000 ids is skipped."""
    card_deck = card_table.c.deck_id
    if deck_id is None:
        return bool(conn.execute(select(exists().select_from(card_table))).scalar())
    before, after = (
        exists().where(condition) for condition in (card_deck < deck_id, card_deck > deck_id)
    )
    return bool(conn.execute(select(or_(before, after))).scalar())


def slug_owners(conn: Connection, slugs: list[str], deck_id: int | None) -> dict[str, StoredDeck]:
    """For each slug held by a card of a deck other than `deck_id`: that deck."""
    owners: dict[str, StoredDeck] = {}
    if not slugs or not _other_decks_cards(conn, deck_id):
        return owners
    for condition, parameters in _slug_in(conn, slugs):
        rows = conn.execute(
            select(
                card_table.c.slug,
                deck_table.c.id,
                deck_table.c.name,
                deck_table.c.source_path,
                deck_table.c.source_hash,
            )
            .join(deck_table, deck_table.c.id == card_table.c.deck_id)
            .where(condition)
            .where(deck_table.c.id != (deck_id if deck_id is not None else -1)),
            parameters,
        )
        for row in rows:
            owners[row.slug] = StoredDeck(row.id, row.name, row.source_path, row.source_hash)
    return owners


def deck_sources(conn: Connection, names: list[str] | None = None) -> list[str]:
    """The source files of the decks (all, or those named and their sub-decks)."""
    query = select(deck_table.c.name, deck_table.c.source_path).where(
        deck_table.c.source_path.is_not(None)
    )
    selected = DeckSelection(names) if names is not None else None
    return [
        row.source_path for row in conn.execute(query) if selected is None or row.name in selected
    ]


def active_card_count(conn: Connection, deck_id: int) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(card_table)
            .where(card_table.c.deck_id == deck_id, card_table.c.retired.is_(False))
        ).scalar_one()
    )


def _content(card: Card) -> dict[str, Any]:
    return {
        "slug": card.slug,
        "key": card.key,
        "kind": card.kind,
        "question": card.question,
        "body": card.body,
        "options": [option._asdict() for option in card.options],
        "explanation": card.explanation,
        "answer": card.answer,
        "content_hash": card.content_hash(),
    }


LARGE_INSERT = 1000  # cards; a larger insert gets a larger page cache
LARGE_INSERT_CACHE_KIB = -65536  # negative: KiB, as SQLite's `PRAGMA cache_size` reads it

_NEW_CARD_COLUMNS = (
    "deck_id",
    "slug",
    "key",
    "kind",
    "question",
    "body",
    "options",
    "explanation",
    "answer",
    "content_hash",
    "source_line",
    "position",
    "created_at",
)


def _insert_cards(
    conn: Connection, deck_id: int, new: list[tuple[int, Card]], now: datetime
) -> None:
    """Insert new cards (with their positions): `_insert_rows` of their rows."""
    _insert_rows(conn, deck_id, [(position, card_row(card)) for position, card in new], now)


def _insert_rows(
    conn: Connection, deck_id: int, new: Iterable[tuple[int, CardRow]], now: datetime
) -> None:
    """Insert new cards' rows (with their positions) in one executemany of plain tuples: no
    dict, ORM object or column-type processing per card; the creation time is converted once."""
    statement = card_table.insert().values({k: bindparam(k) for k in _NEW_CARD_COLUMNS})
    compiled = statement.compile(dialect=conn.dialect)
    created = UTCMicros().process_bind_param(now, conn.dialect)
    sqlite = conn.dialect.name == "sqlite"  # SQLite stores the content hash as its bytes
    if sqlite:
        statement, compiled = _constants_written(statement, compiled, conn)
        # the row's digest is a bytearray: it binds as the same BLOB as bytes, without the
        # driver's failed adapter lookup that a bytes (or None) parameter costs
        rows = [(deck_id, *row, position, created) for position, row in new]
    else:
        digest = HexDigest().process_bind_param
        rows = [
            (deck_id, *row[:8], digest(row[8].hex(), conn.dialect), row[9], position, created)
            for position, row in new
        ]
    # the statement's other parameters are the columns' scalar defaults (retired, phase, ...);
    # those derived from the schedule (`tables.schedule_numbers`) are None: a new card has none
    defaults = {
        column.key: column.default.arg
        if column.default is not None and column.default.is_scalar
        else None
        for column in card_table.columns
        if column.key not in _NEW_CARD_COLUMNS
    }
    names = (*_NEW_CARD_COLUMNS, *defaults)
    # on SQLite a bool as the int it stores: the driver binds an int directly, a bool only after
    # a failed adapter lookup (three per card: about 3% of a 10,000-card import's instructions)
    constants = tuple(int(v) if sqlite and isinstance(v, bool) else v for v in defaults.values())
    if compiled.positiontup is not None and tuple(compiled.positiontup) == _NEW_CARD_COLUMNS:
        with _page_cache_for(conn, len(rows)):  # the rows are in the statement's order
            conn.exec_driver_sql(str(compiled), rows)  # type: ignore[arg-type]
    elif compiled.positiontup is not None:
        order = itemgetter(*(names.index(name) for name in compiled.positiontup))
        with _page_cache_for(conn, len(rows)):
            conn.exec_driver_sql(str(compiled), [order(row + constants) for row in rows])
    else:
        conn.exec_driver_sql(
            str(compiled), [dict(zip(names, row + constants, strict=True)) for row in rows]
        )


def _constants_written(statement: Any, compiled: Any, conn: Connection) -> tuple[Any, Any]:
    """The insert with the columns' constant defaults (0 or NULL) written into its text, not
    bound on every row: the driver binds a None only after a failed adapter lookup, and each
    parameter costs its bind (measured on 10,000 cards: a fifth of `executemany`'s
    instructions with the content hash as a bytearray)."""
    written: dict[str, Any] = {}
    for name in compiled.positiontup or ():
        if name in _NEW_CARD_COLUMNS:
            continue
        default = card_table.c[name].default  # as `_insert_cards` binds it: None unless scalar
        value = default.arg if default is not None and default.is_scalar else None
        if value is None:
            written[name] = null()
        elif isinstance(value, bool | int):
            written[name] = literal_column(str(int(value)))
        else:
            return statement, compiled  # a default of another kind: bound as before
    statement = statement.values(written)
    return statement, statement.compile(dialect=conn.dialect)


@contextmanager
def _page_cache_for(conn: Connection, rows: int) -> Iterator[None]:
    """SQLite's page cache raised for a large insert, then put back: with the default 2 MB the
    card table's indexes spill to the WAL again and again inside the one transaction (measured
    on 10,000 cards: the insert's CPU about a third less, the commit's a little more)."""
    if rows < LARGE_INSERT or conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {LARGE_INSERT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _deck_values(deck: Deck, path: str, now: datetime) -> dict[str, Any]:
    """The deck row's columns that an import writes."""
    return {
        "name": deck.name,
        "source_path": path,
        "source_hash": deck.source_hash,
        "description": deck.description,
        "settings": deck.settings(),
        "updated_at": now,
    }


def _insert_deck(conn: Connection, deck_values: dict[str, Any], now: datetime) -> int:
    inserted = conn.execute(deck_table.insert().values(created_at=now, **deck_values))
    return int(inserted.inserted_primary_key[0])  # type: ignore[index]


def insert_new_deck(
    conn: Connection, deck: Deck, rows: list[CardRow], path: str, now: datetime
) -> SyncResult | None:
    """Insert a deck that is not in the collection from its cards' rows
    (`tutor.deck.formats.parse_new_bytes`), inside the caller's transaction; None, with
    nothing written, when `sync_deck` must match its cards instead: its file, its quiz text or
    its name is stored already, or another deck's card has one of its ids."""
    if (
        deck.converted_from is not None
        or deck_by_path(conn, path) is not None
        or deck_by_name(conn, deck.name) is not None
    ):
        return None
    slugs = [row[0] for row in rows if row[0] is not None]
    if slugs and _other_decks_cards(conn, None):
        for condition, parameters in _slug_in(conn, slugs):
            if conn.execute(select(card_table.c.id).where(condition).limit(1), parameters).first():
                return None
    deck_id = _insert_deck(conn, _deck_values(deck, path, now), now)
    _insert_rows(conn, deck_id, enumerate(rows), now)
    return SyncResult(deck.name, path, added=len(rows))


def sync_deck(conn: Connection, deck: Deck, path: str, now: datetime) -> SyncResult:
    """Bring the stored deck at `path` in line with `deck`, inside the caller's transaction."""
    result = SyncResult(deck.name, path)
    handed_over = deck.converted_from_path()  # the quiz text's deck this one takes over
    stored = (
        deck_by_path(conn, path)
        or (deck_by_path(conn, handed_over) if handed_over else None)
        or deck_by_name(conn, deck.name)
    )
    deck_values = _deck_values(deck, path, now)
    if stored is None:
        deck_id = _insert_deck(conn, deck_values, now)
    else:
        deck_id = stored.id
        if stored.name != deck.name:
            result.messages.append(f"deck renamed from {stored.name!r}")
        if stored.source_path not in (None, path, handed_over):
            result.messages.append(f"deck file moved from {stored.source_path}")
        elif handed_over is not None and stored.source_path == handed_over:
            result.messages.append(f"deck taken over from {handed_over}")
        conn.execute(deck_table.update().where(deck_table.c.id == deck_id).values(**deck_values))

    columns = (
        card_table.c.id,
        card_table.c.slug,
        card_table.c.key,
        card_table.c.content_hash,
        card_table.c.retired,
        card_table.c.position,
        card_table.c.source_line,
        card_table.c.deck_id,
    )
    existing: list[Any] = list(
        conn.execute(select(*columns).where(card_table.c.deck_id == deck_id))
    )
    by_slug: dict[str, Any] = {r.slug: r for r in existing if r.slug is not None}
    by_key: dict[str, list[Any]] = {}
    for candidate in sorted(existing, key=lambda r: (r.slug is not None, r.retired)):
        by_key.setdefault(candidate.key, []).append(candidate)
    wanted = [c.slug for c in deck.cards if c.slug is not None and c.slug not in by_slug]
    if wanted and not _other_decks_cards(conn, deck_id):
        wanted = []  # no other deck's card to take over
    for condition, parameters in _slug_in(conn, wanted):
        for found in conn.execute(select(*columns).where(condition), parameters):
            by_slug[found.slug] = found

    claimed: set[int] = set()
    moved: list[int] = []  # cards coming from another deck, with their answers
    inserts: list[tuple[int, Card]] = []
    content_updates: list[dict[str, Any]] = []
    place_updates: list[dict[str, Any]] = []

    def unclaimed_by_key(key: str) -> Any:
        rows = by_key.get(key)
        return next((r for r in rows if r.id not in claimed), None) if rows else None

    for position, card in enumerate(deck.cards):
        row: Any = None
        if card.slug is not None:
            row = by_slug.get(card.slug)
            if row is None:
                candidate = unclaimed_by_key(card.key)
                row = candidate if candidate is not None and candidate.slug is None else None
        else:
            row = unclaimed_by_key(card.key)
        if row is None or row.id in claimed:
            inserts.append((position, card))
            continue
        claimed.add(row.id)
        if row.deck_id != deck_id:
            moved.append(row.id)
        content = _content(card)
        if row.retired:
            result.restored += 1
        elif (
            row.content_hash != content["content_hash"]
            or row.deck_id != deck_id
            or row.slug != card.slug  # an id added to (or dropped from) the card
        ):
            result.updated += 1
        else:
            result.unchanged += 1
            if row.position != position or row.source_line != card.line:
                place_updates.append(
                    {"card_id": row.id, "position": position, "source_line": card.line}
                )
            continue
        content_updates.append(
            {
                **content,
                "card_id": row.id,
                "deck_id": deck_id,
                "retired": False,
                "position": position,
                "source_line": card.line,
            }
        )

    retire = [{"card_id": r.id} for r in existing if r.id not in claimed and not r.retired]
    result.retired = len(retire)
    result.added = len(inserts)

    if inserts:
        _insert_cards(conn, deck_id, inserts, now)
    if content_updates:
        rollups.remove_cards(conn, moved)
        moving = set(moved)
        reshaped = [u["card_id"] for u in content_updates if u["card_id"] not in moving]
        rollups.remove_guesses(conn, reshaped)  # their options may change
        conn.execute(
            card_table.update()
            .where(card_table.c.id == bindparam("card_id"))
            .values({k: bindparam(k) for k in content_updates[0] if k != "card_id"}),
            content_updates,
        )
        set_option_decks(conn, [u["card_id"] for u in content_updates])  # moved, restored
        rollups.add_guesses(conn, reshaped)
        rollups.add_cards(conn, moved)
    if place_updates:
        conn.execute(
            card_table.update()
            .where(card_table.c.id == bindparam("card_id"))
            .values(position=bindparam("position"), source_line=bindparam("source_line")),
            place_updates,
        )
    if retire:
        conn.execute(
            card_table.update().where(card_table.c.id == bindparam("card_id")).values(retired=True),
            retire,
        )
        set_option_decks(conn, [r["card_id"] for r in retire])
    sync_card_tags(conn, deck_id, deck)
    return result

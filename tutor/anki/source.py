"""An Anki collection (.anki2) or package (.apkg) read with the stdlib: decks, notes, cards, log."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tutor.errors import TutorError

OLDEST_SCHEMA = 11  # Anki 2.1 "legacy" collections, JSON in the col table
NEWEST_SCHEMA = 18  # Anki 2.1.50 and later: notetypes, fields, templates and decks tables
SQLITE_MAGIC = b"SQLite format 3\x00"
ZSTD_ENTRY = "collection.anki21b"
PLAIN_ENTRIES = ("collection.anki21", "collection.anki2")
NEEDED_TABLES = {"col", "notes", "cards", "revlog"}


class AnkiFormatError(TutorError):
    """A file that is not an Anki collection this tutor reads."""

    exit_code = 2


@dataclass(frozen=True)
class Template:
    """One card type of a note type: its position and its front and back templates."""

    ord: int
    name: str
    front: str
    back: str


@dataclass(frozen=True)
class NoteType:
    """An Anki note type: its fields in order, its card templates, and whether it is a cloze."""

    id: int
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[Template, ...]

    def template(self, ord: int) -> Template | None:
        return next((t for t in self.templates if t.ord == ord), None)


@dataclass(frozen=True)
class Note:
    id: int
    notetype_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Card:
    id: int
    note_id: int
    deck_id: int  # the home deck (a card in a filtered deck is taken back to its own)
    ord: int
    suspended: bool


@dataclass(frozen=True)
class Review:
    """One revlog row: when (from its id, ms since the epoch), the ease 0-4, its type."""

    id: int
    card_id: int
    at: datetime
    ease: int
    kind: int  # 0 learn, 1 review, 2 relearn, 3 filtered/cram, 4 manual, 5 rescheduled
    interval: int  # days if positive, seconds if negative
    factor: int
    duration_ms: int


@dataclass(frozen=True)
class AnkiCollection:
    """Everything the import needs from one Anki collection."""

    source: str
    schema: int
    decks: dict[int, str]  # id -> full name, parts joined by "::"
    notetypes: dict[int, NoteType]
    notes: dict[int, Note]
    cards: tuple[Card, ...]
    reviews: tuple[Review, ...]  # by card, then time


def read_collection(path: Path) -> AnkiCollection:
    """Read an .apkg or an Anki collection file; raise AnkiFormatError saying what is wrong."""
    source = str(path)
    if path.is_dir():
        raise AnkiFormatError(f"{source} is a folder; give an .apkg file or a collection.anki2")
    if not path.is_file():
        raise AnkiFormatError(f"{source} does not exist")
    with _collection_copy(path) as copy, closing(sqlite3.connect(copy)) as conn:
        try:
            return _read(conn, source)
        except (sqlite3.DatabaseError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise AnkiFormatError(
                f"{source} is not a readable Anki collection ({type(exc).__name__}: {exc}); "
                "export it again from Anki"
            ) from None


@contextmanager
def _collection_copy(path: Path) -> Iterator[str]:
    """A private copy of the collection's SQLite file (the user's file is never opened)."""
    with tempfile.TemporaryDirectory(prefix="tutor-anki-") as folder:
        copy = Path(folder) / "collection.sqlite"
        if zipfile.is_zipfile(path):
            _extract(path, copy)
        else:
            try:
                head = path.open("rb").read(len(SQLITE_MAGIC))
            except OSError as exc:
                raise AnkiFormatError(f"cannot read {path}: {exc.strerror}") from None
            if head != SQLITE_MAGIC:
                raise AnkiFormatError(
                    f"{path} is neither an Anki package (.apkg, a zip) nor an Anki collection "
                    "(an SQLite file such as collection.anki2)"
                )
            shutil.copyfile(path, copy)
            wal = path.with_name(path.name + "-wal")
            if wal.is_file():  # Anki still has it open, or was not closed cleanly
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        yield str(copy)


def _extract(path: Path, copy: Path) -> None:
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if ZSTD_ENTRY in names:
                raise AnkiFormatError(
                    f"{path} is an Anki package in the newest format (collection.anki21b, "
                    "zstd-compressed), which tutor does not read: in Anki, export it again with "
                    '"Support older Anki versions" ticked, or give the collection.anki2 file '
                    "from Anki's profile folder"
                )
            entry = next((n for n in PLAIN_ENTRIES if n in names), None)
            if entry is None:
                raise AnkiFormatError(
                    f"{path} is a zip but not an Anki package (no collection.anki2 inside)"
                )
            with package.open(entry) as inside, copy.open("wb") as out:
                shutil.copyfileobj(inside, out)
    except zipfile.BadZipFile as exc:
        raise AnkiFormatError(f"{path} is a damaged zip ({exc}); export it again") from None
    with copy.open("rb") as written:
        if written.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise AnkiFormatError(f"{path} holds no Anki collection (its {entry} is no SQLite)")


def _read(conn: sqlite3.Connection, source: str) -> AnkiCollection:
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables >= NEEDED_TABLES:
        raise AnkiFormatError(
            f"{source} is an SQLite database but not an Anki collection "
            f"(no {', '.join(sorted(NEEDED_TABLES - tables))} table)"
        )
    row = conn.execute("SELECT ver, models, decks FROM col").fetchone()
    if row is None:
        raise AnkiFormatError(f"{source} is an Anki collection without its col row: damaged")
    schema = int(row[0])
    if schema > NEWEST_SCHEMA:
        raise AnkiFormatError(
            f"{source} is an Anki collection of schema {schema}, newer than tutor reads "
            f"({OLDEST_SCHEMA}-{NEWEST_SCHEMA}): export it from Anki with "
            '"Support older Anki versions" ticked'
        )
    if schema < OLDEST_SCHEMA:
        raise AnkiFormatError(
            f"{source} is an Anki 1.x collection (schema {schema}); open it in Anki 2 first"
        )
    if "notetypes" in tables and "templates" in tables:
        decks, notetypes = _decks_tables(conn), _notetype_tables(conn)
    else:
        decks, notetypes = _decks_json(row[2]), _notetypes_json(row[1])
    return AnkiCollection(
        source, schema, decks, notetypes, _notes(conn), _cards(conn), _reviews(conn)
    )


def _decks_json(text: str) -> dict[int, str]:
    import json

    return {int(k): str(v["name"]) for k, v in json.loads(text or "{}").items()}


def _notetypes_json(text: str) -> dict[int, NoteType]:
    import json

    found: dict[int, NoteType] = {}
    for key, model in json.loads(text or "{}").items():
        fields = tuple(str(f["name"]) for f in sorted(model["flds"], key=lambda f: f["ord"]))
        templates = tuple(
            Template(int(t["ord"]), str(t["name"]), str(t["qfmt"]), str(t["afmt"]))
            for t in model["tmpls"]
        )
        found[int(key)] = NoteType(
            int(key), str(model["name"]), int(model.get("type", 0)) == 1, fields, templates
        )
    return found


def _decks_tables(conn: sqlite3.Connection) -> dict[int, str]:
    return {
        int(i): str(n).replace("\x1f", "::") for i, n in conn.execute("SELECT id, name FROM decks")
    }


def _notetype_tables(conn: sqlite3.Connection) -> dict[int, NoteType]:
    fields: dict[int, list[str]] = {}
    for ntid, name in conn.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(int(ntid), []).append(str(name))
    templates: dict[int, list[Template]] = {}
    for ntid, ord_, name, config in conn.execute(
        "SELECT ntid, ord, name, config FROM templates ORDER BY ntid, ord"
    ):
        strings = _protobuf_strings(bytes(config))
        templates.setdefault(int(ntid), []).append(
            Template(int(ord_), str(name), strings.get(1, ""), strings.get(2, ""))
        )
    found: dict[int, NoteType] = {}
    for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes"):
        kind = _protobuf_varints(bytes(config)).get(1, 0)  # NotetypeConfig.kind: 1 is cloze
        found[int(ntid)] = NoteType(
            int(ntid),
            str(name),
            kind == 1,
            tuple(fields.get(int(ntid), [])),
            tuple(templates.get(int(ntid), [])),
        )
    return found


def _notes(conn: sqlite3.Connection) -> dict[int, Note]:
    return {
        int(i): Note(int(i), int(mid), tuple(str(flds).split("\x1f")), tuple(str(tags).split()))
        for i, mid, flds, tags in conn.execute("SELECT id, mid, flds, tags FROM notes")
    }


def _cards(conn: sqlite3.Connection) -> tuple[Card, ...]:
    rows = conn.execute("SELECT id, nid, did, odid, ord, queue FROM cards ORDER BY nid, ord, id")
    return tuple(
        Card(int(i), int(nid), int(odid) or int(did), int(ord_), int(queue) == -1)
        for i, nid, did, odid, ord_, queue in rows
    )


def _reviews(conn: sqlite3.Connection) -> tuple[Review, ...]:
    rows = conn.execute(
        "SELECT id, cid, ease, type, ivl, factor, time FROM revlog ORDER BY cid, id"
    )
    return tuple(
        Review(
            int(i),
            int(cid),
            datetime.fromtimestamp(int(i) / 1000, UTC),
            int(ease),
            int(kind),
            int(ivl),
            int(factor),
            max(int(time), 0),
        )
        for i, cid, ease, kind, ivl, factor, time in rows
    )


def _protobuf_fields(data: bytes) -> Iterator[tuple[int, int, Any]]:
    """(field number, wire type, value) of a protobuf message's top-level fields."""
    pos = 0

    def varint() -> int:
        nonlocal pos
        value = shift = 0
        while True:
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while pos < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            yield number, wire, varint()
        elif wire == 2:
            size = varint()
            yield number, wire, data[pos : pos + size]
            pos += size
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise AnkiFormatError(f"an unreadable note type (protobuf wire type {wire})")


def _protobuf_strings(data: bytes) -> dict[int, str]:
    return {n: bytes(v).decode("utf-8", "replace") for n, w, v in _protobuf_fields(data) if w == 2}


def _protobuf_varints(data: bytes) -> dict[int, int]:
    return {n: int(v) for n, w, v in _protobuf_fields(data) if w == 0}

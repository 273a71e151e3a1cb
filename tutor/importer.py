"""`tutor import`: find deck files, parse and check them together, sync each in one transaction."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tutor.backups import automatic_backup
from tutor.deck.files import find_deck_files
from tutor.deck.formats import NewDeck, parse_bytes, parse_new_bytes
from tutor.deck.models import Deck
from tutor.deck.quiz_markdown import card_id
from tutor.deck.rows import CardRow
from tutor.errors import DeckError, Problem, StoreError
from tutor.store.db import Database
from tutor.store.sync import (
    StoredDeck,
    SyncResult,
    active_card_counts,
    all_decks,
    deck_sources,
    insert_new_deck,
    slug_owners,
    sync_deck,
)

Progress = Callable[[int, int, str], None]
# a new file's parse done already (`tutor.deck.read_ahead`): (path, SHA-256) -> it, or None
ParsedAhead = Callable[[Path, str], NewDeck | None]
BATCH_CARDS = 2000  # files share a write transaction until they hold this many cards...
BATCH_FILES = 500  # ...or this many files
BULK_CARDS = 1000  # a transaction of this many cards writes them without the WAL...
BULK_BYTES = 32 << 20  # ...if its files hold at most this much text (its pages stay in memory)
NO_CARDS = (
    "no cards in this file (each card starts with a `## ` heading; see docs/deck-format.md): "
    "nothing was imported from it"
)


@dataclass
class ImportReport:
    """The outcome of one import: a result per deck, every error and every warning found."""

    decks: list[SyncResult] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    warnings: list[Problem] = field(default_factory=list)  # files skipped, but not wrong

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "decks": [d.to_json() for d in self.decks],
            "errors": [{"path": e.path, "line": e.line, "message": e.message} for e in self.errors],
            "warnings": [
                {"path": w.path, "line": w.line, "message": w.message} for w in self.warnings
            ],
        }


@dataclass
class _Candidate:
    path: Path
    data: bytes
    digest: str
    deck: Deck
    rows: list[CardRow] | None = None  # a new deck's plain cards as rows (`deck.cards` empty)

    @property
    def card_count(self) -> int:
        return len(self.deck.cards) if self.rows is None else len(self.rows)

    def ids(self) -> list[tuple[str, int]]:
        """Each card's id with its line, in the file's order."""
        if self.rows is None:
            return [(card.slug, card.line) for card in self.deck.cards if card.slug is not None]
        return [(row[0], row[9]) for row in self.rows if row[0] is not None]

    def with_cards(self) -> Deck:
        """The deck with its `Card`s (read again if it came as rows) for `sync_deck`."""
        return self.deck if self.rows is None else parse_bytes(self.data, self.path, self.digest)


@dataclass
class _Stored:
    """The decks already in the collection, looked up by file and by name without a query each."""

    by_path: dict[str, StoredDeck]
    by_name: dict[str, StoredDeck]
    active_cards: dict[int, int]

    @classmethod
    def load(cls, db: Database) -> _Stored:
        with db.read() as conn:
            decks = all_decks(conn)
            counts = active_card_counts(conn)
        return cls(
            {d.source_path: d for d in decks if d.source_path is not None},
            {d.name: d for d in decks},
            counts,
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: bulk parsing allocates many objects and no cycles
    (measured: 40% of the parse time of a 10k-card deck went to collections)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_paths(
    db: Database,
    paths: Iterable[str | Path],
    now: datetime,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    strict: bool = False,
    parsed_ahead: ParsedAhead | None = None,
) -> ImportReport:
    """Import deck files and folders; a file with any error changes nothing.

    A file without cards imports nothing and is a warning (an error if `strict`).
    `parsed_ahead`: new files' decks parsed already, when they still have those bytes.
    """
    with _collector_paused():
        return _import_paths(db, paths, now, dry_run, progress, strict, parsed_ahead)


def _import_paths(
    db: Database,
    paths: Iterable[str | Path],
    now: datetime,
    dry_run: bool,
    progress: Progress | None,
    strict: bool = False,
    parsed_ahead: ParsedAhead | None = None,
) -> ImportReport:
    files, problems = find_deck_files(paths)
    report = ImportReport(errors=problems, dry_run=dry_run)
    candidates: list[_Candidate] = []
    known = _Stored.load(db)
    copies = {d.source_hash: d for d in known.by_path.values() if d.source_hash}
    for index, path in enumerate(files):
        if progress:
            progress(index, len(files), f"reading {path.name}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.errors.append(Problem(str(path), 0, f"cannot read the file: {exc.strerror}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        stored = known.by_path.get(str(path)) or _copy_of(copies.get(digest))
        if stored is not None and stored.source_hash == digest:
            count = known.active_cards.get(stored.id, 0)
            result = SyncResult(stored.name, str(path), unchanged=count, skipped=True)
            if stored.source_path != str(path):
                result.messages.append(f"already imported from {stored.source_path}")
            report.decks.append(result)
            continue
        try:
            if stored is None:  # a new file: a deck of plain cards comes as the insert's rows
                ahead = parsed_ahead(path, digest) if parsed_ahead else None
                deck, rows = ahead or parse_new_bytes(data, path, digest)
            else:
                deck, rows = parse_bytes(data, path, digest), None
        except DeckError as exc:
            report.errors.extend(exc.problems)
            continue
        if not (deck.cards or rows):
            (report.errors if strict else report.warnings).append(Problem(str(path), 0, NO_CARDS))
            continue
        candidates.append(_Candidate(path, data, digest, deck, rows))

    ready = _check_together(db, candidates, report, known)
    if ready and not dry_run:
        try:
            automatic_backup(db.url, "import", now)
        except StoreError as exc:  # a damaged collection: say so, as the daily backup does
            report.warnings.append(Problem(db.url, 0, f"no backup before this import: {exc}"))
    index = 0
    for batch in _batches(ready):
        cards = sum(candidate.card_count for candidate in batch)
        size = sum(len(candidate.data) for candidate in batch)
        bulk = cards >= BULK_CARDS and size <= BULK_BYTES  # `Database.write`
        with db.write(rollback=dry_run, bulk=bulk) as conn:
            for candidate in batch:
                if progress:
                    progress(index, len(ready), f"importing {candidate.deck.name}")
                index += 1
                source, rows = str(candidate.path), candidate.rows
                new = (
                    None
                    if rows is None
                    else insert_new_deck(conn, candidate.deck, rows, source, now)
                )
                report.decks.append(new or sync_deck(conn, candidate.with_cards(), source, now))
    if progress:
        progress(len(ready), len(ready), "done")
    return report


def _batches(ready: list[_Candidate]) -> Iterator[list[_Candidate]]:
    """Files grouped so that small ones share a transaction (one durable commit costs about
    10 ms: 5,000 one-card decks took 47 s of commits alone) and a large one has its own."""
    batch: list[_Candidate] = []
    cards = 0
    for candidate in ready:
        batch.append(candidate)
        cards += candidate.card_count
        if cards >= BATCH_CARDS or len(batch) >= BATCH_FILES:
            yield batch
            batch, cards = [], 0
    if batch:
        yield batch


def refresh_decks(db: Database, now: datetime, names: Iterable[str] | None = None) -> ImportReport:
    """Re-import the decks whose files changed since their last import (Markdown is the truth).

    A file that no longer parses is reported and its cards keep their last good version; a file
    that is gone is reported and its cards stay as they are.
    """
    with db.read() as conn:
        stored = deck_sources(conn, list(names) if names else None)
    present = [path for path in stored if Path(path).is_file()]
    report = import_paths(db, present, now) if present else ImportReport()
    for path in stored:
        if path not in present:
            report.errors.append(
                Problem(path, 0, "deck file is gone; its cards stay as they were last imported")
            )
    return report


def _check_together(
    db: Database, candidates: list[_Candidate], report: ImportReport, known: _Stored
) -> list[_Candidate]:
    """Drop (with errors) files that clash: one deck name from two files, one id in two decks."""
    bad: set[Path] = set()
    by_name: dict[str, _Candidate] = {}
    slug_home: dict[str, tuple[_Candidate, int]] = {}

    def fail(candidate: _Candidate, line: int, message: str) -> None:
        report.errors.append(Problem(str(candidate.path), line, message))
        bad.add(candidate.path)

    for candidate in candidates:
        deck = candidate.deck
        first = by_name.setdefault(deck.name, candidate)
        if first is not candidate:
            for one, other in ((first, candidate), (candidate, first)):
                fail(
                    one,
                    1,
                    f"deck name '{deck.name}' is also given by {other.path}; "
                    "each deck needs its own title",
                )
        for slug, line in candidate.ids():
            home = slug_home.setdefault(slug, (candidate, line))
            if home[0] is not candidate:
                fail(
                    candidate,
                    line,
                    f"id {slug!r} is also used in {home[0].path}:"
                    f"{home[1]}; ids must be unique in the collection",
                )
                fail(
                    home[0],
                    home[1],
                    f"id {slug!r} is also used in {candidate.path}:"
                    f"{line}; ids must be unique in the collection",
                )

    with db.read() as conn:
        for candidate in candidates:
            deck = candidate.deck
            path = str(candidate.path)
            taken_by = _converted_home(conn, candidate, known)
            if taken_by is not None:
                fail(
                    candidate,
                    1,
                    f"this quiz text was converted to {taken_by.source_path}, which now holds "
                    f"deck '{taken_by.name}' and its reviews; import and edit that file instead",
                )
                continue
            named = known.by_name.get(deck.name)
            handed = known.by_path.get(deck.converted_from_path() or "")  # its quiz text's deck
            if (
                named is not None
                and named.source_path != path
                and (handed is None or handed.id != named.id)
                and _still_there(named, deck.name)
            ):
                fail(
                    candidate,
                    1,
                    f"deck name '{deck.name}' is already used by "
                    f"{named.source_path}; each deck needs its own title",
                )
            own = known.by_path.get(path) or handed or named
            ids = dict(candidate.ids())  # each id's line (ids are unique in a deck)
            for slug, owner in slug_owners(conn, list(ids), own.id if own else None).items():
                in_batch = any(c.deck is not None and c.deck.name == owner.name for c in candidates)
                if not in_batch and _owner_keeps(owner, slug):
                    fail(
                        candidate,
                        ids[slug],
                        f"id {slug!r} already belongs to a card of deck "
                        f"'{owner.name}' ({owner.source_path}); ids must be "
                        "unique in the collection",
                    )
    return [c for c in candidates if c.path not in bad]


def _converted_home(conn: Any, candidate: _Candidate, known: _Stored) -> StoredDeck | None:
    """The deck that took over from this file by a `converted_from` naming it, if its file
    still says so (found by the ids `tutor convert` gives the file's cards, or by name)."""
    deck = candidate.deck
    if deck is None or str(candidate.path) in known.by_path:
        return None
    quiz_text = candidate.path.suffix.lower() == ".txt"  # only `tutor convert` output has these
    ids = [card_id(deck.name, c) for c in deck.cards if c.slug is None] if quiz_text else []
    owners = {owner.id: owner for owner in slug_owners(conn, ids, None).values()}
    named = known.by_name.get(deck.name)
    if named is not None:
        owners.setdefault(named.id, named)
    for owner in owners.values():
        taken = _parse_quietly(owner.source_path)
        if taken is not None and taken.converted_from_path() == str(candidate.path):
            return owner
    return None


def _copy_of(stored: StoredDeck | None) -> StoredDeck | None:
    """The stored deck a file is a byte-for-byte copy of (the installed bundled deck after the
    repository's), if that deck's own file is still there: the copy is already imported."""
    return stored if stored is not None and Path(stored.source_path or "").is_file() else None


def _still_there(stored: StoredDeck, name: str) -> bool:
    """True if the stored deck's file still exists and still gives that deck name."""
    deck = _parse_quietly(stored.source_path)
    return deck is not None and deck.name == name


def _owner_keeps(owner: StoredDeck, slug: str) -> bool:
    """True if the owning deck's file still holds a card with this id (so it is no move)."""
    deck = _parse_quietly(owner.source_path)
    return deck is not None and any(card.slug == slug for card in deck.cards)


def _parse_quietly(path: str | None) -> Deck | None:
    if path is None or not Path(path).is_file():
        return None
    try:
        return parse_bytes(Path(path).read_bytes(), path)
    except (DeckError, OSError):
        return None

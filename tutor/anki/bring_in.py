"""`tutor import-anki`: Anki decks as deck files, imported, their history replayed; the report."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tutor.anki.history import bring_over
from tutor.anki.source import AnkiCollection, Review, read_collection
from tutor.anki.to_decks import Conversion, convert
from tutor.config import Settings
from tutor.errors import ConfigError, StoreError, TutorError
from tutor.importer import import_paths
from tutor.store.db import Database

MEDIA_SHOWN = 5


@dataclass(frozen=True)
class DeckWritten:
    name: str
    path: str
    cards: int


@dataclass
class AnkiImport:
    """What came over from one Anki collection and what stayed out, and why."""

    source: str
    folder: str
    decks: list[DeckWritten] = field(default_factory=list)
    cards: int = 0
    reviews: int = 0
    cards_with_history: int = 0
    skipped_cards: Counter[str] = field(default_factory=Counter)
    skipped_reviews: Counter[str] = field(default_factory=Counter)
    media: list[str] = field(default_factory=list)
    tagged_notes: int = 0
    suspended: int = 0
    anki_cards: int = 0
    anki_reviews: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "folder": self.folder,
            "decks": [{"name": d.name, "path": d.path, "cards": d.cards} for d in self.decks],
            "anki_cards": self.anki_cards,
            "cards": self.cards,
            "anki_reviews": self.anki_reviews,
            "reviews": self.reviews,
            "cards_with_history": self.cards_with_history,
            "skipped_cards": dict(sorted(self.skipped_cards.items())),
            "skipped_reviews": dict(sorted(self.skipped_reviews.items())),
            "media": sorted(set(self.media)),
            "tagged_notes": self.tagged_notes,
            "suspended_in_anki": self.suspended,
        }

    def lines(self) -> list[str]:
        """The report as text lines (deck names are data: the CLI's output neutralises them)."""
        out = [f"from {self.source} into {self.folder}:"]
        for deck in self.decks:
            out.append(f"  {deck.name}: {deck.cards} cards  [{deck.path}]")
        out.append(
            f"{len(self.decks)} decks, {self.cards} of {self.anki_cards} Anki cards, "
            f"{self.reviews} of {self.anki_reviews} review log entries "
            f"({self.cards_with_history} cards with history)"
        )
        for reason, count in sorted(self.skipped_cards.items()):
            out.append(f"  skipped {count} cards: {reason}")
        for reason, count in sorted(self.skipped_reviews.items()):
            out.append(f"  skipped {count} review log entries: {reason}")
        media = sorted(set(self.media))
        if media:
            shown = ", ".join(media[:MEDIA_SHOWN]) + (", ..." if len(media) > MEDIA_SHOWN else "")
            out.append(
                f"  {len(media)} media files are referenced ({shown}); they are not copied: "
                "the cards name them as text"
            )
        if self.tagged_notes:
            out.append(
                f"  {self.tagged_notes} notes had Anki tags; they are not kept "
                "(a deck file holds tags for the whole deck)"
            )
        if self.suspended:
            out.append(f"  {self.suspended} cards suspended in Anki are suspended here too")
        return out


@dataclass(frozen=True)
class Prepared:
    """An Anki collection read and converted, its deck files known not to exist yet."""

    collection: AnkiCollection
    conversion: Conversion
    folder: Path


def prepare(source: Path, folder: Path) -> Prepared:
    """Read `source` and convert it; refuse (nothing written) a bad file or a taken file name."""
    collection = read_collection(source)
    conversion = convert(collection)
    _check_folder(folder, [folder / deck.file_name for deck in conversion.decks])
    if conversion.decks:
        _check_writable(folder)
    return Prepared(collection, conversion, folder)


def import_anki(
    db: Database,
    settings: Settings,
    prepared: Prepared,
    now: datetime,
    progress: Callable[[int, int, str], None] | None = None,
) -> AnkiImport:
    """Write one deck file per Anki deck into the folder (never over a file), import them, then
    bring over each card's answers. Bad input changes nothing."""
    collection, conversion, folder = prepared.collection, prepared.conversion, prepared.folder
    report = summary(prepared)
    if not conversion.decks:
        return report
    _check_folder(folder, [folder / deck.file_name for deck in conversion.decks])
    placed = _place_files(db, conversion, folder, now)
    imported = import_paths(db, placed, now)
    if imported.errors:
        raise TutorError(
            "the deck files were written but not all imported: "
            + "; ".join(str(p) for p in imported.errors[:3])
        )
    logs: dict[str, list[Review]] = {}
    by_card: dict[int, list[Review]] = {}
    for review in collection.reviews:
        by_card.setdefault(review.card_id, []).append(review)
    for deck in conversion.decks:
        for slug, card_id in deck.card_ids.items():
            logs[slug] = by_card.get(card_id, [])
    try:
        brought = bring_over(db, settings, logs, _suspended(collection, conversion), now, progress)
    except StoreError as exc:
        raise StoreError(
            f"the decks were imported into the collection but their review history was not "
            f"({exc.message}); `tutor restore latest` puts back the collection as it was before"
        ) from None
    report.reviews = brought.reviews
    report.cards_with_history = brought.cards_with_history
    report.skipped_reviews.update(brought.skipped)
    return report


def summary(prepared: Prepared) -> AnkiImport:
    """The report before anything is written: decks, cards and what stays out."""
    collection, conversion, folder = prepared.collection, prepared.conversion, prepared.folder
    kept = {card_id for deck in conversion.decks for card_id in deck.card_ids.values()}
    left_out = sum(1 for r in collection.reviews if r.card_id not in kept)
    return AnkiImport(
        source=collection.source,
        folder=str(folder),
        decks=[
            DeckWritten(d.name, str(folder / d.file_name), len(d.card_ids))
            for d in conversion.decks
        ],
        cards=sum(len(d.card_ids) for d in conversion.decks),
        skipped_cards=conversion.skipped,
        media=conversion.media,
        tagged_notes=conversion.tagged_notes,
        suspended=conversion.suspended,
        anki_cards=len(collection.cards),
        anki_reviews=len(collection.reviews),
        skipped_reviews=Counter(
            {"entries of cards that did not come over": left_out} if left_out else {}
        ),
    )


def _suspended(collection: AnkiCollection, conversion: Conversion) -> list[str]:
    kept = {card_id for deck in conversion.decks for card_id in deck.card_ids.values()}
    return [f"anki-{c.id}" for c in collection.cards if c.suspended and c.id in kept]


def _check_folder(folder: Path, targets: list[Path]) -> None:
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--out {folder} is a file; give a folder (it is created if missing)")
    taken = [t for t in targets if t.exists() or t.is_symlink()]
    if taken:
        more = f" (and {len(taken) - 1} more)" if len(taken) > 1 else ""
        raise ConfigError(
            f"{taken[0]} exists{more}; import-anki never replaces a file: choose an empty "
            "--out folder or move the file away. Nothing was changed"
        )


def _check_writable(folder: Path) -> None:
    """Refuse a folder that cannot be made or written, before anything is written."""
    parent = folder if folder.is_dir() else _nearest_existing(folder.parent)
    try:
        Path(tempfile.mkdtemp(prefix=".tutor-anki-", dir=parent)).rmdir()
    except OSError as exc:
        raise ConfigError(
            f"cannot write into {parent}: {exc.strerror}; choose another --out folder. "
            "Nothing was changed"
        ) from None


def _place_files(db: Database, conversion: Conversion, folder: Path, now: datetime) -> list[Path]:
    """Write the deck files into a hidden staging folder, check that they import (a dry run),
    then move them into `folder`: all of them, or none (the staging folder is removed)."""
    parent = folder if folder.is_dir() else _nearest_existing(folder.parent)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".tutor-anki-", dir=parent))
    except OSError as exc:
        raise ConfigError(
            f"cannot write into {parent}: {exc.strerror}; choose another --out folder. "
            "Nothing was changed"
        ) from None
    try:
        staged = []
        for deck in conversion.decks:
            path = staging / deck.file_name
            path.write_text(deck.text, encoding="utf-8")
            staged.append(path)
        trial = import_paths(db, staged, now, dry_run=True)
        if trial.errors:
            raise TutorError(
                "the Anki decks cannot be imported into this collection: "
                + "; ".join(p.message for p in trial.errors[:3])
                + ". Nothing was changed"
            )
        copies = [deck for deck in trial.decks if deck.skipped]
        if copies:  # the same deck file is in the collection already, with its history
            raise TutorError(
                f"the Anki deck {copies[0].name!r} is already in this collection "
                f"({'; '.join(copies[0].messages) or 'the same file'}), its history with it. "
                "Nothing was changed"
            )
        return _move_in(staging, staged, folder)
    except OSError as exc:
        raise ConfigError(
            f"cannot write the deck files into {folder}: {exc.strerror}; nothing was changed"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _move_in(staging: Path, staged: list[Path], folder: Path) -> list[Path]:
    """Move the staged files into `folder`, each only where no file is (a hard link fails on an
    existing name); if one cannot go, the ones moved already are taken back."""
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    placed: list[Path] = []
    try:
        for path in staged:
            target = folder / path.name
            os.link(path, target)
            placed.append(target)
    except OSError:
        for target in placed:
            target.unlink(missing_ok=True)
        for made in created:  # innermost first
            made.rmdir()
        raise
    return placed

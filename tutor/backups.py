"""Backups of an SQLite collection: made with SQLite's backup API, named, listed and rotated.

A backup is `backups/<collection>-<path hash>-<UTC time>-<kind>.db` in the user data directory.
Rotation keeps, per collection, the newest automatic backup of each of the last 7 days that have
one, of each of the last 4 ISO weeks and of each of the last 6 months (UTC days); the rest go.
Backups made with `tutor backup` are never deleted.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tutor.collection_file import damaged, inspect_file
from tutor.errors import StoreError
from tutor.safe_write import fsync_folder
from tutor.urls import shown_url

KINDS = {
    "manual": "tutor backup",
    "daily": "daily",
    "import": "before an import",
    "migration": "before a schema migration",
    "optimize": "before an optimization",
    "restore": "before a restore",
}
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 6
TIME_FORMAT = "%Y%m%dT%H%M%SZ"
NAME = re.compile(r"-(?P<time>\d{8}T\d{6}Z)-(?P<kind>[a-z]+)(?:-\d+)?\.db$")
PARTIAL = ".partial"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Backup:
    """One backup file of a collection."""

    path: Path
    made_at: datetime
    kind: str
    size: int

    @property
    def description(self) -> str:
        return KINDS.get(self.kind, self.kind)


def backups_dir() -> Path:
    """The folder holding every collection's backups (in the user data directory)."""
    from tutor.config import data_dir

    return data_dir() / "backups"


def collection_file(url: str) -> Path:
    """The collection's file; StoreError for a database that is not an SQLite file."""
    if url.startswith("sqlite:///"):
        name = url.removeprefix("sqlite:///").split("?", 1)[0]
        if name and name != ":memory:":
            return Path(name)
    raise StoreError(
        f"backups are for SQLite collections; {shown_url(url)} is not one (back it up with its own "
        "tools)"
    )


def _prefix(collection: Path) -> str:
    resolved = str(collection.expanduser().resolve())
    stem = re.sub(r"[^A-Za-z0-9_.]+", "_", collection.stem) or "collection"
    return f"{stem}-{hashlib.sha256(resolved.encode()).hexdigest()[:8]}-"


def list_backups(collection: Path) -> list[Backup]:
    """The finished backups of this collection, newest first."""
    folder = backups_dir()
    if not folder.is_dir():
        return []
    prefix = _prefix(collection)
    found = []
    for path in folder.iterdir():
        match = NAME.fullmatch(path.name[len(prefix) - 1 :])
        if not path.name.startswith(prefix) or match is None:
            continue
        made_at = datetime.strptime(match["time"], TIME_FORMAT).replace(tzinfo=UTC)
        found.append(Backup(path, made_at, match["kind"], path.stat().st_size))
    return sorted(found, key=lambda b: (b.made_at, b.path.name), reverse=True)


def make_backup(
    collection: Path,
    kind: str,
    now: datetime,
    *,
    pages_per_step: int = -1,
    progress: Progress | None = None,
    rotation: bool = True,
) -> Path:
    """Copy the collection with SQLite's backup API into a new backup file; rotate; return it.

    A collection that `collection_file.inspect_file` refuses (damaged, foreign, newer) is not
    backed up. The copy goes to a `.partial` file, passes `PRAGMA quick_check` and only then is
    renamed, so a crash or a damaged page never leaves a bad backup among the backups; the
    collection is only read.
    """
    if kind not in KINDS:
        raise StoreError(f"unknown backup kind {kind!r}; one of {', '.join(KINDS)}")
    _check_collection(collection)
    folder = backups_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the backup folder {folder}: {exc.strerror}") from None
    target = _free_name(folder, collection, now, kind)
    partial = target.with_name(target.name + PARTIAL)
    try:
        copy_database(collection, partial, pages_per_step=pages_per_step, progress=progress)
        problems = quick_check(partial)
        if problems:
            partial.unlink()
            raise damaged(collection, f"its copy fails quick_check: {problems[0]}")
        os.replace(partial, target)
        fsync_folder(folder)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot back up {collection}: {exc}; it was not changed") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot write the backup {target}: {exc.strerror}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if rotation:
        rotate(collection)
    return target


def copy_database(
    source: Path, target: Path, *, pages_per_step: int = -1, progress: Progress | None = None
) -> None:
    """Copy the database `source` into the new file `target` (backup API), durably, one file."""
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=10)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(
                writer,
                pages=pages_per_step,
                progress=(lambda _status, left, total: progress(total - left, total))
                if progress
                else None,
            )
            writer.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            writer.close()
    finally:
        reader.close()
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def quick_check(database: Path) -> list[str]:
    """SQLite's `PRAGMA quick_check` of a database file: [] when it is sound."""
    try:
        conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def _check_collection(collection: Path) -> None:
    if not collection.exists():
        raise StoreError(f"no collection at {collection}; nothing to back up")
    inspect_file(collection)  # a folder, an empty, foreign, damaged or newer file is refused


def _free_name(folder: Path, collection: Path, now: datetime, kind: str) -> Path:
    base = f"{_prefix(collection)}{now.astimezone(UTC).strftime(TIME_FORMAT)}-{kind}"
    candidate, number = folder / f"{base}.db", 1
    while candidate.exists() or candidate.with_name(candidate.name + PARTIAL).exists():
        number += 1
        candidate = folder / f"{base}-{number}.db"
    return candidate


def rotate(collection: Path) -> list[Path]:
    """Delete the automatic backups of this collection the rotation does not keep; return them.

    Backups made with `tutor backup` are never deleted.
    """
    backups = [b for b in list_backups(collection) if b.kind != "manual"]
    kept = keep(backups)
    removed = []
    for backup in backups:
        if backup not in kept:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def keep(backups: list[Backup]) -> set[Backup]:
    """The backups the rotation keeps: the newest of each of the last 7 days, 4 weeks, 6 months."""
    kept: set[Backup] = set()
    newest_first = sorted(backups, key=lambda b: (b.made_at, b.path.name), reverse=True)
    periods: list[tuple[int, Callable[[datetime], object]]] = [
        (KEEP_DAILY, lambda t: t.date()),
        (KEEP_WEEKLY, lambda t: t.isocalendar()[:2]),
        (KEEP_MONTHLY, lambda t: (t.year, t.month)),
    ]
    for limit, period in periods:
        seen: set[object] = set()
        for backup in newest_first:
            key = period(backup.made_at)
            if key not in seen and len(seen) < limit:
                seen.add(key)
                kept.add(backup)
    return kept


WORTH_KEEPING = (  # what a collection holds that no deck file can give back, in cheap order
    "SELECT EXISTS (SELECT 1 FROM review)",
    "SELECT EXISTS (SELECT 1 FROM practice)",
    "SELECT EXISTS (SELECT 1 FROM card WHERE suspended OR buried_until IS NOT NULL)",
)


def _worth_a_backup(collection: Path) -> bool:
    """True if the collection holds an answer (a review or a practice answer) or a suspended or
    buried card. Without them it holds only what its deck files hold: they rebuild it."""
    try:
        conn = sqlite3.connect(f"{collection.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return any(conn.execute(query).fetchone() == (1,) for query in WORTH_KEEPING)
        finally:
            conn.close()
    except sqlite3.Error:
        return True  # an older schema or a damaged file: back it up if it can be


def automatic_backup(url: str, kind: str, now: datetime, *, rotation: bool = True) -> Path | None:
    """A backup before a change (kind: import, migration, optimize, restore) or the day's of an
    SQLite collection worth one (`_worth_a_backup`: answers or flags to lose); None for another
    database, a missing file or a collection holding only what its deck files hold."""
    try:
        collection = collection_file(url)
    except StoreError:
        return None
    if not collection.is_file() or not _worth_a_backup(collection):
        return None
    return make_backup(collection, kind, now, rotation=rotation)


def backup_before_optimize(url: str, now: datetime) -> Path | None:
    """The backup to make before an optimization rewrites the collection."""
    return automatic_backup(url, "optimize", now)


def daily_backup(url: str, now: datetime) -> Path | None:
    """The day's backup, made on the first use of a day with no backup yet; else None."""
    try:
        collection = collection_file(url)
    except StoreError:
        return None
    if not collection.is_file():
        return None
    if _newest_day(collection) == now.astimezone(UTC).strftime(TIME_FORMAT)[:8]:
        return None
    return automatic_backup(url, "daily", now)


def _newest_day(collection: Path) -> str | None:
    """The UTC day (YYYYMMDD) of the collection's newest finished backup, from the names alone
    (the fixed-width times sort as the times do): what every run checks, without parsing."""
    folder = backups_dir()
    if not folder.is_dir():
        return None
    prefix = _prefix(collection)
    times = [
        match["time"]
        for name in os.listdir(folder)
        if name.startswith(prefix) and (match := NAME.fullmatch(name[len(prefix) - 1 :]))
    ]
    return max(times)[:8] if times else None

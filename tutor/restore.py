"""`tutor restore`: replace the collection with a backup or an export, in one transaction."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from tutor.backups import (
    Progress,
    automatic_backup,
    backups_dir,
    copy_database,
    list_backups,
    rotate,
)
from tutor.collection_file import has_sqlite_header, inspect_file, schema_version_of
from tutor.errors import StoreError
from tutor.safe_write import fsync_folder


@dataclass(frozen=True)
class Contents:
    """What a tutor database holds, read before it replaces anything."""

    schema_version: int
    decks: int
    cards: int
    reviews: int

    def __str__(self) -> str:
        return ", ".join(
            f"{n} {noun}{'' if n == 1 else 's'}"
            for n, noun in ((self.decks, "deck"), (self.cards, "card"), (self.reviews, "review"))
        )


def resolve_source(name: str, collection: Path) -> Path:
    """The file to restore: `latest` is the collection's newest backup, anything else a path."""
    if name == "latest":
        backups = list_backups(collection)
        if not backups:
            raise StoreError(
                f"no backups of {collection} in {backups_dir()}; make one with `tutor backup`"
            )
        return backups[0].path
    path = Path(name).expanduser()
    if not path.is_file():
        raise StoreError(f"{path} is not a file; give a backup file, an export JSON or `latest`")
    return path


def is_export_json(path: Path) -> bool:
    """True if the file looks like JSON (not an SQLite database)."""
    with path.open("rb") as handle:
        return handle.read(4096).lstrip().startswith(b"{")


def inspect_database(path: Path) -> Contents:
    """Check that `path` is a sound tutor database this tutor can open; say what it holds."""
    if not has_sqlite_header(path):
        raise StoreError(f"{path} is neither a tutor backup (SQLite) nor a tutor export (JSON)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise StoreError(f"{path} is a damaged database (quick_check failed); pick another")
            version = schema_version_of(conn, path)
            if version is None:
                raise StoreError(f"{path} is an empty SQLite database, not a tutor collection")
            counts = [
                int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
                for table in ("deck", "card", "review")
            ]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{path} cannot be read as a tutor database: {exc}") from None
    return Contents(version, *counts)


def read_export(path: Path) -> dict[str, Any]:
    """The export JSON in `path`, checked to be a tutor export this tutor restores."""
    from tutor.store.rebuild import check_export

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path} is not valid JSON ({exc}); nothing was changed") from None
    check_export(data, str(path))
    return cast(dict[str, Any], data)  # check_export refused anything but an object


def prepare(source: Path, work_folder: Path) -> tuple[Path, Contents, bool]:
    """A checked database to restore from: the backup itself, or a new one built from an export.

    Returns (database file, what it holds, whether the file is a temporary one to delete).
    """
    if not is_export_json(source):
        return source, inspect_database(source), False
    from tutor.store.rebuild import rebuild

    data = read_export(source)
    work_folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=work_folder, prefix=".rebuild-", suffix=".db")
    os.close(handle)
    built = Path(name)
    built.unlink()  # open_database creates the file itself
    try:
        rebuild(f"sqlite:///{built}", data, str(source))
        return built, inspect_database(built), True
    except BaseException:
        discard(built)
        raise


def discard(path: Path) -> None:
    """Remove a temporary database and its journal files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def replace_collection(
    collection: Path,
    source: Path,
    now: datetime,
    *,
    pages_per_step: int = -1,
    progress: Progress | None = None,
) -> Path | None:
    """Back up the collection, then copy `source` into it with the backup API (one transaction:
    a crash leaves the old collection whole). Return where the old collection is kept (None if
    there was nothing to keep).

    A collection that is not a sound tutor database (unreadable, damaged, or refused by
    `collection_file.inspect_file`: foreign, a damaged meta row, newer) is moved aside
    (`.damaged-TIME`) instead: it never enters the backups, so it never becomes `latest` nor
    pushes a good backup out of the rotation.
    """
    safety = None
    if collection.exists() and _sound(collection):
        safety = automatic_backup(f"sqlite:///{collection}", "restore", now, rotation=False)
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            writer = sqlite3.connect(collection, timeout=10)
            try:
                reader.backup(
                    writer,
                    pages=pages_per_step,
                    progress=(lambda _s, left, total: progress(total - left, total))
                    if progress
                    else None,
                )
            finally:
                writer.close()
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot restore into {collection}: {exc}; the collection was not changed"
            ) from None
        finally:
            reader.close()
        rotate(collection)  # after the copy: the rotation may drop the backup just restored
        return safety
    collection.parent.mkdir(parents=True, exist_ok=True)
    if collection.exists():
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        safety, number = collection.with_name(f"{collection.name}.damaged-{stamp}"), 1
        while safety.exists():  # never over a file set aside before in the same second
            number += 1
            safety = collection.with_name(f"{collection.name}.damaged-{stamp}-{number}")
        for suffix in ("", "-wal", "-shm", "-journal"):
            old = collection.with_name(collection.name + suffix)
            if old.exists():
                old.rename(safety.with_name(safety.name + suffix))
    partial = collection.with_name(f".{collection.name}.restoring")
    discard(partial)
    copy_database(source, partial, pages_per_step=pages_per_step, progress=progress)
    os.replace(partial, collection)
    fsync_folder(collection.parent)
    return safety


def _sound(collection: Path) -> bool:
    """True if the collection is a tutor database this tutor opens and it passes quick_check."""
    try:
        inspect_file(collection)
    except StoreError:
        return False
    return _readable(collection)


def _readable(collection: Path) -> bool:
    """True if the collection is an SQLite database that opens and passes quick_check."""
    if not has_sqlite_header(collection):
        return False
    try:
        conn = sqlite3.connect(f"{collection.resolve().as_uri()}?mode=rw", uri=True, timeout=10)
        try:
            return bool(conn.execute("PRAGMA quick_check").fetchone() == ("ok",))
        finally:
            conn.close()
    except sqlite3.Error:
        return False

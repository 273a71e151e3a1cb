"""A look at an SQLite collection file that writes nothing: is it ours, and which schema version."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from tutor.errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"
SCHEMA_VERSION = 14  # the version tutor.store.db writes; kept here so stdlib readers need no store
TUTOR_TABLES = ("meta", "deck", "card")  # a file without these is not a tutor collection
UNCHANGED = "It was not changed."
LOCK_WAIT_S = 10  # how long opening a collection waits for another connection's lock
_ADVISE_CHECK: ContextVar[bool] = ContextVar("advise_check", default=True)


@contextmanager
def checking() -> Iterator[None]:
    """Messages made inside do not advise `tutor check`: `tutor check` itself is asking."""
    token = _ADVISE_CHECK.set(False)
    try:
        yield
    finally:
        _ADVISE_CHECK.reset(token)


def has_sqlite_header(path: Path) -> bool:
    """True if the file starts with SQLite's header (an unreadable file counts as one)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return True


def recovery(path: Path | str) -> str:
    """What to do about a damaged or foreign collection: name its newest backup, if it has one."""
    from tutor.backups import list_backups

    try:
        newest = next(iter(list_backups(Path(str(path).removeprefix("sqlite:///")))), None)
    except OSError:
        newest = None
    check = _ADVISE_CHECK.get()
    if newest is None:
        return ("check it (`tutor check`); " if check else "") + "tutor has no backup of it"
    made = newest.made_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"its newest backup is {newest.path} ({made}): `tutor restore latest` puts it back" + (
        "; or check it (`tutor check`)" if check else ""
    )


def damaged(path: Path | str, detail: object) -> StoreError:
    """The error for a file SQLite cannot read (damaged, or not a database after its header)."""
    return StoreError(
        f"{path} is damaged or not a database ({detail}); {recovery(path)}. {UNCHANGED}"
    )


def busy(where: Path | str) -> StoreError:
    """The error for a collection another connection holds locked past the wait."""
    return StoreError(f"the database {where} is busy (another tutor is writing to it); try again")


def is_busy(message: str) -> bool:
    """Whether an SQLite error's message says the file is locked or busy (not damaged)."""
    return "locked" in message or "busy" in message


def unreadable(path: Path | str, exc: sqlite3.DatabaseError) -> StoreError:
    """The error for a read of the file that failed: busy if it was locked, else damaged."""
    if isinstance(exc, sqlite3.OperationalError) and is_busy(str(exc)):
        return busy(path)
    return damaged(path, exc)


def check_header(path: Path) -> None:
    """Refuse an existing path that cannot be a collection: a folder, 0 bytes, not SQLite."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file; give a file path with --db")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if not header:
        raise StoreError(
            f"{path} is an empty file (0 bytes), not a tutor database; if it is a failed "
            f"copy, {recovery(path)}; to start afresh, delete it. {UNCHANGED}"
        )
    if header != SQLITE_HEADER:
        raise StoreError(f"{path} is not an SQLite database; give another path with --db")


def inspect_file(path: Path) -> int | None:
    """The schema version of the collection at `path`, or None if it holds no tables yet.

    Raise StoreError (the file untouched) if it is a folder, empty, not SQLite, damaged, foreign,
    or newer than this tutor. Only reads: no pragma, no journal mode change; nothing is left
    beside the file.
    """
    check_header(path)
    try:
        conn = sqlite3.connect(path, timeout=LOCK_WAIT_S)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    try:
        return schema_version_of(conn, path)
    except sqlite3.DatabaseError as exc:
        raise unreadable(path, exc) from None
    finally:
        conn.close()


def schema_version_of(conn: sqlite3.Connection, path: Path | str) -> int | None:
    """The schema version of an open collection (None: no tables); StoreError if refused."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    if not set(TUTOR_TABLES) <= tables:
        raise StoreError(
            f"{path} holds tables but is not a tutor database; give another --db, or if it "
            f"should be your collection, {recovery(path)}. {UNCHANGED}"
        )
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError:  # a meta table of another shape: no key/value columns
        row = None
    return checked_version(None if row is None else row[0], path)


def checked_version(value: object, path: Path | str) -> int:
    """A stored schema version as a number this tutor can open; StoreError otherwise."""
    if value is None:
        raise StoreError(
            f"{path} has no schema version in its meta table: it is not a tutor database or it "
            f"is damaged; {recovery(path)}. {UNCHANGED}"
        )
    try:
        version = int(str(value).strip())
    except ValueError:
        version = 0
    if version < 1:
        raise StoreError(
            f"{path} has a damaged schema version ({str(value)[:40]!r} in its meta table); "
            f"{recovery(path)}. {UNCHANGED}"
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer tutor (schema version {version}; this one knows up "
            f"to {SCHEMA_VERSION}); upgrade tutor to open it. {UNCHANGED}"
        )
    return version

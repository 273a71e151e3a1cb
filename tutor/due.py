"""`tutor due`: today's counts per deck, read with the stdlib sqlite3 module so it starts fast."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from tutor.collection_file import SCHEMA_VERSION as SCHEMA_VERSION  # re-exported
from tutor.config import Settings
from tutor.counts import Counts as Counts  # re-exported
from tutor.counts import DueCounts, due_today
from tutor.queue import Today
from tutor.queue_sql import sqlite_reader
from tutor.queue_sql import stamp as stamp  # re-exported


def due_counts(path: Path, settings: Settings, now: datetime) -> list[DueCounts]:
    """Per deck: new cards left today (after the limit), learning and review cards due today."""
    with sqlite_reader(path) as reader:
        return [] if reader is None else due_today(Today.read(reader, settings, now))


def due_counts_at(url: str, settings: Settings, now: datetime) -> list[DueCounts]:
    """The counts of the collection at a URL: an SQLite file with the stdlib, a server through
    the store (which imports SQLAlchemy and the driver: slower to start, the same counts)."""
    if url.startswith("sqlite:///"):
        return due_counts(Path(url.removeprefix("sqlite:///")), settings, now)
    from tutor.store.db import open_database

    db = open_database(url, create=False)
    try:
        return collection_due(db, settings, now)
    finally:
        db.close()


def collection_due(db: Any, settings: Settings, now: datetime) -> list[DueCounts]:
    """The same counts through the store (any database), for screens that hold it open."""
    from tutor.store.queue import StoreReader

    with db.read() as conn:
        return due_today(Today.read(StoreReader(conn), settings, now))

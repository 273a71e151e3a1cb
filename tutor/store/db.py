"""Engine from a URL (SQLite: WAL, foreign keys, durable commits), schema versions, transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlmodel import SQLModel

from tutor.collection_file import (
    SCHEMA_VERSION,
    busy,
    checked_version,
    damaged,
    inspect_file,
    is_busy,
)
from tutor.errors import StoreError
from tutor.store import rollups, tables
from tutor.store.prepared import Prepared
from tutor.store.server import connection_error, one_line, server_engine, shown_url

BUSY_TIMEOUT_MS = 10_000
# What SQLite says about a file damaged after it was opened (SQLITE_CORRUPT, SQLITE_NOTADB).
DAMAGE_SIGNS = ("malformed", "not a database", "disk image is corrupt")


# The card browser's covering index as versions 5 to 10 have it.
BROWSE_INDEX_V5 = (
    "CREATE INDEX IF NOT EXISTS ix_card_browse ON card (retired, deck_id, position, phase, due, "
    "suspended, buried_until, leech, lapses, reps, stability, difficulty, last_review)"
)


def _to_version_2(conn: Connection) -> None:
    """tutor optimize's history; calibration's covering index gains first_of_day."""
    tables.parameter_fit_table.create(conn)
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_review_calibration")
    conn.exec_driver_sql(
        "CREATE INDEX ix_review_calibration ON review "
        "(retrievability, rating, day, first_of_day)"  # as version 2 had it; version 4 drops it
    )


def _to_version_3(conn: Connection) -> None:
    """tutor reschedule's history: each run, and its cards' states before and after."""
    tables.rescheduling_table.create(conn, checkfirst=True)
    tables.rescheduled_card_table.create(conn, checkfirst=True)


def _to_version_4(conn: Connection) -> None:
    """The compact review log: typed state-after columns and times in microseconds; the JSON
    states before and after every answer (`review_state`) dropped."""
    from tutor.store.migrate_reviews import compact_reviews

    compact_reviews(conn)


def _to_version_5(conn: Connection) -> None:
    """Custom study's practice answers, the cards' own tags, forgotten cards."""
    tables.practice_table.create(conn, checkfirst=True)
    tables.card_tag_table.create(conn, checkfirst=True)
    tables.card_forget_table.create(conn, checkfirst=True)
    conn.exec_driver_sql(BROWSE_INDEX_V5)  # version 11 adds the schedule's numbers to it


def _to_version_6(conn: Connection) -> None:
    """The statistics' rollups, filled from the review log."""
    tables.review_rollup_table.create(conn, checkfirst=True)
    tables.calibration_rollup_table.create(conn, checkfirst=True)
    rollups.rebuild(conn, rollups.VERSION_6)


def _to_version_7(conn: Connection) -> None:
    """Each chosen option's text stored once per card (card_option); review_choice without
    rowid, keyed by card, answer and place."""
    from tutor.store.migrate_choices import options_once

    options_once(conn)


def _to_version_8(conn: Connection) -> None:
    """Card options in their compact form; a card's answers indexed by card alone; no due index."""
    from tutor.store.migrate_options import compact_card_options

    compact_card_options(conn)


def _to_version_9(conn: Connection) -> None:
    """Answers' due times as seconds after the answer; cards' creation times as microseconds;
    content hashes as bytes (SQLite)."""
    from tutor.store.migrate_bytes import fewer_bytes

    fewer_bytes(conn)


def _to_version_10(conn: Connection) -> None:
    """The correction for guessing's rollup (guess_rollup), filled from the review log."""
    from tutor.store.migrate_guesses import guesses_rolled_up

    guesses_rolled_up(conn)


def _to_version_11(conn: Connection) -> None:
    """Each card's last review in microseconds and interval in whole days beside their times
    (`tables.schedule_numbers`), in the card browser's covering index too."""
    from tutor.store.migrate_schedule_numbers import schedule_numbers_kept

    schedule_numbers_kept(conn)


def _to_version_12(conn: Connection) -> None:
    """Each card option's `active_deck_id`: its card's deck, NULL once the card is retired."""
    from tutor.store.migrate_option_decks import option_decks_kept

    option_decks_kept(conn)


def _to_version_13(conn: Connection) -> None:
    """Each card option's picks and the first and last learning day one was picked."""
    from tutor.store.migrate_option_picks import option_picks_kept

    option_picks_kept(conn)


def _to_version_14(conn: Connection) -> None:
    """Each answer's chosen options as numbers on its review row; no review_choice table."""
    from tutor.store.migrate_chosen import choices_in_reviews

    choices_in_reviews(conn)


# Each migration brings a database from version N-1 to N. A new database is created from the
# tables as they are now and stamped with SCHEMA_VERSION, so only older files run these.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _to_version_2,
    3: _to_version_3,
    4: _to_version_4,
    5: _to_version_5,
    6: _to_version_6,
    7: _to_version_7,
    8: _to_version_8,
    9: _to_version_9,
    10: _to_version_10,
    11: _to_version_11,
    12: _to_version_12,
    13: _to_version_13,
    14: _to_version_14,
}


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _check_sqlite_file(path: Path) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    inspect_file(path)  # refuse a folder, an empty, foreign or damaged file before any pragma


_BEGIN = {True: Prepared(text("BEGIN IMMEDIATE")), False: Prepared(text("BEGIN"))}


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front: two processes never lose each other's updates.
        immediate = connection.get_execution_options().get("tutor_write", False)
        _BEGIN[immediate].run(connection, {}).close()  # as exec_driver_sql, without its work


class Database:
    """An open collection: the engine, with read and write transactions."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction."""
        with _translate_errors(self.url), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self, *, rollback: bool = False, bulk: bool = False) -> Iterator[Connection]:
        """A write transaction holding the write lock from its start; commits durably on exit.

        With rollback=True every change is undone at the end (a dry run). With bulk=True (an
        insert of thousands of rows) an SQLite file that no other connection has open takes a
        rollback journal for the transaction (`_rollback_journal`).
        """
        with (
            _translate_errors(self.url),
            self.engine.connect().execution_options(tutor_write=True) as conn,
            _rollback_journal(conn) if bulk and not rollback else nullcontext(),
        ):
            transaction = conn.begin()
            try:
                yield conn
            except BaseException:
                transaction.rollback()
                raise
            if rollback:
                transaction.rollback()
            else:
                transaction.commit()

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _rollback_journal(conn: Connection) -> Iterator[None]:
    """The file in rollback-journal mode for one large transaction on `conn`, back in WAL mode
    after it: the new pages are written once, to the file, where the WAL takes them twice (to
    the WAL, then again by the checkpoint into the file), each time fsynced; the commit stays
    durable (synchronous FULL). Only when no other connection has the file open (leaving WAL
    mode needs that; asked without waiting): otherwise the WAL as always. No page is spilled
    into the file before the commit (`cache_spill` off), so readers are kept out by its lock
    only while the commit writes. A tutor connection opened meanwhile waits for the transaction
    to end, then puts the file back in WAL mode itself (`_configure_sqlite`)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw: Any = conn.connection.driver_connection  # outside SQLAlchemy's transaction: a pragma
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        switched = raw.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    except sqlite3.OperationalError:  # another connection holds the file: keep the WAL
        switched = False
    raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if switched:
        raw.execute("PRAGMA cache_spill = OFF")
    try:
        yield
    finally:
        if switched:
            raw.execute("PRAGMA cache_spill = ON")
            with suppress(sqlite3.OperationalError):  # still busy after the timeout: the next
                raw.execute("PRAGMA journal_mode = WAL")  # connection puts the WAL back


@contextmanager
def _translate_errors(url: str) -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:  # every driver error, not only OperationalError (disk full, I/O)
        message = str(exc.orig) if exc.orig is not None else str(exc)
        refused = connection_error(url, message)
        if refused is not None:
            raise refused from exc
        if isinstance(exc, OperationalError) and is_busy(message):
            raise busy(url) from exc
        if "disk is full" in message or "disk I/O error" in message:
            raise StoreError(
                f"cannot write to {url}: {message} (is the disk full?); nothing was saved by this "
                "step: free some space and try again"
            ) from exc
        if any(sign in message for sign in DAMAGE_SIGNS):
            raise damaged(sqlite_path(url) or url, message) from exc
        raise StoreError(f"database error on {shown_url(url)}: {one_line(message)}") from exc


def open_database(url: str, *, create: bool = True) -> Database:
    """Open (and create or migrate) the collection at `url`; refuse a newer or foreign file."""
    try:
        path = sqlite_path(url)
    except ArgumentError:
        raise StoreError(f"{url!r} is not a database URL or file path") from None
    if path is not None:
        if not create and not path.exists():
            raise StoreError(f"no database at {path}; import a deck first (tutor import PATH)")
        _check_sqlite_file(path)
    try:
        engine = create_engine(url) if path is not None else server_engine(url)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database URL {shown_url(url)!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    database = Database(engine, url)
    try:
        migrated = _prepare_schema(database)
        if migrated and engine.dialect.name == "sqlite":
            _vacuum(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise StoreError(
            f"cannot open the database {shown_url(url)}: {one_line(str(exc.orig))}"
        ) from None
    except StoreError:
        engine.dispose()
        raise
    return database


def _vacuum(engine: Engine) -> None:
    """Give a migrated file's freed pages back (rows rewritten in place leave pages half full)."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
    finally:
        raw.close()


def _prepare_schema(database: Database) -> bool:
    """Create or migrate the schema; True if a migration ran."""
    with database.write() as conn:
        existing = set(inspect(conn).get_table_names())
        if not existing:
            SQLModel.metadata.create_all(conn)
            conn.execute(
                tables.meta_table.insert(), {"key": "schema_version", "value": str(SCHEMA_VERSION)}
            )
            return False
        if "meta" not in existing:
            raise StoreError(
                f"{database.url} holds tables but is not a tutor database; give another --db"
            )
        row = conn.execute(
            select(tables.meta_table.c.value).where(tables.meta_table.c.key == "schema_version")
        ).scalar_one_or_none()
        version = checked_version(row, database.url)
        if version < SCHEMA_VERSION:
            _backup_before_migration(database.url)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target](conn)
            conn.execute(
                tables.meta_table.update()
                .where(tables.meta_table.c.key == "schema_version")
                .values(value=str(target))
            )
        return version < SCHEMA_VERSION


def _backup_before_migration(url: str) -> None:
    from tutor.backups import automatic_backup
    from tutor.clock import utc_now

    automatic_backup(url, "migration", utc_now())


def schema_version(conn: Connection) -> int:
    """The schema version recorded in the database."""
    value = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    return int(value or 0)

"""A refused database (foreign, newer, damaged) gets a message and stays byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SEED_DECK
from tutor.backups import make_backup
from tutor.cli import main
from tutor.errors import StoreError
from tutor.store.db import open_database

TUTOR_TABLES = "CREATE TABLE deck (id INTEGER PRIMARY KEY); CREATE TABLE card (id INTEGER);"


def _rollback_db(path: Path, script: str) -> None:
    """An SQLite file in the default rollback-journal mode, built by `script`."""
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.commit()
    conn.close()
    assert _journal_mode(path) == "delete"


def _journal_mode(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def _with_meta(value: str | None, *, shape: str = "key TEXT, value TEXT") -> str:
    row = "" if value is None else f"INSERT INTO meta VALUES ('schema_version', '{value}');"
    return f"CREATE TABLE meta ({shape}); {TUTOR_TABLES} {row}"


def _damage_after_header(path: Path) -> None:
    """Overwrite the first page after the 100-byte header: SQLite says 'malformed'."""
    _rollback_db(path, "CREATE TABLE t (x); INSERT INTO t VALUES (1);" + _with_meta("1"))
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))


def _bad_header_fields(path: Path) -> None:
    """The SQLite magic string followed by garbage: SQLite says 'file is not a database'."""
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)


def _foreign_wal(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()


BUILDERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "foreign": (
        lambda p: _rollback_db(p, "CREATE TABLE notes (x); INSERT INTO notes VALUES (1);"),
        "is not a tutor database",
    ),
    "foreign-with-meta": (
        lambda p: _rollback_db(p, _with_meta(None, shape="a, b")),
        "no schema version in its meta table",
    ),
    "newer-schema": (lambda p: _rollback_db(p, _with_meta("99")), "newer tutor (schema version 99"),
    "version-abc": (lambda p: _rollback_db(p, _with_meta("abc")), "damaged schema version ('abc'"),
    "version-minus-one": (
        lambda p: _rollback_db(p, _with_meta("-1")),
        "damaged schema version ('-1'",
    ),
    "version-missing": (
        lambda p: _rollback_db(p, _with_meta(None)),
        "no schema version in its meta table",
    ),
    "malformed": (_damage_after_header, "database disk image is malformed"),
    "not-a-database": (_bad_header_fields, "file is not a database"),
    "foreign-wal": (_foreign_wal, "is not a tutor database"),
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _neighbours(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p != path)


@pytest.fixture(params=sorted(BUILDERS))
def refused(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    build, message = BUILDERS[request.param]
    path = tmp_path / "collection.db"
    build(path)
    return path, message


@pytest.mark.usefixtures("at_a_terminal")
def test_every_command_refuses_it_with_a_message_and_changes_nothing(
    refused: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, message = refused
    before = _sha256(path)
    for command in (
        ["decks"],
        ["due"],
        ["info"],
        ["stats", "--json"],
        ["suspended"],
        ["unsuspend", "1"],
        ["import", str(SEED_DECK)],
        ["review"],
    ):
        code = main(["--db", str(path), *command])
        err = capsys.readouterr().err
        assert code == 3, (command, err)
        assert f"tutor: {path}" in err and message in err, (command, err)
        assert "was not changed" in err
    assert _sha256(path) == before
    assert _neighbours(path) == []  # no -wal, -shm or -journal left beside it


@pytest.mark.parametrize(
    "kind",
    [
        "foreign-with-meta",
        "version-abc",
        "version-minus-one",
        "version-missing",
        "malformed",
        "not-a-database",
    ],
)
def test_damaged_files_name_the_newest_backup_and_the_recovery_commands(
    kind: str, tmp_path: Path
) -> None:
    build, message = BUILDERS[kind]
    path = tmp_path / "collection.db"
    build(path)
    with pytest.raises(StoreError) as caught:
        open_database(f"sqlite:///{path}")
    assert message in caught.value.message
    assert "`tutor check`" in caught.value.message
    assert "tutor has no backup of it" in caught.value.message
    path.unlink()
    open_database(f"sqlite:///{path}").close()
    older = make_backup(path, "daily", datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    newest = make_backup(path, "daily", datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    path.unlink()
    build(path)
    with pytest.raises(StoreError) as caught:
        open_database(f"sqlite:///{path}")
    assert f"its newest backup is {newest} (2026-11-26 12:00 UTC)" in caught.value.message
    assert "`tutor restore latest` puts it back" in caught.value.message
    assert str(older) not in caught.value.message


@pytest.mark.parametrize("kind", ["foreign-with-meta", "version-abc", "malformed"])
def test_the_real_command_prints_one_line_and_no_traceback(kind: str, tmp_path: Path) -> None:
    build, message = BUILDERS[kind]
    path = tmp_path / "collection.db"
    build(path)
    before = _sha256(path)
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "--db", str(path), "decks"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert _sha256(path) == before and _neighbours(path) == []


def test_a_rollback_mode_foreign_database_stays_in_rollback_mode(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    BUILDERS["foreign"][0](path)
    with pytest.raises(StoreError):
        open_database(f"sqlite:///{path}")
    assert _journal_mode(path) == "delete"


def test_a_tutor_database_still_opens_and_switches_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "collection.db"
    open_database(f"sqlite:///{path}").close()
    plain = sqlite3.connect(path)
    plain.execute("PRAGMA journal_mode = DELETE")
    plain.close()
    database = open_database(f"sqlite:///{path}")
    try:
        with database.read() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        database.close()

"""The same collection on a server: every command by URL, migrations, moving an export between
SQLite and PostgreSQL, and one-line messages when the server cannot be used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.conftest import NOW as START
from tests.conftest import REPO, SEED_DECK
from tests.helpers.choices_v6 import back_to_version_6
from tests.helpers.collection import build_history
from tests.helpers.postgres import Server
from tutor.cli import main
from tutor.collection_file import SCHEMA_VERSION
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store import rollups
from tutor.store.db import Database, open_database
from tutor.store.rebuild import rebuild
from tutor.store.repository import export_collection
from tutor.store.server import shown_url

NOW = "2026-11-27T12:00:00+00:00"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_command_works_by_url(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """import, decks, due (the fast command), stats, export and info on a file and a server."""
    monkeypatch.setenv("TUTOR_NOW", NOW)
    db.close()
    assert run(capsys, "--db", db_url, "import", str(SEED_DECK))[0] == 0
    code, out, _ = run(capsys, "--db", db_url, "due", "--json")
    assert code == 0 and json.loads(out)["total"] == {
        "new": 10,
        "learning": 0,
        "review": 0,
        "total": 10,
    }
    code, out, _ = run(capsys, "--db", db_url, "decks")
    assert code == 0 and "Neural network optimization for edge devices" in out
    code, out, _ = run(capsys, "--db", db_url, "stats", "--json")
    assert code == 0 and json.loads(out)["counts"]["new"] == 10
    code, out, _ = run(capsys, "--db", db_url, "export")
    assert code == 0 and len(json.loads(out)["cards"]) == 10
    code, out, _ = run(capsys, "--db", db_url, "info")
    assert code == 0 and f"schema version: {SCHEMA_VERSION}" in out and "cards: 10" in out


def test_an_old_schema_migrates_on_either_database(db: Database, tmp_path: Path) -> None:
    """Version 4 (before custom study's tables and the statistics' rollups) with a history runs
    every later migration; the rollups come out equal to a rebuild from the log. (Migration 4
    itself is tested on a committed version-3 file: tests/store/test_migration_v4.py.)"""
    build_history(db, tmp_path / "decks")
    with db.write() as conn:
        for table in ("practice", "card_tag", "card_forget", "review_rollup", "calibration_rollup"):
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("DROP INDEX ix_card_browse"))
        back_to_version_6(conn)  # review_choice as versions 4 to 6 had it
        conn.execute(text("UPDATE meta SET value = '4' WHERE key = 'schema_version'"))
    db.close()
    migrated = open_database(db.url)
    try:
        with migrated.read() as conn:
            found = inspect(conn)
            assert {"practice", "card_tag", "card_forget", "review_rollup"} <= set(
                found.get_table_names()
            )
            assert "ix_card_browse" in {i["name"] for i in found.get_indexes("card")}
            assert rollups.differences(conn) == []
            stored = conn.execute(text("SELECT sum(reviews) FROM review_rollup")).scalar()
            logged = conn.execute(text("SELECT count(*) FROM review")).scalar()
            assert logged is not None and logged > 0 and stored == logged
            version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'"))
            assert version.scalar() == str(SCHEMA_VERSION)
    finally:
        migrated.close()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_server_collection_rebuilt_from_its_export_in_a_file_exports_the_same(
    backend: str, db: Database, tmp_path: Path
) -> None:
    """A collection with history moves off the server through its export: ids, states, logs."""
    build_history(db, tmp_path / "decks")
    with db.read() as conn:
        first = export_collection(conn)
    rebuild(f"sqlite:///{tmp_path / 'moved.db'}", first, "export.json")
    moved = open_database(f"sqlite:///{tmp_path / 'moved.db'}")
    try:
        with moved.read() as conn:
            assert export_collection(conn) == first
    finally:
        moved.close()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_sqlite_export_rebuilt_on_a_server_exports_the_same(
    backend: str, db_url: str, tmp_path: Path
) -> None:
    source = open_database(f"sqlite:///{tmp_path / 'source.db'}")
    try:
        build_history(source, tmp_path / "decks")
        with source.read() as conn:
            first = export_collection(conn)
    finally:
        source.close()
    rebuild(db_url, first, "export.json")
    server = open_database(db_url)
    try:
        with server.read() as conn:
            assert export_collection(conn) == first
        # the ids went in as given: the server's sequences moved past them, answers still save
        settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
        session = ReviewSession(server, settings, clock=lambda: START, sync=False)
        shown = session.next_card()
        assert shown is not None
        session.grade(None, 3000)
        recorded = session.answer(Grade.GOOD)
        assert recorded.review_id > max(r["id"] for c in first["cards"] for r in c["reviews"])
    finally:
        server.close()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_server_that_cannot_be_used_is_one_line_naming_it_without_the_password(
    backend: str, db_url: str, pg_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(db_url).set(password="s3cret")
    unreachable = url.set(host="127.0.0.1", port=1)
    unknown_user = url.set(username="nobody_here")
    missing = url.set(database="no_such_collection")
    cases = {
        unreachable: "cannot reach the server",
        unknown_user: "the server refused the login: there is no user nobody_here",
        missing: "the database no_such_collection does not exist on the server",
    }
    for bad, says in cases.items():
        for command in ("due", "decks", "info", "stats"):
            given = bad.render_as_string(hide_password=False)
            code, _, err = run(capsys, "--db", given, command)
            assert code == 3, (command, err)
            [line] = err.splitlines()
            assert says in line and shown_url(given) in line
            assert "s3cret" not in err and "Traceback" not in err


@pytest.mark.parametrize("backend", ["postgresql"])
def test_info_shows_the_server_and_the_schema_version_not_the_password(
    backend: str, db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import_paths(db, [SEED_DECK], START)
    db.close()
    from sqlalchemy.engine import make_url

    url = make_url(db_url).set(password="s3cret")  # the test server trusts every login
    given = url.render_as_string(hide_password=False)
    code, out, _ = run(capsys, "--db", given, "info")
    assert code == 0
    assert f"  server:  postgresql at {url.host}:{url.port}, database {url.database}" in out
    assert f"schema version: {SCHEMA_VERSION}" in out and "cards: 10" in out
    for command in ("check", "backup", "info"):
        code, out, err = run(capsys, "--db", given, command)
        assert "s3cret" not in out + err and ":***@" in out + err


def test_postgresql_tests_skip_outside_ci_and_fail_inside_without_a_server(
    tmp_path: Path,
) -> None:
    """A child pytest finding no server skips, saying how to run them; under CI it fails."""
    test = "tests/store/test_postgres.py::test_an_old_schema_migrates_on_either_database"
    env = {k: v for k, v in os.environ.items() if k not in ("TUTOR_TEST_PG_URL", "CI")}
    env["PG_BIN"] = str(tmp_path / "no-server-here")
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-rs",
        "-p",
        "no:cacheprovider",
        f"{test}[postgresql]",
    ]
    outside = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert outside.returncode == 0 and "1 skipped" in outside.stdout
    assert "PostgreSQL tests need a server" in outside.stdout and ".ci/run" in outside.stdout
    inside = subprocess.run(
        command, cwd=REPO, env={**env, "CI": "true"}, capture_output=True, text=True
    )
    assert inside.returncode == 1 and "CI must run the PostgreSQL tests" in inside.stdout

"""Shared fixtures: a temporary collection, a pinned clock, deck files written on the fly."""

from __future__ import annotations

import os
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers import postgres
from tests.helpers.postgres import Server
from tutor.store.db import Database, open_database

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent
SEED_DECK = REPO / "decks" / "edge-nn-optimization.md"


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Never touch the user's collection or settings: point every location at a temp folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TUTOR_DB", str(home / "default.db"))
    monkeypatch.setenv("TUTOR_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()  # local time is UTC in every test, whatever the machine's zone
    monkeypatch.delenv("TUTOR_NOW", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "collection.db"


BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: a test of the `db` fixture that runs on SQLite only"
    )
    config.addinivalue_line("markers", "postgresql: a database test running on PostgreSQL")
    config.addinivalue_line(
        "markers", "both_databases: a screen test (tests/tui) run on PostgreSQL too"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test of the `db` (or `db_url`) fixture runs on both databases, unless it also
    reaches the SQLite file itself (`db_path`), is marked sqlite_only or drives a screen (tui/:
    the screens reach the store through the same calls; snapshots keep their names) without
    being marked both_databases."""
    names = metafunc.fixturenames
    if "backend" not in names or "db_path" in names:
        return
    if "tui" in metafunc.definition.path.parts and not metafunc.definition.get_closest_marker(
        "both_databases"
    ):
        return
    chosen = any("backend" in m.args[0] for m in metafunc.definition.iter_markers("parametrize"))
    if not chosen and metafunc.definition.get_closest_marker("sqlite_only") is None:
        metafunc.parametrize("backend", BACKENDS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test run on PostgreSQL, so `-m postgresql` selects them all."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgresql":
            item.add_marker(pytest.mark.postgresql)


@pytest.fixture
def backend() -> str:
    """The database a test's collection lives in (parametrised by pytest_generate_tests)."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server | None]:
    """A PostgreSQL server for the whole run (None if there can be none here: see the skips)."""
    if postgres.unavailable() is not None:
        yield None
        return
    with postgres.server() as server:
        yield server


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The collection's URL: a file in tmp_path, or a fresh database on the PostgreSQL server."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'collection.db'}"
        return
    server: Server | None = request.getfixturevalue("pg_server")
    if server is None:
        reason = f"PostgreSQL tests need a server: {postgres.unavailable()}; {postgres.HOW_TO_RUN}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    with server.fresh_database() as url:
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.close()


WriteDeck = Callable[..., Path]


@pytest.fixture
def write_deck(tmp_path: Path) -> WriteDeck:
    """Write a deck file (dedented text) under tmp_path/decks and return its path."""

    def write(name: str, text: str, folder: str = "decks") -> Path:
        path = tmp_path / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if typed in a terminal: `tutor` and `tutor review` get past their terminal check."""
    from tutor import cli

    monkeypatch.setattr(cli, "_has_terminal", lambda: True)

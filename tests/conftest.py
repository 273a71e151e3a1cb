"""Shared fixtures: a temporary collection, a pinned clock, deck files written on the fly."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

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


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{db_path}")
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

"""Large deck files parsed in a forked child while `tutor import` starts: real forks, real files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import NOW
from tests.deck.test_split_read import _bundled_like
from tutor import forked
from tutor.cli import main
from tutor.deck import read_ahead as read_ahead_module
from tutor.deck.formats import parse_new_bytes
from tutor.deck.read_ahead import READ_AHEAD_FROM, read_ahead

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")

CARD_COLUMNS = (
    "slug, key, kind, question, body, options, explanation, answer, content_hash, "
    "source_line, position, created_at"
)


@pytest.fixture
def large_deck(tmp_path: Path) -> Path:
    path = tmp_path / "large.md"
    path.write_text(_bundled_like(400), encoding="utf-8")
    assert path.stat().st_size >= READ_AHEAD_FROM
    return path.resolve()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cards(db: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(f"SELECT {CARD_COLUMNS} FROM card ORDER BY position").fetchall()


def _import(db: Path, deck: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), "import", str(deck)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_large_new_deck_comes_from_the_child_as_it_parses_here(large_deck: Path) -> None:
    ahead = read_ahead([large_deck.parent])
    assert (ahead is not None) == forked.may_fork()
    if ahead is None:
        return
    digest = _digest(large_deck)
    try:
        deck, rows = ahead.new_deck(large_deck, digest) or (None, None)
    finally:
        ahead.end()
    assert rows is not None and len(rows) == 400
    assert (deck, rows) == parse_new_bytes(large_deck.read_bytes(), large_deck, digest)


def test_bytes_other_than_those_the_child_read_are_parsed_here(large_deck: Path) -> None:
    ahead = read_ahead([large_deck])
    if ahead is None:
        assert not forked.may_fork()
        return
    try:
        assert ahead.new_deck(large_deck, hashlib.sha256(b"edited since").hexdigest()) is None
        assert ahead.new_deck(large_deck.with_name("other.md"), _digest(large_deck)) is None
    finally:
        ahead.end()


def test_small_decks_are_parsed_by_the_import_itself(tmp_path: Path) -> None:
    small = tmp_path / "small.md"
    small.write_text(_bundled_like(20), encoding="utf-8")
    assert read_ahead([small]) is None
    assert read_ahead([tmp_path / "missing.md"]) is None


def test_the_import_of_a_large_deck_stores_what_an_import_without_the_child_stores(
    large_deck: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    code, out, _ = _import(tmp_path / "ahead.db", large_deck, capsys)
    assert code == 0 and "400 added" in out
    monkeypatch.setattr(read_ahead_module, "may_fork", lambda: False)
    code, out, _ = _import(tmp_path / "here.db", large_deck, capsys)
    assert code == 0 and "400 added" in out
    assert _cards(tmp_path / "ahead.db") == _cards(tmp_path / "here.db")
    assert len(_cards(tmp_path / "ahead.db")) == 400


def test_a_large_deck_with_an_error_is_reported_by_line_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _bundled_like(400)
    broken_at = text.index("- [x]", len(text) // 2)  # a card in the middle loses its right option
    text = text[:broken_at] + "- [ ]" + text[broken_at + 5 :]
    line = text.count("\n", 0, text.rindex("\n## ", 0, broken_at) + 1) + 1
    deck = tmp_path / "broken.md"
    deck.write_text(text, encoding="utf-8")
    ahead = read_ahead([deck])
    if ahead is not None:
        try:
            assert ahead.new_deck(deck.resolve(), _digest(deck)) is None  # left to the import
        finally:
            ahead.end()
    code, _, err = _import(tmp_path / "c.db", deck, capsys)
    assert code == 2
    assert f"{deck.resolve()}:{line}: card " in err and "none is marked [x]" in err
    assert "Nothing from a file with errors was changed" in err
    assert not _cards(tmp_path / "c.db")


def test_a_child_that_hangs_is_killed_and_the_deck_parsed_here(
    large_deck: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(read_ahead_module, "_PATIENCE", 0.05)
    monkeypatch.setattr(read_ahead_module, "_PATIENCE_PER_MB", 0.0)
    monkeypatch.setattr(read_ahead_module, "_parse_all", lambda files: time.sleep(60))
    ahead = read_ahead([large_deck])
    if ahead is not None:
        assert ahead.new_deck(large_deck, _digest(large_deck)) is None
        with pytest.raises(ChildProcessError):  # killed and reaped: no process left behind
            os.waitpid(ahead.child.pid, os.WNOHANG)
        ahead.end()
    code, out, _ = _import(tmp_path / "d.db", large_deck, capsys)
    assert code == 0 and "400 added" in out


def test_a_re_import_of_an_unchanged_deck_stops_the_child_unasked(
    large_deck: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "e.db"
    assert _import(db, large_deck, capsys)[0] == 0
    code, out, _ = _import(db, large_deck, capsys)
    assert code == 0 and "unchanged (400 cards)" in out
    ahead = read_ahead([large_deck])
    if ahead is not None:
        ahead.end()  # never asked: the child is killed and reaped
        with pytest.raises(ChildProcessError):
            os.waitpid(ahead.child.pid, os.WNOHANG)

"""One definition of a known tag (tutor.known_tags): a tag only retired cards carry is unknown to
study, review, stats, export and `tutor cards` alike (one line, exit 4, nothing changed), and a
known tag is accepted by every one of them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import WriteDeck
from tutor import cli
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.known_tags import is_known
from tutor.store.db import Database
from tutor.store.queue import StoreReader
from tutor.store.tables import card_table, deck_table

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
NO_SUCH_TAG = (
    "tutor: no card has the tag 'gone'; tags come from a deck's front matter and its cards' "
    "`Tags:` lines (`tutor cards tag:TAG` searches them)\n"
)


@pytest.fixture
def retired_tag(
    db: Database, db_path: Path, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Deck "Old" (front-matter tag `gone`) whose two cards are both retired, and deck "Live"
    (tag `live`) with one card of its own tag `both`. (Every card of a deck is retired directly:
    an edit that removes them all leaves a file without cards, which does not import.)"""
    old = write_deck("old.md", "---\ntitle: Old\ntags: [gone]\n---\n\n## Q1\n\nA.\n\n## Q2\n\nB.\n")
    live = write_deck("live.md", "---\ntitle: Live\ntags: [live]\n---\n\n## Q3\nTags: both\n\nC.\n")
    import_paths(db, [old, live], START)
    with db.write() as conn:
        old_deck = conn.execute(deck_table.select().where(deck_table.c.name == "Old")).one()
        conn.execute(
            card_table.update().where(card_table.c.deck_id == old_deck.id).values(retired=True)
        )
    db.close()
    monkeypatch.setenv("TUTOR_NOW", (START + timedelta(hours=1)).isoformat())
    return db_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def no_screen(monkeypatch: pytest.MonkeyPatch, at_a_terminal: None) -> list[list[str] | None]:
    """Study and review get past the terminal check; the screen they would open is recorded."""
    opened: list[list[str] | None] = []

    def run_app(args: object, decks: list[str] | None, **_kw: object) -> int:
        opened.append(decks)
        return 0

    monkeypatch.setattr(cli, "_run_app", run_app)
    return opened


@pytest.mark.parametrize(
    "argv",
    [
        ["study", "practice", "--tag", "gone"],
        ["study", "practice", "--search", "tag:gone"],
        ["study", "ahead", "3", "--tag", "gone"],
        ["review", "--tag", "gone"],
        ["stats", "--tag", "gone"],
        ["stats", "--tag", "GONE", "--json"],
        ["export", "--tag", "gone"],
        ["cards", "tag:gone"],
        ["cards", "--tag", "gone", "--json"],
    ],
)
def test_a_tag_only_retired_cards_carry_is_unknown_to_every_reader(
    argv: list[str],
    retired_tag: Path,
    capsys: pytest.CaptureFixture[str],
    no_screen: list[list[str] | None],
) -> None:
    before = retired_tag.read_bytes()
    message = NO_SUCH_TAG.replace("'gone'", "'GONE'") if "GONE" in argv else NO_SUCH_TAG
    assert run(capsys, "--db", str(retired_tag), *argv) == (4, "", message)
    assert no_screen == []  # refused before any screen
    assert retired_tag.read_bytes() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["study", "practice", "--tag", "both"],
        ["study", "ahead", "3", "--tag", "LIVE"],
        ["review", "--tag", "live"],
        ["stats", "--tag", "both", "--json"],
        ["export", "--tag", "live"],
        ["cards", "tag:both"],
    ],
)
def test_a_tag_a_live_card_carries_is_known_to_every_reader(
    argv: list[str],
    retired_tag: Path,
    capsys: pytest.CaptureFixture[str],
    no_screen: list[list[str] | None],
) -> None:
    code, out, err = run(capsys, "--db", str(retired_tag), *argv)
    assert (code, err) == (0, "")
    if argv[0] in ("study", "review"):
        assert len(no_screen) == 1  # the screen opens
    elif argv[0] == "stats":
        assert json.loads(out)["counts"]["new"] == 1  # Q3 alone
    else:
        assert "Q3" in out and "Q1" not in out


def test_a_known_tag_that_matches_nothing_else_is_no_match_not_unknown(
    retired_tag: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--db", str(retired_tag), "cards", "tag:live", "is:suspended") == (
        0,
        "No card matches.\n",
        "",
    )
    code, out, _err = run(capsys, "--db", str(retired_tag), "cards", "tag:gone", "is:retired")
    assert code == 0 and out.endswith("\n2 cards match.\n")  # the retired cards are still found
    code, out, _err = run(capsys, "--db", str(retired_tag), "cards", "--json", "tag:live")
    assert code == 0 and json.loads(out)["total"] == 1


def test_is_known_ignores_case_and_reads_own_and_deck_tags(retired_tag: Path) -> None:
    from tutor.store.db import open_database

    db = open_database(f"sqlite:///{retired_tag}")
    try:
        with db.read() as conn:
            reader = StoreReader(conn)
            known = {
                tag: is_known(reader, tag, SETTINGS, START)
                for tag in ("live", "LIVE", "both", "Both", "gone", "nosuch", "%", "_")
            }
    finally:
        db.close()
    assert known == {
        "live": True,
        "LIVE": True,
        "both": True,
        "Both": True,
        "gone": False,
        "nosuch": False,
        "%": False,
        "_": False,
    }

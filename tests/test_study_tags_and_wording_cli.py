"""`--tag` with a tag no card has refuses study and review as stats does (exit 4, one line,
nothing changed); counts in `tutor stats --tag`, `tutor export` and `tutor cards` are singular
for one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import WriteDeck
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
NO_SUCH_TAG = (
    "tutor: no card has the tag 'nosuch'; tags come from a deck's front matter and its cards' "
    "`Tags:` lines (`tutor cards tag:TAG` searches them)\n"
)


@pytest.fixture
def one_card(
    db: Database, db_path: Path, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Deck "One" (tag `solo`, one card) answered Easy once at START; the clock an hour later."""
    import_paths(
        db, [write_deck("one.md", "---\ntitle: One\ntags: [solo]\n---\n\n## Q\n\nA.\n")], START
    )
    session = ReviewSession(db, SETTINGS, clock=lambda: START, sync=False)
    while session.next_card() is not None:
        session.answer(Grade.EASY)
    db.close()
    monkeypatch.setenv("TUTOR_NOW", (START + timedelta(hours=1)).isoformat())
    return db_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv",
    [
        ["study", "practice", "--tag", "nosuch"],
        ["study", "practice", "--search", "tag:nosuch"],
        ["study", "ahead", "3", "--tag", "nosuch"],
        ["review", "--tag", "nosuch"],
        ["stats", "--tag", "nosuch"],
    ],
)
def test_a_tag_no_card_has_is_one_line_and_exit_4(
    argv: list[str], one_card: Path, capsys: pytest.CaptureFixture[str], at_a_terminal: None
) -> None:
    before = one_card.read_bytes()
    assert run(capsys, "--db", str(one_card), *argv) == (4, "", NO_SUCH_TAG)
    assert one_card.read_bytes() == before


def test_counts_of_one_are_singular(
    one_card: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "--db", str(one_card), "stats", "--tag", "solo")
    assert code == 0 and "\n  1 review, 1 right (100.0%)" in out
    assert "1 reviews" not in out
    target = tmp_path / "out.json"
    code, _out, err = run(capsys, "--db", str(one_card), "export", "-o", str(target))
    assert (code, err) == (0, f"exported 1 deck and 1 card to {target}\n")
    code, out, _err = run(capsys, "--db", str(one_card), "cards", "Q")
    assert code == 0 and out.endswith("\n1 card matches.\n")


def test_counts_of_two_are_plural(
    db: Database,
    db_path: Path,
    write_deck: WriteDeck,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import_paths(
        db,
        [write_deck("a.md", "# A\n\n## Qa\n\nA.\n"), write_deck("b.md", "# B\n\n## Qb\n\nB.\n")],
        START,
    )
    db.close()
    target = tmp_path / "out.json"
    code, _out, err = run(capsys, "--db", str(db_path), "export", "-o", str(target))
    assert (code, err) == (0, f"exported 2 decks and 2 cards to {target}\n")
    code, out, _err = run(capsys, "--db", str(db_path), "cards", "Q")
    assert code == 0 and out.endswith("\n2 cards match.\n")

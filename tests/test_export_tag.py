"""`tutor export --tag T`: only the cards with the tag (their own or their deck's), each with its
whole history, restorable on its own; the cards' own tags come back with a restore."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import WriteDeck
from tutor.check import check_collection
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.errors import ConfigError, NotFoundError
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tagged(db: Database, db_path: Path, write_deck: WriteDeck) -> Path:
    """Deck "Verbs" tagged `verbs` in its front matter (2 cards); deck "Mixed" with one card
    tagged `verbs` on its own line and one tagged `nouns`; every card answered on two days."""
    verbs = write_deck(
        "verbs.md", "---\ntitle: Verbs\ntags: [verbs]\n---\n\n## Go\n\nA.\n\n## Run\n\nB.\n"
    )
    mixed = write_deck(
        "mixed.md",
        "# Mixed\n\n## Eat\nTags: Verbs\n\nC.\n\n## Table\nTags: nouns\n\nD.\n",
    )
    import_paths(db, [verbs, mixed], START)
    clock = [START]
    for day in (0, 8):
        clock[0] = START + timedelta(days=day)
        session = ReviewSession(db, SETTINGS, clock=lambda: clock[0], sync=False)
        while session.next_card() is not None:
            session.answer(Grade.EASY)
    db.close()
    return db_path


def exported(capsys: pytest.CaptureFixture[str], collection: Path, *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, "--db", str(collection), "export", *args)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_export_tag_keeps_the_tagged_cards_with_their_whole_history(
    tagged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = exported(capsys, tagged)
    some = exported(capsys, tagged, "--tag", "VERBS")  # case ignored
    assert sorted(c["question"] for c in some["cards"]) == ["Eat", "Go", "Run"]
    every = {c["id"]: c for c in whole["cards"]}
    for card in some["cards"]:
        assert card == every[card["id"]]  # the same record: state, every review, tags
        assert len(card["reviews"]) == 2
    assert sorted(d["name"] for d in some["decks"]) == ["Mixed", "Verbs"]
    assert [c["tags"] for c in some["cards"] if c["question"] == "Eat"] == [["Verbs"]]
    nouns = exported(capsys, tagged, "--tag", "nouns")
    assert [c["question"] for c in nouns["cards"]] == ["Table"]
    assert [d["name"] for d in nouns["decks"]] == ["Mixed"]  # the decks of the cards only


def test_a_tagged_export_restores_on_its_own_and_keeps_card_tags(
    tagged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "verbs.json"
    code, _, err = run(capsys, "--db", str(tagged), "export", "--tag", "verbs", "-o", str(out))
    assert code == 0 and "exported 2 decks and 3 cards" in err
    fresh = tmp_path / "fresh" / "fresh.db"
    code, _, err = run(capsys, "--db", str(fresh), "restore", "--yes", str(out))
    assert code == 0, err
    code, listed, err = run(capsys, "--db", str(fresh), "cards", "tag:verbs", "--json")
    assert code == 0, err
    assert sorted(c["question"] for c in json.loads(listed)["cards"]) == ["Eat", "Go", "Run"]
    assert check_collection(f"sqlite:///{fresh}", SETTINGS).clean
    again = exported(capsys, fresh)
    assert again == json.loads(out.read_text(encoding="utf-8"))  # export, restore, export


def test_a_tag_no_card_has_is_one_line_and_writes_nothing(
    tagged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "none.json"
    code, printed, err = run(
        capsys, "--db", str(tagged), "export", "--tag", "verbs", "--tag", "nouns", "-o", str(out)
    )
    assert (code, printed) == (NotFoundError.exit_code, "")
    assert err == "tutor: no card has the tags 'verbs', 'nouns'; nothing was exported\n"
    assert not out.exists()
    code, _, err = run(capsys, "--db", str(tagged), "export", "--apkg", "x.apkg", "--tag", "v")
    assert code == ConfigError.exit_code and err.startswith("tutor: --tag chooses cards")
    assert not Path("x.apkg").exists()

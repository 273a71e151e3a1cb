"""Practice answers (custom study's practice: the `practice` table) are in the export (version 5,
key `practice`) and come back with a restore; older exports still restore; `tutor check` stays
clean; `--tag` keeps the tagged cards' practice answers only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import WriteDeck
from tutor.card_query import parse_query
from tutor.check import check_collection
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database, open_database
from tutor.store.tables import practice_table
from tutor.study import Study

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
DECK = """\
# Words

## Choose the cat
Tags: animals

- [x] Cat — right.
- [ ] Dog — a different animal.

## Word one

Mot un.
"""


@pytest.fixture
def practised(db: Database, db_path: Path, write_deck: WriteDeck) -> Path:
    """Both cards learned on day 0; on day 2 each practised: the cat card wrong (Dog), then the
    recall card Good; the cat card practised again right."""
    import_paths(db, [write_deck("words.md", DECK)], START)
    clock = [START]
    session = ReviewSession(db, SETTINGS, clock=lambda: clock[0], sync=False)
    while session.next_card() is not None:
        session.answer(Grade.EASY)
        clock[0] += timedelta(seconds=30)
    clock[0] = START + timedelta(days=2)
    study = Study("practice", query=parse_query("deck:Words"))
    for picks in ([1], [0]):
        practice = ReviewSession(db, SETTINGS, clock=lambda: clock[0], sync=False, study=study)
        while (shown := practice.next_card()) is not None:
            clock[0] += timedelta(seconds=7)
            if shown.card.kind == "choice":
                practice.grade(picks, 7000)
                practice.answer()
            elif picks == [1]:
                practice.grade(None, 7000)
                practice.answer(Grade.GOOD)
            else:
                break
    db.close()
    return db_path


def export(capsys: pytest.CaptureFixture[str], collection: Path, *args: str) -> dict[str, Any]:
    code = main(["--db", str(collection), "export", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def practice_rows(collection: Path) -> list[tuple[Any, ...]]:
    db = open_database(f"sqlite:///{collection}")
    try:
        with db.read() as conn:
            rows = conn.execute(select(practice_table).order_by(practice_table.c.id)).all()
    finally:
        db.close()
    return [tuple(row) for row in rows]


def test_practice_answers_are_exported_and_a_restore_brings_them_back(
    practised: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = export(capsys, practised)
    assert data["version"] == 5 and list(data)[-1] == "practice"
    cards = {card["question"]: card["id"] for card in data["cards"]}
    cat, word = cards["Choose the cat"], cards["Word one"]
    day_two = (START + timedelta(days=2)).isoformat()
    assert [(p["card_id"], p["rating"], p["correct"], p["chosen"]) for p in data["practice"]] == [
        (cat, 1, False, ["Dog"]),
        (word, 3, None, []),
        (cat, 3, True, ["Cat"]),
    ]
    first = data["practice"][0]
    assert set(first) == {
        "id",
        "card_id",
        "practiced_at",
        "rating",
        "suggested_rating",
        "correct",
        "duration_ms",
        "chosen",
        "retrievability",
    }
    assert first["practiced_at"] > day_two and first["duration_ms"] == 7000
    assert 0 < first["retrievability"] < 1
    exported = tmp_path / "export.json"
    exported.write_text(json.dumps(data), encoding="utf-8")
    restored = tmp_path / "restored.db"
    assert main(["--db", str(restored), "restore", str(exported), "--yes"]) == 0
    capsys.readouterr()
    assert practice_rows(restored) == practice_rows(practised)  # ids, times, picks: all of it
    assert export(capsys, restored) == data  # export, restore, export: identical
    assert check_collection(f"sqlite:///{restored}", SETTINGS).clean


def test_an_export_of_version_4_without_practice_still_restores(
    practised: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = export(capsys, practised)
    data["version"] = 4
    del data["practice"]
    exported = tmp_path / "v4.json"
    exported.write_text(json.dumps(data), encoding="utf-8")
    restored = tmp_path / "restored.db"
    assert main(["--db", str(restored), "restore", str(exported), "--yes"]) == 0
    capsys.readouterr()
    again = export(capsys, restored)
    assert again["practice"] == [] and again["cards"] == data["cards"]
    assert check_collection(f"sqlite:///{restored}", SETTINGS).clean


def test_a_tagged_export_keeps_the_practice_answers_of_its_cards_only(
    practised: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    some = export(capsys, practised, "--tag", "animals")
    [cat] = some["cards"]
    assert [p["card_id"] for p in some["practice"]] == [cat["id"], cat["id"]]
    exported = tmp_path / "tagged.json"
    exported.write_text(json.dumps(some), encoding="utf-8")
    restored = tmp_path / "restored.db"
    assert main(["--db", str(restored), "restore", str(exported), "--yes"]) == 0
    capsys.readouterr()
    assert len(practice_rows(restored)) == 2
    assert check_collection(f"sqlite:///{restored}", SETTINGS).clean


def test_a_practice_answer_of_a_card_not_in_the_export_is_a_damaged_export(
    practised: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = export(capsys, practised)
    data["practice"][0]["card_id"] = 999
    exported = tmp_path / "damaged.json"
    exported.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "target.db"
    assert main(["--db", str(target), "restore", str(exported), "--yes"]) != 0
    err = capsys.readouterr().err
    assert err.startswith(f"tutor: {exported} is a damaged tutor export") and err.count("\n") == 1
    assert "ValueError: practice answers of cards it does not hold: [999]" in err
    assert err.endswith("nothing was changed\n") and not target.exists()

"""`tutor check`: real SQLite files broken by hand, named in the report, repaired when safe."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import SEED_DECK, WriteDeck
from tests.helpers.migration_checks import raw
from tutor.check import ROLLUPS_AGREE, CheckReport, check_collection
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def recall_deck(n: int) -> str:
    return "# Recall\n\n" + "".join(f"## Card {i}\n\nAnswer {i}.\n\n" for i in range(n))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def review_for_days(db: Database, days: int = 12, seed: int = 5) -> None:
    """A learner answering everything due for `days` days, with fuzz on (the default)."""
    rng = random.Random(seed)
    settings = Settings(timezone="UTC")
    clock = Clock(START)
    for day in range(days):
        clock.now = START + timedelta(days=day)
        session = ReviewSession(db, settings, clock=clock, rng=random.Random(day), sync=False)
        while session.next_card() is not None:
            session.grade(None, 4000)
            session.answer(Grade(rng.randint(1, 4)))
            clock.now += timedelta(seconds=45)


@pytest.fixture
def collection(db: Database, db_path: Path, write_deck: WriteDeck) -> Path:
    """A closed collection file (WAL checkpointed): two decks, twelve days of reviews."""
    import_paths(db, [SEED_DECK, write_deck("recall.md", recall_deck(8))], START)
    review_for_days(db)
    db.close()
    return db_path


def check(path: Path, *, repair: bool = False) -> CheckReport:
    return check_collection(f"sqlite:///{path}", Settings(timezone="UTC"), repair=repair)


def kinds(report: CheckReport) -> dict[str, tuple[int | str, ...]]:
    return {f.kind: f.ids for f in report.problems}


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    tables = ["deck", "card", "review", "review_before", "card_option", "parameter_set", "meta"]
    return {t: raw(path, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}


def reviewed_card(path: Path) -> int:
    """A card with several answers in its log."""
    rows = raw(path, "SELECT card_id FROM review GROUP BY card_id HAVING count(*) >= 3 LIMIT 1")
    return int(rows[0][0])  # type: ignore[call-overload,no-any-return]


def test_a_clean_collection_with_fuzzed_reviews_is_clean(collection: Path) -> None:
    assert raw(collection, "SELECT count(*) FROM review")[0][0] > 50  # type: ignore[operator]
    report = check(collection)
    assert report.clean and report.problems == []
    statuses = {r.name: r.status for r in report.results}
    assert statuses == {
        "quick_check": "ok",
        "schema": "ok",
        "foreign_key_check": "ok",
        "card_states": "ok",
        "orphans": "ok",
        "deck_files": "ok",
        "rollups": "ok",
        "schedule_numbers": "ok",
        "option_decks": "ok",
        "option_picks": "ok",
    }
    assert [r.note for r in report.results if r.name == "rollups"] == [ROLLUPS_AGREE]


def test_an_altered_stability_is_named_and_rebuilt_from_the_log(collection: Path) -> None:
    card = reviewed_card(collection)
    (stability,) = raw(collection, f"SELECT stability FROM card WHERE id = {card}")[0]
    raw(collection, f"UPDATE card SET stability = 99.5 WHERE id = {card}")

    found = check(collection)
    assert kinds(found) == {"state_differs": (card,)}
    assert not found.clean

    repaired = check(collection, repair=True)
    assert [f.kind for f in repaired.repaired] == ["state_differs"]
    assert repaired.clean
    assert raw(collection, f"SELECT stability FROM card WHERE id = {card}") == [(stability,)]
    assert check(collection).clean


def test_a_deleted_review_row_is_named_and_the_card_rebuilt(collection: Path) -> None:
    card = reviewed_card(collection)
    first, count = raw(collection, f"SELECT min(id), count(*) FROM review WHERE card_id = {card}")[
        0
    ]
    raw(collection, f"DELETE FROM review WHERE id = {first}")

    found = kinds(check(collection))
    assert found["state_differs"] == (card,)
    assert found["counters_differ"] == (card,)  # reps no longer match the log
    assert "orphan_review_before" not in found  # no state of its own left behind

    report = check(collection, repair=True)
    assert report.clean, report.problems
    assert raw(collection, f"SELECT reps FROM card WHERE id = {card}") == [(count - 1,)]  # type: ignore[operator]
    assert raw(collection, "PRAGMA foreign_key_check") == []
    assert check(collection).clean


def test_an_orphan_review_before_is_deleted_by_repair(collection: Path) -> None:
    raw(collection, "INSERT INTO review_before (review_id, state) VALUES (424242, '{}')")
    found = kinds(check(collection))
    assert found == {
        "orphan_review_before": (424242,),
        "foreign_key:review_before->review": (found["foreign_key:review_before->review"][0],),
    }
    before = table_rows(collection)

    assert check(collection, repair=True).clean
    after = table_rows(collection)
    assert [r for r in before["review_before"] if r not in after["review_before"]] == [
        (424242, "{}")
    ]
    assert {t: r for t, r in after.items() if t != "review_before"} == {
        t: r for t, r in before.items() if t != "review_before"
    }  # nothing else was touched


def test_a_missing_deck_file_is_reported_and_left_alone(
    collection: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "decks" / "recall.md").unlink()
    found = check(collection)
    (finding,) = found.problems
    assert (finding.kind, finding.ids, finding.repairable) == (
        "deck_file_missing",
        ("Recall",),
        False,
    )
    before = table_rows(collection)

    assert main(["--db", str(collection), "check", "--repair"]) == 1
    out = capsys.readouterr().out
    advice = "the cards keep their history; restore the file or ignore"
    assert f"decks whose file is missing: 1 — Recall; {advice}" in out
    assert out.splitlines()[-1] == "verdict: 1 problem that --repair cannot fix (see above)"
    assert table_rows(collection) == before  # the cards keep their history


def test_a_foreign_key_violation_is_reported_not_repaired(
    collection: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = reviewed_card(collection)
    raw(collection, f"UPDATE card SET deck_id = 999 WHERE id = {card}")
    found = kinds(check(collection))
    assert found["foreign_key:card->deck"] == (card,)
    assert found["card_of_missing_deck"] == (card,)
    before = table_rows(collection)

    assert main(["--db", str(collection), "check", "--repair"]) == 1
    out = capsys.readouterr().out
    assert (
        f"cards of a missing deck (card ids): 1 — {card}; restore a backup: `tutor restore latest`"
        in out
    )
    assert table_rows(collection) == before


def test_repair_of_a_clean_collection_changes_no_byte(collection: Path) -> None:
    before = collection.read_bytes()
    report = check(collection, repair=True)
    assert report.clean and report.repaired == ()
    assert collection.read_bytes() == before


def test_cards_that_agree_with_their_log_are_not_damage_after_the_settings_changed(
    collection: Path,
) -> None:
    changed = Settings(
        timezone="UTC", defaults=DeckSettings(learning_steps=("1m", "10m", "1h"), fuzz=False)
    )
    before = collection.read_bytes()
    report = check_collection(f"sqlite:///{collection}", changed, repair=True)
    [states] = [r for r in report.results if r.name == "card_states"]
    assert report.clean and report.repaired == ()
    assert states.note is not None and "agree with their own log" in states.note
    assert int(states.note.split()[0]) > 0
    assert collection.read_bytes() == before  # nothing rewritten under the new settings
    raw(collection, "UPDATE card SET stability = stability + 1 WHERE id = 1 AND reps > 0")
    assert [f.kind for f in check_collection(f"sqlite:///{collection}", changed).problems] == [
        "state_differs"
    ]


def test_a_corrupted_page_names_the_file_and_repair_leaves_it_alone(
    collection: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(collection, damaged)
    (page_size,) = raw(damaged, "PRAGMA page_size")[0]
    (root,) = raw(damaged, "SELECT rootpage FROM sqlite_master WHERE name = 'card'")[0]
    offset = page_size * (root - 1)  # type: ignore[operator]
    assert offset > 100  # past the file header
    with damaged.open("r+b") as handle:
        handle.seek(offset)
        handle.write(bytes(range(256)) * 4)
    before = damaged.read_bytes()

    report = check(damaged)
    (finding,) = report.problems
    assert (finding.kind, finding.ids, finding.repairable) == (
        "damaged_file",
        (str(damaged),),
        False,
    )
    assert {r.name: r.status for r in report.results if r.name != "quick_check"} == dict.fromkeys(
        [
            "foreign_key_check",
            "card_states",
            "orphans",
            "deck_files",
            "rollups",
            "schedule_numbers",
            "option_decks",
            "option_picks",
        ],
        "skipped",
    )

    assert main(["--db", str(damaged), "check", "--repair"]) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "is damaged" in line)
    assert line.startswith(f"  {damaged} is damaged or not a database (")
    assert line.endswith("tutor has no backup of it. It was not changed.")
    assert damaged.read_bytes() == before
    assert not Path(f"{damaged}-wal").exists()


def test_another_database_skips_the_sqlite_checks_and_says_so() -> None:
    report = check_collection("sqlite://", Settings(timezone="UTC"))
    skipped = {r.name: r.skipped for r in report.results if r.skipped}
    assert skipped == {
        "quick_check": "not an SQLite database file",
        "foreign_key_check": "not an SQLite database",
    }
    assert report.clean


def test_the_command_as_a_process_exits_0_clean_1_broken(collection: Path, tmp_path: Path) -> None:
    def tutor(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tutor", "--db", str(collection), "check", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )

    clean = tutor()
    assert (clean.returncode, clean.stdout.splitlines()[-1]) == (
        0,
        "verdict: clean, no problems found",
    )
    card = reviewed_card(collection)
    raw(collection, f"UPDATE card SET lapses = lapses + 5 WHERE id = {card}")

    broken = tutor("--json")
    assert broken.returncode == 1 and broken.stderr == ""
    data = json.loads(broken.stdout)
    assert (data["clean"], data["problems"], data["repairable"]) == (False, 1, 1)
    states = next(c for c in data["checks"] if c["name"] == "card_states")
    assert states["findings"][0]["kind"] == "counters_differ"
    assert states["findings"][0]["ids"] == [card]

    repaired = tutor("--repair")
    assert repaired.returncode == 0
    assert (
        repaired.stdout.splitlines()[-1]
        == "verdict: repaired 1 problem; the collection is clean now"
    )
    assert tutor().returncode == 0

    missing = subprocess.run(
        [sys.executable, "-m", "tutor", "--db", str(tmp_path / "none.db"), "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert missing.returncode == 3
    assert missing.stderr.startswith(f"tutor: no database at {tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()

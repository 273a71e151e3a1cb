"""A damaged or refused collection: never backed up, set aside by restore, named with a backup."""

from __future__ import annotations

import json
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tests.conftest import REPO, SEED_DECK
from tutor import collection_file
from tutor.backups import backups_dir, list_backups, make_backup
from tutor.check import check_collection
from tutor.cli import main
from tutor.clock import utc_now
from tutor.config import Settings
from tutor.errors import StoreError
from tutor.peek import first_card
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import open_database
from tutor.tui.app import TutorApp

DAY = "2026-11-27T09:00:00+00:00"
LATER = "2026-11-27T15:00:00+00:00"
PAGE = 4096


def tutor(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as a learner runs it: a process, with its exit status and its stderr."""
    return subprocess.run(
        [sys.executable, "-m", "tutor", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def collection(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled deck imported and one card answered (the day's backup made, at 09:00: a
    collection without answers gets none); the clock then at 15:00."""
    monkeypatch.setenv("TUTOR_NOW", DAY)
    assert main(["--db", str(db_path), "import", str(SEED_DECK)]) == 0
    db = open_database(f"sqlite:///{db_path}")
    session = ReviewSession(db, Settings(timezone="UTC"), clock=utc_now)
    session.next_card()
    session.grade(None, 1000)
    session.answer(Grade.GOOD)
    db.close()
    assert main(["--db", str(db_path), "decks"]) == 0
    assert [b.kind for b in list_backups(db_path)] == ["daily"]
    monkeypatch.setenv("TUTOR_NOW", LATER)
    return db_path


def garbage_page_8(path: Path) -> None:
    """Random bytes over the root pages of the card table and its indexes (the table's was page
    8 when the trial found this: a covering index now answers some reads without the table), as
    `dd if=/dev/urandom of=PATH bs=4096 count=1 seek=N conv=notrunc` would write them (seeded)."""
    conn = sqlite3.connect(path)
    roots = conn.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'card'").fetchall()
    conn.close()
    noise = random.Random(8)
    with path.open("r+b") as handle:
        for (root,) in roots:
            if root:
                handle.seek((root - 1) * PAGE)
                handle.write(noise.randbytes(PAGE))


def set_schema_version(path: Path, value: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (value,))
    conn.commit()
    conn.close()


def foreign_file(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("INSERT INTO notes VALUES ('not cards')")
    conn.commit()
    conn.close()


BREAKERS = {
    "garbage-page": garbage_page_8,
    "schema-abc": lambda p: set_schema_version(p, "abc"),
    "foreign": foreign_file,
}


def backup_files() -> list[str]:
    return sorted(p.name for p in backups_dir().iterdir())


@pytest.mark.parametrize("breaker", sorted(BREAKERS))
def test_a_broken_collection_is_never_backed_up_and_restore_latest_puts_the_good_one_back(
    collection: Path, breaker: str
) -> None:
    [good] = list_backups(collection)
    BREAKERS[breaker](collection)
    broken = collection.read_bytes()

    manual = tutor(collection, "backup")
    assert manual.returncode == 3 and manual.stdout == ""
    assert manual.stderr.startswith(f"tutor: {collection} ")
    assert f"its newest backup is {good.path}" in manual.stderr
    assert backup_files() == [good.path.name]  # no backup, no .partial left

    with pytest.raises(StoreError):  # an automatic backup is refused just the same
        make_backup(collection, "daily", utc_now())
    assert backup_files() == [good.path.name]
    assert collection.read_bytes() == broken

    restored = tutor(collection, "restore", "latest", "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "1 deck, 10 cards, 1 review" in restored.stdout
    assert tutor(collection, "decks").returncode == 0
    assert [b.path for b in list_backups(collection)] == [good.path]


def test_a_damaged_page_fails_the_copy_s_quick_check_even_when_the_file_opens(
    collection: Path,
) -> None:
    garbage_page_8(collection)  # the card table's root page: meta and the schema still read
    assert collection_file.inspect_file(collection) == collection_file.SCHEMA_VERSION
    with pytest.raises(StoreError) as caught:
        make_backup(collection, "manual", utc_now())
    assert "its copy fails quick_check: database disk image is malformed" in caught.value.message
    assert not list(backups_dir().glob("*.partial"))
    assert [b.kind for b in list_backups(collection)] == ["daily"]


def test_automatic_backups_of_a_damaged_collection_are_warnings_and_the_command_succeeds(
    collection: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (root,) = (
        sqlite3.connect(collection)
        .execute("SELECT rootpage FROM sqlite_master WHERE name = 'review_before'")
        .fetchone()
    )
    with collection.open("r+b") as handle:  # a page no command here reads: only a check finds it
        handle.seek((root - 1) * PAGE)
        handle.write(random.Random(8).randbytes(PAGE))
    monkeypatch.setenv("TUTOR_NOW", "2026-11-28T09:00:00+00:00")  # the next day: a daily is due
    deck = tmp_path / "more.md"
    deck.write_text("# More\n\n## One more?\n\nYes.\n", encoding="utf-8")

    result = tutor(collection, "import", str(deck))
    assert result.returncode == 0, result.stderr
    assert "More: imported — 1 added" in result.stdout
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2 and "Traceback" not in result.stderr
    assert "no backup before this import" in warnings[0]
    assert warnings[1].startswith("tutor: warning: the daily backup failed: ")
    assert all("its copy fails quick_check" in w for w in warnings)
    assert [b.kind for b in list_backups(collection)] == ["daily"]
    assert not list(backups_dir().glob("*.partial"))


@pytest.mark.parametrize("breaker", ["schema-abc", "foreign", "garbage-page"])
def test_restore_sets_a_broken_collection_aside_and_keeps_the_good_daily_backup(
    collection: Path, breaker: str
) -> None:
    made = tutor(collection, "backup")
    assert made.returncode == 0, made.stderr
    manual = Path(made.stdout.strip())
    [daily] = [b.path for b in list_backups(collection) if b.kind == "daily"]
    BREAKERS[breaker](collection)
    broken = collection.read_bytes()

    restored = tutor(collection, "restore", str(manual), "--yes")
    assert restored.returncode == 0, restored.stderr
    [aside] = collection.parent.glob("collection.db.damaged-*")
    assert aside.read_bytes() == broken  # set aside whole, not backed up
    assert f"kept in {aside}" in restored.stdout
    assert sorted(b.path for b in list_backups(collection)) == sorted([daily, manual])
    assert list_backups(collection)[0].path == manual  # the broken file never became latest
    assert tutor(collection, "restore", "latest", "--yes").returncode == 0
    assert tutor(collection, "decks").returncode == 0


def test_a_second_broken_collection_set_aside_in_the_same_second_keeps_the_first(
    collection: Path,
) -> None:
    manual = Path(tutor(collection, "backup").stdout.strip())
    set_schema_version(collection, "abc")
    first = collection.read_bytes()
    assert tutor(collection, "restore", str(manual), "--yes").returncode == 0
    foreign_file(collection)
    assert tutor(collection, "restore", str(manual), "--yes").returncode == 0
    aside = sorted(collection.parent.glob("collection.db.damaged-*"))
    assert len(aside) == 2 and first in {p.read_bytes() for p in aside}


@pytest.mark.parametrize(
    "command", [["decks"], ["info"], ["stats", "--json"], ["suspended"], ["export"]]
)
def test_damage_found_after_opening_names_the_file_and_the_newest_backup(
    collection: Path, command: list[str]
) -> None:
    [good] = list_backups(collection)
    garbage_page_8(collection)
    result = tutor(collection, *command)
    assert result.returncode == 3
    assert result.stdout == "" or command == ["info"]  # info prints its versions first
    [line] = result.stderr.splitlines()
    assert line.startswith(f"tutor: {collection} is damaged or not a database (")
    assert "database disk image is malformed" in line and "database error on" not in line
    assert f"its newest backup is {good.path}" in line and "`tutor restore latest`" in line


async def test_the_home_screen_shows_the_damage_in_place_of_the_table(collection: Path) -> None:
    garbage_page_8(collection)
    db = open_database(f"sqlite:///{collection}")  # the meta and schema pages are whole
    try:
        app = TutorApp(db, Settings(timezone="UTC"), clock=utc_now, sync=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            shown = str(app.screen.query_one("#empty", Static).content)
            assert app.screen.query_one("#empty", Static).display
            assert not app.screen.query_one("#decks", DataTable).display
            assert f"{collection} is damaged or not a database" in shown
            assert "tutor restore latest" in shown
    finally:
        db.close()


@pytest.mark.parametrize("shape", ["empty", "folder", "text"])
def test_due_and_the_first_card_refuse_what_every_command_refuses(
    tmp_path: Path, shape: str
) -> None:
    path = tmp_path / "collection.db"
    if shape == "empty":
        path.touch()
    elif shape == "folder":
        path.mkdir()
    else:
        path.write_text("not a database\n")
    expected = {
        "empty": "is an empty file (0 bytes)",
        "folder": "is a folder, not a database file",
        "text": "is not an SQLite database",
    }[shape]
    for command in (["due"], ["due", "--json"], ["decks"]):
        result = tutor(path, *command)
        assert (result.returncode, result.stdout) == (3, ""), command
        assert expected in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(StoreError, match=re.escape(expected)):
        first_card(path, Settings(timezone="UTC"), utc_now())
    assert (path.is_dir() or path.stat().st_size < 20) and not list(tmp_path.glob("*-wal"))


def test_check_reports_a_refused_collection_as_a_finding_without_sending_you_to_check(
    collection: Path,
) -> None:
    [good] = list_backups(collection)
    set_schema_version(collection, "abc")
    before = collection.read_bytes()

    text = tutor(collection, "check")
    assert text.returncode == 1 and text.stderr == ""
    assert "`tutor check`" not in text.stdout
    assert "schema: 1 problem" in text.stdout
    assert f"{collection} has a damaged schema version ('abc'" in text.stdout
    assert f"its newest backup is {good.path}" in text.stdout
    assert text.stdout.splitlines()[-1] == "verdict: 1 problem that --repair cannot fix (see above)"

    data = json.loads(tutor(collection, "check", "--json", "--repair").stdout)
    [schema] = [c for c in data["checks"] if c["name"] == "schema"]
    [finding] = schema["findings"]
    assert (finding["kind"], finding["ids"], finding["repairable"]) == (
        "refused",
        [str(collection)],
        False,
    )
    assert str(good.path) in finding["advice"] and "tutor check" not in finding["advice"]
    assert data["clean"] is False
    assert collection.read_bytes() == before
    # everywhere else the advice still mentions `tutor check`
    assert "or check it (`tutor check`)" in tutor(collection, "decks").stderr


def test_check_reports_an_empty_file_and_a_foreign_database_as_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    foreign = tmp_path / "foreign.db"
    foreign.touch()
    foreign_file(foreign)
    for path, words in ((empty, "empty file (0 bytes)"), (foreign, "not a tutor database")):
        report = check_collection(f"sqlite:///{path}", Settings(timezone="UTC"))
        [finding] = report.problems
        assert finding.kind == "refused" and words in finding.what
        assert "tutor has no backup of it" in finding.what and "tutor check" not in finding.what


def test_check_s_line_for_a_damaged_file_reads_as_a_sentence(collection: Path) -> None:
    [good] = list_backups(collection)
    garbage_page_8(collection)
    result = tutor(collection, "check")
    assert result.returncode == 1
    [line] = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert line.startswith(f"  {collection} is damaged or not a database (")
    assert f"its newest backup is {good.path}" in line
    assert ": 1 —" not in line and "tutor check" not in line


def test_a_collection_locked_past_the_wait_is_busy_not_damaged(
    collection: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another program holding the file locked (a rollback journal's exclusive lock) past the
    wait is reported as busy, with "try again": never as damaged, never pointed at a restore."""
    monkeypatch.setattr(collection_file, "LOCK_WAIT_S", 0.05)
    holder = sqlite3.connect(collection, isolation_level=None)
    try:
        assert holder.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError) as refused:
            collection_file.inspect_file(collection)
        assert main(["--db", str(collection), "decks"]) != 0
    finally:
        holder.close()
    said = capsys.readouterr().err
    for message in (str(refused.value), said):
        assert f"{collection} is busy" in message and "try again" in message
        assert "damaged" not in message and "restore" not in message
    assert main(["--db", str(collection), "decks"]) == 0  # once let go, it opens as before

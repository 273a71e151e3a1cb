"""Export never overwrites what it should not; restore from a backup or an export is exact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.collection import START, build_history, quick_check, review_count
from tutor.backups import list_backups, make_backup
from tutor.cli import main
from tutor.errors import ConfigError
from tutor.safe_write import write_atomic
from tutor.store.db import Database


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def history(db: Database, db_path: Path, tmp_path: Path) -> Path:
    """A collection with reviews, a retired, a suspended and a buried card, several decks."""
    build_history(db, tmp_path / "decks")
    db.close()
    return db_path


def export(capsys: pytest.CaptureFixture[str], collection: Path, target: Path) -> str:
    code, _, err = run(capsys, "--db", str(collection), "export", "-o", str(target))
    assert code == 0, err
    return target.read_text(encoding="utf-8")


def test_export_onto_the_collection_or_another_database_is_refused_and_changes_nothing(
    history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    other.write_bytes(history.read_bytes())
    for target, says in (
        (history, "is the collection itself"),
        (Path(f"{history}-wal"), "belongs to the collection"),
        (other, "is an SQLite database"),
    ):
        before = history.read_bytes(), other.read_bytes()
        code, out, err = run(capsys, "--db", str(history), "export", "-o", str(target))
        assert (code, out) == (ConfigError.exit_code, "")
        assert err.startswith(f"tutor: {target} ") and says in err and "Traceback" not in err
        assert (history.read_bytes(), other.read_bytes()) == before
    assert quick_check(history) == "ok"


def test_export_into_a_missing_folder_or_onto_a_folder_is_a_message(
    history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", str(history), "export", "-o", str(tmp_path / "no/x.json"))
    assert code == 2 and err == f"tutor: the folder {tmp_path / 'no'} does not exist; " + (
        "create it first or choose another\n"
    )
    code, _, err = run(capsys, "--db", str(history), "export", "-o", str(tmp_path))
    assert code == 2 and f"tutor: {tmp_path} is a folder; give a file name" in err
    assert not (tmp_path / "no").exists()


def test_export_replaces_an_existing_file_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old export\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "x" * 100_000 + "\udc80")  # fails halfway through the write
    assert target.read_text(encoding="utf-8") == "old export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    write_atomic(target, "new export\n")
    assert target.read_text(encoding="utf-8") == "new export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_export_restore_export_gives_identical_json(
    history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = export(capsys, history, tmp_path / "first.json")
    data = json.loads(first)
    cards = data["cards"]
    assert len({c["deck"] for c in cards}) == 3 and sum(len(c["reviews"]) for c in cards) > 50
    assert [c["retired"] for c in cards].count(True) == 1
    assert [c["suspended"] for c in cards].count(True) == 1
    assert sum(c["buried_until"] is not None for c in cards) == 1
    assert data["parameter_sets"] and data["version"] == 5

    fresh = tmp_path / "new" / "fresh.db"
    code, out, err = run(
        capsys, "--db", str(fresh), "restore", "--yes", str(tmp_path / "first.json")
    )
    assert code == 0, err
    assert f"Restored {fresh}" in out
    assert export(capsys, fresh, tmp_path / "second.json") == first
    assert quick_check(fresh) == "ok" and review_count(fresh) == review_count(history)

    code, out, err = run(
        capsys, "--db", str(history), "restore", "--yes", str(tmp_path / "first.json")
    )
    assert code == 0, err
    assert "is backed up" not in out and "kept in" in out  # the collection as it was
    assert export(capsys, history, tmp_path / "third.json") == first


def test_restore_from_a_backup_brings_back_that_collection_and_backs_up_the_current(
    history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = export(capsys, history, tmp_path / "before.json")
    assert run(capsys, "--db", str(history), "backup")[0] == 0
    deck = tmp_path / "decks" / "extra.md"
    deck.write_text("# Extra\n\n## New\n\nA\n", encoding="utf-8")
    assert run(capsys, "--db", str(history), "import", str(deck))[0] == 0
    changed = export(capsys, history, tmp_path / "changed.json")
    assert changed != before

    code, out, err = run(capsys, "--db", str(history), "restore", "latest")
    assert code == 2 and "add --yes" in err  # stdin is not a terminal in tests
    assert export(capsys, history, tmp_path / "still.json") == changed

    code, out, err = run(capsys, "--db", str(history), "restore", "latest", "--yes")
    assert code == 0, err
    assert export(capsys, history, tmp_path / "after.json") == before
    [safety] = [b for b in list_backups(history) if b.kind == "restore"]
    assert str(safety.path) in out
    code, _, err = run(capsys, "--db", str(history), "restore", str(safety.path), "--yes")
    assert code == 0, err
    assert export(capsys, history, tmp_path / "undone.json") == changed


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"garbage, not a database", "is neither a tutor backup (SQLite) nor a tutor export"),
        (b'{"format": "something-else"}', "is not a tutor export"),
        (b'{"format": "tutor-export", "version": 99}', "tutor export of version 99"),
        (b'{"format": "tutor-export", "version": 1, "decks": []}', "of version 1"),
        (b'{"format": "tutor-export", "version": 2, "decks": []}', "is a damaged tutor export"),
        (b'{"format": "tutor-export", "version": 2,', "is not valid JSON"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_tutor_backup_and_changes_nothing(
    history: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    says: str,
) -> None:
    bad = tmp_path / "bad.file"
    bad.write_bytes(content)
    before = history.read_bytes()
    code, out, err = run(capsys, "--db", str(history), "restore", "--yes", str(bad))
    assert code == 3 and out == ""
    assert err.startswith(f"tutor: {bad} ") and says in err and err[-1] == "\n"
    assert err.count("\n") == 1 and "Traceback" not in err
    assert history.read_bytes() == before
    assert [b.kind for b in list_backups(history)] == ["import"]  # only build_history's one
    assert [p.name for p in tmp_path.glob("**/.rebuild-*")] == []


def test_restore_refuses_a_foreign_sqlite_database(
    history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE meta (key, value)")
    before = history.read_bytes()
    code, _, err = run(capsys, "--db", str(history), "restore", "--yes", str(foreign))
    assert code == 3 and "holds tables but is not a tutor database" in err
    assert history.read_bytes() == before


def test_restore_latest_without_backups_and_a_missing_file_are_messages(
    db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", str(db_path), "restore", "--yes", "latest")
    assert code == 3 and "no backups of" in err and "tutor backup" in err
    code, _, err = run(capsys, "--db", str(db_path), "restore", "--yes", "/no/such.db")
    assert code == 3 and "/no/such.db is not a file" in err


def test_restore_replaces_a_damaged_collection_and_keeps_it_aside(
    history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = make_backup(history, "manual", START)
    history.write_bytes(b"\0" * 4096)  # broken by hand
    code, out, err = run(capsys, "--db", str(history), "restore", "--yes", str(backup))
    assert code == 0, err
    kept = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert f"kept in {kept[0]}" in out
    assert [p.read_bytes() for p in kept] == [b"\0" * 4096]
    assert quick_check(history) == "ok" and review_count(history) == review_count(backup)

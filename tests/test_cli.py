"""The command line as a user runs it: exit codes, messages, JSON shapes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, WriteDeck
from tutor.cli import main
from tutor.collection_file import SCHEMA_VERSION


def tutor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_json_shape_and_decks_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = tutor(capsys, "import", "--json", str(REPO / "decks"))
    assert code == 0
    report = json.loads(out)
    [deck] = report["decks"]
    assert {k: deck[k] for k in ("name", "added", "updated", "unchanged", "retired")} == {
        "name": "Neural network optimization for edge devices",
        "added": 10,
        "updated": 0,
        "unchanged": 0,
        "retired": 0,
    }
    assert deck["path"].endswith("edge-nn-optimization.md")
    assert report["errors"] == []
    code, out, _ = tutor(capsys, "decks", "--json")
    [row] = json.loads(out)["decks"]
    assert {
        k: row[k] for k in ("cards", "new", "learning", "review", "due", "retired", "suspended")
    } == {
        "cards": 10,
        "new": 10,
        "learning": 0,
        "review": 0,
        "due": 10,  # today's queue: the 10 new cards (limit 20)
        "retired": 0,
        "suspended": 0,
    }


def test_import_errors_exit_non_zero_with_file_and_line(
    capsys: pytest.CaptureFixture[str], write_deck: WriteDeck
) -> None:
    bad = write_deck("bad.md", "# Bad\n\n## Q?\n\n- [ ] a\n- [ ] b\n")
    code, out, err = tutor(capsys, "import", str(bad))
    assert code == 2
    assert f'{bad.resolve()}:3: card "Q?" has options but none is marked [x]' in err
    assert "Nothing from a file with errors was changed" in err
    code, out, _ = tutor(capsys, "import", "--json", str(bad))
    assert code == 2
    assert json.loads(out)["errors"] == [
        {
            "path": str(bad.resolve()),
            "line": 3,
            "message": 'card "Q?" has options but none is marked [x]',
        }
    ]
    _, out, _ = tutor(capsys, "decks", "--json")
    assert json.loads(out)["decks"] == []


def test_dry_run_says_so_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], write_deck: WriteDeck
) -> None:
    path = write_deck("d.md", "# D\n\n## Q\n\nA\n")
    code, out, _ = tutor(capsys, "import", "--dry-run", str(path))
    assert code == 0 and "would import — 1 added" in out and "nothing was changed" in out
    _, out, _ = tutor(capsys, "decks", "--json")
    assert json.loads(out)["decks"] == []


def test_export_holds_decks_cards_states_and_reviews(capsys: pytest.CaptureFixture[str]) -> None:
    tutor(capsys, "import", str(REPO / "decks"))
    code, out, _ = tutor(capsys, "export", "--json")
    data = json.loads(out)
    assert code == 0 and len(data["decks"]) == 1 and len(data["cards"]) == 10
    card = data["cards"][0]
    assert {
        "id",
        "deck",
        "question",
        "options",
        "explanation",
        "answer",
        "state",
        "reviews",
    } <= set(card)
    assert card["state"]["phase"] == "new" and card["reviews"] == []
    assert sum(o["correct"] for o in card["options"]) == 1


def test_db_option_accepts_path_and_url(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for db in (str(tmp_path / "a.db"), f"sqlite:///{tmp_path / 'b.db'}"):
        assert tutor(capsys, "--db", db, "import", str(REPO / "decks"))[0] == 0
    assert (tmp_path / "a.db").stat().st_size > 0 and (tmp_path / "b.db").stat().st_size > 0


def test_info_names_the_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = tutor(capsys, "--db", str(tmp_path / "c.db"), "info")
    assert (
        code == 0 and str(tmp_path / "c.db") in out and f"schema version: {SCHEMA_VERSION}" in out
    )


def test_zero_byte_file_is_refused_not_overwritten(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    code, _, err = tutor(capsys, "--db", str(empty), "decks")
    assert code == 3 and "empty file (0 bytes)" in err
    assert empty.stat().st_size == 0


def test_not_a_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    code, _, err = tutor(capsys, "--db", str(text), "decks")
    assert code == 3 and "not an SQLite database" in err


def test_newer_schema_is_refused_and_left_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import sqlite3

    path = tmp_path / "new.db"
    assert tutor(capsys, "--db", str(path), "decks")[0] == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    code, _, err = tutor(capsys, "--db", str(path), "decks")
    assert code == 3 and "newer tutor (schema version 99" in err
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta").fetchone() == ("99",)


def test_foreign_sqlite_database_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x)")
    code, _, err = tutor(capsys, "--db", str(path), "decks")
    assert code == 3 and "not a tutor database" in err


def test_module_entry_point_and_help_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "import" in result.stdout and "review" in result.stdout
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tutor",
            "--db",
            str(tmp_path / "x.db"),
            "import",
            str(tmp_path / "missing"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.usefixtures("at_a_terminal")
def test_review_of_an_unknown_deck_or_broken_file(
    capsys: pytest.CaptureFixture[str], write_deck: WriteDeck
) -> None:
    code, _, err = tutor(capsys, "review", "No such deck")
    assert code == 4 and "no deck or file named 'No such deck'" in err
    bad = write_deck("bad.md", "# Bad\n\n## Q\n\n- [ ] a\n- [ ] b\n")
    code, _, err = tutor(capsys, "review", str(bad))
    assert code == 4 and "none is marked [x]" in err and "nothing to review" in err


def test_suspended_cards_are_listed_and_unsuspended(
    capsys: pytest.CaptureFixture[str], write_deck: WriteDeck
) -> None:
    from tutor.config import database_url
    from tutor.store.db import open_database
    from tutor.store.reviews import set_flags

    tutor(capsys, "import", str(write_deck("r.md", "# R\n\n## A\n\nx\n\n## B\n\ny\n")))
    db = open_database(database_url())
    with db.write() as conn:
        set_flags(conn, 1, suspended=True, leech=True, lapses=8)
        set_flags(conn, 2, suspended=True)
    db.close()
    code, out, _ = tutor(capsys, "suspended")
    assert code == 0 and "R: A  leech, 8 lapses" in out and "2 suspended" in out
    assert tutor(capsys, "unsuspend", "1")[1] == "Unsuspended 1 card.\n"
    assert json.loads(tutor(capsys, "suspended", "--json")[1])["cards"][0]["id"] == 2
    assert tutor(capsys, "unsuspend", "--deck", "R")[1] == "Unsuspended 1 card.\n"
    assert "No suspended cards." in tutor(capsys, "suspended")[1]
    code, _, err = tutor(capsys, "unsuspend", "--deck", "Nope")
    assert code == 4 and "no deck or file named 'Nope'" in err

"""Every bad value is a message: settings out of range, bad arguments and paths, cardless files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SEED_DECK, WriteDeck
from tutor.cli import main
from tutor.config import DeckSettings, Settings, load_settings
from tutor.errors import ConfigError
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
NO_CARDS = "no cards in this file"


def run_tutor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


# --- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'learning_steps = ["99999999999d"]',
        'learning_steps = ["9999999d"]',
        'relearning_steps = ["36501d"]',
        'learning_steps = ["0s"]',
        'learning_steps = ["1e9d"]',
        'learning_steps = ["' + "9" * 400 + 's"]',
        '[decks."A"]\nrelearning_steps = ["99999999999d"]',
    ],
)
def test_steps_out_of_range_name_the_file_the_key_and_the_range(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = caught.value.message
    assert message.startswith(f"{path}: ")
    assert "_steps = [" in message and "from 1s to 36500d" in message
    assert len(message) < 250  # a huge value is shortened, not echoed whole


@pytest.mark.usefixtures("at_a_terminal")
def test_an_overflowing_step_is_a_message_for_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('learning_steps = ["99999999999d"]\n', encoding="utf-8")
    expected = f"tutor: {config}: learning_steps = ['99999999999d'] is not allowed"
    result = run_tutor("decks", env={"TUTOR_CONFIG": str(config)})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(expected)
    monkeypatch.setenv("TUTOR_CONFIG", str(config))
    for command in (["due"], ["stats", "--json"], ["review"], ["review", str(SEED_DECK)]):
        assert main(command) == 2, command
        assert capsys.readouterr().err.startswith(expected)


def test_the_longest_allowed_step_reviews_without_error(
    db: Database, write_deck: WriteDeck
) -> None:
    from tutor.importer import import_paths

    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA.\n")], NOW)
    longest = Settings(
        timezone="UTC",
        defaults=DeckSettings(fuzz=False, learning_steps=("36500d",), relearning_steps=("36500d",)),
    )
    session = ReviewSession(db, longest, clock=lambda: NOW, sync=False)
    card = session.next_card()
    assert card is not None
    session.grade(None, 3000)
    session.answer(Grade.AGAIN)
    assert session.next_card() is None  # back in 100 years, not an overflow


# --- arguments --------------------------------------------------------------------------------


def test_unsuspend_refuses_ids_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_tutor("unsuspend", "99999999999999999999999")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for value in ("99999999999999999999999", "-5", "0", "9223372036854775808"):
        assert main(["unsuspend", "1", value]) == 2
        assert capsys.readouterr().err == (
            f"tutor: {value} is not a card id (ids are whole numbers from 1 to "
            "9223372036854775807); `tutor suspended` lists them\n"
        )
    assert result.stderr == (
        "tutor: 99999999999999999999999 is not a card id (ids are whole numbers from 1 to "
        "9223372036854775807); `tutor suspended` lists them\n"
    )


def test_unsuspend_of_an_unknown_id_changes_nothing(
    db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tutor.importer import import_paths
    from tutor.store.reviews import set_flags, suspended_cards

    import_paths(db, [SEED_DECK], NOW)
    with db.write() as conn:
        set_flags(conn, 1, suspended=True)
    assert main(["--db", str(db_path), "unsuspend", "1", "4242"]) == 4
    assert capsys.readouterr().err == (
        "tutor: no suspended card with id 4242; `tutor suspended` lists them. "
        "Nothing was changed.\n"
    )
    with db.read() as conn:
        assert [c[0] for c in suspended_cards(conn)] == [1]


def test_import_names_a_missing_path_and_a_path_that_is_not_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-folder"
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    code = main(["import", str(missing), str(empty), os.devnull, str(SEED_DECK)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{missing}:0: no such file or folder" in err
    assert f"{empty}:0: no .md files in this folder" in err
    assert f"{os.devnull}:0: not a regular file or a folder" in err
    assert main(["decks", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["decks"]) == 1  # the good file still imported


@pytest.mark.usefixtures("at_a_terminal")
def test_review_of_a_missing_path_or_an_empty_folder_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["review", str(tmp_path / "gone.md")]) == 4
    assert f"no deck or file named '{tmp_path / 'gone.md'}'" in capsys.readouterr().err
    assert main(["review", str(empty)]) == 4
    assert f"{empty}:0: no .md files in this folder" in capsys.readouterr().err


# --- files with no cards -----------------------------------------------------------------------


@pytest.fixture
def cardless(tmp_path: Path) -> list[Path]:
    """A text file, a Markdown file without `## `, and an export JSON: none holds a card."""
    folder = tmp_path / "cardless"
    folder.mkdir()
    text = folder / "notes.txt"
    text.write_text("just some notes\n", encoding="utf-8")
    markdown = folder / "readme.md"
    markdown.write_text("---\ntitle: Readme\n---\n\n# Readme\n\nNo cards here.\n", encoding="utf-8")
    export = folder / "export.json"
    export.write_text(json.dumps({"format": "tutor-export", "decks": [], "cards": []}), "utf-8")
    return [text, markdown, export]


def test_a_file_with_no_cards_is_a_warning_and_imports_nothing(
    cardless: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", *map(str, cardless), str(SEED_DECK)]) == 0
    out, err = capsys.readouterr()
    for path in cardless:
        assert f"warning: {path}:0: {NO_CARDS}" in err
    assert "imported — 10 added" in out
    assert main(["decks", "--json"]) == 0
    names = [d["name"] for d in json.loads(capsys.readouterr().out)["decks"]]
    assert names == ["Neural network optimization for edge devices"]


def test_the_json_report_lists_the_warnings(
    cardless: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--json", *map(str, cardless)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["decks"] == [] and report["errors"] == []
    assert [(w["path"], w["line"]) for w in report["warnings"]] == [(str(p), 0) for p in cardless]
    assert all(NO_CARDS in w["message"] for w in report["warnings"])


def test_strict_makes_the_warnings_errors(
    cardless: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = str(cardless[1])
    assert main(["import", "--strict", markdown, str(SEED_DECK)]) == 2
    err = capsys.readouterr().err
    assert f"{markdown}:0: {NO_CARDS}" in err and "warning:" not in err
    assert main(["import", "--strict", "--json", markdown]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["warnings"] == [] and [e["path"] for e in report["errors"]] == [markdown]


@pytest.mark.usefixtures("at_a_terminal")
def test_reviewing_a_file_with_no_cards_says_so(
    cardless: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "c.db"), "review", str(cardless[1])]) == 4
    assert f"warning: {cardless[1]}:0: {NO_CARDS}" in capsys.readouterr().err

"""Settings from the TOML file (errors name file, key and range) and the fast `tutor due`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW, REPO, WriteDeck
from tutor import due
from tutor.cli import main
from tutor.config import DeckSettings, load_settings
from tutor.errors import ConfigError
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store import db as store_db
from tutor.store.db import Database


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.toml")
    assert settings.day_starts_at == 4 and settings.defaults == DeckSettings()


def test_global_values_and_per_deck_overrides_with_front_matter_winning(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
day_starts_at = 5
new_per_day = 10
desired_retention = 0.85

[decks."Languages"]
new_per_day = 5

[decks."Languages::French"]
reviews_per_day = 50
desired_retention = 0.8
""",
    )
    settings = load_settings(path)
    french = settings.for_deck("Languages::French", {"desired_retention": 0.95, "shuffle": False})
    assert settings.day_starts_at == 5
    assert (french.new_per_day, french.reviews_per_day) == (5, 50)
    assert (french.desired_retention, french.shuffle) == (0.95, False)
    assert settings.for_deck("Other").new_per_day == 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "desired_retention = 0.5",
            "desired_retention = 0.5 is not allowed; use a number from 0.70 to 0.99",
        ),
        (
            "day_starts_at = 25",
            "day_starts_at = 25 is not allowed; use a whole number from 0 to 23",
        ),
        ('learning_steps = ["1 minute"]', "learning_steps = ['1 minute'] is not allowed"),
        ('leech_action = "delete"', 'use "suspend" or "tag"'),
        ("new_per_dya = 3", "unknown setting 'new_per_dya'"),
        ('[decks."A"]\nfuzz = "yes"', "decks.\"A\".fuzz = 'yes' is not allowed; use true or false"),
        ('timezone = "Mars/Olympus"', "use an IANA time zone name"),
        ("new_per_day = ", "not valid TOML"),
    ],
)
def test_bad_values_name_the_file_the_key_and_the_range(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(path) in caught.value.message and message in caught.value.message


def test_bad_settings_file_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TUTOR_CONFIG", str(write_config(tmp_path, "new_per_day = -1")))
    assert main(["decks"]) == 2
    assert (
        "new_per_day = -1 is not allowed; use a whole number from 0 to 9999"
        in capsys.readouterr().err
    )


def test_due_counts_apply_the_daily_limits(
    db: Database, db_path: Path, write_deck: WriteDeck
) -> None:
    import_paths(
        db, [write_deck("r.md", "# R\n\n" + "".join(f"## C{i}\n\nA\n\n" for i in range(30)))], NOW
    )
    settings = load_settings(Path("/nonexistent"))
    [counts] = due.due_counts(db_path, settings, NOW)
    assert (counts.new, counts.learning, counts.review) == (20, 0, 0)
    session = ReviewSession(db, settings, clock=lambda: NOW, sync=False)
    for _ in range(3):
        session.next_card()
        session.grade(None, 1000)
        session.answer(Grade.AGAIN)
    [counts] = due.due_counts(db_path, settings, NOW)
    assert (counts.new, counts.learning, counts.review) == (17, 3, 0)
    [counts] = due.due_counts(db_path, settings, NOW + timedelta(days=1))
    assert (counts.new, counts.learning) == (20, 3)


def test_due_schema_version_follows_the_store() -> None:
    assert due.SCHEMA_VERSION == store_db.SCHEMA_VERSION  # type: ignore[attr-defined]


def test_due_command_json_and_it_does_not_import_the_heavy_libraries(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "import", str(REPO / "decks")]) == 0
    code = (
        "import sys, tutor.cli; rc = tutor.cli.main(['--db', sys.argv[1], 'due', '--json']); "
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'textual', 'fsrs', 'pydantic') "
        "if m in sys.modules]; "
        "print('HEAVY', heavy, file=sys.stderr); raise SystemExit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["total"] == {
        "new": 10,
        "learning": 0,
        "review": 0,
        "total": 10,
    }
    assert "HEAVY []" in result.stderr


def test_due_without_a_collection(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "none.db"), "due"]) == 0
    assert "no decks yet" in capsys.readouterr().out
    assert not (tmp_path / "none.db").exists()


def test_fast_due_and_store_due_agree(db: Database, db_path: Path, write_deck: WriteDeck) -> None:
    import_paths(
        db, [write_deck("r.md", "# R\n\n" + "".join(f"## C{i}\n\nA\n\n" for i in range(30)))], NOW
    )
    settings = load_settings(Path("/nonexistent"))
    session = ReviewSession(db, settings, clock=lambda: NOW, sync=False)
    for grade in (Grade.AGAIN, Grade.EASY, Grade.GOOD):
        session.next_card()
        session.grade(None, 1000)
        session.answer(grade)
    for moment in (NOW, NOW + timedelta(days=1), NOW + timedelta(days=30)):
        assert due.due_counts(db_path, settings, moment) == due.collection_due(db, settings, moment)

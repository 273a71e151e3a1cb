"""Issue 11, item 15: small things a new user tripped over on the command line and in decks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED_DECK
from tutor.cli import main
from tutor.config import load_settings
from tutor.deck.parser import parse_text
from tutor.errors import ConfigError, DeckError


def test_db_is_accepted_after_the_subcommand_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "elsewhere.db"
    assert main(["import", str(SEED_DECK), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["decks", "--db", str(db)]) == 0
    assert "Neural network optimization" in capsys.readouterr().out
    assert main(["--db", str(db), "decks"]) == 0
    assert "Neural network optimization" in capsys.readouterr().out


def test_unsuspend_of_a_card_that_does_not_exist_says_so_and_exits_4(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", str(SEED_DECK)]) == 0
    assert main(["unsuspend", "999"]) == 4
    assert "no suspended card with id 999" in capsys.readouterr().err


def test_an_unknown_setting_lists_every_known_one(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("bogus = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    for name in ("day_starts_at", "timezone", "decks", "new_per_day", "fuzz"):
        assert name in caught.value.message


def test_a_front_matter_line_without_a_colon_is_named_at_its_own_line() -> None:
    with pytest.raises(DeckError) as caught:
        parse_text("---\ntitle Broken\ntags: [a]\n---\n\n## Q\n\nA.\n", "d.md")
    assert str(caught.value) == (
        "d.md:2: front matter line 'title Broken' is not `key: value`; "
        "put a colon and a space after the key"
    )


def test_a_title_with_an_empty_part_gives_the_documented_error() -> None:
    with pytest.raises(DeckError) as caught:
        parse_text("---\ntitle: Web::\n---\n\n## Q\n\nA.\n", "d.md")
    assert "deck name 'Web::' has an empty part around '::'" in str(caught.value)


def test_a_title_with_a_colon_inside_is_text() -> None:
    assert parse_text("---\ntitle: Web::HTTP: basics\n---\n\n## Q\n\nA.\n", "d.md").name == (
        "Web::HTTP: basics"
    )

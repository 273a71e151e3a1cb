"""The import dialog: it says which files it takes, and a quiz text imports through it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Input, Static

from tests.conftest import NOW, REPO
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.store.repository import totals
from tutor.tui.app import TutorApp
from tutor.tui.screens.importer import ImportScreen

SEED_QUIZ = REPO / "tests" / "data" / "edge-nn-optimization-quiz.txt"
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))


async def test_the_dialog_names_quiz_texts_and_imports_one(db: Database, tmp_path: Path) -> None:
    quiz = Path(shutil.copy(SEED_QUIZ, tmp_path / "edge-quiz.txt"))
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        prompt, result = app.screen.query(Static).results(Static)
        assert isinstance(prompt.content, Text)
        assert "a quiz .txt" in prompt.content.plain
        app.screen.query_one("#path", Input).value = str(quiz)
        await pilot.press("enter")
        await settle(pilot)
        assert str(result.content).startswith("edge-quiz: 10 added, 0 updated, 0 retired")
    with db.read() as conn:
        assert (totals(conn)["decks"], totals(conn)["cards"]) == (1, 10)


async def test_the_installed_copy_of_a_deck_imported_from_the_repository_is_already_there(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = REPO / "decks" / "edge-nn-optimization.md"
    import_paths(db, [repository], NOW)
    installed = tmp_path / "site-packages" / "tutor" / "bundled_decks"
    installed.mkdir(parents=True)
    shutil.copy(repository, installed / repository.name)
    monkeypatch.setattr("tutor.tui.screens.importer.bundled_decks_dir", lambda: installed)
    with db.read() as conn:
        before = totals(conn)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        assert app.screen.query_one("#path", Input).value == str(installed)
        await pilot.press("enter")  # the default, as a new user presses it
        await settle(pilot)
        said = str(app.screen.query_one("#result", Static).content)
        assert f"already imported from {repository}, unchanged" in said
        assert "already used" not in said and "not imported" not in said
    with db.read() as conn:
        assert totals(conn) == before

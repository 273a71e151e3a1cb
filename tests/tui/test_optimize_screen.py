"""`o` on the home screen: fit FSRS in a worker, show the outcome, choose a retention from the
simulated table."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tests.helpers.learner import simulate
from tests.tui.settle import settle
from tutor.cli import main
from tutor.config import DeckSettings, Settings, config_path
from tutor.optimize import history
from tutor.retention import RETENTIONS, advise
from tutor.retention_report import advice_lines, heading, table
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.home import HomeScreen
from tutor.tui.screens.optimize import OptimizeScreen

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))


def text_of(app: TutorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def test_o_fits_the_selected_deck_and_a_chosen_row_sets_its_retention(
    db: Database,
) -> None:
    simulate(db, NOW, cards=200, days=365, deck="Learner")
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OptimizeScreen)
        [fit] = history(db)
        outcome = text_of(app, "#optimize-outcome")
        assert outcome.startswith("Fitted FSRS for deck Learner (and its sub-decks) on ")
        assert ("Adopted:" in outcome) == fit.adopted and "log loss" in outcome
        table = app.screen.query_one("#retention", DataTable)
        assert table.row_count == len(RETENTIONS)
        assert "least work" in str(table.get_row_at(table.cursor_row)[-1])
        table.move_cursor(row=RETENTIONS.index(0.85))
        await pilot.press("enter")
        await pilot.pause()
        assert "desired_retention = 0.85 for deck Learner, written to" in text_of(
            app, "#retention-note"
        )
        written = tomllib.loads(Path(config_path()).read_text(encoding="utf-8"))
        assert written["decks"]["Learner"]["desired_retention"] == 0.85
        assert app.settings.for_deck("Learner").desired_retention == 0.85
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_too_little_data_says_how_many_more_reviews_are_needed(db: Database) -> None:
    simulate(db, NOW, cards=5, days=30, deck="Small")
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        outcome = text_of(app, "#optimize-outcome")
        assert outcome.startswith("Not enough reviews to fit deck Small")
        assert "more are needed. The parameters are unchanged." in outcome
        assert history(db) == []


async def test_the_screen_and_the_cli_show_one_table_and_name_its_scope(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate(db, NOW, cards=200, days=365, deck="Learner")
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        grid = app.screen.query_one("#retention", DataTable)
        shown = [tuple(str(cell) for cell in grid.get_row_at(i)) for i in range(grid.row_count)]
        said = text_of(app, "#optimize-progress")
        note = text_of(app, "#retention-note")
    [fit] = history(db)
    advice = advise(db, SETTINGS, "Learner")  # after the screen's fit, as the CLI sees it
    assert fit.adopted and advice.parameters == tuple(fit.parameters)
    assert shown == table(advice)
    assert said == heading(advice)
    assert said.startswith("A year of deck Learner and its sub-decks (200 cards) simulated")
    assert "for deck Learner and its sub-decks into the settings file" in note
    assert main(["--db", db.url, "optimize", "--retention", "Learner"]) == 0
    assert capsys.readouterr().out.splitlines() == advice_lines(advice)
    # every deck: the one deck holds every card, so the same figures, its scope named
    assert main(["--db", db.url, "optimize", "--retention"]) == 0
    every = capsys.readouterr().out.splitlines()
    assert every[0].startswith("A year of every deck (200 cards) simulated")
    assert "settings (those of deck Learner)" in every[0]
    assert every[1:-1] == advice_lines(advice)[1:-1]

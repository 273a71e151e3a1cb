"""The end-of-session suggestion to run `tutor optimize`: only past 1,000 answers or 30 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers.learner import simulate
from tutor import optimize
from tutor.cli import _print_summary
from tutor.config import Settings
from tutor.fit_reminder import suggestion
from tutor.session import ReviewSession, Summary
from tutor.store.db import Database
from tutor.tui.screens.summary import describe

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SETTINGS = Settings()


def test_never_fitted_suggests_from_1000_answers(db: Database) -> None:
    few = simulate(db, NOW, cards=20, deck="Few")
    assert few < 1000 and suggestion(db, NOW, SETTINGS) is None
    more = simulate(db, NOW, cards=60, deck="More", seed=3)
    assert few + more >= 1000
    line = suggestion(db, NOW, SETTINGS)
    assert line is not None and f"{few + more:,} answers so far" in line
    assert "tutor optimize" in line


def test_after_a_fit_30_days_with_answers_or_1000_answers(db: Database) -> None:
    simulate(db, NOW, cards=400, deck="Learner")
    optimize.optimize(db, NOW, dry_run=False)
    assert suggestion(db, NOW, SETTINGS) is None
    assert suggestion(db, NOW + timedelta(days=45), SETTINGS) is None  # no answer since
    later = NOW + timedelta(days=29)
    answers = simulate(db, later, cards=10, days=20, deck="Since", seed=5)
    assert 0 < answers < 1000
    assert suggestion(db, later, SETTINGS) is None  # 29 days, few answers
    line = suggestion(db, NOW + timedelta(days=30), SETTINGS)
    assert line is not None and f"{answers:,} answers in 30 days" in line
    many = simulate(db, later, cards=200, days=20, deck="Many", seed=6)
    assert answers + many >= 1000
    assert suggestion(db, later, SETTINGS) is not None  # 1,000 answers before 30 days


def test_the_summary_screen_and_the_cli_line_show_it(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate(db, NOW, cards=80, deck="Learner")
    summary = ReviewSession(db, SETTINGS, clock=lambda: NOW, sync=False).summary()
    assert summary.optimize_suggestion is not None
    assert summary.optimize_suggestion in describe(summary, NOW).plain
    quiet = Summary(answered=3, correct=3)
    assert "tutor optimize" not in describe(quiet, NOW).plain

    class App:
        last_summary = Summary(answered=3, correct=3, optimize_suggestion="fit me")

    _print_summary(App())
    assert capsys.readouterr().out.splitlines()[-1] == "fit me"

"""Retention advice: fsrs-rs's simulator from the learner's parameters and pace; --set-retention."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import fsrs_rs_python as rs
import pytest
from sqlalchemy import text

from tests.helpers.learner import simulate
from tutor.cli import main
from tutor.config import Settings, load_settings
from tutor.errors import ConfigError
from tutor.retention import RETENTIONS, advise
from tutor.scheduling import DEFAULT
from tutor.settings_file import set_retention
from tutor.store.db import Database

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
_CELLS = "SELECT phase_before, rating, count(*) FROM review GROUP BY phase_before, rating"
_RATINGS = (
    "SELECT rating, count(*) FROM review WHERE phase_before = :phase AND rating >= :rating "
    "GROUP BY rating"
)


@pytest.fixture
def learner(db: Database) -> Database:
    simulate(db, NOW, cards=120, deck="Learner")  # every answer takes 5 s
    return db


def test_the_table_equals_fsrs_rs_simulator_called_directly(learner: Database) -> None:
    advice = advise(learner, Settings())
    assert [r.retention for r in advice.rows] == list(RETENTIONS)
    assert advice.seconds_per_answer == 5.0 and advice.cards == 120
    config = rs.default_simulator_config()
    config.deck_size, config.learn_limit, config.review_limit = 120, 20, 200
    config.max_cost_perday, config.max_ivl = 86400.0, 36500.0
    with learner.read() as conn:
        cells: dict[tuple[int, int], int] = {}
        for phase, rating, n in conn.exec_driver_sql(_CELLS):
            key = ({0: 0, 1: 0, 2: 1, 3: 2}[phase], rating - 1)
            cells[key] = cells.get(key, 0) + n
        # every answer took 5 s; fsrs-rs's default where fewer than 20 answers say so
        config.state_rating_costs = [
            [5.0 if cells.get((r, g), 0) >= 20 else cost for g, cost in enumerate(row)]
            for r, row in enumerate(config.state_rating_costs)
        ]
        first: dict[int, int] = dict(conn.execute(text(_RATINGS), {"phase": 0, "rating": 1}).all())
        passed: dict[int, int] = dict(conn.execute(text(_RATINGS), {"phase": 2, "rating": 2}).all())
    config.first_rating_prob = [first.get(g, 0) / sum(first.values()) for g in (1, 2, 3, 4)]
    config.review_rating_prob = [passed.get(g, 0) / sum(passed.values()) for g in (2, 3, 4)]
    for row in advice.rows:
        direct = rs.simulate(list(DEFAULT), row.retention, config, 42)
        cost = sum(direct.cost_per_day)
        assert row.known == pytest.approx(direct.memorized_cnt_per_day[-1])
        assert row.reviews_per_day == pytest.approx(sum(direct.review_cnt_per_day) / 365)
        assert row.minutes_per_day == pytest.approx(cost / 365 / 60)
        assert row.seconds_per_known == pytest.approx(cost / direct.memorized_cnt_per_day[-1])
    assert advice.best.seconds_per_known == min(r.seconds_per_known for r in advice.rows)
    known = [r.known for r in advice.rows]
    assert known[-1] > known[0]  # a higher retention keeps more cards known


def test_every_deck_simulates_the_parameters_and_settings_that_schedule_most_cards(
    db: Database,
) -> None:
    from tutor.optimize import optimize
    from tutor.retention_report import heading

    simulate(db, NOW, cards=150, deck="Big", seed=1)
    simulate(db, NOW, cards=90, deck="Small", seed=2)
    assert optimize(db, NOW, "Small").status == "adopted"  # Small alone gets fitted values
    settings = Settings(overrides={"Big": {"desired_retention": 0.85}})
    every, small = advise(db, settings), advise(db, settings, "Small")
    assert (every.cards, every.scheduled_as, every.share) == (240, "Big", 150)
    assert every.parameters == tuple(DEFAULT) and every.current == 0.85
    assert "settings (those of deck Big, which schedule 150 of the 240 cards)" in heading(every)
    assert heading(every).startswith("A year of every deck (240 cards)")
    assert (small.cards, small.scheduled_as, small.share) == (90, "Small", 90)
    assert small.parameters != tuple(DEFAULT) and small.current == 0.9
    assert heading(small).startswith("A year of deck Small and its sub-decks (90 cards)")
    assert "(those of deck Small) and your pace" in heading(small)


def test_set_retention_writes_only_that_key_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    original = (
        "# my settings\nnew_per_day = 30  # more\n\n"
        '[decks."Languages::French"]  # French\ndesired_retention = 0.9 # was\nshuffle = false\n'
    )
    path.write_text(original)
    set_retention(path, "Languages::French", 0.85)
    set_retention(path, "Learner", 0.8)
    set_retention(path, None, 0.88)
    text = path.read_text()
    assert "# my settings\nnew_per_day = 30  # more\n" in text
    assert '[decks."Languages::French"]  # French\ndesired_retention = 0.85 # was\n' in text
    settings = load_settings(path)
    assert settings.defaults.desired_retention == 0.88
    assert settings.for_deck("Languages::French").desired_retention == 0.85
    assert settings.for_deck("Learner").desired_retention == 0.8
    assert tomllib.loads(text)["new_per_day"] == 30


def test_set_retention_refuses_what_it_cannot_edit_safely(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    dotted = 'decks."Learner".desired_retention = 0.9\n'
    path.write_text(dotted)
    with pytest.raises(ConfigError, match=r"add `desired_retention = 0\.80`"):
        set_retention(path, "Learner", 0.8)
    with pytest.raises(ConfigError, match="out of range"):
        set_retention(path, "Learner", 1.2)
    assert path.read_text() == dotted


def test_cli_retention_table_json_and_set_retention(
    learner: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = learner.url
    assert main(["--db", url, "optimize", "--retention", "Learner"]) == 0
    out = capsys.readouterr().out
    assert "least work per card known" in out and "current" in out
    assert main(["--db", url, "optimize", "--retention", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["table"]) == len(RETENTIONS) and data["current_retention"] == 0.9
    assert main(["--db", url, "optimize", "Learner", "--set-retention", "0.8"]) == 0
    assert load_settings().for_deck("Learner").desired_retention == 0.8
    assert main(["--db", url, "optimize", "Nope", "--set-retention", "0.8"]) == 4
    assert "no deck named 'Nope'" in capsys.readouterr().err

"""`tutor reschedule`: cards recomputed from their own logs by the real scheduler; revert; check."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tests.helpers.learner import TRUE_PARAMETERS, simulate
from tutor import optimize
from tutor.check import check_collection
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.reschedule import recompute, reschedule, revert
from tutor.scheduling import DEFAULT, Grade, SchedulerSpec, rebuild
from tutor.state import CardState
from tutor.store import rescheduling as store
from tutor.store.db import Database, open_database
from tutor.store.reviews import parameter_set_id
from tutor.store.tables import card_table, deck_table, review_table

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SETTINGS = Settings(defaults=DeckSettings(fuzz=False))


@pytest.fixture(scope="module")
def learner_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of answers on 150 cards, each logged with the default set's id, as a session does."""
    path = tmp_path_factory.mktemp("learner") / "learner.db"
    db = open_database(f"sqlite:///{path}")
    simulate(db, NOW, cards=150, deck="Learner")
    with db.write() as conn:
        default_id = parameter_set_id(conn, DEFAULT, "default", NOW)
        conn.execute(update(review_table).values(parameter_set_id=default_id))
    db.close()
    return path


@pytest.fixture
def learner(learner_file: Path, db_path: Path) -> Database:
    db_path.write_bytes(learner_file.read_bytes())
    return open_database(f"sqlite:///{db_path}")


def states(db: Database) -> dict[int, CardState]:
    with db.read() as conn:
        return {log.card_id: log.state for log in store.card_logs(conn, None)}


def adopt(db: Database, parameters: tuple[float, ...]) -> None:
    """Give the deck a parameter set, as an adopted fit does."""
    with db.write() as conn:
        set_id = parameter_set_id(conn, parameters, "fitted", NOW)
        conn.execute(update(deck_table).values(parameter_set_id=set_id))


def card_states_check(db: Database) -> tuple[str, str | None]:
    report = check_collection(db.url, SETTINGS)
    [result] = [r for r in report.results if r.name == "card_states"]
    return result.status, result.note


def test_rescheduling_moves_due_dates_as_the_new_parameters_say(learner: Database) -> None:
    before = states(learner)
    adopt(learner, TRUE_PARAMETERS)
    done = reschedule(learner, SETTINGS, NOW)
    after = states(learner)
    spec = SchedulerSpec.for_deck(SETTINGS.defaults, TRUE_PARAMETERS)
    with learner.read() as conn:
        logs = store.card_logs(conn, None)
        reviews = conn.execute(select(func.count()).select_from(review_table)).scalar()
    for log in logs:  # each card is its own log replayed by the real scheduler, new parameters
        answers = [(at, Grade(r)) for at, r in log.answers]
        assert after[log.card_id] == rebuild(spec, log.card_id, answers)
    moved = [c for c in before if before[c].due != after[c].due]
    assert done.moved == len(moved) > 0 and done.changed == len(before) == done.cards
    assert reviews == sum(len(log.answers) for log in logs)  # no log row was added
    # the learner forgets faster than the defaults assume: most due dates come earlier
    assert done.earlier > done.later
    shifts = sorted(abs((after[c].due - before[c].due).total_seconds()) / 86400 for c in moved)  # type: ignore[operator]
    assert done.max_days == pytest.approx(shifts[-1])
    assert 0 < done.median_days <= done.max_days


def test_revert_restores_every_state_exactly_and_check_stays_clean(learner: Database) -> None:
    assert card_states_check(learner) == ("ok", None)
    before = states(learner)
    adopt(learner, TRUE_PARAMETERS)
    reschedule(learner, SETTINGS, NOW)
    status, note = card_states_check(learner)
    assert status == "ok" and note is not None and "150 cards hold the state" in note
    assert check_collection(learner.url, SETTINGS, repair=True).repaired == ()
    undone = revert(learner, NOW)
    assert undone.restored == 150 and undone.left == 0
    assert states(learner) == before
    adopt(learner, DEFAULT)
    assert card_states_check(learner) == ("ok", None)
    with pytest.raises(Exception, match="the last rescheduling was reverted"):
        revert(learner, NOW)


def test_a_card_answered_since_is_left_by_the_revert(learner: Database) -> None:
    adopt(learner, TRUE_PARAMETERS)
    reschedule(learner, SETTINGS, NOW)
    with learner.write() as conn:
        log = store.card_logs(conn, None)[0]
        answered = replace(log.state, reps=log.state.reps + 1)  # as if answered since
        conn.execute(
            update(card_table).where(card_table.c.id == log.card_id).values(reps=answered.reps)
        )
    undone = revert(learner, NOW)
    assert (undone.restored, undone.left) == (149, 1)
    assert states(learner)[log.card_id] == answered  # it keeps the answer's state


def test_the_same_parameters_move_nothing_and_a_dry_run_writes_nothing(
    learner: Database,
) -> None:
    same = reschedule(learner, SETTINGS, NOW)
    assert (same.cards, same.changed, same.moved) == (150, 0, 0)
    before = states(learner)
    adopt(learner, TRUE_PARAMETERS)
    dry = reschedule(learner, SETTINGS, NOW, dry_run=True)
    assert dry.moved > 0 and states(learner) == before
    with learner.read() as conn:
        assert store.latest(conn) is None


def test_a_new_retention_moves_the_due_dates(learner: Database) -> None:
    lower = Settings(defaults=DeckSettings(fuzz=False, desired_retention=0.8))
    done = reschedule(learner, lower, NOW)
    assert done.moved > 0 and done.later > done.earlier  # a lower retention: longer intervals


def test_fuzz_fuzzes_only_cards_whose_schedule_changed() -> None:
    spec = SchedulerSpec.for_deck(DeckSettings(fuzz=True))
    at = datetime(2026, 1, 1, tzinfo=UTC)
    answers = [(at, 3), (at.replace(day=2), 3), (at.replace(day=12), 3)]
    exact = recompute(replace(spec, fuzz=False), 1, answers, CardState())
    assert exact.due is not None
    same = replace(exact, due=exact.due.replace(hour=5))  # fuzzed once already
    assert recompute(spec, 1, answers, same) == same
    other = recompute(spec, 1, answers, CardState())
    assert replace(other, due=exact.due) == exact


def test_cli_reschedule_dry_run_json_revert_and_optimize_reschedule(
    learner: Database,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = learner.url
    learner.close()
    config = tmp_path / "config.toml"
    config.write_text("fuzz = false\n")
    monkeypatch.setenv("TUTOR_CONFIG", str(config))
    assert main(["--db", url, "reschedule", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Would reschedule every deck: 150 cards" in out and "0 due dates moved" in out
    assert main(["--db", url, "optimize", "--reschedule", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "adopted" and data["rescheduled"]["moved"] > 0
    assert main(["--db", url, "reschedule", "--revert"]) == 0
    assert "Reverted the rescheduling" in capsys.readouterr().out
    assert main(["--db", url, "reschedule", "--revert"]) == 4
    assert "the last rescheduling was reverted; nothing was changed" in capsys.readouterr().err
    assert main(["--db", url, "reschedule", "Nope"]) == 4
    assert "no deck named 'Nope'" in capsys.readouterr().err
    assert main(["--db", url, "optimize", "--revert", "--reschedule"]) == 0
    out = capsys.readouterr().out
    assert out.index("Reverted the parameters") < out.index("Rescheduled every deck")
    db = open_database(url)
    assert optimize.history(db)[-1].reverted_at is not None
    db.close()

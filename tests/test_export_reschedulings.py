"""The export holds every parameter set's values and every rescheduling, so a collection restored
from it keeps a learner's fitted parameters and passes `tutor check` for rescheduled cards."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.helpers.learner import TRUE_PARAMETERS, simulate
from tutor.check import check_collection
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.reschedule import reschedule
from tutor.scheduling import DEFAULT
from tutor.store.db import Database, open_database
from tutor.store.rebuild import rebuild
from tutor.store.repository import export_collection
from tutor.store.reviews import parameter_set_id
from tutor.store.tables import deck_table, parameter_table, review_table

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SETTINGS = Settings(defaults=DeckSettings(fuzz=False))


def card_states(url: str) -> tuple[str, str | None]:
    [result] = [r for r in check_collection(url, SETTINGS).results if r.name == "card_states"]
    return result.status, result.note


@pytest.fixture
def rescheduled(db: Database) -> Database:
    """A learner's year, a fitted set adopted, the cards rescheduled with it."""
    simulate(db, NOW, cards=60, days=200, deck="Learner")
    with db.write() as conn:
        default_id = parameter_set_id(conn, DEFAULT, "default", NOW)
        conn.execute(update(review_table).values(parameter_set_id=default_id))
        fitted = parameter_set_id(conn, TRUE_PARAMETERS, "fitted", NOW)
        conn.execute(update(deck_table).values(parameter_set_id=fitted))
    reschedule(db, SETTINGS, NOW)
    return db


def test_a_restored_export_keeps_parameter_values_and_reschedulings(
    rescheduled: Database, tmp_path: Path
) -> None:
    status, note = card_states(rescheduled.url)
    assert status == "ok" and note is not None and "hold the state" in note
    with rescheduled.read() as conn:
        data = export_collection(conn)
    assert data["version"] == 5
    values = {tuple(p["parameters"]) for p in data["parameter_sets"]}
    assert values == {tuple(DEFAULT), tuple(TRUE_PARAMETERS)}
    [run] = data["reschedulings"]
    assert run["changed"] == len(run["states"]) > 0 and run["reverted_at"] is None
    url = f"sqlite:///{tmp_path / 'restored.db'}"
    rebuild(url, json.loads(json.dumps(data)), "export.json")
    assert card_states(url) == (status, note)  # not state_differs: the rescheduling came along
    restored = open_database(url)
    try:
        with restored.read() as conn:
            assert export_collection(conn) == json.loads(json.dumps(data))  # nothing lost
            stored = conn.execute(select(parameter_table.c.parameters)).scalars().all()
        assert list(TRUE_PARAMETERS) in [list(p) for p in stored]
    finally:
        restored.close()


def test_a_version_2_export_is_still_restored(
    rescheduled: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with rescheduled.read() as conn:
        data = export_collection(conn)
    data["version"] = 2
    del data["reschedulings"]
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "from-v2.db"
    assert main(["--db", str(target), "restore", str(path), "--yes"]) == 0
    capsys.readouterr()
    status, _note = card_states(f"sqlite:///{target}")
    assert status != "ok"  # without its reschedulings, a version 2 export shows the states differ
    data["version"] = 6
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["--db", str(target), "restore", str(path), "--yes"]) != 0
    assert "restores versions 2 to 5" in capsys.readouterr().err

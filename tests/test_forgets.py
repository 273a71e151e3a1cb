"""A forgotten card (back to new, its history kept) stays as the forget left it: through
`tutor reschedule` and its revert, and through an export restored (export version 4 carries each
forget; older exports still restore)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.conftest import WriteDeck
from tests.helpers.learner import TRUE_PARAMETERS
from tutor.check import check_collection
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.reschedule import reschedule, revert
from tutor.scheduling import Grade, SchedulerSpec, rebuild
from tutor.session import ReviewSession
from tutor.state import CardState, Phase
from tutor.store.card_actions import forget_card
from tutor.store.db import Database, open_database
from tutor.store.queue import card_state
from tutor.store.rebuild import rebuild as rebuild_collection
from tutor.store.repository import export_collection
from tutor.store.reviews import _STATE_COLUMNS, parameter_set_id
from tutor.store.tables import card_table, deck_table, review_table

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FORGOTTEN = START + timedelta(days=10, hours=1)
ANSWERED_AFTER = FORGOTTEN + timedelta(hours=1)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
NEW = CardState(phase=Phase.NEW)


def study(db: Database, at: datetime, grade: Grade, answers: int | None = None) -> None:
    session = ReviewSession(db, SETTINGS, clock=lambda: at, sync=False)
    while (answers is None or answers > 0) and session.next_card() is not None:
        session.answer(grade)
        answers = None if answers is None else answers - 1


@pytest.fixture
def forgetful(db: Database, write_deck: WriteDeck) -> Database:
    """Three cards answered twice; card 2 forgotten and answered once since, card 3 forgotten
    and not answered since, card 1 never forgotten."""
    deck = write_deck("d.md", "# D\n\n## One\n\nA.\n\n## Two\n\nB.\n\n## Three\n\nC.\n")
    import_paths(db, [deck], START)
    study(db, START, Grade.EASY)
    study(db, START + timedelta(days=10), Grade.GOOD)
    with db.write() as conn:
        forget_card(conn, 2, FORGOTTEN)
        forget_card(conn, 3, FORGOTTEN)
    study(db, ANSWERED_AFTER, Grade.GOOD, answers=1)  # the first new card in deck order: 2
    return db


def states(db: Database) -> dict[int, CardState]:
    with db.read() as conn:
        rows = conn.execute(select(card_table.c.id, *_STATE_COLUMNS).order_by(card_table.c.id))
        return {int(row.id): card_state(row) for row in rows}


def answers(db: Database, card_id: int) -> list[tuple[datetime, Grade]]:
    r = review_table.c
    with db.read() as conn:
        rows = conn.execute(
            select(r.reviewed_at, r.rating).where(r.card_id == card_id).order_by(r.id)
        )
        return [(at, Grade(rating)) for at, rating in rows]


def clean(url: str) -> bool:
    report = check_collection(url, SETTINGS)
    return report.clean


def test_rescheduling_replays_only_the_answers_after_a_forget_and_revert_restores(
    forgetful: Database,
) -> None:
    before = states(forgetful)
    assert before[3] == NEW and before[2].reps == 1 and before[1].reps == 2
    assert [at for at, _ in answers(forgetful, 2)][-1] == ANSWERED_AFTER
    with forgetful.write() as conn:
        fitted = parameter_set_id(conn, TRUE_PARAMETERS, "fitted", ANSWERED_AFTER)
        conn.execute(update(deck_table).values(parameter_set_id=fitted))
    done = reschedule(forgetful, SETTINGS, ANSWERED_AFTER + timedelta(hours=1))
    after = states(forgetful)
    spec = SchedulerSpec.for_deck(SETTINGS.defaults, TRUE_PARAMETERS)
    assert done.cards == 2  # card 3, forgotten and not answered since, is not recomputed
    assert after[3] == NEW
    since_forget = [(at, g) for at, g in answers(forgetful, 2) if at > FORGOTTEN]
    assert len(since_forget) == 1
    assert after[2] == rebuild(spec, 2, since_forget) != before[2]
    assert after[2] != rebuild(spec, 2, answers(forgetful, 2))  # not the whole log
    assert after[1] == rebuild(spec, 1, answers(forgetful, 1))
    assert clean(forgetful.url)

    undone = revert(forgetful, ANSWERED_AFTER + timedelta(hours=2))
    assert undone.left == 0 and undone.restored == done.changed
    assert states(forgetful) == before
    assert states(forgetful)[3] == NEW


def test_an_export_carries_each_forget_and_a_restore_keeps_the_card_new(
    forgetful: Database, tmp_path: Path
) -> None:
    with forgetful.read() as conn:
        data = json.loads(json.dumps(export_collection(conn)))
    assert data["version"] == 5
    by_id = {card["id"]: card for card in data["cards"]}
    assert by_id[1]["forgotten_at"] is None
    assert by_id[2]["forgotten_at"] == by_id[3]["forgotten_at"] == FORGOTTEN.isoformat()
    assert len(by_id[3]["reviews"]) == 2  # the history stays
    url = f"sqlite:///{tmp_path / 'restored.db'}"
    rebuild_collection(url, data, "export.json")
    restored = open_database(url)
    try:
        assert states(restored) == states(forgetful) and states(restored)[3] == NEW
        assert clean(url)  # the check replays only the answers after each forget
        assert check_collection(url, SETTINGS, repair=True).repaired == ()
        assert states(restored)[3] == NEW  # a repair does not bring the old schedule back
        with restored.read() as conn:
            assert export_collection(conn) == data  # export, restore, export: identical
    finally:
        restored.close()


def test_an_export_of_version_3_without_forgets_still_restores(
    forgetful: Database, tmp_path: Path
) -> None:
    with forgetful.read() as conn:
        data = json.loads(json.dumps(export_collection(conn)))
    data["version"] = 3
    for card in data["cards"]:
        del card["forgotten_at"]
    url = f"sqlite:///{tmp_path / 'restored.db'}"
    counts = rebuild_collection(url, data, "old-export.json")
    assert counts == {"decks": 1, "cards": 3, "reviews": 7}
    restored = open_database(url)
    try:
        assert states(restored) == states(forgetful)  # each card's state is exported as it is
        with restored.read() as conn:
            assert [c["forgotten_at"] for c in export_collection(conn)["cards"]] == [None] * 3
    finally:
        restored.close()

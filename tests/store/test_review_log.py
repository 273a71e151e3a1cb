"""The compact log: the state before an answer comes from the log, and undo restores it exactly."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import NOW, WriteDeck
from tests.helpers.collection import _Clock
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.reschedule import reschedule
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.state import CardState
from tutor.store.db import Database
from tutor.store.integrity import set_states
from tutor.store.reviews import card_state
from tutor.store.tables import review_before_table

SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, new_per_day=5))


def answer_once(db: Database, clock: _Clock, grade: Grade, settings: Settings = SETTINGS) -> int:
    """Answer the first card the session hands out; return its id."""
    session = ReviewSession(db, settings, clock=clock, sync=False)
    shown = session.next_card()
    assert shown is not None
    session.grade(None, 3000)
    session.answer(grade)
    return shown.card.id


def stored_befores(db: Database) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(review_before_table)).scalar_one()


def one_card(db: Database, write_deck: WriteDeck) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Fact\n\nAnswer.\n")], NOW)


def test_an_answer_after_a_repair_keeps_the_repaired_state_for_undo(
    db: Database, write_deck: WriteDeck
) -> None:
    one_card(db, write_deck)
    clock = _Clock(NOW)
    card = answer_once(db, clock, Grade.GOOD)
    with db.read() as conn:
        logged = card_state(conn, card)
    repaired = CardState(**{**logged.__dict__, "stability": 42.5})
    with db.write() as conn:
        set_states(conn, [(card, repaired)])  # what `tutor check --repair` writes
    clock.now += timedelta(days=3)
    session = ReviewSession(db, SETTINGS, clock=clock, sync=False)
    assert session.next_card() is not None
    session.grade(None, 2000)
    session.answer(Grade.GOOD)
    assert stored_befores(db) == 1  # the log alone would say stability 2.3, not 42.5
    session.undo()
    with db.read() as conn:
        assert card_state(conn, card) == repaired
    assert stored_befores(db) == 0


def test_an_answer_after_a_rescheduling_undoes_to_the_rescheduled_state(
    db: Database, write_deck: WriteDeck
) -> None:
    one_card(db, write_deck)
    clock = _Clock(NOW)
    for _ in range(3):
        card = answer_once(db, clock, Grade.GOOD)
        with db.read() as conn:
            due = card_state(conn, card).due
        assert due is not None
        clock.now = due + timedelta(days=1)
    later = Settings(
        timezone="UTC",
        defaults=DeckSettings(fuzz=False, new_per_day=5, desired_retention=0.75),
    )
    assert reschedule(db, later, clock.now).changed == 1
    with db.read() as conn:
        rescheduled = card_state(conn, card)
    assert rescheduled.due is not None
    clock.now = rescheduled.due + timedelta(days=1)
    session = ReviewSession(db, later, clock=clock, sync=False)
    assert session.next_card() is not None
    session.grade(None, 2000)
    session.answer(Grade.AGAIN)
    assert stored_befores(db) == 0  # the rescheduling's own record gives the state before
    session.undo()
    with db.read() as conn:
        assert card_state(conn, card) == rescheduled

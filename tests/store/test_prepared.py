"""Answers written by the prepared statements (compiled once, run on the DBAPI cursor) read back
through SQLAlchemy's own execution exactly as they were decided, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, select

from tests.conftest import NOW, SEED_DECK
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store import rollups
from tutor.store.choices import chosen_by_review
from tutor.store.db import Database
from tutor.store.prepared import Prepared
from tutor.store.review_log import card_steps
from tutor.store.reviews import Recorded, card_state
from tutor.store.tables import card_table, review_table


class _Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=7)
        return self.now


def test_answers_read_back_through_sqlalchemy_as_they_were_decided(db: Database) -> None:
    """Cards, review rows, choices and the rollups written by an answer's prepared statements are
    what SQLAlchemy's own execution reads: times, intervals, flags and numbers converted alike."""
    import_paths(db, [SEED_DECK], NOW)
    clock = _Clock()
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    session = ReviewSession(db, settings, clock=clock, rng=random.Random(3), sync=False)
    recorded: list[Recorded] = []
    picked: dict[int, list[tuple[str, bool]]] = {}
    presented = session.next_card()
    while presented is not None and len(recorded) < 14:
        card = presented.card
        wrong = [i for i, o in enumerate(card.options) if not o["correct"]][:1]
        session.grade(wrong, 4000)
        answer = session.answer(Grade.AGAIN if len(recorded) % 3 == 0 else Grade.GOOD)
        recorded.append(answer)
        picked[answer.review_id] = [(card.options[i]["text"], False) for i in wrong]
        presented = session.next_card()
    assert len(recorded) == 14  # learning cards come back: some cards are answered twice
    with db.read() as conn:
        for answer in recorded:
            steps = {s.review_id: s for s in card_steps(conn, answer.card_id)}
            assert (steps[answer.review_id].before, steps[answer.review_id].after) == (
                answer.before,
                answer.after,
            )
        last = {a.card_id: a.after for a in recorded}
        assert {i: card_state(conn, i) for i in last} == last
        rows = conn.execute(select(review_table.c.id, review_table.c.reviewed_at)).all()
        assert sorted(rows) == sorted((a.review_id, a.after.last_review) for a in recorded)
        assert chosen_by_review(conn) == {k: v for k, v in picked.items() if v}
        assert rollups.differences(conn) == []


def test_a_statement_missing_a_value_is_refused_before_it_runs() -> None:
    """A construct whose column needs a default the caller did not give is refused, not run
    with the default left out."""
    with (
        create_engine("sqlite://").connect() as conn,
        pytest.raises(TypeError, match="every value given"),
    ):
        Prepared(card_table.insert()).run(conn, {"deck_id": 1})

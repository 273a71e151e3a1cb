"""Practice sessions and "review now" from the browser, driven by keys at 80x24: the screen
tells the truth about the schedule, and a review started from the browser goes back to it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from textual.widgets import Static

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tests.tui.test_browse_and_study import SETTINGS, START, built, text_of
from tutor.card_query import parse_query
from tutor.store.db import Database
from tutor.store.tables import card_table, practice_table, review_table
from tutor.study import Study
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen

NOW = START + timedelta(hours=2)  # both cards learned this morning, none due
INTERVAL = re.compile(r"\d+\s*(s|m|h|d|mo|y)\b")  # `10m`, `2d`, `~4d`: what the bar promises


def card_rows(db: Database) -> list[tuple[Any, ...]]:
    """Every card's schedule: what a practice answer must leave alone."""
    with db.read() as conn:
        rows = conn.execute(
            select(
                card_table.c.id,
                card_table.c.phase,
                card_table.c.due,
                card_table.c.stability,
                card_table.c.difficulty,
                card_table.c.lapses,
                card_table.c.last_review,
                card_table.c.step,
                card_table.c.reps,
            ).order_by(card_table.c.id)
        ).all()
    return [tuple(row) for row in rows]


def count(db: Database, table: Any) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


async def test_a_practice_answer_says_it_is_practice_and_leaves_the_schedule_alone(
    db: Database, write_deck: WriteDeck
) -> None:
    built(db, write_deck)
    before, reviews = card_rows(db), count(db, review_table)
    study = Study("practice", query=parse_query("deck:Words"))
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False, start_in_review=True, study=study)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        status = text_of(screen.query_one("#status", Static))
        assert "practice 1 left   done 0" in status and "new 0" not in status
        await pilot.press("space")  # reveal (or, for the choice card, "don't know")
        if screen.mode != "answer":
            await pilot.press("space")
        await settle(pilot)
        bar = text_of(screen.query_one("#ratings", Static))
        assert bar.startswith(" 1 Again   2 Hard   3 Good   4 Easy  ")
        assert not INTERVAL.search(bar)
        await pilot.press("3")
        await settle(pilot)
        last = text_of(screen.query_one("#last", Static))
        assert last == "Practice answer logged; the schedule is unchanged.  u undoes it."
        status = text_of(screen.query_one("#status", Static))
        assert "practice 0 left   done 1" in status
        await pilot.press("space")
        if screen.mode != "answer":
            await pilot.press("space")
        await settle(pilot)
        assert not INTERVAL.search(text_of(screen.query_one("#ratings", Static)))
    assert card_rows(db) == before  # the FSRS state of every card as it was
    assert count(db, review_table) == reviews and count(db, practice_table) == 1

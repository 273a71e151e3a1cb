"""Misconceptions: a planted tempting distractor in a simulated learner is found and flagged."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection
from textual.widgets import Static

from tests.helpers.learner import simulate
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.misconceptions import MISSES, find, per_deck
from tutor.stats import compute
from tutor.stats_report import render
from tutor.store.choices import add_choices
from tutor.store.db import Database
from tutor.store.tables import card_table, deck_table, review_table
from tutor.tui.app import TutorApp

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))


def test_a_planted_tempting_distractor_is_the_misconception_found(db: Database) -> None:
    simulate(db, NOW, cards=40, days=120, deck="Trap", tempting=0.9)
    simulate(db, NOW, cards=40, days=120, deck="Fair", tempting=0.0, seed=8)
    found = find(db)
    assert found, "a learner who keeps picking one distractor has misconceptions"
    assert all(m.times >= MISSES for m in found)
    trap = [m for m in found if m.deck == "Trap"]
    tempting = sum(m.times for m in trap if m.option == "Tempting")
    assert tempting > 5 * sum(m.times for m in trap if m.option != "Tempting")
    assert trap[0].option == "Tempting"  # the most picked of all is the planted one
    assert all(m.option != "Tempting" for m in found if m.deck == "Fair")
    assert found == sorted(found, key=lambda m: -m.times)  # most picked first
    report = compute(db, SETTINGS, NOW, span="all")
    assert list(report.misconceptions.top) == found[:20]
    assert report.misconceptions.total == len(found)
    assert report.misconceptions.cards == len({m.card_id for m in found})
    assert report.to_json()["misconceptions"]["top"][0]["option"] == found[0].option
    assert len(found) > 20  # the screen lists the 20 most picked and counts the rest
    assert f"… and {len(found) - 20} more ({len(found)} on " in render(report)
    assert f"{found[0].times:>4}x  “{found[0].option}”" in render(report)
    assert per_deck(db)["Trap"] == len({m.card_id for m in trap})


def _one_card(db: Database, picks: list[str]) -> None:
    """A card whose answers chose `picks` in order (one answer a day)."""
    with db.write() as conn:
        conn.execute(
            deck_table.insert().values(id=1, name="D", settings={}, created_at=NOW, updated_at=NOW)
        )
        options = [{"text": t, "correct": t == "A", "reasoning": ""} for t in "ABC"]
        conn.execute(
            card_table.insert().values(
                id=1,
                deck_id=1,
                key="q",
                kind="choice",
                question="Q?",
                options=options,
                content_hash="h",
                created_at=NOW,
            )
        )
        for n, pick in enumerate(picks, start=1):
            _answer(conn, n, pick)


def _answer(conn: Connection, n: int, pick: str) -> None:
    """Answer n of card 1 (on day 700000 + n), choosing `pick`."""
    conn.execute(
        review_table.insert().values(
            id=n,
            card_id=1,
            reviewed_at=NOW,
            day=700000 + n,
            hour=9,
            rating=3,
            duration_ms=1000,
            correct=pick == "A",
            phase_before=2,
        )
    )
    add_choices(
        conn,
        [
            {
                "review_id": n,
                "card_id": 1,
                "day": 700000 + n,
                "option_text": pick,
                "correct": pick == "A",
            }
        ],
    )


def test_once_is_a_slip_twice_through_the_same_option_a_misconception(db: Database) -> None:
    _one_card(db, ["B", "C", "A"])
    assert find(db) == []
    with db.write() as conn:
        _answer(conn, 4, "B")
    [found] = find(db)
    assert (found.option, found.times) == ("B", 2)


async def test_the_home_screen_flags_decks_with_misconceptions(db: Database) -> None:
    simulate(db, NOW, cards=40, days=120, deck="Trap", tempting=0.9)
    cards = per_deck(db)["Trap"]
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#misconceptions", Static)
        assert line.display
        assert str(line.content).startswith(
            f"Misconceptions: {cards} cards missed twice through the same wrong option "
            f"(Trap {cards})"
        )

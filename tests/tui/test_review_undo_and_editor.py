"""The review screen: `u` after `s` and `b`, `u` under a held lock, `e` with a failing editor."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Static

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store import db as store_db
from tutor.store.db import Database, open_database
from tutor.store.tables import card_table, review_table
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DECK = "# E\n\n" + "".join(
    f"## Question {i}?\n<!-- id: q{i} -->\n\n- [x] right {i}\n- [ ] wrong {i}\n\n" for i in range(4)
)


def make_app(db: Database) -> TutorApp:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
    return TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


def screen_of(app: TutorApp) -> ReviewScreen:
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


def card_on_screen(app: TutorApp) -> int:
    presented = screen_of(app).presented
    assert presented is not None
    return presented.card.id


def last_line(app: TutorApp) -> str:
    return str(app.screen.query_one("#last", Static).content)


def flags(db: Database, card_id: int) -> tuple[bool, datetime | None]:
    with db.read() as conn:
        row = conn.execute(
            select(card_table.c.suspended, card_table.c.buried_until).where(
                card_table.c.id == card_id
            )
        ).one()
    return bool(row.suspended), row.buried_until


def review_ids(db: Database) -> list[int]:
    with db.read() as conn:
        return list(conn.execute(select(review_table.c.id).order_by(review_table.c.id)).scalars())


@pytest.fixture
def deck_path(write_deck: WriteDeck) -> Path:
    return write_deck("e.md", DECK)


@pytest.fixture
def collection(
    db_path: Path, deck_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 50)  # a held lock fails a write at once
    database = open_database(f"sqlite:///{db_path}")
    import_paths(database, [deck_path], NOW)
    yield database
    database.close()


async def test_u_after_s_unsuspends_the_card_and_after_b_unburies_it(
    collection: Database,
) -> None:
    app = make_app(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = card_on_screen(app)
        await pilot.press("s")
        assert "u undoes it" in last_line(app) and flags(collection, first)[0]
        await pilot.press("u")
        assert card_on_screen(app) == first and flags(collection, first) == (False, None)
        assert "no longer suspended" in last_line(app)
        await pilot.press("b")
        assert card_on_screen(app) != first and flags(collection, first)[1] is not None
        await pilot.press("u")
        assert card_on_screen(app) == first and flags(collection, first) == (False, None)
        assert "no longer buried" in last_line(app)
        assert screen_of(app).mode == "question"


async def test_answer_bury_answer_then_three_undos_unwind_in_order(collection: Database) -> None:
    app = make_app(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        answered_first = card_on_screen(app)
        await pilot.press("1", "enter")  # option 1 is right (no shuffle): Good
        buried = card_on_screen(app)
        await pilot.press("b")
        answered_second = card_on_screen(app)
        await pilot.press("2", "enter")
        assert len(review_ids(collection)) == 2
        await pilot.press("u")
        assert card_on_screen(app) == answered_second and len(review_ids(collection)) == 1
        await pilot.press("u")
        assert card_on_screen(app) == buried and flags(collection, buried) == (False, None)
        await pilot.press("u")
        assert card_on_screen(app) == answered_first and review_ids(collection) == []
        await pilot.press("u")  # nothing left to undo: the key does nothing
        assert card_on_screen(app) == answered_first


async def test_u_under_a_held_write_lock_keeps_the_screen_and_undoes_the_last_answer_later(
    collection: Database, db_path: Path
) -> None:
    app = make_app(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in ("1", "2", "1"):
            await pilot.press(key, "enter")
        acknowledged = review_ids(collection)
        on_screen = card_on_screen(app)
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another tutor is writing
        await pilot.press("u", "u")
        assert card_on_screen(app) == on_screen and review_ids(collection) == acknowledged
        assert len(screen_of(app).session.done) == 3  # type: ignore[union-attr]
        assert sum("busy" in n.message for n in app._notifications) == 2
        other.rollback()
        other.close()
        await pilot.press("u")
        assert review_ids(collection) == acknowledged[:2]
        assert "last answer was taken back" in last_line(app)


@pytest.fixture
def terminal_hand_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """The headless test driver behaves as a terminal that can be handed to an editor."""
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))


@pytest.mark.parametrize(
    ("editor", "expected"),
    [
        ("no-such-editor-xyz", "cannot run the editor 'no-such-editor-xyz': No such file"),
        ("false", "the editor 'false' exited with status 1"),
    ],
)
async def test_a_failing_editor_is_a_message_and_q_still_quits(
    collection: Database,
    deck_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    terminal_hand_over: None,
    editor: str,
    expected: str,
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor)
    deck_path.write_text(DECK.replace("right 0", "right 0, edited"))  # the edit must not land
    app = make_app(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = card_on_screen(app)
        await pilot.press("e")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(expected in m for m in messages), messages
        assert "re-imported" not in last_line(app).replace("not re-imported", "")
        assert card_on_screen(app) == first and screen_of(app).mode == "question"
        with collection.read() as conn:
            options = conn.execute(
                select(card_table.c.options).where(card_table.c.id == first)
            ).scalar_one()
        assert "edited" not in str(options)
        await pilot.press("q")
    assert app.last_summary is not None  # `q` reached the review screen and quit


async def test_an_editor_run_whose_deck_cannot_be_reimported_is_not_reported_as_reimported(
    collection: Database,
    deck_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    terminal_hand_over: None,
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "true")  # exits 0; the file was broken by "the learner"
    deck_path.write_text(DECK.replace("- [x] right 0", "- [ ] right 0"))
    app = make_app(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await settle(pilot)
        assert any("none is marked [x]" in n.message for n in app._notifications)
        assert last_line(app).startswith("Deck not re-imported")
        await pilot.press("q")
    assert app.last_summary is not None


async def test_an_editor_run_whose_reimport_hits_a_locked_database_is_a_message(
    collection: Database,
    deck_path: Path,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    terminal_hand_over: None,
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "true")
    deck_path.write_text(DECK.replace("right 0", "right 0, edited"))
    app = make_app(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("e")
        await settle(pilot)
        other.rollback()
        other.close()
        assert any("busy" in n.message for n in app._notifications)
        assert last_line(app).startswith("Deck not re-imported")
        await pilot.press("q")
    assert app.last_summary is not None

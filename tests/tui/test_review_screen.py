"""The review screen driven through Pilot: what a learner presses and what they then see."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Static

from tests.conftest import SEED_DECK, WriteDeck
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.store.tables import card_table, review_table
from tutor.tui.app import TutorApp
from tutor.tui.screens import review_start
from tutor.tui.screens.help import HelpScreen
from tutor.tui.screens.review import ReviewScreen
from tutor.tui.widgets.feedback import FeedbackPanel
from tutor.tui.widgets.option_list import OptionList

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def make_app(db: Database, **deck: object) -> TutorApp:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, **deck))  # type: ignore[arg-type]
    return TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


def text_of(app: TutorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


def markdown_of(app: TutorApp, selector: str) -> str:
    """The source text a Static shows (card text is rendered as Markdown, or as plain text)."""
    content = app.screen.query_one(selector, Static).content
    return str(getattr(content, "markup", content))


def review_screen(app: TutorApp) -> ReviewScreen:
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


def key_for(app: TutorApp, correct: bool) -> str:
    """The number key that picks a right (or a wrong) option of the card on screen."""
    presented = review_screen(app).presented
    assert presented is not None
    for number, index in enumerate(presented.order, start=1):
        if presented.card.options[index]["correct"] == correct:
            return str(number)
    raise AssertionError("no such option")


def reviews(db: Database) -> list[tuple[int, int, int | None, bool | None]]:
    with db.read() as conn:
        rows = conn.execute(
            select(
                review_table.c.card_id,
                review_table.c.rating,
                review_table.c.suggested_rating,
                review_table.c.correct,
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.fixture
def seeded(db: Database) -> Iterator[Database]:
    import_paths(db, [SEED_DECK], NOW)
    yield db


@pytest.mark.both_databases
async def test_right_answer_shows_right_and_enter_saves_the_suggestion(seeded: Database) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        card_id = review_screen(app).presented.card.id  # type: ignore[union-attr]
        await pilot.press(key_for(app, True))
        assert text_of(app, "#verdict") == "✓ Right"
        assert "3 Good 10m" in text_of(app, "#ratings") and "Enter = Good" in text_of(
            app, "#ratings"
        )
        await pilot.press("enter")
        await pilot.pause()
        assert reviews(seeded) == [(card_id, 3, 3, True)]
        assert review_screen(app).presented.card.id != card_id  # type: ignore[union-attr]
        assert "Saved: Good" in text_of(app, "#last")


async def test_wrong_answer_shows_the_picked_distractors_reasoning_first(seeded: Database) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        key = key_for(app, False)
        picked = screen.presented.card.options[screen.presented.order[int(key) - 1]]  # type: ignore[union-attr]
        await pilot.press(key)
        assert text_of(app, "#verdict").startswith("✗ Wrong")
        first = text_of(app, "#picked-reasoning")
        assert first.startswith(f"You chose “{picked['text']}” — why it is wrong:")
        assert picked["reasoning"] in first
        right = text_of(app, "#right-reasoning")  # the right option's reasoning follows
        assert right.startswith("The right answer “") and "why it is right:" in right
        others = [str(part) for part in app.screen.query_one(FeedbackPanel).others]
        assert len(others) == 2
        assert not any(picked["text"] in o for o in others)
        assert all(o.startswith("✗ ") for o in others)  # then the other distractors
        assert not app.screen.query_one("#options").display  # the feedback names them all
        assert "Pruning" in markdown_of(app, "#explanation")
        assert app.screen.query_one("#explanation").display
        assert "Enter = Again" in text_of(app, "#ratings")


async def test_rating_override_is_saved_with_the_suggestion(seeded: Database) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(key_for(app, False), "3")
        await pilot.pause()
        [(_, rating, suggested, correct)] = reviews(seeded)
        assert (rating, suggested, correct) == (3, 1, False)


async def test_select_all_toggles_then_enter(db: Database, write_deck: WriteDeck) -> None:
    import_paths(
        db, [write_deck("s.md", "# S\n\n## Pick the even ones\n\n- [x] 2\n- [ ] 3\n- [x] 4\n")], NOW
    )
    app = make_app(db, shuffle=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Select all that apply" in text_of(app, "#hint")
        await pilot.press("1", "2")
        options = app.screen.query_one(OptionList)
        assert str(options.line(1)).startswith("[x] 2")
        assert str(options.line(2)) == "[ ] 3  4"
        marked = options.get_component_rich_style("option-list--toggled")
        assert [any(span.style == marked for span in options.line(n).spans) for n in range(3)] == [
            True,
            True,
            False,
        ]
        await pilot.press("2", "3", "enter")
        assert text_of(app, "#verdict") == "✓ Right"
        await pilot.press("enter")
        await pilot.pause()
        assert reviews(db)[0][1:] == (3, 3, True)


async def test_recall_card_reveals_on_space_and_takes_a_rating(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(
        db, [write_deck("r.md", "# R\n\n## What does INT8 trade away?\n\nPrecision.\n")], NOW
    )
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "press Space to reveal" in text_of(app, "#hint")
        assert not app.screen.query_one("#feedback").display
        await pilot.press("space")
        assert markdown_of(app, "#explanation") == "Precision."
        await pilot.press("4")
        await pilot.pause()
        assert reviews(db)[0][1:] == (4, 3, None)


async def test_space_on_a_choice_card_means_i_dont_know(seeded: Database) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("space")
        assert text_of(app, "#verdict").startswith("✗ Not answered")
        assert text_of(app, "#picked-reasoning").startswith("The right answer “")


@pytest.mark.both_databases
async def test_undo_brings_the_card_back_and_removes_the_answer(seeded: Database) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = review_screen(app).presented.card.id  # type: ignore[union-attr]
        await pilot.press(key_for(app, True), "enter")
        await pilot.pause()
        assert len(reviews(seeded)) == 1
        await pilot.press("u")
        await pilot.pause()
        assert reviews(seeded) == []
        assert review_screen(app).presented.card.id == first  # type: ignore[union-attr]
        assert review_screen(app).mode == "question"


async def test_suspend_skips_the_card_for_good(seeded: Database) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = review_screen(app).presented.card.id  # type: ignore[union-attr]
        await pilot.press("s")
        await pilot.pause()
        assert review_screen(app).presented.card.id != first  # type: ignore[union-attr]
        assert "Suspended" in text_of(app, "#last")
    with seeded.read() as conn:
        assert conn.execute(select(card_table.c.suspended).where(card_table.c.id == first)).scalar()


async def test_end_of_session_shows_the_summary(db: Database, write_deck: WriteDeck) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA.\n")], NOW)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("space", "4")
        await pilot.pause()
        assert text_of(app, "#summary-title") == "Session complete"
        summary = text_of(app, "#summary")
        assert "Cards answered   1" in summary and "Due tomorrow     0" in summary
        assert "Next card due    Sat 05 Dec 09:00 (in 8d)" in summary  # Easy on a new card
        await pilot.press("q")
    assert app.last_summary is not None and app.last_summary.answered == 1


async def test_card_text_is_shown_literally(db: Database, write_deck: WriteDeck) -> None:
    deck = "# M\n\n## Is [bold]x[/bold] bold?\n\n- [x] a[/]b — [red]no[/]\n- [ ] [link=x]c\n"
    import_paths(db, [write_deck("m.md", deck)], NOW)
    app = make_app(db, shuffle=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert [str(line) for line in options.lines] == ["1  a[/]b", "2  [link=x]c"]
        await pilot.press("1")
        assert "[red]no[/]" in text_of(app, "#picked-reasoning")
        assert markdown_of(app, "#question") == "Is [bold]x[/bold] bold?"


async def test_help_lists_every_key(seeded: Database) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        keys = [key for key, _what in HelpScreen.keys_of(app.screen)]
        for key in ("1-9", "Space", "Enter", "u", "e", "s", "b", "q Escape"):
            assert key in keys
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_home_screen_lists_decks_and_empty_collection_offers_the_bundled_deck(
    db: Database, tmp_path: Path
) -> None:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    app = TutorApp(db, settings, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Press i to import the bundled deck" in text_of(app, "#empty")
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "10 added" in str(app.screen.query_one("#result", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert "Due today: 10 new" in text_of(app, "#today")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_a_locked_database_is_a_message_and_the_answer_can_be_given_again(
    seeded: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from tutor.store import db as store_db

    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 100)
    locked = Database(store_db.create_engine(seeded.url), seeded.url)  # type: ignore[attr-defined]
    store_db._configure_sqlite(locked.engine)
    app = make_app(Database(locked.engine, seeded.url))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(key_for(app, True))
        other = sqlite3.connect(db_path)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        await pilot.press("enter")
        await pilot.pause()
        assert review_screen(app).mode == "answer"
        assert any("busy" in n.message for n in app._notifications)
        other.rollback()
        other.close()
        await pilot.press("enter")
        await pilot.pause()
        assert len(reviews(seeded)) == 1


async def test_edited_deck_file_is_reimported_and_the_card_updated(
    db: Database, write_deck: WriteDeck
) -> None:
    path = write_deck("e.md", "# E\n\n## Q?\n<!-- id: q -->\n\n- [x] right\n- [ ] wrong\n")
    import_paths(db, [path], NOW)
    app = make_app(db, shuffle=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        path.write_text(path.read_text().replace("- [ ] wrong", "- [ ] wrong — because."))
        review_screen(app).resync("E")
        await settle(pilot)
        assert text_of(app, "#last") == "Deck re-imported; the card is updated."
        await pilot.press("2")
        assert "because." in text_of(app, "#picked-reasoning")
        path.write_text("# E\n\n## Q?\n<!-- id: q -->\n\n- [ ] no right option\n- [ ] at all\n")
        review_screen(app).resync("E")
        await settle(pilot)
        assert any("none is marked [x]" in n.message for n in app._notifications)


async def test_recall_first_hides_the_options_until_space(seeded: Database) -> None:
    app = make_app(seeded, recall_first=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Recall the answer first" in text_of(app, "#hint")
        assert not app.screen.query_one("#options").display
        await pilot.press("1")  # numbers do nothing before the options are shown
        assert review_screen(app).mode == "recall-first"
        await pilot.press("space")
        assert app.screen.query_one("#options").display
        assert len(app.screen.query_one(OptionList).lines) == 4
        await pilot.press(key_for(app, True))
        assert text_of(app, "#verdict") == "✓ Right"


def early_app(db: Database, db_path: Path) -> TutorApp:
    """The app as `tutor review` starts it: no store yet, the first card read with the stdlib."""
    from tutor.peek import preview

    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    first = preview(db_path, settings, NOW, None, random.Random(0))
    return TutorApp(
        None,
        settings,
        start_in_review=True,
        clock=lambda: NOW,
        rng=random.Random(0),
        sync=False,
        db_url=seeded_url(db_path),
        preview=first,
    )


def seeded_url(db_path: Path) -> str:
    return f"sqlite:///{db_path}"


async def test_first_card_shows_before_the_store_and_an_early_answer_waits_for_it(
    seeded: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ReviewScreen, "_load_session", lambda self: None)  # the store "loads"
    app = early_app(seeded, db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        assert screen.session is None and screen.mode == "question"
        preview = screen.presented
        assert preview is not None and markdown_of(app, "#question") == preview.card.question
        await pilot.press(key_for(app, True))
        assert "One moment" in text_of(app, "#hint") and screen.mode == "question"
        review_start.start(screen, review_start.open_session(screen))  # the store is ready
        await pilot.pause()
        assert screen.session is not None
        assert screen.presented.card.id == preview.card.id  # type: ignore[union-attr]
        assert screen.presented.order == preview.order  # type: ignore[union-attr]
        assert text_of(app, "#verdict") == "✓ Right"
        await pilot.press("enter")
        await pilot.pause()
        assert len(reviews(seeded)) == 1
    if app.db is not None:
        app.db.close()


async def test_a_stale_preview_gives_way_to_the_sessions_card(
    seeded: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ReviewScreen, "_load_session", lambda self: None)
    app = early_app(seeded, db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        first = screen.presented.card.id  # type: ignore[union-attr]
        with seeded.write() as conn:  # meanwhile, another window suspends that card
            conn.execute(card_table.update().where(card_table.c.id == first).values(suspended=True))
        review_start.start(screen, review_start.open_session(screen))
        await pilot.pause()
        assert screen.presented.card.id != first  # type: ignore[union-attr]
        assert screen.mode == "question"
    if app.db is not None:
        app.db.close()


async def test_a_collection_that_cannot_open_ends_the_app_with_its_message(
    tmp_path: Path,
) -> None:
    import sqlite3

    path = tmp_path / "newer.db"
    from tutor.store.db import open_database

    open_database(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99'")
    app = TutorApp(None, Settings(), start_in_review=True, db_url=f"sqlite:///{path}")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert app.return_code == 3


async def test_review_of_an_empty_collection_goes_home_which_explains_import(
    db: Database, db_path: Path
) -> None:
    app = TutorApp(
        None, Settings(), start_in_review=True, clock=lambda: NOW, db_url=f"sqlite:///{db_path}"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Press i to import the bundled deck" in text_of(app, "#empty")
    if app.db is not None:
        app.db.close()


async def test_a_select_all_answer_given_while_loading_takes_no_more_toggles(
    db: Database, db_path: Path, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = "# Primes\n\n## Which are prime?\n\n- [x] 2 — even.\n- [x] 3 — odd.\n- [ ] 4 — 2 × 2.\n"
    import_paths(db, [write_deck("primes.md", deck)], NOW)
    monkeypatch.setattr(ReviewScreen, "_load_session", lambda self: None)  # the store "loads"
    app = early_app(db, db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        assert screen.presented is not None and screen.presented.select_all
        order = screen.presented.order
        rights = [str(n) for n, i in enumerate(order, start=1) if i in (0, 1)]
        wrong = next(str(n) for n, i in enumerate(order, start=1) if i == 2)
        await pilot.press(*rights, "enter")  # the answer, given before the store is open
        await pilot.press(wrong)  # too late: the answer is given
        assert screen.toggled == {0, 1}
        review_start.start(screen, review_start.open_session(screen))
        await pilot.pause()
        assert text_of(app, "#verdict") == "✓ Right"
    if app.db is not None:
        app.db.close()

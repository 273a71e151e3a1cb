"""Issue 11, item by item: what a new learner met on the review screen, driven through Pilot."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import DataTable, Static

from tests.conftest import SEED_DECK, WriteDeck
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.deck.parser import parse_text
from tutor.errors import DeckError
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.help import HelpScreen
from tutor.tui.screens.home import HomeScreen
from tutor.tui.screens.review import ReviewScreen
from tutor.tui.widgets.footer import Footer
from tutor.tui.widgets.option_list import OptionList
from tutor.tui.widgets.rating_bar import promise

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
NINE = "".join(f"- [{'x' if n == 9 else ' '}] option {n} — because {n}\n" for n in range(1, 10))
MINE = f"""\
# Mine

## Which of these are prime?
<!-- id: primes -->

- [x] 2 — the only even prime.
- [x] 3 — divisible by 1 and itself only.
- [ ] 4 — it is 2 × 2.
- [ ] 9 — it is 3 × 3.

## Which option is the ninth?
<!-- id: nine -->

{NINE}
## What does this print?
<!-- id: code -->

```python
print(sum(range(4)))
```

- [x] 6 — 0 + 1 + 2 + 3.
- [ ] 10 — `range(4)` stops before 4.

## What is the capital of France?
<!-- id: recall -->

Paris. It is
on the Seine.

## Which rule lets *unauthenticated* users read?
<!-- id: markdown -->

- [x] `Allow` — an *explicit* allow wins.
- [ ] `Deny` — it **blocks** [red]them[/].
"""


def app_for(db: Database, *, review: bool = True, **deck: object) -> TutorApp:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False, **deck))  # type: ignore[arg-type]
    return TutorApp(
        db, settings, start_in_review=review, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


def text_of(app: TutorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


def screen_of(app: TutorApp) -> ReviewScreen:
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def go_to(app: TutorApp, pilot: object, slug: str) -> None:
    """Bury cards until the one with this id is on screen (buried cards stay out of the way)."""
    for _ in range(10):
        presented = screen_of(app).presented
        assert presented is not None
        if presented.card.question.startswith(slug) or slug in str(presented.card.id):
            return
        await pilot.press("b")  # type: ignore[attr-defined]
    raise AssertionError(f"no card {slug!r}")


def on_screen(widget: Widget, scroll: Widget) -> bool:
    """The widget's first line is inside the visible part of the scrolling card."""
    return widget.display and scroll.region.y <= widget.region.y < scroll.region.bottom


@pytest.fixture
def mine(db: Database, write_deck: WriteDeck) -> Database:
    import_paths(db, [write_deck("mine.md", MINE)], NOW)
    return db


# 1 -------------------------------------------------------------------------------------------


def test_1_a_card_with_ten_options_is_refused_at_import_naming_the_card_and_the_limit() -> None:
    ten = NINE + "- [ ] option 10\n"
    with pytest.raises(DeckError) as caught:
        parse_text(f"# D\n\n## Ten?\n\n{ten}", "ten.md")
    assert "ten.md:3:" in str(caught.value) and "10 options; at most 9" in str(caught.value)


async def test_1_every_one_of_nine_options_is_reachable_by_its_key(mine: Database) -> None:
    app = app_for(mine)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(app, pilot, "Which option is the ninth")
        assert "Press 1-9" in text_of(app, "#hint")
        assert str(app.screen.query_one(OptionList).line(8)) == "9  option 9"
        await pilot.press("9")
        assert text_of(app, "#verdict") == "✓ Right"


# 2 -------------------------------------------------------------------------------------------


async def test_2_plain_text_reflows_instead_of_keeping_the_files_line_breaks(
    mine: Database,
) -> None:
    app = app_for(mine)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(app, pilot, "What is the capital")
        await pilot.press("space")
        assert text_of(app, "#explanation") == "Paris. It is on the Seine."


# 3 -------------------------------------------------------------------------------------------


async def test_3_at_80x24_every_bundled_card_answered_wrong_fits_its_feedback(
    db: Database,
) -> None:
    import_paths(db, [SEED_DECK], NOW)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(10):
            presented = screen_of(app).presented
            assert presented is not None
            wrong = next(
                n
                for n, i in enumerate(presented.order, 1)
                if not presented.card.options[i]["correct"]
            )
            await pilot.press(str(wrong))
            await pilot.pause()
            scroll = app.screen.query_one("#card")
            for selector in ("#verdict", "#picked-reasoning", "#right-reasoning"):
                widget = app.screen.query_one(selector)
                assert on_screen(widget, scroll), (presented.card.question, selector)
                assert widget.region.bottom <= scroll.region.bottom, (
                    presented.card.question,
                    selector,
                )
            assert on_screen(app.screen.query_one("#explanation"), scroll), presented.card.question
            await pilot.press("1")  # Again, and on to the next card
            await pilot.pause()


# 4 -------------------------------------------------------------------------------------------


async def test_4_select_all_feedback_leads_with_the_wrong_pick_then_the_missed_one(
    mine: Database,
) -> None:
    app = app_for(mine)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(app, pilot, "Which of these are prime")
        await pilot.press("1", "3", "enter")  # 2 (right) and 4 (wrong); 3 missed
        assert text_of(app, "#verdict") == (
            "✗ Wrong — you included 1 wrong option and missed 1 right one"
        )
        mistakes = text_of(app, "#picked-reasoning")
        assert mistakes.startswith("You included “4” — why it is wrong:\nit is 2 × 2.")
        assert "You missed “3” — why it is right:" in mistakes
        assert text_of(app, "#right-reasoning").startswith("You chose “2” — why it is right:")


# 5 -------------------------------------------------------------------------------------------


async def test_5_help_at_80x24_fits_or_scrolls_to_its_last_key_and_home_has_help(
    db: Database,
) -> None:
    import_paths(db, [SEED_DECK], NOW)
    app = app_for(db, review=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen) and ("A", "review every deck") in app.screen.keys
        await pilot.press("escape")
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        box = app.screen.query_one("#help")
        assert box.region.bottom <= 24 and "Escape, q or ? closes" in str(box.border_subtitle)
        box.scroll_end(animate=False)
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y  # the last line, `q Escape`, can be reached
        await pilot.press("q")
        assert isinstance(app.screen, ReviewScreen)


# 6 -------------------------------------------------------------------------------------------


async def test_6_the_suspend_message_fits_80_columns_and_names_tutor_unsuspend(
    db: Database,
) -> None:
    import_paths(db, [SEED_DECK], NOW)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        card_id = screen_of(app).presented.card.id  # type: ignore[union-attr]
        await pilot.press("s")
        message = text_of(app, "#last")
        assert f"tutor unsuspend {card_id}" in message and len(message) <= 78
        await pilot.press("u")
        assert screen_of(app).presented.card.id == card_id  # type: ignore[union-attr]


# 7 -------------------------------------------------------------------------------------------


async def test_7_undo_shows_the_card_with_its_counts_and_option_order_as_before(
    db: Database,
) -> None:
    import_paths(db, [SEED_DECK], NOW)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=True))
    app = TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(3), sync=False
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = str(app.screen.query_one("#status", Static).content)
        shown = screen_of(app).presented
        assert shown is not None and "new 9  learning 0" in before
        await pilot.press("space", "1")  # Again: into learning; the next new card shows
        assert "new 8  learning 1" in str(app.screen.query_one("#status", Static).content)
        await pilot.press("u")
        back = screen_of(app).presented
        assert back is not None and back.card.id == shown.card.id and back.order == shown.order
        assert "new 9  learning 0" in str(app.screen.query_one("#status", Static).content)


# 8 -------------------------------------------------------------------------------------------


async def test_8_a_select_all_card_at_80_columns_keeps_help_and_quit_in_the_footer(
    mine: Database,
) -> None:
    app = app_for(mine)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(app, pilot, "Which of these are prime")
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = {k.key: k for k in footer.keys}
        for key in ("question_mark", "q", "e", "s", "b", "enter", "space"):
            assert key in keys and footer.region.x + keys[key].end <= 80, key


# 9 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_9_leaving_a_review_opened_from_home_returns_home_and_q_there_quits(
    db: Database, key: str
) -> None:
    import_paths(db, [SEED_DECK], NOW)
    app = app_for(db, review=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and app.last_summary is not None


# 10 ------------------------------------------------------------------------------------------


async def test_10_a_broken_edit_is_one_message_and_e_reopens_the_editor_at_the_bad_line(
    db: Database, write_deck: WriteDeck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_deck("e.md", "# E\n\n## Q?\n<!-- id: q -->\n\n- [x] right\n- [ ] wrong\n")
    import_paths(db, [path], NOW)
    calls = tmp_path / "calls"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nsed -i "s/- \\[x\\]/- [ ]/" "$2"\n')
    editor.chmod(0o755)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    app = app_for(db)
    monkeypatch.setattr(type(app), "suspend", _no_suspend)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await settle(pilot)
        last = text_of(app, "#last")
        assert last == (
            "Deck not re-imported; the card is as last imported — e reopens the editor at line 3."
        )
        assert "re-imported;" not in last.replace("not re-imported;", "")
        await pilot.press("e")
        await settle(pilot)
    assert calls.read_text().splitlines() == [f"+3 {path}", f"+3 {path}"]


def _no_suspend(self: object) -> object:
    from contextlib import nullcontext

    return nullcontext()


# 11 ------------------------------------------------------------------------------------------


async def test_11_markdown_in_options_and_reasoning_is_rendered_and_markup_stays_literal(
    mine: Database,
) -> None:
    app = app_for(mine)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(app, pilot, "Which rule lets")
        option = app.screen.query_one(OptionList).line(0)
        assert str(option) == "1  Allow"
        assert any("bold" in str(span.style) for span in option.spans)  # type: ignore[union-attr]
        await pilot.press("2")
        mistakes = text_of(app, "#picked-reasoning")
        assert mistakes == "You chose “Deny” — why it is wrong:\nit blocks [red]them[/]."
        assert text_of(app, "#right-reasoning").endswith("an explicit allow wins.")


# 12 ------------------------------------------------------------------------------------------


async def test_12_the_saved_line_goes_with_its_card_and_fuzzed_intervals_say_about(
    db: Database,
) -> None:
    import_paths(db, [SEED_DECK], NOW)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "3")
        assert text_of(app, "#last").startswith("Saved: Good — back in 10m")
        assert app.screen.query_one("#last").display
        await pilot.press("space")
        assert not app.screen.query_one("#last").display  # not over the next card's answer
    assert promise(timedelta(days=8), fuzz=True) == "~8d"
    assert promise(timedelta(minutes=10), fuzz=True) == "10m"
    assert promise(timedelta(days=8), fuzz=False) == "8d"


async def test_8_the_first_card_of_a_fast_start_offers_edit_suspend_and_bury_once_loaded(
    db: Database, db_path: Path
) -> None:
    from tutor.peek import preview

    import_paths(db, [SEED_DECK], NOW)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    app = TutorApp(
        None,
        settings,
        start_in_review=True,
        clock=lambda: NOW,
        rng=random.Random(0),
        sync=False,
        db_url=f"sqlite:///{db_path}",
        preview=preview(db_path, settings, NOW, None, random.Random(0)),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert screen_of(app).session is not None and screen_of(app).mode == "question"
        keys = {k.key for k in app.screen.query_one(Footer).keys}
        assert {"e", "s", "b", "question_mark", "q"} <= keys


# 13 ------------------------------------------------------------------------------------------


async def test_13_home_starts_on_the_first_deck_with_cards_due(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("a.md", "# Aardvark\n\n## Q\n\nA.\n")], NOW)
    import_paths(db, [SEED_DECK], NOW)
    app = app_for(db, review=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # review the deck under the cursor
        await settle(pilot)
        assert screen_of(app).session is not None
        await pilot.press("space", "4")  # Easy: Aardvark's one card is done for today
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await settle(pilot)
        card = screen_of(app).presented
        assert card is not None and card.card.deck_name.startswith("Neural network")


async def test_13_deck_names_take_the_spare_width_and_follow_a_resize(
    db: Database, write_deck: WriteDeck
) -> None:
    name = "A long deck name about the grammar and vocabulary of Portuguese verbs, all of them"
    import_paths(db, [write_deck("long.md", f"# Languages::{name}\n\n## Q\n\nA.\n")], NOW)
    app = app_for(db, review=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        label = str(table.get_row_at(1)[0])
        assert label == "  " + name[:32] + "…"  # 80 columns: all the room the counts leave
        used = sum(c.get_render_width(table) for c in table.columns.values())
        assert used <= table.scrollable_content_region.width  # no sideways scrolling
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert str(table.get_row_at(1)[0]) == "  " + name  # wider: the whole name


# 15 ------------------------------------------------------------------------------------------


async def test_15_the_summarys_time_is_the_headers_timer(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA.\n")], NOW)
    now = [NOW]
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    app = TutorApp(db, settings, start_in_review=True, clock=lambda: now[0], sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        now[0] = NOW + timedelta(seconds=95)
        screen_of(app).update_status()
        assert "01:35" in text_of(app, "#status")
        await pilot.press("space", "4")
        await settle(pilot)
        assert "Time spent       1 min 35 s" in text_of(app, "#summary")

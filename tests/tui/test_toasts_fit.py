"""Notifications a learner can read at 80x24: on the review screen they take lines of their own
under the status bar (never over the card's options or the rating bar), elsewhere the whole
width below 100 columns; every line breaks at a space or after a path's `/`, never mid-word."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widget import Widget

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen
from tutor.tui.toast_text import wrap
from tutor.tui.widgets.option_list import OptionList

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
LONG_NAME = "a-deck-file-with-a-rather-long-name-for-paths.md"
GOOD = "# E\n\n## Q?\n<!-- id: q -->\n\n- [x] right\n- [ ] wrong\n"
BROKEN = "# E\n\n## Q?\n<!-- id: q -->\n\n- [ ] no right option\n- [ ] at all\n"
SIZES = [(80, 24), (160, 48)]


def toasts(app: TutorApp) -> list[Widget]:
    return list(app.screen.query("Toast"))


def shown_lines(toast: Widget) -> list[str]:
    """The toast's text as the terminal shows it, line by line (the bar and padding cut)."""
    strips = toast.render_lines(Region(0, 0, toast.region.width, toast.region.height))
    return [strip.text[2:].rstrip() for strip in strips if strip.text[2:].strip()]


def assert_breaks_between_words(lines: list[str], message: str) -> None:
    """The lines give back `message`, each break at one of its spaces or after a `/`."""
    at = 0
    for line in lines:
        assert message[at : at + len(line)] == line, (line, message[at:])
        at += len(line)
        if at < len(message):
            if message[at] == " ":
                at += 1
            else:
                assert line.endswith("/"), f"broken mid-word after {line!r}"
    assert at == len(message)


@pytest.fixture
def broken_deck(db: Database, write_deck: WriteDeck) -> str:
    """A deck imported, then its file broken (no option marked right): what the session's
    re-import says about it."""
    path = write_deck(LONG_NAME, GOOD)
    import_paths(db, [path], NOW)
    path.write_text(BROKEN, encoding="utf-8")
    return f'{path}:3: card "Q?" has options but none is marked [x]'


@pytest.mark.parametrize("size", SIZES)
async def test_a_notice_at_the_start_of_a_review_hides_no_option_and_no_rating(
    db: Database, broken_deck: str, size: tuple[int, int]
) -> None:
    app = TutorApp(db, SETTINGS, start_in_review=True, clock=lambda: NOW, rng=random.Random(0))
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        [toast] = toasts(app)
        whole = Region(0, 0, *size)
        assert toast.region.width >= size[0] - 2  # the screen's width, less the scroll gutter
        assert toast.region.y >= screen.query_one("#status").region.bottom
        assert whole.contains_region(toast.region)
        lines = shown_lines(toast)
        assert lines[0] == "Deck not re-imported"
        assert_breaks_between_words(lines[1:], broken_deck)
        card = screen.query_one("#card").region
        options = screen.query_one(OptionList)
        assert len(options.lines) == 2 and options.region.height == 2
        assert card.contains_region(options.region)  # in view, not scrolled away
        assert not options.region.overlaps(toast.region)
        await pilot.press("2")  # the wrong option: the answer and the rating bar
        await settle(pilot)
        assert screen.mode == "answer" and toasts(app) == [toast]
        ratings = screen.query_one("#ratings").region
        assert ratings.height == 1 and whole.contains_region(ratings)
        assert not ratings.overlaps(toast.region)
        assert not screen.query_one("#verdict").region.overlaps(toast.region)


@pytest.mark.parametrize(("size", "width"), [((80, 24), 75), ((99, 30), 94), ((160, 48), 57)])
async def test_a_notice_elsewhere_is_full_width_below_100_columns_and_breaks_between_words(
    db: Database, write_deck: WriteDeck, size: tuple[int, int], width: int
) -> None:
    path = write_deck(LONG_NAME, GOOD)
    import_paths(db, [path], NOW)
    message = f"{path}:3: a card template left unfilled; fill it in or delete it, then save"
    app = TutorApp(db, SETTINGS, clock=lambda: NOW)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        app.notify(message, title="No card added", severity="error")
        await settle(pilot)
        [toast] = toasts(app)
        assert toast.content_region.width == width
        if size[0] < 100:
            assert toast.region.x == 0  # the whole width, not half
        lines = shown_lines(toast)
        assert lines[0] == "No card added"
        assert_breaks_between_words(lines[1:], message)


async def test_several_problems_are_one_notice_that_counts_them(
    db: Database, write_deck: WriteDeck
) -> None:
    cards = "".join(
        f"## Q{n}?\n<!-- id: q{n} -->\n\n- [x] right\n- [ ] wrong\n\n" for n in range(4)
    )
    path = write_deck(LONG_NAME, "# E\n\n" + cards)
    import_paths(db, [path], NOW)
    path.write_text(path.read_text().replace("- [x] right", "- [ ] right"), encoding="utf-8")
    app = TutorApp(db, SETTINGS, start_in_review=True, clock=lambda: NOW, rng=random.Random(0))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        [toast] = toasts(app)  # not four, one under another, the last ones out of sight
        lines = shown_lines(toast)
        assert lines[0] == "Deck not re-imported: 4 problems"
        assert " ".join(lines[1:]).endswith(
            "(and 3 more: `tutor import` on the deck file lists every one)"
        )
        assert toast.region.height == len(lines) <= 8
        card = app.screen.query_one("#card").region
        options = app.screen.query_one(OptionList)
        assert options.region.height == 2 and card.contains_region(options.region)


def test_a_path_wider_than_a_line_breaks_after_its_separators_and_words_stay_whole() -> None:
    message = "Deck not re-imported: /home/learner/decks/languages/french/verbs.md:12: bad"
    assert wrap(message, 30).split("\n") == [
        "Deck not re-imported: /home/",
        "learner/decks/languages/",
        "french/verbs.md:12: bad",
    ]
    assert wrap("short words only here", 10).split("\n") == ["short", "words only", "here"]
    assert wrap("x" * 25, 10).split("\n") == ["x" * 10, "x" * 10, "x" * 5]  # no separator
    assert wrap("two\nparagraphs", 40) == "two\nparagraphs"
    assert wrap("/a/b/c d", 4).split("\n") == ["/a/", "b/c", "d"]
    assert all(len(line) <= 12 for line in wrap(Path("/x" * 30).as_posix(), 12).split("\n"))

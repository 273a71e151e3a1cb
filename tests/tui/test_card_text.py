"""The question and its body in one widget: the body under the question, folded in the answer."""

from __future__ import annotations

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tests.tui.test_snapshots import CODE_BLOCK, NOW, SIZE, unshuffled
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.screens.review import ReviewScreen


def screen_lines(screen: ReviewScreen) -> list[str]:
    """The text of every line on screen, as the learner reads it."""
    return [strip.text for strip in screen._compositor.render_strips()]


async def test_the_body_shows_under_the_question_and_folds_in_the_answer(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("c.md", CODE_BLOCK)], NOW)
    app = unshuffled(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        lines = screen_lines(screen)
        question = next(n for n, line in enumerate(lines) if "What does this function" in line)
        code = next(n for n, line in enumerate(lines) if "def total(n):" in line)
        options = next(n for n, line in enumerate(lines) if line.strip().startswith("1  "))
        assert question < code < options  # the code between the question and the options
        assert not screen.card_text.children  # one widget: no container of two

        await pilot.press("2")  # a wrong answer: the body moves below the feedback
        await settle(pilot)
        lines = screen_lines(screen)
        question = next(n for n, line in enumerate(lines) if "What does this function" in line)
        assert "✗ Wrong" in lines[question + 2]  # the verdict right under the question
        assert not any("def total(n):" in line for line in lines[: question + 3])

        await pilot.press("3")  # the deck's only card again (learning): its body is back
        await settle(pilot)
        lines = screen_lines(screen)
        question = next(n for n, line in enumerate(lines) if "What does this function" in line)
        code = next(n for n, line in enumerate(lines) if "def total(n):" in line)
        options = next(n for n, line in enumerate(lines) if line.strip().startswith("1  "))
        assert question < code < options

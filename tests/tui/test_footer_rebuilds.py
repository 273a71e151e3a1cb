"""The review's key bar: one widget that reads the screen's bindings when it draws, so the keys
that apply are in the first frame and stay right after every change, without a widget mounted
per key (Textual's footer mounted every key anew on each change: most of the first frame's
work beyond a bare app, and 14 widgets an answer kept alive through their data binding)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from tests.conftest import SEED_DECK
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.help import HelpScreen
from tutor.tui.screens.review import ReviewScreen
from tutor.tui.widgets.footer import Footer

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def review_app(db: Database) -> TutorApp:
    import_paths(db, [SEED_DECK], NOW)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
    return TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


def keys_shown(app: TutorApp) -> list[str]:
    return [key.key for key in app.screen.query_one(Footer).keys]


def keys_that_apply(app: TutorApp) -> list[str]:
    bindings = app.screen.active_bindings.values()
    seen: dict[str, str] = {}  # one key per action, as Textual's footer groups them
    for _node, binding, _enabled, _tooltip in bindings:
        if binding.show:
            seen.setdefault(binding.action, binding.key)
    return list(seen.values())


async def test_the_bar_shows_the_keys_that_apply_and_mounts_nothing_when_they_change(
    db: Database,
) -> None:
    app = review_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        widgets = len(list(app.screen.walk_children()))
        first = keys_shown(app)
        assert first == keys_that_apply(app)
        assert {"space", "e", "s", "b", "question_mark", "q"} <= set(first)
        assert "u" not in first  # nothing to undo yet
        assert " space Reveal " in footer.line()[0].plain
        steps: list[tuple[str, Any]] = [("space", "enter"), ("3", "u"), ("u", "space")]
        for key, expected in steps:
            await pilot.press(key)
            await settle(pilot)
            assert keys_shown(app) == keys_that_apply(app), key
            assert expected in keys_shown(app), key
        assert not footer.children  # the keys are text, not widgets
        assert len(list(app.screen.walk_children())) == widgets


async def test_a_click_on_a_key_presses_it(db: Database) -> None:
    app = review_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        footer = app.screen.query_one(Footer)
        help_key = next(key for key in footer.keys if key.key == "question_mark")
        await pilot.click(Footer, offset=(help_key.start + 1, 0))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)

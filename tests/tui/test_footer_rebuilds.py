"""The review's key bar: rebuilt once per burst of binding changes while a review opens (each
rebuild mounts every key anew: most of the first frame's work beyond a bare app), always showing
the keys that apply, and keeping no removed key alive (Textual's own kept every one: 14 widgets an
answer, a session's memory growing by 10 MB every 30 answers)."""

from __future__ import annotations

import gc
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import SEED_DECK
from tests.tui.settle import settle
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen
from tutor.tui.widgets.footer import Footer

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def keys_shown(app: TutorApp) -> list[str]:
    return [key.key for key in app.screen.query("FooterKey").results()]  # type: ignore[attr-defined]


def keys_that_apply(app: TutorApp) -> list[str]:
    bindings = app.screen.active_bindings.values()
    seen: dict[str, str] = {}  # one key per action, as the footer groups them
    for _node, binding, _enabled, _tooltip in bindings:
        if binding.show:
            seen.setdefault(binding.action, binding.key)
    return list(seen.values())


async def test_opening_a_review_rebuilds_the_footer_once_and_every_change_shows(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(db, [SEED_DECK], NOW)
    rebuilds: list[int] = []
    rebuild = Footer._rebuild

    async def counted(self: Footer) -> None:
        rebuilds.append(len(rebuilds))
        await rebuild(self)

    monkeypatch.setattr(Footer, "_rebuild", counted)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
    app = TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # Textual's own footer rebuilds 8 times here: once per binding change of the start
        assert len(rebuilds) <= 2
        first = keys_shown(app)
        assert first == keys_that_apply(app)
        assert {"space", "e", "s", "b", "question_mark", "q"} <= set(first)
        assert "u" not in first  # nothing to undo yet
        steps: list[tuple[str, Any]] = [("space", "enter"), ("3", "u"), ("u", "space")]
        for key, expected in steps:
            await pilot.press(key)
            await settle(pilot)
            assert keys_shown(app) == keys_that_apply(app), key
            assert expected in keys_shown(app), key


async def test_a_long_review_keeps_no_removed_key_alive(db: Database) -> None:
    import_paths(db, [SEED_DECK], NOW)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    app = TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(6):  # each answer rebuilds the footer twice (question, then answer)
            await pilot.press("space")
            await pilot.press("3")
            await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.presented is not None
        assert len(app.screen.session.done) == 6  # type: ignore[union-attr]
        gc.collect()
        keys = [o for o in gc.get_objects() if type(o).__name__ == "FooterKey"]
        assert keys and [key for key in keys if not key.is_attached] == []

"""The statistics screen: the report's sections, the range keys, side by side when wide."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from tests.test_stats import NOW, SETTINGS, log  # noqa: F401  (the hand-built log fixture)
from tests.tui.settle import settle
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.stats import StatsScreen


async def sections_of(pilot: Pilot[Any]) -> list[str]:
    await settle(pilot)
    return [str(s.content) for s in pilot.app.screen.query(".stats-section").results(Static)]


async def test_from_home_with_range_keys_and_two_columns_when_wide(log: Database) -> None:  # noqa: F811
    app = TutorApp(log, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        assert isinstance(app.screen, StatsScreen)
        sections = await sections_of(pilot)
        assert sections[0].startswith("Today\n  3 reviews, 2 right (66.7%)")
        [retention] = [s for s in sections if s.startswith("True retention")]
        yesterday = next(line for line in retention.splitlines() if "yesterday" in line)
        assert yesterday.split() == ["yesterday", "0/0", "—", "3/4", "75.0%", "3/4", "75.0%"]
        assert not app.screen.query_one("#stats-grid").has_class("-wide")
        await pilot.press("m")
        await sections_of(pilot)
        assert "range: month" in str(app.screen.query_one("#stats-title", Static).content)
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)
    app = TutorApp(log, SETTINGS, clock=lambda: NOW, sync=False, stats=(None, "year"))
    async with app.run_test(size=(160, 48)) as pilot:
        await sections_of(pilot)
        assert app.screen.query_one("#stats-grid").has_class("-wide")

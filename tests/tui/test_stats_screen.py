"""The statistics screen: the report's sections, the range keys, side by side when wide."""

from __future__ import annotations

from typing import Any

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Static

from tests.test_stats import NOW, SETTINGS, log  # noqa: F401  (the hand-built log fixture)
from tests.test_stats_text import LONG, lengthen
from tests.tui.settle import settle
from tutor.store.db import Database
from tutor.tui.app import TutorApp
from tutor.tui.screens.stats import StatsScreen


async def sections_of(pilot: Pilot[Any]) -> list[str]:
    """Each section's text as it is drawn: lines as wide as its panel, trailing spaces dropped."""
    await settle(pilot)
    panels = pilot.app.screen.query(".stats-section").results(Static)
    return ["\n".join(line.rstrip() for line in drawn(panel)) for panel in panels]


def drawn(panel: Static) -> list[str]:
    region = Region(0, 0, *panel.outer_size)
    left = panel.styles.padding.left
    return [strip.text[left:] for strip in panel.render_lines(region)]


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


async def test_card_text_is_cut_at_the_panel_edge_not_wrapped(log: Database) -> None:  # noqa: F811
    lengthen(log)
    for size in ((80, 24), (160, 48)):
        app = TutorApp(log, SETTINGS, clock=lambda: NOW, sync=False, stats=(None, "year"))
        async with app.run_test(size=size) as pilot:
            sections = await sections_of(pilot)
            for title in ("Hardest cards", "Most tempting distractors"):
                [lines] = [s.splitlines() for s in sections if s.startswith(title)]
                row = next(line for line in lines if "Which" in line)
                assert row.endswith("…") and LONG[:30] in row, (size, row)
                assert not any(line.strip().startswith(("keeps", "THE END")) for line in lines)
            [calendar] = [s.splitlines() for s in sections if s.startswith("Calendar")]
            days = ("Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun ")
            rows = [line for line in calendar if line[2:6] in days]
            assert [row[2:6] for row in rows] == list(days)
            assert all(row[6] != " " for row in rows)  # each row starts on the same week

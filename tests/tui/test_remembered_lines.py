"""A line that remembers what it drew (the review's hint and last line) draws what Textual would
draw, after its text, its styles, the theme or its width changed: never a stale line."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widget import Widget

from tutor.tui.widgets.remembered_lines import RememberedLine


class LineApp(App[None]):
    CSS = """
    RememberedLine { height: 1; padding: 0 1; background: $boost; }
    RememberedLine.-warning { color: $warning; background: $error 20%; }
    """

    def compose(self) -> ComposeResult:
        yield RememberedLine(id="line")


def drawn(line: RememberedLine) -> tuple[list[Strip], list[Strip]]:
    """The lines as the widget gives them, and as Textual itself draws them now."""
    crop = line.size.region
    remembered = line.render_lines(crop)
    line.refresh()  # Textual's own lines drawn afresh, not from its cache either
    return remembered, Widget.render_lines(line, crop)


async def test_a_remembered_line_is_what_textual_draws_after_every_change() -> None:
    app = LineApp()
    async with app.run_test(size=(60, 5)) as pilot:
        line = app.query_one("#line", RememberedLine)
        seen: list[list[Strip]] = []

        async def check(expect_new: bool) -> None:
            await pilot.pause()
            remembered, textual = drawn(line)
            assert remembered == textual
            assert (remembered not in seen) == expect_new
            seen.append(remembered)

        line.update(Text("Press 1-4 to answer"), layout=False)
        await check(expect_new=True)
        line.update(Text("Rate your recall: 1-4", style="bold"), layout=False)
        await check(expect_new=True)
        line.update(Text("Press 1-4 to answer"), layout=False)  # back: drawn from memory
        await check(expect_new=False)
        line.update(Text("Press 1-4 to answer", style="bold"), layout=False)  # same words
        await check(expect_new=True)
        line.add_class("-warning")  # colours from a class
        await check(expect_new=True)
        line.remove_class("-warning")
        await check(expect_new=False)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await check(expect_new=True)
        await pilot.resize_terminal(40, 5)  # another width
        await check(expect_new=True)

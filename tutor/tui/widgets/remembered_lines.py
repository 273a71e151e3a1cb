"""Lines a widget has drawn, kept by what they show and how: a text shown again is drawn once."""

from __future__ import annotations

from collections.abc import Hashable

from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

MEMORY = 8  # looks kept per widget: the few texts a line returns to (a hint per mode, a footer)


class RememberedLines(Widget):
    """Keeps the lines Textual drew for the last few looks, so a widget whose text returns to an
    earlier one (the hint after each mode change) is not drawn again. A look is the text with
    its style spans, the size and crop, the widget's colours and text style, and the app's line
    filters; any change of styles (a theme, a class, the CSS) forgets every look, so no line is
    stale."""

    _remembered: dict[Hashable, list[Strip]] | None = None

    def text_key(self) -> Hashable | None:
        """What the widget shows, hashable (its text and styles), or None: draw as Textual does."""
        raise NotImplementedError

    def render_lines(self, crop: Region) -> list[Strip]:
        shown = self.text_key()
        if shown is None or self.text_selection is not None:
            return super().render_lines(crop)
        look = (shown, crop, self.size, self.visual_style, tuple(self.get_line_filters()))
        if self._remembered is None or len(self._remembered) >= MEMORY:
            self._remembered = {}
        lines = self._remembered.get(look)
        if lines is None:
            lines = self._remembered[look] = super().render_lines(crop)
        return list(lines)

    def notify_style_update(self) -> None:
        """Styles changed (a theme, a class, the CSS): every remembered line is drawn afresh."""
        self._remembered = None
        super().notify_style_update()


def content_key(visual: object) -> Hashable | None:
    """A Textual `Content`'s text and style spans (its `==` compares the text alone)."""
    if not isinstance(visual, Content):
        return None
    return visual.plain, tuple(visual.spans)


class RememberedLine(RememberedLines, Static):
    """A `Static` of one line (the hint, the last card's line) that remembers its drawn lines."""

    def text_key(self) -> Hashable | None:
        return content_key(self.visual)

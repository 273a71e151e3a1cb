"""The key bar: the screen's keys that apply, drawn as one line of text by a single widget."""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class FooterKey(NamedTuple):
    """A key as the bar shows it, and the columns it takes (for a click, and for tests)."""

    key: str
    action: str
    start: int
    end: int  # exclusive, like a region's right edge
    enabled: bool


class Footer(Widget, can_focus=False):
    """The keys of the screen's active bindings (one per action, as Textual's footer groups
    them), drawn like Textual's footer but as one widget: it reads the bindings when it renders,
    so the keys are in the first frame and a change of bindings costs a repaint, not a rebuild
    (Textual's mounts a widget per key anew on every change). A click on a key presses it."""

    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description"}
    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def render(self) -> Text:
        return self.line()[0]

    @property
    def keys(self) -> list[FooterKey]:
        """The keys shown, left to right, with their columns."""
        return self.line()[1]

    def line(self) -> tuple[Text, list[FooterKey]]:
        """The bar's text and its keys, from the screen's bindings as they are now."""
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        line, keys, actions = Text(), list[FooterKey](), set[str]()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            start = line.cell_len
            shown = self.app.get_key_display(binding)
            dim = Style(dim=not enabled)
            if binding.description:
                line.append(f" {shown} ", key_style + dim)
                line.append(f"{binding.description} ", description_style + dim)
            else:
                line.append(shown, key_style + dim)
            keys.append(FooterKey(binding.key, binding.action, start, line.cell_len, enabled))
        return line, keys

    def on_click(self, event: events.Click) -> None:
        for key in self.keys:
            if key.start <= event.x < key.end:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return

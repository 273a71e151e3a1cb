"""Textual's footer, rebuilt once per burst of binding changes, and without keeping old keys."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """The key bar, drawn as Textual's own; a screen that changes its bindings several times
    before the next refresh (a review's first card) pays for one rebuild, not one each."""

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False  # a change from here on asks for another rebuild
        await self.recompose()
        self._forget_removed_keys()

    def _forget_removed_keys(self) -> None:
        """Each key binds to the footer's `compact`; Textual drops a removed key's binding only
        when `compact` changes, which it never does here: without this, every rebuild would keep
        its keys alive (14 widgets an answer, 0.35 MB: 10 MB every 30 answers)."""
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, call) for node, call in watchers if node.is_attached]

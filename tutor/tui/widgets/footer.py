"""Textual's footer, rebuilt once per burst of binding changes instead of once per change."""

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

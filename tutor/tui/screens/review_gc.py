"""Garbage collection held off from an answer's key to the frame that shows what it led to.

A frame of the review screen allocates thousands of short-lived objects, enough for several
young-generation collections and now and then a full one in the middle of a keypress. They
run instead right after the frame is on screen, while the learner reads it.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

_frozen = False


def hold(app: App[object]) -> None:
    """No collection until the app's screen has been refreshed; then the owed ones run."""
    global _frozen
    if not _frozen:  # once, after the collection has loaded: start-up's objects live on
        gc.freeze()  # so full collections skip them (objects freed by reference counts still go)
        _frozen = True
    if gc.isenabled():
        gc.disable()
        app.call_after_refresh(release)


def release() -> None:
    """Collections run again (after the frame, or when the screen goes)."""
    gc.enable()

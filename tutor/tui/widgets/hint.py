"""The line under the card that says which keys answer it now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tutor.peek import Preview

if TYPE_CHECKING:
    from tutor.session import Presented


def hint(mode: str, presented: Presented | Preview | None) -> str:
    """What to press in this mode, for this card."""
    if presented is None:
        return ""
    count = len(presented.order)
    if mode == "recall-first":
        return "Recall the answer first, then press Space to see the options"
    if mode == "question" and presented.card.kind == "recall":
        return "Think of the answer, then press Space to reveal it"
    if mode == "question" and presented.select_all:
        return f"Select all that apply: 1-{count} mark, Enter submits, Space: don't know"
    if mode == "question":
        return f"Press 1-{count} to answer, Space if you don't know"
    if mode == "answer":
        return "Rate your recall: 1-4, or Enter to accept the suggestion   ↑↓ scroll"
    return ""

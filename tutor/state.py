"""Cards as plain data: scheduling state and what a review shows, shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, TypedDict


class Phase(IntEnum):
    """Where a card is in its life; the values 1-3 match fsrs.State."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True)
class CardState:
    """Everything the scheduler knows about one card; enough to undo an answer exactly."""

    phase: Phase = Phase.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    def to_json(self) -> dict[str, Any]:
        # written out, not dataclasses.asdict: that deep-copies each datetime (an export calls
        # this twice per review, and asdict was 80% of its time)
        return {
            "phase": int(self.phase),
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat() if self.due is not None else None,
            "last_review": self.last_review.isoformat() if self.last_review is not None else None,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardState:
        values = dict(data)
        values["phase"] = Phase(values["phase"])
        for key in ("due", "last_review"):
            values[key] = datetime.fromisoformat(values[key]) if values[key] else None
        return cls(**values)


class OptionData(TypedDict):
    """One answer option of a choice card as stored and handed between layers (a plain dict)."""

    text: str
    correct: bool
    reasoning: str


@dataclass(frozen=True)
class StoredCard:
    """One card as shown for review: its content, deck, flags and scheduling state."""

    id: int
    deck_id: int
    deck_name: str
    kind: str
    question: str
    body: str
    options: list[OptionData]
    explanation: str
    answer: str
    source_path: str | None
    source_line: int
    state: CardState
    suspended: bool = False
    leech: bool = False
    buried_until: datetime | None = None
    retired: bool = False

    @property
    def select_all(self) -> bool:
        """More than one right option: the learner marks every right one."""
        return sum(1 for o in self.options if o["correct"]) > 1

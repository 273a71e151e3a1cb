"""A card's state as JSON (the export's before and after): every field, and back again."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

from tutor.state import CardState, Phase


def test_a_state_written_as_json_names_every_field_and_reads_back_equal() -> None:
    state = CardState(
        phase=Phase.RELEARNING,
        step=1,
        stability=3.25,
        difficulty=6.5,
        due=datetime(2026, 3, 2, 9, 30, 0, 123456, tzinfo=UTC),
        last_review=datetime(2026, 3, 1, 9, 20, tzinfo=UTC),
        reps=7,
        lapses=2,
    )
    data = state.to_json()
    assert list(data) == [field.name for field in fields(CardState)]
    assert data["phase"] == 3 and data["due"] == "2026-03-02T09:30:00.123456+00:00"
    assert CardState.from_json(data) == state
    assert CardState.from_json(CardState().to_json()) == CardState()

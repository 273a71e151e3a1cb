"""The statistics as text fit the width: card text cut with "…", the calendar's rows aligned."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from tests.test_stats import NOW, SETTINGS, log  # noqa: F401  (the hand-built log fixture)
from tutor.cli import main
from tutor.stats import compute
from tutor.stats_report import fit, render
from tutor.store.db import Database
from tutor.store.tables import card_table

LONG = "Which schedule keeps the learning rate warm " * 4 + "THE END?"


def lengthen(log: Database) -> None:  # noqa: F811
    """Card 3 (the hardest, with a tempting distractor B) gets a question longer than any screen."""
    with log.write() as conn:
        conn.execute(update(card_table).where(card_table.c.id == 3).values(question=LONG))


def section(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = lines.index("", start)
    return lines[start + 1 : end]


def test_fit_cuts_at_the_width_counting_wide_characters() -> None:
    assert fit("short", 10) == "short"
    assert fit("abcdefghij", 10) == "abcdefghij"
    assert fit("abcdefghijk", 10) == "abcdefghi…"
    assert fit("漢字漢字漢字", 7) == "漢字漢…"  # two cells each: 6 cells and "…"


def test_stats_in_a_pipe_cut_card_text_to_columns(
    db_path: Any,
    log: Database,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lengthen(log)
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    for columns in ("60", "100"):
        monkeypatch.setenv("COLUMNS", columns)
        assert main(["--db", str(db_path), "stats"]) == 0
        text = capsys.readouterr().out
        hardest = section(text, "Hardest cards")
        distractors = section(text, "Most tempting distractors")
        row = next(line for line in hardest if "3 lapses" in line)
        assert row.endswith("…") and len(row) == int(columns)
        assert "Which schedule keeps" in row  # the question starts on its row, not on the next
        assert not any(line.startswith("  ") and line.strip().startswith("THE") for line in hardest)
        trap = next(line for line in distractors if "“B”" in line and "Which" in line)
        assert trap.endswith("…") and len(trap) == int(columns)
        assert all(len(line) <= int(columns) for line in hardest + distractors)


def test_stats_in_a_pipe_without_columns_use_80(
    db_path: Any,
    log: Database,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lengthen(log)
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    monkeypatch.delenv("COLUMNS", raising=False)
    assert main(["--db", str(db_path), "stats"]) == 0
    hardest = section(capsys.readouterr().out, "Hardest cards")
    assert max(len(line) for line in hardest) == 80


def test_calendar_rows_start_in_one_column_on_a_monday(log: Database) -> None:  # noqa: F811
    text = render(compute(log, SETTINGS, NOW), width=80)
    rows = [line for line in section(text, "Calendar") if line[2:5] in {"Mon", "Sat", "Sun"}]
    assert [row[2:5] for row in rows] == ["Mon", "Sat", "Sun"]
    weekdays = section(text, "Calendar")[:7]
    assert all(row[6] != " " for row in weekdays)  # the first column is one whole week
    assert "2025-12-01 …" in section(text, "Calendar")[7]  # 2025-12-01 is a Monday

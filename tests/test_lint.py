"""`tutor lint`: badly teaching options found in deck text and in a simulated learner's answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import WriteDeck
from tests.helpers.learner import simulate
from tutor.cli import main
from tutor.importer import import_paths
from tutor.lint import MANY_ANSWERS, lint_collection
from tutor.store.db import Database

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
DECK = """
    # Lint me

    ## Which layer normalises activations per batch?

    - [x] Batch normalisation
      It uses the batch's mean and variance.
    - [ ] Layer normalisation
    - [ ] Layer  normalisation.
      Folded, it is the same text as the option above.

    ## What does quantisation trade?

    - [x] Precision of the weights and activations for a smaller, faster model on the device
      Fewer bits per number.
    - [ ] Speed
      It gains speed.
    - [ ] Accuracy only
      Not only.

    ## Which is larger?

    - [x] A kilobyte
      1,000 bytes.
    - [ ] A byte
      8 bits.
    - [ ] A bit
      The smallest unit.
"""


def run(
    capsys: pytest.CaptureFixture[str], *args: str, db: Path | None = None
) -> tuple[int, str, str]:
    status = main([*(["--db", str(db)] if db else []), "lint", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_deck_text_rules_each_name_file_and_line(
    write_deck: WriteDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_deck("lint.md", DECK)
    status, out, _err = run(capsys, str(path))
    assert status == 1
    assert out.splitlines() == [
        f"{path}:3: no-reasoning: option “Layer normalisation” has no reasoning line",
        f"{path}:3: near-duplicate: options “Layer normalisation” and “Layer normalisation.” "
        "are the same",
        f"{path}:11: give-away: the right option “Precision of the weights and activations for a "
        "sm…” has 82 characters, the longest distractor 13: its length gives it away",
        "3 findings.",
    ]
    status, out, _err = run(capsys, str(path), "--json")
    data = json.loads(out)
    assert status == 1 and data["count"] == 3
    assert data["findings"][2] == {
        "path": str(path),
        "line": 11,
        "rule": "give-away",
        "message": "the right option “Precision of the weights and activations for a sm…” has "
        "82 characters, the longest distractor 13: its length gives it away",
    }


def test_a_clean_deck_has_no_findings_and_exits_0(
    write_deck: WriteDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = DECK.split("## What does")[0].replace(
        "    - [ ] Layer normalisation\n    - [ ] Layer  normalisation.\n",
        "    - [ ] Layer normalisation\n      It normalises per example.\n",
    )
    path = write_deck("clean.md", clean)
    assert run(capsys, str(path)) == (0, "No findings.\n", "")


def test_a_broken_deck_is_a_deck_error_naming_the_line(
    write_deck: WriteDeck, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_deck("broken.md", "# Broken\n\n## A question without options\n\n- [x]\n")
    status, out, err = run(capsys, str(path))
    assert status == 2 and out == ""
    assert err.startswith(f"tutor: {path}:3: ") and "Traceback" not in err
    status, _out, err = run(capsys, str(tmp_path / "missing.md"))
    assert status == 2 and "missing.md" in err


def test_a_planted_tempting_distractor_is_found_by_lint(
    db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate(db, NOW, cards=30, days=120, deck="Trap", tempting=0.9, lured=0.6)
    simulate(db, NOW, cards=30, days=120, deck="Fair", seed=8)
    found = lint_collection(db)
    tempting = [f for f in found if f.rule == "tempting"]
    assert tempting and all(f.path == "Trap" for f in tempting)
    assert all("“Tempting”" in f.message for f in tempting)
    assert len(tempting) > 20  # most of the trapped cards
    never = [f for f in found if f.rule == "never-picked"]
    assert all("answers" in f.message for f in never)
    status, out, _err = run(capsys, "--json", db=db_path)
    data = json.loads(out)
    assert status == 1
    assert sum(1 for f in data["findings"] if f["rule"] == "tempting") == len(tempting)


def test_answer_rules_reach_deck_files_through_the_collection(
    db: Database, db_path: Path, write_deck: WriteDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    from tutor.store.choices import add_choices
    from tutor.store.tables import card_table, review_table

    path = write_deck("lint.md", DECK)
    import_paths(db, [path], NOW)
    with db.write() as conn:
        card_id = (
            conn.execute(card_table.select().where(card_table.c.question.like("Which is larger%")))
            .one()
            .id
        )
        for n in range(MANY_ANSWERS):
            review_id = conn.execute(
                review_table.insert().values(
                    card_id=card_id,
                    reviewed_at=NOW,
                    day=1,
                    hour=9,
                    rating=3,
                    duration_ms=1,
                    correct=n % 2 == 0,
                    phase_before=2,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            add_choices(
                conn,
                [
                    dict(
                        review_id=review_id,
                        card_id=card_id,
                        day=1,
                        option_text="A kilobyte" if n % 2 == 0 else "A byte",
                        correct=n % 2 == 0,
                    )
                ],
            )
    status, out, _err = run(capsys, str(path), db=db_path)
    assert status == 1
    assert (
        f"{path}:20: never-picked: distractor “A bit” was never chosen in {MANY_ANSWERS} "
        "answers: it tempts nobody"
    ) in out.splitlines()
    assert "tempting" not in out  # 10 against 10: not more often than the right option


def test_deck_text_in_findings_is_shown_not_obeyed(
    write_deck: WriteDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_deck(
        "hostile.md",
        "# Hostile\n\n## Which?\n\n- [x] Right\n  Because.\n- [ ] \x1b]52;c;cHduZWQ=\x07Wrong\n",
    )
    status, out, _err = run(capsys, str(path))
    assert status == 1 and "no-reasoning" in out
    assert "\x1b" not in out and "\x07" not in out
    status, out, _err = run(capsys, str(path), "--json")
    assert "\x1b" not in out and json.loads(out)["count"] == 1

"""`tutor stats` on an SQLite file through the stdlib: the store's exact numbers without
SQLAlchemy, and the store itself whenever the file needs it (a migration, rollups out of step)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import REPO
from tests.helpers.choices_v6 import back_to_version_6
from tests.test_stats import CARDS, GOLDEN, NOW, REVIEWS, SETTINGS, review
from tutor import misconceptions
from tutor.cli import main
from tutor.collection_file import SCHEMA_VERSION, inspect_file
from tutor.stats import TOP_MISCONCEPTIONS, compute, compute_file
from tutor.store import rollups
from tutor.store.choices import add_choices
from tutor.store.db import Database
from tutor.store.tables import card_table, deck_table, review_table

GOLDENS: list[tuple[str, str | None, str]] = [
    ("year", None, "year"),
    ("month", None, "month"),
    ("all", None, "all"),
    ("deck-D-all", "D", "all"),
]


@pytest.fixture
def log(db: Database) -> Database:
    """The hand-built log of tests/test_stats.py (behind its golden reports), in an SQLite file."""
    with db.write() as conn:
        conn.execute(
            deck_table.insert().values(id=1, name="D", settings={}, created_at=NOW, updated_at=NOW)
        )
        conn.execute(card_table.insert(), CARDS)
        conn.execute(review_table.insert(), [r for r, _ in REVIEWS])
        add_choices(conn, [c for _, c in REVIEWS])
    return db


def rolled_up(db: Database) -> None:
    """The rollups made to count the hand-built log (it was written around `record_answer`)."""
    with db.write() as conn:
        rollups.rebuild(conn)


def printed(report: object) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("golden", "deck", "span"), GOLDENS)
def test_the_stdlib_and_the_store_give_the_golden_report(
    db_path: Path, log: Database, golden: str, deck: str | None, span: str
) -> None:
    rolled_up(log)
    from_file = compute_file(db_path, SETTINGS, NOW, deck, span)
    assert from_file is not None  # the stdlib served it
    assert from_file == compute(log, SETTINGS, NOW, deck, span)
    assert printed(from_file) == (GOLDEN / f"{golden}.json").read_text(encoding="utf-8")


def test_the_command_prints_the_golden_bytes_without_importing_sqlalchemy(
    db_path: Path, log: Database
) -> None:
    rolled_up(log)
    log.close()
    script = (
        "import sys\nfrom tutor.cli import main\n"
        f"code = main(['--db', {str(db_path)!r}, 'stats', 'D', '--json', '--range', 'all'])\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic', 'fsrs', 'textual') "
        "if m in sys.modules)\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    env = {**os.environ, "TUTOR_NOW": NOW.isoformat()}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.stderr.strip() == "0 []"
    assert done.stdout == (GOLDEN / "deck-D-all.json").read_text(encoding="utf-8")


def test_rollups_out_of_step_with_the_log_are_left_to_the_store(
    db_path: Path,
    log: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the hand-built log was written around record_answer: the rollups count none of it
    assert compute_file(db_path, SETTINGS, NOW, "D", "all") is None
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    assert main(["--db", str(db_path), "stats", "D", "--json", "--range", "all"]) == 0
    assert capsys.readouterr().out == (GOLDEN / "deck-D-all.json").read_text(encoding="utf-8")
    rolled_up(log)
    with log.write() as conn:  # one answer more in the rollups than in the log
        conn.execute(
            text(
                "UPDATE review_rollup SET reviews = reviews + 1 "
                "WHERE day = (SELECT MIN(day) FROM review_rollup)"
            )
        )
        changed = conn.execute(text("SELECT changes()")).scalar_one()
    assert changed >= 1
    assert compute_file(db_path, SETTINGS, NOW, "D", "all") is None


def test_a_collection_needing_migration_is_migrated_and_gives_the_golden_bytes(
    db_path: Path,
    log: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rolled_up(log)
    with log.write() as conn:
        back_to_version_6(conn)
    log.close()
    assert inspect_file(db_path) == 6
    assert compute_file(db_path, SETTINGS, NOW, "D", "all") is None
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    assert main(["--db", str(db_path), "stats", "D", "--json", "--range", "all"]) == 0
    golden = (GOLDEN / "deck-D-all.json").read_text(encoding="utf-8")
    assert capsys.readouterr().out == golden
    assert inspect_file(db_path) == SCHEMA_VERSION  # migrated by the store, then read fast
    from_file = compute_file(db_path, SETTINGS, NOW, "D", "all")
    assert from_file is not None and printed(from_file) == golden


def test_a_refused_file_is_one_line_and_unchanged(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    before = db_path.read_bytes()
    assert main(["--db", str(db_path), "stats", "--json"]) != 0
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("tutor: ") and err.count("\n") == 1
    assert "damaged or not a database" in err
    assert db_path.read_bytes() == before


def test_json_imports_neither_the_text_report_nor_the_tag_search(
    db_path: Path, log: Database
) -> None:
    rolled_up(log)
    log.close()
    script = (
        "import sys\nfrom tutor.cli import main\n"
        f"code = main(['--db', {str(db_path)!r}, 'stats', '--json'])\n"
        "unused = sorted(m for m in ('tutor.stats_report', 'tutor.card_search', "
        "'tutor.card_query') if m in sys.modules)\n"
        "print(code, unused, file=sys.stderr)\n"
    )
    env = {**os.environ, "TUTOR_NOW": NOW.isoformat()}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.stderr.strip() == "0 []"
    assert done.stdout == (GOLDEN / "year.json").read_text(encoding="utf-8")


def test_a_card_past_nine_options_counts_its_right_ones_one_by_one(
    db_path: Path, log: Database
) -> None:
    many = [{"text": f"O{i}", "correct": i in (0, 5), "reasoning": ""} for i in range(11)]
    with log.write() as conn:
        conn.execute(card_table.update().where(card_table.c.id == 1).values(options=many))
        conn.execute(card_table.update().where(card_table.c.id == 2).values(kind="recall"))
    rolled_up(log)
    from_file = compute_file(db_path, SETTINGS, NOW, None, "all")
    assert from_file is not None
    assert from_file.guessing == compute(log, SETTINGS, NOW, None, "all").guessing
    rows = {row.kind: row for row in from_file.guessing.rows}
    # card 1: two right among eleven, a select-all card (one subset of 2^11 - 1 by chance);
    # card 2 a recall card; cards 3-5 one right among three
    assert (rows["select_all"].reviews, rows["select_all"].chance) == (2, round(1 / 2047, 4))
    assert (rows["recall"].reviews, rows["recall"].passed) == (1, 1)
    assert (rows["one_right"].reviews, rows["one_right"].chance) == (3, 0.3333)


def test_a_card_with_braces_or_an_option_kept_as_its_object_counts_its_right_ones(
    db_path: Path, log: Database
) -> None:
    braces = [{"text": "{x}", "correct": i == 1, "reasoning": "{"} for i in range(3)]
    odd = [{"text": "A", "correct": True, "reasoning": "", "note": 1}] + [
        {"text": t, "correct": True, "reasoning": ""} for t in "BC"
    ]  # an option of another shape is stored as its object (tutor.card_options)
    with log.write() as conn:
        conn.execute(card_table.update().where(card_table.c.id == 1).values(options=braces))
        conn.execute(card_table.update().where(card_table.c.id == 2).values(options=odd))
    rolled_up(log)
    from_file = compute_file(db_path, SETTINGS, NOW, None, "all")
    assert from_file is not None
    rows = {row.kind: row for row in from_file.guessing.rows}
    # card 1 (two answers) one right among three, like cards 3-5; card 2 three right among three
    assert (rows["one_right"].reviews, rows["one_right"].chance) == (5, 0.3333)
    assert (rows["select_all"].reviews, rows["select_all"].chance) == (1, round(1 / 7, 4))


def test_the_statistics_find_the_misconceptions_the_home_screen_finds(
    db_path: Path, log: Database
) -> None:
    picks = [  # card 2 through B twice, card 4 through C three times, long ago and lately
        review(20, 2, 5, 9, 1, chosen="B"),
        review(21, 2, 70, 9, 1, chosen="B"),
        review(22, 4, 3, 9, 1, chosen="C"),
        review(23, 4, 50, 9, 1, chosen="C"),
        review(24, 4, 400, 9, 1, chosen="C"),
        review(25, 5, 2, 9, 1, chosen="B"),  # once: a slip
    ]
    with log.write() as conn:
        conn.execute(review_table.insert(), [r for r, _ in picks])
        add_choices(conn, [c for _, c in picks])
    rolled_up(log)
    expected = misconceptions.summary(misconceptions.find(log), TOP_MISCONCEPTIONS)
    assert [(m.card_id, m.option, m.times) for m in expected.top] == [(4, "C", 3), (2, "B", 2)]
    for span in ("month", "year", "all"):
        from_file = compute_file(db_path, SETTINGS, NOW, None, span)
        assert from_file is not None
        assert from_file.misconceptions == expected  # over every answer, whatever the range
        assert from_file == compute(log, SETTINGS, NOW, None, span)
    month = compute_file(db_path, SETTINGS, NOW, None, "month")
    assert month is not None
    # the month's picks only: card 4's C once (3 days ago), card 2's B once (5 days ago)
    picked = {(d.card_id, d.option): d.picked for d in month.distractors}
    assert picked[(4, "C")] == 1 and picked[(2, "B")] == 1 and picked[(5, "B")] == 1


@pytest.mark.parametrize(
    "stored",
    [
        "2026-13-01 10:00:00.000000",  # the digits in place, but no date SQLite reads
        "2026-03-01 25:00:00.000000",
        "2026-03-01 10:00:00 and more",
        "2026/03/01 10:00:00.000000",
        "soon",
    ],
)
def test_a_stored_time_of_another_shape_leaves_the_statistics_to_the_store(
    db_path: Path, log: Database, stored: str
) -> None:
    rolled_up(log)
    assert compute_file(db_path, SETTINGS, NOW, None, "all") is not None
    with log.write() as conn:
        conn.execute(text("UPDATE card SET last_review = :stored WHERE id = 1"), {"stored": stored})
    assert compute_file(db_path, SETTINGS, NOW, None, "all") is None

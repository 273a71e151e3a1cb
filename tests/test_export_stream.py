"""`tutor export` streams card by card: the same bytes as json.dumps of the whole export, and a
failed write leaves no part file."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

import tutor.store.repository as repository
from tests.helpers.collection import build_history
from tests.helpers.learner import TRUE_PARAMETERS, simulate
from tests.test_export_tag import tagged  # noqa: F401  (a fixture: two decks with card tags)
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.reschedule import reschedule
from tutor.scheduling import DEFAULT
from tutor.store.db import Database, open_database
from tutor.store.repository import export_collection
from tutor.store.reviews import parameter_set_id
from tutor.store.tables import deck_table, review_table
from tutor.store.tags import tagged_cards
from tutor.text import json_safe

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def whole(collection: Path, only: Collection[int] | None = None) -> str:
    """The export as `tutor export` wrote it before it streamed: json.dumps of the whole dict."""
    db = open_database(f"sqlite:///{collection}")
    try:
        with db.read() as conn:
            data = export_collection(conn, only)
    finally:
        db.close()
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def streamed(capsys: pytest.CaptureFixture[str], collection: Path, target: Path, *args: str) -> str:
    """The export to stdout, checked equal to the one written with -o FILE."""
    assert main(["--db", str(collection), "export", *args]) == 0
    out = capsys.readouterr().out
    assert main(["--db", str(collection), "export", "-o", str(target), *args]) == 0
    assert target.read_bytes() == out.encode("utf-8")
    return out


def test_the_v8_fixture_streams_the_bytes_json_dumps_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = tmp_path / "v8.db"
    shutil.copy(DATA / "collection-v8.db", collection)
    expected = whole(collection)  # opening migrates it to today's schema
    assert streamed(capsys, collection, tmp_path / "out.json") == expected
    assert len(json.loads(expected)["cards"]) > 0


def test_a_learner_with_choices_and_reschedulings_streams_the_same_bytes_in_any_chunk(
    db: Database,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_history(db, tmp_path / "decks")
    simulate(db, NOW, cards=40, days=120, tempting=0.5)
    with db.write() as conn:  # a fitted set adopted: the rescheduling changes every card
        default_id = parameter_set_id(conn, DEFAULT, "default", NOW)
        conn.execute(update(review_table).values(parameter_set_id=default_id))
        fitted = parameter_set_id(conn, TRUE_PARAMETERS, "fitted", NOW)
        conn.execute(update(deck_table).values(parameter_set_id=fitted))
    reschedule(db, Settings(defaults=DeckSettings(fuzz=False)), NOW)
    db.close()
    expected = whole(db_path)
    data = json.loads(expected)
    assert data["reschedulings"] and any(r["chosen"] for c in data["cards"] for r in c["reviews"])
    assert streamed(capsys, db_path, tmp_path / "out.json") == expected
    for chunk in (1, 7):  # cards split across chunks read the same answers and states
        monkeypatch.setattr(repository, "EXPORT_CHUNK", chunk)
        assert streamed(capsys, db_path, tmp_path / f"out-{chunk}.json") == expected


def test_a_tagged_export_streams_the_same_bytes_as_its_subset(
    tagged: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = open_database(f"sqlite:///{tagged}")
    with db.read() as conn:
        only = tagged_cards(conn, ["verbs"])
    db.close()
    expected = whole(tagged, only)
    assert [c["tags"] for c in json.loads(expected)["cards"]] != []
    monkeypatch.setattr(repository, "EXPORT_CHUNK", 2)
    assert streamed(capsys, tagged, tmp_path / "out.json", "--tag", "verbs") == expected


def _small_file_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_write_failing_midway_leaves_the_old_file_and_no_part(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    simulate(db, NOW, cards=40, days=200)
    db.close()
    out = tmp_path / "out"
    out.mkdir()
    target = out / "export.json"
    target.write_text("old export\n", encoding="utf-8")
    assert len(whole(db_path)) > 4 * 64 * 1024  # far past the limit: it fails midway
    finished = subprocess.run(
        [sys.executable, "-m", "tutor", "--db", str(db_path), "export", "-o", str(target)],
        capture_output=True,
        text=True,
        preexec_fn=_small_file_limit,
        env=os.environ.copy(),
        check=False,
    )
    assert finished.returncode != 0 and finished.stdout == ""
    assert finished.stderr == f"tutor: cannot write {target}: File too large; nothing was written\n"
    assert target.read_text(encoding="utf-8") == "old export\n"
    assert [p.name for p in out.iterdir()] == ["export.json"]

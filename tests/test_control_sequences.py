"""Card text is data: control sequences from a deck never reach the terminal from any command."""

from __future__ import annotations

import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, REPO
from tests.helpers.hostile import (
    ANSWER,
    BAD_QUESTION,
    BODY,
    DECK_NAME,
    EXPLANATION,
    FORBIDDEN,
    PAYLOAD,
    QUESTION,
    RECALL,
    RIGHT,
    SHOWN,
    TAG,
    WHY_RIGHT,
    WHY_WRONG,
    WRONG,
    write_failing_deck,
    write_hostile_deck,
)
from tutor.clock import fixed
from tutor.config import DeckSettings, Settings
from tutor.deck.parser import parse_file
from tutor.errors import DeckError
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import open_database
from tutor.text import SafeWriter, json_safe, neutralise, raw_stream

SHOWN_NAME = neutralise(DECK_NAME)  # "Evil ␛]52;c;…␡␍ deck"
STORED_RECALL = RECALL + "\r"  # the suspended card's question, given a CR in the database


# --- the function -----------------------------------------------------------------------------


def test_c0_controls_become_their_control_pictures() -> None:
    for code in range(0x20):
        if chr(code) in "\t\n":
            continue
        assert neutralise(chr(code)) == chr(0x2400 + code)
    assert neutralise("\x1b[2J\x07\r\x00") == "␛[2J␇␍␀"


def test_tab_newline_and_printable_text_are_kept() -> None:
    text = "Pruning\t— removes weights\n✓ 日本語 é [bold]x[/bold] \u00a0 \u00ff"
    assert neutralise(text) == text


def test_del_and_c1_codes_show_as_what_they_mean() -> None:
    assert neutralise("\x7f") == "␡"
    assert neutralise("\x9b2J") == "␛[2J"  # CSI
    assert neutralise("\x9d0;t\x9c") == "␛]0;t␛\\"  # OSC ... ST
    assert neutralise("\x80\x9f") == "␛@␛_"


def test_a_crlf_line_end_is_a_newline_but_a_bare_cr_is_shown() -> None:
    assert neutralise("a\r\nb") == "a\nb"
    assert neutralise("a\rb") == "a␍b"


def test_neutralised_text_holds_no_control_character_and_neutralising_again_changes_nothing() -> (
    None
):
    every_low_code = "".join(chr(c) for c in range(0x200)) + PAYLOAD
    once = neutralise(every_low_code)
    controls = [c for c in once if unicodedata.category(c) == "Cc" and c not in "\t\n"]
    assert controls == []
    assert neutralise(once) == once
    assert FORBIDDEN.search(once.encode()) is None


def test_json_escapes_del_and_c1_and_parses_back_to_the_same_strings() -> None:
    data = {
        "question": QUESTION,
        "options": [RIGHT, WRONG],
        "c1": "".join(map(chr, range(128, 160))),
    }
    text = json_safe(json.dumps(data, ensure_ascii=False))
    assert FORBIDDEN.search(text.encode()) is None
    assert "\\u009b" in text and "\\u007f" in text
    assert json.loads(text) == data


def test_a_safe_writer_neutralises_what_is_printed_and_keeps_the_raw_stream_reachable() -> None:
    raw = io.StringIO()
    writer = SafeWriter(raw)
    print(f"deck: {DECK_NAME}", file=writer)
    writer.writelines(["a\x1bb\n"])
    assert raw.getvalue() == f"deck: {SHOWN_NAME}\na␛b\n"
    assert raw_stream(writer) is raw  # type: ignore[arg-type]  # for our own progress line's CR
    assert raw_stream(raw) is raw


# --- every command, as a real process ---------------------------------------------------------


@dataclass
class Run:
    code: int
    out: bytes
    err: bytes

    def assert_clean(self) -> None:
        for name, data in (("stdout", self.out), ("stderr", self.err)):
            found = FORBIDDEN.search(data)
            around = data[max(0, found.start() - 60) : found.start() + 20] if found else b""
            assert found is None, f"{name} holds {around!r}"


@dataclass
class Collection:
    folder: Path
    env: dict[str, str]
    deck: Path
    failing: Path
    imported: Run

    def run(self, *args: str, **env: str) -> Run:
        result = subprocess.run(
            [sys.executable, "-m", "tutor", *args],
            capture_output=True,
            env={**self.env, **env},
            cwd=REPO,
            timeout=120,  # a hang guard only
            check=False,
        )
        return Run(result.returncode, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    """The hostile deck imported by `tutor import`; one wrong answer; the recall card suspended."""
    folder = tmp_path_factory.mktemp("hostile")
    env = {
        **os.environ,
        "TUTOR_DB": str(folder / "collection.db"),
        "TUTOR_CONFIG": str(folder / "config.toml"),
        "TUTOR_NOW": NOW.isoformat(),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "TZ": "UTC",
    }
    deck, failing = write_hostile_deck(folder), write_failing_deck(folder)
    collection = Collection(folder, env, deck, failing, Run(0, b"", b""))
    collection.imported = collection.run("import", str(deck))
    db = open_database(f"sqlite:///{folder / 'collection.db'}")
    try:
        settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
        session = ReviewSession(db, settings, clock=fixed(NOW), rng=random.Random(1), sync=False)
        presented = session.next_card()
        assert presented is not None and presented.card.question == QUESTION
        session.grade([1])  # the wrong option
        session.answer(Grade.AGAIN)
        presented = session.next_card()
        assert presented is not None and presented.card.question == RECALL
        session.suspend()
    finally:
        db.close()
    with sqlite3.connect(folder / "collection.db") as conn:  # a bare CR can only come this way
        conn.execute("UPDATE card SET question = question || char(13) WHERE suspended = 1")
    return collection


def test_import_prints_the_deck_name_as_visible_stand_ins(collection: Collection) -> None:
    result = collection.imported
    result.assert_clean()
    assert result.code == 0
    assert f"{SHOWN_NAME}: imported — 2 added".encode() in result.out


def expected_problems(path: Path) -> list[str]:
    with pytest.raises(DeckError) as raised:
        parse_file(path)
    return [p.message for p in raised.value.problems]


def test_a_failing_import_quotes_the_question_as_data(collection: Collection) -> None:
    [message] = expected_problems(collection.failing)
    assert message.startswith(f'card "{BAD_QUESTION[:20]}')  # the raw payload, as parsed
    result = collection.run("import", str(collection.failing))
    result.assert_clean()
    assert result.code == 2
    assert f"bad.md:1: {neutralise(message)}".encode() in result.err
    assert f'card "BadQ{SHOWN[:12]}'.encode() in result.err


def test_import_json_holds_the_exact_strings(collection: Collection) -> None:
    result = collection.run(
        "import", "--json", "--dry-run", str(collection.deck), str(collection.failing)
    )
    result.assert_clean()
    assert result.code == 2
    report = json.loads(result.out)
    assert [d["name"] for d in report["decks"]] == [DECK_NAME]
    assert [e["message"] for e in report["errors"]] == expected_problems(collection.failing)


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["decks"], SHOWN_NAME),
        (["due"], SHOWN_NAME),
        (["suspended"], neutralise(STORED_RECALL)),
        (["stats"], f"Q1{SHOWN}end?"),  # the hardest cards
        (["stats"], f"“{neutralise(WRONG[:39])}…”"),  # the most tempting distractors
        (["info"], "decks: 1  cards: 2"),
    ],
)
def test_plain_output_shows_card_text_as_stand_ins(
    collection: Collection, command: list[str], shown: str
) -> None:
    result = collection.run(*command)
    result.assert_clean()
    assert result.code == 0
    assert shown.encode() in result.out


def test_json_output_parses_back_to_the_exact_strings(collection: Collection) -> None:
    outputs: dict[str, Any] = {}
    for command in ("decks", "due", "suspended", "stats", "export"):
        result = collection.run(command, "--json")
        result.assert_clean()
        assert result.code == 0
        outputs[command] = json.loads(result.out)
    assert [d["name"] for d in outputs["decks"]["decks"]] == [DECK_NAME]
    assert [d["name"] for d in outputs["due"]["decks"]] == [DECK_NAME]
    assert [c["question"] for c in outputs["suspended"]["cards"]] == [STORED_RECALL]
    stats = outputs["stats"]
    assert [e["question"] for e in stats["hardest"]["lowest_retrievability"]] == [QUESTION]
    assert [(d["question"], d["option"]) for d in stats["distractors"]] == [(QUESTION, WRONG)]
    export = outputs["export"]
    [deck] = export["decks"]
    assert (deck["name"], deck["settings"]["tags"]) == (DECK_NAME, [TAG])
    choice, recall = sorted(export["cards"], key=lambda c: c["question"] != QUESTION)
    assert (choice["question"], choice["body"], choice["explanation"]) == (
        QUESTION,
        BODY,
        EXPLANATION,
    )
    assert [(o["text"], o["reasoning"]) for o in choice["options"]] == [
        (RIGHT, WHY_RIGHT),
        (WRONG, WHY_WRONG),
    ]
    assert (recall["question"], recall["answer"]) == (STORED_RECALL, ANSWER)


def test_export_to_a_file_holds_no_raw_control_byte(collection: Collection) -> None:
    target = collection.folder / "export.json"
    result = collection.run("export", "-o", str(target))
    result.assert_clean()
    assert result.code == 0
    data = target.read_bytes()
    assert FORBIDDEN.search(data) is None
    assert json.loads(data)["decks"][0]["name"] == DECK_NAME


def test_error_messages_show_a_hostile_file_name_as_stand_ins(collection: Collection) -> None:
    missing = collection.folder / f"missing{PAYLOAD}.md"
    result = collection.run("import", str(missing))
    result.assert_clean()
    assert result.code == 2
    assert f"missing{SHOWN}.md:0: no such file or folder".encode() in result.err

    config = collection.folder / f"config{PAYLOAD}.toml"
    config.write_text("new_per_day = -1\n", encoding="utf-8")
    result = collection.run("decks", TUTOR_CONFIG=str(config))
    result.assert_clean()
    assert result.code == 2
    assert f"tutor: {neutralise(str(config))}: new_per_day = -1".encode() in result.err

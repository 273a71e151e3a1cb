"""`tutor import-anki` without Anki's library: bad input refused in one line, nothing changed;
field HTML as Markdown; which templates make recall cards."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from tutor.anki.html_text import field_text
from tutor.anki.source import NoteType, Template
from tutor.anki.to_decks import sides
from tutor.cli import main

BASIC = NoteType(
    1,
    "Basic",
    False,
    ("Front", "Back"),
    (Template(0, "Card 1", "{{Front}}", "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}"),),
)


def refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, source: Path, out: Path | None = None
) -> str:
    db = tmp_path / "tutor.db"
    out = out or tmp_path / "out"
    code = main(["--db", str(db), "import-anki", str(source), "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert not out.exists()
    assert not db.exists()
    return err


def _sqlite(path: Path, *statements: str) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    return path


def _legacy_collection(path: Path, kind: int = 0) -> Path:
    """A schema-11 collection written by hand: one Basic note in deck `A::B`, answered twice
    (Good, then Again a day later) and once rescheduled by hand."""
    models = {
        "7": {
            "name": "Basic",
            "type": kind,
            "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
            "tmpls": [
                {"name": "Card 1", "ord": 0, "qfmt": "{{Front}}", "afmt": BASIC.templates[0].back}
            ],
        }
    }
    decks = {"1": {"name": "Default"}, "5": {"name": "A::B"}}
    day = 86_400_000
    return _sqlite(
        path,
        "CREATE TABLE col (ver INTEGER, models TEXT, decks TEXT)",
        f"INSERT INTO col VALUES (11, '{json.dumps(models)}', '{json.dumps(decks)}')",
        "CREATE TABLE notes (id INTEGER, mid INTEGER, flds TEXT, tags TEXT)",
        "INSERT INTO notes VALUES (3, 7, 'front' || char(31) || 'back', '')",
        "CREATE TABLE cards (id INTEGER, nid INTEGER, did INTEGER, odid INTEGER, ord INTEGER, "
        "queue INTEGER)",
        "INSERT INTO cards VALUES (11, 3, 5, 0, 0, 2)",
        "CREATE TABLE revlog (id INTEGER, cid INTEGER, ease INTEGER, type INTEGER, ivl INTEGER, "
        "factor INTEGER, time INTEGER)",
        f"INSERT INTO revlog VALUES ({1_790_000_000_000}, 11, 3, 0, 1, 2500, 4000)",
        f"INSERT INTO revlog VALUES ({1_790_000_000_000 + day}, 11, 1, 1, 1, 2300, 6000)",
        f"INSERT INTO revlog VALUES ({1_790_000_000_000 + 2 * day}, 11, 0, 4, 5, 2300, 0)",
    )


def test_a_legacy_collection_comes_over_without_ankis_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _legacy_collection(tmp_path / "collection.anki2")
    db = tmp_path / "tutor.db"
    out = tmp_path / "decks"
    code = main(["--db", str(db), "import-anki", str(source), "--out", str(out)])
    text, err = capsys.readouterr()
    assert code == 0, err
    assert text.splitlines()[1:] == [
        f"  A::B: 1 cards  [{out / 'A--B.md'}]",
        "1 decks, 1 of 1 Anki cards, 2 of 3 review log entries (1 cards with history)",
        "  skipped 1 review log entries: manual or rescheduling entries (not answers)",
    ]
    assert (out / "A--B.md").read_text() == (
        '---\ntitle: "A::B"\n---\n\n## front\n<!-- id: anki-11 -->\n\nback\n'
    )
    assert main(["--db", str(db), "check"]) == 0
    assert "verdict: clean" in capsys.readouterr().out


def test_a_collection_with_nothing_to_bring_says_why_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _legacy_collection(tmp_path / "collection.anki2", kind=1)  # a cloze note type
    db, out = tmp_path / "tutor.db", tmp_path / "decks"
    assert main(["--db", str(db), "import-anki", str(source), "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "0 decks, 0 of 1 Anki cards, 0 of 3 review log entries (0 cards with history)",
        "  skipped 1 cards: cloze (note type 'Basic')",
        "  skipped 3 review log entries: entries of cards that did not come over",
    ]
    assert not db.exists() and not out.exists()


def test_a_folder_that_cannot_be_made_is_refused_before_the_collection_is_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _legacy_collection(tmp_path / "collection.anki2")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    err = refused(capsys, tmp_path, source, blocker / "decks")
    assert "choose another --out folder. Nothing was changed" in err
    assert blocker.read_text() == ""


def test_a_text_file_is_neither_a_package_nor_a_collection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.apkg"
    source.write_text("not a zip\n")
    err = refused(capsys, tmp_path, source)
    assert err == (
        f"tutor: {source} is neither an Anki package (.apkg, a zip) nor an Anki collection "
        "(an SQLite file such as collection.anki2)\n"
    )


def test_a_zip_without_a_collection_is_no_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "photos.apkg"
    with zipfile.ZipFile(source, "w") as package:
        package.writestr("photo.jpg", b"\xff\xd8")
    err = refused(capsys, tmp_path, source)
    assert "is a zip but not an Anki package (no collection.anki2 inside)" in err


def test_another_programs_database_is_no_anki_collection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _sqlite(tmp_path / "other.anki2", "CREATE TABLE things (id INTEGER)")
    err = refused(capsys, tmp_path, source)
    assert "is an SQLite database but not an Anki collection (no cards, col, notes, revlog" in err


def test_a_newer_collection_schema_is_refused_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _sqlite(
        tmp_path / "collection.anki2",
        "CREATE TABLE col (ver INTEGER, models TEXT, decks TEXT)",
        "INSERT INTO col VALUES (19, '{}', '{}')",
        "CREATE TABLE notes (id INTEGER)",
        "CREATE TABLE cards (id INTEGER)",
        "CREATE TABLE revlog (id INTEGER)",
    )
    err = refused(capsys, tmp_path, source)
    assert "schema 19, newer than tutor reads (11-18)" in err
    assert '"Support older Anki versions"' in err


def test_the_newest_package_format_says_how_to_export_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "deck.apkg"
    with zipfile.ZipFile(source, "w") as package:
        package.writestr("collection.anki2", b"a stand-in for old Anki versions")
        package.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd")
    err = refused(capsys, tmp_path, source)
    assert "collection.anki21b, zstd-compressed" in err


def test_field_html_becomes_markdown_and_lists_its_media() -> None:
    field = field_text(
        "<div><b>bold</b> and <i>it</i>&nbsp;&amp; <code>x*y</code></div>"
        '<div>line two<img src="a.png"></div><ul><li>one</li><li>two</li></ul>[sound:s.mp3]'
    )
    assert field.text == (
        "**bold** and *it* & `x*y`\n\nline two(image: a.png)\n\n- one\n- two\n\n(sound: s.mp3)"
    )
    assert field.media == ["a.png", "s.mp3"]


def test_deck_syntax_in_a_field_stays_text() -> None:
    assert field_text("## heading<br>- [x] option<br>&lt;!-- note --&gt;").text == (
        "\\## heading\n\n\\- \\[x\\] option\n\n\\<!-- note --\\>"
    )


def test_plain_front_back_templates_make_recall_cards_and_others_do_not() -> None:
    assert sides(BASIC, BASIC.templates[0]) == ("Front", "Back")
    reverse = Template(1, "Card 2", "{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}")
    assert sides(BASIC, reverse) == ("Back", "Front")
    typed = Template(
        0, "Card 1", "{{Front}}\n\n{{type:Back}}", "{{Front}}<hr id=answer>{{type:Back}}"
    )
    assert sides(BASIC, typed) == ("Front", "Back")
    optional = Template(1, "Card 2", "{{#Back}}{{Back}}{{/Back}}", "{{FrontSide}}{{Front}}")
    worded = Template(0, "Card 1", "What is {{Front}}?", "{{Back}}")
    both = Template(0, "Card 1", "{{Front}}<br>{{Back}}", "{{FrontSide}}")
    assert [sides(BASIC, t) for t in (optional, worded, both)] == [None, None, None]

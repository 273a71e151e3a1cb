"""`tutor export --apkg`: the package read back with sqlite3, the notes' HTML, refusals."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.anki.decks import FRENCH_DECK, HOSTILE_DECK, PYTHON_DECK
from tests.conftest import WriteDeck
from tutor.anki.html import commonmark_html, markdown_html
from tutor.anki.notes import note_guid
from tutor.cli import main
from tutor.errors import ConfigError, NotFoundError
from tutor.store.deck_content import CardContent

NOW = "2026-11-27T12:00:00+00:00"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def decks(
    write_deck: WriteDeck, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("TUTOR_NOW", NOW)
    write_deck("python.md", PYTHON_DECK)
    write_deck("french.md", FRENCH_DECK)
    folder = write_deck("hostile.md", HOSTILE_DECK).parent
    code, _, err = run(capsys, "import", str(folder))
    assert code == 0, err
    return folder


def package_rows(package: Path) -> tuple[dict[str, str], list[sqlite3.Row]]:
    """The deck names by id and the notes of an .apkg, read with the stdlib."""
    with zipfile.ZipFile(package) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        data = archive.read("collection.anki2")
    copy = package.with_suffix(".anki2")
    copy.write_bytes(data)
    conn = sqlite3.connect(copy)
    conn.row_factory = sqlite3.Row
    try:
        decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
        notes = conn.execute(
            "SELECT notes.guid, notes.mod, notes.tags, notes.flds, cards.did "
            "FROM notes JOIN cards ON cards.nid = notes.id ORDER BY notes.id"
        ).fetchall()
    finally:
        conn.close()
    return {key: deck["name"] for key, deck in decks.items()}, notes


def test_the_package_holds_a_note_per_card_in_nested_decks_with_their_tags(
    decks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "languages.apkg"
    code, out, err = run(capsys, "export", "--apkg", str(target), "Languages")
    assert (code, err) == (0, "")
    assert out == f"exported 2 decks and 3 notes to {target} (an Anki package)\n"
    names, notes = package_rows(target)
    by_question = {row["flds"].split("\x1f")[0]: row for row in notes}
    assert len(by_question) == 3
    assert {names[str(row["did"])] for row in notes} == {"Languages::Python", "Languages::French"}
    cat = by_question['<div class="tutor-question">How do you say &quot;cat&quot; in French?</div>']
    assert cat["tags"].split() == ["french"]
    assert cat["flds"].split("\x1f")[1:] == [
        "",
        "<p><em>le chat</em> (masculine), <em>la chatte</em> (feminine).</p>",
        "",
        "",
    ]
    python = [row for row in notes if names[str(row["did"])] == "Languages::Python"]
    assert {row["tags"] for row in python} == {" python code_review "}
    # the time the deck's file last changed, so that Anki takes a later export as newer
    assert {row["mod"] for row in notes} == {1795780800}
    assert len({row["guid"] for row in notes}) == 3


def test_card_text_is_escaped_html_and_holds_no_anki_media_tag(
    decks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "hostile.apkg"
    assert run(capsys, "export", "--apkg", str(target), "Hostile")[0] == 0
    _, [note] = package_rows(target)
    question, options, answer, reasoning, explanation = note["flds"].split("\x1f")
    assert question == (
        "<div class=\"tutor-question\">&lt;script&gt;alert('q')&lt;/script&gt; "
        "&#91;sound:evil.mp3] &lt;img src=x onerror=alert(1)&gt;</div>"
    )
    assert answer == (
        "<p>Answer with &lt;b onclick=&quot;alert(2)&quot;&gt;html&lt;/b&gt;, "
        "&#91;a link](javascript:alert(3)) and &#91;latex]x&#91;/latex].</p>"
    )
    assert (options, reasoning, explanation) == ("", "", "")


def test_markdown_renders_code_blocks_and_keeps_unicode() -> None:
    assert markdown_html('```python\nprint("<b>" if 1 < 2 else 0)\n```\nünï 日本語 🐍') == (
        '<pre><code class="language-python">print(&quot;&lt;b&gt;&quot; if 1 &lt; 2 else 0)\n'
        "</code></pre>\n<p>ünï 日本語 🐍</p>"
    )
    assert markdown_html("a \x1b[31m b") == "<p>a ␛&#91;31m b</p>"


def card(slug: str | None, key: str) -> CardContent:
    return CardContent(slug, key, "Q", "", (), "", "A")


def test_a_note_guid_follows_the_card_identity_that_import_matches() -> None:
    # an id is unique in the whole collection: the same GUID whatever the deck or question
    assert note_guid("A", card("pruning", "what is pruning")) == note_guid(
        "B", card("pruning", "what is it")
    )
    # without an id, the deck and the question (folded) are the identity
    assert note_guid("A", card(None, "what is pruning")) == note_guid(
        "A", card(None, "what is pruning")
    )
    assert note_guid("A", card(None, "what is pruning")) != note_guid(
        "B", card(None, "what is pruning")
    )
    assert note_guid("A", card(None, "pruning")) != note_guid("A", card("pruning", "pruning"))


def test_the_collection_a_database_or_another_file_is_never_overwritten(
    decks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = Path(os.environ["TUTOR_DB"])
    other = tmp_path / "other.db"
    other.write_bytes(collection.read_bytes())
    deck_file = decks / "python.md"
    for target, says in (
        (collection, "is the collection itself"),
        (other, "is an SQLite database"),
        (deck_file, "exists and is not an Anki package"),
    ):
        before = [p.read_bytes() for p in (collection, other, deck_file)]
        code, out, err = run(capsys, "export", "--apkg", str(target))
        assert (code, out) == (ConfigError.exit_code, "")
        assert err.startswith(f"tutor: {target} ") and says in err and err.count("\n") == 1
        assert [p.read_bytes() for p in (collection, other, deck_file)] == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_earlier_package_is_replaced_whole(
    decks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "all.apkg"
    assert run(capsys, "export", "--apkg", str(target), "Hostile")[0] == 0
    assert run(capsys, "export", "--apkg", str(target))[0] == 0
    names, notes = package_rows(target)
    assert len(notes) == 4 and set(names.values()) >= {"Hostile", "Languages::Python"}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_unknown_decks_and_misplaced_options_are_one_line_messages(
    decks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.apkg"
    for args, status, message in (
        (
            ("export", "--apkg", str(target), "Languages", "Nope"),
            NotFoundError.exit_code,
            "tutor: no deck named 'Nope'; `tutor decks` lists the decks\n",
        ),
        (
            ("export", "Languages"),
            ConfigError.exit_code,
            "tutor: DECK names go with --apkg FILE: `tutor export --apkg decks.apkg DECK`\n",
        ),
        (
            ("export", "--apkg", str(target), "-o", str(tmp_path / "y.json")),
            ConfigError.exit_code,
            "tutor: --apkg writes an Anki package; -o and --json are for the JSON dump\n",
        ),
    ):
        assert run(capsys, *args) == (status, "", message)
    assert not target.exists()


def test_an_empty_collection_has_nothing_to_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "decks")[0] == 0  # a new, empty collection
    code, out, err = run(capsys, "export", "--apkg", str(tmp_path / "x.apkg"))
    assert (code, out) == (NotFoundError.exit_code, "")
    assert err == "tutor: the collection has no decks to export; `tutor import` a deck first\n"
    assert not (tmp_path / "x.apkg").exists()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab 1.-+)*_`<>&\"'é日\n#![]|~=\\\t:"), max_size=12))
def test_plain_text_escaped_without_the_parser_is_what_the_parser_gives(text: str) -> None:
    expected = commonmark_html(text).replace("[", "&#91;") if text.strip() else ""
    assert markdown_html(text) == expected

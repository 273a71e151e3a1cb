"""The exported package opened with Anki's own library: every card arrives, an edit updates."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from tests.anki.decks import FRENCH_DECK, HOSTILE_DECK, PYTHON_DECK
from tests.conftest import WriteDeck
from tutor.cli import main

anki_collection = pytest.importorskip(
    "anki.collection",
    reason="Anki's own library is not installed: pip install -e '.[test,anki]' (CI does)",
)
from anki.import_export_pb2 import ImportAnkiPackageOptions  # noqa: E402

NOW = "2026-11-27T12:00:00+00:00"
LATER = "2026-11-28T09:30:00+00:00"


def tutor(capsys: pytest.CaptureFixture[str], *args: str) -> None:
    code = main(list(args))
    _, err = capsys.readouterr()
    assert code == 0, err


def text_of(rendered: str) -> str:
    """What the learner reads: the HTML without its style sheet and tags, entities decoded."""
    rendered = re.sub(r"<style>.*?</style>", "", rendered, flags=re.DOTALL)
    rendered = re.sub(r"</?(p|div|li|ol|ul|pre|hr|br)\b[^>]*>", " ", rendered)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).split())


@pytest.fixture
def anki(tmp_path: Path) -> Any:
    (tmp_path / "anki").mkdir()
    collection = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield collection
    collection.close()


def anki_import(collection: Any, package: Path) -> Any:
    request = anki_collection.ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions()
    )
    return collection.import_anki_package(request).log


def notes_by_deck(collection: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for note_id in collection.find_notes(""):
        note = collection.get_note(note_id)
        [card] = note.cards()
        found.setdefault(collection.decks.name(card.did), []).append(card)
    return found


@pytest.fixture
def exported(
    write_deck: WriteDeck,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    monkeypatch.setenv("TUTOR_NOW", NOW)
    write_deck("python.md", PYTHON_DECK)
    write_deck("french.md", FRENCH_DECK)
    write_deck("hostile.md", HOSTILE_DECK)
    tutor(capsys, "import", str(tmp_path / "decks"))
    tutor(capsys, "export", "--apkg", str(tmp_path / "all.apkg"))
    return tmp_path / "all.apkg"


def test_every_card_arrives_in_anki_with_its_question_options_reasoning_and_explanation(
    exported: Path, anki: Any
) -> None:
    log = anki_import(anki, exported)
    assert (len(log.new), len(log.updated)) == (4, 0)
    decks = notes_by_deck(anki)
    assert sorted(decks) == ["Hostile", "Languages::French", "Languages::Python"]
    assert "Languages" in anki.decks.all_names()  # the parent deck, made by the nesting

    printing, primes = sorted(decks["Languages::Python"], key=lambda c: c.note()["Question"])
    assert sorted(printing.note().tags) == ["code_review", "python"]
    assert text_of(printing.question()) == (
        "What does this print? ünïcödé 日本語 "
        "print(\"<b>hi</b>\" if 1 < 2 else '&') <b>hi</b> & Nothing"
    )
    assert (
        '<pre><code class="language-python">print(&quot;&lt;b&gt;hi&lt;/b&gt;&quot; if 1 &lt; 2 '
        "else '&amp;')\n</code></pre>" in printing.question()
    )
    assert text_of(printing.answer()).endswith(
        "✓ <b>hi</b> Why each option "
        "✓ <b>hi</b> the condition 1 < 2 holds, so the string prints as it is. "
        "✗ & printed only if 1 < 2 were false. "
        "✗ Nothing print always writes a line. "
        "Explanation A conditional expression reads a if c else b; émoji 🐍 stay."
    )
    assert text_of(primes.question()) == (
        "Which of these are prime numbers? Select all that apply. 2 3 4"
    )
    assert text_of(primes.answer()).endswith(
        "✓ 2 ✓ 3 Why each option ✓ 2 the only even prime. ✓ 3 divisible by 1 and 3 only. "
        "✗ 4 it is 2 × 2. Explanation A prime has exactly two divisors."
    )

    [cat] = decks["Languages::French"]
    assert cat.note().tags == ["french"]
    assert text_of(cat.question()) == 'How do you say "cat" in French?'
    assert text_of(cat.answer()) == (
        'How do you say "cat" in French? le chat (masculine), la chatte (feminine).'
    )


def test_card_text_reaches_anki_as_text_never_as_markup_or_media(exported: Path, anki: Any) -> None:
    anki_import(anki, exported)
    [hostile] = notes_by_deck(anki)["Hostile"]
    front, back = hostile.question(), hostile.answer()
    assert text_of(back) == (
        "<script>alert('q')</script> [sound:evil.mp3] <img src=x onerror=alert(1)> "
        'Answer with <b onclick="alert(2)">html</b>, [a link](javascript:alert(3)) and '
        "[latex]x[/latex]."
    )
    for rendered in (front, back):
        assert not re.search(r"<(script|img|a|b)\b|<[^>]*\son\w+=", rendered)
    assert (hostile.question_av_tags(), hostile.answer_av_tags()) == ([], [])


def test_an_export_after_an_edit_updates_the_notes_in_anki_and_adds_no_duplicate(
    exported: Path,
    anki: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    anki_import(anki, exported)
    again = anki_import(anki, exported)  # the same export twice: Anki changes nothing
    assert (len(again.new), len(again.updated)) == (0, 0)

    edited = (
        PYTHON_DECK.replace("émoji 🐍 stay", "émoji 🐍 stay, edited")
        .replace("it is 2 × 2.", "it is 2 × 2, so not prime.")
        .replace(
            "## Which of these",
            "## What does `len('ab')` return?\n\n- [x] 2\n- [ ] 1\n\n## Which of these",
        )
    )
    (tmp_path / "decks" / "python.md").write_text(edited, encoding="utf-8")
    monkeypatch.setenv("TUTOR_NOW", LATER)
    tutor(capsys, "import", str(tmp_path / "decks"))
    tutor(capsys, "export", "--apkg", str(tmp_path / "all.apkg"))
    log = anki_import(anki, tmp_path / "all.apkg")

    assert len(log.new) == 1  # the new card; the two edited ones are updated in place
    assert len(log.updated) == 2
    python = notes_by_deck(anki)["Languages::Python"]
    assert len(python) == 3 and len(anki.find_notes("")) == 5
    answers = " ".join(text_of(card.answer()) for card in python)
    assert "émoji 🐍 stay, edited." in answers and "it is 2 × 2, so not prime." in answers

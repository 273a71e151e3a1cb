"""`a` adds a card from the app: a template at the end of the deck file, a real $EDITOR process
(a script that edits the file), the deck re-imported; a template left unfilled is named by its
line, changes nothing in the collection, and `a` reopens it; `e` in the browser says what its
re-import did."""

from __future__ import annotations

import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import DataTable, Input

from tests.conftest import WriteDeck
from tests.tui.settle import settle
from tutor.card_template import TEMPLATE
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.store.tables import card_table, deck_table
from tutor.tui.app import TutorApp
from tutor.tui.screens.browse import BrowseScreen

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
WORDS = "# Words\n\n## Word one\n\nMot un.\n\n## Word two\n\nMot deux.\n"
OTHER = "# Other\n\n## Colour\n\nCouleur.\n"

FILL = """\
import pathlib, sys
line, path = int(sys.argv[1][1:]), pathlib.Path(sys.argv[2])
with open(sys.argv[0] + ".log", "a", encoding="utf-8") as log:
    log.write(f"{line} {path.name}\\n")
lines = path.read_text(encoding="utf-8").split("\\n")
if lines[line - 1].rstrip() == "##":
    lines[line - 1] = "## What does a cat say?"
text = "\\n".join(lines)
text = text.replace("- [x] \\n", "- [x] Meow — what cats say.\\n", 1)
text = text.replace("- [ ] \\n", "- [ ] Woof — a dog's word.\\n", 1)
path.write_text(text, encoding="utf-8")
"""


@pytest.fixture(autouse=True)
def terminal_hand_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """The headless test driver behaves as a terminal that can be handed to an editor."""
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))
    monkeypatch.delenv("VISUAL", raising=False)


@pytest.fixture
def filler(tmp_path: Path) -> Path:
    """An editor: a real process that fills in the template at the line it is given."""
    script = tmp_path / "fill.py"
    script.write_text(FILL, encoding="utf-8")
    return script


def use_editor(monkeypatch: pytest.MonkeyPatch, command: str | Path) -> None:
    if isinstance(command, Path):
        command = f"{shlex.quote(sys.executable)} {shlex.quote(str(command))}"
    monkeypatch.setenv("EDITOR", command)


def editor_calls(script: Path) -> list[str]:
    log = Path(f"{script}.log")
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def questions(db: Database, deck: str) -> list[str]:
    c, d = card_table.c, deck_table.c
    with db.read() as conn:
        rows = conn.execute(
            select(c.question)
            .join(deck_table, d.id == c.deck_id)
            .where(d.name == deck, c.retired.is_(False))
            .order_by(c.position)
        )
        return list(rows.scalars())


def messages(app: TutorApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_on_home_adds_a_card_written_in_the_editor(
    db: Database, write_deck: WriteDeck, filler: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = write_deck("words.md", WORDS)
    import_paths(db, [deck], NOW)
    use_editor(monkeypatch, filler)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert "1 card added to Words." in messages(app)
        cards = app.screen.query_one("#decks", DataTable).get_row_at(0)[-1]
        assert str(cards) == "3"  # the home screen counts the new card
    assert questions(db, "Words") == ["Word one", "Word two", "What does a cat say?"]
    heading = WORDS.count("\n") + 2  # after the deck's last line and one blank line
    assert editor_calls(filler) == [f"{heading} words.md"]  # opened at the template's heading
    text = deck.read_text(encoding="utf-8")
    assert text.startswith(WORDS) and text.endswith("- [ ] Woof — a dog's word.\n\nExplanation: \n")


async def test_an_unfilled_template_names_its_line_changes_nothing_and_a_reopens_it(
    db: Database, write_deck: WriteDeck, filler: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = write_deck("words.md", WORDS)
    import_paths(db, [deck], NOW)
    use_editor(monkeypatch, "true")  # the learner leaves the editor without writing anything
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    heading = WORDS.count("\n") + 2
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        [said] = [m for m in messages(app) if "not re-imported" in m or "heading is empty" in m]
        assert f"words.md:{heading}: card heading is empty" in said
        assert f"a reopens the editor at line {heading}" in said
        assert questions(db, "Words") == ["Word one", "Word two"]  # nothing changed
        assert deck.read_text(encoding="utf-8") == WORDS + "\n" + TEMPLATE  # the file holds it
        use_editor(monkeypatch, filler)
        await pilot.press("a")
        await settle(pilot)
        assert "1 card added to Words." in messages(app)
    assert editor_calls(filler) == [f"{heading} words.md"]  # reopened at the same line
    headings = [ln for ln in deck.read_text(encoding="utf-8").splitlines() if ln.startswith("##")]
    assert len(headings) == 3  # no second template
    assert questions(db, "Words") == ["Word one", "Word two", "What does a cat say?"]


@pytest.mark.parametrize(
    ("editor", "says"),
    [
        ("no-such-editor-xyz", "cannot run the editor 'no-such-editor-xyz'"),
        ("false", "the editor 'false' exited with status 1"),
    ],
)
async def test_a_failing_editor_leaves_the_deck_file_as_it_was(
    db: Database,
    write_deck: WriteDeck,
    monkeypatch: pytest.MonkeyPatch,
    editor: str,
    says: str,
) -> None:
    deck = write_deck("words.md", WORDS)
    import_paths(db, [deck], NOW)
    use_editor(monkeypatch, editor)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        [said] = [m for m in messages(app) if says in m]
        assert said.endswith("; the deck file is as it was")
    assert deck.read_text(encoding="utf-8") == WORDS
    assert questions(db, "Words") == ["Word one", "Word two"]


async def test_a_in_the_browser_adds_to_the_selected_cards_deck(
    db: Database, write_deck: WriteDeck, filler: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words, other = write_deck("words.md", WORDS), write_deck("other.md", OTHER)
    import_paths(db, [words, other], NOW)
    use_editor(monkeypatch, filler)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one("#browse-query", Input).value = "deck:other"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        assert [c.question for c in browser.cards] == ["Colour", "What does a cat say?"]
    assert editor_calls(filler) == [f"{OTHER.count(chr(10)) + 2} other.md"]
    assert questions(db, "Words") == ["Word one", "Word two"]
    with db.read() as conn:
        total = conn.execute(select(func.count()).select_from(card_table)).scalar_one()
    assert total == 4


async def test_a_on_a_row_holding_only_other_decks_says_so_and_adds_nothing(
    db: Database, write_deck: WriteDeck, filler: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    french = "# Languages::French\n\n## Chat\n\nCat.\n"
    deck = write_deck("french.md", french)
    import_paths(db, [deck], NOW)
    use_editor(monkeypatch, filler)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")  # the cursor is on "Languages", which has no file of its own
        await settle(pilot)
        assert any("Languages holds only other decks" in m for m in messages(app))
        assert editor_calls(filler) == [] and deck.read_text(encoding="utf-8") == french
        await pilot.press("down", "a")
        await settle(pilot)
        assert "1 card added to Languages::French." in messages(app)
    assert questions(db, "Languages::French") == ["Chat", "What does a cat say?"]


REWORD = """\
import pathlib, sys
path = pathlib.Path(sys.argv[2])
path.write_text(path.read_text(encoding="utf-8").replace("Couleur.", "La couleur."), "utf-8")
"""


async def test_e_in_the_browser_says_what_the_re_import_did(
    db: Database, write_deck: WriteDeck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = write_deck("other.md", OTHER)
    import_paths(db, [other], NOW)
    script = tmp_path / "reword.py"
    script.write_text(REWORD, encoding="utf-8")
    use_editor(monkeypatch, script)
    app = TutorApp(db, SETTINGS, clock=lambda: NOW, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert "Deck re-imported: 1 updated." in messages(app)
        await pilot.press("e")  # nothing left to change
        await settle(pilot)
        assert messages(app)[-1] == "Deck re-imported: no card changed."
    assert "La couleur." in other.read_text(encoding="utf-8")

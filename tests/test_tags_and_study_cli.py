"""Per-card tags in the deck format (every older deck parses as before), the study and review
options refused with one clear line, and a forgotten card still passing `tutor check`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import SEED_DECK, WriteDeck
from tutor.check import check_collection
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.deck.parser import parse_file, parse_text
from tutor.errors import DeckError
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.card_actions import forget_card
from tutor.store.db import Database

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_a_tags_line_under_the_heading_and_id_gives_the_card_its_tags() -> None:
    deck = parse_text(
        "# D\n\n## Q one\n<!-- id: q-one -->\nTags: a, b-c  d\n\nAnswer.\n\n"
        "## Q two\n\nTags: x\n\n- [x] Yes\n- [ ] No\n\n## Q three\n\nAnswer.\nTags: x\n",
        "d.md",
    )
    one, two, three = deck.cards
    assert (one.slug, one.tags, one.answer) == ("q-one", ("a", "b-c", "d"), "Answer.")
    assert (two.tags, two.body, len(two.options)) == (("x",), "", 2)
    assert three.tags == () and three.answer == "Answer.\nTags: x"  # not first: card text


def test_a_bad_tags_line_names_its_line() -> None:
    with pytest.raises(DeckError, match=r"d\.md:4: .*write its tags as words"):
        parse_text("# D\n\n## Q\nTags: [a]\n\nAnswer.\n", "d.md")


def test_the_seed_deck_parses_as_before_with_the_same_digests() -> None:
    deck = parse_file(SEED_DECK)
    assert all(card.tags == () for card in deck.cards)
    assert deck.tags == ("edge-ai", "compression", "quantization", "inference")


def test_a_tag_only_change_is_imported(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("d.md", "# D\n\n## Q\nTags: one\n\nAnswer.\n")
    import_paths(db, [path], START)
    path.write_text("# D\n\n## Q\nTags: two\n\nAnswer.\n", encoding="utf-8")
    report = import_paths(db, [path], START + timedelta(minutes=1))
    assert report.decks[0].updated == 1
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT tag FROM card_tag").scalars().all() == ["two"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["study", "ahead"], "`tutor study ahead N` needs N, the number of days"),
        (["study", "ahead", "0"], "study ahead 0: give a number of days from 1 up"),
        (["study", "practice"], "needs --deck DECK, --tag TAG or --search QUERY"),
        (["study", "practice", "--search", "is:nothing"], "is: takes one of"),
        (["review", "--limit", "-2"], "--limit -2: give a number of cards"),
        (["study", "new", "5", "--minutes", "0"], "--minutes 0: give a number of minutes"),
        (["browse", "colour:red"], "search term 'colour:red' is not understood"),
    ],
)
def test_bad_study_and_session_options_are_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], at_a_terminal: None
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("tutor: ") and message in err and "Traceback" not in err


def test_study_without_a_terminal_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["study", "ahead", "3"]) == 2
    assert "`tutor study` needs a terminal" in capsys.readouterr().err


def test_a_forgotten_card_is_new_and_the_check_stays_clean(
    db: Database, db_path: Path, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("d.md", "# D\n\n## Q\n\nAnswer.\n\n## R\n\nOther.\n")], START)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    session = ReviewSession(db, settings, clock=lambda: START, sync=False)
    while session.next_card() is not None:
        session.answer(Grade.EASY)
    with db.write() as conn:
        forget_card(conn, 1, START + timedelta(hours=1))
    later = START + timedelta(hours=2)
    again = ReviewSession(db, settings, clock=lambda: later, sync=False)
    shown = again.next_card()
    assert shown is not None and shown.card.id == 1 and shown.card.state.reps == 0
    again.answer(Grade.GOOD)
    report = check_collection(f"sqlite:///{db_path}", settings)
    assert report.clean, report.problems

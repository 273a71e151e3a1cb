"""The card browser's query language on a built collection: each operator returns exactly the
cards it should; free text is literal (`_`, `%`); bad terms are one clear message."""

from __future__ import annotations

import json
import shlex
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import WriteDeck
from tutor.card_history import card_info
from tutor.card_query import parse_query
from tutor.card_search import count_matches, find_page, search
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.errors import ConfigError, NotFoundError
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database
from tutor.store.flags import change_flags
from tutor.store.queue import StoreReader
from tutor.store.tables import card_table
from tutor.study import Study

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, leech_threshold=2))
ALPHA = """\
---
tags: [lang]
---
# Alpha

## Plain 100% sure?

Yes.

## Under_score here

Answer.

## Choice card
Tags: trap, hard

- [x] Right one — it is.
- [ ] Wrong lure — it is not.

## Leechy

Hard to remember.

## Retire me

Soon gone.
"""
BETA = """\
# Beta::Sub

## Beta one
<!-- id: beta-one -->
Tags: trap

Answer one.

## Beta two

Answer two.

## Beta three

Answer three.
"""


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def built(db: Database, write_deck: WriteDeck) -> Database:
    """Alpha: Choice card answered wrong (the lure picked), the rest easy, Leechy then made a
    leech; Retire me retired. Beta: one answered, one suspended, one buried."""
    alpha = write_deck("alpha.md", ALPHA)
    beta = write_deck("beta.md", BETA)
    import_paths(db, [alpha, beta], START)
    clock = Clock(START)
    session = ReviewSession(db, SETTINGS, ["Alpha"], clock=clock, sync=False)
    seen: set[str] = set()
    while (shown := session.next_card()) is not None and shown.card.question not in seen:
        seen.add(shown.card.question)
        if shown.card.question == "Choice card":
            session.grade([1], 3000)  # the wrong option, in file order
            session.answer(Grade.AGAIN)
        else:
            session.answer(Grade.EASY)
        clock.now += timedelta(seconds=1)
    beta_session = ReviewSession(db, SETTINGS, ["Beta"], clock=clock, sync=False)
    shown = beta_session.next_card()
    assert shown is not None and shown.card.question == "Beta one"
    beta_session.answer(Grade.EASY)
    with db.write() as conn:
        ids = {q: i for i, q in conn.exec_driver_sql("SELECT id, question FROM card")}
        change_flags(conn, ids["Beta two"], suspended=True)
        change_flags(conn, ids["Beta three"], buried_until=START + timedelta(days=1))
        conn.execute(  # as after lapses past the leech threshold
            card_table.update()
            .where(card_table.c.id == ids["Leechy"])
            .values(lapses=3, leech=True, suspended=True)
        )
    alpha.write_text(ALPHA.replace("## Retire me\n\nSoon gone.\n", ""), encoding="utf-8")
    import_paths(db, [alpha], START + timedelta(hours=2))
    return db


def found(db: Database, text: str, at: datetime = START + timedelta(hours=3)) -> list[str]:
    with db.read() as conn:
        page = search(StoreReader(conn), parse_query(text), SETTINGS, at, limit=1000)
    assert page.total == len(page.cards)
    return sorted(card.question for card in page.cards)


ALL_ACTIVE = [
    "Beta one",
    "Beta three",
    "Beta two",
    "Choice card",
    "Leechy",
    "Plain 100% sure?",
    "Under_score here",
]


def test_free_text_is_literal_and_ignores_case(built: Database) -> None:
    assert found(built, "") == ALL_ACTIVE
    assert found(built, "100%") == ["Plain 100% sure?"]
    assert found(built, "%") == ["Plain 100% sure?"]
    assert found(built, "_") == ["Under_score here"]
    assert found(built, "PLAIN") == ["Plain 100% sure?"]
    assert found(built, "answer") == ["Beta one", "Beta three", "Beta two", "Under_score here"]
    assert found(built, '"wrong lure"') == []  # options are not searched, questions and answers are
    assert found(built, "answer two") == ["Beta two"]  # every word must be there


def test_deck_selects_the_deck_and_its_sub_decks(built: Database) -> None:
    assert found(built, "deck:beta") == ["Beta one", "Beta three", "Beta two"]
    assert found(built, "deck:Beta::Sub answer") == ["Beta one", "Beta three", "Beta two"]
    with pytest.raises(NotFoundError, match="no deck or file named 'gamma'"):
        found(built, "deck:gamma")


def test_tag_merges_the_card_line_with_the_front_matter(built: Database) -> None:
    alpha = ["Choice card", "Leechy", "Plain 100% sure?", "Under_score here"]
    assert found(built, "tag:lang") == alpha
    assert found(built, "tag:trap") == ["Beta one", "Choice card"]
    assert found(built, "tag:HARD") == ["Choice card"]
    assert found(built, "tag:trap tag:lang") == ["Choice card"]
    assert found(built, "tag:nothing") == []


def test_is_selects_each_state(built: Database) -> None:
    assert found(built, "is:new") == ["Beta three", "Beta two"]
    assert found(built, "is:learning") == ["Choice card"]
    assert found(built, "is:review") == [
        "Beta one",
        "Leechy",
        "Plain 100% sure?",
        "Under_score here",
    ]
    assert found(built, "is:leech") == ["Leechy"]
    assert found(built, "is:suspended") == ["Beta two", "Leechy"]
    assert found(built, "is:buried") == ["Beta three"]
    assert found(built, "is:retired") == ["Retire me"]
    assert found(built, "is:due") == ["Choice card"]
    tomorrow = START + timedelta(days=1, hours=3)
    assert found(built, "is:buried", tomorrow) == []


def test_prop_compares_lapses_reps_and_predicted_recall(built: Database) -> None:
    assert found(built, "prop:lapses>0") == ["Leechy"]
    assert found(built, "prop:lapses>=2 is:suspended") == ["Leechy"]
    assert found(built, "prop:reps=1") == [
        "Beta one",
        "Choice card",
        "Leechy",
        "Plain 100% sure?",
        "Under_score here",
    ]
    never = ["Beta three", "Beta two"]  # never reviewed: predicted recall 0
    assert found(built, "prop:r<0.7") == never
    assert found(built, "prop:r>0.7 is:review") == [
        "Beta one",
        "Leechy",
        "Plain 100% sure?",
        "Under_score here",
    ]
    much_later = START + timedelta(days=400)
    assert "Plain 100% sure?" in found(built, "prop:r<0.7", much_later)


def test_picked_finds_cards_where_a_wrong_option_was_chosen(built: Database) -> None:
    assert found(built, "picked:") == ["Choice card"]
    assert found(built, "picked:lure") == ["Choice card"]
    assert found(built, "misconception:LURE") == ["Choice card"]
    assert found(built, "picked:right") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour:red", "search term 'colour:red' is not understood"),
        ("is:forgotten", "is: takes one of new, learning"),
        ("prop:lapses~3", "write prop:NAME<NUMBER"),
        ("prop:r<2", "between 0 and 1"),
        ("tag:", "needs a value"),
        ('"open', "a quote is not closed"),
    ],
)
def test_a_bad_term_is_one_clear_message(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_query(text)


def test_card_info_lists_every_answer_with_the_option_chosen(built: Database) -> None:
    with built.read() as conn:
        reader = StoreReader(conn)
        page = search(reader, parse_query("choice"), SETTINGS, START)
        info = card_info(reader, page.cards[0].id, SETTINGS, START + timedelta(hours=3))
    assert info is not None
    assert info.tags == ("lang", "hard", "trap")  # the deck's, then the card's (sorted)
    assert [(a.rating_name, a.chosen, a.practice) for a in info.answers] == [
        ("Again", ("Wrong lure",), False)
    ]
    assert info.answers[0].suggested == int(Grade.AGAIN) and info.answers[0].seconds == 3.0
    assert info.card.source_line == 14 and str(info.card.source_path).endswith("alpha.md")


def test_practice_answers_show_in_card_info_marked_practice(built: Database) -> None:
    clock = Clock(START + timedelta(days=2))
    study = Study("practice", query=parse_query("tag:hard"))
    session = ReviewSession(built, SETTINGS, clock=clock, sync=False, study=study)
    shown = session.next_card()
    assert shown is not None and shown.card.question == "Choice card"
    session.grade([0], 2000)
    session.answer()
    assert session.next_card() is None
    with built.read() as conn:
        info = card_info(StoreReader(conn), shown.card.id, SETTINGS, clock.now)
    assert info is not None
    assert [(a.rating_name, a.practice) for a in info.answers] == [
        ("Again", False),
        ("Good", True),
    ]


def test_cards_command_prints_the_matches_as_json_and_text(
    built: Database,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TUTOR_NOW", (START + timedelta(hours=3)).isoformat())
    built.close()
    assert main(["--db", str(db_path), "cards", "tag:trap", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 2
    assert sorted(c["question"] for c in data["cards"]) == ["Beta one", "Choice card"]
    tags = {c["question"]: c["tags"] for c in data["cards"]}  # the deck's, then the card's own
    assert tags == {"Choice card": ["lang", "hard", "trap"], "Beta one": ["trap"]}
    assert main(["--db", str(db_path), "cards", "_"]) == 0
    out = capsys.readouterr().out
    assert "Under_score here" in out and "1 card match" in out and "Plain" not in out
    card_id = next(c["id"] for c in data["cards"] if c["question"] == "Choice card")
    assert main(["--db", str(db_path), "cards", "--info", str(card_id)]) == 0
    info = capsys.readouterr().out
    assert "alpha.md:14" in info and "Again" in info and "Wrong lure" in info
    assert main(["--db", str(db_path), "cards", "is:bogus"]) == 2
    assert "tutor: search term 'is:bogus'" in capsys.readouterr().err
    assert main(["--db", str(db_path), "cards", "--info", "999"]) == 4


ODD_TEXT = """\
# Odd

## Back\\slash and 50% off_peak

Tab	separated ÉCOLE answer.

## École straße

Kelvin \u212a sign; ends with a word

## Plain tail

Starts the answer
"""
ODD_TERMS = (
    "\\",
    "back\\slash",
    "\\s",
    "50%",
    "%",
    "_",
    "off_peak",
    "OFF_PEAK",
    "ÉCOLE",
    "école",
    "École",
    "STRASSE",
    "straße",
    "STRAßE",
    "\u212a",
    "k",
    "word plain",
    "tail starts",
    "off_peak  tab",
    "off_peak tab",
    "a word",
    "tab\tseparated",
    "ssE",
    "answer.",
)


def joined_rule(term: str, fields: tuple[str, ...]) -> bool:
    """The rule free text followed before this change: in the fields joined by spaces, the term
    lowered by Python in the text lowered by SQLite (ASCII letters only), or the term as typed."""
    joined = " ".join(fields)
    ascii_lowered = joined.translate(str.maketrans(string.ascii_uppercase, string.ascii_lowercase))
    return term.lower() in ascii_lowered or term in joined


@pytest.mark.sqlite_only
def test_free_text_finds_exactly_the_cards_the_joined_text_rule_found(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("odd.md", ODD_TEXT)], START)
    with db.read() as conn:
        fields = {
            question: (question, body, answer, explanation)
            for question, body, answer, explanation in conn.exec_driver_sql(
                "SELECT question, body, answer, explanation FROM card"
            )
        }
    for term in ODD_TERMS:
        expected = sorted(q for q, text in fields.items() if joined_rule(term, text))
        assert found(db, shlex.quote(term)) == expected, term
    assert found(db, "back\\\\slash") == ["Back\\slash and 50% off_peak"]  # shlex: \\ is one \
    # the question and the answer, joined by a space either side of the empty body
    assert found(db, '"peak  tab"') == ["Back\\slash and 50% off_peak"]
    assert found(db, '"peak tab"') == []
    assert found(db, "École") == ["École straße"]
    assert found(db, "école") == []  # as before: only ASCII letters match in either case


def test_free_text_with_a_backslash_or_a_wildcard_is_literal_on_every_database(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("odd.md", ODD_TEXT)], START)
    assert found(db, '"\\\\s"') == ["Back\\slash and 50% off_peak"]
    assert found(db, "0%") == ["Back\\slash and 50% off_peak"]
    assert found(db, "F_P") == ["Back\\slash and 50% off_peak"]
    assert found(db, "%off") == []
    assert found(db, "_") == ["Back\\slash and 50% off_peak"]
    assert found(db, '"ends with a"') == ["École straße"]
    assert found(db, "TAIL") == ["Plain tail"]


def test_pages_read_without_counting_join_up_to_the_whole_result(built: Database) -> None:
    at = START + timedelta(hours=3)
    for text in ("", "answer", "is:review", "prop:r<0.7", "tag:trap", "picked:", "a"):
        query = parse_query(text)
        with built.read() as conn:
            reader = StoreReader(conn)
            whole = search(reader, query, SETTINGS, at, limit=1000)
            pages = [
                find_page(reader, query, SETTINGS, at, limit=2, offset=n) for n in (0, 2, 4, 6)
            ]
            counted = count_matches(reader, query, SETTINGS, at)
        read = [card.id for page in pages for card in page.cards]
        assert read == [card.id for card in whole.cards], text
        assert counted == whole.total == len(read), text
        assert [page.more for page in pages] == [counted > n + 2 for n in (0, 2, 4, 6)], text


def test_a_term_too_long_for_a_like_pattern_is_still_found(
    db: Database, write_deck: WriteDeck
) -> None:
    long_answer = "Zz" * 30_000
    import_paths(db, [write_deck("long.md", f"# Long\n\n## Long one\n\n{long_answer}\n")], START)
    assert found(db, "zZ" * 25_000) == ["Long one"]  # past SQLite's 50,000-byte LIKE limit
    assert found(db, "zZ" * 25_000 + "y") == []

"""Importing decks: identity across every edit of rule 8, idempotence, all-or-nothing per file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import NOW, SEED_DECK, WriteDeck
from tutor.card_options import compact_options, decode_options, encode_options, encode_plain
from tutor.config import DeckSettings, Settings
from tutor.deck.models import Option
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database
from tutor.store.tables import card_table, deck_table, review_table

DECK = """
---
title: Edge
---

## Which technique removes weights?
<!-- id: pruning -->

- [x] Pruning — removes weights.
- [ ] Pooling — downsamples.

Explanation: Pruning removes weights.

## What does INT8 trade away?

Precision.

## Why distil a model?

- [x] A small student mimics a teacher
- [ ] To add noise

Explanation: distillation.
"""


def cards(db: Database) -> dict[str, dict[str, object]]:
    """Every card by question: its id, deck name, retired flag and content."""
    with db.read() as conn:
        rows = conn.execute(
            select(card_table, deck_table.c.name.label("deck_name")).join(
                deck_table, deck_table.c.id == card_table.c.deck_id
            )
        )
        return {row.question: dict(row._mapping) for row in rows}


def ids(db: Database) -> dict[str, int]:
    return {q: int(c["id"]) for q, c in cards(db).items()}  # type: ignore[call-overload]


def run(db: Database, *paths: Path, dry_run: bool = False):  # type: ignore[no-untyped-def]
    return import_paths(db, paths, NOW, dry_run=dry_run)


def test_first_import_adds_every_card(db: Database, write_deck: WriteDeck) -> None:
    report = run(db, write_deck("edge.md", DECK))
    assert report.errors == []
    [deck] = report.decks
    assert (deck.name, deck.added, deck.updated, deck.unchanged, deck.retired) == (
        "Edge",
        3,
        0,
        0,
        0,
    )
    assert set(cards(db)) == {
        "Which technique removes weights?",
        "What does INT8 trade away?",
        "Why distil a model?",
    }


def test_reimport_of_unchanged_file_changes_nothing(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    before = cards(db)
    [deck] = run(db, path).decks
    assert deck.skipped and deck.unchanged == 3 and deck.added == deck.updated == 0
    assert cards(db) == before


def test_reimport_after_a_no_op_edit_reports_unchanged(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    path.write_text(path.read_text() + "\n\n", encoding="utf-8")
    [deck] = run(db, path).decks
    assert (deck.skipped, deck.unchanged, deck.updated, deck.added) == (False, 3, 0, 0)


def test_question_edited_with_an_id_keeps_the_card(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    before = ids(db)
    path.write_text(
        path.read_text().replace(
            "Which technique removes weights?", "Which technique prunes weights?"
        )
    )
    [deck] = run(db, path).decks
    assert (deck.updated, deck.added, deck.retired) == (1, 0, 0)
    assert ids(db)["Which technique prunes weights?"] == before["Which technique removes weights?"]


def test_question_edited_without_an_id_is_a_new_card(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    path.write_text(path.read_text().replace("Why distil a model?", "Why distill a model?"))
    [deck] = run(db, path).decks
    assert (deck.added, deck.retired) == (1, 1)
    assert cards(db)["Why distil a model?"]["retired"] is True


def test_case_space_and_punctuation_edits_keep_identity(
    db: Database, write_deck: WriteDeck
) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    before = ids(db)
    path.write_text(path.read_text().replace("Why distil a model?", "why  distil a MODEL"))
    [deck] = run(db, path).decks
    assert (deck.updated, deck.added, deck.retired) == (1, 0, 0)
    assert ids(db)["why  distil a MODEL"] == before["Why distil a model?"]


def test_options_and_reasoning_edited_keep_the_card(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    before = ids(db)
    path.write_text(
        path.read_text().replace("- [ ] To add noise", "- [ ] To add noise — no.\n- [ ] To slow it")
    )
    [deck] = run(db, path).decks
    assert (deck.updated, deck.added, deck.retired, deck.unchanged) == (1, 0, 0, 2)
    assert ids(db) == before
    options = cards(db)["Why distil a model?"]["options"]
    assert options == [
        {"text": "A small student mimics a teacher", "correct": True, "reasoning": ""},
        {"text": "To add noise", "correct": False, "reasoning": "no."},
        {"text": "To slow it", "correct": False, "reasoning": ""},
    ]


def test_explanation_edited_keeps_the_card(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    before = ids(db)
    path.write_text(
        path.read_text().replace("Explanation: distillation.", "Explanation: teacher → student.")
    )
    [deck] = run(db, path).decks
    assert (deck.updated, deck.added) == (1, 0)
    assert ids(db) == before
    assert cards(db)["Why distil a model?"]["explanation"] == "teacher → student."


def test_reordered_cards_keep_identity_and_take_the_new_order(
    db: Database, write_deck: WriteDeck
) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    before = ids(db)
    head, first, second, third = path.read_text().split("## ")
    path.write_text(head + "## " + third.rstrip("\n") + "\n\n## " + second + "## " + first)
    [deck] = run(db, path).decks
    assert (deck.added, deck.updated, deck.retired, deck.unchanged) == (0, 0, 0, 3)
    assert ids(db) == before
    order = sorted(cards(db).items(), key=lambda kv: kv[1]["position"])  # type: ignore[arg-type,return-value]
    assert order[0][0] == "Why distil a model?"


def test_deleted_card_is_retired_and_restored_with_history(
    db: Database, write_deck: WriteDeck
) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    before = ids(db)
    original = path.read_text()
    path.write_text(original.split("## What does INT8")[0])
    [deck] = run(db, path).decks
    assert (deck.retired, deck.unchanged) == (2, 1)
    assert cards(db)["What does INT8 trade away?"]["retired"] is True
    path.write_text(original)
    [deck] = run(db, path).decks
    assert (deck.restored, deck.added, deck.retired) == (2, 0, 0)
    assert ids(db) == before
    assert not any(c["retired"] for c in cards(db).values())


def test_renamed_deck_title_keeps_the_deck(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    before = ids(db)
    path.write_text(path.read_text().replace("title: Edge", "title: Edge AI::Basics"))
    [deck] = run(db, path).decks
    assert deck.name == "Edge AI::Basics"
    assert (deck.added, deck.retired) == (0, 0)
    assert ids(db) == before
    assert {c["deck_name"] for c in cards(db).values()} == {"Edge AI::Basics"}


def test_moved_file_keeps_the_deck(db: Database, write_deck: WriteDeck, tmp_path: Path) -> None:
    path = write_deck("edge.md", DECK)
    run(db, path)
    before = ids(db)
    moved = tmp_path / "elsewhere" / "renamed.md"
    moved.parent.mkdir()
    path.rename(moved)
    [deck] = run(db, moved).decks
    assert (deck.added, deck.retired, deck.unchanged) == (0, 0, 3)
    assert ids(db) == before
    with db.read() as conn:
        assert conn.execute(select(deck_table.c.source_path)).scalars().all() == [str(moved)]


def test_card_with_id_may_move_to_another_deck(db: Database, write_deck: WriteDeck) -> None:
    edge = write_deck("edge.md", DECK)
    run(db, edge)
    before = ids(db)["Which technique removes weights?"]
    block = DECK.split("## Which")[1].split("## What")[0]
    edge.write_text(edge.read_text().replace("## Which" + block, ""))
    other = write_deck("other.md", "# Other\n\n## Which" + block)
    report = run(db, edge, other)
    assert report.errors == []
    moved = cards(db)["Which technique removes weights?"]
    assert (moved["id"], moved["deck_name"], moved["retired"]) == (before, "Other", False)


def test_file_with_an_error_imports_nothing_and_others_still_import(
    db: Database, write_deck: WriteDeck, tmp_path: Path
) -> None:
    good = write_deck("good.md", DECK)
    run(db, good)
    before = cards(db)
    good.write_text(
        good.read_text().replace("- [x] Pruning", "- [ ] Pruning") + "\n## New card\n\nyes\n"
    )
    write_deck("fine.md", "# Fine\n\n## Q\n\nA\n")
    report = run(db, tmp_path / "decks")
    assert [(e.path, e.line) for e in report.errors] == [(str(good.resolve()), 5)]
    assert "none is marked [x]" in report.errors[0].message
    assert [d.name for d in report.decks] == ["Fine"]
    after = cards(db)
    assert {q: c for q, c in after.items() if q != "Q"} == before


def test_two_files_with_the_same_deck_name(db: Database, write_deck: WriteDeck) -> None:
    one = write_deck("one.md", "# Same\n\n## A\n\nx\n")
    two = write_deck("two.md", "# Same\n\n## B\n\ny\n")
    report = run(db, one, two)
    assert report.decks == []
    assert {e.path for e in report.errors} == {str(one), str(two)}
    assert all("also given by" in e.message for e in report.errors)
    assert cards(db) == {}


def test_deck_name_taken_by_an_existing_file(db: Database, write_deck: WriteDeck) -> None:
    run(db, write_deck("one.md", "# Same\n\n## A\n\nx\n"))
    report = run(db, write_deck("two.md", "# Same\n\n## B\n\ny\n"))
    assert "already used by" in report.errors[0].message
    assert set(cards(db)) == {"A"}


def test_same_id_in_two_files(db: Database, write_deck: WriteDeck) -> None:
    one = write_deck("one.md", "# One\n\n## A\n<!-- id: dup -->\n\nx\n")
    two = write_deck("two.md", "# Two\n\n## B\n<!-- id: dup -->\n\ny\n")
    report = run(db, one, two)
    assert sorted(e.path for e in report.errors) == sorted([str(one), str(two)])
    assert cards(db) == {}


def test_id_already_owned_by_a_deck_whose_file_keeps_it(
    db: Database, write_deck: WriteDeck
) -> None:
    run(db, write_deck("one.md", "# One\n\n## A\n<!-- id: dup -->\n\nx\n"))
    report = run(db, write_deck("two.md", "# Two\n\n## B\n<!-- id: dup -->\n\ny\n"))
    assert report.errors[0].line == 3
    assert "already belongs to a card of deck 'One'" in report.errors[0].message


def test_dry_run_changes_nothing(db: Database, write_deck: WriteDeck) -> None:
    report = run(db, write_deck("edge.md", DECK), dry_run=True)
    assert report.decks[0].added == 3
    assert cards(db) == {}


def test_missing_path_is_reported(db: Database, tmp_path: Path) -> None:
    report = run(db, tmp_path / "nope.md")
    assert report.errors[0].message == "no such file or folder"


def test_folder_import_skips_hidden_folders(
    db: Database, write_deck: WriteDeck, tmp_path: Path
) -> None:
    write_deck("a.md", "# A\n\n## Q\n\nx\n")
    write_deck("b.md", "# B\n\n## Q\n\nx\n", folder="decks/.git")
    report = run(db, tmp_path / "decks")
    assert [d.name for d in report.decks] == ["A"]


OPTION = st.builds(
    lambda text, correct, reasoning: {"text": text, "correct": correct, "reasoning": reasoning},
    st.text(max_size=20),
    st.booleans(),
    st.text(),
)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.lists(OPTION, max_size=9))
def test_options_are_stored_compactly_and_read_back_as_they_were(
    options: list[dict[str, Any]],
) -> None:
    stored = encode_options(options)
    assert stored == json.dumps(compact_options(options), ensure_ascii=False, separators=(",", ":"))
    assert decode_options(stored) == options
    assert encode_plain([Option(**option) for option in options]) == stored  # the import's


def test_a_bundled_deck_answered_edited_and_imported_again_keeps_every_answer(
    db: Database, write_deck: WriteDeck
) -> None:
    text = SEED_DECK.read_text(encoding="utf-8")
    path = write_deck("edge.md", text)
    run(db, path)
    session = ReviewSession(
        db, Settings(timezone="UTC", defaults=DeckSettings(fuzz=False)), clock=lambda: NOW
    )
    for grade in (Grade.GOOD, Grade.AGAIN, Grade.EASY):
        assert session.next_card() is not None
        session.grade(None, 2000)
        session.answer(grade)
    before = cards(db)
    with db.read() as conn:
        log = conn.execute(select(review_table)).all()
    edited = text.replace("Explanation:", "Explanation: (edited)", 1)
    path.write_text(edited + "\n## A new card?\n\nIts answer.\n", encoding="utf-8")

    [deck] = run(db, path).decks
    assert (deck.updated, deck.added, deck.retired) == (1, 1, 0)
    after = cards(db)
    with db.read() as conn:
        assert conn.execute(select(review_table)).all() == log
    kept = ("id", "phase", "stability", "difficulty", "due", "reps", "lapses", "options")
    for question, card in before.items():
        assert {k: after[question][k] for k in kept} == {k: card[k] for k in kept}
    edited_cards = [q for q in before if after[q]["explanation"] != before[q]["explanation"]]
    assert len(edited_cards) == 1 and "(edited)" in str(after[edited_cards[0]]["explanation"])

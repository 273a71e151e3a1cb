"""Quiz text in, deck out: `tutor import quiz.txt`, `tutor convert`; history kept through both."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import REPO
from tutor.cli import main
from tutor.config import DeckSettings, Settings
from tutor.deck.quiz_markdown import OPTION_TEMPLATE
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store import reviews as store
from tutor.store.db import Database
from tutor.store.tables import card_table, deck_table, review_table

SEED_QUIZ = REPO / "tests" / "data" / "edge-nn-optimization-quiz.txt"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def tutor(capsys: pytest.CaptureFixture[str], db_path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db_path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def card_rows(db: Database) -> list[Any]:
    with db.read() as conn:
        return list(conn.execute(select(card_table).order_by(card_table.c.position)))


def review_counts(db: Database) -> dict[int, int]:
    with db.read() as conn:
        rows = conn.execute(
            select(review_table.c.card_id, func.count()).group_by(review_table.c.card_id)
        )
        return {int(card_id): int(count) for card_id, count in rows}


def deck_names(db: Database) -> list[str]:
    with db.read() as conn:
        return list(conn.execute(select(deck_table.c.name)).scalars())


@pytest.fixture
def quiz(tmp_path: Path) -> Path:
    folder = tmp_path / "study"
    folder.mkdir()
    return Path(shutil.copy(SEED_QUIZ, folder / "edge-quiz.txt"))


def test_the_seed_quiz_imports_as_ten_recall_cards_equal_to_the_file(
    capsys: pytest.CaptureFixture[str], db: Database, db_path: Path, quiz: Path
) -> None:
    code, out, err = tutor(capsys, db_path, "import", str(quiz))
    assert (code, err) == (0, "")
    assert "edge-quiz: imported — 10 added, 0 updated, 0 unchanged, 0 retired" in out
    lines = quiz.read_text(encoding="utf-8").splitlines()
    questions = lines[1::2]
    explanations = [ln.removeprefix("Explanation: ") for ln in lines[2::2]]
    rows = card_rows(db)
    assert [(r.kind, r.question, r.answer) for r in rows] == [
        ("recall", q, e) for q, e in zip(questions, explanations, strict=True)
    ]
    assert len(rows) == 10
    code, out, _ = tutor(capsys, db_path, "import", str(quiz))
    assert "edge-quiz: unchanged (10 cards)" in out


def test_the_converted_deck_imports_to_the_same_cards_with_the_ids_it_wrote(
    capsys: pytest.CaptureFixture[str], db: Database, db_path: Path, quiz: Path, tmp_path: Path
) -> None:
    tutor(capsys, db_path, "import", str(quiz))
    before = {r.question: r.id for r in card_rows(db)}
    deck = quiz.with_suffix(".md")
    code, out, err = tutor(capsys, db_path, "convert", str(quiz), "-o", str(deck))
    assert (code, out) == (0, "")
    assert f"wrote {deck}: deck 'edge-quiz', 10 cards" in err
    written_ids = [
        ln.removeprefix("<!-- id: ").removesuffix(" -->")
        for ln in deck.read_text(encoding="utf-8").splitlines()
        if ln.startswith("<!-- id: ")
    ]
    assert len(set(written_ids)) == 10

    quiz.rename(tmp_path / "edge-quiz.txt.orig")  # the deck takes the quiz's place
    code, out, err = tutor(capsys, db_path, "import", str(deck))
    assert (code, err) == (0, "")
    assert "edge-quiz: imported — 0 added, 10 updated, 0 unchanged, 0 retired" in out
    assert f"deck taken over from {quiz.resolve()}" in out
    rows = card_rows(db)
    assert {r.question: r.id for r in rows} == before  # the same card rows
    assert [r.slug for r in rows] == written_ids  # now holding the ids the file fixes
    assert deck_names(db) == ["edge-quiz"]


def test_reviews_stay_with_the_cards_through_conversion_and_added_options(
    capsys: pytest.CaptureFixture[str], db: Database, db_path: Path, quiz: Path, tmp_path: Path
) -> None:
    import_paths(db, [quiz], START)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    clock = Clock()
    session = ReviewSession(db, settings, clock=clock, sync=False)
    answered = 0
    while (shown := session.next_card()) is not None and answered < 30:
        session.grade(None, 4000)
        session.answer(Grade.GOOD if answered % 3 else Grade.AGAIN)
        clock.now += timedelta(seconds=20)
        answered += 1
    reviews = review_counts(db)
    assert len(reviews) == 10 and sum(reviews.values()) == answered
    with db.read() as conn:
        states = {card_id: store.card_state(conn, card_id) for card_id in reviews}

    deck = tmp_path / "study" / "edge.md"
    assert tutor(capsys, db_path, "convert", str(quiz), "-o", str(deck))[0] == 0
    quiz.unlink()
    text = deck.read_text(encoding="utf-8")
    assert text.count(OPTION_TEMPLATE) == 10
    for number in range(10):
        text = text.replace(
            OPTION_TEMPLATE,
            f"- [x] Right {number} — why it is right\n- [ ] Wrong {number} — why it is wrong",
            1,
        )
    deck.write_text(text, encoding="utf-8")
    report = import_paths(db, [deck], START + timedelta(days=1))
    assert report.errors == []
    [result] = report.decks
    assert (result.added, result.updated, result.retired) == (0, 10, 0)

    rows = card_rows(db)
    assert {r.id for r in rows} == set(reviews)
    assert all(r.kind == "choice" and r.answer == "" and r.explanation for r in rows)
    assert review_counts(db) == reviews  # every review still attached to its card
    with db.read() as conn:
        assert {card_id: store.card_state(conn, card_id) for card_id in reviews} == states

    clock.now = START + timedelta(days=30)
    shown = ReviewSession(db, settings, clock=clock, sync=False).next_card()
    assert shown is not None and shown.card.kind == "choice"
    assert shown.card.id in reviews and len(shown.card.options) == 2


def test_editing_a_quiz_text_keeps_history_like_a_markdown_deck(db: Database, quiz: Path) -> None:
    import_paths(db, [quiz], START)
    before = {r.question: r.id for r in card_rows(db)}
    lines = quiz.read_text(encoding="utf-8").splitlines()
    lines[2] = "Explanation: Pruning removes weights."  # a new explanation
    lines[1:5] = lines[3:5] + lines[1:3]  # the first two items swapped
    lines[1] = lines[1].upper()  # case is not identity
    quiz.write_text("\n\n".join(lines), encoding="utf-8")  # blank lines anywhere
    [result] = import_paths(db, [quiz], START).decks
    assert (result.added, result.updated, result.unchanged, result.retired) == (0, 2, 8, 0)
    after = {r.question.casefold(): r.id for r in card_rows(db)}
    assert after == {q.casefold(): i for q, i in before.items()}


MALFORMED = {
    "explanation first": ("Title\nExplanation: stray\nQ?\nExplanation: A.\n", 2, "no question"),
    "question without": ("Title\nQ1?\nQ2?\nExplanation: A.\n", 2, "has no explanation"),
    "last question": ("Title\nQ1?\nExplanation: A.\n\nQ2?\n", 5, "has no explanation"),
    "empty explanation": ("Title\nQ?\nExplanation:   \n", 3, "the explanation is empty"),
    "twice": ("Title\nQ?\nExplanation: a\nq\nExplanation: b\n", 4, "repeats the question"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_quiz_text_names_the_line_and_imports_nothing(
    capsys: pytest.CaptureFixture[str], db: Database, db_path: Path, tmp_path: Path, case: str
) -> None:
    text, line, message = MALFORMED[case]
    good = tmp_path / "good.txt"
    good.write_text("Good\nQ?\nExplanation: A.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text(text, encoding="utf-8")
    code, out, err = tutor(capsys, db_path, "import", str(bad), str(good))
    assert code == 2 and "Good: imported — 1 added" in out
    assert f"{bad.resolve()}:{line}: " in err and message in err
    assert "Traceback" not in err
    assert deck_names(db) == ["Good"]  # the good file imports, nothing of the bad one
    assert [r.question for r in card_rows(db)] == ["Q?"]


def test_convert_prints_the_deck_or_writes_it_whole_and_never_overwrites_by_accident(
    capsys: pytest.CaptureFixture[str], db_path: Path, quiz: Path
) -> None:
    code, printed, err = tutor(capsys, db_path, "convert", str(quiz))
    assert (code, err) == (0, "")
    assert printed.startswith(f'---\ntitle: "edge-quiz"\nconverted_from: "{quiz.resolve()}"\n---\n')
    target = quiz.parent / "deck.md"
    target.write_text("my own deck\n", encoding="utf-8")
    code, out, err = tutor(capsys, db_path, "convert", str(quiz), "-o", str(target))
    assert (code, out) == (1, "")
    assert err == (
        f"tutor: {target} already exists; choose another name or add --force to replace it\n"
    )
    assert target.read_text(encoding="utf-8") == "my own deck\n"
    assert tutor(capsys, db_path, "convert", str(quiz), "-o", str(target), "--force")[0] == 0
    assert target.read_text(encoding="utf-8") == printed
    assert sorted(p.name for p in quiz.parent.iterdir()) == ["deck.md", "edge-quiz.txt"]


def test_convert_refuses_bad_input_with_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Title\nQ1?\nQ2?\nExplanation: A.\n", encoding="utf-8")
    target = tmp_path / "out.md"
    code, out, err = tutor(capsys, db_path, "convert", str(bad), "-o", str(target))
    assert (code, out) == (2, "")
    assert err == (
        f'tutor: {bad}:2: question "Q1?" has no explanation; add a line starting '
        "'Explanation:' right after it\n"
    )
    assert not target.exists()
    code, _, err = tutor(capsys, db_path, "convert", str(tmp_path / "missing.txt"))
    assert (code, err) == (2, f"tutor: {tmp_path / 'missing.txt'}:0: no such file\n")
    deck = tmp_path / "deck.md"
    deck.write_text("## Q?\n\nA.\n", encoding="utf-8")
    code, _, err = tutor(capsys, db_path, "convert", str(deck))
    assert code == 2 and "already a Markdown deck" in err
    good = tmp_path / "good.txt"
    good.write_text("Title\nQ?\nExplanation: A.\n", encoding="utf-8")
    code, _, err = tutor(capsys, db_path, "convert", str(good), "-o", str(tmp_path / "no/x.md"))
    assert (code, err) == (
        1,
        f"tutor: {tmp_path / 'no/x.md'}: the folder {tmp_path / 'no'} "
        "does not exist; create it first\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt", "deck.md", "good.txt"]


def test_folder_imports_take_markdown_files_only(
    capsys: pytest.CaptureFixture[str], db: Database, db_path: Path, quiz: Path
) -> None:
    (quiz.parent / "deck.md").write_text("# Deck\n\n## Q?\n\nA.\n", encoding="utf-8")
    code, out, err = tutor(capsys, db_path, "import", str(quiz.parent))
    assert (code, err) == (0, "") and "Deck: imported — 1 added" in out
    assert deck_names(db) == ["Deck"]  # the quiz text is imported only when named


def answer_some(db: Database, count: int) -> dict[int, int]:
    """Answer `count` cards (Good, Again in turn) with the real scheduler; the reviews per card."""
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    clock = Clock()
    session = ReviewSession(db, settings, clock=clock, sync=False)
    for number in range(count):
        assert session.next_card() is not None
        session.grade(None, 4000)
        session.answer(Grade.AGAIN if number % 2 else Grade.GOOD)
        clock.now += timedelta(seconds=20)
    return review_counts(db)


def fill_in_options(deck: Path) -> None:
    """Replace every option template with two options, as an author enriching the deck would."""
    text = deck.read_text(encoding="utf-8")
    for number in range(text.count(OPTION_TEMPLATE)):
        text = text.replace(OPTION_TEMPLATE, f"- [x] Right {number}\n- [ ] Wrong {number}", 1)
    deck.write_text(text, encoding="utf-8")


@pytest.fixture
def read_only_quiz(quiz: Path) -> Iterator[Path]:
    """The quiz text in a folder the learner cannot change (like the shared seeds folder)."""
    quiz.chmod(0o444)
    quiz.parent.chmod(0o555)
    yield quiz
    quiz.parent.chmod(0o755)


def test_the_converted_deck_takes_over_from_a_quiz_text_that_stays_in_place(
    capsys: pytest.CaptureFixture[str],
    db: Database,
    db_path: Path,
    read_only_quiz: Path,
    tmp_path: Path,
) -> None:
    quiz = read_only_quiz
    quiz_bytes = quiz.read_bytes()
    assert tutor(capsys, db_path, "import", str(quiz))[0] == 0
    reviews = answer_some(db, 6)
    before = {r.question: r.id for r in card_rows(db)}
    deck = tmp_path / "mine" / "edge-quiz.md"
    deck.parent.mkdir()
    code, out, err = tutor(capsys, db_path, "convert", str(quiz), "-o", str(deck))
    assert (code, out) == (0, "")
    assert err == (
        f"wrote {deck}: deck 'edge-quiz', 10 cards. `tutor import {deck}` takes over the deck "
        f"imported from {quiz.resolve()}, reviews and all; the quiz text may stay where it is.\n"
    )
    assert f'converted_from: "{quiz.resolve()}"\n' in deck.read_text(encoding="utf-8")
    fill_in_options(deck)

    code, out, err = tutor(capsys, db_path, "import", str(deck))
    assert (code, err) == (0, "")
    assert "edge-quiz: imported — 0 added, 10 updated, 0 unchanged, 0 retired" in out
    assert f"deck taken over from {quiz.resolve()}" in out
    rows = card_rows(db)
    assert {r.question: r.id for r in rows} == before  # the same cards...
    assert all(r.kind == "choice" for r in rows)  # ...now multiple choice...
    assert review_counts(db) == reviews  # ...with every review they had
    assert deck_names(db) == ["edge-quiz"]
    with db.read() as conn:
        assert list(conn.execute(select(deck_table.c.source_path)).scalars()) == [
            str(deck.resolve())
        ]

    code, out, err = tutor(capsys, db_path, "import", str(quiz))  # the quiz text again
    assert code == 2
    assert (
        f"{quiz.resolve()}:1: this quiz text was converted to {deck.resolve()}, which now holds "
        "deck 'edge-quiz' and its reviews; import and edit that file instead"
    ) in err
    assert (card_rows(db), review_counts(db)) == (rows, reviews)  # nothing changed
    assert quiz.read_bytes() == quiz_bytes
    code, out, _ = tutor(capsys, db_path, "import", str(deck))
    assert code == 0 and "edge-quiz: unchanged (10 cards)" in out


def test_a_retitled_converted_deck_still_takes_over_and_still_blocks_its_quiz_text(
    capsys: pytest.CaptureFixture[str], db: Database, db_path: Path, quiz: Path
) -> None:
    import_paths(db, [quiz], START)
    reviews = answer_some(db, 3)
    before = sorted(r.id for r in card_rows(db))
    deck = quiz.with_suffix(".md")
    assert tutor(capsys, db_path, "convert", str(quiz), "-o", str(deck))[0] == 0
    text = deck.read_text(encoding="utf-8")
    deck.write_text(text.replace('title: "edge-quiz"', "title: Edge AI::Optimization"))

    code, out, err = tutor(capsys, db_path, "import", str(deck))
    assert (code, err) == (0, "")
    assert "Optimization: imported — 0 added, 10 updated" in out
    assert deck_names(db) == ["Edge AI::Optimization"]
    assert sorted(r.id for r in card_rows(db)) == before
    assert review_counts(db) == reviews

    code, _, err = tutor(capsys, db_path, "import", str(quiz))
    assert code == 2 and f"this quiz text was converted to {deck.resolve()}" in err
    assert deck_names(db) == ["Edge AI::Optimization"]


def test_every_other_deck_name_clash_is_still_refused(
    capsys: pytest.CaptureFixture[str], db: Database, db_path: Path, quiz: Path, tmp_path: Path
) -> None:
    tutor(capsys, db_path, "import", str(quiz))
    copied = tmp_path / "copy.md"  # the same title, but no converted_from: a second deck
    copied.write_text("---\ntitle: edge-quiz\n---\n\n## Q?\n\nA.\n", encoding="utf-8")
    other = tmp_path / "other.txt"  # converted from another quiz text, giving a taken name
    other.write_text("Other\nQ?\nExplanation: A.\n", encoding="utf-8")
    stray = tmp_path / "stray.md"
    assert tutor(capsys, db_path, "convert", str(other), "-o", str(stray))[0] == 0
    stray.write_text(stray.read_text(encoding="utf-8").replace('"Other"', '"edge-quiz"'))
    for deck in (copied, stray):
        code, _, err = tutor(capsys, db_path, "import", str(deck))
        assert code == 2
        assert (
            f"deck name 'edge-quiz' is already used by {quiz.resolve()}; "
            "each deck needs its own title"
        ) in err
    assert [r.slug for r in card_rows(db)] == [None] * 10  # nothing changed
    assert deck_names(db) == ["edge-quiz"]

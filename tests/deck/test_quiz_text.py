"""Quiz texts: a title line, then question lines each followed by `Explanation:` (pure parsing)."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tutor.deck.formats import parse_bytes
from tutor.deck.quiz_text import is_quiz_text, parse_quiz_text
from tutor.errors import DeckError

SEED_QUIZ = REPO / "tests" / "data" / "edge-nn-optimization-quiz.txt"  # the seed, as received


def errors(text: str, path: str = "quiz.txt") -> list[str]:
    with pytest.raises(DeckError) as caught:
        parse_quiz_text(text, path)
    return [str(p) for p in caught.value.problems]


def test_the_seed_quiz_is_ten_recall_cards_with_the_files_questions_and_explanations() -> None:
    lines = SEED_QUIZ.read_text(encoding="utf-8").splitlines()
    deck = parse_bytes(SEED_QUIZ.read_bytes(), SEED_QUIZ)
    assert len(deck.cards) == 10
    assert [(c.kind, c.question, c.answer, c.line) for c in deck.cards] == [
        ("recall", lines[i], lines[i + 1].removeprefix("Explanation: "), i + 1)
        for i in range(1, 21, 2)
    ]
    assert deck.description == lines[0]  # a long first line describes the deck
    assert deck.name == "edge-nn-optimization-quiz"  # ... and the file names it
    assert all(c.slug is None and c.explanation == "" for c in deck.cards)


def test_blank_lines_anywhere_windows_line_ends_and_a_short_title() -> None:
    text = "\r\n\r\nEdge quiz\r\n\r\nWhat is pruning?\r\n\r\n  Explanation:  Removing weights. \r\n"
    deck = parse_quiz_text(text + "\r\nWhy quantize\r\nexplanation: Smaller weights.\r\n", "q.txt")
    assert deck.name == "Edge quiz" and deck.description == ""
    assert [(c.question, c.answer, c.line) for c in deck.cards] == [
        ("What is pruning?", "Removing weights.", 5),
        ("Why quantize", "Smaller weights.", 9),
    ]


def test_a_first_line_ending_in_a_period_is_a_description_even_when_short() -> None:
    deck = parse_quiz_text("Basic facts.\nQ?\nExplanation: A.\n", "dir/facts.txt")
    assert (deck.name, deck.description) == ("facts", "Basic facts.")


def test_an_explanation_without_a_question_names_its_line() -> None:
    text = "Title\nQ1?\nExplanation: A1.\nExplanation: stray.\nQ2?\nExplanation: A2.\n"
    assert errors(text) == [
        "quiz.txt:4: explanation with no question before it; write the question on the line above"
    ]


def test_an_explanation_right_under_the_title_says_the_first_line_is_the_title() -> None:
    assert errors("What is pruning?\nExplanation: Removing weights.\n") == [
        "quiz.txt:2: explanation with no question before it; write the question on the line "
        "above (line 1 is the quiz's title)"
    ]


def test_a_question_without_an_explanation_names_its_line_in_the_middle_and_at_the_end() -> None:
    text = "Title\n\nQ1?\nQ2?\nExplanation: A2.\nQ3?\n"
    assert errors(text) == [
        "quiz.txt:3: question \"Q1?\" has no explanation; add a line starting 'Explanation:' "
        "right after it",
        "quiz.txt:6: question \"Q3?\" has no explanation; add a line starting 'Explanation:' "
        "right after it",
    ]


def test_an_empty_explanation_a_repeated_question_and_an_explanation_as_title() -> None:
    assert errors("Title\nQ?\nExplanation:\n") == [
        "quiz.txt:3: the explanation is empty; write it after 'Explanation:'"
    ]
    assert errors("Title\nWhat is X?\nExplanation: a\nwhat is  x\nExplanation: b\n") == [
        'quiz.txt:4: question "what is x" repeats the question of line 2; reword one or remove it'
    ]
    assert errors("Explanation: no title\nQ?\nExplanation: A.\n")[0] == (
        "quiz.txt:1: the first line of a quiz text is its title, not an explanation; "
        "add a title line at the top"
    )


def test_an_empty_quiz_or_a_title_alone_is_an_error() -> None:
    assert errors("\n  \n") == [
        "quiz.txt:1: the quiz text is empty; write a title line, then each question on a line "
        "followed by a line starting 'Explanation:'"
    ]
    assert errors("Just a title\n") == [
        "quiz.txt:1: no questions found; after the title line, write each question on a line "
        "followed by a line starting 'Explanation:'"
    ]


def test_every_problem_of_a_file_is_listed_in_line_order() -> None:
    text = "Title\nExplanation: x\nQ?\nQ2?\nExplanation:\n"
    assert [e.split(":")[1] for e in errors(text)] == ["2", "3", "5"]


def test_a_txt_file_is_a_quiz_only_with_explanation_lines_and_no_card_headings() -> None:
    quiz = "Title\nQ?\nExplanation: A.\n"
    assert is_quiz_text("quiz.txt", quiz) and is_quiz_text("QUIZ.TXT", quiz)
    assert not is_quiz_text("quiz.md", quiz)  # a Markdown file is always a Markdown deck
    assert not is_quiz_text("notes.txt", "Title\nsome notes\n")
    assert not is_quiz_text("deck.txt", "## Q?\n\n- [x] a\n- [ ] b\n\nExplanation: A.\n")


def test_a_markdown_deck_saved_as_txt_still_parses_as_markdown() -> None:
    data = b"# Deck\n\n## Q?\n\n- [x] a\n- [ ] b\n\nExplanation: A.\n"
    [card] = parse_bytes(data, "deck.txt").cards
    assert (card.kind, card.explanation) == ("choice", "A.")


def test_a_quiz_text_that_is_not_utf8_names_the_line() -> None:
    with pytest.raises(DeckError) as caught:
        parse_bytes(b"Title\nQ?\nExplanation: caf\xe9\n", "quiz.txt")
    assert str(caught.value).startswith("quiz.txt:3: invalid UTF-8 (byte 0xe9")

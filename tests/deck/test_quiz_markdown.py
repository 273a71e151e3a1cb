"""A quiz written as a Markdown deck: same cards, fixed ids, comments that are not card text."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tutor.deck.formats import parse_bytes
from tutor.deck.parser import parse_text
from tutor.deck.quiz_markdown import OPTION_TEMPLATE, card_id, quiz_markdown
from tutor.deck.quiz_text import parse_quiz_text
from tutor.errors import DeckError

SEED_QUIZ = REPO / "tests" / "data" / "edge-nn-optimization-quiz.txt"


def test_the_converted_seed_parses_to_the_same_recall_cards_with_their_ids() -> None:
    quiz = parse_bytes(SEED_QUIZ.read_bytes(), SEED_QUIZ)
    deck = parse_text(quiz_markdown(quiz), "edge.md")
    assert (deck.name, deck.description) == (quiz.name, quiz.description)
    assert [(c.kind, c.question, c.answer, c.key) for c in deck.cards] == [
        (c.kind, c.question, c.answer, c.key) for c in quiz.cards
    ]
    assert [c.content_hash() for c in deck.cards] == [c.content_hash() for c in quiz.cards]
    assert [c.slug for c in deck.cards] == [card_id(quiz.name, c) for c in quiz.cards]
    assert deck.cards[0].slug == "which-optimization-technique-involves-f3ef7578"


def test_ids_depend_only_on_the_deck_and_the_normalized_question() -> None:
    one = parse_quiz_text("T\nWhat is pruning?\nExplanation: a\nQ2\nExplanation: b\n", "a.txt")
    two = parse_quiz_text("T\nQ0\nExplanation: z\nwhat is  PRUNING\nExplanation: new\n", "b.txt")
    assert card_id("T", one.cards[0]) == card_id("T", two.cards[1])
    assert card_id("T", one.cards[0]) != card_id("Other deck", one.cards[0])
    assert card_id("T", one.cards[0]) != card_id("T", one.cards[1])
    nothing_ascii = parse_quiz_text("T\n日本語とは？\nExplanation: algo\n", "c.txt").cards[0]
    assert card_id("T", nothing_ascii).startswith("q-")


def test_filling_in_the_option_template_makes_a_multiple_choice_card() -> None:
    quiz = parse_quiz_text("Edge\nWhat is pruning?\nExplanation: Removing weights.\n", "q.txt")
    text = quiz_markdown(quiz).replace(
        OPTION_TEMPLATE, "- [x] Pruning — removes weights\n- [ ] Pooling — downsamples"
    )
    [card] = parse_text(text, "q.md").cards
    assert card.kind == "choice"
    assert card.explanation == "Removing weights."
    assert [(o.text, o.correct, o.reasoning) for o in card.options] == [
        ("Pruning", True, "removes weights"),
        ("Pooling", False, "downsamples"),
    ]
    assert card.slug == card_id("Edge", quiz.cards[0])


def test_a_title_that_yaml_would_change_is_quoted() -> None:
    quiz = parse_quiz_text("Yes\nQ?\nExplanation: A.\n", "q.txt")
    assert parse_text(quiz_markdown(quiz), "q.md").name == "Yes"


def test_an_explanation_that_would_read_as_markdown_syntax_is_refused_with_its_line() -> None:
    quiz = parse_quiz_text(
        "Title\nQ1?\nExplanation: fine\n\nQ2?\nExplanation: - [x] looks like an option\n", "q.txt"
    )
    with pytest.raises(DeckError) as caught:
        quiz_markdown(quiz)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("q.txt", 5)
    assert 'question "Q2?" or its explanation would read as Markdown deck syntax' in str(problem)


def test_html_comments_on_their_own_lines_are_not_card_text() -> None:
    deck = parse_text(
        "## Q?\n<!-- id: q -->\n\n<!-- a note\n- [x] not an option\n-->\n\nThe answer.\n"
        "<!-- one line -->\n\n## R?\n\n```\n<!-- kept in code -->\n```\n\n"
        "## S?\n\n<!-- never closed\nstays text\n",
        "d.md",
    )
    q, r, s = deck.cards
    assert (q.slug, q.kind, q.answer) == ("q", "recall", "The answer.")
    assert r.answer == "```\n<!-- kept in code -->\n```"
    assert s.answer == "<!-- never closed\nstays text"


def test_a_description_that_would_become_a_card_is_refused_at_the_title_line() -> None:
    description = "## " + "a very long first line that describes the quiz " * 2
    quiz = parse_quiz_text(f"{description}\nQ?\nExplanation: A.\n", "q.txt")
    with pytest.raises(DeckError) as caught:
        quiz_markdown(quiz)
    assert [(p.line, p.message.split(";")[0]) for p in caught.value.problems] == [
        (1, "the title line would read differently as Markdown front matter or text")
    ]


def test_converted_from_is_read_back_and_a_relative_one_is_read_from_the_deck_folder() -> None:
    quiz = parse_quiz_text("Edge\nQ?\nExplanation: A.\n", "q.txt")
    deck = parse_text(quiz_markdown(quiz, "/seeds/my quiz.txt"), "/home/me/decks/q.md")
    assert (deck.converted_from, deck.converted_from_path()) == (
        "/seeds/my quiz.txt",
        "/seeds/my quiz.txt",
    )
    relative = parse_text("---\nconverted_from: ../quiz.txt\n---\n## Q?\n\nA.\n", "/a/b/q.md")
    assert relative.converted_from_path() == "/a/quiz.txt"
    assert parse_text("## Q?\n\nA.\n", "q.md").converted_from_path() is None


def test_a_converted_from_that_is_not_a_path_is_an_error_with_its_line() -> None:
    with pytest.raises(DeckError) as caught:
        parse_text("---\ntitle: T\nconverted_from: [a, b]\n---\n## Q?\n\nA.\n", "d.md")
    assert [str(p) for p in caught.value.problems] == [
        "d.md:3: converted_from must be a quiz text's path (put it in quotes)"
    ]

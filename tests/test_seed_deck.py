"""The bundled deck: the seed quiz, every question with a right answer and reasoned distractors."""

from __future__ import annotations

import difflib
from pathlib import Path

from tests.conftest import REPO, SEED_DECK
from tutor.deck.parser import parse_file

SEED_QUIZ = REPO / "tests" / "data" / "edge-nn-optimization-quiz.txt"  # the seed, kept in the repo


def seed_questions() -> list[str]:
    lines = [ln for ln in Path(SEED_QUIZ).read_text().splitlines() if ln.strip()]
    return [ln for ln in lines[1:] if not ln.startswith("Explanation:")]


def test_seed_deck_has_every_question_of_the_quiz() -> None:
    deck = parse_file(SEED_DECK)
    assert deck.name == "Neural network optimization for edge devices"
    assert len(deck.cards) == 10
    for question, card in zip(seed_questions(), deck.cards, strict=True):
        similarity = difflib.SequenceMatcher(None, question.lower(), card.question.lower()).ratio()
        assert similarity > 0.75, (question, card.question)


def test_every_card_has_one_answer_three_reasoned_distractors_and_an_explanation() -> None:
    for card in parse_file(SEED_DECK).cards:
        assert card.slug is not None
        assert [o.correct for o in card.options].count(True) == 1
        assert len(card.options) == 4
        assert all(o.reasoning for o in card.options), card.question
        assert len(card.explanation) > 80


def test_right_option_does_not_give_itself_away_by_length() -> None:
    for card in parse_file(SEED_DECK).cards:
        lengths = [len(o.text) for o in card.options]
        right = next(len(o.text) for o in card.options if o.correct)
        assert 0.75 <= right / (sum(lengths) / len(lengths)) <= 1.25, card.question


def test_right_answers_are_the_ones_the_explanations_name() -> None:
    expected = [
        "Pruning",
        "precision",
        "student",
        "computational power",
        "ReLU",
        "latency",
        "memory",
        "reuses",
        "limited",
        "faster",
    ]
    for word, card in zip(expected, parse_file(SEED_DECK).cards, strict=True):
        right = next(o for o in card.options if o.correct)
        assert word.lower() in right.text.lower(), (word, right.text)
        assert word.lower() in card.explanation.lower() or word == "reuses"

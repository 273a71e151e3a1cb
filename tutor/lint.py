"""`tutor lint`: options that teach badly, found in the deck text and in the learner's answers.

The rules (docs/adaptive.md, "tutor lint"):
- no-reasoning: an option of a multiple-choice card without its reasoning line.
- near-duplicate: two options of a card alike once case, spaces and end punctuation are folded
  (difflib ratio at least NEAR_DUPLICATE).
- give-away: a right option more than GIVE_AWAY_RATIO times as long as the longest distractor and
  over GIVE_AWAY_EXTRA characters longer (a learner picks the long, careful one unread).
- never-picked: a distractor nobody chose in MANY_ANSWERS or more answers of its card.
- tempting: a distractor chosen more often than the right option (the least chosen right one).
The answer rules read the collection's choices (answers in which an option was chosen).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.deck.files import find_deck_files
from tutor.deck.formats import parse_bytes
from tutor.deck.models import short
from tutor.errors import DeckError, Problem
from tutor.store import choices as store
from tutor.store.db import Database

NEAR_DUPLICATE = 0.9
GIVE_AWAY_RATIO = 2.0
GIVE_AWAY_EXTRA = 20
MANY_ANSWERS = 20
FOLDED = re.compile(r"[\s.!?;:,]+$")


@dataclass(frozen=True)
class Finding:
    """One problem of one card: where it is (deck file and the card's heading line) and what."""

    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "rule": self.rule, "message": self.message}


@dataclass(frozen=True)
class _Card:
    path: str
    line: int
    options: tuple[tuple[str, bool, str], ...]  # (text, right, reasoning)
    card_id: int | None  # the stored card, for the answer rules


def lint_paths(paths: Sequence[str | Path], db: Database | None) -> list[Finding]:
    """The findings of the deck files under `paths` (answers from `db` when given).

    A file that does not parse raises DeckError with every problem, as `tutor import` does.
    """
    files, problems = find_deck_files(paths)
    decks = []
    for path in files:
        try:
            decks.append((path, parse_bytes(path.read_bytes(), path)))
        except OSError as exc:
            problems.append(Problem(str(path), 0, f"cannot read the file: {exc.strerror}"))
        except DeckError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DeckError(problems)
    cards: list[_Card] = []
    for path, deck in decks:
        by_key: dict[str, int] = {}
        by_slug: dict[str, int] = {}
        if db is not None:
            with db.read() as conn:
                by_key, by_slug = store.deck_card_ids(conn, deck.name)
        for card in deck.cards:
            if card.kind != "choice":
                continue
            stored = by_slug.get(card.slug) if card.slug else by_key.get(card.key)
            options = tuple((o.text, o.correct, o.reasoning) for o in card.options)
            cards.append(_Card(str(path), card.line, options, stored))
    return _findings(cards, db)


def lint_collection(db: Database) -> list[Finding]:
    """The findings of the collection's multiple-choice cards, each placed at its deck file and
    line (the deck name for a deck without a file)."""
    with db.read() as conn:
        rows = store.lint_cards(conn, None)
    cards = [
        _Card(
            path or name,
            line,
            tuple(
                (str(o.get("text", "")), bool(o.get("correct")), str(o.get("reasoning", "")))
                for o in options
            ),
            card_id,
        )
        for card_id, name, path, line, _key, _question, options in rows
    ]
    return _findings(cards, db)


def _findings(cards: list[_Card], db: Database | None) -> list[Finding]:
    picks: dict[int, tuple[int, dict[str, int]]] = {}
    if db is not None:
        with db.read() as conn:
            picks = store.option_picks(conn, [c.card_id for c in cards if c.card_id is not None])
    found: list[Finding] = []
    for card in cards:
        found += _text_rules(card)
        if card.card_id is not None and card.card_id in picks:
            found += _answer_rules(card, *picks[card.card_id])
    return found


def _fold(text: str) -> str:
    return FOLDED.sub("", " ".join(text.casefold().split()))


def _similarity(first: str, second: str) -> float:
    """difflib's ratio, skipped (0) when its cheap upper bounds are already under NEAR_DUPLICATE."""
    matcher = difflib.SequenceMatcher(None, first, second, autojunk=False)
    if matcher.real_quick_ratio() < NEAR_DUPLICATE or matcher.quick_ratio() < NEAR_DUPLICATE:
        return 0.0
    return matcher.ratio()


def _quoted(text: str) -> str:
    return f"“{short(text, 50)}”"


def _text_rules(card: _Card) -> list[Finding]:
    found = []

    def finding(rule: str, message: str) -> None:
        found.append(Finding(card.path, card.line, rule, message))

    for text, _right, reasoning in card.options:
        if not reasoning.strip():
            finding("no-reasoning", f"option {_quoted(text)} has no reasoning line")
    folded = [_fold(text) for text, _right, _reasoning in card.options]
    for n, (first, _r1, _w1) in enumerate(card.options):
        for m, (second, _r2, _w2) in enumerate(card.options[n + 1 :], start=n + 1):
            ratio = _similarity(folded[n], folded[m])
            if ratio >= NEAR_DUPLICATE:
                alike = "the same" if ratio == 1 else f"near-duplicates (ratio {ratio:.2f})"
                finding(
                    "near-duplicate", f"options {_quoted(first)} and {_quoted(second)} are {alike}"
                )
    wrong = [len(text.strip()) for text, right, _ in card.options if not right]
    longest = max(wrong, default=0)
    for text, right, _ in card.options:
        size = len(text.strip())
        if (
            right
            and wrong
            and size > GIVE_AWAY_RATIO * longest
            and size > longest + GIVE_AWAY_EXTRA
        ):
            finding(
                "give-away",
                f"the right option {_quoted(text)} has {size} characters, the longest distractor "
                f"{longest}: its length gives it away",
            )
    return found


def _answer_rules(card: _Card, answers: int, chosen: dict[str, int]) -> list[Finding]:
    found = []
    right = [chosen.get(text, 0) for text, ok, _ in card.options if ok]
    least_right = min(right, default=0)
    for text, ok, _ in card.options:
        if ok:
            continue
        times = chosen.get(text, 0)
        if times == 0 and answers >= MANY_ANSWERS:
            found.append(
                Finding(
                    card.path,
                    card.line,
                    "never-picked",
                    f"distractor {_quoted(text)} was never chosen in {answers} answers: "
                    "it tempts nobody",
                )
            )
        if times > least_right:
            found.append(
                Finding(
                    card.path,
                    card.line,
                    "tempting",
                    f"distractor {_quoted(text)} was chosen {times} times, the right option "
                    f"{least_right} times (of {answers} answers): explain why it is wrong",
                )
            )
    return found

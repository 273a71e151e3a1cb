"""Quiz text -> Deck: a title line, then question lines each followed by an `Explanation:` line.

The shape in which quizzes usually arrive (see docs/deck-format.md, "Quiz text"). Every item
becomes a recall card: the question is the prompt, the explanation the answer. The cards carry
no explicit id, so their identity is the deck plus the normalized question, as for a Markdown
card without `<!-- id: -->`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from tutor.deck.models import Card, Deck, short
from tutor.errors import DeckError, Problem

EXPLANATION = re.compile(r"^\s*explanation\s*:", re.IGNORECASE)
CARD_HEADING = re.compile(r"^ {0,3}##(?:[ \t]|$)")
TITLE_WIDTH = 80

Report = Callable[[int, str], None]


def is_quiz_text(path: str | Path, text: str) -> bool:
    """True for a `.txt` file with `Explanation:` lines and no `## ` card headings."""
    if Path(path).suffix.lower() != ".txt":
        return False
    lines = text.splitlines()
    return any(EXPLANATION.match(ln) for ln in lines) and not any(
        CARD_HEADING.match(ln) for ln in lines
    )


def parse_quiz_text(text: str, path: str | Path, source_hash: str | None = None) -> Deck:
    """Parse quiz text; raise DeckError listing every problem as `path:line: message`."""
    if source_hash is None:
        source_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    file = str(path)
    problems: list[Problem] = []

    def error(line: int, message: str) -> None:
        problems.append(Problem(file, line, message))

    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    filled = [(number, ln.strip()) for number, ln in enumerate(lines, start=1) if ln.strip()]
    if not filled:
        raise DeckError.single(
            file,
            1,
            "the quiz text is empty; write a title line, then each question on a line "
            "followed by a line starting 'Explanation:'",
        )
    (title_line, title), items = filled[0], filled[1:]
    if EXPLANATION.match(title):
        error(
            title_line,
            "the first line of a quiz text is its title, not an explanation; "
            "add a title line at the top",
        )
    cards: list[Card] = []
    question: tuple[int, str] | None = None
    for number, content in items:
        label = EXPLANATION.match(content)
        if label is None:
            if question is not None:
                _no_explanation(error, *question)
            question = (number, content)
            continue
        explanation = content[label.end() :].strip()
        if question is None:
            error(
                number,
                "explanation with no question before it; write the question on the line above"
                + (f" (line {title_line} is the quiz's title)" if not cards else ""),
            )
        elif not explanation:
            error(number, "the explanation is empty; write it after 'Explanation:'")
        else:
            cards.append(Card(question=question[1], answer=explanation, line=question[0]))
        question = None
    if question is not None:
        _no_explanation(error, *question)
    _check_unique(cards, error)
    if not cards and not problems:
        error(
            title_line,
            "no questions found; after the title line, write each question on a line "
            "followed by a line starting 'Explanation:'",
        )
    name, description = _name_and_description(title, Path(file))
    if any(not part.strip() for part in name.split("::")):
        error(title_line, f"deck name {name!r} has an empty part around '::'")
    if problems:
        raise DeckError(sorted(problems, key=lambda p: p.line))
    return Deck(
        name="::".join(part.strip() for part in name.split("::")),
        path=file,
        source_hash=source_hash,
        description=description,
        cards=tuple(cards),
    )


def _name_and_description(first_line: str, path: Path) -> tuple[str, str]:
    """A short first line (a title) names the deck; a longer one describes it, the file names it."""
    if len(first_line) <= TITLE_WIDTH and not first_line.endswith("."):
        return first_line, ""
    return path.stem, first_line


def _no_explanation(error: Report, line: int, question: str) -> None:
    error(
        line,
        f'question "{short(question)}" has no explanation; '
        "add a line starting 'Explanation:' right after it",
    )


def _check_unique(cards: list[Card], error: Report) -> None:
    seen: dict[str, int] = {}
    for card in cards:
        if card.key in seen:
            error(
                card.line,
                f'question "{short(card.question)}" repeats the question of line '
                f"{seen[card.key]}; reword one or remove it",
            )
        seen.setdefault(card.key, card.line)

"""A new card's template appended to a deck file for the learner to fill in (`a` in the app)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tutor.errors import DeckError, Problem
from tutor.safe_write import write_atomic

# Left as it is, it does not import: the heading and both options are empty, and the error names
# the heading's line. Filled in, it is a multiple-choice card (or, options replaced by an answer,
# a recall card).
TEMPLATE = (
    "## \n"
    '<!-- A new card: the question after "## " above, then the options: one\n'
    '     right (- [x]) and at least one wrong (- [ ]), each as "text — why",\n'
    "     then the explanation. For a recall card, write the answer in place\n"
    "     of the options and the explanation. This note is never shown. -->\n"
    "\n"
    "- [x] \n"
    "- [ ] \n"
    "\n"
    "Explanation: \n"
)


@dataclass(frozen=True)
class Appended:
    """A template appended to a deck file: where its heading is, and the file before it."""

    path: Path
    line: int
    before: bytes
    after: bytes


def first_problem(path: Path) -> Problem | None:
    """The first problem that keeps the deck file from importing on its own, or None."""
    from tutor.deck.formats import parse_bytes

    try:
        parse_bytes(path.read_bytes(), path)
    except DeckError as exc:
        return exc.problems[0] if exc.problems else Problem(str(path), 1, exc.message)
    return None


def append_template(path: Path) -> Appended:
    """Append the template to a Markdown deck file, written whole (a temporary file renamed
    over it). DeckError for a quiz text (not Markdown) or a file that is not UTF-8 text."""
    from tutor.deck.parser import decode
    from tutor.deck.quiz_text import is_quiz_text

    before = path.read_bytes()
    text = decode(before, path)
    if is_quiz_text(path, text):
        raise DeckError.single(
            path,
            1,
            "is a quiz text, not a Markdown deck; turn it into one with "
            f"`tutor convert {path} -o DECK.md` and add cards there",
        )
    if text and not text.endswith("\n"):
        text += "\n"
    text += "\n"
    line = text.count("\n") + 1  # the template's heading
    text += TEMPLATE
    write_atomic(path, text)
    return Appended(path, line, before, text.encode("utf-8"))


def take_back_untouched(appended: Appended) -> bool:
    """Put the file back as it was if it still holds the template exactly as appended (the
    editor never ran, or changed nothing); True when it did."""
    try:
        if appended.path.read_bytes() != appended.after:
            return False
        write_atomic(appended.path, appended.before.decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return False
    return True

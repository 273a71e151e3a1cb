"""A hostile deck: terminal control sequences in every field, and a deck that fails to import."""

from __future__ import annotations

import re
from pathlib import Path

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # writes "rm -rf ~" to the terminal's clipboard
OSC52_MARKER = "cm0gLXJmIH4="
RETITLE = "\x1b]0;pwned\x07"  # OSC 0: the window title
CLEAR = "\x1b[2J"  # blanks the screen
C1_CLEAR = "\x9b2J"  # the same through the 8-bit CSI
PAYLOAD = OSC52 + RETITLE + CLEAR + C1_CLEAR + "\x07\x7f"  # and a bell, a DEL
SHOWN = "␛]52;c;cm0gLXJmIH4=␇␛]0;pwned␇␛[2J␛[2J␇␡"  # what a learner sees instead

# Any C0 code but tab and newline, DEL, or a C1 code encoded as UTF-8.
FORBIDDEN = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def hostile(tag: str) -> str:
    """A field's text: a tag saying which field it is, then every payload."""
    return f"{tag}{PAYLOAD}end"


DECK_NAME = "Evil " + PAYLOAD + "\r deck"  # front matter can hold a CR: YAML "\r"
TAG = "tag" + PAYLOAD + "\r"
QUESTION = hostile("Q1") + "?"
BODY = hostile("body")
RIGHT, WHY_RIGHT = hostile("right"), hostile("why-right")
WRONG, WHY_WRONG = hostile("wrong"), hostile("why-wrong")
EXPLANATION = f"{hostile('expl')} `{hostile('code')}`\n\n```\n{hostile('block')}\n```"
RECALL = hostile("Recall") + "?"
ANSWER = hostile("answer")
BAD_QUESTION = hostile("BadQ") + "?"


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding `text` (YAML refuses raw control characters)."""
    escaped = (c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in text)
    return '"' + "".join(escaped) + '"'


def write_hostile_deck(folder: Path) -> Path:
    """A deck that imports: a choice card and a recall card, each field carrying the payloads."""
    path = folder / "evil.md"
    path.write_text(
        "---\n"
        f"title: {yaml_quoted(DECK_NAME)}\n"
        f"tags: [{yaml_quoted(TAG)}]\n"
        "shuffle: false\n"
        "---\n\n"
        f"## {QUESTION}\n\n{BODY}\n\n"
        f"- [x] {RIGHT} — {WHY_RIGHT}\n"
        f"- [ ] {WRONG} — {WHY_WRONG}\n\n"
        f"Explanation: {EXPLANATION}\n\n"
        f"## {RECALL}\n\n{ANSWER}\n",
        encoding="utf-8",
    )
    return path


def write_failing_deck(folder: Path) -> Path:
    """A deck that fails to import; its error message quotes the question."""
    path = folder / "bad.md"
    path.write_text(f"## {BAD_QUESTION}\n\n- [ ] {hostile('only-wrong')}\n", encoding="utf-8")
    return path

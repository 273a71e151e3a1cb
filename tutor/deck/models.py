"""Deck, Card and Option: what a Markdown deck file says, as immutable plain data.

The parser checks every rule before it builds them (docs/deck-format.md); they are frozen
dataclasses, not validating models, so reading a large deck costs no validation per card.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, NamedTuple

_TRAILING_PUNCTUATION = " \t?.!:;,…。？！"


def normalize_question(text: str) -> str:
    """The identity of a question: case, white space and trailing punctuation folded."""
    folded = text.casefold()
    if "  " not in folded and folded.isprintable():
        # its only white space is single spaces (any other is unprintable): the split and join
        # below would only strip it, without a string per word
        return folded.strip(" ").rstrip(_TRAILING_PUNCTUATION)
    return " ".join(folded.split()).rstrip(_TRAILING_PUNCTUATION)


def card_key(question: str, body: str) -> str:
    """A card's identity within a deck when it has no explicit id (`Card.key`)."""
    return normalize_question(f"{question} {body}")


def short(text: str, width: int = 40) -> str:
    """A question cut to fit in an error message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


class Option(NamedTuple):
    """One answer option of a multiple-choice card (a named tuple: built for every option of a
    large deck, it costs a third of a frozen dataclass)."""

    text: str
    correct: bool
    reasoning: str = ""


@dataclass(frozen=True)
class Card:
    """One card: a multiple-choice question (with options) or a recall prompt (with an answer)."""

    question: str
    body: str = ""
    slug: str | None = None
    options: tuple[Option, ...] = ()
    explanation: str = ""
    answer: str = ""
    line: int = 1
    tags: tuple[str, ...] = ()  # the card's own `Tags:` line (the deck's tags apply as well)

    @classmethod
    def plain(
        cls,
        question: str,
        body: str,
        slug: str | None,
        options: tuple[Option, ...],
        explanation: str,
        answer: str,
        line: int,
        key: str,
    ) -> Card:
        """A card without tags, built with its key (`normalize_question` of the question and
        body) in one step: the parser's fast path builds one per card of a large deck, and the
        frozen `__init__` sets each field by a call."""
        card = object.__new__(cls)
        fields = {
            "question": question,
            "body": body,
            "slug": slug,
            "options": options,
            "explanation": explanation,
            "answer": answer,
            "line": line,
            "tags": (),
            "key": key,  # what `key` caches
        }
        object.__setattr__(card, "__dict__", fields)  # no keyword dict copied into a new one
        return card

    @property
    def kind(self) -> Literal["choice", "recall"]:
        return "choice" if self.options else "recall"

    @cached_property
    def key(self) -> str:
        """Identity within a deck when the card has no explicit id."""
        return card_key(self.question, self.body)

    @property
    def select_all(self) -> bool:
        return sum(o.correct for o in self.options) > 1

    def content_hash(self) -> str:
        """A digest of everything the learner sees; it changes only when the content does."""
        return self.content_digest().hex()

    def content_digest(self) -> bytes:
        """`content_hash` as its 20 bytes (what SQLite stores), without the hex text between."""
        return content_digest(
            self.question, self.body, self.explanation, self.answer, self.options, self.tags
        )


def content_digest(
    question: str,
    body: str,
    explanation: str,
    answer: str,
    options: Iterable[tuple[str, bool, str]],
    tags: tuple[str, ...] = (),
) -> bytes:
    """A digest of everything the learner sees of a card (`Card.content_hash`'s 20 bytes)."""
    fields = [question, body, explanation, answer]
    for text, correct, reasoning in options:
        fields += [text, "x" if correct else " ", reasoning]
    if tags:  # only then: a card without tags keeps the digest it always had
        fields.append("tags:" + ",".join(tags))
    return hashlib.sha1("\x1f".join(fields).encode("utf-8")).digest()


@dataclass(frozen=True)
class Deck:
    """One deck file: its name, settings from the front matter, description and cards."""

    name: str
    path: str
    source_hash: str
    description: str = ""
    tags: tuple[str, ...] = ()
    shuffle: bool | None = None
    desired_retention: float | None = None
    cards: tuple[Card, ...] = ()
    converted_from: str | None = None  # the quiz text `tutor convert` made this deck from

    def converted_from_path(self) -> str | None:
        """The quiz text this deck was converted from, as an absolute path (a relative one is
        read from the deck file's folder); None if the deck says nothing."""
        if self.converted_from is None:
            return None
        return os.path.normpath(os.path.join(os.path.dirname(self.path), self.converted_from))

    def settings(self) -> dict[str, object]:
        """The front-matter settings as stored with the deck (None: not set, the default holds)."""
        return {
            "tags": list(self.tags),
            "shuffle": self.shuffle,
            "desired_retention": self.desired_retention,
        }


SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$")

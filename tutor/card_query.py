"""The card browser's query language, parsed once into a typed query (stdlib, no SQL here)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Literal

from tutor.errors import ConfigError

STATES = ("new", "learning", "review", "due", "suspended", "buried", "leech", "retired")
PROPERTIES = {"lapses": "lapses", "reps": "reps", "r": "r", "s": "stability", "d": "difficulty"}
Comparison = Literal["<", "<=", ">", ">=", "="]
PROPERTY = re.compile(r"^([a-z]+)(<=|>=|<|>|=)(-?\d+(?:\.\d+)?)$")
HELP = (
    "search terms: free text, deck:NAME, tag:TAG, is:new|learning|review|due|suspended|buried|"
    "leech|retired, prop:lapses>3, prop:r<0.7 (also reps, s, d), picked:[TEXT] "
    "(or misconception:[TEXT])"
)


@dataclass(frozen=True)
class Property:
    """A numeric test on a card: `prop:lapses>3` is Property("lapses", ">", 3.0)."""

    name: str
    op: Comparison
    value: float


@dataclass(frozen=True)
class CardQuery:
    """What a search asks for; every part must hold (AND). Empty: every active card."""

    text: tuple[str, ...] = ()
    decks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    properties: tuple[Property, ...] = ()
    picked: tuple[str, ...] = ()  # "" : any wrong option chosen; else its text contains this

    def with_decks(self, decks: tuple[str, ...]) -> CardQuery:
        return CardQuery(self.text, decks, self.tags, self.states, self.properties, self.picked)

    def with_tags(self, tags: tuple[str, ...]) -> CardQuery:
        return CardQuery(self.text, self.decks, tags, self.states, self.properties, self.picked)


def parse_query(source: str) -> CardQuery:
    """The typed query a search text means; ConfigError names the term that is not understood."""
    try:
        terms = shlex.split(source)
    except ValueError:
        raise ConfigError(f"search {source!r}: a quote is not closed") from None
    text: list[str] = []
    decks: list[str] = []
    tags: list[str] = []
    states: list[str] = []
    properties: list[Property] = []
    picked: list[str] = []
    for term in terms:
        key, colon, value = term.partition(":")
        key = key.casefold()
        if not colon or not key.isalpha():
            text.append(term)
        elif key == "deck":
            decks.append(_required(term, value))
        elif key == "tag":
            tags.append(_required(term, value))
        elif key == "is":
            if value.casefold() not in STATES:
                raise ConfigError(f"search term {term!r}: is: takes one of {', '.join(STATES)}")
            states.append(value.casefold())
        elif key == "prop":
            properties.append(_property(term, value))
        elif key in ("picked", "misconception"):
            picked.append(value)
        else:
            raise ConfigError(f"search term {term!r} is not understood; {HELP}")
    return CardQuery(
        tuple(text), tuple(decks), tuple(tags), tuple(states), tuple(properties), tuple(picked)
    )


def _required(term: str, value: str) -> str:
    if not value:
        raise ConfigError(f"search term {term!r} needs a value after the colon")
    return value


def _property(term: str, value: str) -> Property:
    match = PROPERTY.match(value.casefold())
    if match is None or match.group(1) not in PROPERTIES:
        raise ConfigError(
            f"search term {term!r}: write prop:NAME<NUMBER with NAME one of "
            f"{', '.join(PROPERTIES)} and < <= > >= =, like prop:lapses>3 or prop:r<0.7"
        )
    name, op, number = match.groups()
    amount = float(number)
    if name == "r" and not 0 < amount < 1:
        raise ConfigError(f"search term {term!r}: predicted recall r is a number between 0 and 1")
    return Property(PROPERTIES[name], op, amount)  # type: ignore[arg-type]

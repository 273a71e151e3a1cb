"""A card's options as stored: one compact JSON text, written and read by one pair of functions.

An option `{"text": T, "correct": C, "reasoning": R}` is kept as the array `[T, 1 or 0, R]`
(its keys are not repeated on every option; `R` is left out when empty); an option of any
other shape is kept as its object. `decode_options(encode_options(x)) == x` for every list of
option objects. SQL reads an option's rightness as `$[1]` (`stats_sql`), or `$.correct` for
an option kept as its object.
"""

from __future__ import annotations

import json
from typing import Any

_KEYS = ("text", "correct", "reasoning")


def compact_options(options: list[dict[str, Any]]) -> list[Any]:
    """The stored form as JSON values (what PostgreSQL's JSON column is given)."""
    compact: list[Any] = []
    for option in options:
        text, correct, reasoning = (option.get(key) for key in _KEYS)
        plain = (
            tuple(option) == _KEYS
            and type(text) is str
            and type(correct) is bool
            and type(reasoning) is str
        )
        if not plain:
            compact.append(option)
        elif reasoning:
            compact.append([text, int(correct), reasoning])
        else:
            compact.append([text, int(correct)])
    return compact


def expand_options(compact: list[Any]) -> list[dict[str, Any]]:
    """The options again from their stored form's JSON values."""
    return [
        {"text": item[0], "correct": bool(item[1]), "reasoning": item[2] if len(item) > 2 else ""}
        if isinstance(item, list)
        else item
        for item in compact
    ]


def encode_options(options: list[dict[str, Any]]) -> str:
    """A card's options as the text SQLite stores."""
    return json.dumps(compact_options(options), ensure_ascii=False, separators=(",", ":"))


def decode_options(stored: Any) -> list[dict[str, Any]]:
    """A card's options from what the database hands back (SQLite: text; PostgreSQL: JSON
    values); None or empty text is no options."""
    if stored is None or stored == "":
        return []
    values = json.loads(stored) if isinstance(stored, str | bytes) else stored
    return expand_options(values)

"""A card's options as stored: one compact JSON text, written and read by one pair of functions.

An option `{"text": T, "correct": C, "reasoning": R}` is kept as the array `[T, 1 or 0, R]`
(its keys are not repeated on every option; `R` is left out when empty); an option of any
other shape is kept as its object. `decode_options(encode_options(x)) == x` for every list of
option objects (the usual three keys come back in that order). SQL reads an option's rightness
as `$[1]`, or `$.correct` for an option kept as its object (`tutor.stats_sql`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import c_make_encoder as _c_make_encoder  # type: ignore[attr-defined]
from json.encoder import encode_basestring as _quoted  # type: ignore[attr-defined]
from typing import Any


def _plain(option: dict[str, Any]) -> bool:
    """An option of the usual shape: text, right or not, reasoning, and nothing else."""
    correct = option.get("correct")
    return (
        len(option) == 3
        and option.get("text").__class__ is str
        and (correct is True or correct is False)
        and option.get("reasoning").__class__ is str
    )


def compact_options(options: list[dict[str, Any]]) -> list[Any]:
    """The stored form as JSON values (what PostgreSQL's JSON column is given)."""
    compact: list[Any] = []
    for option in options:
        if not _plain(option):
            compact.append(option)
        elif option["reasoning"]:
            compact.append([option["text"], int(option["correct"]), option["reasoning"]])
        else:
            compact.append([option["text"], int(option["correct"])])
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
    """A card's options as the text SQLite stores (`json.dumps` of `compact_options` without
    spaces, written out directly: an import encodes every card's options)."""
    parts = []
    for option in options:
        if not _plain(option):
            parts.append(json.dumps(option, ensure_ascii=False, separators=(",", ":")))
        elif option["reasoning"]:
            parts.append(
                f"[{_quoted(option['text'])},{1 if option['correct'] else 0},"
                f"{_quoted(option['reasoning'])}]"
            )
        else:
            parts.append(f"[{_quoted(option['text'])},{1 if option['correct'] else 0}]")
    return "[" + ",".join(parts) + "]"


def encode_plain(options: Sequence[tuple[str, bool, str]], *, control_free: bool = False) -> str:
    """`encode_options` of options of the usual shape given as (text, correct, reasoning)
    tuples, as the parser makes them (no dict per option: an import encodes every card's).

    Options whose text needs no escape (no quote, backslash or unprintable character: the
    usual case, checked on the whole text at once) are written directly, about half the time
    of the C encoder's; any other goes through one call of `json`'s C encoder per card (`correct
    + 0` is the 1 or 0 `encode_options` writes). `control_free`: the caller knows that no text
    holds a control character (the one kind of unprintable character JSON escapes), so the
    printable check, a Unicode lookup per character, is left out."""
    parts = []
    quotes = 0  # the quotes written here: any more came from the text, which needs escapes
    for text, correct, reasoning in options:
        if reasoning:
            parts.append(f'"{text}",{correct + 0},"{reasoning}"')
            quotes += 4
        else:
            parts.append(f'"{text}",{correct + 0}')
            quotes += 2
    written = "[[" + "],[".join(parts) + "]]" if parts else "[]"
    if (
        written.count('"') == quotes
        and "\\" not in written
        and (control_free or written.isprintable())
    ):
        return written
    return "".join(
        _write_compact(
            [
                [text, correct + 0, reasoning] if reasoning else [text, correct + 0]
                for text, correct, reasoning in options
            ],
            0,
        )
    )


def _compact_writer() -> Any:
    """`json.dumps(..., ensure_ascii=False, separators=(",", ":"))` as one reusable C call (the
    pure-Python encoder where the C one is missing)."""
    if _c_make_encoder is None:  # pragma: no cover - CPython always has it
        encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
        return lambda value, _level: encoder.iterencode(value)
    return _c_make_encoder(None, None, _quoted, None, ":", ",", False, False, True)


_write_compact = _compact_writer()


def decode_options(stored: Any) -> list[dict[str, Any]]:
    """A card's options from what the database hands back (SQLite: text; PostgreSQL: JSON
    values); None or empty text is no options."""
    if stored is None or stored == "":
        return []
    values = json.loads(stored) if isinstance(stored, str | bytes) else stored
    return expand_options(values)

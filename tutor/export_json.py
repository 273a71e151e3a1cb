"""Stream `tutor export` sections as JSON, byte for byte what json.dumps(indent=2) writes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from tutor.text import json_safe


@dataclass
class Written:
    """What an export held: its decks and cards."""

    decks: int = 0
    cards: int = 0


def write_sections(sections: Iterable[tuple[str, Any]], out: TextIO) -> Written:
    """Write the object of `sections` (key, value; an iterator value is a list written item by
    item as it comes) to `out` exactly as the CLI prints a whole dict as JSON (`json.dumps` with
    indent=2 and no ASCII escaping, through `tutor.text.json_safe`, then a newline)."""
    written = Written()
    out.write("{")
    for number, (key, value) in enumerate(sections):
        out.write(("," if number else "") + "\n  " + _encoded(key, 1) + ": ")
        if isinstance(value, Iterator):
            count = 0
            for item in value:
                out.write(("[" if count == 0 else ",") + "\n    " + _encoded(item, 2))
                count += 1
            out.write("\n  ]" if count else "[]")
        else:
            out.write(_encoded(value, 1))
            count = len(value) if isinstance(value, list) else 0
        if key == "decks":
            written.decks = count
        elif key == "cards":
            written.cards = count
    out.write("\n}\n")
    return written


def _encoded(value: Any, depth: int) -> str:
    """`value` as JSON nested `depth` levels deep (JSON strings hold no raw newline)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return json_safe(text.replace("\n", "\n" + "  " * depth) if depth else text)

"""How an answer's chosen options are kept (`review.chosen_numbers`): their numbers in order."""

from __future__ import annotations

from collections.abc import Sequence

# The numbers (card_option.number) of the options an answer chose, in the order the card
# showed them, one space between: "2", "0 3"; NULL when it chose none.
SEPARATOR = " "

# True where answer {review} chose option {option} (table aliases), in SQLite's words:
# `tutor.queue_sql.for_postgresql` says it for PostgreSQL.
CHOSE = "instr(' ' || {review}.chosen_numbers || ' ', ' ' || {option}.number || ' ') > 0"


def chosen_text(numbers: Sequence[int]) -> str | None:
    """The `chosen_numbers` of an answer that chose these options, in order (None: none)."""
    return SEPARATOR.join(str(int(n)) for n in numbers) or None


def chosen_list(stored: str | None) -> list[int]:
    """The option numbers an answer's `chosen_numbers` holds, in order; what is not a number is
    left out, as CHOSE leaves it (`tutor check` reports it: `chosen_option_missing`)."""
    words = stored.split(SEPARATOR) if stored else []
    return [int(n) for n in words if n.isascii() and n.isdigit()]

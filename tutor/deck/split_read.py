"""A large plain deck's cards read in two halves at once, the second in a forked child."""

from __future__ import annotations

import time
from collections.abc import Callable

from tutor.deck.rows import CardRow
from tutor.forked import Forked, may_fork

# A card section this long (characters, about 1,100 bundled-shaped cards) or longer is split:
# there the fork (about 5 ms in `tutor import`), the pickles and the wait cost about a third of
# the half parse saved (about 27 ms), less the larger the deck (docs/performance.md, session 11).
SPLIT_FROM = 1_000_000
# ...or, while another process holds a core (`leave_a_core`), this long: a serial read of it
# (about 1.7 s) would outlast `tutor import`'s start-up beside it (`tutor.deck.read_ahead`).
BUSY_SPLIT_FROM = 32_000_000
_split_from = SPLIT_FROM
# The share of the section read here: the child also pickles its rows (~4% of reading them).
_FIRST_SHARE = 0.52
# How long the parent waits for the child after its own half, beyond that half's own time:
# past it the child is killed and its half read here (a child stuck would otherwise hang us).
_PATIENCE = 1.0

# `plain_deck._cards`: (text, position, line, build, option, end) -> the rows, or None
Cards = Callable[
    [str, int, int, Callable[..., CardRow], type[tuple[str, bool, str]], int | None],
    list[CardRow] | None,
]


def read_split(
    cards: Cards,
    text: str,
    position: int,
    line: int,
    build: Callable[..., CardRow],
    option: type[tuple[str, bool, str]],
    split_from: int | None = None,
) -> list[CardRow] | None:
    """`cards(text, position, line, build, option, None)` (`plain_deck._cards`): the same rows,
    read in two halves at once when the section is at least `split_from` characters long
    (None: `SPLIT_FROM`, or `BUSY_SPLIT_FROM` after `leave_a_core`) and a fork is safe and has
    a core to run on; read whole here otherwise."""
    threshold = _split_from if split_from is None else split_from
    split = _split_point(text, position) if len(text) - position >= threshold else -1
    if split < 0 or not may_fork():
        return cards(text, position, line, build, option, None)
    second_line = line + text.count("\n", position, split + 1)
    child = Forked.start(lambda: cards(text, split + 1, second_line, build, option, None))
    if child is None:
        return cards(text, position, line, build, option, None)
    try:
        started = time.perf_counter()
        first = cards(text, position, line, build, option, split)
        if first is None:
            return None
        answer = child.answer(time.perf_counter() - started + _PATIENCE)
    finally:
        child.end()
    # the child's rows (None: its half is not plain), else (it failed) its half read here
    second = (
        answer[0]
        if answer is not None and (answer[0] is None or isinstance(answer[0], list))
        else cards(text, split + 1, second_line, build, option, None)
    )
    return _joined(first, second) if second is not None else None


def leave_a_core() -> None:
    """From now on split only sections of `BUSY_SPLIT_FROM` characters or more: another
    process is running on one of the cores (in the read-ahead child, for the rest of its life)."""
    global _split_from
    _split_from = BUSY_SPLIT_FROM


def _split_point(text: str, position: int) -> int:
    """The offset of a `\\n## ` card boundary a little past the middle of the section (the
    child pickles its rows after reading them: its half is the shorter), or -1."""
    middle = position + int((len(text) - position) * _FIRST_SHARE)
    split = text.find("\n## ", middle)
    return split if split >= 0 else text.rfind("\n## ", position, middle)


def _joined(first: list[CardRow], second: list[CardRow]) -> list[CardRow] | None:
    """Both halves' rows in order, or None when a slug or key is in both (as one read of the
    whole section finds it twice)."""
    slugs = {row[0] for row in first}
    slugs.discard(None)
    if not slugs.isdisjoint([row[0] for row in second if row[0] is not None]):
        return None
    if not {row[1] for row in first}.isdisjoint([row[1] for row in second]):
        return None
    first.extend(second)
    return first

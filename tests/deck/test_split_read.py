"""A plain deck's rows read in two halves (the second in a forked child) are the serial read's."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.deck.test_parser_paths import FAST_CARD, PLAIN_ONE
from tutor import forked
from tutor.deck import split_read
from tutor.deck.plain_deck import _cards, read_plain_rows
from tutor.deck.rows import CardRow, plain_row
from tutor.deck.split_read import read_split

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")


def _bundled_like(cards: int) -> str:
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / "make_deck.py"
    spec = importlib.util.spec_from_file_location("scripts_make_deck", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text: str = module.make_bundled_like(cards, "Split")
    return text


def _section(text: str) -> tuple[int, int]:
    """The offset of the first card and its line."""
    first = text.index("\n## ") + 1
    return first, text.count("\n", 0, first) + 1


def _read(
    text: str, build: Callable[..., CardRow] = plain_row, split_from: int = 0
) -> list[CardRow] | None:
    first, line = _section(text)
    return read_split(_cards, text, first, line, build, tuple, split_from)


def _serial(text: str) -> list[CardRow] | None:
    first, line = _section(text)
    return _cards(text, first, line, plain_row, tuple)


def _card(n: int, slug: str | None = None) -> str:
    slug_line = f"<!-- id: {slug} -->\n" if slug else ""
    return (
        f"## Question {n}?\n{slug_line}\n"
        f"- [x] Right {n} — because.\n- [ ] Wrong {n} -- not so.\n\nExplanation: card {n}.\n"
    )


def _deck(cards: list[str]) -> str:
    return "# Deck\n\n" + "\n".join(cards)


def _noting_a_child(marker: Path) -> Callable[..., CardRow]:
    """`plain_row`, leaving `marker` behind when called in a forked child."""
    parent = os.getpid()

    def build(*parts: Any) -> CardRow:
        if os.getpid() != parent:
            marker.touch()
        return plain_row(*parts)

    return build


def _failing_in_a_child(failure: Callable[[], object]) -> Callable[..., CardRow]:
    """`plain_row`, calling `failure` when called in a forked child."""
    parent = os.getpid()

    def build(*parts: Any) -> CardRow:
        if os.getpid() != parent:
            failure()
        return plain_row(*parts)

    return build


def _raise() -> None:
    raise RuntimeError("the child fails")


def test_a_large_bundled_like_deck_reads_as_the_serial_read_does(tmp_path: Path) -> None:
    text = _bundled_like(1200)
    serial = _serial(text)
    assert serial is not None and len(serial) == 1200
    assert _read(text, _noting_a_child(tmp_path / "forked")) == serial
    assert (tmp_path / "forked").exists() == forked.may_fork()
    begin = text.index("\n", text.index("---", 3)) + 1
    assert len(text) - begin >= split_read.SPLIT_FROM  # the import splits it too
    plain = read_plain_rows(text, begin)
    assert plain is not None and plain[1] == serial


def test_the_halves_meet_at_a_card_boundary_with_each_card_on_its_line() -> None:
    text = _deck([_card(n, slug=f"s-{n}") for n in range(9)])
    first, _ = _section(text)
    split = split_read._split_point(text, first)
    assert text[split : split + 4] == "\n## " and first < split
    rows = _read(text)
    assert rows is not None and rows == _serial(text)
    lines = [text[: text.index(f"## Question {n}?")].count("\n") + 1 for n in range(9)]
    assert [row[9] for row in rows] == lines


@pytest.mark.parametrize("repeated", ["slug", "key"])
def test_a_card_repeated_across_the_halves_gives_none(repeated: str) -> None:
    cards = [_card(n, slug=f"s-{n}") for n in range(9)]
    if repeated == "slug":
        cards[0], cards[8] = _card(0, slug="same"), _card(8, slug="same")
    else:
        cards[8] = _card(0)  # the same question and body: the same key
        cards[0] = _card(0)
    text = _deck(cards)
    first, _ = _section(text)
    split = split_read._split_point(text, first)
    assert text.index("## Question 0") < split < text.rindex("## Question")
    assert _serial(text) is None
    assert _read(text) is None


def test_a_card_the_fast_path_refuses_in_either_half_gives_none() -> None:
    cards = [_card(n) for n in range(9)]
    for broken in (1, 7):
        refused = [*cards]
        refused[broken] = f"## Question {broken}?\n\n- [x] Only right\n"  # no wrong option
        text = _deck(refused)
        assert _serial(text) is None
        assert _read(text) is None


def test_a_second_half_the_child_refuses_is_not_read_again_here() -> None:
    cards = [_card(n) for n in range(9)]
    cards[7] = "## Question 7?\n\n- [x] Only right\n"
    text = _deck(cards)
    parent, built_here = os.getpid(), []

    def build(*parts: Any) -> CardRow:
        if os.getpid() == parent:
            built_here.append(parts[0])
        return plain_row(*parts)

    assert _read(text, build) is None
    split = split_read._split_point(text, _section(text)[0])
    first_half = text.count("\n## ", 0, split)  # the cards before the split
    assert len(built_here) == (first_half if forked.may_fork() else 7)


@pytest.mark.parametrize("failure", [_raise, lambda: os._exit(0), lambda: os._exit(5)])
def test_a_child_that_fails_leaves_the_parent_to_read_its_half(
    failure: Callable[[], object],
) -> None:
    text = _deck([_card(n, slug=f"s-{n}") for n in range(9)])
    assert _read(text, _failing_in_a_child(failure)) == _serial(text)


def test_a_child_that_hangs_is_killed_and_its_half_read_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(split_read, "_PATIENCE", 0.05)
    text = _deck([_card(n, slug=f"s-{n}") for n in range(9)])
    assert _read(text, _failing_in_a_child(lambda: time.sleep(60))) == _serial(text)


def test_with_another_thread_running_the_read_is_serial_and_right(tmp_path: Path) -> None:
    text = _deck([_card(n, slug=f"s-{n}") for n in range(9)])
    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        assert _read(text, _noting_a_child(tmp_path / "forked")) == _serial(text)
    finally:
        release.set()
        waiting.join()
    assert not (tmp_path / "forked").exists()


def test_a_small_section_is_read_without_a_fork(tmp_path: Path) -> None:
    text = _deck([_card(n) for n in range(9)])
    build = _noting_a_child(tmp_path / "forked")
    assert _read(text, build, split_from=len(text)) == _serial(text)
    assert not (tmp_path / "forked").exists()
    assert _read(text, build, split_from=len(text) - 10) == _serial(text)
    assert (tmp_path / "forked").exists() == forked.may_fork()


@settings(
    derandomize=True, max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(st.one_of(PLAIN_ONE, PLAIN_ONE, FAST_CARD), min_size=2, max_size=8))
def test_any_generated_deck_reads_in_halves_as_it_reads_whole(cards: list[str]) -> None:
    """Generated decks, plain and tricky (fences holding headings or options, tabs, ids and
    questions twice, unicode): wherever the cut falls, the halves give the serial read's rows,
    or None where it gives None."""
    text = _deck(cards)
    assert _read(text) == _serial(text)

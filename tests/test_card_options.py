"""Card options as stored: one encoder and decoder, lossless for any list of option objects."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor.card_options import decode_options, encode_options, encode_plain
from tutor.stats_sql import OPTIONS, RIGHT_OPTIONS

PLAIN = [
    {"text": "café", "correct": True, "reasoning": "French, with its é."},
    {"text": "coffee", "correct": False, "reasoning": ""},
    {"text": 'say "[b]x[/b]"\n\\', "correct": False, "reasoning": "brackets, quotes, a newline"},
]
ODD = [
    {"correct": True, "text": "keys in another order (as an export sorts them)", "reasoning": ""},
    {"text": "a number for correct", "correct": 1, "reasoning": ""},
    {"text": "an extra key", "correct": False, "reasoning": "", "note": "kept"},
    {"text": "no reasoning key", "correct": False},
]


@pytest.mark.parametrize(
    "options", [[], PLAIN, ODD, PLAIN + ODD], ids=["none", "plain", "odd", "mixed"]
)
def test_what_is_encoded_decodes_to_the_same_options(options: list[dict[str, Any]]) -> None:
    decoded = decode_options(encode_options(options))
    assert decoded == options
    assert all(list(o) == ["text", "correct", "reasoning"] for o in decoded if len(o) == 3)
    assert decode_options(json.loads(encode_options(options))) == options  # PostgreSQL's JSON


def test_the_stored_text_is_well_under_half_of_the_objects() -> None:
    options = [
        {"text": f"Option {k}", "correct": k == 0, "reasoning": f"Why option {k}."}
        for k in range(4)
    ]
    stored = encode_options(options)
    assert stored.startswith('[["Option 0",1,"Why option 0."],')
    assert len(stored.encode()) < len(json.dumps(options).encode()) * 0.5
    assert decode_options(None) == decode_options("") == []


@pytest.mark.parametrize(("options", "right"), [(PLAIN, 1), (ODD, 2), (PLAIN + ODD, 3), ([], 0)])
def test_the_statistics_count_right_options_in_either_shape(
    options: list[dict[str, Any]], right: int
) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        row = conn.execute(
            f"SELECT {OPTIONS}, {RIGHT_OPTIONS} FROM (SELECT ? AS options) c",
            (encode_options(options),),
        ).fetchone()
    finally:
        conn.close()
    assert row == (len(options), right)


PLAIN_OPTIONS = st.lists(st.tuples(st.text(), st.booleans(), st.text()), max_size=9)


@given(PLAIN_OPTIONS)
def test_options_from_the_parsers_tuples_are_stored_as_their_objects_are(
    options: list[tuple[str, bool, str]],
) -> None:
    """The import's encoder (from tuples, no dict per option) writes the very text that
    `encode_options` writes for the same options as objects: quotes, control characters, lone
    surrogates and empty reasoning included."""
    objects = [{"text": t, "correct": c, "reasoning": r} for t, c, r in options]
    assert encode_plain(options) == encode_options(objects)
    assert decode_options(encode_plain(options)) == objects


WRITTEN_DIRECTLY = st.text(st.sampled_from('ab é—"\\\t\x7f\u2028'), max_size=6)


@given(st.lists(st.tuples(WRITTEN_DIRECTLY, st.booleans(), WRITTEN_DIRECTLY), max_size=9))
def test_options_written_without_the_json_encoder_are_the_same_text(
    options: list[tuple[str, bool, str]],
) -> None:
    """Texts that mostly need no escape take the encoder's direct way: a quote, backslash or
    unprintable character anywhere in them still gives `encode_options`' text."""
    objects = [{"text": t, "correct": c, "reasoning": r} for t, c, r in options]
    assert encode_plain(options) == encode_options(objects)
    assert json.loads(encode_plain(options)) == json.loads(encode_options(objects))

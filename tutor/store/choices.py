"""The options learners chose (table review_choice): the last answer's picks, picks per option."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from tutor.store.tables import card_table, choice_table, deck_table, review_table


def last_choices(conn: Connection, card_id: int) -> list[tuple[str, bool]]:
    """(option text, right) of what was chosen in the card's latest answer (none: no answer, or
    nothing chosen in it)."""
    latest = (
        select(func.max(review_table.c.id))
        .where(review_table.c.card_id == card_id)
        .scalar_subquery()
    )
    ch = choice_table.c
    rows = conn.execute(
        select(ch.option_text, ch.correct).where(ch.review_id == latest).order_by(ch.id)
    )
    return [(str(text), bool(ok)) for text, ok in rows]


def _in_decks(deck_ids: Sequence[int] | None) -> Any:
    return card_table.c.deck_id.in_(deck_ids) if deck_ids is not None else True


def repeated_wrong_picks(
    conn: Connection, deck_ids: Sequence[int] | None, at_least: int
) -> list[tuple[int, str, str, str, int, int]]:
    """(card id, question, deck name, wrong option, times picked, learning day last picked) of
    every wrong option of an active card picked in at least `at_least` answers, most first."""
    ch, c = choice_table.c, card_table.c
    picked = func.count().label("picked")
    rows = conn.execute(
        select(c.id, c.question, deck_table.c.name, ch.option_text, picked, func.max(ch.day))
        .select_from(
            choice_table.join(card_table, c.id == ch.card_id).join(
                deck_table, deck_table.c.id == c.deck_id
            )
        )
        .where(ch.correct.is_(False), c.retired.is_(False), _in_decks(deck_ids))
        .group_by(c.id, c.question, deck_table.c.name, ch.option_text)
        .having(func.count() >= at_least)
        .order_by(picked.desc(), deck_table.c.name, c.id, ch.option_text)
    )
    return [(int(i), str(q), str(d), str(o), int(n), int(day)) for i, q, d, o, n, day in rows]


def option_picks(
    conn: Connection, card_ids: Sequence[int]
) -> dict[int, tuple[int, dict[str, int]]]:
    """For each card: (answers in which an option was chosen, times each option text was
    chosen)."""
    if not card_ids:
        return {}
    ch = choice_table.c
    ids = list(card_ids)
    answers: dict[int, int] = dict(
        conn.execute(  # type: ignore[arg-type]
            select(ch.card_id, func.count(func.distinct(ch.review_id)))
            .where(ch.card_id.in_(ids))
            .group_by(ch.card_id)
        ).all()
    )
    picks: dict[int, tuple[int, dict[str, int]]] = {
        int(i): (int(n), {}) for i, n in answers.items()
    }
    rows = conn.execute(
        select(ch.card_id, ch.option_text, func.count())
        .where(ch.card_id.in_(ids))
        .group_by(ch.card_id, ch.option_text)
    )
    for card_id, text, n in rows:
        picks[int(card_id)][1][str(text)] = int(n)
    return picks


LintRow = tuple[int, str, str | None, int, str, str, list[dict[str, Any]]]


def lint_cards(conn: Connection, deck_ids: Sequence[int] | None) -> list[LintRow]:
    """(card id, deck name, deck file, line, key, question, options) of every active
    multiple-choice card, in deck and file order."""
    c, d = card_table.c, deck_table.c
    rows = conn.execute(
        select(c.id, d.name, d.source_path, c.source_line, c.key, c.question, c.options)
        .join(deck_table, d.id == c.deck_id)
        .where(c.retired.is_(False), c.kind == "choice", _in_decks(deck_ids))
        .order_by(d.name, c.position, c.id)
    )
    return [
        (int(i), str(n), p, int(line or 0), str(k), str(q), list(o or []))
        for i, n, p, line, k, q, o in rows
    ]


def deck_card_ids(conn: Connection, deck_name: str) -> tuple[dict[str, int], dict[str, int]]:
    """The active cards of the deck called exactly `deck_name`: ids by key, ids by slug."""
    c, d = card_table.c, deck_table.c
    rows = conn.execute(
        select(c.key, c.slug, c.id)
        .join(deck_table, d.id == c.deck_id)
        .where(d.name == deck_name, c.retired.is_(False))
    ).all()
    return {str(k): int(i) for k, _s, i in rows}, {str(s): int(i) for _k, s, i in rows if s}

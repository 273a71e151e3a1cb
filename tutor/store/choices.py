"""The options learners chose (card_option, review_choice): written once, picks per option."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, func, select

from tutor.store.prepared import Prepared
from tutor.store.tables import card_table, choice_table, deck_table, option_table, review_table

CHUNK = 500  # cards per IN (...) list: well under every database's bound-parameter limit


def _joined() -> Any:
    """review_choice with each choice's option (text, right)."""
    ch, o = choice_table.c, option_table.c
    return choice_table.join(
        option_table, and_(o.card_id == ch.card_id, o.number == ch.option_number)
    )


_o = option_table.c
_NUMBERED = select(_o.card_id, _o.number, _o.text, _o.correct)  # what OptionNumbers reads
_CARD_OPTIONS = Prepared(_NUMBERED.where(_o.card_id == bindparam("card_id")))  # an answer's
_c = card_table.c
# Each option's `active_deck_id` as its card has it: the deck, or NULL for a retired card.
ACTIVE_DECK = case((_c.retired.is_(False), _c.deck_id), else_=None)
_INSERT_OPTIONS = Prepared(  # each new option with its card's deck, in the one statement
    option_table.insert().values(
        active_deck_id=select(ACTIVE_DECK).where(_c.id == bindparam("of_card")).scalar_subquery()
    )
)
_INSERT_CHOICES = Prepared(choice_table.insert())
_SET_OPTION_DECKS = Prepared(
    option_table.update()
    .where(_o.card_id == bindparam("card"))
    .values(active_deck_id=select(ACTIVE_DECK).where(_c.id == _o.card_id).scalar_subquery())
)


# Each option's picks (`card_option.picks`, `first_pick_day`, `last_pick_day`): one more pick
# on a day, as each chosen option is written; counted again from review_choice where picks go.
_ADD_PICK = Prepared(
    option_table.update()
    .where(_o.card_id == bindparam("card"), _o.number == bindparam("option"))
    .values(
        picks=_o.picks + 1,
        first_pick_day=case(
            (_o.first_pick_day.is_(None) | (_o.first_pick_day > bindparam("on")), bindparam("on")),
            else_=_o.first_pick_day,
        ),
        last_pick_day=case(
            (_o.last_pick_day.is_(None) | (_o.last_pick_day < bindparam("on")), bindparam("on")),
            else_=_o.last_pick_day,
        ),
    )
)


def _picks_of_option() -> Any:
    ch = choice_table.c
    return select(ch).where(ch.card_id == _o.card_id, ch.option_number == _o.number)


def counted_picks() -> dict[str, Any]:
    """Each option's picks, first and last day as review_choice gives them (correlated to the
    option row being written or compared)."""
    ch = choice_table.c
    picks = _picks_of_option().with_only_columns(func.count()).scalar_subquery()
    first = _picks_of_option().with_only_columns(func.min(ch.day)).scalar_subquery()
    last = _picks_of_option().with_only_columns(func.max(ch.day)).scalar_subquery()
    return {"picks": picks, "first_pick_day": first, "last_pick_day": last}


_RECOUNT_PICKS = Prepared(
    option_table.update().where(_o.card_id == bindparam("card")).values(**counted_picks())
)


def recount_picks(conn: Connection, card_ids: Iterable[int] | None = None) -> None:
    """Count these cards' options' picks again from review_choice (every option's: None)."""
    if card_ids is None:
        conn.execute(option_table.update().values(**counted_picks()))
        return
    _RECOUNT_PICKS.run_many(conn, [{"card": int(card)} for card in card_ids])


def set_option_decks(conn: Connection, card_ids: Iterable[int]) -> None:
    """Write these cards' deck (NULL if retired) on each of their options, after a write of
    the card's deck or retirement (new options take it as they are inserted)."""
    _SET_OPTION_DECKS.run_many(conn, [{"card": int(card)} for card in card_ids])


class OptionNumbers:
    """Each card's option numbers by (text, right): an option not seen before takes the card's
    next number, and is kept in `new` until written."""

    def __init__(self) -> None:
        self.known: dict[int, dict[tuple[str, bool], int]] = {}
        self.new: list[dict[str, Any]] = []

    def load(self, conn: Connection, cards: Sequence[int]) -> None:
        for card in cards:
            self.known.setdefault(card, {})
        if len(cards) == 1:  # an answer's card
            self._known(_CARD_OPTIONS.run(conn, {"card_id": cards[0]}).all())
            return
        for at in range(0, len(cards), CHUNK):
            self._known(conn.execute(_NUMBERED.where(_o.card_id.in_(cards[at : at + CHUNK]))))

    def _known(self, stored: Iterable[Sequence[Any]]) -> None:
        for card, number, text, right in stored:
            self.known[int(card)][(str(text), bool(right))] = int(number)

    def number(self, card: int, text: str, right: bool) -> int:
        known = self.known.setdefault(card, {})
        option = (text, right)
        if option not in known:
            known[option] = len(known)
            row = {"card_id": card, "number": known[option], "text": text, "correct": right}
            self.new.append(row | {"of_card": card})  # of_card: the card whose deck it takes
        return known[option]

    def write(self, conn: Connection) -> None:
        """Insert the options numbered since the last write."""
        if self.new:
            _INSERT_OPTIONS.run_many(conn, self.new)
            self.new = []


def add_choices(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Store chosen options: rows of review_id, card_id, day, option_text, correct, each
    answer's in file order. An option text (with its rightness) a card has not had chosen
    before gets the card's next number; return how many choices were written."""
    rows = list(rows)
    if not rows:
        return 0
    numbers = OptionNumbers()
    numbers.load(conn, sorted({int(row["card_id"]) for row in rows}))
    choices: list[dict[str, Any]] = []
    places: dict[int, int] = {}
    for row in rows:
        card, review = int(row["card_id"]), int(row["review_id"])
        place = places.get(review, 0)
        places[review] = place + 1
        number = numbers.number(card, str(row["option_text"]), bool(row["correct"]))
        choices.append(
            {
                "card_id": card,
                "review_id": review,
                "position": place,
                "option_number": number,
                "day": int(row["day"]),
            }
        )
    numbers.write(conn)
    _INSERT_CHOICES.run_many(conn, choices)
    _ADD_PICK.run_many(
        conn,
        [{"card": c["card_id"], "option": c["option_number"], "on": c["day"]} for c in choices],
    )
    return len(choices)


def delete_choices(conn: Connection, card_id: int, review_id: int) -> None:
    """Delete one answer's choices (its options stay: other answers, or a redo, may use them)
    and count the card's options' picks again."""
    ch = choice_table.c
    conn.execute(choice_table.delete().where(ch.card_id == card_id, ch.review_id == review_id))
    recount_picks(conn, [card_id])


def chosen_by_review(
    conn: Connection, card_ids: Collection[int] | None = None
) -> dict[int, list[tuple[str, bool]]]:
    """Every answer's choices (or those of `card_ids`' answers), (option text, right) in file
    order, by review id."""
    ch, o = choice_table.c, option_table.c
    chosen: dict[int, list[tuple[str, bool]]] = {}
    query = (
        select(ch.review_id, o.text, o.correct)
        .select_from(_joined())
        .order_by(ch.review_id, ch.position)
    )
    if card_ids is not None:
        query = query.where(ch.card_id.in_(card_ids))
    rows = conn.execute(query)
    for review_id, text, right in rows:
        chosen.setdefault(int(review_id), []).append((str(text), bool(right)))
    return chosen


def last_choices(conn: Connection, card_id: int) -> list[tuple[str, bool]]:
    """(option text, right) of what was chosen in the card's latest answer (none: no answer, or
    nothing chosen in it)."""
    latest = (
        select(func.max(review_table.c.id))
        .where(review_table.c.card_id == card_id)
        .scalar_subquery()
    )
    ch, o = choice_table.c, option_table.c
    rows = conn.execute(
        select(o.text, o.correct)
        .select_from(_joined())
        .where(ch.card_id == card_id, ch.review_id == latest)
        .order_by(ch.position)
    )
    return [(str(text), bool(ok)) for text, ok in rows]


def _in_decks(deck_ids: Sequence[int] | None) -> Any:
    return card_table.c.deck_id.in_(deck_ids) if deck_ids is not None else True


def repeated_wrong_picks(
    conn: Connection, deck_ids: Sequence[int] | None, at_least: int
) -> list[tuple[int, str, str, str, int, int]]:
    """(card id, question, deck name, wrong option, times picked, learning day last picked) of
    every wrong option of an active card picked in at least `at_least` answers, most first
    (`tutor.stats_sql.REPEATED_WRONG_PICKS`)."""
    from tutor.queue_sql import in_decks
    from tutor.stats_sql import REPEATED_WRONG_PICKS
    from tutor.store.queue import StoreReader

    query = REPEATED_WRONG_PICKS.format(decks=in_decks(deck_ids))
    rows = StoreReader(conn).rows(query, {"at_least": at_least})
    return [(int(i), str(q), str(d), str(t), int(n), int(day)) for i, q, d, t, n, day in rows]


def option_picks(
    conn: Connection, card_ids: Sequence[int]
) -> dict[int, tuple[int, dict[str, int]]]:
    """For each card: (answers in which an option was chosen, times each option text was
    chosen)."""
    if not card_ids:
        return {}
    ch, o = choice_table.c, option_table.c
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
        select(ch.card_id, o.text, func.count())
        .select_from(_joined())
        .where(ch.card_id.in_(ids))
        .group_by(ch.card_id, o.text)
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

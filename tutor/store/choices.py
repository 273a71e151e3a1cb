"""The options learners chose (card_option, review.chosen_numbers): each option's text written
once per card, each answer's choices as their numbers, picks per option kept beside them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, case, func, literal_column, select

from tutor.chosen import CHOSE, chosen_list, chosen_text
from tutor.queue_sql import for_postgresql
from tutor.store.prepared import Prepared
from tutor.store.tables import card_table, deck_table, option_table, review_table

CHUNK = 500  # cards per IN (...) list: well under every database's bound-parameter limit


def chose(conn: Connection, review: str = "review", option: str = "card_option") -> Any:
    """CHOSE for a Core query on `conn`'s database."""
    sql = CHOSE.format(review=review, option=option)
    return literal_column(for_postgresql(sql) if conn.dialect.name == "postgresql" else sql)


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
_SET_CHOSEN = Prepared(
    review_table.update()
    .where(review_table.c.id == bindparam("review"))
    .values(chosen_numbers=bindparam("numbers"))
)
_SET_OPTION_DECKS = Prepared(
    option_table.update()
    .where(_o.card_id == bindparam("card"))
    .values(active_deck_id=select(ACTIVE_DECK).where(_c.id == _o.card_id).scalar_subquery())
)


# Each option's picks (`card_option.picks`, `first_pick_day`, `last_pick_day`): one more pick
# on a day, as each chosen option is written; counted again from the log where picks go.
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


def counted_picks(conn: Connection) -> dict[str, Any]:
    """Each option's picks, first and last day as the answers' `chosen_numbers` give them
    (correlated to the option row being written or compared)."""
    r = review_table.c
    picked = select().where(r.card_id == _o.card_id, chose(conn))
    return {
        "picks": picked.with_only_columns(func.count()).scalar_subquery(),
        "first_pick_day": picked.with_only_columns(func.min(r.day)).scalar_subquery(),
        "last_pick_day": picked.with_only_columns(func.max(r.day)).scalar_subquery(),
    }


def recount_picks(conn: Connection, card_ids: Iterable[int] | None = None) -> None:
    """Count these cards' options' picks again from the log (every option's: None)."""
    recount = option_table.update().values(**counted_picks(conn))
    if card_ids is None:
        conn.execute(recount)
        return
    ids = sorted({int(card) for card in card_ids})
    for at in range(0, len(ids), CHUNK):
        conn.execute(recount.where(_o.card_id.in_(ids[at : at + CHUNK])))


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


Chosen = Sequence[tuple[str, bool]]  # an answer's chosen options: (text, right) in file order


def chosen_numbers(conn: Connection, answers: Sequence[tuple[int, Chosen]]) -> list[str | None]:
    """The `chosen_numbers` of answers given as (card id, chosen options), to write with each
    answer's row. An option text (with its rightness) a card has not had chosen before gets the
    card's next number and is written."""
    numbers = OptionNumbers()
    numbers.load(conn, sorted({int(card) for card, chosen in answers if chosen}))
    kept = [
        chosen_text([numbers.number(int(card), str(text), bool(right)) for text, right in chosen])
        for card, chosen in answers
    ]
    numbers.write(conn)
    return kept


def add_picks(conn: Connection, answers: Iterable[tuple[int, int, str | None]]) -> int:
    """One more pick on its day for each option these written answers chose, given as (card id,
    learning day, chosen_numbers); return how many."""
    picks = [
        {"card": int(card), "option": number, "on": int(day)}
        for card, day, kept in answers
        for number in chosen_list(kept)
    ]
    _ADD_PICK.run_many(conn, picks)
    return len(picks)


def add_choices(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Store the chosen options of answers already written: rows of review_id, card_id, day,
    option_text, correct, each answer's in file order (`chosen_numbers` and `add_picks`); return
    how many choices were written. A writer of new answers gives their numbers in the insert."""
    answers: dict[int, tuple[int, int, list[tuple[str, bool]]]] = {}
    for row in rows:
        card, day = int(row["card_id"]), int(row["day"])
        chosen = answers.setdefault(int(row["review_id"]), (card, day, []))[2]
        chosen.append((str(row["option_text"]), bool(row["correct"])))
    kept = chosen_numbers(conn, [(card, chosen) for card, _day, chosen in answers.values()])
    _SET_CHOSEN.run_many(
        conn, [{"review": i, "numbers": n} for i, n in zip(answers, kept, strict=True)]
    )
    return add_picks(
        conn, [(card, day, n) for (card, day, _c), n in zip(answers.values(), kept, strict=True)]
    )


def _texts(conn: Connection, answers: Iterable[Sequence[Any]]) -> dict[int, list[tuple[str, bool]]]:
    """(option text, right) of each answer's choices in order, by review id, from rows of
    (review id, card id, chosen_numbers)."""
    answers = [(int(i), int(card), chosen_list(stored)) for i, card, stored in answers if stored]
    options: dict[int, dict[int, tuple[str, bool]]] = {}
    cards = sorted({card for _i, card, _n in answers})
    for at in range(0, len(cards), CHUNK):
        query = _NUMBERED.where(_o.card_id.in_(cards[at : at + CHUNK]))
        for card, number, text, right in conn.execute(query):
            options.setdefault(int(card), {})[int(number)] = (str(text), bool(right))
    return {  # a number its card lacks is left out, as a join would (`tutor check` reports it)
        i: [options[card][n] for n in numbers if n in options.get(card, {})]
        for i, card, numbers in answers
    }


def chosen_by_review(
    conn: Connection, card_ids: Collection[int] | None = None
) -> dict[int, list[tuple[str, bool]]]:
    """Every answer's choices (or those of `card_ids`' answers), (option text, right) in file
    order, by review id."""
    r = review_table.c
    query = (
        select(r.id, r.card_id, r.chosen_numbers)
        .where(r.chosen_numbers.is_not(None))
        .order_by(r.id)
    )
    if card_ids is None:
        return _texts(conn, conn.execute(query))
    ids = sorted(int(card) for card in card_ids)
    chosen: dict[int, list[tuple[str, bool]]] = {}
    for at in range(0, len(ids), CHUNK):
        chosen |= _texts(conn, conn.execute(query.where(r.card_id.in_(ids[at : at + CHUNK]))))
    return dict(sorted(chosen.items()))


def last_choices(conn: Connection, card_id: int) -> list[tuple[str, bool]]:
    """(option text, right) of what was chosen in the card's latest answer (none: no answer, or
    nothing chosen in it)."""
    r = review_table.c
    latest = conn.execute(
        select(r.id, r.card_id, r.chosen_numbers)
        .where(r.card_id == card_id)
        .order_by(r.id.desc())
        .limit(1)
    ).all()
    return next(iter(_texts(conn, latest).values()), [])


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
    r, ids = review_table.c, list(card_ids)
    answers: dict[int, int] = dict(
        conn.execute(  # type: ignore[arg-type]
            select(r.card_id, func.count())
            .where(r.card_id.in_(ids), r.chosen_numbers.is_not(None))
            .group_by(r.card_id)
        ).all()
    )
    picks: dict[int, tuple[int, dict[str, int]]] = {
        int(i): (int(n), {}) for i, n in answers.items()
    }
    rows = conn.execute(
        select(_o.card_id, _o.text, func.sum(_o.picks))
        .where(_o.card_id.in_(ids), _o.picks > 0)
        .group_by(_o.card_id, _o.text)
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

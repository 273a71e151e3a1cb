"""Schema 6 -> 7 in the caller's transaction: each chosen option's text stored once per card."""

from __future__ import annotations

from sqlalchemy import Connection, text

from tutor.store import tables
from tutor.store.choices import OptionNumbers
from tutor.store.migrate_reviews import BATCH, _pause_if_asked

OLD_INDEXES = ("ix_choice_card", "ix_review_choice_review_id")
COLUMNS = ("card_id", "review_id", "position", "option_number", "day")
# review_choice as versions 7 to 13 had it (version 14 folds it into review.chosen_numbers)
CHOICE_TABLE = (
    "CREATE TABLE review_choice (card_id INTEGER NOT NULL, option_number INTEGER NOT NULL, "
    "review_id INTEGER NOT NULL, position INTEGER NOT NULL, day INTEGER NOT NULL, "
    "PRIMARY KEY (card_id, option_number, review_id), "
    "FOREIGN KEY(card_id, option_number) REFERENCES card_option (card_id, number) "
    "ON DELETE CASCADE, FOREIGN KEY(card_id) REFERENCES card (id) ON DELETE CASCADE)"
)
INSERT_CHOICE = text(
    f"INSERT INTO review_choice ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in COLUMNS)})"
)


def options_once(conn: Connection) -> None:
    """Replace version 6's review_choice (a rowid, the option's text on every choice, two
    indexes) with card_option and a review_choice keyed by card, answer and place."""
    numbers = OptionNumbers()
    choices: list[tuple[int, int, int, int, int]] = []
    rows = conn.execute(
        text(
            "SELECT card_id, review_id, day, option_text, correct FROM review_choice "
            "ORDER BY card_id, review_id, id"
        )
    )
    review, place = None, 0
    for row in rows:
        place = place + 1 if row.review_id == review else 0
        review = row.review_id
        number = numbers.number(int(row.card_id), str(row.option_text), bool(row.correct))
        choices.append((int(row.card_id), int(row.review_id), place, number, int(row.day)))
    for name in OLD_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    conn.exec_driver_sql("DROP TABLE review_choice")
    tables.option_table.create(conn)
    rowid = " WITHOUT ROWID" if conn.dialect.name == "sqlite" else ""
    conn.exec_driver_sql(CHOICE_TABLE + rowid)
    numbers.write(conn)
    for at in range(0, len(choices), BATCH):
        conn.execute(
            INSERT_CHOICE,
            [dict(zip(COLUMNS, choice, strict=True)) for choice in choices[at : at + BATCH]],
        )
    _pause_if_asked()

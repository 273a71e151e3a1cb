"""Schema 13 -> 14 in the caller's transaction: each answer's choices kept on its review row."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, inspect, text

from tutor.chosen import chosen_text
from tutor.store.migrate_reviews import BATCH, _pause_if_asked

CHOICES = "SELECT review_id, option_number FROM review_choice ORDER BY review_id, position"
SET_CHOSEN = text("UPDATE review SET chosen_numbers = :numbers WHERE id = :id")


def choices_in_reviews(conn: Connection) -> None:
    """Write each answer's chosen option numbers, in their order, on its review
    (`review.chosen_numbers`), then drop review_choice (a row per choice, with its own key):
    the picks kept on each option stay as they are."""
    present = {column["name"] for column in inspect(conn).get_columns("review")}
    if "chosen_numbers" not in present:
        conn.exec_driver_sql("ALTER TABLE review ADD COLUMN chosen_numbers VARCHAR")
    batch: list[dict[str, object]] = []
    for review_id, numbers in _chosen(conn):
        batch.append({"id": review_id, "numbers": chosen_text(numbers)})
        if len(batch) == BATCH:
            conn.execute(SET_CHOSEN, batch)
            batch = []
    if batch:
        conn.execute(SET_CHOSEN, batch)
    conn.exec_driver_sql("DROP TABLE review_choice")
    _pause_if_asked()


def _chosen(conn: Connection) -> Iterator[tuple[int, list[int]]]:
    """(review id, option numbers in order) of every answer that chose an option."""
    review, numbers = None, []
    for review_id, number in conn.execute(text(CHOICES)):  # read as the updates go
        if review_id != review and review is not None:
            yield review, numbers
            numbers = []
        review = int(review_id)
        numbers.append(int(number))
    if review is not None:
        yield review, numbers

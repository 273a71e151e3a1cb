"""A new card as the card insert's values: one definition for a `Card` and for the fast path."""

from __future__ import annotations

from tutor.card_options import encode_plain
from tutor.deck.models import Card, Option, content_digest

# slug, key, kind, question, body, options (stored JSON), explanation, answer, content digest
# (a bytearray: SQLite binds it without an adapter lookup), line
CardRow = tuple[str | None, str, str, str, str, str, str, str, bytearray, int]


def plain_row(
    question: str,
    body: str,
    slug: str | None,
    options: tuple[Option, ...],
    explanation: str,
    answer: str,
    line: int,
    key: str,
    *,
    control_free: bool = False,
) -> CardRow:
    """The row of a card without tags from its parts (`Card.plain`'s arguments);
    `control_free`: no option holds a control character (`encode_plain`)."""
    return (
        slug,
        key,
        "choice" if options else "recall",
        question,
        body,
        encode_plain(options, control_free=control_free),
        explanation,
        answer,
        bytearray(content_digest(question, body, explanation, answer, options)),
        line,
    )


def card_row(card: Card) -> CardRow:
    """The row of any card (its own tags count in its digest, not in its row)."""
    row = plain_row(
        card.question,
        card.body,
        card.slug,
        card.options,
        card.explanation,
        card.answer,
        card.line,
        card.key,
    )
    return (*row[:8], bytearray(card.content_digest()), row[9]) if card.tags else row

"""A quiz text's deck written as a Markdown deck: a fixed id and an option template per card."""

from __future__ import annotations

import hashlib
import json
import re

from tutor.deck.models import Card, Deck, short
from tutor.deck.parser import parse_text
from tutor.errors import DeckError, Problem

ID_WIDTH = 40
OPTION_TEMPLATE = (
    '<!-- Options: fill them in (reasoning after " — "), '
    "then delete this line and the closing one.\n"
    "- [x]\n"
    "- [ ]\n"
    "- [ ]\n"
    "-->"
)


def card_id(deck_name: str, card: Card) -> str:
    """A stable id from the card's identity (the deck plus the normalized question)."""
    digest = hashlib.sha1(f"{deck_name}\x1f{card.key}".encode()).hexdigest()[:8]
    words: list[str] = []
    for word in re.findall(r"[a-z0-9]+", card.key):
        if len("-".join([*words, word])) > ID_WIDTH:
            break
        words.append(word)
    return f"{'-'.join(words)}-{digest}" if words else f"q-{digest}"


def quiz_markdown(deck: Deck) -> str:
    """The deck as Markdown deck text that imports to the same recall cards, each with its id.

    Raise DeckError (naming the quiz's lines) for an item whose text would read differently
    as Markdown, such as an explanation that starts with `## ` or `- [x]`.
    """
    header = f"---\ntitle: {json.dumps(deck.name, ensure_ascii=False)}\n---\n\n"
    if deck.description:
        header += f"{deck.description}\n\n"
    sections = [_section(card, card_id(deck.name, card)) for card in deck.cards]
    problems = [
        _unfaithful(deck, card)
        for card, section in zip(deck.cards, sections, strict=True)
        if not _faithful(deck, card, section)
    ]
    text = header + "\n".join(sections)
    written = parse_text(header, deck.path)
    if (written.name, written.description) != (deck.name, deck.description):
        problems.insert(
            0,
            Problem(
                deck.path,
                1,
                "the title line would read differently as Markdown front matter or text; "
                "reword it and convert again",
            ),
        )
    if problems:
        raise DeckError(problems)
    return text


def _section(card: Card, slug: str) -> str:
    return f"## {card.question}\n<!-- id: {slug} -->\n\n{OPTION_TEMPLATE}\n\n{card.answer}\n"


def _faithful(deck: Deck, card: Card, section: str) -> bool:
    try:
        parsed = parse_text(section, deck.path).cards
    except DeckError:
        return False
    expected = card.model_copy(update={"slug": card_id(deck.name, card)})
    return (
        len(parsed) == 1
        and parsed[0].content_hash() == expected.content_hash()
        and (
            parsed[0].slug,
            parsed[0].kind,
        )
        == (expected.slug, "recall")
    )


def _unfaithful(deck: Deck, card: Card) -> Problem:
    return Problem(
        deck.path,
        card.line,
        f'question "{short(card.question)}" or its explanation would read as Markdown deck '
        "syntax (a heading, an option, a code fence or a comment); reword it and convert again",
    )

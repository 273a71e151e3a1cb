"""A quiz text's deck written as a Markdown deck: a fixed id and an option template per card."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace

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


def quiz_markdown(deck: Deck, converted_from: str | None = None) -> str:
    """The deck as Markdown deck text that imports to the same recall cards, each with its id.

    `converted_from` (the quiz text's absolute path) goes in the front matter: importing the
    deck then takes over the deck imported from that quiz text. Raise DeckError (naming the
    quiz's lines) for an item whose text would read differently as Markdown, such as an
    explanation that starts with `## ` or `- [x]`.
    """
    title = f"title: {json.dumps(deck.name, ensure_ascii=False)}\n"
    source = f"converted_from: {json.dumps(converted_from, ensure_ascii=False)}\n"
    header = f"---\n{title}{source if converted_from is not None else ''}---\n\n"
    description = f"{deck.description}\n\n" if deck.description else ""
    header += description
    cards = [replace(card, slug=card_id(deck.name, card)) for card in deck.cards]
    sections = [_section(card) for card in cards]
    text = header + "\n".join(sections)
    if _reads_back(text, deck, cards, converted_from):
        return text
    problems = [
        Problem(
            deck.path,
            card.line,
            f'question "{short(card.question)}" or its explanation would read as Markdown deck '
            "syntax (a heading, an option, a code fence or a comment); reword it and convert again",
        )
        for card, section in zip(cards, sections, strict=True)
        if not _reads_back(section, None, [card])
    ]
    if not _reads_back(header, deck, [], converted_from):
        problems.insert(
            0,
            Problem(
                deck.path,
                1,
                "the title line would read differently as Markdown front matter or text; "
                "reword it and convert again"
                if not _reads_back(f"---\n{title}---\n\n{description}", deck, [], None)
                else "the quiz's path would read differently in the deck's front matter; "
                "rename the file and convert again",
            ),
        )
    raise DeckError(problems or [Problem(deck.path, 1, "the converted deck would not import")])


def _section(card: Card) -> str:
    return f"## {card.question}\n<!-- id: {card.slug} -->\n\n{OPTION_TEMPLATE}\n\n{card.answer}\n"


def _reads_back(
    text: str, deck: Deck | None, cards: list[Card], converted_from: str | None = None
) -> bool:
    """True if `text` parses to these cards (and to the deck's name, description and source)."""
    try:
        parsed = parse_text(text, deck.path if deck else "quiz.md")
    except DeckError:
        return False
    if deck is not None and (parsed.name, parsed.description) != (deck.name, deck.description):
        return False
    if deck is not None and parsed.converted_from != converted_from:
        return False
    return len(parsed.cards) == len(cards) and all(
        (read.content_hash(), read.slug, read.kind) == (card.content_hash(), card.slug, "recall")
        for read, card in zip(parsed.cards, cards, strict=False)
    )

"""An Anki collection as Markdown deck texts: front/back cards as recall cards, the rest counted."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

from tutor.anki.html_text import field_text
from tutor.anki.source import AnkiCollection, Card, NoteType, Template
from tutor.deck.models import Deck
from tutor.deck.parser import parse_text
from tutor.errors import DeckError

REFERENCE = re.compile(r"{{\s*([^}]*?)\s*}}")
ANSWER_RULE = re.compile(r"<hr\s+id\s*=\s*[\"']?answer[\"']?\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")
FILE_NAME = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class DeckText:
    """One Markdown deck file to write: its file name, its text, and its cards' Anki ids."""

    name: str
    file_name: str
    text: str
    card_ids: dict[str, int]  # slug -> Anki card id


@dataclass
class Conversion:
    """The decks to write and what stayed out, counted by reason."""

    decks: list[DeckText] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> cards
    media: list[str] = field(default_factory=list)
    tagged_notes: int = 0
    suspended: int = 0


def slug(card: Card) -> str:
    return f"anki-{card.id}"


def sides(notetype: NoteType, template: Template) -> tuple[str, str] | None:
    """(front field, back field) when the template shows exactly one field on each side and
    nothing else (Basic, Basic and reversed, type in the answer); else None."""
    fields = set(notetype.fields)
    front = _references(template.front, fields)
    back = _references(ANSWER_RULE.sub("", template.back), fields | {"FrontSide"})
    if front is None or back is None:
        return None
    front_shown = [f for typed, f in front if not typed]
    back_shown = [f for typed, f in back if not typed and f != "FrontSide" and f not in front_shown]
    if not back_shown:
        back_shown = [f for typed, f in back if typed]
    if len(front_shown) != 1 or len(back_shown) != 1 or front_shown == back_shown:
        return None
    return front_shown[0], back_shown[0]


def _references(template: str, fields: set[str]) -> list[tuple[bool, str]] | None:
    """The fields a template shows, as (typed in, name); None if it holds anything else:
    conditionals, filters, special fields, or text of its own."""
    found: list[tuple[bool, str]] = []
    for name in REFERENCE.findall(template):
        typed = name.startswith("type:")
        bare = name.removeprefix("type:")
        if bare not in fields:
            return None
        found.append((typed, bare))
    rest = TAG.sub("", REFERENCE.sub("", template)).replace("&nbsp;", " ")
    return found if not rest.strip() else None


def convert(collection: AnkiCollection) -> Conversion:
    """Every deck with recall cards as deck text (checked to parse back to the same cards)."""
    result = Conversion()
    by_deck: dict[int, list[tuple[Card, str, str]]] = {}
    tagged: set[int] = set()
    for card in collection.cards:
        note = collection.notes.get(card.note_id)
        notetype = collection.notetypes.get(note.notetype_id) if note else None
        if note is None or notetype is None:
            result.skipped["its note or note type is missing from the collection"] += 1
            continue
        if notetype.cloze:
            result.skipped[f"cloze (note type '{notetype.name}')"] += 1
            continue
        template = notetype.template(card.ord)
        pair = sides(notetype, template) if template else None
        if template is None or pair is None:
            shown = template.name if template else f"#{card.ord + 1}"
            result.skipped[
                f"note type '{notetype.name}', card '{shown}': not one field on each side"
            ] += 1
            continue
        values = dict(zip(notetype.fields, note.fields, strict=False))
        front, back = field_text(values.get(pair[0], "")), field_text(values.get(pair[1], ""))
        result.media += front.media + back.media
        question = " ".join(front.text.split())
        if not question or "```" in front.text:
            reason = "empty front" if not question else "code block on the front"
            result.skipped[reason] += 1
            continue
        if not back.text:
            result.skipped["empty back"] += 1
            continue
        if note.tags:
            tagged.add(note.id)
        if card.suspended:
            result.suspended += 1
        by_deck.setdefault(card.deck_id, []).append((card, question, back.text))
    result.tagged_notes = len(tagged)
    used: set[str] = set()
    for deck_id, cards in sorted(by_deck.items(), key=lambda d: _deck_name(collection, d[0])):
        name = _deck_name(collection, deck_id)
        deck = _deck_text(name, _file_name(name, used), cards, result)
        if deck is not None:
            result.decks.append(deck)
    return result


def _deck_name(collection: AnkiCollection, deck_id: int) -> str:
    name = collection.decks.get(deck_id, f"Anki deck {deck_id}")
    parts = [" ".join(part.split()) for part in name.split("::")]
    return "::".join(p for p in parts if p) or f"Anki deck {deck_id}"


def _file_name(name: str, used: set[str]) -> str:
    stem = FILE_NAME.sub("-", name.replace("::", "--")).strip("-.")[:80] or "deck"
    candidate, number = f"{stem}.md", 2
    while candidate.casefold() in used:
        candidate, number = f"{stem}-{number}.md", number + 1
    used.add(candidate.casefold())
    return candidate


def _section(card: Card, question: str, answer: str) -> str:
    return f"## {question}\n<!-- id: {slug(card)} -->\n\n{answer}\n"


def _deck_text(
    name: str, file_name: str, cards: list[tuple[Card, str, str]], result: Conversion
) -> DeckText | None:
    header = f"---\ntitle: {json.dumps(name, ensure_ascii=False)}\n---\n\n"
    kept = (
        [c for c in cards if _reads_back(header, name, [c])]
        if not _reads_back(header, name, cards)
        else cards
    )
    if len(kept) < len(cards):
        result.skipped["would not read back the same as Markdown"] += len(cards) - len(kept)
    if not kept:
        return None
    text = header + "\n".join(_section(*c) for c in kept)
    return DeckText(name, file_name, text, {slug(card): card.id for card, _, _ in kept})


def _reads_back(header: str, name: str, cards: list[tuple[Card, str, str]]) -> bool:
    text = header + "\n".join(_section(*c) for c in cards)
    try:
        deck: Deck = parse_text(text, "anki.md")
    except DeckError:
        return False
    return (
        deck.name == name
        and len(deck.cards) == len(cards)
        and all(
            (read.slug, read.question, read.answer, read.kind) == (slug(c), q, a, "recall")
            for read, (c, q, a) in zip(deck.cards, cards, strict=True)
        )
    )

"""A stored card as the fields, GUID and tags of an Anki note (pure: no genanki here)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from tutor.anki.html import inline_html, markdown_html
from tutor.store.deck_content import CardContent

FIELD_NAMES = ("Question", "Options", "Answer", "Reasoning", "Explanation")
_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


@dataclass(frozen=True)
class NoteContent:
    """What one Anki note holds: its fields (HTML) in FIELD_NAMES order, GUID and tags."""

    guid: str
    fields: tuple[str, str, str, str, str]
    tags: tuple[str, ...]


def note_guid(deck_name: str, card: CardContent) -> str:
    """A GUID from the card's identity: its id (`<!-- id: -->`) if it has one, else its deck
    and question, exactly as `tutor import` matches cards; the same card gives the same GUID
    in every export, so Anki updates the note instead of adding another."""
    identity = (
        f"tutor id\x1f{card.slug}" if card.slug else f"tutor key\x1f{deck_name}\x1f{card.key}"
    )
    number = int.from_bytes(hashlib.sha256(identity.encode("utf-8")).digest()[:8], "big")
    digits = []
    while number:
        number, digit = divmod(number, len(_BASE91))
        digits.append(_BASE91[digit])
    return "".join(reversed(digits)) or _BASE91[0]


def anki_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Deck tags as Anki tags: one word each (Anki separates tags by spaces)."""
    words = (re.sub(r"\s+", "_", tag.strip()) for tag in tags)
    return tuple(dict.fromkeys(w for w in words if w))


def _question(card: CardContent) -> str:
    heading = f'<div class="tutor-question">{inline_html(card.question)}</div>'
    body = markdown_html(card.body)
    return heading + (f'\n<div class="tutor-body">{body}</div>' if body else "")


def _options(card: CardContent) -> str:
    if not card.options:
        return ""
    hint = (
        '<p class="tutor-hint">Select all that apply.</p>\n'
        if sum(o.correct for o in card.options) > 1
        else ""
    )
    items = "".join(f"<li>{inline_html(o.text)}</li>" for o in card.options)
    return f'{hint}<ol class="tutor-options">{items}</ol>'


def _answer(card: CardContent) -> str:
    if not card.options:
        return markdown_html(card.answer)
    items = "".join(
        f'<li value="{number}"><span class="tutor-mark">✓</span> {inline_html(o.text)}</li>'
        for number, o in enumerate(card.options, start=1)
        if o.correct
    )
    return f'<ol class="tutor-right">{items}</ol>'


def _reasoning(card: CardContent) -> str:
    if not any(o.reasoning for o in card.options):
        return ""
    items = []
    for option in card.options:
        kind, mark = ("right", "✓") if option.correct else ("wrong", "✗")
        why = markdown_html(option.reasoning)
        items.append(
            f'<li class="tutor-{kind}"><span class="tutor-mark">{mark}</span> '
            f"{inline_html(option.text)}"
            + (f'<div class="tutor-why">{why}</div>' if why else "")
            + "</li>"
        )
    return f'<ol class="tutor-reasons">{"".join(items)}</ol>'


def note_content(deck_name: str, tags: tuple[str, ...], card: CardContent) -> NoteContent:
    """The note for one card: question (and options) on the front; on the back the right
    answer, the reasoning for every option and the explanation."""
    return NoteContent(
        guid=note_guid(deck_name, card),
        fields=(
            _question(card),
            _options(card),
            _answer(card),
            _reasoning(card),
            markdown_html(card.explanation),
        ),
        tags=anki_tags(tags),
    )

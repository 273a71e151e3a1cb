"""Card text (Markdown) as HTML for Anki: rendered with markdown-it, raw HTML shown as text."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt

from tutor.text import neutralise


@cache
def _renderer() -> MarkdownIt:
    # CommonMark with raw HTML off: `<script>` in a card is text, not markup; markdown-it
    # also refuses javascript:, vbscript: and file: links.
    return MarkdownIt("commonmark", {"html": False})


def markdown_html(text: str) -> str:
    """`text` rendered as HTML that Anki shows and never runs.

    Control characters become visible stand-ins (tutor.text), and every `[` is written as
    `&#91;`, so card text cannot hold an Anki media or LaTeX tag (`[sound:...]`, `[latex]`).
    """
    if not text.strip():
        return ""
    rendered: str = _renderer().render(neutralise(text)).strip()
    return rendered.replace("[", "&#91;")


def inline_html(text: str) -> str:
    """A one-line text (an option) rendered as Markdown without its enclosing paragraph."""
    rendered = markdown_html(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered

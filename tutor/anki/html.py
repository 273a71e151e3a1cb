"""Card text (Markdown) as HTML for Anki: rendered with markdown-it, raw HTML shown as text."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from markdown_it import MarkdownIt

from tutor.text import neutralise

# Text that CommonMark renders as one plain paragraph: one line, no character with a Markdown
# or HTML meaning, not starting like a list item. Rendering it through the parser costs about
# half a millisecond; escaping it gives the same HTML (tests/anki check both ways agree).
_MARKUP = re.compile(r"[\n\r\\`*_\[\]<>&#!~|=]|^[-+]|^\d+[.)]")


@cache
def _renderer() -> MarkdownIt:
    # CommonMark with raw HTML off: `<script>` in a card is text, not markup; markdown-it
    # also refuses javascript:, vbscript: and file: links.
    return MarkdownIt("commonmark", {"html": False})


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def commonmark_html(text: str) -> str:
    """`text` rendered by markdown-it, as it is (no fast path, no Anki-specific escaping)."""
    rendered: str = _renderer().render(text)
    return rendered.strip()


@lru_cache(maxsize=4096)  # an option's text is shown three times in a note
def markdown_html(text: str) -> str:
    """`text` rendered as HTML that Anki shows and never runs.

    Control characters become visible stand-ins (tutor.text), and every `[` is written as
    `&#91;`, so card text cannot hold an Anki media or LaTeX tag (`[sound:...]`, `[latex]`).
    """
    safe = neutralise(text)
    if not safe.strip():
        return ""
    if safe == safe.strip() and not _MARKUP.search(safe):
        return f"<p>{_escape(safe)}</p>"
    return commonmark_html(safe).replace("[", "&#91;")


def inline_html(text: str) -> str:
    """A one-line text (an option) rendered as Markdown without its enclosing paragraph."""
    rendered = markdown_html(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered

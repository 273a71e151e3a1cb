"""Card text as Rich renderables: Markdown (never console markup), plain prose reflowed."""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text

from tutor.text import neutralise

MARKDOWN_SYNTAX = re.compile(r"[*_`#>|~\[\]<]|^\s*([-+]|\d+[.)])\s", re.MULTILINE)
INLINE = re.compile(r"`([^`\n]+)`|\*\*(\S(?:.*?\S)?)\*\*|(?<![\w*])[*_](\S(?:.*?\S)?)[*_](?![\w*])")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def block(source: str) -> Any:
    """A card field rendered as Markdown, synchronously; plain prose reflows to the width.

    Plain prose skips the Markdown renderer (and its import, a tenth of start-up).
    """
    source = neutralise(source)
    if not MARKDOWN_SYNTAX.search(source):
        return Text("\n\n".join(" ".join(p.split()) for p in PARAGRAPH_BREAK.split(source.strip())))
    from rich.markdown import Markdown

    return Markdown(source, code_theme="ansi_dark", hyperlinks=False)


def inline(source: str, style: str = "") -> Text:
    """One line of card text with its inline Markdown (`code`, **bold**, *emphasis*) styled."""
    source = " ".join(neutralise(source).split())
    text = Text(style=style)
    position = 0
    for match in INLINE.finditer(source):
        text.append(source[position : match.start()])
        code, strong, emphasis = match.groups()
        if code is not None:
            text.append(code, style="bold reverse")
        elif strong is not None:
            text.append(strong, style="bold")
        else:
            text.append(emphasis, style="italic")
        position = match.end()
    text.append(source[position:])
    return text

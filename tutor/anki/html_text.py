"""An Anki field's HTML as Markdown text (marks, code, lists, line breaks kept); its media named."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SOUND = re.compile(r"\[sound:([^\]]+)\]")
BLOCKS = {"div", "p", "li", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
ESCAPED = re.compile(r"([\\`*_\[\]<>])")
LINE_START = re.compile(r"^(\s*)([#+\-=|]|\d+[.)])")


@dataclass
class FieldText:
    """A field as Markdown, and the media files it names (images, sounds)."""

    text: str
    media: list[str] = field(default_factory=list)


def escape(text: str) -> str:
    """Plain text made to read as itself in Markdown (and never as deck syntax)."""
    lines = ESCAPED.sub(r"\\\1", text).split("\n")
    return "\n".join(LINE_START.sub(r"\1\\\2", line) for line in lines)


class _ToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.media: list[str] = []
        self.pre = 0
        self.code = False
        self.lists: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("\n" if self.pre or self.lists else "\n\n")
        elif tag == "img":
            source = dict(attrs).get("src") or ""
            self.media.append(source)
            self.out.append(f"(image: {escape(source)})")
        elif tag in MARKS and not self.pre:
            self.out.append(MARKS[tag])
        elif tag == "code" and not self.pre:
            self.code = True
            self.out.append("`")
        elif tag == "pre":
            self.pre += 1
            self.out.append("\n\n```\n")
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
            self.out.append("\n")
        elif tag == "li":
            bullet = "1." if self.lists and self.lists[-1] == "ol" else "-"
            self.out.append(f"\n{bullet} ")
        elif tag in BLOCKS:
            self.out.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in MARKS and not self.pre:
            self.out.append(MARKS[tag])
        elif tag == "code" and not self.pre:
            self.code = False
            self.out.append("`")
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)
            self.out.append("\n```\n\n")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.out.append("\n\n")
        elif tag in BLOCKS and tag != "li":
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.pre:
            self.out.append(data)
            return
        data = data.replace("\xa0", " ")
        for name in SOUND.findall(data):
            self.media.append(name)
        data = SOUND.sub(lambda m: f"(sound: {m.group(1)})", data)
        data = re.sub(r"[ \t\r\n]+", " ", data)
        self.out.append(data.replace("`", "'") if self.code else escape(data))


def field_text(html: str) -> FieldText:
    """The field's HTML as Markdown: blocks and <br> become lines, marks become Markdown."""
    parser = _ToMarkdown()
    parser.feed(html)
    parser.close()
    lines = [line.rstrip() for line in "".join(parser.out).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    fenced = False
    tidy: list[str] = []
    for line in text.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        tidy.append(line if fenced or line.startswith("```") else line.strip())
    return FieldText("\n".join(tidy).strip(), parser.media)

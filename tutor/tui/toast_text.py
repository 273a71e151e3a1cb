"""Notification text broken into lines a toast shows whole: at spaces, or after a path's `/`."""

from __future__ import annotations

from rich.cells import cell_len

NARROW_BELOW = 100  # columns: below this every toast takes the screen's width (tutor.tcss)
EDGES = 5  # a toast's text is this much narrower than the screen: scroll gutter, bar, padding
TEXTUAL_WIDTH = 60  # Textual's own toast width (at most half the screen), kept when wide
SEPARATORS = "/\\"


def text_width(screen_width: int, full_width: bool) -> int:
    """The width of a toast's text: the whole screen's (less its edges) below NARROW_BELOW
    columns or when the screen shows toasts in its own lines, else Textual's toast's."""
    if full_width or screen_width < NARROW_BELOW:
        return max(10, screen_width - EDGES)
    return min(TEXTUAL_WIDTH, (screen_width - 2) // 2) - (EDGES - 2)


def wrap(text: str, width: int) -> str:
    """`text` with line breaks at spaces, so that no line is wider than `width`; a word wider
    than a line (a file path) is broken after a path separator, and only failing that anywhere."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            for n, piece in enumerate(_pieces(word, width)):
                joined = f"{line} {piece}" if n == 0 and line else line + piece
                if line and cell_len(joined) > width:
                    lines.append(line)
                    joined = piece
                line = joined
        lines.append(line)
    return "\n".join(lines)


def _pieces(word: str, width: int) -> list[str]:
    """The word whole if it fits a line; else cut after each separator, and any part still
    wider than a line cut to the line's width."""
    if cell_len(word) <= width:
        return [word]
    parts, start = [], 0
    for end, char in enumerate(word, start=1):
        if char in SEPARATORS:
            parts.append(word[start:end])
            start = end
    parts.append(word[start:])
    pieces = []
    for part in filter(None, parts):
        while cell_len(part) > width:
            cut = width
            while cut > 1 and cell_len(part[:cut]) > width:
                cut -= 1
            pieces.append(part[:cut])
            part = part[cut:]
        pieces.append(part)
    return pieces

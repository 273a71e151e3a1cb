"""Terminal-safe text: control characters in deck or database text made visible and inert."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TextIO, cast

DEL = 0x7F
CONTROL_PICTURES = 0x2400  # U+2400 SYMBOL FOR NULL ... U+241F SYMBOL FOR UNIT SEPARATOR
DELETE_PICTURE = "\u2421"  # ␡
ESCAPE_PICTURE = "\u241b"  # ␛


def _table() -> dict[int, str]:
    table = {code: chr(CONTROL_PICTURES + code) for code in range(0x20) if code not in (9, 10)}
    table[DEL] = DELETE_PICTURE
    # A C1 code is the 7-bit ESC sequence ESC + (code - 0x40): U+009B (CSI) shows as "␛[".
    table.update({code: ESCAPE_PICTURE + chr(code - 0x40) for code in range(0x80, 0xA0)})
    return table


SAFE = _table()


def neutralise(text: str) -> str:
    """`text` with every control character but tab and newline replaced by a visible stand-in.

    C0 codes (ESC, BEL, CR, ...) become their control pictures (␛, ␇, ␍), DEL becomes ␡, and a
    C1 code becomes ␛ plus its 7-bit equivalent; a CR LF line end becomes a plain newline.
    Printable text, tab and newline are unchanged, and the result holds no control character,
    so neutralising twice changes nothing.
    """
    if text.isprintable():  # the common case, and fast: no control character at all
        return text
    return text.replace("\r\n", "\n").translate(SAFE)


JSON_ESCAPES = {code: f"\\u{code:04x}" for code in (DEL, *range(0x80, 0xA0))}


def json_safe(encoded: str) -> str:
    """JSON text with DEL and C1 codes written as \\u escapes (json.dump leaves them raw).

    Outside strings JSON is ASCII, so the escapes land inside strings and parse back the same.
    """
    return encoded.translate(JSON_ESCAPES)


class SafeWriter(io.TextIOBase):
    """A text stream that neutralises everything written through it before the real stream."""

    def __init__(self, raw: IO[str]) -> None:
        super().__init__()
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(neutralise(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:  # type: ignore[override]
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw, "errors", None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def raw_stream(stream: IO[str]) -> IO[str]:
    """The stream under a SafeWriter (for our own control codes, such as a progress line's CR)."""
    return stream.raw if isinstance(stream, SafeWriter) else stream


@contextmanager
def safe_output() -> Iterator[None]:
    """Route sys.stdout and sys.stderr through `neutralise` inside the block."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, SafeWriter(stdout))
    sys.stderr = cast(TextIO, SafeWriter(stderr))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = stdout, stderr

"""Write one deck's desired_retention into config.toml, leaving every other line as it was."""

from __future__ import annotations

import copy
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from tutor.config import load_settings
from tutor.errors import ConfigError

KEY = "desired_retention"
_HEADER = re.compile(r"^\s*\[")
_KEY_LINE = re.compile(r"^(\s*desired_retention\s*=\s*)([^#\n]*?)(\s*(#.*)?)$")


def _header(deck: str) -> re.Pattern[str]:
    return re.compile(r"^\s*\[\s*decks\s*\.\s*" + re.escape(json.dumps(deck)) + r"\s*\]\s*(#.*)?$")


def _set_in(lines: list[str], start: int, end: int, value: str) -> bool:
    """Replace the key's value on its line between start and end; False if it is not there."""
    for i in range(start, end):
        match = _KEY_LINE.match(lines[i].rstrip("\n"))
        if match:
            newline = "\n" if lines[i].endswith("\n") else ""
            lines[i] = f"{match.group(1)}{value}{match.group(3)}{newline}"
            return True
    return False


def edited(text: str, deck: str | None, retention: float) -> str:
    """`text` with the retention set for `deck` (None: the default of every deck); raise
    ConfigError when the file says it in a form this edit cannot follow."""
    value = f"{retention:.2f}"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    if deck is None:
        end = headers[0] if headers else len(lines)
        if not _set_in(lines, 0, end, value):
            lines.insert(end, f"{KEY} = {value}\n")
        return "".join(lines)
    own = [i for i in headers if _header(deck).match(lines[i].rstrip("\n"))]
    if not own:
        if lines and lines[-1].strip():
            lines.append("\n")
        lines += [f"[decks.{json.dumps(deck)}]\n", f"{KEY} = {value}\n"]
        return "".join(lines)
    start = own[0] + 1
    end = next((i for i in headers if i > own[0]), len(lines))
    if not _set_in(lines, start, end, value):
        lines.insert(start, f"{KEY} = {value}\n")
    return "".join(lines)


def _expected(data: dict[str, Any], deck: str | None, retention: float) -> dict[str, Any]:
    result = copy.deepcopy(data)
    table = result if deck is None else result.setdefault("decks", {}).setdefault(deck, {})
    table[KEY] = float(f"{retention:.2f}")
    return result


def set_retention(path: Path, deck: str | None, retention: float) -> None:
    """Write the retention into the settings file at `path` (created if missing), whole or not
    at all; the rest of the file is left as it was (comments included)."""
    if not 0.70 <= retention <= 0.99:
        raise ConfigError(f"desired retention {retention} is out of range: give 0.70 to 0.99")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}; fix the file first (nothing was written)") from None
    after_text = edited(text, deck, retention)
    line = f"{KEY} = {retention:.2f}"
    where = "at the top" if deck is None else f"under [decks.{json.dumps(deck)}]"
    try:
        after = tomllib.loads(after_text)
    except tomllib.TOMLDecodeError:
        after = None
    if after != _expected(before, deck, retention):
        raise ConfigError(
            f"{path} sets {KEY} in a form tutor cannot edit safely; nothing was written: "
            f"add `{line}` {where} yourself"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tutor-tmp")
    temporary.write_text(after_text, encoding="utf-8")
    try:
        load_settings(temporary)  # the whole file must still be valid settings
    except ConfigError:
        temporary.unlink()
        raise
    os.replace(temporary, path)

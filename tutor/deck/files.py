"""Deck files: every `*.md` named, or below a named folder (stdlib only)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tutor.errors import Problem


def find_deck_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Every `*.md` named or below a named folder (hidden folders skipped), in a stable order."""
    files: list[Path] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*.md")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                problems.append(Problem(str(path), 0, "no .md files in this folder"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            problems.append(
                Problem(str(path), 0, "not a regular file or a folder; give a deck file")
            )
        else:
            problems.append(Problem(str(path), 0, "no such file or folder"))
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, problems

"""The direction of imports (docs/architecture.md), checked on the source with `ast`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tutor"

# module prefix -> what it may never import (prefixes)
FORBIDDEN = {
    "tutor": ["textual", "tutor.tui"],  # the core never imports the UI...
    "tutor.deck": [
        "sqlalchemy",
        "sqlmodel",
        "fsrs",
        "tutor.store",
        "tutor.session",
        "tutor.scheduling",
    ],
    "tutor.store": [
        "fsrs",
        "fsrs_rs_python",
        "tutor.session",
        "tutor.scheduling",
        "tutor.stats",
        "tutor.cli",
    ],
    "tutor.scheduling": ["sqlalchemy", "sqlmodel", "tutor.store"],
    "tutor.session": ["sqlmodel", "tutor.cli"],
    "tutor.stats": ["sqlmodel", "tutor.cli", "tutor.session"],
}
EXEMPT_FROM_CORE_RULE = ("tutor.tui", "tutor.cli", "tutor.__main__")
ONLY_IN = {
    "sqlalchemy": "tutor.store",
    "sqlmodel": "tutor.store",
    "textual": "tutor.tui",
    "fsrs": "tutor.scheduling",
    "fsrs_rs_python": "tutor.fitting",
    "genanki": "tutor.anki",
    "anki": "tutor.anki",
}


def modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
        found[name] = imported
    return found


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_layers_import_inward_only() -> None:
    broken = []
    for module, imports in modules().items():
        for prefix, forbidden in FORBIDDEN.items():
            if not under(module, prefix):
                continue
            if prefix == "tutor" and module.startswith(EXEMPT_FROM_CORE_RULE):
                continue
            broken += [
                f"{module} imports {i}" for i in imports if any(under(i, f) for f in forbidden)
            ]
    assert broken == []


def test_heavy_libraries_stay_in_their_rooms() -> None:
    broken = [
        f"{module} imports {i}"
        for module, imports in modules().items()
        for i in imports
        for library, home in ONLY_IN.items()
        if under(i, library) and not under(module, home)
    ]
    assert broken == []


def test_importing_the_package_and_cli_pulls_in_nothing_heavy() -> None:
    code = (
        "import sys, tutor, tutor.cli, tutor.config, tutor.day, tutor.errors; "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'textual', 'fsrs', 'pydantic', 'yaml', "
        "'genanki') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_review_start_never_loads_the_fitter() -> None:
    """fsrs-rs is loaded only when a fit or a simulation runs, not by a review session."""
    code = (
        "import sys, tutor.cli, tutor.session, tutor.stats, tutor.optimize, tutor.tui.app; "
        "print('fsrs_rs_python' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"

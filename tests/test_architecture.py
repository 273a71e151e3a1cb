"""The direction of imports (docs/architecture.md), checked on the source with `ast`."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.conftest import WriteDeck
from tests.test_session import START, recall_deck
from tutor.config import Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database

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


def test_the_tui_reaches_the_database_only_through_the_core() -> None:
    broken = [
        f"{module} imports {i}"
        for module, imports in modules().items()
        if under(module, "tutor.tui")
        for i in imports
        if under(i, "tutor.store")
    ]
    assert broken == []


FIRST_FRAME = """
import random, sys
from pathlib import Path
from tutor.cli import build_parser
from tutor.config import load_settings
from tutor.peek import preview, unchanged_decks
from tutor.tui.app import TutorApp
from tutor.tui.screens.review import ReviewScreen
path, deck = Path(sys.argv[1]), sys.argv[2]
from datetime import datetime, UTC
settings = load_settings()
unchanged_decks(path, [deck])
first = preview(path, settings, datetime.fromisoformat(sys.argv[3]), None, random.Random(1))
assert first is not None
ReviewScreen(None, first)
TutorApp(None, settings, start_in_review=True, db_url="sqlite:///" + str(path), preview=first)
print(sorted(m for m in ("sqlalchemy", "sqlmodel", "pydantic", "fsrs") if m in sys.modules))
"""


def test_the_first_frame_loads_no_store_no_models_and_no_fsrs(
    db: Database, db_path: Path, write_deck: WriteDeck
) -> None:
    """Everything `tutor review` runs before its first frame, on a collection with learning,
    review and new cards, in a fresh interpreter."""
    path = write_deck("r.md", recall_deck(6))
    import_paths(db, [path], START)
    session = ReviewSession(db, Settings(timezone="UTC"), clock=lambda: START, sync=False)
    for grade in (Grade.AGAIN, Grade.EASY, Grade.GOOD):
        session.next_card()
        session.grade(None, 1000)
        session.answer(grade)
    later = (START + timedelta(days=3)).isoformat()
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(db_path), str(path), later],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_review_reaches_its_early_first_card_without_the_store(tmp_path: Path) -> None:
    """`tutor review` on SQLite shows its first card before SQLAlchemy is imported (a tag check
    that imported the store first cost 0.4 s of start-up)."""
    code = f"""
import sys
import tutor.cli as cli
cli._refuse_without_terminal = lambda name: False
def early(args, decks):
    print(sorted(m for m in ("sqlalchemy", "sqlmodel", "pydantic") if m in sys.modules))
    return 0
cli._run_review_early = early
sys.exit(cli.main(["--db", {str(tmp_path / "c.db")!r}, "review"]))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

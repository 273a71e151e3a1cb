"""A collection with a history: several decks, reviews, a retired, a suspended, a buried card."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHOICE = """\
## Which one is right {i}?

- [x] Right {i} — because.
- [ ] Wrong {i} — it is not.

Explanation: only one is right.

"""


def write_decks(folder: Path, cards: int = 6) -> list[Path]:
    """Three deck files (one a sub-deck); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "french.md": "# Languages::French\n\n"
        + "".join(f"## Word {i}\n\nMot {i}.\n\n" for i in range(cards)),
        "choice.md": "# Choices\n\n" + "".join(CHOICE.format(i=i) for i in range(cards)),
        "recall.md": "# Recall\n\n"
        + "".join(f"## Fact {i}\n<!-- id: fact-{i} -->\n\nAnswer {i}.\n\n" for i in range(cards)),
    }
    paths = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


def build_history(db: Database, folder: Path, days: int = 4, cards: int = 6) -> None:
    """Import the decks, answer for some days, suspend, bury, and retire one card."""
    paths = write_decks(folder, cards)
    import_paths(db, paths, START)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, new_per_day=cards))
    now = START
    for day in range(days):
        now = START + timedelta(days=day)
        clock = _Clock(now)
        session = ReviewSession(db, settings, clock=clock, sync=False)
        answered = 0
        while (shown := session.next_card()) is not None:
            if day == days - 1 and answered == 0:
                session.suspend()
            elif day == days - 1 and answered == 1:
                session.bury()
            else:
                right = [i for i, o in enumerate(shown.card.options) if o["correct"]]
                session.grade(right if answered % 3 else None, 2000 + answered)
                session.answer(Grade.AGAIN if answered % 4 == 0 else Grade.GOOD)
            answered += 1
            clock.now += timedelta(seconds=30)
    recall = folder / "recall.md"
    text = recall.read_text(encoding="utf-8")
    recall.write_text(text.split("## Fact 0", 1)[0] + "## Fact 1" + text.split("## Fact 1", 1)[1])
    import_paths(db, paths, now + timedelta(hours=1))


def review_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM review").fetchone()[0])
    finally:
        conn.close()


def quick_check(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA quick_check").fetchone()[0])
    finally:
        conn.close()


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

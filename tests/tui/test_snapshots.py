"""A few pictures of the screens at 80x24; refresh them with --snapshot-update."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from tests.conftest import SEED_DECK, WriteDeck
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.store.db import Database
from tutor.tui.app import TutorApp

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SIZE = (80, 24)


def app_for(db: Database, review: bool = True) -> TutorApp:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    return TutorApp(
        db, settings, start_in_review=review, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


def test_question(db: Database, snap_compare: Any) -> None:
    import_paths(db, [SEED_DECK], NOW)
    assert snap_compare(app_for(db), terminal_size=SIZE)


async def pick_a_wrong_option(pilot: Any) -> None:
    await pilot.pause()
    presented = pilot.app.screen.presented
    number = next(
        n for n, i in enumerate(presented.order, 1) if not presented.card.options[i]["correct"]
    )
    await pilot.press(str(number))


def test_wrong_answer_with_reasoning(db: Database, snap_compare: Any) -> None:
    import_paths(db, [SEED_DECK], NOW)
    assert snap_compare(app_for(db), terminal_size=SIZE, run_before=pick_a_wrong_option)


def test_summary(db: Database, write_deck: WriteDeck, snap_compare: Any) -> None:
    import_paths(db, [write_deck("r.md", "# R\n\n## Q\n\nA.\n")], NOW)
    assert snap_compare(app_for(db), terminal_size=SIZE, press=["space", "4"])  # Easy: done


def test_home(db: Database, snap_compare: Any) -> None:
    import_paths(db, [SEED_DECK], NOW)
    assert snap_compare(app_for(db, review=False), terminal_size=SIZE)


SELECT_ALL = """\
# Snap

## Which of these numbers are prime?

- [x] 2 — the only even prime.
- [x] 3 — divisible by 1 and itself only.
- [ ] 4 — it is 2 × 2.
- [ ] 9 — it is 3 × 3.

Explanation: a prime has exactly two divisors, 1 and itself.
"""

CODE_BLOCK = """\
# Snap

## What does this function return for `n = 4`?

```python
def total(n):
    result = 0
    for i in range(n):
        result += i
    return result
```

- [x] 6 — 0 + 1 + 2 + 3: `range(4)` stops before 4.
- [ ] 10 — that would be `range(5)`, which includes 4.
- [ ] 4 — the loop adds the numbers, it does not count them.

Explanation: `range(n)` yields 0 up to n - 1, so the loop adds 0, 1, 2 and 3.
"""


def unshuffled(db: Database) -> TutorApp:
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, shuffle=False))
    return TutorApp(
        db, settings, start_in_review=True, clock=lambda: NOW, rng=random.Random(0), sync=False
    )


def test_wrong_select_all_answer(db: Database, write_deck: WriteDeck, snap_compare: Any) -> None:
    import_paths(db, [write_deck("s.md", SELECT_ALL)], NOW)
    assert snap_compare(unshuffled(db), terminal_size=SIZE, press=["1", "3", "enter"])


def test_help(db: Database, snap_compare: Any) -> None:
    import_paths(db, [SEED_DECK], NOW)
    assert snap_compare(app_for(db), terminal_size=SIZE, press=["question_mark"])


def test_wrong_answer_on_a_code_block_card(
    db: Database, write_deck: WriteDeck, snap_compare: Any
) -> None:
    import_paths(db, [write_deck("c.md", CODE_BLOCK)], NOW)
    assert snap_compare(unshuffled(db), terminal_size=SIZE, press=["2"])

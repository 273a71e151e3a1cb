"""Write tests/data/collection-v3.db: a populated schema-version-3 collection for migration tests.

It was made by the version-3 code (git commit a5f0efb, before the compact review table) with

    TZ=UTC .venv/bin/python tests/data/make_v3_collection.py tests/data/collection-v3.db

and is kept as it came out; the code of later versions cannot write a version-3 file any more.
Three decks (one a sub-deck, one of select-all cards), four days of answers (right, wrong,
"don't know", several options chosen), a suspend, a bury, a retired card, a rescheduling with a
new retention, answers after it, and undone answers.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.helpers.collection import START, _Clock, build_history
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.reschedule import reschedule
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import open_database

SELECT_ALL = """\
## Pick every prime {i}

- [x] 2 — even, and prime.
- [x] 3 — prime.
- [ ] 4 — two twos.
- [ ] 9 — three threes.

"""


def main(target: Path) -> None:
    work = Path(tempfile.mkdtemp())
    os.environ["XDG_DATA_HOME"] = str(work / "data")  # the backups go there, not to the user's
    os.environ["TUTOR_CONFIG"] = str(work / "config.toml")
    db = open_database(f"sqlite:///{work / 'collection.db'}")
    build_history(db, work / "decks", days=4, cards=6)
    primes = work / "decks" / "primes.md"
    primes.write_text("# Primes\n\n" + "".join(SELECT_ALL.format(i=i) for i in range(3)))
    now = START + timedelta(days=4)
    import_paths(db, [primes], now)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, new_per_day=10))
    clock = _Clock(now + timedelta(hours=2))
    session = ReviewSession(db, settings, clock=clock, sync=False)
    answered = 0
    while (shown := session.next_card()) is not None and answered < 8:
        options = shown.card.options
        if options:
            picked = [i for i, o in enumerate(options) if o["correct"] != (answered % 2 == 1)]
            session.grade(picked[:2] if answered % 3 else picked, 3000 + answered)
        else:
            session.grade(None, 4000)
        session.answer(Grade.GOOD if answered % 2 == 0 else Grade.AGAIN)
        if answered == 3:
            session.undo()  # an answer taken back: gone from the log, the card as it was
        answered += 1
        clock.now += timedelta(seconds=40)
    later = Settings(
        timezone="UTC", defaults=DeckSettings(fuzz=False, new_per_day=10, desired_retention=0.8)
    )
    reschedule(db, later, clock.now + timedelta(minutes=5))
    clock.now += timedelta(days=1)
    session = ReviewSession(db, later, clock=clock, sync=False)
    for _ in range(5):
        if session.next_card() is None:
            break
        session.grade(None, 2500)
        session.answer(Grade.HARD)
        clock.now += timedelta(seconds=20)
    db.close()
    source, copy = sqlite3.connect(work / "collection.db"), sqlite3.connect(target)
    source.backup(copy)
    copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    copy.close()
    source.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))

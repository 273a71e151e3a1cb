"""Write tests/data/collection-v7.db and its export: a populated schema-version-7 collection.

It was made by the version-7 code (git commit e23fe3e, before options were stored compactly) with

    TZ=UTC .venv/bin/python tests/data/make_v7_collection.py tests/data/collection-v7.db

and is kept as it came out, with `tutor export` of it by the same code beside it
(collection-v7-export.json). Three decks and a deck of select-all cards, five days of answers
(right, wrong, "don't know", several options chosen), a suspend, a bury, a retired card, an
undone answer, and a deck edited after its options were chosen (an option's text changed, a
right option made wrong), then chosen again; and a deck whose options hold text beyond ASCII
and options without reasoning (for the compact options of version 8).
"""

from __future__ import annotations

import json
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
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import open_database
from tutor.store.repository import export_collection

SELECT_ALL = """\
## Pick every prime {i}

- [x] 2 — even, and prime.
- [x] 3 — prime.
- [ ] 4 — two twos.
- [ ] 9 — three threes.

"""

WORDS = """\
## Which word is French {i}

- [x] café — French, with its é.
- [ ] coffee
- [ ] Kaffee — German: "Kaffee".

"""


def _answer_some(db: object, settings: Settings, clock: _Clock, answers: int) -> None:
    session = ReviewSession(db, settings, clock=clock, sync=False)  # type: ignore[arg-type]
    answered = 0
    while (shown := session.next_card()) is not None and answered < answers:
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


def main(target: Path) -> None:
    work = Path(tempfile.mkdtemp())
    os.environ["XDG_DATA_HOME"] = str(work / "data")  # the backups go there, not to the user's
    os.environ["TUTOR_CONFIG"] = str(work / "config.toml")
    db = open_database(f"sqlite:///{work / 'collection.db'}")
    build_history(db, work / "decks", days=4, cards=6)
    primes = work / "decks" / "primes.md"
    primes.write_text("# Primes\n\n" + "".join(SELECT_ALL.format(i=i) for i in range(3)))
    words = work / "decks" / "words.md"
    words.write_text("# Words\n\n" + "".join(WORDS.format(i=i) for i in range(2)))
    now = START + timedelta(days=4)
    import_paths(db, [primes, words], now)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, new_per_day=10))
    clock = _Clock(now + timedelta(hours=2))
    _answer_some(db, settings, clock, 30)
    choice = work / "decks" / "choice.md"
    text = choice.read_text(encoding="utf-8").replace("Wrong 0 —", "Wrong zero —")
    primes.write_text(
        primes.read_text(encoding="utf-8").replace("- [x] 2 — even", "- [ ] 2 — even"),
        encoding="utf-8",
    )
    choice.write_text(text, encoding="utf-8")
    clock.now += timedelta(days=1)
    import_paths(db, [choice, primes], clock.now)
    _answer_some(db, settings, clock, 30)
    with db.read() as conn:
        exported = export_collection(conn)
    db.close()
    source, copy = sqlite3.connect(work / "collection.db"), sqlite3.connect(target)
    source.backup(copy)
    copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    copy.close()
    source.close()
    target.with_name(target.stem + "-export.json").write_text(
        json.dumps(exported, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))

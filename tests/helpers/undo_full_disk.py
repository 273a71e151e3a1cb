"""A learner whose disk fills up before an undo: prints a JSON report of what changed.

Runs in a child process because the full disk is real: RLIMIT_FSIZE stops every file of this
process from growing past the end of the write-ahead log, so the undo's first write to it fails
with SQLITE_FULL, exactly as on a full disk. The limit is then lifted and the undo tried again.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from tutor.config import DeckSettings, Settings
from tutor.errors import StoreError
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database, open_database, sqlite_path

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TABLES = ("card", "review", "review_before", "card_option")


def rows(db: Database) -> dict[str, list[list[Any]]]:
    with db.read() as conn:
        return {
            t: [list(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
            for t in TABLES
        }


def session_state(session: ReviewSession) -> Any:
    return repr(
        (
            session.current,
            session.verdict,
            [(d.recorded.review_id, d.verdict, d.grade) for d in session.done],
            session.undo_target,
            session.remaining(),
            session._again,
            sorted(session._learning),
            session._reviews,
            session._new,
            session._timings,
        )
    )


def main() -> int:
    url = sys.argv[1]
    wal = f"{sqlite_path(url)}-wal"
    db = open_database(url)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    session = ReviewSession(db, settings, clock=lambda: START, sync=False)
    acknowledged = []
    for correct in (True, False, True):
        session.next_card()
        session.grade([0] if correct else [1], 4000)
        acknowledged.append(session.answer(Grade.GOOD if correct else Grade.AGAIN).review_id)
    last_answered_card = session.done[-1].recorded.card_id
    session.next_card()
    before_session, before_rows = session_state(session), rows(db)

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not the process
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize(wal) + 100, hard))
    failures = []
    for _ in range(2):
        try:
            session.undo()
            error = "the undo was written"
        except StoreError as exc:
            error = exc.message
        failures.append(
            {
                "error": error,
                "session_unchanged": session_state(session) == before_session,
                "rows_unchanged": rows(db) == before_rows,
            }
        )
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    found_after_fault = [r[0] for r in rows(db)["review"]]

    back = session.undo()
    report = {
        "acknowledged": acknowledged,
        "failures": failures,
        "found_after_fault": found_after_fault,
        "last_answered_card": last_answered_card,
        "undone_card": back.card.id if back else None,
        "found_after_undo": [r[0] for r in rows(db)["review"]],
    }
    db.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

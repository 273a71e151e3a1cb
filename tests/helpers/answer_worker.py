"""A learner in a child process: answers cards, printing `saved REVIEW_ID` after each commit."""

from __future__ import annotations

import random
import sys

from tutor.config import DeckSettings, Settings
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import open_database


def main() -> int:
    url, seed, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    db = open_database(url)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, new_per_day=500))
    print("ready", flush=True)
    if len(sys.argv) > 4 and sys.argv[4] == "--wait":
        sys.stdin.readline()  # start together with the other learner
    answered = 0
    while answered < limit:
        session = ReviewSession(db, settings, rng=rng, sync=False)
        if session.next_card() is None:
            break
        while session.current is not None and answered < limit:
            session.grade(None, rng.randint(500, 5000))
            recorded = session.answer(Grade.AGAIN if rng.random() < 0.4 else Grade.GOOD)
            print(f"saved {recorded.review_id}", flush=True)
            answered += 1
            session.next_card()
    print(f"done {answered}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

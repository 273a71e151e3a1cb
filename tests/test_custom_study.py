"""Session size and custom study with a pinned clock and the real scheduler: which cards come,
which answers count as reviews, and practice leaving the FSRS state alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import WriteDeck
from tutor.card_query import parse_query
from tutor.config import DeckSettings, Settings
from tutor.errors import ConfigError
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.state import Phase
from tutor.store.db import Database
from tutor.store.queue import load_card
from tutor.store.tables import card_table, practice_table, review_table
from tutor.study import SessionSize, Study

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def settings(new_per_day: int = 20) -> Settings:
    return Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, new_per_day=new_per_day))


def deck(n: int, title: str = "Words") -> str:
    return f"# {title}\n\n" + "".join(f"## Word {i}\n\nMot {i}.\n\n" for i in range(n))


@pytest.fixture
def words(db: Database, write_deck: WriteDeck) -> Path:
    path = write_deck("words.md", deck(6))
    import_paths(db, [path], START)
    return path


def reviews(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(review_table)).scalar_one())


def practice_rows(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(practice_table)).scalar_one())


def states(db: Database) -> list[tuple[object, ...]]:
    with db.read() as conn:
        c = card_table.c
        query = select(c.id, c.phase, c.stability, c.difficulty, c.due, c.reps, c.lapses)
        return [tuple(row) for row in conn.execute(query.order_by(c.id))]


def answer_all(session: ReviewSession, clock: Clock, grade: Grade = Grade.GOOD) -> list[str]:
    seen = []
    while (shown := session.next_card()) is not None:
        seen.append(shown.card.question)
        session.grade(None, 4000)
        session.answer(grade)
        clock.now += timedelta(seconds=20)
    return seen


def test_limit_ends_the_session_after_that_many_answers(db: Database, words: Path) -> None:
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False, size=SessionSize(limit=4))
    assert answer_all(session, clock) == [f"Word {i}" for i in range(4)]
    assert reviews(db) == 4


def test_new_caps_the_new_cards_of_the_session(db: Database, words: Path) -> None:
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False, size=SessionSize(new=2))
    first = answer_all(session, clock, Grade.EASY)
    assert first == ["Word 0", "Word 1"]


def test_time_up_finishes_the_card_in_progress_then_ends(db: Database, words: Path) -> None:
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False, size=SessionSize(minutes=5))
    assert session.next_card() is not None
    clock.now += timedelta(minutes=4, seconds=59)
    session.answer(Grade.EASY)
    shown = session.next_card()  # 4:59 in: still time for one more
    assert shown is not None and shown.card.question == "Word 1"
    clock.now += timedelta(minutes=3)  # time runs out while this card is on screen
    session.grade(None, 180000)
    session.answer(Grade.EASY)  # the card in progress is answered and saved
    assert session.next_card() is None
    assert reviews(db) == 2


def test_bad_session_sizes_are_refused_with_the_option_named() -> None:
    with pytest.raises(ConfigError, match="--limit -1"):
        SessionSize(limit=-1)
    with pytest.raises(ConfigError, match="--minutes 0"):
        SessionSize(minutes=0)


def test_review_ahead_is_real_reviews_of_cards_due_within_n_days(db: Database, words: Path) -> None:
    clock = Clock()
    answer_all(ReviewSession(db, settings(), clock=clock, sync=False), clock, Grade.EASY)
    clock.now = START + timedelta(days=1)
    assert ReviewSession(db, settings(), clock=clock, sync=False).next_card() is None
    due = [row[4] for row in states(db)]
    assert all(isinstance(d, datetime) for d in due)
    horizon = max(d for d in due if isinstance(d, datetime))
    days = (horizon - clock.now).days + 1
    before = reviews(db)
    ahead = ReviewSession(db, settings(), clock=clock, sync=False, study=Study("ahead", days=days))
    seen = answer_all(ahead, clock, Grade.GOOD)
    assert sorted(seen) == [f"Word {i}" for i in range(6)]
    assert reviews(db) == before + 6  # real reviews: logged, states moved
    assert all(row[5] == 2 for row in states(db))
    none_yet = ReviewSession(db, settings(), clock=clock, sync=False, study=Study("ahead", days=1))
    assert none_yet.next_card() is None  # now due much later than tomorrow


def test_practice_answers_leave_the_fsrs_state_alone(db: Database, words: Path) -> None:
    clock = Clock()
    answer_all(ReviewSession(db, settings(), clock=clock, sync=False), clock, Grade.GOOD)
    before_states, before_reviews = states(db), reviews(db)
    clock.now = START + timedelta(days=3)
    study = Study("practice", query=parse_query("word"))
    session = ReviewSession(db, settings(), clock=clock, sync=False, study=study)
    seen = answer_all(session, clock, Grade.AGAIN)
    assert len(seen) == 6
    assert states(db) == before_states  # nothing rescheduled, no lapse counted
    assert reviews(db) == before_reviews
    assert practice_rows(db) == 6
    session.undo()
    assert practice_rows(db) == 5 and states(db) == before_states


def test_failed_practises_the_cards_rated_again_lately(db: Database, words: Path) -> None:
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False)
    for n in range(6):
        shown = session.next_card()
        assert shown is not None
        session.answer(Grade.AGAIN if shown.card.question in ("Word 1", "Word 4") else Grade.EASY)
        clock.now += timedelta(seconds=20)
        del n
    clock.now = START + timedelta(days=2)
    failed = ReviewSession(db, settings(), clock=clock, sync=False, study=Study("failed", days=3))
    before = states(db)
    assert sorted(answer_all(failed, clock)) == ["Word 1", "Word 4"]
    assert states(db) == before
    old = ReviewSession(db, settings(), clock=clock, sync=False, study=Study("failed", days=1))
    assert old.next_card() is None  # failed two days ago: not within the last day


def test_extra_new_cards_go_past_the_daily_limit(db: Database, words: Path) -> None:
    clock = Clock()
    first = answer_all(ReviewSession(db, settings(2), clock=clock, sync=False), clock, Grade.EASY)
    assert first == ["Word 0", "Word 1"]
    extra = ReviewSession(db, settings(2), clock=clock, sync=False, study=Study("new", count=3))
    assert answer_all(extra, clock, Grade.EASY) == ["Word 2", "Word 3", "Word 4"]
    with db.read() as conn:
        card = load_card(conn, 3)
    assert card is not None and card.state.phase == Phase.REVIEW

"""The review engine with a pinned clock and fuzz off: scheduling, day, limits, undo, leeches."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fsrs
import pytest
from sqlalchemy import func, select

from tests.conftest import SEED_DECK, WriteDeck
from tutor import scheduling
from tutor.config import DeckSettings, Settings
from tutor.day import day_bounds
from tutor.importer import import_paths
from tutor.scheduling import Grade, SchedulerSpec
from tutor.session import ReviewSession
from tutor.state import Phase
from tutor.store import reviews as store
from tutor.store.choices import last_choices
from tutor.store.db import Database, open_database
from tutor.store.review_log import card_steps
from tutor.store.tables import card_table, option_table, review_table

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def settings(**deck: object) -> Settings:
    return Settings(timezone="UTC", defaults=DeckSettings(fuzz=False, **deck))  # type: ignore[arg-type]


def recall_deck(n: int, title: str = "Recall") -> str:
    return f"# {title}\n\n" + "".join(f"## Card {i}\n\nAnswer {i}.\n\n" for i in range(n))


def answer_all(session: ReviewSession, clock: Clock, grade: Grade = Grade.GOOD) -> list[int]:
    seen = []
    while (card := session.next_card()) is not None:
        seen.append(card.card.id)
        session.grade(None, 5000)
        session.answer(grade)
        clock.advance(seconds=10)
    return seen


def state_of(db: Database, card_id: int) -> store.CardState:
    with db.read() as conn:
        return store.card_state(conn, card_id)


def review_count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(review_table)).scalar_one())


def test_scripted_learner_for_60_days_matches_fsrs_directly(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [SEED_DECK, write_deck("r.md", recall_deck(15))], START)
    clock, rng = Clock(), random.Random(7)
    log: dict[int, list[tuple[datetime, Grade]]] = {}
    config = settings(new_per_day=4)
    for day in range(60):
        clock.now = START + timedelta(days=day)
        session = ReviewSession(db, config, clock=clock, rng=random.Random(day), sync=False)
        while (shown := session.next_card()) is not None:
            card = shown.card
            if card.kind == "choice":
                right = [i for i, o in enumerate(card.options) if o["correct"]]
                wrong = [i for i, o in enumerate(card.options) if not o["correct"]]
                verdict = session.grade(right if rng.random() < 0.8 else wrong[:1], 4000)
                grade = verdict.suggested if rng.random() < 0.7 else Grade(rng.randint(1, 4))
            else:
                session.grade(None, 3000)
                grade = Grade(rng.choice([1, 3, 3, 3, 4]))
            session.answer(grade)
            log.setdefault(card.id, []).append((clock.now, grade))
            clock.advance(seconds=rng.randint(5, 90))
    assert len(log) == 25 and sum(len(v) for v in log.values()) == review_count(db)

    direct = fsrs.Scheduler(enable_fuzzing=False)
    for card_id, answers in log.items():
        replayed = fsrs.Card(card_id=card_id, due=answers[0][0])
        for at, grade in answers:
            replayed, _ = direct.review_card(replayed, fsrs.Rating(int(grade)), at)
        ours = state_of(db, card_id)
        assert (int(ours.phase), ours.step, ours.due, ours.last_review) == (
            int(replayed.state),
            replayed.step,
            replayed.due,
            replayed.last_review,
        )
        assert ours.stability == pytest.approx(replayed.stability)
        assert ours.difficulty == pytest.approx(replayed.difficulty)
        assert ours.reps == len(answers)


def test_every_card_state_equals_the_rebuild_from_its_log(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("r.md", recall_deck(6))], START)
    clock, rng = Clock(), random.Random(3)
    for day in range(20):
        clock.now = START + timedelta(days=day)
        session = ReviewSession(db, settings(), clock=clock, sync=False)
        while session.next_card() is not None:
            session.grade(None, 1000)
            session.answer(Grade(rng.randint(1, 4)))
            clock.advance(minutes=1)
    spec = SchedulerSpec.for_deck(DeckSettings(fuzz=False))
    with db.read() as conn:
        ids = conn.execute(select(card_table.c.id)).scalars().all()
        for card_id in ids:
            answers = [(at, Grade(r)) for at, r in store.card_log(conn, card_id)]
            assert store.card_state(conn, card_id) == scheduling.rebuild(spec, card_id, answers)


def test_learning_day_starts_at_4am_local(db: Database, write_deck: WriteDeck) -> None:
    import_paths(db, [write_deck("r.md", recall_deck(10))], START)
    config = Settings(timezone="Europe/Paris", defaults=DeckSettings(fuzz=False, new_per_day=2))
    clock = Clock(datetime(2026, 1, 6, 1, 0, tzinfo=UTC))  # 02:00 in Paris: still Jan 5
    assert (
        len(answer_all(ReviewSession(db, config, clock=clock, sync=False), clock, Grade.EASY)) == 2
    )
    clock.now = datetime(2026, 1, 6, 2, 59, tzinfo=UTC)  # 03:59 Paris: same learning day
    assert ReviewSession(db, config, clock=clock, sync=False).next_card() is None
    clock.now = datetime(2026, 1, 6, 3, 1, tzinfo=UTC)  # 04:01 Paris: a new day, new limits
    assert (
        len(answer_all(ReviewSession(db, config, clock=clock, sync=False), clock, Grade.EASY)) == 2
    )


def test_day_boundary_across_dst_changes() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/New_York")
    spring = day_bounds(datetime(2026, 3, 7, 15, tzinfo=UTC), 4, zone)
    autumn = day_bounds(datetime(2026, 10, 31, 15, tzinfo=UTC), 4, zone)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    assert spring[1].astimezone(zone).hour == 4 and autumn[1].astimezone(zone).hour == 4


def test_session_across_dst_change_resets_limits_at_local_4am(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("r.md", recall_deck(10))], START)
    config = Settings(timezone="America/New_York", defaults=DeckSettings(fuzz=False, new_per_day=1))
    clock = Clock(datetime(2026, 3, 8, 7, 30, tzinfo=UTC))  # 03:30 EDT on the DST day: Mar 7's day
    assert (
        len(answer_all(ReviewSession(db, config, clock=clock, sync=False), clock, Grade.EASY)) == 1
    )
    clock.now = datetime(2026, 3, 8, 7, 59, tzinfo=UTC)  # 03:59 EDT
    assert ReviewSession(db, config, clock=clock, sync=False).next_card() is None
    clock.now = datetime(2026, 3, 8, 8, 1, tzinfo=UTC)  # 04:01 EDT (09:00 UTC would be EST's 4am)
    assert (
        len(answer_all(ReviewSession(db, config, clock=clock, sync=False), clock, Grade.EASY)) == 1
    )


def test_new_card_limit_and_deck_order(db: Database, write_deck: WriteDeck) -> None:
    import_paths(db, [write_deck("r.md", recall_deck(10))], START)
    clock = Clock()
    session = ReviewSession(db, settings(new_per_day=3), clock=clock, sync=False)
    assert session.remaining().new == 3
    shown = answer_all(session, clock, Grade.EASY)
    with db.read() as conn:
        questions = [store.load_card(conn, i).question for i in shown]  # type: ignore[union-attr]
    assert questions == ["Card 0", "Card 1", "Card 2"]
    assert ReviewSession(db, settings(new_per_day=3), clock=clock, sync=False).next_card() is None


def test_review_limit_takes_the_most_at_risk_first(db: Database, write_deck: WriteDeck) -> None:
    import_paths(db, [write_deck("r.md", recall_deck(5))], START)
    clock = Clock()
    for day in range(5):  # one new card a day, each straight to review
        clock.now = START + timedelta(days=day)
        answer_all(
            ReviewSession(db, settings(new_per_day=1), clock=clock, sync=False), clock, Grade.EASY
        )
    clock.now = START + timedelta(days=40)
    session = ReviewSession(db, settings(reviews_per_day=2), clock=clock, sync=False)
    assert session.remaining().review == 2
    spec = SchedulerSpec.for_deck(DeckSettings(fuzz=False))
    risks = sorted(
        (scheduling.retrievability(spec, state_of(db, i), clock.now) or 0, i) for i in range(1, 6)
    )
    assert risks[0][0] < risks[-1][0]
    assert answer_all(session, clock) == [i for _, i in risks[:2]] == [1, 2]


def test_learning_cards_come_back_within_the_session(db: Database, write_deck: WriteDeck) -> None:
    import_paths(db, [write_deck("r.md", recall_deck(4))], START)
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False)
    first = session.next_card()
    assert first is not None
    session.grade(None, 1000)
    session.answer(Grade.AGAIN)  # back in 1 minute
    clock.advance(seconds=30)
    assert session.next_card().card.id != first.card.id  # type: ignore[union-attr]
    session.grade(None, 1000)
    session.answer(Grade.GOOD)
    clock.advance(seconds=40)  # now past the 1-minute step: the failed card comes first
    assert session.next_card().card.id == first.card.id  # type: ignore[union-attr]
    session.grade(None, 1000)
    session.answer(Grade.GOOD)
    with db.read() as conn:
        flags = (
            conn.execute(
                select(review_table.c.first_of_day)
                .where(review_table.c.card_id == first.card.id)
                .order_by(review_table.c.id)
            )
            .scalars()
            .all()
        )
    assert flags == [True, False]  # true retention counts only the day's first answer


def test_the_card_prepared_ahead_is_the_card_shown_next_from_every_queue(
    db: Database, write_deck: WriteDeck
) -> None:
    """`upcoming` (the review screen wraps its text while the answer is read) and `next_card`
    take the queues in one order: new cards, learning cards due now and ahead, undone ones;
    only the answered card itself, put back by its answer, can come before the guess."""
    import_paths(db, [write_deck("r.md", recall_deck(4))], START)
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False)
    grades = [Grade.AGAIN, Grade.GOOD, Grade.HARD, Grade.AGAIN, Grade.GOOD]
    shown = [session.next_card()]
    for step in range(14):
        assert shown[-1] is not None
        session.grade(None, 1000)
        ahead = session.upcoming()
        session.answer(grades[step % len(grades)])
        if step == 6:  # an undone card comes first, then the one prepared before it
            back = session.undo()
            assert back is not None and back.card.id == shown[-1].card.id
            session.grade(None, 1000)
            ahead = session.upcoming()
            session.answer(Grade.GOOD)
        answered = shown[-1].card.id
        nxt = session.next_card()
        if nxt is None:
            assert ahead is None
            break
        if nxt.card.id != answered:  # else its own answer brought it back first: not a guess
            assert ahead is not None and ahead.id == nxt.card.id
        shown.append(nxt)
        clock.advance(seconds=40)
    assert len({card.card.id for card in shown if card is not None}) == 4
    assert len(shown) > 8  # learning cards came back within the session


def test_the_next_card_read_with_the_answer_is_the_card_a_fresh_read_gives(
    tmp_path: Path, write_deck: WriteDeck
) -> None:
    """`answer(read_next=True)` reads the next card in the answer's transaction: over a session
    where learning cards come back (an answered card before the guess, an undone one first),
    each card shown is the one, field for field, that a session reading each card on its own
    shows, on a copy of the same collection."""
    deck = write_deck("r.md", recall_deck(4))
    sessions = []
    for name in ("ahead", "alone"):
        db = open_database(f"sqlite:///{tmp_path / name}.db")
        import_paths(db, [deck], START)
        sessions.append(ReviewSession(db, settings(), clock=Clock(), sync=False))
    reads = [0, 0]
    for n, session in enumerate(sessions):
        read = session.db.read

        def counted(n: int = n, read: Any = read) -> Any:
            reads[n] += 1
            return read()

        session.db.read = counted  # type: ignore[method-assign]
    grades = [Grade.AGAIN, Grade.GOOD, Grade.AGAIN, Grade.HARD, Grade.GOOD]
    shown = [session.next_card() for session in sessions]
    for step in range(30):
        assert shown[0] is not None and shown[0] == shown[1]
        for n, session in enumerate(sessions):
            session.grade(None, 1000)
            session.answer(grades[step % len(grades)], read_next=n == 0)
            shown[n] = session.undo() if step == 5 else session.next_card()
            session.clock.advance(seconds=40)  # type: ignore[attr-defined]
    assert len({done.presented.card.id for done in sessions[0].done}) == 4  # cards came back
    assert reads[1] - reads[0] >= 10  # most next cards came from the answer's transaction
    for session in sessions:
        session.db.close()


def test_a_card_changed_after_a_read_ahead_that_was_not_used_shows_as_changed(
    db: Database, write_deck: WriteDeck
) -> None:
    """The next card read with an answer is used by the very next `next_card` only: a card
    edited after an undo took another card first is read afresh when it is shown."""
    path = write_deck("r.md", recall_deck(3))
    import_paths(db, [path], START)
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False)
    first = session.next_card()
    assert first is not None
    session.grade(None, 1000)
    ahead = session.upcoming()
    assert ahead is not None
    session.answer(Grade.GOOD, read_next=True)  # reads `ahead` in the answer's transaction
    session.undo()  # the next card shown is the answered one again: the read ahead goes unused
    path.write_text(recall_deck(3).replace(ahead.answer, "Edited answer."), encoding="utf-8")
    import_paths(db, [path], START)
    session.bury()  # the undone card goes: the card read ahead comes next, read again
    shown = session.next_card()
    assert shown is not None and shown.card.id == ahead.id
    assert shown.card.answer == "Edited answer."


def test_answer_is_committed_before_the_next_card(db: Database) -> None:
    import_paths(db, [SEED_DECK], START)
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, rng=random.Random(1), sync=False)
    shown = session.next_card()
    assert shown is not None
    wrong = next(i for i, o in enumerate(shown.card.options) if not o["correct"])
    verdict = session.grade([wrong], 3000)
    assert verdict.correct is False and verdict.suggested == Grade.AGAIN
    assert set(verdict.intervals) == set(Grade)
    recorded = session.answer()
    other = Database(db.engine, db.url)  # what another reader sees right now
    with other.read() as conn:
        row = conn.execute(
            select(review_table).where(review_table.c.id == recorded.review_id)
        ).one()
        (step,) = card_steps(conn, row.card_id)
        chosen = last_choices(conn, row.card_id)
    assert (row.rating, row.correct, row.duration_ms, row.phase_before) == (1, False, 3000, 0)
    assert chosen == [(shown.card.options[wrong]["text"], False)]
    assert step.before.phase == Phase.NEW and step.after.phase == Phase.LEARNING
    assert (step.before, step.after) == (recorded.before, recorded.after)


def test_select_all_needs_the_exact_set(db: Database, write_deck: WriteDeck) -> None:
    import_paths(db, [write_deck("s.md", "# S\n\n## Pick\n\n- [x] a\n- [x] b\n- [ ] c\n")], START)
    session = ReviewSession(db, settings(), clock=Clock(), sync=False)
    assert session.next_card().select_all  # type: ignore[union-attr]
    assert session.grade([0], 1000).correct is False
    assert session.grade([0, 1, 2], 1000).correct is False
    assert session.grade([1, 0], 1000).correct is True


def test_suggested_grade_from_speed(db: Database, write_deck: WriteDeck) -> None:
    import_paths(
        db,
        [
            write_deck(
                "c.md",
                "# C\n\n" + "".join(f"## Q{i}\n\n- [x] yes\n- [ ] no\n\n" for i in range(12)),
            )
        ],
        START,
    )
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False)
    for _ in range(6):
        session.next_card()
        assert session.grade([0], 4000).suggested == Grade.GOOD
        session.answer()
    session.next_card()
    assert session.grade([0], 9000).suggested == Grade.HARD  # over twice the 4 s median
    assert session.grade([1], 1000).suggested == Grade.AGAIN
    assert session.grade([0], 1000).suggested == Grade.GOOD  # fast, but not yet a review card


def test_undo_restores_the_card_exactly(db: Database) -> None:
    import_paths(db, [SEED_DECK], START)
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False)
    shown = session.next_card()
    assert shown is not None
    before = state_of(db, shown.card.id)
    session.grade([0], 2000)
    session.answer(Grade.GOOD)
    assert state_of(db, shown.card.id) != before
    back = session.undo()
    assert back is not None and back.card.id == shown.card.id
    assert state_of(db, shown.card.id) == before
    assert review_count(db) == 0
    with db.read() as conn:
        assert conn.execute(select(func.sum(option_table.c.picks))).scalar_one() == 0  # recounted
    assert session.summary().answered == 0


def test_undo_after_several_answers_goes_back_one_at_a_time(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("r.md", recall_deck(3))], START)
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False)
    states = []
    for _ in range(3):
        shown = session.next_card()
        assert shown is not None
        states.append((shown.card.id, state_of(db, shown.card.id)))
        session.grade(None, 1000)
        session.answer(Grade.EASY)
    for card_id, before in reversed(states):
        assert session.undo().card.id == card_id  # type: ignore[union-attr]
        assert state_of(db, card_id) == before
    assert review_count(db) == 0


def lapse_until_leech(db: Database, config: Settings, clock: Clock) -> tuple[int, ReviewSession]:
    session = ReviewSession(db, config, clock=clock, sync=False)
    shown = session.next_card()
    assert shown is not None
    card_id = shown.card.id
    session.grade(None, 1000)
    session.answer(Grade.EASY)  # straight to review
    for _ in range(8):
        due = state_of(db, card_id).due
        assert due is not None
        clock.now = due + timedelta(minutes=1)
        session = ReviewSession(db, config, clock=clock, sync=False)
        assert session.next_card().card.id == card_id  # type: ignore[union-attr]
        session.grade(None, 1000)
        session.answer(Grade.AGAIN)  # a lapse
        clock.advance(minutes=11)
        if session.next_card() is not None:  # relearning step
            session.grade(None, 1000)
            session.answer(Grade.GOOD)
    return card_id, session


def test_leech_after_eight_lapses_is_tagged_and_suspended(
    db: Database, write_deck: WriteDeck
) -> None:
    import_paths(db, [write_deck("r.md", recall_deck(1))], START)
    card_id, session = lapse_until_leech(db, settings(), Clock())
    with db.read() as conn:
        card = store.load_card(conn, card_id)
    assert card is not None and card.state.lapses == 8 and card.leech and card.suspended
    assert session.summary().leeches == ["Card 0"]
    later = ReviewSession(db, settings(), clock=Clock(START + timedelta(days=400)), sync=False)
    assert later.next_card() is None


def test_leech_action_tag_only_keeps_the_card(db: Database, write_deck: WriteDeck) -> None:
    import_paths(db, [write_deck("r.md", recall_deck(1))], START)
    card_id, _ = lapse_until_leech(db, settings(leech_action="tag"), Clock())
    with db.read() as conn:
        card = store.load_card(conn, card_id)
    assert card is not None and card.leech and not card.suspended


def test_suspend_and_bury(db: Database, write_deck: WriteDeck) -> None:
    import_paths(db, [write_deck("r.md", recall_deck(2))], START)
    clock = Clock()
    session = ReviewSession(db, settings(), clock=clock, sync=False)
    first = session.next_card()
    session.suspend()
    second = session.next_card()
    session.bury()
    assert first and second and session.next_card() is None
    assert ReviewSession(db, settings(), clock=clock, sync=False).next_card() is None
    clock.advance(days=1)
    tomorrow = ReviewSession(db, settings(), clock=clock, sync=False)
    assert tomorrow.next_card().card.id == second.card.id  # type: ignore[union-attr]
    with db.write() as conn:
        store.set_flags(conn, first.card.id, suspended=False)
    assert ReviewSession(db, settings(), clock=clock, sync=False).remaining().new == 2


def test_changed_deck_file_is_reimported_before_a_session(
    db: Database, write_deck: WriteDeck
) -> None:
    path = write_deck("r.md", recall_deck(2))
    import_paths(db, [path], START)
    path.write_text(path.read_text() + "## Card 2\n\nAnswer 2.\n", encoding="utf-8")
    session = ReviewSession(db, settings(), clock=Clock())
    assert session.sync_report is not None and session.sync_report.decks[0].added == 1
    assert session.remaining().new == 3


def test_broken_deck_file_keeps_last_good_cards(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("r.md", recall_deck(2))
    import_paths(db, [path], START)
    path.write_text(
        "# Recall\n\n## Card 0\n\n- [ ] no right answer\n- [ ] at all\n", encoding="utf-8"
    )
    session = ReviewSession(db, settings(), clock=Clock())
    assert session.sync_report is not None
    [problem] = session.sync_report.errors
    assert problem.path == str(path.resolve()) and "none is marked [x]" in problem.message
    shown = session.next_card()
    assert shown is not None and shown.card.answer == "Answer 0."


def test_missing_deck_file_is_reported_and_cards_stay(db: Database, write_deck: WriteDeck) -> None:
    path = write_deck("r.md", recall_deck(2))
    import_paths(db, [path], START)
    Path(path).unlink()
    session = ReviewSession(db, settings(), clock=Clock())
    assert "deck file is gone" in session.sync_report.errors[0].message  # type: ignore[union-attr]
    assert session.remaining().new == 2


def test_unknown_deck_name_is_a_clear_error(db: Database) -> None:
    from tutor.errors import NotFoundError

    with pytest.raises(NotFoundError, match=r"no deck or file named .Nope."):
        ReviewSession(db, settings(), ["Nope"], clock=Clock(), sync=False)


def test_summary_counts_accuracy_time_and_tomorrow(db: Database) -> None:
    import_paths(db, [SEED_DECK], START)
    clock = Clock()
    session = ReviewSession(db, settings(new_per_day=3), clock=clock, sync=False)
    for pick_right in (True, False, True):
        shown = session.next_card()
        assert shown is not None
        index = next(i for i, o in enumerate(shown.card.options) if o["correct"] == pick_right)
        session.grade([index], 2000)
        session.answer(Grade.EASY if pick_right else Grade.AGAIN)
    summary = session.summary()
    assert (summary.answered, summary.correct, summary.wrong) == (3, 2, 1)
    assert summary.accuracy == pytest.approx(2 / 3)
    assert summary.milliseconds == 6000
    assert summary.still_due.learning == 1  # the failed card comes back today, not tomorrow
    assert summary.due_tomorrow == 0  # the two easy ones are due in days

"""A review session: today's queue, the current card, grading, durable answers, undo. No UI."""

from __future__ import annotations

import heapq
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from tutor import scheduling
from tutor.card_query import CardQuery
from tutor.card_search import matching_ids
from tutor.clock import Clock, utc_now
from tutor.config import DeckSettings, Settings
from tutor.counts import Counts, due_tomorrow, is_right, next_due, still_due_today
from tutor.day import day_number, local_hour
from tutor.fit_reminder import suggestion
from tutor.importer import ImportReport, refresh_decks
from tutor.queue import LEARN_AHEAD as LEARN_AHEAD  # re-exported
from tutor.queue import Today
from tutor.scheduling import Grade, SchedulerSpec
from tutor.state import CardState, Phase, StoredCard
from tutor.store import reviews as store
from tutor.store.db import Database
from tutor.store.practice import PracticeAnswer, record_practice, undo_practice
from tutor.store.queue import StoreReader
from tutor.study import SessionSize, Study, study_cards

SLOW_FACTOR = 2.0  # right but slower than twice the median: Hard
FAST_FACTOR = 0.5  # right, faster than half the median, on a review card: Easy
MIN_TIMINGS = 5


@dataclass(frozen=True)
class Presented:
    """The card handed out now, with the order to show its options in."""

    card: StoredCard
    order: tuple[int, ...]
    settings: DeckSettings
    shown_at: datetime
    remaining: Counts

    @property
    def select_all(self) -> bool:
        return self.card.select_all


@dataclass(frozen=True)
class Verdict:
    """The outcome of an attempt: right or wrong, the suggested grade, the next intervals."""

    correct: bool | None
    chosen: tuple[int, ...]
    duration_ms: int
    suggested: Grade
    intervals: dict[Grade, timedelta]


@dataclass
class Summary:
    """What a session did, for the end screen."""

    answered: int = 0
    correct: int = 0
    wrong: int = 0
    milliseconds: int = 0
    leeches: list[str] = field(default_factory=list)
    due_tomorrow: int = 0  # learning and review cards falling due during tomorrow's day
    learning_later: int = 0
    next_due: datetime | None = None
    still_due: Counts = field(default_factory=lambda: Counts(0, 0, 0))  # left of today's queue
    optimize_suggestion: str | None = None  # tutor.fit_reminder, when a fit is due

    @property
    def accuracy(self) -> float | None:
        graded = self.correct + self.wrong
        return self.correct / graded if graded else None


@dataclass
class _Done:
    recorded: store.Recorded
    presented: Presented
    verdict: Verdict
    grade: Grade
    practice_id: int | None = None  # a practice answer: logged apart, the state untouched


@dataclass
class _FlagChange:
    flagged: store.Flagged
    presented: Presented
    action: Literal["suspend", "bury"]


class ReviewSession:
    """Hands out today's cards one at a time; every answer is committed before the next card."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        decks: Sequence[str] | None = None,
        *,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        sync: bool = True,
        size: SessionSize | None = None,
        study: Study | None = None,
    ) -> None:
        """`size` bounds the session; `study` replaces today's queue with a custom study."""
        self.db = db
        self.size = size or SessionSize()
        self.study = study
        self.started = clock()
        self.settings = settings
        self.deck_names = list(decks) if decks else None
        self.clock = clock
        self.rng = rng or random.Random()
        self.sync_report: ImportReport | None = None
        if sync:
            self.sync_report = refresh_decks(db, clock(), self.deck_names)
        self.current: Presented | None = None
        self.verdict: Verdict | None = None
        self.done: list[_Done] = []
        self._undoable: list[_Done | _FlagChange] = []  # answers, suspends and buries, in order
        self._timings: list[int] = []
        self._build()

    @property
    def practice(self) -> bool:
        """Answers are practice: logged apart, the FSRS state left alone (tutor.study)."""
        return self.study is not None and self.study.practice

    # --- the queue --------------------------------------------------------------------------

    def _build(self) -> None:
        now = self.clock()
        with self.db.read() as conn:
            today = Today.read(StoreReader(conn), self.settings, now, self.deck_names)
            learning = today.learning()
            self._reviews: list[int] = today.reviews()
            self._new = list(today.new_cards())
            if self.study is not None:
                custom = study_cards(
                    StoreReader(conn), self.study, self.settings, now, self.deck_names
                )
                learning, self._reviews, self._new = [], [], []
                (self._new if self.study.mode == "new" else self._reviews).extend(custom)
            if self.size.tags:
                query = CardQuery(tags=self.size.tags)
                tagged = set(matching_ids(StoreReader(conn), query, self.settings, now))
                learning = [(due, i) for due, i in learning if i in tagged]
                self._reviews = [i for i in self._reviews if i in tagged]
                self._new = [i for i in self._new if i in tagged]
            if self.size.new is not None:
                self._new = self._new[: self.size.new]
            self._timings = store.recent_correct_durations(conn)
        self.day, self.day_end = today.day, today.day_end
        self.decks = today.decks
        self.deck_settings = today.options
        self.specs = {
            d.id: SchedulerSpec.for_deck(self.deck_settings[d.id], d.parameters)
            for d in self.decks.values()
        }
        self._learning: list[tuple[datetime, int]] = learning  # sorted: already a heap
        self._again: list[int] = []  # undone cards, shown first
        self._parameter_sets: dict[int, int] = {}
        self._ahead: StoredCard | None = None  # the next card, read in the answer's transaction

    def remaining(self) -> Counts:
        """Cards still to come in this session (learning cards due later today included)."""
        return Counts(len(self._new), len(self._learning) + len(self._again), len(self._reviews))

    def next_card(self) -> Presented | None:
        """The next card to review, or None when the session is over."""
        ahead, self._ahead = self._ahead, None  # good for this call only
        now = self.clock()
        if self.size.over(len(self.done), self.started, now):
            self.current = None
            return None
        if now >= self.day_end and self.study is None:
            self._build()
        card_id = self._take(now)
        if card_id is None:
            self.current = None
            return None
        if ahead is not None and ahead.id == card_id:
            card: StoredCard | None = ahead
        else:
            with self.db.read() as conn:
                card = store.load_card(conn, card_id)
        if card is None or card.retired or card.suspended:
            return self.next_card()
        settings = self.deck_settings[card.deck_id]
        order = list(range(len(card.options)))
        if settings.shuffle:
            self.rng.shuffle(order)
        self.current = Presented(card, tuple(order), settings, now, self.remaining())
        self.verdict = None
        return self.current

    def _next_queue(self, now: datetime) -> list[int] | Literal["learning"] | None:
        """The queue the next card comes from ("learning": the learning heap), in the one order
        cards are taken (`_take`, `upcoming`); None when nothing is left for now."""
        if self._again:
            return self._again
        if self._learning and self._learning[0][0] <= now:
            return "learning"
        if self._reviews or self._new:
            return self._reviews or self._new
        if self._learning and self._learning[0][0] <= now + LEARN_AHEAD:
            return "learning"
        return None

    def _take(self, now: datetime) -> int | None:
        self._taken_from: list[int] | tuple[datetime, int] = self._again
        queue = self._next_queue(now)
        if isinstance(queue, str):  # the learning heap
            self._taken_from = self._learning[0]
            return heapq.heappop(self._learning)[1]
        if queue is None:
            return None
        self._taken_from = queue
        return queue.pop(0)

    def upcoming(self) -> StoredCard | None:
        """The card the queue would hand out next if the answer on screen changes nothing: a
        guess, read on its own and taken off no queue, to prepare its text while the learner
        reads (what is shown next is always `next_card`'s own read)."""
        card_id = self._upcoming_id()
        if card_id is None:
            return None
        with self.db.read() as conn:
            return store.load_card(conn, card_id)

    def _upcoming_id(self) -> int | None:
        """The id of the card the queue would hand out next as it stands now."""
        queue = self._next_queue(self.clock())
        if queue is None:
            return None
        return self._learning[0][1] if isinstance(queue, str) else queue[0]

    def _put_back(self, card_id: int) -> None:
        """Return the card on screen to the queue it came from (an undo shows another first)."""
        if isinstance(self._taken_from, tuple):
            heapq.heappush(self._learning, self._taken_from)
        else:
            self._taken_from.insert(0, card_id)

    # --- answering --------------------------------------------------------------------------

    def grade(self, chosen: Sequence[int] | None, duration_ms: int | None = None) -> Verdict:
        """Check the chosen options (indexes in file order; None reveals without choosing)."""
        presented = self._require_current()
        card = presented.card
        if duration_ms is None:
            duration_ms = int((self.clock() - presented.shown_at).total_seconds() * 1000)
        picked = tuple(sorted(set(chosen or ())))
        correct: bool | None
        if card.kind == "recall":
            correct = None
            suggested = Grade.GOOD
        else:
            right = {i for i, o in enumerate(card.options) if o["correct"]}
            correct = set(picked) == right
            suggested = self._suggest(correct, duration_ms, card.state.phase)
        intervals = scheduling.preview(self.specs[card.deck_id], card.id, card.state, self.clock())
        self.verdict = Verdict(correct, picked, max(duration_ms, 0), suggested, intervals)
        return self.verdict

    def _suggest(self, correct: bool, duration_ms: int, phase: Phase) -> Grade:
        if not correct:
            return Grade.AGAIN
        if len(self._timings) < MIN_TIMINGS:
            return Grade.GOOD
        median = statistics.median(self._timings)
        if duration_ms > SLOW_FACTOR * median:
            return Grade.HARD
        if phase == Phase.REVIEW and duration_ms < FAST_FACTOR * median:
            return Grade.EASY
        return Grade.GOOD

    def answer(self, grade: Grade | None = None, *, read_next: bool = False) -> store.Recorded:
        """Commit the current card's answer (the suggested grade unless one is given).

        `read_next`: the caller calls `next_card` right after, which then takes the card the
        queue hands out from a read in the answer's own transaction (one read transaction fewer
        a key), if the answer did not change which card that is.
        """
        presented = self._require_current()
        verdict = self.verdict or self.grade(None)
        grade = grade or verdict.suggested
        card = presented.card
        spec = self.specs[card.deck_id]
        settings = self.deck_settings[card.deck_id]
        zone = self.settings.tzinfo()
        chosen = [
            (card.options[i]["text"], bool(card.options[i]["correct"])) for i in verdict.chosen
        ]
        if self.study is not None and self.study.practice:
            return self._practise(presented, verdict, grade, chosen)
        parameter_set_id = self._parameter_set(card.deck_id, self.clock())

        def decide(before: CardState, leech: bool, suspended: bool) -> store.Answer:
            now = self.clock()  # read under the write lock: answers are logged in commit order
            after = scheduling.review(spec, card.id, before, grade, now)
            lapsed = after.lapses > before.lapses
            every = max(settings.leech_threshold // 2, 1)
            is_leech = (
                lapsed
                and after.lapses >= settings.leech_threshold
                and (after.lapses - settings.leech_threshold) % every == 0
            )
            day = day_number(now, self.settings.day_starts_at, zone)
            last = before.last_review
            return store.Answer(
                after=after,
                rating=int(grade),
                suggested_rating=int(verdict.suggested),
                duration_ms=verdict.duration_ms,
                correct=verdict.correct,
                chosen=chosen,
                day=day,
                first_of_day=last is None
                or day_number(last, self.settings.day_starts_at, zone) != day,
                hour=local_hour(now, zone),
                retrievability=scheduling.retrievability(spec, before, now),
                parameter_set_id=parameter_set_id,
                leech=is_leech,
                suspend=is_leech and settings.leech_action == "suspend",
            )

        with self.db.write() as conn:
            recorded = store.record_answer(conn, card.id, decide)
            upcoming = self._upcoming_id() if read_next else None  # the answered card is
            ahead = None if upcoming is None else store.load_card(conn, upcoming)  # in no queue yet
        self._ahead = ahead
        self.done.append(_Done(recorded, presented, verdict, grade))
        self._undoable.append(self.done[-1])
        if verdict.correct:
            self._timings.insert(0, verdict.duration_ms)
        after = recorded.after
        if (
            after.phase in (Phase.LEARNING, Phase.RELEARNING)
            and not recorded.suspended
            and not (self.study is not None and self.study.cards)  # review now: one answer each
            and after.due is not None
            and after.due < self.day_end
        ):
            heapq.heappush(self._learning, (after.due, card.id))
        self.current, self.verdict = None, None
        return recorded

    def _practise(
        self, presented: Presented, verdict: Verdict, grade: Grade, chosen: list[tuple[str, bool]]
    ) -> store.Recorded:
        """Log a practice answer; the card's FSRS state stays as it was."""
        card = presented.card
        now = self.clock()
        answer = PracticeAnswer(
            card_id=card.id,
            at=now,
            rating=int(grade),
            suggested_rating=int(verdict.suggested),
            correct=verdict.correct,
            duration_ms=verdict.duration_ms,
            chosen=[text for text, _right in chosen],
            retrievability=scheduling.retrievability(self.specs[card.deck_id], card.state, now),
        )
        with self.db.write() as conn:
            practice_id = record_practice(conn, answer)
        recorded = store.Recorded(practice_id, card.id, card.state, card.state, False, False)
        self.done.append(_Done(recorded, presented, verdict, grade, practice_id))
        self._undoable.append(self.done[-1])
        if verdict.correct:
            self._timings.insert(0, verdict.duration_ms)
        self.current, self.verdict = None, None
        return recorded

    def _parameter_set(self, deck_id: int, now: datetime) -> int:
        known = self.decks[deck_id].parameter_set_id
        if known is not None:
            return known
        if deck_id not in self._parameter_sets:
            with self.db.write() as conn:
                self._parameter_sets[deck_id] = store.parameter_set_id(
                    conn, self.specs[deck_id].parameters, "default", now
                )
        return self._parameter_sets[deck_id]

    @property
    def undo_target(self) -> Literal["answer", "suspend", "bury"] | None:
        """What `undo` would take back: the session's last answer, suspend or bury (or nothing)."""
        if not self._undoable:
            return None
        last = self._undoable[-1]
        return "answer" if isinstance(last, _Done) else last.action

    def undo(self) -> Presented | None:
        """Take back the last answer, suspend or bury of this session; its card comes back next.

        The session changes only after the undo is committed: if it cannot be written (StoreError),
        the session and the database stay as they were, and the next undo tries the same again.
        """
        if not self._undoable:
            return None
        last = self._undoable[-1]
        with self.db.write() as conn:  # UndoRefused (a StoreError) leaves everything as it was
            if isinstance(last, _Done) and last.practice_id is not None:
                undo_practice(conn, last.practice_id)
            elif isinstance(last, _Done):
                store.undo_answer(conn, last.recorded.review_id)
            else:
                store.restore_flags(conn, last.flagged)
        self._undoable.pop()
        if isinstance(last, _Done):
            self.done.pop()  # answers are undone last first: `last` is the last of them
            card_id = last.recorded.card_id
            self._learning = [(d, i) for d, i in self._learning if i != card_id]
            heapq.heapify(self._learning)
            if last.verdict.correct and last.verdict.duration_ms in self._timings:
                self._timings.remove(last.verdict.duration_ms)
        else:
            card_id = last.flagged.card_id
        if self.current is not None:
            self._put_back(self.current.card.id)
        self._again.insert(0, card_id)
        presented = self.next_card()
        shown = last.presented
        if presented is not None and len(shown.order) == len(presented.card.options):
            self.current = presented = replace(presented, order=shown.order)  # as it was shown
        return presented

    def adopt(self, order: Sequence[int], shown_at: datetime) -> Presented:
        """Take over the option order and start time of a preview of the current card."""
        self.current = replace(self._require_current(), order=tuple(order), shown_at=shown_at)
        return self.current

    def reload_current(self) -> Presented | None:
        """Re-read the current card (after its deck file was edited); None if it left the deck."""
        presented = self._require_current()
        with self.db.read() as conn:
            card = store.load_card(conn, presented.card.id)
        if card is None or card.retired or card.suspended:
            self.current = None
            return None
        order = list(range(len(card.options)))
        if self.deck_settings[card.deck_id].shuffle:
            self.rng.shuffle(order)
        self.current = Presented(
            card, tuple(order), presented.settings, presented.shown_at, presented.remaining
        )
        self.verdict = None
        return self.current

    # --- flags ------------------------------------------------------------------------------

    def suspend(self) -> None:
        """Suspend the current card until it is unsuspended."""
        presented = self._require_current()
        with self.db.write() as conn:
            flagged = store.change_flags(conn, presented.card.id, suspended=True)
        self._undoable.append(_FlagChange(flagged, presented, "suspend"))
        self.current = None

    def bury(self) -> None:
        """Hide the current card until the next learning day."""
        presented = self._require_current()
        with self.db.write() as conn:
            flagged = store.change_flags(conn, presented.card.id, buried_until=self.day_end)
        self._undoable.append(_FlagChange(flagged, presented, "bury"))
        self.current = None

    def _require_current(self) -> Presented:
        if self.current is None:
            raise RuntimeError("no card is being shown; call next_card() first")
        return self.current

    # --- the end ----------------------------------------------------------------------------

    def summary(self) -> Summary:
        """What the session did, what is still due today and what falls due tomorrow."""
        result = Summary()
        for done in self.done:
            result.answered += 1
            result.milliseconds += done.verdict.duration_ms
            if is_right(done.verdict.correct, int(done.grade)):
                result.correct += 1
            else:
                result.wrong += 1
            if done.recorded.leech and not done.recorded.flags_before.get("leech"):
                result.leeches.append(done.presented.card.question)
        with self.db.read() as conn:
            today = Today.read(StoreReader(conn), self.settings, self.clock(), self.deck_names)
            result.still_due = still_due_today(today)
            result.due_tomorrow = due_tomorrow(
                today, self.settings.day_starts_at, self.settings.tzinfo()
            )
            result.next_due = next_due(today)
        result.learning_later = len(self._learning)
        result.optimize_suggestion = suggestion(self.db, self.clock(), self.settings)
        return result

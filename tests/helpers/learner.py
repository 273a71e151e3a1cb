"""A simulated learner whose memory follows known FSRS parameters, scheduled by the defaults.

Each answer is drawn from the recall the TRUE parameters predict for the card; the scheduler
(the real py-fsrs, default parameters, fuzz off) writes the log as tutor writes it.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tutor.config import DeckSettings
from tutor.day import day_number, local_hour
from tutor.scheduling import DEFAULT, Grade, SchedulerSpec, retrievability, review
from tutor.state import CardState, Phase
from tutor.store import rollups
from tutor.store.choices import add_choices
from tutor.store.db import Database
from tutor.store.review_log import due_in
from tutor.store.reviews import state_values
from tutor.store.tables import card_table, deck_table, review_table

# A learner who starts weaker and whose memories grow more slowly than FSRS's defaults assume.
TRUE_PARAMETERS = (
    DEFAULT[0] * 0.3,
    DEFAULT[1] * 0.3,
    DEFAULT[2] * 0.5,
    DEFAULT[3] * 0.7,
    *DEFAULT[4:8],
    DEFAULT[8] * 0.7,
    *DEFAULT[9:],
)
OPTIONS = ("Right", "Tempting", "Plain", "Dull")


def simulate(
    db: Database,
    now: datetime,
    *,
    cards: int = 300,
    days: int = 365,
    seed: int = 7,
    deck: str = "Learner",
    tempting: float = 0.0,
    lured: float = 0.0,
) -> int:
    """Write `cards` multiple-choice cards with a year of answers; return the answer count.

    A wrong answer picks "Tempting" with probability `tempting`, else one of the others; with
    probability `lured` an answer the learner would have got right goes wrong all the same (a
    distractor more tempting than the right option).
    """
    rng = random.Random(seed)
    spec = SchedulerSpec.for_deck(DeckSettings(fuzz=False))
    truth = SchedulerSpec.for_deck(DeckSettings(fuzz=False), TRUE_PARAMETERS)
    start = now - timedelta(days=days)
    with db.write() as conn:
        inserted = conn.execute(
            deck_table.insert().values(name=deck, settings={}, created_at=start, updated_at=start)
        ).inserted_primary_key
        assert inserted is not None
        deck_id = inserted[0]
    reviews: list[dict[str, object]] = []
    choices: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    with db.read() as conn:
        first_id = (conn.execute(select(func.max(card_table.c.id))).scalar() or 0) + 1
    for n in range(cards):
        card_id = first_id + n
        state, memory = CardState(), CardState()
        moment = start + timedelta(days=rng.random() * days * 0.4, hours=rng.random() * 8)
        while moment < now:
            predicted = retrievability(spec, state, moment)
            true_recall = retrievability(truth, memory, moment)
            recalled = rng.random() < (0.7 if true_recall is None else true_recall)
            if lured and rng.random() < lured:
                recalled = False
            grade = (
                rng.choices([Grade.HARD, Grade.GOOD, Grade.EASY], [0.1, 0.8, 0.1])[0]
                if recalled
                else Grade.AGAIN
            )
            after = review(spec, card_id, state, grade, moment)
            memory = review(truth, card_id, memory, grade, moment)
            day = day_number(moment, 4, UTC)
            picked = (
                "Right"
                if recalled
                else ("Tempting" if rng.random() < tempting else rng.choice(OPTIONS[2:]))
            )
            reviews.append(
                {
                    "card_id": card_id,
                    "reviewed_at": moment,
                    "day": day,
                    "first_of_day": state.last_review is None
                    or day_number(state.last_review, 4, UTC) != day,
                    "hour": local_hour(moment, UTC),
                    "rating": int(grade),
                    "duration_ms": 5000,
                    "correct": recalled,
                    "phase_before": int(state.phase),
                    "retrievability": predicted,
                    "stability_after": after.stability,
                    "difficulty_after": after.difficulty,
                    "due_in": due_in(moment, after.due),
                }
            )
            choices.append(
                {"card_id": card_id, "day": day, "option_text": picked, "correct": recalled}
            )
            state = after
            assert state.due is not None
            late = (
                timedelta(hours=rng.random() * 30) if state.phase == Phase.REVIEW else timedelta()
            )
            moment = max(state.due + late, moment + timedelta(minutes=1))
        rows.append(
            {
                "id": card_id,
                "deck_id": deck_id,
                "key": f"{deck} {card_id}",
                "kind": "choice",
                "question": f"{deck} question {card_id}?",
                "options": [
                    {"text": t, "correct": t == "Right", "reasoning": f"Why {t}."} for t in OPTIONS
                ],
                "content_hash": f"{deck}{card_id}",
                "position": card_id,
                "created_at": start,
                **state_values(state),
            }
        )
    with db.write() as conn:
        conn.execute(card_table.insert(), rows)
        first_review = (conn.execute(select(func.max(review_table.c.id))).scalar() or 0) + 1
        ids = range(first_review, first_review + len(reviews))
        conn.execute(
            review_table.insert(), [{**r, "id": i} for r, i in zip(reviews, ids, strict=True)]
        )
        add_choices(conn, [{**c, "review_id": i} for c, i in zip(choices, ids, strict=True)])
        rollups.rebuild(conn)  # a bulk write around record_answer: the rollups follow it
    return len(reviews)

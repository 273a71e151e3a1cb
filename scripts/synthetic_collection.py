"""Build a synthetic collection (e.g. 100k cards, 1M reviews over a year) for every benchmark.

Reviews are written as the tutor writes them: each card's history is produced by the real
scheduler (fuzz on), answers are drawn from a simulated memory, wrong answers pick distractors
with skewed temptation, and rows go in through executemany in large batches.

    python scripts/synthetic_collection.py --cards 100000 --reviews 1000000 --db bench.db
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from tutor.clock import utc_now
from tutor.config import DeckSettings, database_url
from tutor.day import day_number, local_hour
from tutor.scheduling import Grade, SchedulerSpec, retrievability, review
from tutor.state import CardState, Phase
from tutor.store import rollups
from tutor.store.choices import add_picks, chosen_numbers
from tutor.store.db import open_database
from tutor.store.review_log import due_in
from tutor.store.reviews import state_values
from tutor.store.server import advance_sequences
from tutor.store.tables import (
    card_table,
    deck_table,
    parameter_table,
    review_table,
)

BATCH = 20_000


def build(
    url: str, cards: int, reviews: int, decks: int, seed: int, now: datetime
) -> dict[str, int]:
    rng = random.Random(seed)
    db = open_database(url)
    spec = SchedulerSpec.for_deck(DeckSettings())
    with db.read() as conn:
        if conn.execute(text("SELECT COUNT(*) FROM card")).scalar_one():
            raise SystemExit(f"{url} already holds cards; give a new database")
    with db.write() as conn:
        parameter_id = conn.execute(
            parameter_table.insert().values(
                parameters=list(spec.parameters), source="default", created_at=now
            )
        ).inserted_primary_key[0]
        deck_ids = []
        for d in range(decks):
            deck_ids.append(
                conn.execute(
                    deck_table.insert().values(
                        name=f"Synthetic::Deck {d:02d}",
                        source_path=None,
                        source_hash=None,
                        description="synthetic",
                        settings={"tags": [], "shuffle": True, "desired_retention": None},
                        parameter_set_id=parameter_id,
                        created_at=now,
                        updated_at=now,
                    )
                ).inserted_primary_key[0]
            )

    per_card = reviews / cards
    card_rows: list[dict[str, object]] = []
    review_rows: list[dict[str, object]] = []
    choice_rows: list[dict[str, object]] = []
    next_review_id = 1
    written = {"cards": 0, "reviews": 0, "choices": 0}
    zone = UTC

    def flush(force: bool = False) -> None:
        if not force and len(review_rows) < BATCH and len(card_rows) < BATCH:
            return
        with db.write() as conn:
            if card_rows:
                conn.execute(card_table.insert(), card_rows)
            picked = {
                int(str(c["review_id"])): [(str(c["option_text"]), bool(c["correct"]))]
                for c in choice_rows
            }
            cards_and_days = [(int(str(r["card_id"])), int(str(r["day"]))) for r in review_rows]
            answers = [
                (card, picked.get(int(str(r["id"])), []))
                for (card, _), r in zip(cards_and_days, review_rows, strict=True)
            ]
            kept = chosen_numbers(conn, answers)
            for row, numbers in zip(review_rows, kept, strict=True):
                row["chosen_numbers"] = numbers  # written with the answer, as tutor does
            if review_rows:
                conn.execute(review_table.insert(), review_rows)
            add_picks(conn, [(c, d, n) for (c, d), n in zip(cards_and_days, kept, strict=True)])
        written["cards"] += len(card_rows)
        written["reviews"] += len(review_rows)
        written["choices"] += len(choice_rows)
        card_rows.clear()
        review_rows.clear()
        choice_rows.clear()

    started = time.perf_counter()
    for card_id in range(1, cards + 1):
        deck_id = deck_ids[card_id % decks]
        recall = card_id % 7 == 0
        options = (
            []
            if recall
            else [
                {
                    "text": f"Option {k} of card {card_id}",
                    "correct": k == 0,
                    "reasoning": f"Why option {k} is {'right' if k == 0 else 'wrong'}.",
                }
                for k in range(4)
            ]
        )
        temptation = [0.0, *sorted((rng.random() for _ in range(3)), reverse=True)]
        # boost quotas while the total lags behind the target (cards run out of year)
        behind = (reviews * (card_id - 1) / cards) / max(next_review_id - 1, 1)
        boost = min(3.0, max(1.0, behind)) if card_id > 100 else 1.3
        quota = max(0, round(rng.expovariate(1 / per_card) * boost)) if per_card else 0
        skill = rng.uniform(0.4, 1.2)  # how much better than the scheduler thinks
        state = CardState()
        moment = now - timedelta(days=365) + timedelta(days=rng.random() * 150)
        done = 0
        while moment < now and (done < quota or state.phase in (Phase.LEARNING, Phase.RELEARNING)):
            done += 1
            r_pred = retrievability(spec, state, moment)
            p_recall = 0.6 if r_pred is None else min(0.99, r_pred ** (1 / skill))
            recalled = rng.random() < p_recall
            duration = int(rng.lognormvariate(math.log(6000 if recalled else 9000), 0.5))
            grade = (
                Grade.AGAIN
                if not recalled
                else rng.choices([Grade.HARD, Grade.GOOD, Grade.EASY], [0.15, 0.75, 0.10])[0]
            )
            after = review(spec, card_id, state, grade, moment)
            interval = (
                (state.due - state.last_review).days if state.due and state.last_review else None
            )
            review_rows.append(
                {
                    "id": next_review_id,
                    "card_id": card_id,
                    "reviewed_at": moment,
                    "day": day_number(moment, 4, zone),
                    "first_of_day": state.last_review is None
                    or day_number(state.last_review, 4, zone) != day_number(moment, 4, zone),
                    "hour": local_hour(moment, zone),
                    "rating": int(grade),
                    "suggested_rating": int(grade),
                    "duration_ms": duration,
                    "correct": None if recall else recalled,
                    "phase_before": int(state.phase),
                    "interval_days": interval,
                    "retrievability": r_pred,
                    "stability_after": after.stability,
                    "difficulty_after": after.difficulty,
                    "due_in": due_in(moment, after.due),
                    "parameter_set_id": parameter_id,
                    "phase_after": int(after.phase),
                    "step_after": after.step,
                }
            )
            if not recall:
                picked = 0 if recalled else rng.choices([1, 2, 3], temptation[1:])[0]
                choice_rows.append(
                    {
                        "review_id": next_review_id,
                        "card_id": card_id,
                        "day": day_number(moment, 4, zone),
                        "option_text": options[picked]["text"],
                        "correct": picked == 0,
                    }
                )
            next_review_id += 1
            state = after
            delay = (
                timedelta(days=rng.expovariate(1 / 0.7))
                if state.phase == Phase.REVIEW
                else (timedelta(minutes=rng.uniform(1, 30)))
            )
            moment = max(moment + timedelta(seconds=30), (state.due or moment) + delay)
        card_rows.append(
            {
                "id": card_id,
                "deck_id": deck_id,
                "slug": None,
                "key": f"synthetic question {card_id}",
                "kind": "recall" if recall else "choice",
                "question": f"Synthetic question {card_id}: what is {rng.random():.6f}?",
                "body": "",
                "options": options,
                "explanation": f"Explanation of card {card_id}.",
                "answer": "A recalled fact." if recall else "",
                "content_hash": f"{card_id:040x}",
                "source_line": 0,
                "position": card_id,
                "retired": False,
                "suspended": False,
                "leech": state.lapses >= 8,
                "buried_until": None,
                **state_values(state),
                "version": 0,
                "created_at": now - timedelta(days=366),
            }
        )
        flush()
        if card_id % 10_000 == 0:
            print(
                f"  {card_id} cards, {next_review_id - 1} reviews "
                f"({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )
    flush(force=True)
    with db.write() as conn:
        advance_sequences(conn)  # the rows went in with their ids given
        rollups.rebuild(conn)  # the statistics' sums, as the migration fills them
    db.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--decks", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", required=True, help="a new database: file path or URL")
    parser.add_argument("--now", help="the collection's 'today' (ISO 8601; default: now)")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now).astimezone(UTC) if args.now else utc_now()
    url = database_url(args.db)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written = build(url, args.cards, args.reviews, args.decks, args.seed, now)
    print(
        f"wrote {written['cards']} cards, {written['reviews']} reviews, {written['choices']} "
        f"chosen options to {url} in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()

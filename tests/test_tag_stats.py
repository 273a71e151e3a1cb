"""`tutor stats --tag TAG`: the statistics of the cards with a tag, on the hand-built review log
of tests/test_stats.py (whose answers are known exactly); an unknown tag is one clear line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.test_stats import CARDS, NOW, REVIEWS, SETTINGS, card
from tutor.cli import main
from tutor.errors import NotFoundError
from tutor.stats import compute
from tutor.stats_data import CardCounts, PassRate, Today
from tutor.store import rollups
from tutor.store.choices import add_choices
from tutor.store.db import Database
from tutor.store.tables import card_table, card_tag_table, deck_table, review_table


@pytest.fixture
def tagged(db: Database) -> Database:
    """The log of tests/test_stats.py; cards 3 and 4 tagged "hard" by their own `Tags:` lines,
    and a second deck tagged "physics" in its front matter with one new card."""
    with db.write() as conn:
        conn.execute(
            deck_table.insert(),
            [
                {"id": 1, "name": "D", "settings": {}, "created_at": NOW, "updated_at": NOW},
                {
                    "id": 2,
                    "name": "Physics",
                    "settings": {"tags": ["physics"]},
                    "created_at": NOW,
                    "updated_at": NOW,
                },
            ],
        )
        conn.execute(card_table.insert(), [*CARDS, card(20, deck_id=2, key="p")])
        conn.execute(review_table.insert(), [r for r, _ in REVIEWS])
        add_choices(conn, [c for _, c in REVIEWS])
        conn.execute(
            card_tag_table.insert(), [{"card_id": 3, "tag": "Hard"}, {"card_id": 4, "tag": "hard"}]
        )
    return db


def test_a_tag_scope_counts_only_its_cards_answers_and_schedule(tagged: Database) -> None:
    # card 3: relearning, 3 lapses, failed yesterday through option B; card 4: a mature review
    # card overdue by 3 days (interval 30 days), passed yesterday; both answered at 9 o'clock
    stats = compute(tagged, SETTINGS, NOW, tag="HARD")  # any case, as the browser's tag:
    assert stats.today == Today(reviews=0, correct=0, accuracy=None, seconds=0.0, new_learned=0)
    yesterday = stats.true_retention.period("yesterday")
    assert yesterday.mature == PassRate(reviews=2, passed=1, rate=0.5)
    assert stats.true_retention.period("all time").total == PassRate(reviews=2, passed=1, rate=0.5)
    assert stats.counts == CardCounts(new=0, learning=1, young=0, mature=1, suspended=0, retired=0)
    assert stats.forecast.overdue == 1 and [d.due for d in stats.forecast.days[:2]] == [1, 0]
    assert {d.date: d.reviews for d in stats.calendar.days if d.reviews} == {"2026-11-26": 2}
    assert [(h.hour, h.reviews, h.passed) for h in stats.time.by_hour] == [(9, 2, 1)]
    assert stats.time.reviews == 2 and stats.calibration.reviews == 2
    assert [(c.card_id, c.lapses) for c in stats.hardest.lapses] == [(3, 3), (4, 1)]
    assert [c.card_id for c in stats.hardest.lowest_retrievability] == [4, 3]
    assert [(d.card_id, d.option, d.picked, d.answers) for d in stats.distractors] == [
        (3, "B", 1, 1)
    ]
    one_right = stats.guessing.rows[0]
    assert (one_right.kind, one_right.reviews, one_right.passed) == ("one_right", 2, 1)
    assert stats.misconceptions.total == 0


def test_a_front_matter_tag_covers_its_decks_cards(tagged: Database) -> None:
    stats = compute(tagged, SETTINGS, NOW, tag="physics")
    assert stats.counts == CardCounts(new=1, learning=0, young=0, mature=0, suspended=0, retired=0)
    assert stats.time.reviews == 0 and stats.calendar.days_studied == 0


def test_a_tag_and_a_deck_together_take_the_cards_in_both(tagged: Database) -> None:
    assert compute(tagged, SETTINGS, NOW, deck="Physics", tag="physics").counts.new == 1
    none = compute(tagged, SETTINGS, NOW, deck="Physics", tag="hard")  # a known tag, elsewhere
    assert none.counts == CardCounts(0, 0, 0, 0, 0, 0) and none.time.reviews == 0
    with pytest.raises(NotFoundError, match="no card has the tag 'nope'"):
        compute(tagged, SETTINGS, NOW, deck="Physics", tag="nope")


def test_the_rollups_and_the_log_give_a_tag_the_same_numbers(tagged: Database) -> None:
    before = compute(tagged, SETTINGS, NOW, tag="hard").to_json()
    with tagged.write() as conn:
        rollups.rebuild(conn)  # in step now: an untagged report reads the rollups
        assert rollups.in_step(conn)
    assert compute(tagged, SETTINGS, NOW, tag="hard").to_json() == before
    everything = compute(tagged, SETTINGS, NOW)
    assert everything.time.reviews == 9 and everything.tag is None


def test_a_tag_on_every_active_card_gives_the_numbers_of_no_tag(tagged: Database) -> None:
    with tagged.write() as conn:
        active = conn.execute(card_table.select().where(card_table.c.retired.is_(False))).all()
        conn.execute(
            card_tag_table.insert(), [{"card_id": row.id, "tag": "every"} for row in active]
        )
        rollups.rebuild(conn)  # no tag: the rollups; a tag: the log through the rollups' queries
    everything = compute(tagged, SETTINGS, NOW, span="all").to_json()
    every = compute(tagged, SETTINGS, NOW, span="all", tag="every").to_json()
    assert every.pop("tag") == "every" and every["counts"].pop("retired") == 0
    assert everything["counts"].pop("retired") == 1  # card 9: a tag scope holds active cards
    assert every == everything


def test_stats_tag_command_prints_json_with_the_tag_and_text_at_a_terminal(
    tagged: Database,
    db_path: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    at_a_terminal: None,
) -> None:
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    monkeypatch.setenv("TZ", "UTC")
    assert main(["--db", str(db_path), "stats", "--tag", "hard", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data)[:3] == ["deck", "tag", "range"] and data["tag"] == "hard"
    assert data["true_retention"]["yesterday"]["mature"] == {"reviews": 2, "passed": 1, "rate": 0.5}
    assert main(["--db", str(db_path), "stats", "--tag", "hard"]) == 0  # no screen: plain text
    text = capsys.readouterr().out
    assert text.startswith("Statistics: all decks, tag hard  (range: year)")
    assert "50.0%" in text


def test_an_unknown_tag_is_one_line_and_prints_nothing(
    tagged: Database, db_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "stats", "--tag", "nope", "--json"]) == 4
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "tutor: no card has the tag 'nope'; tags come from a deck's front matter and its "
        "cards' `Tags:` lines (`tutor cards tag:TAG` searches them)\n"
    )

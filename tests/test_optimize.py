"""`tutor optimize` on a simulated learner with known parameters, with the real fsrs-rs fitter."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs_rs_python as rs
import pytest

from tests.helpers.learner import TRUE_PARAMETERS, simulate
from tutor import optimize
from tutor.cli import main
from tutor.collection_file import SCHEMA_VERSION
from tutor.config import Settings
from tutor.scheduling import DEFAULT, SchedulerSpec, scheduler_for
from tutor.stats import compute
from tutor.store import fitting as store
from tutor.store.db import Database
from tutor.store.repository import export_collection
from tutor.store.reviews import decks

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def learner_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of a learner's answers (about 7,000), written once for the module."""
    from tutor.store.db import open_database

    path = tmp_path_factory.mktemp("learner") / "learner.db"
    db = open_database(f"sqlite:///{path}")
    simulate(db, NOW, cards=400, deck="Learner")
    db.close()
    return path


@pytest.fixture
def learner(learner_file: Path, db_path: Path) -> Database:
    from tutor.store.db import open_database

    db_path.write_bytes(learner_file.read_bytes())
    return open_database(f"sqlite:///{db_path}")


def histories(db: Database) -> list[list[store.Answer]]:
    with db.read() as conn:
        return list(store.histories(conn, None).values())


def test_fitted_parameters_predict_held_out_reviews_as_well_as_the_true_ones(
    learner: Database,
) -> None:
    outcome = optimize.optimize(learner, NOW)
    lists = histories(learner)
    cutoff = optimize.cut(lists)
    fitted = optimize.score_set(outcome.parameters, lists, cutoff).log_loss
    true = optimize.score_set(TRUE_PARAMETERS, lists, cutoff).log_loss
    default = optimize.score_set(DEFAULT, lists, cutoff).log_loss
    assert fitted is not None and true is not None and default is not None
    assert fitted <= true * 1.01
    assert fitted < default
    assert outcome.status == "adopted"
    assert outcome.before is not None and outcome.before.log_loss == default
    with learner.read() as conn:
        [deck] = decks(conn)
    assert deck.parameters == list(outcome.parameters)  # the session schedules with them
    assert scheduler_for(SchedulerSpec.for_deck(Settings().for_deck("Learner"), deck.parameters))


def test_fitted_values_equal_fsrs_rs_called_directly_on_the_same_items(
    learner: Database,
) -> None:
    outcome = optimize.optimize(learner, NOW, dry_run=True)
    lists = histories(learner)
    cutoff = optimize.cut(lists)
    assert cutoff is not None
    timed = []
    for history in lists:
        before = [(at, rating) for at, rating, _day in history if at < cutoff]
        reviews = [
            rs.FSRSReview(rating, 0 if i == 0 else (at - before[i - 1][0]).days)
            for i, (at, rating) in enumerate(before)
        ]
        timed += [
            (before[i][0], rs.FSRSItem(reviews[: i + 1]))
            for i in range(1, len(before))
            if (before[i][0] - before[i - 1][0]).days > 0
        ]
    # in the order of the answers' times, as Anki hands them over (fsrs-rs weighs later more)
    items = [item for _at, item in sorted(timed, key=lambda timed_item: timed_item[0])]
    direct = rs.FSRS(rs.DEFAULT_PARAMETERS).compute_parameters(items)
    assert list(outcome.parameters) == direct
    assert outcome.fitted_on == len(items)
    card_by_card = rs.FSRS(rs.DEFAULT_PARAMETERS).compute_parameters([i for _a, i in timed])
    assert card_by_card != direct  # the order matters to fsrs-rs: this test sees it


def test_the_one_pass_preparation_counts_days_and_cuts_as_the_scheduler_and_cut_do() -> None:
    from tutor import fitting
    from tutor.store.tables import EPOCH, MICROSECOND

    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    day, tick = timedelta(days=1), timedelta(microseconds=1)
    gaps = [  # (after the previous answer, rating, learning day)
        [(timedelta(0), 1, 0), (timedelta(0), 3, 0), (day - tick, 3, 1), (day, 3, 2)],
        [(timedelta(0), 3, 0), (3 * day + tick, 2, 3), (timedelta(minutes=5), 1, 3), (day, 3, 4)],
        [(timedelta(0), 4, 0), (40 * day, 3, 40), (timedelta(hours=30), 3, 41)],
    ]
    histories: list[list[store.Answer]] = []
    for offset, card in enumerate(gaps):
        at, history = start + offset * timedelta(hours=7), []
        for gap, rating, learning_day in card:
            at += gap
            history.append((at, rating, learning_day))
        histories.append(history)
    rows = [
        (card_id, (at - EPOCH) // MICROSECOND, rating, learning_day)
        for card_id, history in enumerate(histories, start=1)
        for at, rating, learning_day in history
    ]
    prepared = fitting.prepare(rows)
    cut = optimize.cut(histories)
    assert cut is not None
    assert prepared.later_day_times and len(prepared.later_day_times) == sum(
        optimize.later_day(h, i) for h in histories for i in range(len(h))
    )
    assert optimize.held_out_cut(list(prepared.later_day_times)) == (cut - EPOCH) // MICROSECOND
    for before in [cut, *(at for h in histories for at, _r, _d in h), start + 99 * day]:
        expected = fitting.training_items(
            [[(at, rating) for at, rating, _d in h if at < before] for h in histories]
        )
        got = prepared.items_before((before - EPOCH) // MICROSECOND)
        assert [repr(i) for i in got] == [repr(i) for i in expected]
    assert "delta_t: 0 }, FSRSReview { rating: 3, delta_t: 1 }" in repr(prepared.items[0])


def test_the_fits_read_gives_each_cards_answers_by_time_even_when_ids_go_back_in_time(
    learner: Database, db_path: Path
) -> None:
    import sqlite3

    raw = sqlite3.connect(db_path)

    def by_time() -> list[store.AnswerRow]:  # sorted here, not by the statement under test
        stored = raw.execute("SELECT card_id, reviewed_at, id, rating, day FROM review")
        return [(c, at, rating, day) for c, at, _i, rating, day in sorted(stored)]

    def read() -> tuple[list[store.AnswerRow], list[store.AnswerRow]]:
        with learner.read() as conn:
            deck_ids = list(store.deck_names(conn))
            return store.answer_rows(conn, None), store.answer_rows(conn, deck_ids)

    with learner.read() as conn:
        sql = store.answer_rows_sql(conn, None)
    plan = " / ".join(row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert plan == "SCAN review USING INDEX ix_review_card"  # the card index's order: no sort
    assert read() == (by_time(), by_time()) and len(by_time()) > 5000

    cards = [c for (c,) in raw.execute("SELECT DISTINCT card_id FROM review ORDER BY card_id")]
    earliest = "SELECT id FROM review WHERE card_id = ? ORDER BY reviewed_at, id"
    # a card whose first answer (by id) is its latest (a history imported after it)
    [(first,), *_] = raw.execute(earliest, (cards[0],)).fetchall()
    raw.execute(
        "UPDATE review SET reviewed_at = reviewed_at + 400 * 86400000000, day = day + 400 "
        "WHERE id = ?",
        (first,),
    )
    # another's two first answers at the same microsecond, the later id rated lower: by id
    [(tied,), (tying,), *_] = raw.execute(earliest, (cards[1],)).fetchall()
    raw.execute("UPDATE review SET rating = 3 WHERE id = ?", (tied,))
    raw.execute(
        "UPDATE review SET (reviewed_at, day, rating) = "
        "(SELECT reviewed_at, day, 1 FROM review WHERE id = ?) WHERE id = ?",
        (tied, tying),
    )
    raw.commit()
    rows, of_decks = read()
    assert rows == of_decks == by_time()
    [(moved,)] = raw.execute("SELECT reviewed_at FROM review WHERE id = ?", (first,)).fetchall()
    moved_card = [at for card, at, _rating, _day in rows if card == cards[0]]
    assert moved_card[-1] == moved > moved_card[0]  # its first answer by id comes last
    tie = [row for row in rows if row[0] == cards[1]][:2]
    assert [rating for _card, _at, rating, _day in tie] == [3, 1] and tie[0][1] == tie[1][1]
    raw.close()


def test_a_damaged_review_log_stops_the_fit_with_a_message(
    learner_file: Path, db_path: Path
) -> None:
    import random
    import sqlite3

    from tutor.errors import StoreError
    from tutor.store.db import open_database

    db_path.write_bytes(learner_file.read_bytes())
    conn = sqlite3.connect(db_path)
    roots = conn.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'review'").fetchall()
    [(page,)] = conn.execute("PRAGMA page_size").fetchall()
    conn.close()
    with db_path.open("r+b") as handle:  # the read goes through the driver's own cursor
        for (root,) in roots:
            handle.seek((root - 1) * page)
            handle.write(random.Random(root).randbytes(page))
    db = open_database(f"sqlite:///{db_path}", create=False)
    try:
        with pytest.raises(StoreError, match="is damaged or not a database"):
            optimize.optimize(db, NOW)
        assert optimize.history(db) == []  # nothing stored
    finally:
        db.close()


def test_a_sets_score_equals_the_statistics_calibration_of_the_same_predictions(
    learner: Database,
) -> None:
    # the log was written with the defaults: the statistics read the predictions stored then
    stats = compute(learner, Settings(timezone="UTC"), NOW, span="all").calibration.to_json()
    assert optimize.score_set(DEFAULT, histories(learner)).to_json() == stats
    assert stats["reviews"] > 4000


def test_same_day_answers_do_not_count_for_calibration() -> None:
    day = datetime(2026, 1, 1, 9, tzinfo=UTC)
    history = [
        (day, 3, 1),  # first answer: no prediction
        (day + timedelta(minutes=10), 1, 1),  # the same day: left out
        (day + timedelta(days=2), 3, 3),  # a later day: counts
        (day + timedelta(days=2, hours=1), 3, 3),  # the same day again: left out
    ]
    pairs = optimize.honest_pairs([history], [[None, 0.99, 0.8, 0.97]])
    assert pairs == [(0.8, True)]


def test_adopted_only_when_better_and_every_fit_is_kept(learner: Database) -> None:
    first = optimize.optimize(learner, NOW)
    second = optimize.optimize(learner, NOW + timedelta(hours=1))
    assert first.status == "adopted"
    assert second.status == "kept"  # the same fit again does not score better than itself
    fits = optimize.history(learner)
    assert [(f.adopted, f.reviews) for f in fits] == [
        (True, first.fitted_on),
        (False, second.fitted_on),
    ]
    assert first.after is not None and fits[0].log_loss_after == first.after.log_loss


def test_revert_goes_back_to_the_parameters_before(learner: Database) -> None:
    optimize.optimize(learner, NOW)
    reverted = optimize.revert(learner, NOW + timedelta(hours=1))
    assert reverted.now_in_force is None and reverted.decks_changed == 1
    with learner.read() as conn:
        [deck] = decks(conn)
    assert deck.parameters is None and deck.parameter_set_id is None
    assert optimize.history(learner)[0].reverted_at is not None


def test_too_little_data_keeps_the_parameters_and_says_how_many_more(db: Database) -> None:
    simulate(db, NOW, cards=5, days=60)
    outcome = optimize.optimize(db, NOW)
    assert outcome.status == "too little data"
    assert outcome.needed == optimize.MIN_REVIEWS - outcome.reviews > 0
    assert optimize.history(db) == []


def test_a_decks_parameters_apply_to_its_sub_decks_unless_one_has_its_own() -> None:
    def fit(fit_id: int, target: str, set_id: int) -> store.FitRecord:
        return store.FitRecord(
            fit_id, target, set_id, [], NOW, 0, 0, None, None, None, None, True, None
        )

    names = {1: "A", 2: "A::B", 3: "A::B::C", 4: "A::D", 5: "E", 6: "AB"}
    resolved = optimize.resolve([fit(1, "", 10), fit(2, "A", 20), fit(3, "A::B", 30)], names)
    assert resolved == {1: 20, 2: 30, 3: 30, 4: 20, 5: 10, 6: 10}


def test_export_holds_every_fit_and_its_parameter_values(learner: Database) -> None:
    outcome = optimize.optimize(learner, NOW)
    with learner.read() as conn:
        data = export_collection(conn)
    [fitted] = [p for p in data["parameter_sets"] if p["source"] == "fitted"]
    assert fitted["parameters"] == list(outcome.parameters)
    [fit] = data["parameter_fits"]
    assert fit["parameter_set_id"] == fitted["id"] and fit["adopted"] is True


def test_cli_optimize_dry_run_json_revert_and_errors(
    learner: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    learner.close()
    db = ["--db", str(db_path)]
    assert main([*db, "optimize", "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "adopted" and report["dry_run"] is True
    assert main([*db, "optimize", "--revert"]) == 4
    assert "no adopted parameters to revert" in capsys.readouterr().err
    assert main([*db, "optimize", "Nope"]) == 4
    assert capsys.readouterr().err == "tutor: no deck named 'Nope'; `tutor decks` lists them\n"
    assert main([*db, "optimize", "Learner"]) == 0
    out = capsys.readouterr().out
    assert "Adopted: the fitted parameters now schedule deck Learner" in out
    assert main([*db, "optimize", "Learner", "--revert"]) == 0
    assert "Reverted the parameters adopted on" in capsys.readouterr().out


def test_restoring_the_export_keeps_the_fitted_parameters(
    learner: Database, tmp_path: Path
) -> None:
    from tutor.store.db import open_database
    from tutor.store.rebuild import rebuild

    optimize.optimize(learner, NOW)
    with learner.read() as conn:
        data = export_collection(conn)
    url = f"sqlite:///{tmp_path / 'restored.db'}"
    rebuild(url, json.loads(json.dumps(data)), "export.json")
    restored = open_database(url)
    try:
        with restored.read() as conn:
            assert export_collection(conn) == data
            [deck] = decks(conn)
        assert deck.parameters == data["parameter_sets"][-1]["parameters"]
        assert optimize.history(restored)[0].adopted is True
    finally:
        restored.close()


def test_a_schema_1_collection_migrates_and_gains_the_fit_history(db_path: Path) -> None:
    import shutil
    import sqlite3

    from tutor.store.db import open_database

    # the committed version-3 collection, taken back to version 1's shape
    shutil.copyfile(Path(__file__).parent / "data" / "collection-v3.db", db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TABLE parameter_fit")
        conn.execute("DROP TABLE rescheduled_card")
        conn.execute("DROP TABLE rescheduling")
        conn.execute("DROP INDEX ix_review_calibration")  # as version 1 had it
        conn.execute("CREATE INDEX ix_review_calibration ON review (retrievability, rating, day)")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()
    migrated = open_database(f"sqlite:///{db_path}")
    try:
        assert optimize.history(migrated) == []
        with sqlite3.connect(db_path) as raw:
            assert raw.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)
            indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
            assert "ix_review_calibration" not in indexes  # version 4 drops it
            assert raw.execute("SELECT count(*) FROM review").fetchone() == (121,)
    finally:
        migrated.close()


def test_the_scoring_on_integer_rows_equals_the_datetime_reference(learner: Database) -> None:
    from tutor import calibration, fitting

    lists = histories(learner)
    cutoff = optimize.cut(lists)
    outcome = optimize.optimize(learner, NOW, dry_run=True)
    for parameters, since in [(DEFAULT, None), (DEFAULT, cutoff), (outcome.parameters, cutoff)]:
        predicted = fitting.predictions(parameters, [[(a, r) for a, r, _d in h] for h in lists])
        reference = calibration.score(optimize.honest_pairs(lists, predicted, since))
        assert optimize.score_set(parameters, lists, since) == reference
    assert outcome.after == optimize.score_set(outcome.parameters, lists, cutoff)
    assert outcome.before == optimize.score_set(DEFAULT, lists, cutoff)
    assert outcome.after is not None and outcome.after.reviews == outcome.evaluated > 1000


def test_held_out_answers_count_elapsed_days_as_the_scheduler_does() -> None:
    from tutor import fitting
    from tutor.store.tables import EPOCH, MICROSECOND

    day, tick = timedelta(days=1), timedelta(microseconds=1)
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    hour = timedelta(hours=1)
    times = [start, start + day - tick, start + 2 * day - tick, start + 2 * day + hour]
    rows = [
        (5, (at - EPOCH) // MICROSECOND, rating, learning_day)
        for at, rating, learning_day in zip(times, [3, 1, 3, 2], [0, 1, 2, 2], strict=True)
    ]
    [card] = fitting.held_out(rows)
    # 24 h - 1 us apart: 0 days; 24 h apart: 1 day; the same learning day: not scored
    assert (card.card_id, card.answers) == (5, [(1, 0, False), (2, 1, True)])
    assert "delta_t: 0 }, FSRSReview { rating: 1, delta_t: 0 }" in repr(card.item)
    [late] = fitting.held_out(rows, rows[2][1])
    assert late.answers == [(2, 1, True)]
    assert fitting.held_out(rows, rows[3][1] + 1) == []


@pytest.mark.parametrize(
    "shape", ["random", "ascending", "descending", "all equal", "few values", "sample misled"]
)
def test_the_held_out_cut_is_the_time_a_full_sort_gives(shape: str) -> None:
    import random

    rng = random.Random(shape)
    size = 30_000
    step = size // optimize.SAMPLE
    values = {
        "random": [rng.randrange(10**15) for _ in range(size)],
        "ascending": list(range(size)),
        "descending": list(range(size, 0, -1)),
        "all equal": [7] * size,
        "few values": [rng.randrange(4) for _ in range(size)],
        # the sampled times (every step-th) all 0, the others later: the bracket misses the cut
        "sample misled": [0 if i % step == 0 else rng.randrange(1, 10**9) for i in range(size)],
    }[shape]
    expected = sorted(values)[int(size * (1 - optimize.HELD_OUT))]
    assert optimize.held_out_cut(values) == expected

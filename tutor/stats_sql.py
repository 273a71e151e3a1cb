"""The statistics' SQL text, written once: run by the stdlib sqlite3 module or through the store.

Written in SQLite's words; `for_postgresql` says the few that differ. `{decks}` is the deck
filter (`tutor.queue_sql.in_decks`), `{cards}` a tag's cards (`in_cards`), `{since}` the first
learning day of the range (`since`), `{source}` a rollup table or the rollups' own query over the
log (`tutor.store.statistics.summed_source`). Booleans as TRUE/FALSE, as in `tutor.queue_sql`.
"""

from __future__ import annotations

from collections.abc import Sequence

from tutor.chosen import CHOSE
from tutor.queue_sql import for_postgresql as queue_for_postgresql
from tutor.state import Phase

NEW = int(Phase.NEW)
REVIEW = int(Phase.REVIEW)
LEARNING = f"({int(Phase.LEARNING)}, {int(Phase.RELEARNING)})"
SUMMARY_COLUMNS = (
    "reviews",
    "passed",
    "milliseconds",
    "correct",
    "new",
    "young",
    "young_passed",
    "mature",
    "mature_passed",
)  # the rollups' sums the statistics show (tutor.store.rollups.SUMMARY_COLUMNS)

SCHEDULED = f"c.retired = FALSE AND c.suspended = FALSE AND c.phase <> {NEW}"

# The rollups count every logged answer (else the statistics sum the log: `{source}`); the one
# test of it, `tutor.store.rollups.in_step` runs it too (the answers counted: every logged one).
ROLLED_ANSWERS = "SELECT COALESCE(SUM(reviews), 0) FROM review_rollup"
LOGGED_ANSWERS = "SELECT COUNT(*) FROM review"

# (day or hour, *SUMMARY_COLUMNS) per learning day or local hour; `{by}` is `day` or `hour`.
SUMMARY = (
    "SELECT u.{by}, "
    + ", ".join(f"SUM(u.{name})" for name in SUMMARY_COLUMNS)
    + " FROM {source} u WHERE 1 = 1 {decks} {since} GROUP BY u.{by} ORDER BY u.{by}"
)

# (local hour, answers, passes, milliseconds) in the range: summed per day and hour first, in
# the rollup's key order (no sort of every row), then the few (day, hour) sums per hour.
HOUR_SUMS = (
    "SELECT t.hour, SUM(t.reviews), SUM(t.passed), SUM(t.milliseconds) FROM (SELECT u.day, "
    "u.hour, SUM(u.reviews) AS reviews, SUM(u.passed) AS passed, SUM(u.milliseconds) AS "
    "milliseconds FROM {source} u WHERE 1 = 1 {decks} {since} GROUP BY u.day, u.hour) t "
    "GROUP BY t.hour ORDER BY t.hour"
)

# (thousandth of predicted recall, reviews, passes, sum of predictions)
CALIBRATION = (
    "SELECT u.fine_bin, SUM(u.reviews), SUM(u.passed), SUM(u.predicted) "
    "FROM {source} u WHERE 1 = 1 {decks} {since} GROUP BY u.fine_bin ORDER BY u.fine_bin"
)


def due_bins(bounds: int) -> str:
    """(bin, cards) of the learning and review cards not suspended nor buried at :now (buried
    cards are never due, as in `tutor.queue_sql.AVAILABLE`) due before the last of the `bounds`
    times :b0 < :b1 < ...: a card's bin is how many bounds its due time reaches (a binary tree
    of comparisons), so the cards due before bound i are those of bins 0 to i. Counted in SQL:
    twice as fast as reading the due times to bisect them."""

    def reached(low: int, high: int) -> str:
        if low == high:
            return str(low)
        middle = (low + high + 1) // 2
        return (
            f"CASE WHEN c.due >= :b{middle - 1} THEN {reached(middle, high)} "
            f"ELSE {reached(low, middle - 1)} END"
        )

    return (
        f"SELECT {reached(0, bounds - 1)} AS bin, count(*) FROM card c WHERE c.retired = FALSE "
        "AND c.suspended = FALSE AND (c.buried_until IS NULL OR c.buried_until <= :now) "
        f"AND c.phase <> {NEW} {{decks}} {{cards}} AND c.due < :b{bounds - 1} GROUP BY 1"
    )


# Whole days from the card's last review to :now_us (microseconds since 1970), rounded down as
# `timedelta.days` is when not negative (a negative count is only ever taken at least 0), and
# from its last review to its due time: integers kept with the card (`tables.schedule_numbers`).
DAY_MICROSECONDS = 86_400_000_000
ELAPSED = f"((:now_us - c.last_review_us) / {DAY_MICROSECONDS})"
INTERVAL = "c.interval_days"

REVIEWED = f"c.phase = {REVIEW} AND c.due IS NOT NULL AND c.last_review IS NOT NULL"
# Each scheduled card's predicted recall, computed exactly as `tutor.queue.recall` computes it
# (whole days elapsed, the same float operations and C pow).
RECALL = (
    "CASE WHEN c.stability IS NOT NULL AND c.stability != 0 AND c.last_review IS NOT NULL "
    f"THEN power(1 + :factor * max(0, {ELAPSED}) / c.stability, :decay) END"
)
# Each card's state for the card counts: an index of CARD_STATES (retired first, then suspended).
CARD_STATES = ("new", "learning", "review", "suspended", "retired")
CARD_STATE = (
    "CASE WHEN c.retired = TRUE THEN 4 WHEN c.suspended = TRUE THEN 3 "
    f"WHEN c.phase = {NEW} THEN 0 WHEN c.phase IN {LEARNING} THEN 1 "
    f"WHEN c.phase = {REVIEW} THEN 2 END"
)
# A subquery with a LIMIT under an aggregate is not merged into it (SQLite reads it as a
# co-routine): each card's values are computed once, not again in every count that uses them.
EACH_ROW_ONCE = "LIMIT -1"


def _count(condition: str) -> str:
    """Rows meeting `condition`: an aggregate FILTER (SQLite 3.30+, PostgreSQL), a fifth faster
    than a SUM of CASEs here."""
    return f"count(*) FILTER (WHERE {condition})"


def card_spans(day_edges: Sequence[float], difficulty_edges: Sequence[float]) -> str:
    """Every card of the decks in one scan, one row: the scheduled cards with an interval,
    reaching each day edge, young; with a stability, reaching each day edge; with a difficulty,
    reaching each edge (the same for every forgetting curve); then the cards new, learning,
    review, suspended and retired (`CARD_STATES`)."""
    sums = [
        _count("k.interval_days IS NOT NULL"),
        *(_count(f"k.interval_days >= {edge!r}") for edge in day_edges),
        _count("k.interval_days < 21"),
        _count("k.stability IS NOT NULL"),
        *(_count(f"k.stability >= {edge!r}") for edge in day_edges),
        _count("k.difficulty IS NOT NULL"),
        *(_count(f"k.difficulty >= {edge!r}") for edge in difficulty_edges),
        *(_count(f"k.state = {state}") for state in range(len(CARD_STATES))),
    ]
    return (
        f"SELECT {', '.join(sums)} FROM (SELECT CASE WHEN {SCHEDULED} AND {REVIEWED} THEN "
        f"{INTERVAL} END AS interval_days, CASE WHEN {SCHEDULED} THEN c.stability END AS "
        f"stability, CASE WHEN {SCHEDULED} THEN c.difficulty END AS difficulty, {CARD_STATE} "
        f"AS state FROM card c WHERE 1 = 1 {{decks}} {{cards}} {EACH_ROW_ONCE}) AS k"
    )


def card_recall(recall_edges: Sequence[float]) -> str:
    """The predicted recall of the scheduled cards of one forgetting curve (`{curve_decks}`):
    a row (0, cards with a recall, reaching each edge, the summed recall, in the cards' scan
    order), then the hardest cards and the least recalled (:top of each)."""
    sums = [
        _count("k.recall IS NOT NULL"),
        *(_count(f"k.recall >= {edge!r}") for edge in recall_edges),
        "COALESCE(SUM(k.recall), 0.0)",
    ]
    # materialized: each card's recall computed once, for the sums and for the two top-N lists
    # (rows of part 1: the hardest cards, 2: the least recalled, each (part, card id, lapses,
    # recall) padded with zeros to the sums' width)
    padding = ", 0" * (len(sums) - 3)  # numbers: PostgreSQL types a subquery's NULL as text
    return (
        f"WITH k AS MATERIALIZED (SELECT c.id, c.lapses, {RECALL} AS recall FROM card c WHERE "
        f"{SCHEDULED} {{decks}} {{cards}} {{curve_decks}}) SELECT 0, {', '.join(sums)} FROM k "
        f"UNION ALL SELECT * FROM (SELECT 1, k.id, k.lapses, k.recall{padding} FROM k "
        "WHERE k.lapses > 0 ORDER BY k.lapses DESC, COALESCE(k.recall, 0), k.id LIMIT :top) "
        f"AS hardest UNION ALL SELECT * FROM (SELECT 2, k.id, k.lapses, k.recall{padding} "
        "FROM k WHERE k.recall IS NOT NULL ORDER BY k.recall, k.id LIMIT :top) AS lowest"
    )


# A stored time SQLite's text columns should hold; anything else is left to the store's error.
TIME_TEXT = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*"
# The stdlib reader's test of the same shape, a third of the GLOB's cost: the separators where
# TIME_TEXT has them, and a date and time SQLite reads (its parser wants the digits there, and
# refuses a month 13 or an hour 25, which TIME_TEXT lets by: those go to the store).
TIME_SHAPE = "????-??-?? ??:??:??*"
SHAPED = "({time} GLOB :shape AND julianday({time}) IS NOT NULL)"
ODD_TIMES = (
    "SELECT 1 FROM card c WHERE "
    + " OR ".join(
        f"(c.{column} IS NOT NULL AND NOT {SHAPED.format(time=f'c.{column}')})"
        for column in ("due", "last_review", "buried_until")
    )
    + " LIMIT 1"
)

QUESTIONS = "SELECT c.id, c.question FROM card c WHERE c.id IN ({ids})"
ANSWERS = (
    "SELECT r.card_id, count(*) FROM review r WHERE r.card_id IN ({ids}) "
    "AND r.correct IS NOT NULL {since} GROUP BY r.card_id"
)
QUESTIONS_AND_DECKS = (
    "SELECT c.id, c.question, d.name FROM card c JOIN deck d ON d.id = c.deck_id "
    "WHERE c.id IN ({ids})"
)

# (card kind, options, rightness, right options, answers, passes, first card) per kind and
# options over the day's first answers of review cards: the log summed per card first (a table
# scan and a sort, not a walk of the card index fetching each row), then each choice card's
# options read once: up to MAX_OPTIONS (all a deck may give) their rightness as one JSON array
# of 1/0 in one parse (`right_options` counts its `1`s), more counted with json_each.
# The groups come in the order of their first card, as the cards did.
MAX_OPTIONS = 9
OPTIONS = "COALESCE(json_array_length(c.options), 0)"
RIGHT_OPTIONS = (
    "(SELECT count(*) FROM json_each(c.options) WHERE COALESCE(json_extract(json_each.value, "
    "'$[1]'), json_extract(json_each.value, '$.correct')))"  # tutor.card_options' two shapes
)
# tutor.card_options keeps an option as `[text, 1 or 0, reasoning]`; a card with an option kept
# as its object (its text holds a brace) is counted one by one.
ARRAYS_ONLY = f"{OPTIONS} <= {MAX_OPTIONS} AND instr(c.options, char(123)) = 0"  # no "{"
RIGHTNESS = (
    f"CASE WHEN {ARRAYS_ONLY} THEN json_extract(c.options, "
    + ", ".join(f"'$[{i}][1]'" for i in range(MAX_OPTIONS))
    + ") END"
)
MANY_RIGHT = f"CASE WHEN {ARRAYS_ONLY} THEN 0 ELSE {RIGHT_OPTIONS} END"
FIRST_ANSWERS = (
    "WITH k AS MATERIALIZED (SELECT c.kind, "
    f"CASE WHEN c.kind = 'choice' THEN {OPTIONS} ELSE 0 END AS options, "
    f"CASE WHEN c.kind = 'choice' THEN {RIGHTNESS} END AS rightness, "
    f"CASE WHEN c.kind = 'choice' THEN {MANY_RIGHT} ELSE 0 END AS right_options, "
    "p.n, p.passed, p.card_id FROM (SELECT r.card_id + 0 AS card_id, count(*) AS n, "
    "count(*) FILTER (WHERE r.rating > 1) AS passed "
    f"FROM review r WHERE r.phase_before = {REVIEW} AND r.first_of_day = TRUE {{since}} "
    "GROUP BY r.card_id + 0) p JOIN card c ON c.id = p.card_id WHERE 1 = 1 {decks} {cards}) "
    "SELECT k.kind, k.options, k.rightness, k.right_options, SUM(k.n), SUM(k.passed), "
    "MIN(k.card_id) FROM k GROUP BY k.kind, k.options, k.rightness, k.right_options "
    "ORDER BY MIN(k.card_id)"
)

# The same sums from the guessing rollup (`tutor.store.rollups.guess_query`), when it counts
# every answer: (options, right options, answers, passes); options 0 for a card not a choice.
GUESSES = (
    "SELECT u.options, u.right_options, SUM(u.reviews), SUM(u.passed) FROM guess_rollup u "
    "WHERE 1 = 1 {decks} {since} GROUP BY u.options, u.right_options"
)


def right_options(rightness: str | None, counted: int) -> int:
    """A card's right options from FIRST_ANSWERS' columns: the `1`s of its rightness array
    (SQLite's JSON text, `[1,0,null,...]`), or as counted when there is none."""
    return counted if rightness is None else rightness.count("1")


# The wrong options' picks of active cards from each option's own counts (`card_option.picks`,
# `first_pick_day`, `last_pick_day`, kept with the log: no pass over the answers), its deck
# kept on it too (`active_deck_id`, NULL once the card is retired: no card lookup per option):
# the misconceptions (`REPEATED_WRONG_PICKS`' rule) counted, with their top :top, and the
# tempting distractors of the range (`{recent}`: `recent_picks`), their top :limit; rows (part,
# card or count, cards, deck, option, picks, last day), part 0 the counts, 1 the
# misconceptions, 2 the distractors (zeros pad the numbers: a subquery's NULL is text to
# PostgreSQL).
WRONG_PICKS = (
    "WITH w AS MATERIALIZED (SELECT o.card_id, o.active_deck_id AS deck_id, o.text, "
    "o.picks AS picked, {recent} AS recent, o.last_pick_day AS last_day FROM card_option o "
    "WHERE o.correct = FALSE AND o.active_deck_id IS NOT NULL AND o.picks > 0 {decks} {cards}), "
    "m AS MATERIALIZED (SELECT w.card_id, w.deck_id, w.text, SUM(w.picked) AS picked, "
    "MAX(w.last_day) AS last_day FROM w GROUP BY w.card_id, w.deck_id, w.text "
    "HAVING SUM(w.picked) >= :at_least) "
    "SELECT 0, count(*), count(DISTINCT m.card_id), NULL, NULL, NULL, NULL FROM m "
    "UNION ALL SELECT * FROM (SELECT 1, m.card_id, 0, d.name, m.text, m.picked, m.last_day "
    "FROM m JOIN deck d ON d.id = m.deck_id "
    "ORDER BY m.picked DESC, d.name, m.card_id, m.text LIMIT :top) AS top_misconceptions "
    "UNION ALL SELECT * FROM (SELECT 2, w.card_id, 0, NULL, w.text, w.recent, 0 FROM w "
    "WHERE w.recent > 0 ORDER BY w.recent DESC, w.card_id, w.text LIMIT :limit) AS top_distractors"
)


def recent_picks(first_day: int | None) -> str:
    """WRONG_PICKS' `{recent}`: an option's picks on or after `first_day` (all: None). Only an
    option first picked before that day and last picked on or after it has its picks counted
    (among its card's answers); the others' are all or none of its picks."""
    if first_day is None:
        return "o.picks"
    day = int(first_day)
    chose = CHOSE.format(review="r", option="o")
    return (
        f"CASE WHEN o.first_pick_day >= {day} THEN o.picks WHEN o.last_pick_day < {day} THEN 0 "
        f"ELSE (SELECT count(*) FROM review r WHERE r.card_id = o.card_id AND r.day >= {day} "
        f"AND {chose}) END"
    )


# (card id, question, deck, wrong option, times picked, last day picked) of every wrong option
# of an active card picked in at least :at_least answers, most first (`tutor.misconceptions`),
# from each option's kept picks summed per option text (an edited option is a new number).
REPEATED_WRONG_PICKS = (
    "SELECT c.id, c.question, d.name, o.text, SUM(o.picks) AS picked, MAX(o.last_pick_day) "
    "FROM card_option o JOIN card c ON c.id = o.card_id JOIN deck d ON d.id = c.deck_id "
    "WHERE o.correct = FALSE AND o.picks > 0 AND c.retired = FALSE {decks} "
    "GROUP BY c.id, d.id, o.text HAVING SUM(o.picks) >= :at_least "
    "ORDER BY picked DESC, d.name, c.id, o.text"
)

RIGHT_OPTIONS_POSTGRESQL = (
    "(SELECT count(*) FROM json_array_elements(c.options) AS e "
    "WHERE COALESCE((e ->> 1)::int = 1, (e ->> 'correct')::boolean))"
)
POSTGRESQL_WORDS = (
    ("max(0, ", "greatest(0, "),
    (EACH_ROW_ONCE, "LIMIT ALL"),
    (RIGHTNESS, "CAST(NULL AS TEXT)"),
    (MANY_RIGHT, RIGHT_OPTIONS_POSTGRESQL),
    (RIGHT_OPTIONS, RIGHT_OPTIONS_POSTGRESQL),
)


def for_postgresql(sql: str) -> str:
    """A statistic's SQL in PostgreSQL's words (the same meaning)."""
    for sqlite_words, postgresql_words in POSTGRESQL_WORDS:
        sql = sql.replace(sqlite_words, postgresql_words)
    return queue_for_postgresql(sql)


def since(first_day: int | None, column: str) -> str:
    """The `{since}` filter: answers on or after :first_day (none for all time). Written as
    `day + 0` on the log so that SQLite scans the narrow review table in order instead of
    jumping through the day index for nearly every row (3-4x faster over a year of reviews)."""
    if first_day is None:
        return ""
    return f"AND {column} >= {int(first_day)}"


def in_cards(select_ids: str | None, column: str = "c.id") -> str:
    """The `{cards}` filter: nothing, or a tag's cards as a SELECT of ids (`tutor.card_search`)."""
    return "" if select_ids is None else f"AND {column} IN ({select_ids})"


def id_list(ids: Sequence[int]) -> str:
    """Card ids (integers) inlined as an IN list."""
    return ",".join(str(int(i)) for i in ids) or "NULL"

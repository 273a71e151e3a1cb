"""`tutor check`: verify a collection against SQLite and tutor's invariants; repair what is safe."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tutor import collection_file, scheduling
from tutor.config import Settings
from tutor.errors import StoreError
from tutor.scheduling import Grade, SchedulerSpec
from tutor.state import CardState, Phase
from tutor.store import integrity, rollups
from tutor.store.choices import recount_picks, set_option_decks
from tutor.store.db import open_database, sqlite_path
from tutor.store.rescheduling import rescheduled_states
from tutor.urls import shown_url

RESTORE_ADVICE = "restore a backup: `tutor restore latest`"
FILE_KINDS = ("damaged_file", "refused")  # findings whose `what` is a whole message on the file
MISSING_FILE_ADVICE = "the cards keep their history; restore the file or ignore"
ROLLUPS_AGREE = "the statistics' rollups equal a rebuild from the review log"


@dataclass(frozen=True)
class Finding:
    """One kind of problem found by a check, with the rows it concerns."""

    kind: str
    what: str  # "cards whose state differs from the replay of their review log"
    ids: tuple[int | str, ...]
    repairable: bool
    advice: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "what": self.what,
            "count": len(self.ids),
            "ids": list(self.ids),
            "repairable": self.repairable,
            "advice": self.advice,
        }


@dataclass(frozen=True)
class CheckResult:
    """What one check found: findings, or why it did not run, or a note (nothing to check)."""

    name: str
    findings: tuple[Finding, ...] = ()
    skipped: str | None = None
    note: str | None = None

    @property
    def status(self) -> str:
        return "skipped" if self.skipped else "problems" if self.findings else "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "note": self.skipped or self.note,
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class CheckReport:
    """The checks as first run; with --repair, what was fixed and the checks run again after."""

    database: str
    results: tuple[CheckResult, ...]
    repair: bool = False
    repaired: tuple[Finding, ...] = ()
    after: tuple[CheckResult, ...] | None = None

    @property
    def final(self) -> tuple[CheckResult, ...]:
        return self.after if self.after is not None else self.results

    @property
    def problems(self) -> list[Finding]:
        return [f for result in self.final for f in result.findings]

    @property
    def clean(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "database": shown_url(self.database),
            "repair": self.repair,
            "checks": [r.to_json() for r in self.results],
            "repaired": [f.to_json() for f in self.repaired],
            "after_repair": [r.to_json() for r in self.after] if self.after is not None else None,
            "problems": len(self.problems),
            "repairable": sum(1 for f in self.problems if f.repairable),
            "clean": self.clean,
        }


@dataclass
class _Facts:
    """What the checks look at, read in one transaction."""

    decks: list[integrity.DeckSource]
    parameter_sets: dict[int, list[float]]
    logs: list[integrity.CardLog]
    orphans: integrity.Orphans
    foreign_keys: list[integrity.ForeignKeyViolation] | None  # None: not an SQLite database
    settings: Settings
    replayed: dict[int, CardState] = field(default_factory=dict)  # cards whose state differs
    specs: dict[tuple[int, int | None], tuple[SchedulerSpec, bool]] = field(default_factory=dict)
    rescheduled: dict[int, list[CardState]] = field(default_factory=dict)  # tutor reschedule's
    rollups: list[str] = field(default_factory=list)  # rollup rows that differ from a rebuild
    schedule_numbers: list[int] = field(default_factory=list)  # cards whose numbers differ
    option_decks: list[int] = field(default_factory=list)  # cards whose options' deck differs
    option_picks: list[int] = field(default_factory=list)  # cards whose options' picks differ

    @property
    def deck_by_id(self) -> dict[int, integrity.DeckSource]:
        return {d.id: d for d in self.decks}  # read once per scheduler spec


def _foreign_keys(facts: _Facts) -> CheckResult:
    if facts.foreign_keys is None:
        return CheckResult("foreign_key_check", skipped="not an SQLite database")
    by_link = Counter((v.table, v.parent) for v in facts.foreign_keys)
    findings = []
    for (table, parent), _count in sorted(by_link.items()):
        rows = tuple(
            v.rowid or 0 for v in facts.foreign_keys if (v.table, v.parent) == (table, parent)
        )
        orphan_of_review = parent == "review" and table == "review_before"
        findings.append(
            Finding(
                f"foreign_key:{table}->{parent}",
                f"{table} rows pointing at a missing {parent} (rowids)",
                rows,
                repairable=orphan_of_review,
                advice="" if orphan_of_review else RESTORE_ADVICE,
            )
        )
    return CheckResult("foreign_key_check", tuple(findings))


def _spec(facts: _Facts, deck_id: int, parameter_set_id: int | None) -> tuple[SchedulerSpec, bool]:
    """The deck's scheduler with this parameter set, fuzz off; and whether the deck fuzzes."""
    key = (deck_id, parameter_set_id)
    found = facts.specs.get(key)
    if found is None:
        deck = facts.deck_by_id.get(deck_id)
        settings = (
            facts.settings.for_deck(deck.name, deck.settings) if deck else facts.settings.defaults
        )
        wanted = (
            parameter_set_id if parameter_set_id is not None else deck and deck.parameter_set_id
        )
        parameters = facts.parameter_sets.get(wanted) if wanted else None
        spec = SchedulerSpec.for_deck(settings, parameters)
        found = facts.specs[key] = (replace(spec, fuzz=False), spec.fuzz)
    return found


def replay(facts: _Facts, log: integrity.CardLog) -> CardState:
    """The state a card's log leads to through the real scheduler, each answer with its own
    parameter set. Fuzz is off; with fuzz on, the due date is the one logged with the last answer.
    """
    state = CardState()
    fuzz = False
    for answer in log.answers:
        exact, fuzz = _spec(facts, log.deck_id, answer.parameter_set_id)
        state = scheduling.review(
            exact, log.card_id, state, Grade(answer.rating), answer.reviewed_at
        )
    if fuzz:
        state = replace(state, due=log.answers[-1].due_after)
    return state


_SCHEDULE_FIELDS = ("phase", "step", "stability", "difficulty", "due", "last_review")


def _agrees_with_its_log(log: integrity.CardLog) -> bool:
    """True if the card's state is what its last answer recorded (the settings may have changed
    since, so that a replay under today's settings differs: that is not damage)."""
    if not log.answers:
        return False
    last, state = log.answers[-1], log.state
    lapses = sum(
        1 for a in log.answers if a.rating == Grade.AGAIN and a.phase_before == Phase.REVIEW
    )
    return (state.stability, state.difficulty, state.due, state.reps, state.lapses) == (
        last.stability_after,
        last.difficulty_after,
        last.due_after,
        len(log.answers),
        lapses,
    )


def _card_states(facts: _Facts) -> CheckResult:
    differs: list[int] = []
    counters: list[int] = []
    settings_changed = 0
    rescheduled = 0
    for log in facts.logs:
        expected = replay(facts, log)
        if expected == log.state:
            continue
        if log.state in facts.rescheduled.get(log.card_id, ()):
            rescheduled += 1  # recomputed from this log by `tutor reschedule`, not answered since
            continue
        if _agrees_with_its_log(log):
            settings_changed += 1
            continue
        facts.replayed[log.card_id] = expected
        if any(getattr(expected, f) != getattr(log.state, f) for f in _SCHEDULE_FIELDS):
            differs.append(log.card_id)
        if (expected.reps, expected.lapses) != (log.state.reps, log.state.lapses):
            counters.append(log.card_id)
    findings = []
    if differs:
        findings.append(
            Finding(
                "state_differs",
                "cards whose scheduling state differs from the replay of their review log",
                tuple(differs),
                repairable=True,
            )
        )
    if counters:
        findings.append(
            Finding(
                "counters_differ",
                "cards whose reps/lapses differ from the count in their review log",
                tuple(counters),
                repairable=True,
            )
        )
    note = (
        (
            "1 card agrees with its own log"
            if settings_changed == 1
            else f"{settings_changed} cards agree with their own log"
        )
        + " but not with a replay under today's settings (learning steps or retention changed "
        "since?): left as they are"
        if settings_changed
        else None
    )
    if rescheduled:
        done = f"{rescheduled} cards hold the state `tutor reschedule` gave them: left as they are"
        note = f"{note}; {done}" if note else done
    return CheckResult("card_states", tuple(findings), note=note)


def _orphans(facts: _Facts) -> CheckResult:
    o = facts.orphans
    candidates = [
        Finding(
            "orphan_review_before",
            "review_before rows without their review (review ids)",
            tuple(o.states),
            repairable=True,
        ),
        Finding(
            "chosen_option_missing",
            "answers naming a chosen option their card does not have (review ids)",
            tuple(o.unknown_choices),
            repairable=False,
            advice=RESTORE_ADVICE,
        ),
        Finding(
            "review_of_missing_card",
            "reviews of a missing card (review ids)",
            tuple(r for r, _card in o.reviews),
            repairable=False,
            advice=RESTORE_ADVICE,
        ),
        Finding(
            "card_of_missing_deck",
            "cards of a missing deck (card ids)",
            tuple(c for c, _deck in o.cards),
            repairable=False,
            advice=RESTORE_ADVICE,
        ),
        Finding(
            "missing_parameter_set",
            "rows referring to a missing parameter set (table:id->set)",
            tuple(f"{table}:{row}->{missing}" for table, row, missing in o.parameter_sets),
            repairable=False,
            advice=RESTORE_ADVICE,
        ),
    ]
    return CheckResult("orphans", tuple(f for f in candidates if f.ids))


def _deck_files(facts: _Facts) -> CheckResult:
    missing = tuple(
        d.name for d in facts.decks if d.source_path and not Path(d.source_path).exists()
    )
    if not missing:
        return CheckResult("deck_files")
    return CheckResult(
        "deck_files",
        (
            Finding(
                "deck_file_missing",
                "decks whose file is missing",
                missing,
                False,
                MISSING_FILE_ADVICE,
            ),
        ),
    )


def _repairable(
    check: str, kind: str, what: str, ids: Sequence[Any], advice: str, note: str | None = None
) -> CheckResult:
    """A check that `tutor check --repair` mends: clean (with `note`) when `ids` is empty,
    else one repairable finding naming them."""
    if not ids:
        return CheckResult(check, note=note)
    return CheckResult(check, (Finding(kind, what, tuple(ids), repairable=True, advice=advice),))


def _rollups(facts: _Facts) -> CheckResult:
    return _repairable(
        "rollups",
        "rollups_differ",
        "statistics rollup rows that differ from a rebuild from the review log "
        "(table day/deck/hour or bin)",
        facts.rollups,
        "`tutor check --repair` rebuilds them from the log",
        note=ROLLUPS_AGREE,
    )


def _schedule_numbers(facts: _Facts) -> CheckResult:
    return _repairable(
        "schedule_numbers",
        "schedule_numbers_differ",
        "cards whose last review in microseconds or interval in days (what the statistics "
        "count) differ from their stored times",
        facts.schedule_numbers,
        "`tutor check --repair` writes them again from the cards' times",
    )


def _option_decks(facts: _Facts) -> CheckResult:
    return _repairable(
        "option_decks",
        "option_decks_differ",
        "cards whose options keep another deck or retirement than the card's (what the "
        "statistics' wrong picks count)",
        facts.option_decks,
        "`tutor check --repair` writes them again from the cards",
    )


def _option_picks(facts: _Facts) -> CheckResult:
    return _repairable(
        "option_picks",
        "option_picks_differ",
        "cards whose options' picks or first or last day picked (what the statistics' wrong "
        "picks count) differ from the answers' choices in the log",
        facts.option_picks,
        "`tutor check --repair` counts them again from the log",
    )


# Each check reads the facts and says what it found; a new check (a rollup) slots in here.
CHECKS: tuple[tuple[str, Callable[[_Facts], CheckResult]], ...] = (
    ("foreign_key_check", _foreign_keys),
    ("card_states", _card_states),
    ("orphans", _orphans),
    ("deck_files", _deck_files),
    ("rollups", _rollups),
    ("schedule_numbers", _schedule_numbers),
    ("option_decks", _option_decks),
    ("option_picks", _option_picks),
)


def _run(conn: Any, settings: Settings, sqlite: bool) -> tuple[tuple[CheckResult, ...], _Facts]:
    facts = _Facts(
        decks=integrity.decks(conn),
        parameter_sets=integrity.parameter_sets(conn),
        logs=integrity.card_logs(conn),
        orphans=integrity.orphans(conn),
        foreign_keys=integrity.foreign_key_violations(conn) if sqlite else None,
        settings=settings,
        rescheduled=rescheduled_states(conn),
        rollups=rollups.differences(conn),
        schedule_numbers=integrity.wrong_schedule_numbers(conn),
        option_decks=integrity.wrong_option_decks(conn),
        option_picks=integrity.wrong_option_picks(conn),
    )
    return tuple(check(facts) for _name, check in CHECKS), facts


def _repair(conn: Any, results: Sequence[CheckResult], facts: _Facts) -> tuple[Finding, ...]:
    fixed = [f for r in results for f in r.findings if f.repairable]
    if not fixed:
        return ()
    integrity.set_states(conn, sorted(facts.replayed.items()))
    integrity.delete_orphan_states(conn, facts.orphans.states)
    if facts.rollups:
        rollups.rebuild(conn)
    integrity.set_schedule_numbers(conn, facts.schedule_numbers)
    set_option_decks(conn, facts.option_decks)
    if facts.option_picks:
        recount_picks(conn)
    return tuple(fixed)


def _file_report(
    url: str, path: Path, check: str, kind: str, detail: str, repair: bool
) -> CheckReport:
    """The report on a file too damaged or foreign to read: one finding, the other checks not run.

    The finding's `what` is the whole message (it names the file and its newest backup)."""
    with collection_file.checking():
        advice = collection_file.recovery(path)
        what = collection_file.damaged(path, detail).message if kind == "damaged_file" else detail
    finding = Finding(kind, what, (str(path),), repairable=False, advice=advice)
    not_run = (
        f"the file is {'damaged' if kind == 'damaged_file' else 'refused'}: nothing else was read"
    )
    found: tuple[CheckResult, ...] = (CheckResult(check, (finding,)),)
    if check == "schema":
        found = (CheckResult("quick_check"), *found)
    rest = tuple(CheckResult(name, skipped=not_run) for name, _check in CHECKS)
    return CheckReport(url, (*found, *rest), repair=repair)


def check_collection(url: str, settings: Settings, *, repair: bool = False) -> CheckReport:
    """Run every check on the collection at `url`; with `repair`, fix what is safe in one write
    transaction and check again. A damaged SQLite file is reported and never opened for writing."""
    path = sqlite_path(url)
    if path is None:
        skipped = "not an SQLite database file"
        sqlite_results: tuple[CheckResult, ...] = (CheckResult("quick_check", skipped=skipped),)
    else:
        if not path.is_file():
            raise StoreError(f"no database at {path}; give the collection with --db")
        damage = integrity.quick_check_file(path)
        if damage:
            shown = "; ".join(damage[:3]) + (
                f" (and {len(damage) - 3} more)" if len(damage) > 3 else ""
            )
            return _file_report(url, path, "quick_check", "damaged_file", shown, repair)
        try:
            with collection_file.checking():
                collection_file.inspect_file(path)
        except StoreError as refused:
            return _file_report(url, path, "schema", "refused", refused.message, repair)
        sqlite_results = (CheckResult("quick_check"), CheckResult("schema"))
    db = open_database(url, create=False)
    try:
        if not repair:
            with db.read() as conn:
                results, _facts = _run(conn, settings, path is not None)
            return CheckReport(url, sqlite_results + results)
        with db.write() as conn:
            results, facts = _run(conn, settings, path is not None)
            repaired = _repair(conn, results, facts)
            after = _run(conn, settings, path is not None)[0] if repaired else results
        return CheckReport(url, sqlite_results + results, True, repaired, sqlite_results + after)
    finally:
        db.close()

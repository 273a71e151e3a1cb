"""The command line: parse arguments, call the core, turn errors into messages and exit codes."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from tutor import __version__
from tutor.errors import NotFoundError, TutorError
from tutor.text import json_safe, neutralise, raw_stream, safe_output

if TYPE_CHECKING:  # the commands load what they use: start-up stays light
    from tutor.importer import ImportReport, ParsedAhead

DESCRIPTION = """\
An adaptive flashcard tutor for the terminal. Decks are Markdown files;
answers are scheduled with FSRS and every answer is saved at once.

Run `tutor` alone for the home screen: your decks and what is due today."""

EPILOG = """\
The collection is an SQLite file in your data directory (see `tutor info`),
or the database given by --db or the TUTOR_DB environment variable.
Settings: config.toml in your config directory, or the file in TUTOR_CONFIG."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tutor {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL|PATH",
        help="the collection: a file path or an SQLAlchemy URL (default: $TUTOR_DB, "
        "else tutor.db in your data directory)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    review = commands.add_parser(
        "review",
        help="review the cards due today (a deck name or a deck file/folder, else all decks)",
        description="Open the review screen. A PATH (file or folder) is imported first.",
    )
    review.add_argument("target", nargs="?", metavar="DECK|PATH")
    _session_size_options(review)

    study = commands.add_parser(
        "study",
        help="custom study: review ahead, the cards failed lately, extra new cards, or practice",
        description="ahead N: cards due in the next N days; new N: N new cards past today's "
        "limit (both real reviews). failed N: the cards rated Again in the last N days; "
        "practice: a deck (--deck), a tag (--tag) or a search (--search); their answers are "
        "practice, logged apart, and leave the schedule alone.",
    )
    study.add_argument("mode", choices=("ahead", "failed", "new", "practice"))
    study.add_argument("amount", nargs="?", type=int, metavar="N", help="days, or new cards")
    study.add_argument("--deck", action="append", metavar="DECK", help="only this deck")
    study.add_argument("--search", metavar="QUERY", help="practice the cards a search finds")
    _session_size_options(study)

    cards = commands.add_parser(
        "cards",
        help="search cards: free text, deck:, tag:, is:, prop:, picked: (see README)",
        description="Search the collection. Terms (all must hold): free text, deck:NAME, "
        "tag:TAG, is:new|learning|review|due|suspended|buried|leech|retired, prop:lapses>3, "
        "prop:r<0.7 (predicted recall; also reps, s, d), picked:[TEXT] (a wrong option chosen).",
    )
    cards.add_argument("query", nargs="*", metavar="QUERY")
    cards.add_argument("--tag", action="append", metavar="TAG", help="only cards with this tag")
    cards.add_argument("--json", action="store_true", help="print as JSON")
    cards.add_argument("--limit", type=int, default=100, metavar="N", help="at most N (100)")
    cards.add_argument("--info", type=int, metavar="ID", help="one card's info and history")

    browse = commands.add_parser("browse", help="the card browser (search, card info, actions)")
    browse.add_argument("query", nargs="*", metavar="QUERY")
    browse.add_argument("--tag", action="append", metavar="TAG", help="only cards with this tag")

    convert = commands.add_parser(
        "convert",
        help="turn a quiz text (question lines, each followed by Explanation:) into a deck",
        description="Write a quiz text as a Markdown deck: one recall card per question, each "
        "with a fixed id and an option-list template to fill in. Importing the deck takes over "
        "the deck imported from the quiz text, and the cards keep their reviews.",
    )
    convert.add_argument("source", metavar="QUIZ.txt")
    convert.add_argument(
        "-o", "--output", metavar="DECK.md", help="write the deck to this file (default: stdout)"
    )
    convert.add_argument("--force", action="store_true", help="replace the -o file if it exists")

    imp = commands.add_parser(
        "import",
        help="import Markdown deck files and folders (and quiz texts: .txt files)",
        description="Import Markdown decks (files, or folders searched for *.md) and quiz texts "
        "(a .txt file named on its own). Each file is "
        "imported whole or not at all; re-importing keeps every card's review history.",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument(
        "--dry-run", action="store_true", help="report what would change; change nothing"
    )
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.add_argument(
        "--strict", action="store_true", help="treat warnings (a file with no cards) as errors"
    )

    anki_in = commands.add_parser(
        "import-anki",
        help="bring an Anki collection over: deck files, cards and review history",
        description="Write one Markdown deck per Anki deck into FOLDER (never over a file), "
        "import them, and replay each card's Anki review log so that its FSRS state is rebuilt "
        "from its own history. Basic and reversed notes become recall cards; the rest is "
        "counted and reported (docs/anki.md).",
    )
    anki_in.add_argument("source", metavar="FILE.apkg|collection.anki2")
    anki_in.add_argument("--out", required=True, metavar="FOLDER", help="where the decks go")
    anki_in.add_argument("--json", action="store_true", help="print the report as JSON")

    decks = commands.add_parser("decks", help="list decks with card counts")
    decks.add_argument("--json", action="store_true", help="print as JSON")

    due = commands.add_parser(
        "due", help="cards due today per deck (fast; for shell prompts and status bars)"
    )
    due.add_argument("--json", action="store_true", help="print as JSON")

    stats = commands.add_parser("stats", help="retention statistics (for a deck or all decks)")
    stats.add_argument("deck", nargs="?", metavar="DECK")
    stats.add_argument(
        "--range",
        choices=["month", "year", "all"],
        default="year",
        help="how far back the charts look (default: year)",
    )
    stats.add_argument("--json", action="store_true", help="print every number as JSON")
    stats.add_argument(
        "--tag", metavar="TAG", help="only the cards with this tag (printed as text, not a screen)"
    )

    suspended = commands.add_parser(
        "suspended", help="list suspended cards (leeches among them) with their ids"
    )
    suspended.add_argument("deck", nargs="?", metavar="DECK")
    suspended.add_argument("--json", action="store_true", help="print as JSON")

    unsuspend = commands.add_parser(
        "unsuspend", help="bring suspended cards back into review (by id, or a whole deck)"
    )
    unsuspend.add_argument("ids", nargs="*", type=int, metavar="ID")
    unsuspend.add_argument("--deck", metavar="DECK", help="every suspended card of this deck")

    export = commands.add_parser(
        "export",
        help="dump the whole collection (decks, cards, states, review logs) as JSON, "
        "or decks as an Anki package (--apkg)",
    )
    export.add_argument("--json", action="store_true", help="JSON output (the default)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument(
        "--apkg", metavar="FILE", help="write the decks as an Anki package instead (see DECK)"
    )
    export.add_argument(
        "decks", nargs="*", metavar="DECK", help="with --apkg: these decks and their sub-decks"
    )
    export.add_argument(
        "--tag",
        action="append",
        metavar="TAG",
        help="only the cards with this tag (again for more: every one), with their whole history",
    )

    commands.add_parser("info", help="where the collection lives, versions and counts")

    optimize = commands.add_parser(
        "optimize",
        help="fit FSRS to your own reviews (adopted only if it predicts them better)",
        description="Fit the FSRS parameters to your review log with fsrs-rs, on the earlier "
        "answers; score the parameters in use and the fitted ones on the later answers; adopt "
        "the fitted ones only if they score better. A deck's parameters apply to its sub-decks "
        "unless a sub-deck has its own. Every fitted set is kept.",
    )
    optimize.add_argument("deck", nargs="?", metavar="DECK", help="fit one deck (default: all)")
    optimize.add_argument(
        "--dry-run", action="store_true", help="fit and score; store and change nothing"
    )
    optimize.add_argument(
        "--revert", action="store_true", help="go back to the parameters before the last adoption"
    )
    optimize.add_argument("--json", action="store_true", help="print the outcome as JSON")
    optimize.add_argument(
        "--reschedule",
        action="store_true",
        help="after an adoption (or --revert), reschedule the deck's cards (tutor reschedule)",
    )
    optimize.add_argument(
        "--retention",
        action="store_true",
        help="simulate a year at desired retentions 0.70-0.97 with your parameters and pace",
    )
    optimize.add_argument(
        "--set-retention",
        type=float,
        metavar="R",
        help="write desired_retention R (0.70-0.99) for DECK (or all decks) into config.toml",
    )

    lint = commands.add_parser(
        "lint",
        help="options that teach badly: no reasoning, near-duplicates, give-aways, never "
        "chosen, chosen over the right one (exit 1 when any is found)",
    )
    lint.add_argument(
        "paths", nargs="*", metavar="PATH", help="deck files or folders (default: the collection)"
    )
    lint.add_argument("--json", action="store_true", help="print the findings as JSON")

    reschedule = commands.add_parser(
        "reschedule",
        help="recompute every card's due date from its own log (after new parameters/retention)",
        description="Replay every card's review log through the scheduler with its deck's "
        "current parameters and settings (desired retention, steps); no answer is added to the "
        "log. Reports how many due dates moved and by how much. Backs up first.",
    )
    reschedule.add_argument("deck", nargs="?", metavar="DECK", help="one deck (default: all)")
    reschedule.add_argument(
        "--dry-run", action="store_true", help="report what would move; change nothing"
    )
    reschedule.add_argument(
        "--revert", action="store_true", help="put back the states the last rescheduling replaced"
    )
    reschedule.add_argument("--json", action="store_true", help="print the outcome as JSON")

    check = commands.add_parser(
        "check",
        help="verify the collection (SQLite checks, states against their logs, orphan rows)",
        description="Verify the collection: SQLite's quick_check and foreign_key_check, every "
        "card's state against the replay of its review log, orphan rows, deck files on disk.",
        epilog="exit status: 0 clean (or clean after --repair), 1 problems found (or left after "
        "--repair), 2 bad settings, 3 the database cannot be opened",
    )
    check.add_argument(
        "--repair",
        action="store_true",
        help="fix what is safe in one transaction: rebuild card states from their logs, delete "
        "orphan review_before rows; report the rest",
    )
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    commands.add_parser(
        "backup",
        help="back up the collection now (SQLite's backup API); prints the backup file",
        description="Back up the collection into the backups folder of your data directory. "
        "Backups made this way are kept until you delete them; automatic ones (daily, before "
        "an import, a migration or a restore) are rotated: 7 daily, 4 weekly, 6 monthly.",
    )
    commands.add_parser("backups", help="list the collection's backups: time, size, kind")
    restore = commands.add_parser(
        "restore",
        help="replace the collection with a backup, `latest`, or an export JSON",
        description="Replace the collection with a backup file (`latest`: the newest one) or "
        "with a `tutor export` JSON. The current collection is backed up first, and the "
        "replacement is one transaction: an interruption leaves the old collection whole.",
    )
    restore.add_argument(
        "source", metavar="FILE|latest", help="a backup file, an export JSON, or latest"
    )
    restore.add_argument(
        "--yes", action="store_true", help="do not ask (needed when stdin is not a terminal)"
    )
    for (
        command
    ) in commands.choices.values():  # `tutor review --db x` as well as `tutor --db x review`
        command.add_argument("--db", metavar="URL|PATH", default=argparse.SUPPRESS, help="as above")
    return parser


def _session_size_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--new", type=int, metavar="N", help="at most N new cards")
    command.add_argument("--limit", type=int, metavar="N", help="stop after N answers")
    command.add_argument(
        "--minutes", type=float, metavar="M", help="stop after M minutes (the card on screen ends)"
    )
    command.add_argument("--tag", action="append", metavar="TAG", help="only cards with this tag")


def run() -> NoReturn:
    """The `tutor` command (and `python -m tutor`): `main`, then a quick end of the process
    (`tutor.quick_exit`)."""
    from tutor.quick_exit import exit_now

    exit_now(main())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status. Deck text prints as data (tutor.text)."""
    with safe_output():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = HANDLERS[args.command or "home"]  # argparse accepts only the commands it knows
    try:
        status = handler(args)
        if status == 0 and args.command in DAILY_BACKUP_AFTER:
            _daily_backup(args)
        return status
    except TutorError as exc:
        print(f"tutor: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("tutor: interrupted; every answer given so far is saved", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _open(args: argparse.Namespace, *, create: bool = True) -> Any:
    from tutor.config import database_url
    from tutor.store.db import open_database

    return open_database(database_url(args.db), create=create)


def _json_text(data: Any) -> str:
    """JSON as printed or written: exact data, with no raw control character (tutor.text)."""
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def _print_json(data: Any) -> None:
    sys.stdout.write(_json_text(data))


class _ProgressLine:
    """A one-line progress bar on stderr that shows only when work lasts over a second."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int, what: str) -> None:
        if not self.enabled or time.monotonic() - self.started < 1.0:
            return
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        line = f"\r[{bar}] {done}/{total} {neutralise(what[:40]):<40}"
        raw_stream(sys.stderr).write(line)  # the CR is ours: past the filter
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            raw_stream(sys.stderr).write("\r" + " " * 80 + "\r")
            sys.stderr.flush()


def cmd_import(args: argparse.Namespace) -> int:
    from tutor.deck.read_ahead import read_ahead

    ahead = read_ahead(args.paths)  # before the database layer loads: large files parse beside
    try:
        report = _import(args, ahead.new_deck if ahead else None)
    finally:
        if ahead is not None:
            ahead.end()
    if args.json:
        _print_json(report.to_json())
        return 2 if report.errors else 0
    prefix = "would import" if args.dry_run else "imported"
    for deck in report.decks:
        if deck.skipped:
            print(f"{deck.name}: unchanged ({deck.unchanged} cards)  [{deck.path}]")
            continue
        parts = [
            f"{deck.added} added",
            f"{deck.updated} updated",
            f"{deck.unchanged} unchanged",
            f"{deck.retired} retired",
        ]
        if deck.restored:
            parts.append(f"{deck.restored} restored")
        print(f"{deck.name}: {prefix} — {', '.join(parts)}  [{deck.path}]")
        for message in deck.messages:
            print(f"  ({message})")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if report.errors:
        print(file=sys.stderr)
        for problem in report.errors:
            print(problem, file=sys.stderr)
        files = len({p.path for p in report.errors})
        print(
            f"\n{files} file{'s' if files > 1 else ''} not imported: fix the errors above and "
            "import again. Nothing from a file with errors was changed.",
            file=sys.stderr,
        )
        return 2
    if args.dry_run:
        print("(dry run: nothing was changed)")
    return 0


def _import(args: argparse.Namespace, parsed_ahead: ParsedAhead | None) -> ImportReport:
    """`import_paths` for `tutor import`'s arguments, with a progress line."""
    from tutor.clock import utc_now
    from tutor.importer import import_paths

    db = _open(args)
    progress = _ProgressLine(enabled=not args.json)
    try:
        return import_paths(
            db,
            args.paths,
            utc_now(),
            dry_run=args.dry_run,
            progress=progress,
            strict=args.strict,
            parsed_ahead=parsed_ahead,
        )
    finally:
        progress.close()
        db.close()


def cmd_import_anki(args: argparse.Namespace) -> int:
    from tutor.anki.bring_in import import_anki, prepare, summary
    from tutor.clock import utc_now
    from tutor.config import load_settings

    settings = load_settings()
    prepared = prepare(Path(args.source).expanduser(), Path(args.out).expanduser())
    report = summary(prepared)
    if prepared.conversion.decks:  # the collection is opened only when something comes over
        db = _open(args)
        progress = _ProgressLine(enabled=not args.json)
        try:
            report = import_anki(db, settings, prepared, utc_now(), progress)
        finally:
            progress.close()
            db.close()
    if args.json:
        _print_json(report.to_json())
    else:
        print("\n".join(report.lines()))
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    from tutor.convert import convert_quiz, write_new_file

    converted = convert_quiz(args.source)
    if args.output is None:  # a file's bytes into a pipe, as -o writes them; shown at a terminal
        (sys.stdout if sys.stdout.isatty() else raw_stream(sys.stdout)).write(converted.text)
        return 0
    written = write_new_file(args.output, converted.text, force=args.force)
    print(
        f"wrote {written}: deck '{neutralise(converted.deck)}', {converted.cards} "
        f"card{'' if converted.cards == 1 else 's'}. "
        f"`tutor import {written}` takes over the deck imported from {converted.source}, "
        "reviews and all; the quiz text may stay where it is.",
        file=sys.stderr,
    )
    return 0


def _today(settings: Any) -> tuple[Any, Any, Any]:
    from tutor.clock import utc_now
    from tutor.day import day_bounds

    now = utc_now()
    start, end = day_bounds(now, settings.day_starts_at, settings.tzinfo())
    return now, start, end


def cmd_decks(args: argparse.Namespace) -> int:
    from tutor.config import load_settings
    from tutor.store.repository import deck_counts

    settings = load_settings()
    now, _start, end = _today(settings)
    db = _open(args)
    try:
        with db.read() as conn:
            decks = deck_counts(conn, now, end, settings)
    finally:
        db.close()
    if args.json:
        _print_json({"decks": [d.to_json() for d in decks]})
        return 0
    if not decks:
        print(
            "No decks yet. Import one with `tutor import PATH`; `tutor info` shows where the "
            "bundled decks are."
        )
        return 0
    width = max(len("deck"), *(len(neutralise(d.name)) for d in decks))
    columns = ("cards", "new", "learn", "review", "due", "retired", "susp.")
    print(f"{'deck':<{width}}  " + "  ".join(f"{c:>6}" for c in columns))
    for d in decks:
        name = neutralise(d.name)
        print(
            f"{name:<{width}}  {d.cards:>5}  {d.new:>5}  {d.learning:>5}  {d.review:>6}  "
            f"{d.due:>5}  {d.retired:>7}  {d.suspended:>5}"
        )
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from tutor.clock import utc_now
    from tutor.config import database_url, load_settings
    from tutor.due import due_counts_at

    counts = due_counts_at(database_url(args.db), load_settings(), utc_now())
    if args.json:
        totals = {k: sum(getattr(c, k) for c in counts) for k in ("new", "learning", "review")}
        _print_json(
            {
                "decks": [c.to_json() for c in counts],
                "total": {**totals, "total": sum(totals.values())},
            }
        )
        return 0
    if not counts:
        print("nothing due: no decks yet (tutor import PATH)")
        return 0
    width = max(len(neutralise(c.name)) for c in counts)
    for c in counts:
        name = neutralise(c.name)
        print(f"{name:<{width}}  {c.new:>4} new  {c.learning:>4} learning  {c.review:>4} review")
    print(f"{'total':<{width}}  {sum(c.total for c in counts):>4} cards due today")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from tutor.clock import utc_now
    from tutor.config import load_settings
    from tutor.stats import compute

    settings = load_settings()
    # plain text without a terminal (the screen needs keys and a display) or with --tag
    if not args.json and args.tag is None and _has_terminal():
        from tutor.tui.app import TutorApp

        db = _open(args)
        try:
            with db.read() as conn:
                from tutor.store.statistics import deck_ids

                if args.deck and not deck_ids(conn, args.deck):
                    from tutor.queue import no_such_deck

                    raise no_such_deck([args.deck])
            TutorApp(db, settings, stats=(args.deck, args.range)).run()
        finally:
            db.close()
        _daily_backup(args)  # the app (back to home, reviews); printed statistics only read
        return 0
    stats = _stats_from_file(args, settings)  # an SQLite file read with the stdlib: fast
    if stats is None:
        db = _open(args)
        try:
            stats = compute(db, settings, utc_now(), args.deck, args.range, tag=args.tag)
        finally:
            db.close()
    if args.json:
        _print_json(stats.to_json())
    else:
        from tutor.stats_report import render  # not for --json: 10 ms of imports

        sys.stdout.write(render(stats))
    return 0


def _stats_from_file(args: argparse.Namespace, settings: Any) -> Any:
    """The statistics of an SQLite collection through the stdlib (None: the store must)."""
    from tutor.clock import utc_now
    from tutor.config import database_url
    from tutor.stats import compute_file

    url = database_url(args.db)
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    return compute_file(path, settings, utc_now(), args.deck, args.range, tag=args.tag)


def _deck_ids(conn: Any, deck: str | None) -> list[int] | None:
    from tutor.store.statistics import deck_ids

    if deck is None:
        return None
    from tutor.queue import no_such_deck

    ids = deck_ids(conn, deck)
    if not ids:
        raise no_such_deck([deck])
    return ids


def cmd_suspended(args: argparse.Namespace) -> int:
    from tutor.store.reviews import suspended_cards

    db = _open(args, create=False)
    try:
        with db.read() as conn:
            cards = suspended_cards(conn, _deck_ids(conn, args.deck))
    finally:
        db.close()
    if args.json:
        _print_json(
            {
                "cards": [
                    {"id": i, "deck": d, "question": q, "leech": leech, "lapses": n}
                    for i, d, q, leech, n in cards
                ]
            }
        )
        return 0
    if not cards:
        print("No suspended cards.")
        return 0
    for card_id, deck, question, leech, lapses in cards:
        tag = f"  leech, {lapses} lapses" if leech else ""
        print(f"{card_id:>7}  {deck}: {question[:70]}{tag}")
    print(f"\n{len(cards)} suspended. Bring them back with: tutor unsuspend ID... (or --deck DECK)")
    return 0


def cmd_unsuspend(args: argparse.Namespace) -> int:
    from tutor.store.reviews import suspended_cards, unsuspend

    if not args.ids and not args.deck:
        print("tutor: give card ids (see `tutor suspended`) or --deck DECK", file=sys.stderr)
        return 2
    _check_card_ids(args.ids)
    db = _open(args, create=False)
    try:
        with db.write() as conn:
            ids = list(args.ids)
            if args.ids:
                known = {c[0] for c in suspended_cards(conn)}
                missing = [str(i) for i in dict.fromkeys(args.ids) if i not in known]
                if missing:
                    raise NotFoundError(
                        f"no suspended card with id {', '.join(missing)}; `tutor suspended` "
                        "lists them. Nothing was changed."
                    )
            if args.deck:
                ids += [c[0] for c in suspended_cards(conn, _deck_ids(conn, args.deck))]
            count = unsuspend(conn, ids)
    finally:
        db.close()
    print(f"Unsuspended {count} card{'s' if count != 1 else ''}.")
    return 0


LARGEST_ID = 2**63 - 1  # SQLite's largest integer


def _check_card_ids(ids: list[int]) -> None:
    """Card ids are whole numbers from 1 up to SQLite's largest integer."""
    from tutor.errors import ConfigError

    for card_id in ids:
        if not 1 <= card_id <= LARGEST_ID:
            shown = str(card_id) if len(str(card_id)) <= 30 else str(card_id)[:27] + "..."
            raise ConfigError(
                f"{shown} is not a card id (ids are whole numbers from 1 to {LARGEST_ID}); "
                "`tutor suspended` lists them"
            )


def cmd_export(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from tutor.export_json import Written, write_sections
    from tutor.safe_write import check_output_path, write_atomic_with
    from tutor.store.db import sqlite_path
    from tutor.store.repository import export_sections

    if args.apkg is not None or args.decks:
        return _export_apkg(args)
    output = Path(args.output).expanduser() if args.output else None
    db = _open(args, create=False)
    written = Written()
    try:
        if output is not None:
            check_output_path(output, protected=sqlite_path(db.url))
        with db.read() as conn:  # one read transaction: streamed whole, never torn
            sections = export_sections(conn, _tagged(conn, args.tag) if args.tag else None)
            if output is None:  # spooled first: damage found midway prints no half document
                with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
                    write_sections(sections, spool)
                    spool.seek(0)
                    shutil.copyfileobj(spool, sys.stdout, 1 << 20)
                return 0

            def write(out: Any) -> None:
                nonlocal written
                written = write_sections(sections, out)

            try:
                write_atomic_with(output, write)
            except OSError as exc:
                raise TutorError(
                    f"cannot write {output}: {exc.strerror}; nothing was written"
                ) from None
    finally:
        db.close()
    decks, cards = written.decks, written.cards
    print(
        f"exported {decks} deck{'s' * (decks != 1)} and {cards} card{'s' * (cards != 1)} "
        f"to {args.output}",
        file=sys.stderr,
    )
    return 0


def _tagged(conn: Any, tags: list[str]) -> set[int]:
    """The cards `tutor export --tag` writes (retired ones of a tagged deck too); NotFoundError
    for a tag that is not known (tutor.known_tags), or when no card has them all."""
    from tutor.clock import utc_now
    from tutor.config import load_settings
    from tutor.errors import NotFoundError
    from tutor.known_tags import require_known
    from tutor.store.queue import StoreReader
    from tutor.store.tags import tagged_cards

    require_known(StoreReader(conn), tags, load_settings(), utc_now())
    cards = tagged_cards(conn, tags)
    if not cards:
        named = ", ".join(repr(t) for t in tags)
        raise NotFoundError(
            f"no card has the tag{'s' * (len(tags) > 1)} {named}; nothing was exported"
        )
    return cards


def _export_apkg(args: argparse.Namespace) -> int:
    from tutor.anki.export import export_apkg
    from tutor.errors import ConfigError

    if args.tag:
        raise ConfigError("--tag chooses cards for the JSON dump; --apkg exports whole decks")
    if not args.apkg:
        raise ConfigError("DECK names go with --apkg FILE: `tutor export --apkg decks.apkg DECK`")
    if args.output or args.json:
        raise ConfigError("--apkg writes an Anki package; -o and --json are for the JSON dump")
    db = _open(args, create=False)
    try:
        written = export_apkg(db, Path(args.apkg).expanduser(), args.decks)
    finally:
        db.close()
    decks = f"{written.decks} deck{'s' if written.decks != 1 else ''}"
    notes = f"{written.notes} note{'s' if written.notes != 1 else ''}"
    print(f"exported {decks} and {notes} to {args.apkg} (an Anki package)")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from importlib.metadata import PackageNotFoundError, version

    from tutor.config import bundled_decks_dir, config_path, database_url
    from tutor.store.db import schema_version, sqlite_path
    from tutor.store.repository import totals
    from tutor.store.server import describe, shown_url

    url = database_url(args.db)
    print(f"tutor {__version__} (Python {sys.version.split()[0]})")
    for package in ("fsrs", "textual", "sqlmodel", "sqlalchemy"):
        try:
            print(f"  {package} {version(package)}")
        except PackageNotFoundError:
            print(f"  {package} not installed")
    path = sqlite_path(url)
    print(f"database:  {shown_url(url)}")
    if path is not None:
        size = f"{path.stat().st_size / 1e6:.1f} MB" if path.exists() else "not created yet"
        print(f"  file:    {path} ({size})")
    elif not url.startswith("sqlite"):
        print(f"  server:  {describe(url)}")
    print(f"settings:  {config_path()}")
    print(f"bundled decks: {bundled_decks_dir()}")
    db = _open(args)
    try:
        with db.read() as conn:
            counts = totals(conn)
            print(f"schema version: {schema_version(conn)}")
    finally:
        db.close()
    print(
        f"decks: {counts['decks']}  cards: {counts['cards']} (+{counts['retired_cards']} retired)"
        f"  reviews: {counts['reviews']}"
    )
    return 0


def cmd_optimize(args: argparse.Namespace) -> int:
    from tutor.clock import utc_now
    from tutor.optimize_report import outcome_lines, reverted_lines

    if args.reschedule:
        from tutor.config import load_settings

        load_settings()  # a bad settings file stops here, before any change
    if args.retention or args.set_retention is not None:
        return _retention(args)
    db = _open(args, create=False)
    try:
        if args.revert:
            from tutor.optimize import revert

            reverted = revert(db, utc_now(), args.deck)
            if not args.json:
                print("\n".join(reverted_lines(reverted)))
            moved = _reschedule_after(args, db, True)
            if args.json:
                _print_json({**reverted.to_json(), **moved})
            return 0
        from tutor.optimize import optimize

        progress = _ProgressLine(not args.json)
        try:
            outcome = optimize(
                db, utc_now(), args.deck, dry_run=args.dry_run, progress=lambda w: progress(0, 1, w)
            )
        finally:
            progress.close()
        adopted = outcome.status == "adopted" and not outcome.dry_run
        if not args.json:
            print("\n".join(outcome_lines(outcome)))
        moved = _reschedule_after(args, db, adopted)
    finally:
        db.close()
    if args.json:
        _print_json({**outcome.to_json(), **moved})
    return 0


def _retention(args: argparse.Namespace) -> int:
    """`tutor optimize --retention` (the simulated table) and `--set-retention R`."""
    from tutor.config import config_path, load_settings
    from tutor.retention import advise
    from tutor.retention_report import advice_lines

    settings = load_settings()
    db = _open(args, create=False)
    try:
        if args.set_retention is None:
            progress = _ProgressLine(not args.json)
            try:
                advice = advise(db, settings, args.deck, progress=lambda w: progress(0, 1, w))
            finally:
                progress.close()
            if args.json:
                _print_json(advice.to_json())
            else:
                print("\n".join(advice_lines(advice)))
            return 0
        from tutor.optimize import _selected
        from tutor.retention import _in_force
        from tutor.settings_file import set_retention
        from tutor.store.fitting import deck_names

        with db.read() as conn:
            _selected(deck_names(conn), args.deck)  # an unknown deck stops here
        path = config_path()
        set_retention(path, args.deck, args.set_retention)
        where = f"deck {neutralise(args.deck)}" if args.deck else "every deck"
        print(f"desired_retention = {args.set_retention:.2f} for {where}, written to {path}.")
        effective = _in_force(db, args.deck, load_settings())[1].desired_retention
        if abs(effective - args.set_retention) > 1e-9:
            print(
                f"warning: {where} still schedules at {effective:.2f}: a deck file's front "
                "matter or a sub-deck table sets desired_retention; change it there",
                file=sys.stderr,
            )
        _reschedule_after(args, db, True)
    finally:
        db.close()
    return 0


def _reschedule_after(args: argparse.Namespace, db: Any, changed: bool) -> dict[str, Any]:
    """`--reschedule`: recompute the deck's cards when its parameters changed; say so."""
    if not args.reschedule:
        return {}
    if not changed:
        if not args.json:
            print("Not rescheduled: the parameters did not change.")
        return {"rescheduled": None}
    from tutor.clock import utc_now
    from tutor.config import load_settings
    from tutor.reschedule import reschedule
    from tutor.reschedule_report import rescheduled_lines

    progress = _ProgressLine(not args.json)
    try:
        done = reschedule(
            db, load_settings(), utc_now(), args.deck, progress=lambda w: progress(0, 1, w)
        )
    finally:
        progress.close()
    if not args.json:
        print("\n".join(rescheduled_lines(done)))
    return {"rescheduled": done.to_json()}


def cmd_reschedule(args: argparse.Namespace) -> int:
    from tutor.clock import utc_now
    from tutor.config import load_settings
    from tutor.reschedule import reschedule, revert
    from tutor.reschedule_report import rescheduled_lines, reverted_lines

    db = _open(args, create=False)
    try:
        if args.revert:
            reverted = revert(db, utc_now())
            data, lines = reverted.to_json(), reverted_lines(reverted)
        else:
            progress = _ProgressLine(not args.json)
            try:
                done = reschedule(
                    db,
                    load_settings(),
                    utc_now(),
                    args.deck,
                    dry_run=args.dry_run,
                    progress=lambda w: progress(0, 1, w),
                )
            finally:
                progress.close()
            data, lines = done.to_json(), rescheduled_lines(done)
    finally:
        db.close()
    if args.json:
        _print_json(data)
    else:
        print("\n".join(lines))
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from tutor.lint import lint_collection, lint_paths

    db = _lint_database(args) if args.paths else _open(args, create=False)
    try:
        found = lint_paths(args.paths, db) if args.paths else lint_collection(db)
    finally:
        if db is not None:
            db.close()
    if args.json:
        _print_json({"findings": [f.to_json() for f in found], "count": len(found)})
    else:
        for finding in found:
            print(neutralise(str(finding)))
        print(f"{len(found)} finding{'s' * (len(found) != 1)}." if found else "No findings.")
    return 1 if found else 0


def _lint_database(args: argparse.Namespace) -> Any:
    """The collection for the answer rules; none yet (no file): the deck text alone is linted."""
    from tutor.config import database_url
    from tutor.store.db import sqlite_path

    url = database_url(args.db)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return None
    return _open(args, create=False)


def cmd_check(args: argparse.Namespace) -> int:
    from tutor.check import check_collection
    from tutor.check_report import render
    from tutor.config import database_url, load_settings

    report = check_collection(database_url(args.db), load_settings(), repair=args.repair)
    if args.json:
        _print_json(report.to_json())
    else:
        sys.stdout.write(render(report))
    return 0 if report.clean else 1


def _collection(args: argparse.Namespace) -> Path:
    from tutor.backups import collection_file
    from tutor.config import database_url

    return collection_file(database_url(args.db))


def _daily_backup(args: argparse.Namespace) -> None:
    """The day's first backup, after the command's work (never before the first frame)."""
    from tutor.backups import daily_backup
    from tutor.clock import utc_now
    from tutor.config import database_url

    try:
        daily_backup(database_url(args.db), utc_now())
    except TutorError as exc:
        print(f"tutor: warning: the daily backup failed: {exc.message}", file=sys.stderr)


def cmd_backup(args: argparse.Namespace) -> int:
    from tutor.backups import make_backup
    from tutor.clock import utc_now

    path = make_backup(_collection(args), "manual", utc_now())
    print(path)
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from tutor.backups import backups_dir, list_backups

    collection = _collection(args)
    backups = list_backups(collection)
    if not backups:
        print(f"No backups of {collection} yet (in {backups_dir()}); `tutor backup` makes one.")
        return 0
    for backup in backups:
        when = backup.made_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        print(f"{when}  {backup.size / 1e6:8.1f} MB  {backup.description:<26}  {backup.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from tutor.backups import backups_dir
    from tutor.clock import utc_now
    from tutor.restore import discard, inspect_database, prepare, replace_collection, resolve_source

    collection = _collection(args)
    source = resolve_source(args.source, collection)
    if not args.yes and not sys.stdin.isatty():
        print(
            f"tutor: restoring replaces the collection {collection}; add --yes to confirm "
            "when not at a terminal",
            file=sys.stderr,
        )
        return 2
    database, contents, temporary = prepare(source, backups_dir())
    try:
        if not args.yes:
            kept = "The current collection is backed up first."
            try:
                current = str(inspect_database(collection)) if collection.exists() else "nothing"
            except TutorError:
                current = "a damaged or foreign file"
                kept = "The current file is moved aside, not backed up."
            try:
                answer = input(
                    f"Replace {collection} ({current})\nwith {source} ({contents})? {kept} [y/N] "
                )
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was changed.")
                return 1
        safety = replace_collection(collection, database, utc_now())
    finally:
        if temporary:
            discard(database)
    _open(args).close()  # migrates a backup of an older schema
    print(f"Restored {collection} from {source}: {contents}.")
    if safety is not None:
        print(f"The collection as it was is kept in {safety}.")
    return 0


def _run_app(
    args: argparse.Namespace, decks: list[str] | None, review: bool, study: Any = None
) -> int:
    from tutor.config import load_settings
    from tutor.tui.app import TutorApp

    settings = load_settings()
    db = _open(args)
    try:
        size = _session_size(args)
        app = TutorApp(
            db, settings, review=decks, start_in_review=review, session_size=size, study=study
        )
        app.run()
    finally:
        db.close()
    _print_summary(app)
    return 0


def _print_summary(app: Any) -> None:
    summary = app.last_summary
    if summary is not None and not summary.answered:
        if app.session_study is not None:
            print("No card matches this custom study; nothing was answered.")
        elif summary.still_due.total:  # quit before the first rating: the cards still wait
            print(f"No card answered. Still due today: {summary.still_due.total}.")
        else:
            print(
                "Nothing due: `tutor study ahead 3` reviews the cards due in the next 3 days;\n"
                "c on the home screen (`tutor`) opens custom study (review ahead, practice)."
            )
    if summary is not None and summary.answered:
        right = f", {summary.correct} right" if summary.accuracy is not None else ""
        cards = "card" if summary.answered == 1 else "cards"
        still = summary.still_due.total
        print(
            f"Reviewed {summary.answered} {cards}{right}; every answer is saved. "
            + (f"Still due today: {still}. " if still else "")
            + f"Due tomorrow: {summary.due_tomorrow}."
        )
        if summary.optimize_suggestion:
            print(summary.optimize_suggestion)


def _has_terminal() -> bool:
    """Whether stdin and stdout are both a terminal (the screens read keys and draw on it)."""
    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


def _refuse_without_terminal(command: str) -> bool:
    """Say so (and return True) when there is no terminal: the screen would wait forever."""
    if _has_terminal():
        return False
    print(
        f"tutor: `{command}` needs a terminal (stdin and stdout); "
        "for scripts use `tutor due` or `tutor stats --json`",
        file=sys.stderr,
    )
    return True


def cmd_home(args: argparse.Namespace) -> int:
    if _refuse_without_terminal("tutor"):
        return 2
    return _run_app(args, None, review=False)


def cmd_review(args: argparse.Namespace) -> int:
    from tutor.config import database_url

    if _refuse_without_terminal("tutor review"):
        return 2
    _refuse_unknown_tags(args, args.tag or ())
    url = database_url(args.db)
    if _session_size(args) is not None:  # the first card depends on the size: no early preview
        return _run_app(args, _review_targets(args) if args.target else None, review=True)
    if not url.startswith("sqlite:///"):
        return _run_app(args, _review_targets(args) if args.target else None, review=True)
    if args.target is not None and Path(args.target).expanduser().exists():
        from tutor.peek import unchanged_decks

        names = unchanged_decks(Path(url.removeprefix("sqlite:///")), [args.target])
        if names is None:  # new or edited files: import them first
            return _run_app(args, _review_targets(args), review=True)
        return _run_review_early(args, names)
    return _run_review_early(args, [args.target] if args.target else None)


def _run_review_early(args: argparse.Namespace, decks: list[str] | None) -> int:
    """Show the first card (read with the stdlib) while the store loads behind it."""
    import random

    from tutor.clock import utc_now
    from tutor.config import database_url, load_settings
    from tutor.peek import EarlyPreview

    settings = load_settings()
    url = database_url(args.db)
    first = EarlyPreview(  # read while the screens load
        Path(url.removeprefix("sqlite:///")), settings, utc_now(), decks, random.Random()
    )
    from tutor.tui.app import TutorApp

    app = TutorApp(
        None, settings, review=decks, start_in_review=True, db_url=url, preview=first.result()
    )
    try:
        app.run()
    finally:
        if app.db is not None:
            app.db.close()
    _print_summary(app)
    return app.return_code or 0


def _review_targets(args: argparse.Namespace) -> list[str]:
    """Deck names to review: a path is imported first; a name must be a known deck."""
    from tutor.clock import utc_now
    from tutor.errors import NotFoundError
    from tutor.importer import import_paths
    from tutor.store.reviews import decks

    target = args.target
    db = _open(args)
    try:
        if Path(target).expanduser().exists():
            report = import_paths(db, [target], utc_now())
            for problem in report.errors:
                print(problem, file=sys.stderr)
            for warning in report.warnings:
                print(f"warning: {warning}", file=sys.stderr)
            names = [d.name for d in report.decks]
            if not names:
                raise NotFoundError(f"nothing to review from {target}: fix the errors above")
            return names
        with db.read() as conn:
            known = [d.name for d in decks(conn, [target])]
        if not known:
            from tutor.queue import no_such_deck

            raise no_such_deck([target])
        return [target]
    finally:
        db.close()


def _session_size(args: argparse.Namespace) -> Any:
    """The session size the options ask for (None: none given)."""
    tags = tuple(getattr(args, "tag", None) or ())
    given = [getattr(args, name, None) for name in ("new", "limit", "minutes")]
    if all(value is None for value in given) and not tags:
        return None  # and tutor.study (card search) is not imported before the first card
    from tutor.study import SessionSize

    new, limit, minutes = given
    return SessionSize(new=new, limit=limit, minutes=minutes, tags=tags)


def cmd_study(args: argparse.Namespace) -> int:
    from tutor.card_query import CardQuery, parse_query
    from tutor.errors import ConfigError
    from tutor.study import Study

    if args.mode != "practice" and args.amount is None:
        what = "new cards" if args.mode == "new" else "days"
        raise ConfigError(f"`tutor study {args.mode} N` needs N, the number of {what}")
    if args.mode == "practice" and not (args.deck or args.tag or args.search):
        raise ConfigError("`tutor study practice` needs --deck DECK, --tag TAG or --search QUERY")
    query = parse_query(args.search) if args.search else CardQuery()
    if args.mode == "practice":
        query = query.with_tags(query.tags + tuple(args.tag or ()))
        args.tag = None  # practice takes its tags in the query
    amount = args.amount if args.amount is not None else 1
    study = Study(args.mode, days=amount, count=amount, query=query)
    _session_size(args)  # bad sizes are refused before anything else
    if _refuse_without_terminal("tutor study"):
        return 2
    decks = list(args.deck) if args.deck else None
    for name in decks or ():
        args.target = name
        _review_targets(args)  # an unknown deck is refused before the screen opens
    _refuse_unknown_tags(args, query.tags + tuple(args.tag or ()))
    return _run_app(args, decks, review=True, study=study)


def _refuse_unknown_tags(args: argparse.Namespace, tags: Sequence[str]) -> None:
    """NotFoundError, as `tutor stats --tag` says it, for a tag no card has."""
    if not tags:  # before the store's import: `tutor review` shows its first card without it
        return
    from tutor.clock import utc_now
    from tutor.config import load_settings
    from tutor.known_tags import require_known
    from tutor.store.queue import StoreReader

    db = _open(args)
    try:
        with db.read() as conn:
            require_known(StoreReader(conn), tags, load_settings(), utc_now())
    finally:
        db.close()


def cmd_cards(args: argparse.Namespace) -> int:
    from tutor.card_history import card_info
    from tutor.card_query import parse_query
    from tutor.card_search import search
    from tutor.cards_report import card_info_text, cards_text
    from tutor.clock import utc_now
    from tutor.config import load_settings
    from tutor.errors import ConfigError
    from tutor.known_tags import require_known
    from tutor.store.queue import StoreReader

    settings = load_settings()
    query = parse_query(" ".join(args.query))
    query = query.with_tags(query.tags + tuple(args.tag or ()))
    if not 1 <= args.limit <= 100000:
        raise ConfigError(f"--limit {args.limit}: give a number of cards from 1 to 100000")
    if args.info is not None:
        _check_card_ids([args.info])
    db = _open(args, create=False)
    try:
        with db.read() as conn:
            reader = StoreReader(conn)
            if args.info is not None:
                info = card_info(reader, args.info, settings, utc_now())
                if info is None:
                    raise NotFoundError(f"no card with id {args.info}; `tutor cards` lists them")
                if args.json:
                    _print_json(info.to_json())
                else:
                    sys.stdout.write(card_info_text(info))
                return 0
            page = search(reader, query, settings, utc_now(), limit=args.limit)
            if not page.total:
                require_known(reader, query.tags, settings, utc_now())
    finally:
        db.close()
    if args.json:
        _print_json({"total": page.total, "cards": [c.to_json() for c in page.cards]})
    else:
        sys.stdout.write(cards_text(page))
    return 0


def cmd_browse(args: argparse.Namespace) -> int:
    from tutor.card_query import parse_query
    from tutor.config import load_settings
    from tutor.tui.app import TutorApp

    text = " ".join([*args.query, *(f"tag:{t}" for t in args.tag or ())])
    parse_query(text)  # a bad search is refused before the screen opens
    if _refuse_without_terminal("tutor browse"):
        return 2
    db = _open(args)
    try:
        TutorApp(db, load_settings(), browse=text).run()
    finally:
        db.close()
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "home": cmd_home,
    "review": cmd_review,
    "import": cmd_import,
    "import-anki": cmd_import_anki,
    "convert": cmd_convert,
    "decks": cmd_decks,
    "export": cmd_export,
    "stats": cmd_stats,
    "suspended": cmd_suspended,
    "unsuspend": cmd_unsuspend,
    "due": cmd_due,
    "info": cmd_info,
    "check": cmd_check,
    "lint": cmd_lint,
    "backup": cmd_backup,
    "backups": cmd_backups,
    "restore": cmd_restore,
    "optimize": cmd_optimize,
    "reschedule": cmd_reschedule,
    "study": cmd_study,
    "cards": cmd_cards,
    "browse": cmd_browse,
}
# Commands after which the day's first backup is made (not `due` nor printed `stats`: they
# only read and must stay instant; the statistics screen takes it in `cmd_stats`).
DAILY_BACKUP_AFTER = {None, "review", "import", "decks", "suspended", "unsuspend"}

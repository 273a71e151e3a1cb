"""The fit's pass over an SQLite review log split by cards over the cores: worker processes
take the later card ranges, this process the first, all checked to have read one state."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from itertools import repeat
from operator import add
from pathlib import Path

from tutor.collection_file import damaged
from tutor.store import log_pass
from tutor.store.log_pass import LogArrays

# below this many answers one process: starting a worker (50-70 ms of CPU on a loaded machine)
# costs more than it saves
WORKER_MIN_ANSWERS = 300_000
MAX_PARTS = 4


class LogChanged(Exception):
    """The log was written to while the parts were read: they may not be one state of it."""


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def idle_parts() -> int:
    """The parts to split the log into: this process's, and one more per core the last
    minute's load average leaves idle (on a busy machine a worker only adds its start-up)."""
    available = cores()
    idle = available - os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return max(1, min(MAX_PARTS, available, 1 + int(idle + 0.5)))


def read_log(
    path: Path,
    deck_ids: Sequence[int] | None,
    *,
    by_time: bool = False,
    parts: int | None = None,
    cards_per_range: int = log_pass.CARDS_PER_RANGE,
) -> LogArrays:
    """The LogArrays of every answer (of the given decks, or all) in the file at `path`, by
    card then id (or then time): the first part read here, the others by worker processes,
    each in its own read transaction. The file's data_version before the first and after the
    last shows no commit came between (LogChanged otherwise: read it again in one part, one
    transaction). Workers are ended and waited for on every way out."""
    try:
        conn = sqlite3.connect(path, timeout=10, check_same_thread=False)
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from None
    workers: list[subprocess.Popen[bytes]] = []
    try:
        try:
            (version,) = conn.execute("PRAGMA data_version").fetchone()
            bounds = log_pass.log_bounds(conn)
            if bounds is None:  # no answers
                return LogArrays()
            wanted = parts if parts is not None else idle_parts()
            if parts is None and bounds[2] < WORKER_MIN_ANSWERS:
                wanted = 1
            # the workers first: each finds its own part while this process finds the first
            for part in range(1, wanted):
                workers.append(_start(path, part, wanted, deck_ids, by_time, cards_per_range))
            conn.execute("BEGIN")
            low, high = log_pass.part_bounds(conn, 0, wanted)
            first = log_pass.pass_over(
                conn, low, high, deck_ids, by_time=by_time, cards_per_range=cards_per_range
            )
            conn.execute("COMMIT")
            others = [_result(worker, path) for worker in workers]
            if workers and conn.execute("PRAGMA data_version").fetchone()[0] != version:
                raise LogChanged(str(path))
        except sqlite3.DatabaseError as exc:
            raise damaged(path, exc) from None
        return _joined(first, others)
    finally:
        for worker in workers:
            _end(worker)
        conn.close()


def _start(
    path: Path,
    part: int,
    parts: int,
    deck_ids: Sequence[int] | None,
    by_time: bool,
    cards_per_range: int,
) -> subprocess.Popen[bytes]:
    # -I -S: the standard library only (no site, no environment, no working directory)
    arguments = [str(path), str(part), str(parts), "1" if by_time else "0", str(cards_per_range)]
    arguments.append(json.dumps(None if deck_ids is None else [int(i) for i in deck_ids]))
    return subprocess.Popen(
        [sys.executable, "-I", "-S", log_pass.__file__, *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _result(worker: subprocess.Popen[bytes], path: Path) -> LogArrays:
    out, err = worker.communicate()
    message = err.decode(errors="replace").strip().splitlines()
    detail = message[-1] if message else f"exit status {worker.returncode}"
    if worker.returncode == log_pass.OUT_OF_ORDER:
        raise log_pass.OutOfOrderError(detail)
    if worker.returncode == log_pass.DAMAGED:
        raise damaged(path, detail)
    if worker.returncode != 0:
        raise RuntimeError(f"the review log's reader failed: {detail}")
    return LogArrays.read(out)


def _end(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.kill()
    worker.communicate()


def _joined(first: LogArrays, others: list[LogArrays]) -> LogArrays:
    """The parts as one, each part's positions moved past the answers before it."""
    for part in others:
        offset = len(first.keys)
        first.cards.extend(part.cards)
        first.counts.extend(part.counts)
        first.keys.extend(part.keys)
        first.item_starts.extend(_moved(part.item_starts, offset))
        first.item_ends.extend(_moved(part.item_ends, offset))
        first.item_times.extend(part.item_times)
        first.later_positions.extend(_moved(part.later_positions, offset))
        first.later_times.extend(part.later_times)
    return first


def _moved(positions: list[int], offset: int) -> map[int]:
    return map(add, positions, repeat(offset))

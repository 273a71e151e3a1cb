"""A large plain deck's cards read in two halves at once, the second in a forked child."""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable

from tutor.deck.rows import CardRow

# A card section this long (characters, about 1,100 bundled-shaped cards) or longer is split:
# there the fork (about 5 ms in `tutor import`), the pickles and the wait cost about a third of
# the half parse saved (about 27 ms), less the larger the deck (docs/performance.md, session 11).
SPLIT_FROM = 1_000_000
# The share of the section read here: the child also pickles its rows (~4% of reading them).
_FIRST_SHARE = 0.52
_PIPE_SIZE = 1 << 20  # Linux's default `pipe-max-size`: the child's rows in fewer writes
# How long the parent waits for the child after its own half, beyond that half's own time:
# past it the child is killed and its half read here (a child stuck would otherwise hang us).
_PATIENCE = 1.0

# `plain_deck._cards`: (text, position, line, build, option, end) -> the rows, or None
Cards = Callable[
    [str, int, int, Callable[..., CardRow], type[tuple[str, bool, str]], int | None],
    list[CardRow] | None,
]


def read_split(
    cards: Cards,
    text: str,
    position: int,
    line: int,
    build: Callable[..., CardRow],
    option: type[tuple[str, bool, str]],
    split_from: int = SPLIT_FROM,
) -> list[CardRow] | None:
    """`cards(text, position, line, build, option, None)` (`plain_deck._cards`): the same rows,
    read in two halves at once when the section is at least `split_from` characters long and
    a fork is safe and has a core to run on; read whole here otherwise."""
    split = _split_point(text, position) if len(text) - position >= split_from else -1
    if split < 0 or not _may_fork():
        return cards(text, position, line, build, option, None)
    second_line = line + text.count("\n", position, split + 1)
    child = _Child.start(lambda: cards(text, split + 1, second_line, build, option, None))
    if child is None:
        return cards(text, position, line, build, option, None)
    try:
        started = time.perf_counter()
        first = cards(text, position, line, build, option, split)
        if first is None:
            return None
        answer = child.answer(time.perf_counter() - started + _PATIENCE)
    finally:
        child.end()
    # the child's rows (None: its half is not plain), else (it failed) its half read here
    second = (
        answer[0]
        if answer is not None
        else cards(text, split + 1, second_line, build, option, None)
    )
    return _joined(first, second) if second is not None else None


def _split_point(text: str, position: int) -> int:
    """The offset of a `\\n## ` card boundary a little past the middle of the section (the
    child pickles its rows after reading them: its half is the shorter), or -1."""
    middle = position + int((len(text) - position) * _FIRST_SHARE)
    split = text.find("\n## ", middle)
    return split if split >= 0 else text.rfind("\n## ", position, middle)


def _may_fork() -> bool:
    """A fork is safe (Linux, where a forked child may run Python without an exec, and no
    other thread: forking a threaded process can deadlock) and pays (another core to run on)."""
    return (
        hasattr(os, "fork")
        and hasattr(os, "sched_getaffinity")
        and threading.active_count() == 1
        and len(os.sched_getaffinity(0)) >= 2
    )


def _joined(first: list[CardRow], second: list[CardRow]) -> list[CardRow] | None:
    """Both halves' rows in order, or None when a slug or key is in both (as one read of the
    whole section finds it twice)."""
    slugs = {row[0] for row in first}
    slugs.discard(None)
    if not slugs.isdisjoint([row[0] for row in second if row[0] is not None]):
        return None
    if not {row[1] for row in first}.isdisjoint([row[1] for row in second]):
        return None
    first.extend(second)
    return first


class _Child:
    """A forked child reading the second half, and the pipe its pickled rows come through."""

    def __init__(self, pid: int, reader: int) -> None:
        self.pid = pid
        self.reader = reader
        self.reaped = False

    @classmethod
    def start(cls, read: Callable[[], list[CardRow] | None]) -> _Child | None:
        """The child started on `read()`, or None when no fork is possible."""
        try:
            reader, writer = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            return None
        if pid == 0:  # the child: never returns
            _serve(writer, reader, read)
        os.close(writer)
        return cls(pid, reader)

    def answer(self, patience: float) -> tuple[list[CardRow] | None] | None:
        """The child's rows or None, in a 1-tuple; None when it failed, sent nothing whole,
        or took longer than `patience` seconds more (then it is killed)."""
        data = _read_all(self.reader, time.monotonic() + patience)
        if data is None:
            return None
        self.reaped = True
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:  # reaped elsewhere (a SIGCHLD handler): its exit unknown
            return None
        if not data or os.waitstatus_to_exitcode(status) != 0:
            return None
        try:
            rows = pickle.loads(data)
        except Exception:  # a truncated or garbled message: read the half here
            return None
        return (rows,) if rows is None or isinstance(rows, list) else None

    def end(self) -> None:
        """Close the pipe; kill and reap the child unless it was reaped already."""
        os.close(self.reader)
        if not self.reaped:
            self.reaped = True
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)


def _serve(writer: int, reader: int, read: Callable[[], list[CardRow] | None]) -> None:
    """In the child: send `read()`'s rows pickled through `writer`, then exit at once (no
    atexit handlers, no flushing, no finalizers: the parent's connections are left alone)."""
    code = 1
    try:
        gc.disable()  # no collection may finalize an object the parent still owns
        os.close(reader)
        _enlarge(writer)
        data = memoryview(pickle.dumps(read(), pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(writer, data) :]
        code = 0
    finally:
        os._exit(code)


def _enlarge(fd: int) -> None:
    """Ask for a larger pipe buffer where the platform allows it (Linux)."""
    import fcntl  # Unix only, as the fork is

    resize = getattr(fcntl, "F_SETPIPE_SZ", None)
    if resize is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, resize, _PIPE_SIZE)


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything written to `fd` until the writer closes it, or None past `deadline`."""
    chunks: list[bytes] = []
    waiting = select.poll()  # not `select.select`: it refuses descriptors past 1023
    waiting.register(fd, select.POLLIN)
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not waiting.poll(left * 1000):
            return None
        chunk = os.read(fd, _PIPE_SIZE)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)

"""A function run in a forked child on another core, its pickled result read back by a pipe."""

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

_PIPE_SIZE = 1 << 20  # Linux's default `pipe-max-size`: the result in fewer writes


def may_fork() -> bool:
    """A fork is safe (Linux, where a forked child may run Python without an exec, and no
    other thread: forking a threaded process can deadlock) and pays (another core to run on)."""
    return (
        hasattr(os, "fork")
        and hasattr(os, "sched_getaffinity")
        and threading.active_count() == 1
        and len(os.sched_getaffinity(0)) >= 2
    )


class Forked:
    """A forked child computing one value, and the pipe its pickled value comes through."""

    def __init__(self, pid: int, reader: int) -> None:
        self.pid = pid
        self.reader = reader
        self.reaped = False

    @classmethod
    def start(cls, work: Callable[[], object]) -> Forked | None:
        """The child started on `work()`, or None when no fork is possible."""
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
            _serve(writer, reader, work)
        os.close(writer)
        return cls(pid, reader)

    def answer(self, patience: float) -> tuple[object] | None:
        """The child's value, in a 1-tuple; None when it failed, sent nothing whole, or took
        longer than `patience` seconds more (then it is killed, by `end`)."""
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
            return (pickle.loads(data),)
        except Exception:  # a truncated or garbled message: the caller computes it itself
            return None

    def end(self) -> None:
        """Close the pipe; kill and reap the child unless it was reaped already."""
        os.close(self.reader)
        if not self.reaped:
            self.reaped = True
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)


def _serve(writer: int, reader: int, work: Callable[[], object]) -> None:
    """In the child: send `work()`'s value pickled through `writer`, then exit at once (no
    atexit handlers, no flushing, no finalizers: the parent's connections are left alone)."""
    code = 1
    try:
        gc.disable()  # no collection may finalize an object the parent still owns
        os.close(reader)
        _enlarge(writer)
        data = memoryview(pickle.dumps(work(), pickle.HIGHEST_PROTOCOL))
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

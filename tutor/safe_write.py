"""Write an output file whole or never: checked target, temporary file, fsync, rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from tutor.collection_file import has_sqlite_header
from tutor.errors import ConfigError


def check_output_path(path: Path, protected: Path | None = None) -> None:
    """Raise ConfigError unless `path` can take an output file without harming anything.

    Refused: the `protected` file (the collection) and any existing SQLite database, a folder,
    a path whose folder does not exist.
    """
    if path.is_dir():
        raise ConfigError(
            f"{path} is a folder; give a file name, such as {path / 'tutor-export.json'}"
        )
    folder = path.parent
    if not folder.is_dir():
        raise ConfigError(f"the folder {folder} does not exist; create it first or choose another")
    if protected is not None:
        collection = protected.resolve()
        companions = {
            collection.with_name(collection.name + s) for s in ("-wal", "-shm", "-journal")
        }
        if path.resolve() == collection:
            raise ConfigError(f"{path} is the collection itself; write the export to another file")
        if path.resolve() in companions:
            raise ConfigError(f"{path} belongs to the collection {collection}; choose another file")
    if path.exists() and has_sqlite_header(path):
        raise ConfigError(
            f"{path} is an SQLite database; an export never replaces one: choose another file"
        )


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path`: a temporary file in the same folder, fsynced, then renamed over it.

    A crash leaves either the old file or the new one, never a part; the temporary file is
    removed on failure.
    """
    write_atomic_with(path, lambda out: out.write(text))


def write_atomic_with(path: Path, write: Callable[[TextIO], object]) -> None:
    """As write_atomic, with the text written by `write` to the open temporary file."""
    folder = path.parent
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_folder(folder)


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

"""Hand the terminal to $VISUAL/$EDITOR on a deck file and say what went wrong, if anything."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from typing import Any

from textual.app import App, SuspendNotSupported


def editor_command() -> str:
    """The editor the learner chose ($VISUAL, else $EDITOR, else vi)."""
    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"


def edit_file(app: App[Any], path: str, line: int) -> str | None:
    """Open `path` at `line` in the editor with the app suspended.

    Returns None when the editor ran and exited with status 0, else a one-line message. Nothing
    escapes the suspended block: the app always gets its screen and keys back.
    """
    command = editor_command()
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        return f"cannot read the editor command {command!r} ($VISUAL/$EDITOR): {exc}"
    if not argv:
        return "the editor command ($VISUAL/$EDITOR) is empty; set EDITOR to your editor"
    failure: str | None = None
    try:
        with app.suspend():
            try:
                status = subprocess.run([*argv, f"+{line}", path], check=False).returncode
            except OSError as exc:
                failure = (
                    f"cannot run the editor {command!r}: {exc.strerror or exc}; "
                    "set VISUAL or EDITOR to an editor that is installed"
                )
            except KeyboardInterrupt:
                failure = f"the editor {command!r} was interrupted"
            else:
                if status < 0:
                    failure = f"the editor {command!r} was stopped by {_signal_name(-status)}"
                elif status > 0:
                    failure = f"the editor {command!r} exited with status {status}"
    except SuspendNotSupported:
        return f"this display cannot hand the terminal to an editor; edit {path}:{line} yourself"
    return failure


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"

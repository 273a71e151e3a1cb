"""One family of errors that the command line turns into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class TutorError(Exception):
    """A problem the user can fix; its message says what to do."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One error found in a deck file: where it is and what is wrong."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class DeckError(TutorError):
    """A deck file that cannot be imported; carries every problem found in it."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    @classmethod
    def single(cls, path: str | Path, line: int, message: str) -> DeckError:
        return cls([Problem(str(path), line, message)])


class ConfigError(TutorError):
    """A settings file or option with a bad value."""

    exit_code = 2


class StoreError(TutorError):
    """The database cannot be opened or used as asked."""

    exit_code = 3


class UndoRefused(StoreError):
    """An undo that cannot be done: the card changed since (a later answer stands on it)."""


class OutOfOrderError(StoreError):
    """The review log read for a fit not by card then time: a card coming back, or a card's
    answers going back in time (a read by id; the read by time follows)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the review log was read out of order (nothing was changed; please report this): "
            f"{detail}"
        )


class NotFoundError(TutorError):
    """A deck or card named by the user does not exist."""

    exit_code = 4

""" "Now" in UTC, injectable so that tests can pin the clock."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
PIN_ENV = "TUTOR_NOW"


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC; $TUTOR_NOW (ISO 8601) pins it for tests."""
    pinned = os.environ.get(PIN_ENV)
    if pinned:
        return as_utc(datetime.fromisoformat(pinned))
    return datetime.now(UTC)


def fixed(moment: datetime) -> Clock:
    """A clock stopped at `moment` (which must be timezone-aware)."""
    if moment.tzinfo is None:
        raise ValueError("a pinned clock needs a timezone-aware datetime")
    pinned = moment.astimezone(UTC)
    return lambda: pinned


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)

"""The learning day: it starts at a set hour of local time (4am by default), as in Anki."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo


def _local(moment: datetime, zone: tzinfo | None) -> datetime:
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


def _to_utc(day: date, hour: int, zone: tzinfo | None) -> datetime:
    wall = datetime.combine(day, time(hour))
    aware = wall.replace(tzinfo=zone) if zone is not None else wall.astimezone()
    return aware.astimezone(UTC)


def day_of(moment: datetime, hour: int = 4, zone: tzinfo | None = None) -> date:
    """The calendar date of the learning day that `moment` falls in."""
    wall = _local(moment, zone).replace(tzinfo=None)
    return (wall - timedelta(hours=hour)).date()


def day_number(moment: datetime, hour: int = 4, zone: tzinfo | None = None) -> int:
    """The learning day of `moment` as a number (proleptic Gregorian ordinal)."""
    return day_of(moment, hour, zone).toordinal()


def day_bounds(
    moment: datetime, hour: int = 4, zone: tzinfo | None = None
) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the learning day containing `moment`; 23 or 25 hours across DST."""
    day = day_of(moment, hour, zone)
    return _to_utc(day, hour, zone), _to_utc(day + timedelta(days=1), hour, zone)


def local_hour(moment: datetime, zone: tzinfo | None = None) -> int:
    """The hour of the day on the learner's clock."""
    return _local(moment, zone).hour

"""Where Mend gets the time: passed in everywhere, so tests move time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Something that knows the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def from_timestamp(seconds: int) -> datetime:
    """An aware UTC datetime from the epoch seconds stored in the database."""
    return datetime.fromtimestamp(seconds, UTC)


def to_timestamp(moment: datetime) -> int:
    """Epoch seconds for the database; refuses naive datetimes so no local time slips in."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: Mend keeps every time aware and in UTC")
    return int(moment.timestamp())

"""A person's history of repairs: how each one went, a summary, and the data of its picture.

Pure Python. It uses only what Mend keeps anyway: when a repair began and when it was repaired,
its way of repairing, how it ended and how many check-ins it had. Never words, and nothing of the
other person's own answers (a "not yet", a "we're okay", how a follow-up went). Months are the
person's own, read in their time zone; the clock is passed in.

How a repair ended, read from the states a rupture has:

* repaired: both said they feel understood, or both said "we're okay now";
* resting: still open, and Mend has nothing more to send: the check-ins ran their course with
  nobody coming back (README, "Check-ins"), someone chose "Stop checking in", or an invitation
  was answered "not now" or went unanswered after its reminder. Either person can pick it up;
* under way: still open and moving: steps to take, a break, a check-in or a reminder to come;
* stepped away: one of the two stepped away (the thread told both);
* ended: the invitation was declined (the opener saw the thread close), the thread was deleted,
  or someone's data was erased.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.rupture import Rupture, Status

MONTHS_SHOWN = 12
_PACES = (timedelta(hours=1), timedelta(days=1), timedelta(weeks=1))


class Outcome(StrEnum):
    REPAIRED = "repaired"
    RESTING = "resting"
    UNDER_WAY = "under way"
    STEPPED_AWAY = "stepped away"
    ENDED = "ended"


class Band(StrEnum):
    """A part of a month's bar in the picture."""

    REPAIRED = "repaired"
    OPEN = "open"  # resting or under way
    ENDED = "ended"  # stepped away or ended


BAND_OF = {
    Outcome.REPAIRED: Band.REPAIRED,
    Outcome.RESTING: Band.OPEN,
    Outcome.UNDER_WAY: Band.OPEN,
    Outcome.STEPPED_AWAY: Band.ENDED,
    Outcome.ENDED: Band.ENDED,
}


class Absent(StrEnum):
    """Why the other person in a repair is not named."""

    ERASED = "erased"  # they erased their data
    LEFT = "left"  # they are no longer in the server


class Pace(StrEnum):
    """How long most repairs took, from the invitation to feeling understood."""

    UNDER_AN_HOUR = "under an hour"
    UNDER_A_DAY = "under a day"
    UNDER_A_WEEK = "under a week"
    OWN_TIME = "own time"


def outcome(rupture: Rupture) -> Outcome:
    """How a repair went, as its history shows it (the module's docstring says what each means)."""
    if rupture.status is Status.RESOLVED:
        return Outcome.REPAIRED
    if rupture.status.is_open:
        return Outcome.RESTING if rupture.due is None else Outcome.UNDER_WAY
    if rupture.status is Status.LEFT:
        return Outcome.STEPPED_AWAY
    return Outcome.ENDED


@dataclass(frozen=True)
class Entry:
    """One repair in a person's history."""

    began: date  # the first day of the month it began, in the person's time zone
    protocol: str
    outcome: Outcome
    took: timedelta | None  # from the invitation to the repair, for repaired ones (when known)
    checkins: int
    other: int | Absent  # the other person, named only while they are a member


@dataclass(frozen=True)
class Summary:
    repairs: int
    began: int
    still_open: int
    pace: Pace | None  # how long most repairs took, when any is known
    since: date | None  # the month they began, or None: over the past year
    current: date  # this month


@dataclass(frozen=True)
class Chart:
    """The picture's data: for each month shown, how many repairs began, by band."""

    months: tuple[date, ...]
    counts: dict[Band, tuple[int, ...]]

    def total(self, index: int) -> int:
        return sum(counts[index] for counts in self.counts.values())


@dataclass(frozen=True)
class History:
    """A person's repairs over the months shown: the past year, or since they began."""

    months: tuple[date, ...]  # oldest first
    entries: tuple[Entry, ...]  # newest first
    whole_year: bool  # they began before the first month shown

    @property
    def partners(self) -> list[int]:
        """The other people still named, most recent first, each once."""
        return list(dict.fromkeys(e.other for e in self.entries if not isinstance(e.other, Absent)))

    def summary(self) -> Summary:
        repaired = [e for e in self.entries if e.outcome is Outcome.REPAIRED]
        known = [e.took for e in repaired if e.took is not None]
        still_open = sum(e.outcome in (Outcome.RESTING, Outcome.UNDER_WAY) for e in self.entries)
        since = None if self.whole_year else self.months[0]
        return Summary(len(repaired), len(self.entries), still_open, _pace(known), since, self.months[-1])

    def chart(self) -> Chart:
        index = {month: i for i, month in enumerate(self.months)}
        counts = {band: [0] * len(self.months) for band in Band}
        for entry in self.entries:
            counts[BAND_OF[entry.outcome]][index[entry.began]] += 1
        return Chart(self.months, {band: tuple(values) for band, values in counts.items()})


def month_of(moment: datetime, zone: ZoneInfo) -> date:
    """The month a moment falls in, where the person lives (as its first day)."""
    local = moment.astimezone(zone)
    return date(local.year, local.month, 1)


def months_after(month: date, count: int) -> date:
    """The month `count` months after `month` (before it, when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def window_start(now: datetime, zone: ZoneInfo) -> datetime:
    """When the past year's months begin (this month and the eleven before it, in the person's zone)."""
    first = months_after(month_of(now, zone), 1 - MONTHS_SHOWN)
    return datetime(first.year, first.month, 1, tzinfo=zone).astimezone(UTC)


def history(
    ruptures: Iterable[Rupture],
    person: int,
    now: datetime,
    zone: ZoneInfo,
    *,
    left: Collection[int] = (),
    earlier: bool = False,
) -> History:
    """A person's history from their ruptures; `left` are the people no longer in the server, and
    `earlier` says whether they had repairs before the past year."""
    current = month_of(now, zone)
    first_shown = months_after(current, 1 - MONTHS_SHOWN)
    newest_first = sorted(ruptures, key=lambda r: (r.created_at, r.id), reverse=True)
    entries = [_entry(r, person, zone, left) for r in newest_first if r.role_of(person) is not None]
    entries = [e for e in entries if first_shown <= e.began <= current]
    if not entries:
        return History((), (), earlier)
    first = first_shown if earlier else entries[-1].began
    months = []
    while first <= current:
        months.append(first)
        first = months_after(first, 1)
    return History(tuple(months), tuple(entries), earlier)


def latest_thread(ruptures: Iterable[Rupture]) -> int | None:
    """The thread of the latest of these repairs whose thread is still there (for a shared picture)."""
    kept = [r for r in ruptures if r.thread_id is not None and r.status is not Status.GONE]
    return max(kept, key=lambda r: (r.created_at, r.id)).thread_id if kept else None


def _entry(rupture: Rupture, person: int, zone: ZoneInfo, left: Collection[int]) -> Entry:
    role = rupture.role_of(person)
    assert role is not None
    other_id = rupture.user_id(role.other)
    other: int | Absent = Absent.ERASED if other_id is None else Absent.LEFT if other_id in left else other_id
    took = None if rupture.resolved_at is None else rupture.resolved_at - rupture.created_at
    return Entry(
        month_of(rupture.created_at, zone),
        rupture.protocol,
        outcome(rupture),
        took if rupture.status is Status.RESOLVED else None,
        rupture.checkins_sent,
        other,
    )


def _pace(took: list[timedelta]) -> Pace | None:
    """The shortest of "under an hour", "a day", "a week" that more than half the repairs took."""
    if not took:
        return None
    for limit, pace in zip(_PACES, (Pace.UNDER_AN_HOUR, Pace.UNDER_A_DAY, Pace.UNDER_A_WEEK), strict=True):
        if 2 * sum(t < limit for t in took) > len(took):
            return pace
    return Pace.OWN_TIME

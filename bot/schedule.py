"""What is due when: the check-in cadence, waking hours across time zones, and the sweep's items.

Pure Python. Times are aware UTC inside; a person's IANA zone (via `zoneinfo`) is used only to
read their quiet hours, so daylight-saving changes are handled by the zone database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.actions import DEFAULT_CADENCE, Cadence
from bot.protocols import Role
from bot.rupture import Due, FollowUp, Rupture, Status

UTC_ZONE = ZoneInfo("UTC")
DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(9, 0)
INVITE_REMINDER_AFTER = timedelta(days=1)
# An invitation that is not accepted ends this long after it was made, whatever the invited person
# did (not now, decline, a block, saying it is not safe, or nothing): the one who invited sees the
# same ending at the same moment, so they cannot tell which it was.
INVITATION_LASTS = timedelta(days=2)
FOLLOWUP_AFTER = timedelta(days=3)
_MAX_SHIFTS = 8


def zone_named(name: str | None) -> ZoneInfo:
    """A person's IANA time zone by its name; UTC when none was set (or the name is no longer known)."""
    if name:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(name)
    return UTC_ZONE


def schedule_next(rupture: Rupture, cadence: Cadence = DEFAULT_CADENCE) -> Rupture:
    """What is due next after activity: it restarts the check-in cadence from the beginning.

    Invited: one reminder a day after the invitation. A break: its end. Open: a check-in after
    the first interval, unless check-ins were stopped. Resolved: the private follow-up on named
    commitments. Otherwise nothing.
    """
    due_at: datetime | None = None
    due: Due | None = None
    if rupture.status is Status.INVITED and not rupture.invite_reminded:
        due_at, due = rupture.created_at + INVITE_REMINDER_AFTER, Due.INVITE_REMINDER
    elif rupture.status is Status.INVITED:
        due_at, due = rupture.created_at + INVITATION_LASTS, Due.INVITATION_END
    elif rupture.status is Status.ACTIVE and rupture.paused_until is not None:
        due_at, due = rupture.paused_until, Due.PAUSE_END
    elif rupture.status is Status.ACTIVE and not rupture.checkins_stopped and cadence:
        due_at, due = rupture.updated_at + cadence[0], Due.CHECKIN
    elif rupture.status is Status.RESOLVED and FollowUp.PENDING in (rupture.first.followup, rupture.second.followup):
        due_at, due = rupture.updated_at + FOLLOWUP_AFTER, Due.FOLLOWUP
    return replace(rupture, due_at=due_at, due=due, checkin_stage=0)


@dataclass(frozen=True)
class Waking:
    """One person's time zone and quiet hours (quiet from `quiet_start` to `quiet_end`, local)."""

    zone: ZoneInfo = UTC_ZONE
    quiet_start: time = DEFAULT_QUIET_START
    quiet_end: time = DEFAULT_QUIET_END

    def quiet_until(self, moment: datetime) -> datetime | None:
        """If `moment` falls in this person's quiet hours, when they end (UTC); else None.

        Quiet hours are compared as moments, not as clock readings, so a repeated hour when the
        clocks go back is quiet if it comes after the quiet hours began. A wall-clock time that
        occurs twice means its first occurrence; one that does not exist (the spring-forward gap)
        means the moment just after the gap.
        """
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return None
        today = moment.astimezone(self.zone).date()
        for day in (today - timedelta(days=1), today):
            begins = self.moment_on(day, start)
            ends = self.moment_on(day if start < end else day + timedelta(days=1), end)
            if begins <= moment < ends:
                return ends
        return None

    def moment_on(self, day: date, wall_clock: time) -> datetime:
        """The moment a wall-clock time comes on `day`, in this person's zone (UTC)."""
        return datetime.combine(day, wall_clock, tzinfo=self.zone).astimezone(UTC)


def tomorrow_morning(now: datetime, waking: Waking) -> datetime:
    """When the coming night's quiet hours end for this person (this night's, if it is night now):
    what a break "until tomorrow morning" means. With no quiet hours, the default ones stand in."""
    if waking.quiet_start == waking.quiet_end:
        waking = Waking(waking.zone)
    tonight = waking.quiet_until(now)
    if tonight is not None:
        return tonight
    today = now.astimezone(waking.zone).date()
    starts = (waking.moment_on(day, waking.quiet_start) for day in (today, today + timedelta(days=1)))
    ends = waking.quiet_until(next(start for start in starts if start > now))
    assert ends is not None
    return ends


def waking_moment(moment: datetime, people: Iterable[Waking]) -> datetime:
    """The first moment at or after `moment` outside everyone's quiet hours: delayed, never dropped.

    When the quiet hours leave no time that suits everyone (far-apart zones), the first moment at
    least one person is awake will do, so the item still goes out.
    """
    waking = list(people)
    candidate = moment
    for _ in range(_MAX_SHIFTS):
        ends = [end for person in waking if (end := person.quiet_until(candidate)) is not None]
        if not ends:
            return candidate
        candidate = max(ends)
    quiet_ends = [person.quiet_until(moment) for person in waking]
    if None in quiet_ends:
        return moment
    return min(end for end in quiet_ends if end is not None)


def checkin_sent(rupture: Rupture, cadence: Cadence, now: datetime) -> Rupture:
    """After a check-in: the next one comes after the next, longer interval; after the last, none.

    The stage starts again with any activity; `checkins_sent` counts every check-in the repair had.
    """
    stage = rupture.checkin_stage + 1
    sent = replace(rupture, checkin_stage=stage, checkins_sent=rupture.checkins_sent + 1)
    if stage >= len(cadence):
        return replace(sent, due_at=None, due=None)
    return replace(sent, due_at=now + cadence[stage], due=Due.CHECKIN)


def reminder_sent(rupture: Rupture) -> Rupture:
    """The invitation's one gentle reminder has gone; what is due next is its end."""
    return schedule_next(replace(rupture, invite_reminded=True))


def break_over(rupture: Rupture, cadence: Cadence, now: datetime) -> Rupture:
    """The break ended and both were told: check-ins start again from now."""
    return schedule_next(replace(rupture, paused_until=None, paused_by=None, updated_at=now), cadence)


def followup_asked(rupture: Rupture, role: Role) -> Rupture:
    """One person was asked about their commitment; the follow-up is done when nobody is left."""
    asked = rupture.with_seat(role, replace(rupture.seat(role), followup=FollowUp.ASKED))
    if FollowUp.PENDING in (asked.first.followup, asked.second.followup):
        return asked
    return replace(asked, due_at=None, due=None)


def followup_way_chosen(rupture: Rupture, role: Role, by_dm: bool) -> Rupture:
    """Whether `role` is asked about their commitment by direct message (their choice) or in the thread."""
    return rupture.with_seat(role, replace(rupture.seat(role), followup_by_dm=by_dm))


def followup_answered(rupture: Rupture, role: Role) -> Rupture:
    return rupture.with_seat(role, replace(rupture.seat(role), followup=FollowUp.ANSWERED))


def still_due(rupture: Rupture, due: Due) -> bool:
    """Whether a claimed item still applies to the rupture as it is now."""
    if due in (Due.INVITE_REMINDER, Due.INVITATION_END):
        return rupture.status is Status.INVITED
    if due is Due.FOLLOWUP:
        return rupture.status is Status.RESOLVED
    return rupture.status is Status.ACTIVE


class BadCadence(ValueError):
    """Check-in intervals must be 1 to 5 numbers of days, each from 1 to 60."""


def parse_cadence(text: str) -> Cadence:
    """`"1,3,7"` → intervals of 1, 3 and 7 days; raises BadCadence on anything else: 1 to 5 numbers of
    days, each at least one (a check-in a day is the most Mend will ever ask) and at most 60."""
    try:
        days = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise BadCadence(text) from None
    if not 0 < len(days) <= 5 or any(not 1 <= d <= 60 for d in days):
        raise BadCadence(text)
    return tuple(timedelta(days=d) for d in days)


@dataclass(frozen=True)
class Claim:
    """A due item the sweep has claimed (committed before anything is sent), with its rupture."""

    rupture: Rupture
    attempt: int
    first_claimed_at: datetime

    @property
    def due(self) -> Due:
        assert self.rupture.due is not None
        return self.rupture.due

    @property
    def due_at(self) -> datetime:
        assert self.rupture.due_at is not None
        return self.rupture.due_at


class Outcome(StrEnum):
    """What became of a claimed item."""

    SENT = "sent"
    QUIET = "quiet hours"
    RETRY = "retry"
    BLOCKED = "blocked"
    GONE = "gone"
    MOVED_ON = "moved on"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Handled:
    """What became of one claimed item; the sweep records a whole batch of these at once."""

    claim: Claim
    outcome: Outcome
    recorded: Rupture | None = None
    when: datetime | None = None

    @property
    def label(self) -> str:
        return self.claim.due.value if self.outcome is Outcome.SENT else self.outcome.value

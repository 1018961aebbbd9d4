"""When check-ins fall: the cadence, quiet hours across midnight and time zones, and DST."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.actions import DEFAULT_CADENCE
from bot.protocols import Role
from bot.rupture import Due, FollowUp, Rupture, Seat, Status
from bot.schedule import (
    INVITATION_LASTS,
    BadCadence,
    Waking,
    break_over,
    checkin_sent,
    followup_asked,
    parse_cadence,
    reminder_sent,
    schedule_next,
    waking_moment,
)

NEW_YORK, LONDON, TOKYO = ZoneInfo("America/New_York"), ZoneInfo("Europe/London"), ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def active() -> Rupture:
    return schedule_next(Rupture(1, 10, 100, "quick", Status.ACTIVE, Seat(1), Seat(2), NOW, NOW))


def test_the_cadence_slows_then_stops() -> None:
    rupture = active()
    assert (rupture.due, rupture.due_at) == (Due.CHECKIN, NOW + timedelta(days=1))
    sent_at = rupture.due_at
    assert sent_at is not None
    second = checkin_sent(rupture, DEFAULT_CADENCE, sent_at)
    assert second.due_at == sent_at + timedelta(days=3)
    third = checkin_sent(second, DEFAULT_CADENCE, sent_at + timedelta(days=3))
    assert third.due_at == sent_at + timedelta(days=10)
    done = checkin_sent(third, DEFAULT_CADENCE, sent_at + timedelta(days=10))
    assert done.due is None and done.dormant


def test_activity_restarts_the_cadence() -> None:
    after_two = checkin_sent(checkin_sent(active(), DEFAULT_CADENCE, NOW), DEFAULT_CADENCE, NOW)
    later = NOW + timedelta(days=5)
    again = schedule_next(replace(after_two, updated_at=later))
    assert (again.checkin_stage, again.due_at) == (0, later + timedelta(days=1))


def test_what_is_due_follows_the_state() -> None:
    invited = schedule_next(Rupture(1, 10, 100, "quick", Status.INVITED, Seat(1), Seat(2), NOW, NOW))
    assert (invited.due, invited.due_at) == (Due.INVITE_REMINDER, NOW + timedelta(days=1))
    reminded = reminder_sent(invited)
    assert (reminded.due, reminded.due_at) == (Due.INVITATION_END, NOW + INVITATION_LASTS)
    assert schedule_next(replace(invited, invite_reminded=True)) == reminded
    paused = schedule_next(replace(active(), paused_until=NOW + timedelta(hours=1)))
    assert (paused.due, paused.due_at) == (Due.PAUSE_END, NOW + timedelta(hours=1))
    resumed = break_over(paused, DEFAULT_CADENCE, NOW + timedelta(hours=1))
    assert (resumed.due, resumed.due_at, resumed.paused_until) == (Due.CHECKIN, NOW + timedelta(hours=25), None)
    assert schedule_next(replace(active(), checkins_stopped=True)).due is None
    resolved = replace(active(), status=Status.RESOLVED)
    assert schedule_next(resolved).due is None
    committed = schedule_next(resolved.with_seat(Role.SECOND, replace(resolved.second, followup=FollowUp.PENDING)))
    assert (committed.due, committed.due_at) == (Due.FOLLOWUP, NOW + timedelta(days=3))
    assert followup_asked(committed, Role.SECOND).due is None


def test_quiet_hours_across_midnight_delay_to_their_end() -> None:
    person = Waking(LONDON)
    assert person.quiet_until(utc(2026, 11, 28, 20, 59)) is None
    assert person.quiet_until(utc(2026, 11, 28, 21, 0)) == utc(2026, 11, 29, 9, 0)
    assert person.quiet_until(utc(2026, 11, 29, 3, 0)) == utc(2026, 11, 29, 9, 0)
    assert person.quiet_until(utc(2026, 11, 29, 9, 0)) is None
    daytime = Waking(LONDON, time(13, 0), time(14, 0))
    assert daytime.quiet_until(utc(2026, 11, 28, 13, 30)) == utc(2026, 11, 28, 14, 0)
    assert Waking(LONDON, time(9, 0), time(9, 0)).quiet_until(utc(2026, 11, 28, 3, 0)) is None


def test_two_people_in_different_zones_are_both_left_in_peace() -> None:
    new_york, london = Waking(NEW_YORK), Waking(LONDON)
    # 22:00 UTC: London is asleep until 09:00 UTC, when New York (04:00) still is, until 14:00 UTC.
    assert waking_moment(utc(2026, 11, 28, 22, 0), [new_york, london]) == utc(2026, 11, 29, 14, 0)
    assert waking_moment(utc(2026, 11, 28, 15, 0), [new_york, london]) == utc(2026, 11, 28, 15, 0)
    assert waking_moment(utc(2026, 11, 28, 22, 0), []) == utc(2026, 11, 28, 22, 0)


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        # New York springs forward on 2026-03-08: 09:00 local is 13:00 UTC (EDT), not 14:00.
        (utc(2026, 3, 8, 6, 30), NEW_YORK, utc(2026, 3, 8, 13, 0)),
        (utc(2026, 3, 7, 6, 30), NEW_YORK, utc(2026, 3, 7, 14, 0)),
        # ...and falls back on 2026-11-01: 09:00 local is 14:00 UTC (EST) again.
        (utc(2026, 11, 1, 6, 30), NEW_YORK, utc(2026, 11, 1, 14, 0)),
        (utc(2026, 10, 31, 6, 30), NEW_YORK, utc(2026, 10, 31, 13, 0)),
        # London springs forward on 2026-03-29 and falls back on 2026-10-25.
        (utc(2026, 3, 29, 2, 0), LONDON, utc(2026, 3, 29, 8, 0)),
        (utc(2026, 10, 25, 2, 0), LONDON, utc(2026, 10, 25, 9, 0)),
        (utc(2026, 10, 24, 21, 30), LONDON, utc(2026, 10, 25, 9, 0)),
        (utc(2026, 10, 24, 19, 30), LONDON, utc(2026, 10, 24, 19, 30)),
    ],
)
def test_quiet_hours_follow_daylight_saving(moment: datetime, zone: ZoneInfo, expected: datetime) -> None:
    assert waking_moment(moment, [Waking(zone)]) == expected


def test_a_quiet_end_inside_the_spring_gap_still_moves_forward() -> None:
    person = Waking(NEW_YORK, time(23, 0), time(2, 30))
    moment = utc(2026, 3, 8, 6, 45)  # 01:45 EST, before the 02:00 jump to 03:00 EDT
    woken = waking_moment(moment, [person])
    assert woken > moment
    assert woken.astimezone(NEW_YORK).hour == 3


def test_quiet_hours_covering_the_whole_day_still_end_somewhere() -> None:
    awake_nowhere = [Waking(NEW_YORK, time(9, 5), time(9, 0)), Waking(TOKYO, time(9, 5), time(9, 0))]
    assert waking_moment(NOW, awake_nowhere) > NOW


def test_cadence_settings_parse() -> None:
    assert parse_cadence("1, 3, 7") == DEFAULT_CADENCE
    assert parse_cadence("1.5") == (timedelta(hours=36),)
    for bad in ("", "0", "1,x", "1,2,3,4,5,6", "90", "0.5", "1e-9", "nan", "inf"):
        with pytest.raises(BadCadence):
            parse_cadence(bad)


def test_far_apart_zones_with_no_shared_waking_hours_still_get_their_check_in() -> None:
    new_york, shanghai = Waking(NEW_YORK), Waking(ZoneInfo("Asia/Shanghai"))
    moment = utc(2026, 7, 1, 3, 0)  # 23:00 in New York, 11:00 in Shanghai
    woken = waking_moment(moment, [new_york, shanghai])
    assert woken >= moment
    assert woken - moment < timedelta(days=1), "delayed, never dropped"
    assert waking_moment(woken, [new_york, shanghai]) == woken, "and once it comes, it goes out"
    assert new_york.quiet_until(woken) is None or shanghai.quiet_until(woken) is None


def test_the_repeated_hour_after_quiet_hours_began_is_quiet() -> None:
    person = Waking(NEW_YORK, time(1, 30), time(9, 0))
    # 2026-11-01: 01:30 EDT (05:30 UTC) starts the quiet hours; at 02:00 EDT the clocks go back to 01:00.
    assert person.quiet_until(utc(2026, 11, 1, 5, 29)) is None, "01:29 EDT, before they begin"
    assert person.quiet_until(utc(2026, 11, 1, 6, 10)) == utc(2026, 11, 1, 14, 0), "01:10 EST, the repeated hour"
    assert person.quiet_until(utc(2026, 11, 1, 13, 59)) == utc(2026, 11, 1, 14, 0)
    assert person.quiet_until(utc(2026, 11, 1, 14, 0)) is None

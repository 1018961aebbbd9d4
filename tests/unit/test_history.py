"""A history's entries, summary and chart data, from rupture rows, with the clock and time zone given."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.actions import DEFAULT_CADENCE, AnswerCheckin, CheckinAnswer, Move, Press
from bot.history import Absent, Band, Outcome, Pace, history, latest_thread, outcome, window_start
from bot.rupture import Due, Rupture, Seat, Status
from bot.schedule import checkin_sent, schedule_next
from bot.wording import history as words
from tests.pure import ALEX, ROBIN, SAM, act, changed, started, walk

UTC_ZONE = ZoneInfo("UTC")
TOKYO = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def past(
    opened: datetime,
    status: Status = Status.RESOLVED,
    *,
    took: timedelta | None = timedelta(hours=3),
    with_: int | None = SAM,
    checkins: int = 0,
    due: Due | None = None,
    number: int = 1,
) -> Rupture:
    """A rupture Alex opened at `opened`, as storage reads it back."""
    resolved = opened + took if status is Status.RESOLVED and took is not None else None
    return Rupture(
        number, 10, 100 + number, "quick", status, Seat(ALEX), Seat(with_), opened, opened,
        due=due, resolved_at=resolved, checkins_sent=checkins,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("status", "due", "expected"),
    [
        (Status.RESOLVED, None, Outcome.REPAIRED),
        (Status.ACTIVE, None, Outcome.RESTING),  # the check-ins ran their course, or were stopped
        (Status.INVITED, None, Outcome.RESTING),  # "not now", or no answer after the reminder
        (Status.ACTIVE, Due.CHECKIN, Outcome.UNDER_WAY),
        (Status.ACTIVE, Due.PAUSE_END, Outcome.UNDER_WAY),
        (Status.INVITED, Due.INVITE_REMINDER, Outcome.UNDER_WAY),
        (Status.LEFT, None, Outcome.STEPPED_AWAY),
        (Status.DECLINED, None, Outcome.ENDED),
        (Status.GONE, None, Outcome.ENDED),
        (Status.ERASED, None, Outcome.ENDED),
    ],
)
def test_how_a_repair_went_is_read_from_its_state(status: Status, due: Due | None, expected: Outcome) -> None:
    assert outcome(past(NOW, status, due=due)) is expected


def test_a_month_is_the_persons_own_month() -> None:
    last_evening_of_february = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    early_first_of_march = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    rows = [past(last_evening_of_february, number=1), past(early_first_of_march, number=2)]
    months = {
        zone.key: [e.began for e in history(rows, ALEX, NOW, zone).entries] for zone in (UTC_ZONE, TOKYO, LOS_ANGELES)
    }
    assert months == {
        "UTC": [date(2026, 3, 1), date(2026, 2, 1)],
        "Asia/Tokyo": [date(2026, 3, 1), date(2026, 3, 1)],
        "America/Los_Angeles": [date(2026, 2, 1), date(2026, 2, 1)],
    }
    tokyo = history(rows, ALEX, NOW, TOKYO).chart()
    assert tokyo.months == tuple(date(2026, m, 1) for m in range(3, 12))
    assert tokyo.counts[Band.REPAIRED][:2] == (2, 0)


def test_the_past_year_is_this_month_and_the_eleven_before_it_across_the_new_year() -> None:
    new_years_eve_utc = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)  # already 1 January 2027 in Tokyo
    assert window_start(new_years_eve_utc, UTC_ZONE) == datetime(2026, 1, 1, tzinfo=UTC)
    assert window_start(new_years_eve_utc, TOKYO) == datetime(2026, 1, 31, 15, 0, tzinfo=UTC)  # 1 Feb, Tokyo
    january = past(datetime(2026, 1, 15, tzinfo=UTC), number=1)
    recent = past(datetime(2026, 12, 30, tzinfo=UTC), number=2)
    in_utc = history([january, recent], ALEX, new_years_eve_utc, UTC_ZONE, earlier=True)
    in_tokyo = history([january, recent], ALEX, new_years_eve_utc, TOKYO, earlier=True)
    assert (in_utc.months[0], in_utc.months[-1], len(in_utc.months)) == (date(2026, 1, 1), date(2026, 12, 1), 12)
    assert (in_tokyo.months[0], in_tokyo.months[-1], len(in_tokyo.months)) == (date(2026, 2, 1), date(2027, 1, 1), 12)
    assert [e.began for e in in_utc.entries] == [date(2026, 12, 1), date(2026, 1, 1)]
    assert [e.began for e in in_tokyo.entries] == [date(2026, 12, 1)], "mid-January 2026 is over a year ago there"
    assert in_tokyo.chart().counts[Band.REPAIRED] == (0,) * 10 + (1, 0)


def test_since_they_began_the_months_start_with_their_first_repair() -> None:
    rows = [past(datetime(2026, 9, 10, tzinfo=UTC), number=1), past(datetime(2026, 6, 2, tzinfo=UTC), number=2)]
    began = history(rows, ALEX, NOW, UTC_ZONE)
    assert began.months == tuple(date(2026, m, 1) for m in range(6, 12))
    assert began.summary().since == date(2026, 6, 1)
    assert history(rows, ALEX, NOW, UTC_ZONE, earlier=True).summary().since is None, "over the past year"


def test_the_chart_counts_each_month_by_band() -> None:
    rows = [
        past(datetime(2026, 10, 3, tzinfo=UTC), number=1),
        past(datetime(2026, 10, 9, tzinfo=UTC), Status.ACTIVE, number=2),
        past(datetime(2026, 10, 20, tzinfo=UTC), Status.LEFT, number=3),
        past(datetime(2026, 11, 1, tzinfo=UTC), Status.DECLINED, number=4),
        past(datetime(2026, 11, 2, tzinfo=UTC), Status.ACTIVE, due=Due.CHECKIN, number=5),
    ]
    chart = history(rows, ALEX, NOW, UTC_ZONE).chart()
    assert chart.months == (date(2026, 10, 1), date(2026, 11, 1))
    assert chart.counts == {Band.REPAIRED: (1, 0), Band.OPEN: (1, 1), Band.ENDED: (1, 1)}
    assert [chart.total(i) for i in range(2)] == [3, 2]


def test_entries_keep_dates_protocol_outcome_and_counts_and_name_only_members() -> None:
    rows = [
        past(datetime(2026, 11, 20, tzinfo=UTC), took=timedelta(days=2), checkins=1, number=1),
        past(datetime(2026, 11, 10, tzinfo=UTC), with_=None, number=2),
        past(datetime(2026, 11, 5, tzinfo=UTC), with_=ROBIN, number=3),
        past(datetime(2026, 11, 1, tzinfo=UTC), Status.ACTIVE, took=None, number=4),
    ]
    story = history(rows, ALEX, NOW, UTC_ZONE, left={ROBIN})
    first, erased, left, resting = story.entries
    assert (first.took, first.checkins, first.other, first.protocol) == (timedelta(days=2), 1, SAM, "quick")
    assert (erased.other, left.other) == (Absent.ERASED, Absent.LEFT)
    assert resting.took is None and resting.outcome is Outcome.RESTING
    assert story.partners == [SAM], "only people still in the server are named, each once"
    assert words.entry_line(erased, "Quick repair").startswith("**November 2026** · Quick repair with someone ·")
    assert " with someone who left · " in words.entry_line(left, "Quick repair")


def test_a_history_is_only_of_the_persons_own_repairs() -> None:
    theirs = replace(past(NOW), first=Seat(SAM), second=Seat(ROBIN))
    assert history([theirs], ALEX, NOW, UTC_ZONE).entries == ()


@pytest.mark.parametrize(
    ("took", "pace"),
    [
        ([timedelta(minutes=20)], Pace.UNDER_AN_HOUR),
        ([timedelta(minutes=20), timedelta(hours=5), timedelta(hours=6)], Pace.UNDER_A_DAY),
        ([timedelta(minutes=20), timedelta(hours=5), timedelta(days=3), timedelta(days=9)], Pace.UNDER_A_WEEK),
        ([timedelta(days=9), timedelta(days=20)], Pace.OWN_TIME),
    ],
)
def test_the_pace_is_what_more_than_half_the_repairs_took(took: list[timedelta], pace: Pace) -> None:
    rows = [past(NOW - timedelta(days=30 + n), took=t, number=n) for n, t in enumerate(took)]
    assert history(rows, ALEX, NOW, UTC_ZONE).summary().pace is pace


def test_the_summary_is_warm_and_counts_what_happened() -> None:
    def said(rows: list[Rupture], *, earlier: bool = False) -> str:
        return words.summary(history(rows, ALEX, NOW, UTC_ZONE, earlier=earlier).summary())

    march = datetime(2026, 3, 10, tzinfo=UTC)
    twelve = [past(march + timedelta(days=n), number=n) for n in range(11)]
    twelve.append(past(march, took=timedelta(days=3), number=99))
    assert said(twelve) == "12 repairs since March; most took under a day."
    assert said(twelve, earlier=True) == "12 repairs in the past year; most took under a day."
    last_december = past(datetime(2025, 12, 24, tzinfo=UTC), took=timedelta(days=9))
    assert said([last_december]) == "1 repair since December 2025; it took the time it needed."
    resting = [past(march, Status.ACTIVE, number=1), past(march, Status.ACTIVE, due=Due.CHECKIN, number=2)]
    assert said(resting) == "2 repairs begun since March. 2 are still open, there whenever you want them."
    for sentence in (said(twelve), said([last_december]), said(resting)):
        assert not any(word in sentence.lower() for word in ("score", "streak", "grade", "%", "than", "best"))


def test_the_latest_thread_still_there_is_where_a_shared_picture_goes() -> None:
    older, newer = past(NOW - timedelta(days=9), number=1), past(NOW - timedelta(days=2), number=2)
    gone = past(NOW, Status.GONE, number=3)
    assert latest_thread([newer, gone, older]) == newer.thread_id
    assert latest_thread([gone]) is None


def test_the_facts_a_history_needs_are_kept_as_the_repair_goes() -> None:
    walked = [change.rupture for change, _ in walk("quick")]
    resolved = next(r for r in walked if r.status is Status.RESOLVED)
    assert resolved.resolved_at == NOW and walked[-1].resolved_at == NOW, "kept, and not moved by what follows"
    stage = started()
    for _ in range(2):
        stage = checkin_sent(stage, DEFAULT_CADENCE, NOW)
    active_again = schedule_next(replace(stage, updated_at=NOW))
    again = checkin_sent(active_again, DEFAULT_CADENCE, NOW)
    assert (again.checkin_stage, again.checkins_sent) == (1, 3), "the cadence starts again; the count does not"
    both_okay = changed(act(again, ALEX, AnswerCheckin(CheckinAnswer.OKAY), at=NOW + timedelta(days=2)))
    okay = changed(act(both_okay.rupture, SAM, AnswerCheckin(CheckinAnswer.OKAY), at=NOW + timedelta(days=3)))
    asked = okay.rupture  # "we're okay now" leads to the last question, as the steps do
    understood = changed(act(asked, ALEX, Press(Move.UNDERSTOOD), at=NOW + timedelta(days=4))).rupture
    done = changed(act(understood, SAM, Press(Move.UNDERSTOOD), at=NOW + timedelta(days=5))).rupture
    assert done.status is Status.RESOLVED and done.resolved_at == NOW + timedelta(days=5)


def test_the_words_fit_discords_limits_in_a_busy_year() -> None:
    statuses = (Status.RESOLVED, Status.ACTIVE, Status.LEFT, Status.DECLINED)
    rows = [
        past(NOW - timedelta(hours=17 * n), statuses[n % 4], with_=SAM + n, checkins=n, number=n) for n in range(500)
    ]
    story = history(rows, ALEX, NOW, LOS_ANGELES)
    chart = story.chart()
    assert len(chart.months) == 12 and sum(chart.total(i) for i in range(12)) == 500
    assert len(words.alt_text(chart, "America/Argentina/ComodRivadavia", shared=True)) <= words.ALT_TEXT_LIMIT
    card = words.card(story.entries, {"quick": "Quick repair"})
    assert len(card.text) <= 4096 and len(card) <= 6000
    assert card.text.endswith("…and 485 before these, all in the picture.")
    assert len(words.share_with("x" * 100)) <= 80
    assert len(words.summary(story.summary())) <= 2000

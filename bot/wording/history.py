"""The words of `/repair history`: the summary, each repair's line, the picture and its alt text, sharing.

Warm and plain: what happened, counted, and never a score, a streak, a grade or a comparison.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from bot.history import Absent, Band, Chart, Entry, Outcome, Pace, Summary
from bot.picture import Picture
from bot.plan import Card
from bot.wording.common import channel, mention

ALT_TEXT_LIMIT = 1024  # Discord's limit on an attachment's description
ENTRIES_SHOWN = 15
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip

TITLE = "Your repairs"
NOTHING_YET = (
    "Nothing here yet. When you and someone work through a rupture with Mend, it will show here, "
    "for your eyes only. Ruptures happen in every close relationship; coming back to them is what counts."
)
NOTHING_THIS_YEAR = (
    "No repairs in the past year. The ones before are still yours: /privacy export has them. "
    "Whenever a rupture comes, coming back to it is what counts."
)
FOOTER = "Only you can see this. Months are in your time zone (/mend timezone); /privacy export has every detail."
PICTURE_TITLE = "Your repairs, month by month"
SHARED_PICTURE_TITLE = "Our repairs, month by month"
BAND_NAMES = {Band.REPAIRED: "Repaired", Band.OPEN: "Resting or open", Band.ENDED: "Ended"}
_BAND_WORDS = {Band.REPAIRED: "repaired", Band.OPEN: "resting or open", Band.ENDED: "ended or stepped away"}
_PACES = {
    Pace.UNDER_AN_HOUR: "took under an hour",
    Pace.UNDER_A_DAY: "took under a day",
    Pace.UNDER_A_WEEK: "took under a week",
    Pace.OWN_TIME: "took the time it needed",
}
_OTHERS = {Absent.ERASED: "someone", Absent.LEFT: "someone who left"}


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def month_name(month: date, *, year: bool = True, short: bool = False) -> str:
    name = _MONTHS[month.month - 1][: 3 if short else None]
    return f"{name} {month.year}" if year else name


def summary(told: Summary) -> str:
    """One warm line: how many repairs since when and how long most took, and what is still open."""
    if told.since is None:
        when = "in the past year"
    else:
        when = f"since {month_name(told.since, year=told.since.year != told.current.year)}"
    if told.repairs:
        line = f"{_count(told.repairs, 'repair')} {when}"
        if told.pace is not None:
            who = "it" if told.repairs == 1 else "each" if told.pace is Pace.OWN_TIME else "most"
            line += f"; {who} {_PACES[told.pace]}"
        line += "."
    else:
        line = f"{_count(told.began, 'repair')} begun {when}."
    if told.still_open == 1:
        line += " One is still open, there whenever you want it."
    elif told.still_open:
        line += f" {told.still_open} are still open, there whenever you want them."
    return line


def duration(took: timedelta) -> str:
    """How long a repair took, roughly, as a person would say it."""
    hours = took / timedelta(hours=1)
    if hours < 1:
        return "under an hour"
    if hours < 24:
        return _count(round(hours), "hour")
    days = hours / 24
    return _count(round(days), "day") if days < 14 else _count(round(days / 7), "week")


def how_it_went(entry: Entry) -> str:
    if entry.outcome is Outcome.REPAIRED and entry.took is not None:
        return f"repaired in {duration(entry.took)}"
    return entry.outcome.value


def entry_line(entry: Entry, protocol_name: str) -> str:
    """One repair: its month, the way of repairing, with whom, how it went, and its check-ins."""
    other = _OTHERS[entry.other] if isinstance(entry.other, Absent) else mention(entry.other)
    checkins = "no check-ins" if not entry.checkins else _count(entry.checkins, "check-in")
    return f"**{month_name(entry.began)}** · {protocol_name} with {other} · {how_it_went(entry)} · {checkins}"


def card(entries: Sequence[Entry], protocol_names: Mapping[str, str]) -> Card:
    """The private list of repairs, newest first; the picture shows every one."""
    lines = [entry_line(e, protocol_names.get(e.protocol, e.protocol)) for e in entries[:ENTRIES_SHOWN]]
    if len(entries) > ENTRIES_SHOWN:
        lines.append(f"…and {len(entries) - ENTRIES_SHOWN} before these, all in the picture.")
    return Card("\n".join(lines), title=TITLE, footer=FOOTER)


def _span(chart: Chart) -> str:
    first, last = chart.months[0], chart.months[-1]
    if first == last:
        return month_name(first)
    return f"{month_name(first, short=True)} to {month_name(last, short=True)}"


def picture(chart: Chart, zone: str, *, shared: bool = False) -> Picture:
    """What the picture says: its title, the months it covers, each month's label, and the bands."""
    months = tuple(
        f"{month_name(m, year=False, short=True)}\n{m.year}" if m.month == 1 else month_name(m, year=False, short=True)
        for m in chart.months
    )
    return Picture(
        SHARED_PICTURE_TITLE if shared else PICTURE_TITLE,
        f"{_span(chart)}, in {zone} time",
        months,
        tuple((band, BAND_NAMES[band], chart.counts[band]) for band in Band),
    )


def alt_text(chart: Chart, zone: str, *, shared: bool = False) -> str:
    """The picture in words, for screen readers: the totals, then each month that had any repairs."""
    whose = "the repairs you two share" if shared else "your repairs"
    totals = ", ".join(f"{sum(chart.counts[band])} {_BAND_WORDS[band]}" for band in Band)
    began = sum(chart.total(i) for i in range(len(chart.months)))
    text = f"Bar chart of {whose} by the month each began, {_span(chart)}, in {zone} time. {began} began: {totals}."
    for index, month in enumerate(chart.months):
        if chart.total(index):
            counts = [(chart.counts[band][index], _BAND_WORDS[band]) for band in Band]
            parts = ", ".join(f"{count} {words}" for count, words in counts if count)
            more = f" {month_name(month, short=True)}: {parts}."
            if len(text) + len(more) > ALT_TEXT_LIMIT:
                break
            text += more
    return text


# Sharing the picture as a pair.
DONT_SHARE = "Don't share after all"
NOT_SHARED = "Okay, you won't share it. Nobody was told."


def share_with(name: str) -> str:
    return f"Share with {name}"[:80]


def share_waiting(partner: int) -> str:
    return (
        f"Okay. If {mention(partner)} also chooses to share from their own /repair history within a week, "
        "a picture of your repairs together will appear in your latest thread. If not, nothing happens, "
        "and nobody is told either way."
    )


def nothing_to_share(partner: int) -> str:
    return f"You and {mention(partner)} have no repairs together in this server to share."


def shared(thread_id: int) -> str:
    return f"You both chose to share it: the picture of your repairs together is in {channel(thread_id)}."


def could_not_share(problem: str) -> str:
    return f"Mend couldn't post the picture: {problem}. Nothing was shared; you can both choose again."


def shared_card(first: int, second: int, told: Summary) -> Card:
    return Card(
        f"{mention(first)} and {mention(second)} both chose to share this picture of their repairs together. "
        f"{summary(told)}",
        title="Repairs, together",
    )

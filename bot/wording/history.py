"""The words of `/repair history`: the summary, each repair's line, the picture and its alt text, sharing.

Warm and plain: what happened, counted, and never a score, a streak, a grade or a comparison.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from bot.history import Absent, Band, Chart, Entry, Outcome, Pace, Summary
from bot.i18n import N_, _, month, ngettext, number
from bot.picture import Picture
from bot.plan import Card
from bot.wording.common import channel, mention

ALT_TEXT_LIMIT = 1024  # Discord's limit on an attachment's description
ENTRIES_SHOWN = 15

TITLE = N_("Your repairs")
NOTHING_YET = N_(
    "Nothing here yet. When you and someone work through a rupture with Mend, it will show here, "
    "for your eyes only. Ruptures happen in every close relationship; coming back to them is what counts."
)
NOTHING_THIS_YEAR = N_(
    "No repairs in the past year. The ones before are still yours: /privacy export has them. "
    "Whenever a rupture comes, coming back to it is what counts."
)
FOOTER = N_("Only you can see this. Months are in your time zone (/mend timezone); /privacy export has every detail.")
PICTURE_TITLE = N_("Your repairs, month by month")
SHARED_PICTURE_TITLE = N_("Our repairs, month by month")
BAND_NAMES = {Band.REPAIRED: N_("Repaired"), Band.OPEN: N_("Resting or open"), Band.ENDED: N_("Ended")}
_OUTCOMES = {
    Outcome.REPAIRED: N_("repaired"),
    Outcome.RESTING: N_("resting"),
    Outcome.UNDER_WAY: N_("under way"),
    Outcome.STEPPED_AWAY: N_("stepped away"),
    Outcome.ENDED: N_("ended"),
}
# How long they took: the one repair ("it"), or most of them ("each", when each took its own time).
_PACE_OF_ONE = {
    Pace.UNDER_AN_HOUR: N_("it took under an hour"),
    Pace.UNDER_A_DAY: N_("it took under a day"),
    Pace.UNDER_A_WEEK: N_("it took under a week"),
    Pace.OWN_TIME: N_("it took the time it needed"),
}
_PACE_OF_MOST = {
    Pace.UNDER_AN_HOUR: N_("most took under an hour"),
    Pace.UNDER_A_DAY: N_("most took under a day"),
    Pace.UNDER_A_WEEK: N_("most took under a week"),
    Pace.OWN_TIME: N_("each took the time it needed"),
}
_OTHERS = {Absent.ERASED: N_("someone"), Absent.LEFT: N_("someone who left")}


def _band_count(band: Band, count: int) -> str:
    """How many repairs of a month (or in all) are in a band: "3 repaired"."""
    if band is Band.REPAIRED:
        return ngettext("{count} repaired", "{count} repaired", count).format(count=number(count))
    if band is Band.OPEN:
        return ngettext("{count} resting or open", "{count} resting or open", count).format(count=number(count))
    return ngettext("{count} ended or stepped away", "{count} ended or stepped away", count).format(count=number(count))


def month_name(moment: date, *, year: bool = True, short: bool = False) -> str:
    return month(moment, year=year, short=short)


def summary(told: Summary) -> str:
    """One warm line: how many repairs since when and how long most took, and what is still open."""
    since = told.since
    if told.repairs:
        if since is None:
            line = ngettext("{count} repair in the past year", "{count} repairs in the past year", told.repairs).format(
                count=number(told.repairs)
            )
        else:
            line = ngettext("{count} repair since {month}", "{count} repairs since {month}", told.repairs).format(
                count=number(told.repairs), month=month_name(since, year=since.year != told.current.year)
            )
        if told.pace is not None:
            pace = (_PACE_OF_ONE if told.repairs == 1 else _PACE_OF_MOST)[told.pace]
            line = _("{repairs}; {pace}.").format(repairs=line, pace=_(pace))
        else:
            line += "."
    elif since is None:
        line = ngettext(
            "{count} repair begun in the past year.", "{count} repairs begun in the past year.", told.began
        ).format(count=number(told.began))
    else:
        line = ngettext(
            "{count} repair begun since {month}.", "{count} repairs begun since {month}.", told.began
        ).format(count=number(told.began), month=month_name(since, year=since.year != told.current.year))
    if told.still_open:
        still = ngettext(
            "One is still open, there whenever you want it.",
            "{count} are still open, there whenever you want them.",
            told.still_open,
        )
        line += " " + still.format(count=number(told.still_open))
    return line


def duration(took: timedelta) -> str:
    """How long a repair took, roughly, as a person would say it."""
    hours = took / timedelta(hours=1)
    if hours < 1:
        return _("under an hour")
    if hours < 24:
        count = round(hours)
        text = ngettext("{count} hour", "{count} hours", count)
    elif hours < 24 * 14:
        count = round(hours / 24)
        text = ngettext("{count} day", "{count} days", count)
    else:
        count = round(hours / 24 / 7)
        text = ngettext("{count} week", "{count} weeks", count)
    return text.format(count=number(count))


def how_it_went(entry: Entry) -> str:
    if entry.outcome is Outcome.REPAIRED and entry.took is not None:
        return _("repaired in {duration}").format(duration=duration(entry.took))
    return _(_OUTCOMES[entry.outcome])


def entry_line(entry: Entry, protocol_name: str) -> str:
    """One repair: its month, the way of repairing, with whom, how it went, and its check-ins."""
    other = _(_OTHERS[entry.other]) if isinstance(entry.other, Absent) else mention(entry.other)
    if entry.checkins:
        checkins = ngettext("{count} check-in", "{count} check-ins", entry.checkins).format(
            count=number(entry.checkins)
        )
    else:
        checkins = _("no check-ins")
    line = _("**{month}** · {protocol} with {other} · {outcome} · {checkins}")
    return line.format(
        month=month_name(entry.began),
        protocol=protocol_name,
        other=other,
        outcome=how_it_went(entry),
        checkins=checkins,
    )


def card(entries: Sequence[Entry], protocol_names: Mapping[str, str]) -> Card:
    """The private list of repairs, newest first; the picture shows every one."""
    lines = [entry_line(e, protocol_names.get(e.protocol, e.protocol)) for e in entries[:ENTRIES_SHOWN]]
    if len(entries) > ENTRIES_SHOWN:
        before = len(entries) - ENTRIES_SHOWN
        more = ngettext(
            "…and {count} before these, all in the picture.", "…and {count} before these, all in the picture.", before
        )
        lines.append(more.format(count=number(before)))
    return Card("\n".join(lines), title=_(TITLE), footer=_(FOOTER))


def _span(chart: Chart) -> str:
    first, last = chart.months[0], chart.months[-1]
    if first == last:
        return month_name(first)
    return _("{first} to {last}").format(first=month_name(first, short=True), last=month_name(last, short=True))


def picture(chart: Chart, zone: str, *, shared: bool = False) -> Picture:
    """What the picture says: its title, the months it covers, each month's label, and the bands."""
    months = tuple(
        f"{month_name(m, year=False, short=True)}\n{m.year}" if m.month == 1 else month_name(m, year=False, short=True)
        for m in chart.months
    )
    return Picture(
        _(SHARED_PICTURE_TITLE if shared else PICTURE_TITLE),
        _("{span}, in {zone} time").format(span=_span(chart), zone=zone),
        months,
        tuple((band, _(BAND_NAMES[band]), chart.counts[band]) for band in Band),
    )


def alt_text(chart: Chart, zone: str, *, shared: bool = False) -> str:
    """The picture in words, for screen readers: the totals, then each month that had any repairs."""
    totals = ", ".join(_band_count(band, sum(chart.counts[band])) for band in Band)
    began = sum(chart.total(i) for i in range(len(chart.months)))
    if shared:
        text = ngettext(
            "Bar chart of the repairs you two share by the month each began, {span}, in {zone} time. "
            "{count} began: {totals}.",
            "Bar chart of the repairs you two share by the month each began, {span}, in {zone} time. "
            "{count} began: {totals}.",
            began,
        )
    else:
        text = ngettext(
            "Bar chart of your repairs by the month each began, {span}, in {zone} time. {count} began: {totals}.",
            "Bar chart of your repairs by the month each began, {span}, in {zone} time. {count} began: {totals}.",
            began,
        )
    text = text.format(span=_span(chart), zone=zone, count=number(began), totals=totals)
    for index, moment in enumerate(chart.months):
        if chart.total(index):
            parts = ", ".join(
                _band_count(band, chart.counts[band][index]) for band in Band if chart.counts[band][index]
            )
            more = " " + _("{month}: {counts}.").format(month=month_name(moment, short=True), counts=parts)
            if len(text) + len(more) > ALT_TEXT_LIMIT:
                break
            text += more
    return text


# Sharing the picture as a pair.
DONT_SHARE = N_("Don't share after all")
NOT_SHARED = N_("Okay, you won't share it. Nobody was told.")


def share_with(name: str) -> str:
    return _("Share with {name}").format(name=name)[:80]


def share_waiting(partner: int) -> str:
    return _(
        "Okay. If {partner} also chooses to share from their own /repair history within a week, a picture "
        "of your repairs together will appear in your latest thread. If not, nothing happens, and nobody is "
        "told either way."
    ).format(partner=mention(partner))


def nothing_to_share(partner: int) -> str:
    return _("You and {partner} have no repairs together in this server to share.").format(partner=mention(partner))


def shared(thread_id: int) -> str:
    return _("You both chose to share it: the picture of your repairs together is in {thread}.").format(
        thread=channel(thread_id)
    )


def could_not_share(problem: str) -> str:
    return _("Mend couldn't post the picture: {problem}. Nothing was shared; you can both choose again.").format(
        problem=problem
    )


def shared_card(first: int, second: int, told: Summary) -> Card:
    intro = _("{first} and {second} both chose to share this picture of their repairs together.").format(
        first=mention(first), second=mention(second)
    )
    return Card(f"{intro} {summary(told)}", title=_("Repairs, together"))

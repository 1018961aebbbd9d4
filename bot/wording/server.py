"""The words of `/mend`: a person's own settings, blocks, and a server's setup."""

from __future__ import annotations

from datetime import datetime, time

from bot.i18n import N_, _, listed
from bot.servers import Readers
from bot.wording.common import channel, mention, quoted, role, when
from bot.wording.opening import permission_names

# Time zone and quiet hours.


def unknown_zone(zone: str) -> str:
    return _("{zone} isn't a time zone Mend knows: pick one from the list, like Europe/London.").format(
        zone=quoted(zone)
    )


def zone_set(zone: str, local: datetime) -> str:
    return _("Your time zone is now {zone} (it's {time} there). Check-ins will keep to your quiet hours.").format(
        zone=zone, time=f"{local:%H:%M}"
    )


BAD_CLOCK = N_("Please give both times as HH:MM on a 24-hour clock, like 21:00 and 09:00.")
NO_QUIET_HOURS = N_("You have no quiet hours now: check-ins may come at any time of day.")


def quiet_hours_set(start: time, end: time) -> str:
    return _(
        "Your quiet hours are {start}–{end} in your time zone. A check-in that would fall in them waits until they end."
    ).format(start=f"{start:%H:%M}", end=f"{end:%H:%M}")


# Blocks.
NOT_YOURSELF = N_("You can't block yourself.")


def blocked(member: int) -> str:
    return _(
        "Done. {member} can no longer invite you to a repair, and won't be told. If they try, the invitation "
        "never pings you and Mend never reminds you of it (its thread may still show in your list); it ends "
        "by itself like any unanswered one. `/mend unblock` undoes this."
    ).format(member=mention(member))


def unblocked(member: int, removed: bool) -> str:
    sentence = _("{member} can invite you again.") if removed else _("You hadn't blocked {member}.")
    return sentence.format(member=mention(member))


# Setup.
SET_UP_IN_A_SERVER = N_("Mend is set up inside a server: use this there.")
SETTINGS_IN_A_SERVER = N_("Mend's settings belong to a server: use this there.")
MANAGERS_ONLY = N_(
    "Only people who can manage this server can change Mend's settings. `/mend settings` shows where repair "
    "threads open, and who can read them."
)


BAD_CADENCE = N_(
    "Check-in cadence not changed: check-in intervals are 1 to 5 numbers of days, each at least 1 "
    "and at most 60, like 1,3,7."
)


SETTINGS_TITLE = N_("Mend in this server")
THREADS_OPEN_IN = N_("Repair threads open in")
WHERE_STARTED = N_("the channel where `/repair start` is used")
WHO_MAY_USE = N_("Who may use Mend")
EVERYONE = N_("everyone")
OFFERED_FIRST = N_("Offered first")
CHECKINS = N_("Check-ins on a quiet repair")
LATEST_CHANGES = N_("Latest changes")
EVERYTHING_THERE = N_("Everything Mend needs is there.")
_SETTING_NAMES = {
    "repair_channel_id": N_("the repair channel"),
    "member_role_id": N_("who may use Mend"),
    "default_protocol": N_("the way of repairing offered first"),
    "checkin_days": N_("the check-in cadence"),
}


def threads_open_in(channel_id: int | None) -> str:
    return channel(channel_id) if channel_id else _(WHERE_STARTED)


def who_may_use(role_id: int | None) -> str:
    return role(role_id) if role_id else _(EVERYONE)


def cadence(days: list[str]) -> str:
    """The check-in cadence, from its numbers of days (written as the language writes numbers)."""
    return _("after {days} days, then none").format(days=listed(days))


def permissions_in(name: str) -> str:
    return _("Mend's permissions in #{channel}").format(channel=name)


def missing(names: list[str]) -> str:
    """The permissions (named as in `opening.PERMISSION_NAMES`) Mend lacks, or that it lacks none."""
    if not names:
        return _(EVERYTHING_THERE)
    return _("Missing: {names}").format(names=", ".join(permission_names(names)))


def readers_in(name: str) -> str:
    return _("Who can read private threads in #{channel}").format(channel=name)


def readers(found: Readers) -> str:
    names = [_("{owner} (the server owner)").format(owner=mention(found.owner_id)), *(role(r) for r in found.role_ids)]
    names += [_(EVERYONE)] if found.everyone else []
    names += [mention(m) for m in found.member_ids]
    return ", ".join(names)


def change_line(actor: int | None, field: str, at: datetime) -> str:
    name = _(_SETTING_NAMES[field]) if field in _SETTING_NAMES else field
    return _("{actor} changed {setting} {relative}").format(actor=mention(actor), setting=name, relative=when(at, "R"))

"""The words of `/mend`: a person's own settings, blocks, and a server's setup."""

from __future__ import annotations

from datetime import datetime, time

from bot.servers import Readers
from bot.wording.common import channel, mention, quoted, role, when

# Time zone and quiet hours.


def unknown_zone(zone: str) -> str:
    return f"{quoted(zone)} isn't a time zone Mend knows: pick one from the list, like Europe/London."


def zone_set(zone: str, local: datetime) -> str:
    return f"Your time zone is now {zone} (it's {local:%H:%M} there). Check-ins will keep to your quiet hours."


BAD_CLOCK = "Please give both times as HH:MM on a 24-hour clock, like 21:00 and 09:00."
NO_QUIET_HOURS = "You have no quiet hours now: check-ins may come at any time of day."


def quiet_hours_set(start: time, end: time) -> str:
    return (
        f"Your quiet hours are {start:%H:%M}–{end:%H:%M} in your time zone. A check-in that would "
        "fall in them waits until they end."
    )


# Blocks.
NOT_YOURSELF = "You can't block yourself."


def blocked(member: int) -> str:
    return (
        f"Done. {mention(member)} can no longer invite you to a repair, and won't be told. If they try, the "
        "invitation never pings you and Mend never reminds you of it (its thread may still show in your list); "
        "it ends by itself like any unanswered one. `/mend unblock` undoes this."
    )


def unblocked(member: int, removed: bool) -> str:
    return f"{mention(member)} can invite you again." if removed else f"You hadn't blocked {mention(member)}."


# Setup.
SET_UP_IN_A_SERVER = "Mend is set up inside a server: use this there."
SETTINGS_IN_A_SERVER = "Mend's settings belong to a server: use this there."
MANAGERS_ONLY = (
    "Only people who can manage this server can change Mend's settings. `/mend settings` shows where repair "
    "threads open, and who can read them."
)


BAD_CADENCE = (
    "Check-in cadence not changed: check-in intervals are 1 to 5 numbers of days, each at least 1 "
    "and at most 60, like 1,3,7."
)


SETTINGS_TITLE = "Mend in this server"
THREADS_OPEN_IN = "Repair threads open in"
WHERE_STARTED = "the channel where `/repair start` is used"
WHO_MAY_USE = "Who may use Mend"
EVERYONE = "everyone"
OFFERED_FIRST = "Offered first"
CHECKINS = "Check-ins on a quiet repair"
LATEST_CHANGES = "Latest changes"
EVERYTHING_THERE = "Everything Mend needs is there."
_SETTING_NAMES = {
    "repair_channel_id": "the repair channel",
    "member_role_id": "who may use Mend",
    "default_protocol": "the way of repairing offered first",
    "checkin_days": "the check-in cadence",
}


def threads_open_in(channel_id: int | None) -> str:
    return channel(channel_id) if channel_id else WHERE_STARTED


def who_may_use(role_id: int | None) -> str:
    return role(role_id) if role_id else EVERYONE


def cadence(days: list[str]) -> str:
    return f"after {', '.join(days)} days, then none"


def permissions_in(name: str) -> str:
    return f"Mend's permissions in #{name}"


def missing(names: list[str]) -> str:
    return ("Missing: " + ", ".join(names)) if names else EVERYTHING_THERE


def readers_in(name: str) -> str:
    return f"Who can read private threads in #{name}"


def readers(found: Readers) -> str:
    names = [f"{mention(found.owner_id)} (the server owner)", *(role(r) for r in found.role_ids)]
    names += [EVERYONE] if found.everyone else []
    names += [mention(m) for m in found.member_ids]
    return ", ".join(names)


def change_line(actor: int | None, field: str, at: datetime) -> str:
    return f"{mention(actor)} changed {_SETTING_NAMES.get(field, field)} {when(at, 'R')}"

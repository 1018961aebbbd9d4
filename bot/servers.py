"""A server's setup: where repair threads open, who may use Mend, what is offered, the check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.actions import DEFAULT_CADENCE, Cadence
from bot.schedule import parse_cadence

DEFAULT_PROTOCOL = "quick"
SETTINGS = ("repair_channel_id", "default_protocol", "checkin_days", "member_role_id")


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    repair_channel_id: int | None = None
    default_protocol: str | None = None
    checkin_days: str | None = None
    member_role_id: int | None = None

    @property
    def cadence(self) -> Cadence:
        return cadence_from(self.checkin_days)


@dataclass(frozen=True)
class SettingsChange:
    """One audited change to a server's settings."""

    actor_id: int | None
    changed_at: datetime
    field: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class Readers:
    """Who can read every private thread in a channel, besides the two people in it."""

    owner_id: int
    role_ids: tuple[int, ...]
    everyone: bool
    member_ids: tuple[int, ...]


def cadence_from(checkin_days: str | None) -> Cadence:
    """The check-in intervals a server chose (stored as "1,3,7"), or the default."""
    return parse_cadence(checkin_days) if checkin_days else DEFAULT_CADENCE

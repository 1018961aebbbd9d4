"""History: a person's past repairs in a server, and the choices to share its picture as a pair."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import to_timestamp
from bot.rupture import Rupture
from bot.schedule import zone_named
from bot.storage.columns import SELECT, to_rupture
from bot.storage.connection import Connection
from bot.storage.ruptures import Ruptures

_THEIRS = (
    "guild_id = :guild AND thread_id IS NOT NULL AND (first_id = :person OR second_id = :person) "
    "AND (:partner IS NULL OR first_id = :partner OR second_id = :partner)"
)
_SINCE = f"{_THEIRS} AND created_at >= :since"


@dataclass(frozen=True)
class PastRepairs:
    """What a history is built from: the ruptures since a moment, whether there were earlier ones,
    and which of the other people in them have left the server (as Mend last checked, daily)."""

    ruptures: list[Rupture]
    earlier: bool
    left: set[int]


class Histories(Ruptures):
    """Reading a person's past repairs, and recording choices to share their picture."""

    _sql: Connection

    async def zone_of(self, user_id: int) -> ZoneInfo:
        row = await self._sql.one("SELECT timezone FROM people WHERE user_id = ?", (user_id,))
        return zone_named(row["timezone"] if row else None)

    async def past_repairs(
        self, guild_id: int, user_id: int, since: datetime, *, partner: int | None = None
    ) -> PastRepairs:
        """A person's repairs in a server that began at or after `since` (only those with `partner`,
        if given)."""
        where = {"guild": guild_id, "person": user_id, "partner": partner, "since": to_timestamp(since)}
        async with self._sql.reading() as work:
            rows = await work.all(f"SELECT {SELECT} FROM ruptures WHERE {_SINCE}", where)
            earlier = await work.one(f"SELECT 1 FROM ruptures WHERE {_THEIRS} AND created_at < :since LIMIT 1", where)
            left = await work.all(
                "SELECT user_id FROM memberships WHERE guild_id = :guild AND left_at IS NOT NULL AND user_id IN "
                f"(SELECT CASE first_id WHEN :person THEN second_id ELSE first_id END FROM ruptures WHERE {_SINCE})",
                where,
            )
        ruptures = [to_rupture(row) for row in rows]
        return PastRepairs(ruptures, earlier is not None, {row["user_id"] for row in left})

    async def choose_to_share(
        self, guild_id: int, user_id: int, partner_id: int, now: datetime, lasts: timedelta
    ) -> bool:
        """Record that a person chooses to share with `partner_id`. True when the partner chose it too
        (within `lasts`): then both choices are used up, so the picture is posted once."""
        stamp = to_timestamp(now)
        async with self._sql.transaction() as work:
            await work.run("DELETE FROM history_shares WHERE chosen_at <= ?", (stamp - int(lasts.total_seconds()),))
            theirs = await work.run(
                "DELETE FROM history_shares WHERE guild_id = ? AND user_id = ? AND partner_id = ?",
                (guild_id, partner_id, user_id),
            )
            if theirs:
                await work.run(
                    "DELETE FROM history_shares WHERE guild_id = ? AND user_id = ? AND partner_id = ?",
                    (guild_id, user_id, partner_id),
                )
            else:
                await work.run(
                    "INSERT INTO history_shares (guild_id, user_id, partner_id, chosen_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (guild_id, user_id, partner_id) DO UPDATE SET chosen_at = excluded.chosen_at",
                    (guild_id, user_id, partner_id, stamp),
                )
        return theirs > 0

    async def withdraw_share(self, guild_id: int, user_id: int, partner_id: int) -> None:
        await self._sql.run(
            "DELETE FROM history_shares WHERE guild_id = ? AND user_id = ? AND partner_id = ?",
            (guild_id, user_id, partner_id),
        )

"""People: their settings, blocks, the servers they were seen in, export and erasure."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from bot.clock import to_timestamp
from bot.people import MEMBERSHIP_RECHECK
from bot.rupture import Rupture
from bot.schedule import Waking, zone_named
from bot.storage.columns import PAIR, SELECT, your_part
from bot.storage.connection import Row, Work
from bot.storage.ruptures import Ruptures

_REMEMBER_MEMBER = (
    "INSERT INTO memberships (guild_id, user_id, checked_at) VALUES (?, ?, ?) "
    "ON CONFLICT (guild_id, user_id) DO UPDATE SET checked_at = excluded.checked_at, left_at = NULL"
)


_LOCALES_REMEMBERED = 10_000


class People(Ruptures):
    """What Mend holds about a person, and how it is given to them or erased."""

    def __init__(self) -> None:
        super().__init__()
        # The locale this process last stored for recently seen people in each server: a hint that
        # spares a write per interaction (the database stays what is true).
        self._stored_locales: OrderedDict[tuple[int, int], str] = OrderedDict()

    async def note_locale(self, guild_id: int, user_id: int, locale: str, now: datetime) -> None:
        """Remember the language someone's Discord is set to (only its code), with the server they were
        seen in, so what Mend holds about them is erased like the rest when they leave it."""
        seen = (guild_id, user_id)
        if self._stored_locales.get(seen) == locale:
            self._stored_locales.move_to_end(seen)
            return
        async with self._sql.transaction() as work:
            await work.run(
                "INSERT INTO people (user_id, locale) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale",
                (user_id, locale),
            )
            await work.run(_REMEMBER_MEMBER, (guild_id, user_id, to_timestamp(now)))
        self._stored_locales[seen] = locale
        if len(self._stored_locales) > _LOCALES_REMEMBERED:
            self._stored_locales.popitem(last=False)

    async def locale_of(self, user_id: int) -> str | None:
        """The language someone's Discord was last seen set to (a code like es-ES), if Mend has seen it."""
        row = await self._sql.one("SELECT locale FROM people WHERE user_id = ?", (user_id,))
        return None if row is None else row["locale"]

    async def has_consented(self, user_id: int) -> bool:
        row = await self._sql.one("SELECT consented_at FROM people WHERE user_id = ?", (user_id,))
        return row is not None and row["consented_at"] is not None

    async def record_consent(self, user_id: int, at: datetime) -> None:
        await self._set_person(user_id, consented_at=to_timestamp(at))

    async def set_timezone(self, user_id: int, zone: str) -> None:
        await self._set_person(user_id, timezone=zone)

    async def set_quiet_hours(self, user_id: int, start: time, end: time) -> None:
        await self._set_person(
            user_id, quiet_start=start.hour * 60 + start.minute, quiet_end=end.hour * 60 + end.minute
        )

    async def waking_of(self, user_id: int) -> Waking:
        """A person's time zone and quiet hours (the defaults where they set none)."""
        async with self._sql.reading() as work:
            row = await work.one("SELECT timezone, quiet_start, quiet_end FROM people WHERE user_id = ?", (user_id,))
        return Waking() if row is None else waking_from(row)

    async def _set_person(self, user_id: int, **fields: object) -> None:
        names = ", ".join(fields)
        updates = ", ".join(f"{name} = excluded.{name}" for name in fields)
        await self._sql.run(
            f"INSERT INTO people (user_id, {names}) VALUES (?, {', '.join('?' * len(fields))}) "
            f"ON CONFLICT (user_id) DO UPDATE SET {updates}",
            (user_id, *fields.values()),
        )

    # -- blocks ---------------------------------------------------------------------------------

    async def add_block(self, blocker_id: int, blocked_id: int, now: datetime) -> None:
        async with self._sql.unit() as work:
            await work.run(
                "INSERT INTO blocks (blocker_id, blocked_hash, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (blocker_id, await _block_hash(work, blocked_id), to_timestamp(now)),
            )

    async def remove_block(self, blocker_id: int, blocked_id: int) -> bool:
        async with self._sql.unit() as work:
            removed = await work.run(
                "DELETE FROM blocks WHERE blocker_id = ? AND blocked_hash = ?",
                (blocker_id, await _block_hash(work, blocked_id)),
            )
        return removed > 0

    async def blocks_invites(self, blocker_id: int, inviter_id: int) -> bool:
        """Whether `blocker_id` has blocked `inviter_id` from inviting them (no key yet: no blocks)."""
        async with self._sql.reading() as work:
            key = await work.one("SELECT value FROM meta WHERE key = 'block_key'")
            if key is None:
                return False
            row = await work.one(
                "SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_hash = ?",
                (blocker_id, _keyed(key["value"], inviter_id)),
            )
        return row is not None

    # -- membership and erasure -----------------------------------------------------------------

    async def note_member(self, guild_id: int, user_id: int, now: datetime) -> None:
        """Someone Mend holds data about is in this server (checked again daily while they have data)."""
        await self._sql.run(_REMEMBER_MEMBER, (guild_id, user_id, to_timestamp(now)))

    async def memberships_to_check(self, now: datetime, limit: int) -> list[tuple[int, int]]:
        """(server, person) pairs of this process's servers not checked for a day, oldest first."""
        rows = await self._sql.all(
            f"SELECT guild_id, user_id FROM memberships WHERE checked_at <= ?{self._ours()} "
            "ORDER BY checked_at LIMIT ?",
            (to_timestamp(now - MEMBERSHIP_RECHECK), limit),
        )
        return [(row["guild_id"], row["user_id"]) for row in rows]

    async def record_membership(self, guild_id: int, user_id: int, present: bool, now: datetime) -> None:
        stamp = to_timestamp(now)
        await self._sql.run(
            "UPDATE memberships SET checked_at = ?, left_at = CASE WHEN ? THEN NULL ELSE coalesce(left_at, ?) END "
            "WHERE guild_id = ? AND user_id = ?",
            (stamp, present, stamp, guild_id, user_id),
        )

    async def departed(self, left_before: datetime) -> list[int]:
        """People who left every server Mend knows them in, all before `left_before`: those whose
        first such server (by id) is one of this process's, so that one process erases each."""
        rows = await self._sql.all(
            "SELECT user_id FROM memberships GROUP BY user_id "
            f"HAVING count(*) = count(left_at) AND max(left_at) <= ?{self._ours('min(guild_id)')}",
            (to_timestamp(left_before),),
        )
        return [row["user_id"] for row in rows]

    async def export(self, user_id: int) -> dict[str, Any]:
        """Every row Mend holds about a person, and nothing of others' private answers or choices."""
        async with self._sql.reading() as work:
            people = await work.all("SELECT * FROM people WHERE user_id = ?", (user_id,))
            ruptures = await work.all(
                f"SELECT {SELECT} FROM ruptures WHERE first_id = ? OR second_id = ? ORDER BY id", (user_id,) * 2
            )
            sealed = await work.all(
                "SELECT s.rupture_id, s.step, s.role, s.text FROM sealed_answers s "
                "JOIN ruptures r ON r.id = s.rupture_id "
                "WHERE (s.role = 'first' AND r.first_id = ?) OR (s.role = 'second' AND r.second_id = ?)",
                (user_id,) * 2,
            )
            blocks = await work.all("SELECT blocked_hash, created_at FROM blocks WHERE blocker_id = ?", (user_id,))
            memberships = await work.all("SELECT * FROM memberships WHERE user_id = ?", (user_id,))
            audit = await work.all("SELECT * FROM settings_audit WHERE actor_id = ?", (user_id,))
            shares = await work.all(
                "SELECT guild_id, partner_id, chosen_at FROM history_shares WHERE user_id = ?", (user_id,)
            )
        return {
            "person": [dict(row) for row in people],
            "ruptures": [your_part(row, user_id) for row in ruptures],
            "sealed_answers": [dict(row) for row in sealed],
            "blocks_you_made": [dict(row) for row in blocks],
            "servers_you_were_seen_in": [dict(row) for row in memberships],
            "settings_changes_you_made": [dict(row) for row in audit],
            "history_shares_you_chose": [dict(row) for row in shares],
        }

    async def erase(self, user_id: int, ruptures: Iterable[Rupture]) -> set[int]:
        """Erase a person: their settings, blocks, answers, choices to share a history (and others'
        choices to share with them), and (as `ruptures`, already anonymised by the domain) their
        place in every rupture; then scrub the WAL so no old copy lingers.

        What those ruptures' threads were still to be told is dropped too, as it names the person:
        the ids of the ruptures that had something waiting are returned, so their threads can be
        closed instead.
        """
        dropped: set[int] = set()
        async with self._sql.transaction() as work:
            for rupture in ruptures:
                await self._overwrite(work, rupture, also=PAIR)
                if await work.run("DELETE FROM outbox WHERE rupture_id = ?", (rupture.id,)):
                    dropped.add(rupture.id)
            for statement in (
                "UPDATE settings_audit SET actor_id = NULL WHERE actor_id = ?",
                "DELETE FROM blocks WHERE blocker_id = ?",
                "DELETE FROM memberships WHERE user_id = ?",
                "DELETE FROM people WHERE user_id = ?",
            ):
                await work.run(statement, (user_id,))
            await work.run("DELETE FROM history_shares WHERE user_id = ? OR partner_id = ?", (user_id, user_id))
        for seen in [seen for seen in self._stored_locales if seen[1] == user_id]:
            del self._stored_locales[seen]
        await self._sql.scrub()
        return dropped


async def _block_hash(work: Work, user_id: int) -> str:
    """A keyed hash of a blocked person's id: a block is kept without keeping who it is about."""
    row = await work.one("SELECT value FROM meta WHERE key = 'block_key'")
    if row is None:
        await work.run(
            "INSERT INTO meta (key, value) VALUES ('block_key', ?) ON CONFLICT DO NOTHING", (secrets.token_hex(32),)
        )
        row = await work.one("SELECT value FROM meta WHERE key = 'block_key'")
    assert row is not None
    return _keyed(row["value"], user_id)


def _keyed(key: str, user_id: int) -> str:
    return hmac.new(bytes.fromhex(key), str(user_id).encode(), hashlib.sha256).hexdigest()


def waking_from(row: Row) -> Waking:
    """A person's waking hours from their `people` row."""
    zone = zone_named(row["timezone"])
    start, end = row["quiet_start"], row["quiet_end"]
    if start is None or end is None:
        return Waking(zone)
    return Waking(zone, time(start // 60, start % 60), time(end // 60, end % 60))

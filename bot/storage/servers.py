"""Servers' settings with their audit trail, Mend's own notes (`meta`), and forgetting a server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_timestamp, to_timestamp
from bot.servers import SETTINGS, GuildSettings, SettingsChange
from bot.storage.connection import Connection, Work


class Servers:
    _sql: Connection

    async def meta(self, key: str) -> str | None:
        row = await self._sql.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    async def set_meta(self, key: str, value: str) -> None:
        await self._sql.run(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        row = await self._sql.one(f"SELECT {', '.join(SETTINGS)} FROM guild_settings WHERE guild_id = ?", (guild_id,))
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(guild_id, **{name: row[name] for name in SETTINGS})

    async def change_guild_settings(
        self, guild_id: int, actor_id: int, now: datetime, **changes: int | str | None
    ) -> GuildSettings:
        """Change some of a server's settings, auditing each change; held check-ins are retried."""
        unknown = set(changes) - set(SETTINGS)
        if unknown:
            raise ValueError(f"not a server setting: {sorted(unknown)}")
        current = await self.guild_settings(guild_id)
        stamp = to_timestamp(now)
        changed = {name: value for name, value in changes.items() if getattr(current, name) != value}
        async with self._sql.transaction() as work:
            await work.run(
                f"INSERT INTO guild_settings (guild_id, updated_at, {', '.join(SETTINGS)}) "
                f"VALUES (?, ?, {', '.join('?' * len(SETTINGS))}) ON CONFLICT (guild_id) DO UPDATE SET "
                f"updated_at = excluded.updated_at, {', '.join(f'{name} = excluded.{name}' for name in SETTINGS)}",
                (guild_id, stamp, *(changes.get(name, getattr(current, name)) for name in SETTINGS)),
            )
            await work.many(
                "INSERT INTO settings_audit (guild_id, actor_id, changed_at, field, old_value, new_value) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (guild_id, actor_id, stamp, name, _text(getattr(current, name)), _text(value))
                    for name, value in changed.items()
                ],
            )
            await work.run("UPDATE ruptures SET due_blocked = 0 WHERE guild_id = ? AND due_blocked = 1", (guild_id,))
        return await self.guild_settings(guild_id)

    async def settings_changes(self, guild_id: int, limit: int = 5) -> list[SettingsChange]:
        """The latest audited changes to a server's settings, newest first."""
        rows = await self._sql.all(
            "SELECT actor_id, changed_at, field, old_value, new_value FROM settings_audit "
            "WHERE guild_id = ? ORDER BY changed_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [
            SettingsChange(r["actor_id"], from_timestamp(r["changed_at"]), r["field"], r["old_value"], r["new_value"])
            for r in rows
        ]

    # -- an operator forgetting a server --------------------------------------------------------

    async def server_footprint(self, guild_id: int) -> Footprint:
        """What forgetting a server would erase."""
        async with self._sql.reading() as work:
            return await _footprint(work, guild_id)

    async def forget_server(self, guild_id: int) -> Footprint:
        """Erase everything held for a server, and the people Mend knows only from it; then scrub the WAL."""
        async with self._sql.transaction() as work:
            found = await _footprint(work, guild_id)
            for table in ("ruptures", "guild_settings", "settings_audit", "memberships", "history_shares"):
                await work.run(f"DELETE FROM {table} WHERE guild_id = ?", (guild_id,))
            for table, column in (("people", "user_id"), ("blocks", "blocker_id")):
                await work.many(f"DELETE FROM {table} WHERE {column} = ?", [(user,) for user in found.people])
        await self._sql.scrub()
        return found


@dataclass(frozen=True)
class Footprint:
    """A server's share of the database: its repairs, the people seen there, its settings' history."""

    repairs: int
    memberships: int
    settings_changes: int
    people: tuple[int, ...]
    """People known only from this server: forgetting it erases them too."""

    @property
    def empty(self) -> bool:
        return not (self.repairs or self.memberships or self.settings_changes or self.people)


async def _footprint(work: Work, guild_id: int) -> Footprint:
    counts = await work.one(
        "SELECT (SELECT count(*) FROM ruptures WHERE guild_id = :g) AS repairs, "
        "(SELECT count(*) FROM memberships WHERE guild_id = :g) AS memberships, "
        "(SELECT count(*) FROM settings_audit WHERE guild_id = :g) AS settings_changes",
        {"g": guild_id},
    )
    assert counts is not None
    people = await work.all(
        "WITH here(user_id) AS ("
        "  SELECT user_id FROM memberships WHERE guild_id = :g"
        "  UNION SELECT first_id FROM ruptures WHERE guild_id = :g AND first_id IS NOT NULL"
        "  UNION SELECT second_id FROM ruptures WHERE guild_id = :g AND second_id IS NOT NULL) "
        "SELECT user_id FROM here WHERE user_id NOT IN (SELECT user_id FROM memberships WHERE guild_id != :g) "
        "AND NOT EXISTS (SELECT 1 FROM ruptures r WHERE r.guild_id != :g AND here.user_id IN (r.first_id, r.second_id))"
        " ORDER BY user_id",
        {"g": guild_id},
    )
    return Footprint(
        counts["repairs"], counts["memberships"], counts["settings_changes"], tuple(row[0] for row in people)
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)

"""Servers' settings with their audit trail, and Mend's own notes (`meta`)."""

from __future__ import annotations

from datetime import datetime

from bot.clock import from_timestamp, to_timestamp
from bot.servers import SETTINGS, GuildSettings, SettingsChange
from bot.storage.connection import Connection


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


def _text(value: object) -> str | None:
    return None if value is None else str(value)

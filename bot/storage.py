"""All of Mend's SQL, in one place, over one aiosqlite connection.

The database is the source of truth. Every public method is one unit of work run under a lock,
so concurrent tasks never interleave statements on the shared connection. Rupture changes are
saved with compare-and-set on the rupture's version: a change decided on stale state is refused
and the caller decides again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import re
import secrets
import sqlite3
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosqlite

from bot.checkins import UTC_ZONE, Claim, Handled, Result, Waking, parse_cadence
from bot.clock import from_timestamp, to_timestamp
from bot.protocols import Role
from bot.repair import DEFAULT_CADENCE, Cadence, Change, Commitment, Due, FollowUp, Mark, Phase, Rupture, Seat, Status

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_RESERVATION_TIMEOUT = 120
_INT64_MAX = 2**63 - 1
_Value = TypeVar("_Value", bound=StrEnum)


class StorageError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    repair_channel_id: int | None = None
    default_protocol: str | None = None
    checkin_days: str | None = None
    member_role_id: int | None = None

    @property
    def cadence(self) -> Cadence:
        return parse_cadence(self.checkin_days) if self.checkin_days else DEFAULT_CADENCE


@dataclass(frozen=True)
class SettingsChange:
    """One audited change to a server's settings."""

    actor_id: int | None
    changed_at: datetime
    field: str
    old_value: str | None
    new_value: str | None


_SETTINGS = ("repair_channel_id", "default_protocol", "checkin_days", "member_role_id")
_ERASURE_DELAY = 30 * 86_400
_WRITTEN_REMEMBERED = 10_000
_CLOSED_FOR_GOOD = 2**62  # a version no snapshot has: the rupture was closed outside compare-and-set
_MEMBERSHIP_CHECK_EVERY = 86_400


class Database:
    """Mend's database: open it, migrate it, then use the methods below."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self.path = path
        # The latest version this process wrote for recently changed ruptures: a cheap hint that a
        # snapshot is stale (the database's compare-and-set stays what decides).
        self._written: OrderedDict[int, int] = OrderedDict()

    def changed_since(self, rupture: Rupture) -> bool:
        """Whether this process has changed `rupture` since that snapshot was read (a hint, no I/O)."""
        return self._written.get(rupture.id, rupture.version) > rupture.version

    def _note_written(self, rupture_id: int, version: int) -> None:
        self._written[rupture_id] = version
        self._written.move_to_end(rupture_id)
        if len(self._written) > _WRITTEN_REMEMBERED:
            self._written.popitem(last=False)

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed) the database file with WAL, foreign keys and a busy timeout."""
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as error:
            raise StorageError(
                f"The database file {str(path)!r} cannot be opened ({error}): check DATABASE_PATH."
            ) from None
        connection.row_factory = sqlite3.Row
        for pragma in (
            "journal_mode = WAL",
            "synchronous = NORMAL",
            "foreign_keys = ON",
            "busy_timeout = 5000",
            "secure_delete = ON",
        ):
            await connection.execute(f"PRAGMA {pragma}")
        return cls(connection, path)

    async def close(self) -> None:
        async with self._lock:
            await self._connection.close()

    # -- schema ---------------------------------------------------------------------------------

    async def schema_version(self) -> int:
        async with self._lock:
            return await self._scalar("PRAGMA user_version")

    async def migrate(self, folder: Path = MIGRATIONS) -> list[str]:
        """Apply the migrations newer than the database, each in one transaction; return their names."""
        scripts = _migration_files(folder)
        latest = max(scripts, default=0)
        async with self._lock:
            current = await self._scalar("PRAGMA user_version")
            if current > latest:
                raise StorageError(
                    f"The database {str(self.path)!r} was made by a newer Mend (schema {current}; this "
                    f"code knows up to {latest}): update Mend, or set DATABASE_PATH to another file."
                )
            applied = []
            for number in sorted(n for n in scripts if n > current):
                script = scripts[number]
                try:
                    await self._connection.executescript(
                        f"BEGIN IMMEDIATE;\n{script.read_text(encoding='utf-8')}\n"
                        f"PRAGMA user_version = {number};\nCOMMIT;"
                    )
                except sqlite3.Error as error:
                    if self._connection.in_transaction:
                        await self._connection.execute("ROLLBACK")
                    raise StorageError(f"Migration {script.name} failed and was rolled back: {error}") from None
                applied.append(script.name)
            return applied

    # -- meta -----------------------------------------------------------------------------------

    async def meta(self, key: str) -> str | None:
        async with self._lock:
            row = await self._one("SELECT value FROM meta WHERE key = ?", (key,))
            return None if row is None else str(row["value"])

    async def set_meta(self, key: str, value: str) -> None:
        await self._write(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- servers --------------------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        async with self._lock:
            row = await self._one(f"SELECT {', '.join(_SETTINGS)} FROM guild_settings WHERE guild_id = ?", (guild_id,))
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(guild_id, **{name: row[name] for name in _SETTINGS})

    async def change_guild_settings(
        self, guild_id: int, actor_id: int, now: datetime, **changes: int | str | None
    ) -> GuildSettings:
        """Change some of a server's settings, auditing each change; held check-ins are retried."""
        unknown = set(changes) - set(_SETTINGS)
        if unknown:
            raise ValueError(f"not a server setting: {sorted(unknown)}")
        current = await self.guild_settings(guild_id)
        stamp = to_timestamp(now)
        changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
        async with self._lock, self._transaction():
            await self._connection.execute(
                f"INSERT INTO guild_settings (guild_id, updated_at, {', '.join(_SETTINGS)}) "
                f"VALUES (?, ?, {', '.join('?' * len(_SETTINGS))}) ON CONFLICT (guild_id) DO UPDATE SET "
                f"updated_at = excluded.updated_at, {', '.join(f'{k} = excluded.{k}' for k in _SETTINGS)}",
                (guild_id, stamp, *(changes.get(k, getattr(current, k)) for k in _SETTINGS)),
            )
            await self._connection.executemany(
                "INSERT INTO settings_audit (guild_id, actor_id, changed_at, field, old_value, new_value) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (guild_id, actor_id, stamp, field, _text(getattr(current, field)), _text(value))
                    for field, value in changed.items()
                ],
            )
            await self._connection.execute(
                "UPDATE ruptures SET due_blocked = 0 WHERE guild_id = ? AND due_blocked = 1", (guild_id,)
            )
        return await self.guild_settings(guild_id)

    async def settings_changes(self, guild_id: int, limit: int = 5) -> list[SettingsChange]:
        """The latest audited changes to a server's settings, newest first."""
        async with self._lock:
            rows = await self._all(
                "SELECT actor_id, changed_at, field, old_value, new_value FROM settings_audit "
                "WHERE guild_id = ? ORDER BY changed_at DESC, id DESC LIMIT ?",
                (guild_id, limit),
            )
        return [
            SettingsChange(r["actor_id"], from_timestamp(r["changed_at"]), r["field"], r["old_value"], r["new_value"])
            for r in rows
        ]

    # -- people ---------------------------------------------------------------------------------

    async def has_consented(self, user_id: int) -> bool:
        async with self._lock:
            row = await self._one("SELECT consented_at FROM people WHERE user_id = ?", (user_id,))
        return row is not None and row["consented_at"] is not None

    async def record_consent(self, user_id: int, at: datetime) -> None:
        await self._write(
            "INSERT INTO people (user_id, consented_at) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET consented_at = excluded.consented_at",
            (user_id, to_timestamp(at)),
        )

    async def set_timezone(self, user_id: int, zone: str) -> None:
        await self._set_person(user_id, timezone=zone)

    async def set_quiet_hours(self, user_id: int, start: time, end: time) -> None:
        await self._set_person(
            user_id, quiet_start=start.hour * 60 + start.minute, quiet_end=end.hour * 60 + end.minute
        )

    async def _set_person(self, user_id: int, **values: object) -> None:
        columns = ", ".join(values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in values)
        await self._write(
            f"INSERT INTO people (user_id, {columns}) VALUES (?, {', '.join('?' * len(values))}) "
            f"ON CONFLICT (user_id) DO UPDATE SET {updates}",
            (user_id, *values.values()),
        )

    # -- blocks ---------------------------------------------------------------------------------

    async def add_block(self, blocker_id: int, blocked_id: int, now: datetime) -> None:
        await self._write(
            "INSERT OR IGNORE INTO blocks (blocker_id, blocked_hash, created_at) VALUES (?, ?, ?)",
            (blocker_id, await self._block_hash(blocked_id), to_timestamp(now)),
        )

    async def remove_block(self, blocker_id: int, blocked_id: int) -> bool:
        changed = await self._write(
            "DELETE FROM blocks WHERE blocker_id = ? AND blocked_hash = ?",
            (blocker_id, await self._block_hash(blocked_id)),
        )
        return changed > 0

    async def blocks_invites(self, blocker_id: int, inviter_id: int) -> bool:
        """Whether `blocker_id` has blocked `inviter_id` from inviting them."""
        async with self._lock:
            row = await self._one(
                "SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_hash = ?",
                (blocker_id, await self._block_hash_locked(inviter_id)),
            )
        return row is not None

    async def _block_hash(self, user_id: int) -> str:
        async with self._lock:
            return await self._block_hash_locked(user_id)

    async def _block_hash_locked(self, user_id: int) -> str:
        """A keyed hash of a blocked person's id: a block is kept without keeping who it is about."""
        row = await self._one("SELECT value FROM meta WHERE key = 'block_key'")
        if row is None:
            await self._connection.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('block_key', ?)", (secrets.token_hex(32),)
            )
            row = await self._one("SELECT value FROM meta WHERE key = 'block_key'")
        assert row is not None
        return hmac.new(bytes.fromhex(row["value"]), str(user_id).encode(), hashlib.sha256).hexdigest()

    # -- membership and erasure -----------------------------------------------------------------

    async def note_member(self, guild_id: int, user_id: int, now: datetime) -> None:
        """Someone Mend holds data about is in this server (checked again daily while they have data)."""
        await self._write(
            "INSERT INTO memberships (guild_id, user_id, checked_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET checked_at = excluded.checked_at, left_at = NULL",
            (guild_id, user_id, to_timestamp(now)),
        )

    async def memberships_to_check(self, now: datetime, limit: int) -> list[tuple[int, int]]:
        """(server, person) pairs not checked for a day, oldest first."""
        async with self._lock:
            rows = await self._all(
                "SELECT guild_id, user_id FROM memberships WHERE checked_at <= ? ORDER BY checked_at LIMIT ?",
                (to_timestamp(now) - _MEMBERSHIP_CHECK_EVERY, limit),
            )
        return [(row["guild_id"], row["user_id"]) for row in rows]

    async def record_membership(self, guild_id: int, user_id: int, present: bool, now: datetime) -> None:
        stamp = to_timestamp(now)
        await self._write(
            "UPDATE memberships SET checked_at = ?, left_at = CASE WHEN ? THEN NULL ELSE coalesce(left_at, ?) END "
            "WHERE guild_id = ? AND user_id = ?",
            (stamp, present, stamp, guild_id, user_id),
        )

    async def departed(self, now: datetime) -> list[int]:
        """People who left every server Mend knows them in, thirty days ago or more."""
        async with self._lock:
            rows = await self._all(
                "SELECT user_id FROM memberships GROUP BY user_id "
                "HAVING count(*) = count(left_at) AND max(left_at) <= ?",
                (to_timestamp(now) - _ERASURE_DELAY,),
            )
        return [row["user_id"] for row in rows]

    async def export(self, user_id: int) -> dict[str, Any]:
        """Every row Mend holds about a person, and nothing of others' private answers or choices."""
        async with self._lock:
            people = await self._all("SELECT * FROM people WHERE user_id = ?", (user_id,))
            ruptures = await self._all(
                f"SELECT {_RUPTURE_COLUMNS} FROM ruptures WHERE first_id = ? OR second_id = ? ORDER BY id",
                (user_id, user_id),
            )
            sealed = await self._all(
                "SELECT s.rupture_id, s.step, s.role, s.text FROM sealed_answers s "
                "JOIN ruptures r ON r.id = s.rupture_id "
                "WHERE (s.role = 'first' AND r.first_id = ?) OR (s.role = 'second' AND r.second_id = ?)",
                (user_id, user_id),
            )
            blocks = await self._all("SELECT blocked_hash, created_at FROM blocks WHERE blocker_id = ?", (user_id,))
            memberships = await self._all("SELECT * FROM memberships WHERE user_id = ?", (user_id,))
            audit = await self._all("SELECT * FROM settings_audit WHERE actor_id = ?", (user_id,))
        return {
            "person": [dict(row) for row in people],
            "ruptures": [_your_part(row, user_id) for row in ruptures],
            "sealed_answers": [dict(row) for row in sealed],
            "blocks_you_made": [dict(row) for row in blocks],
            "servers_you_were_seen_in": [dict(row) for row in memberships],
            "settings_changes_you_made": [dict(row) for row in audit],
        }

    async def ruptures_of(self, user_id: int) -> list[Rupture]:
        """Every rupture a person sits in, whatever its state."""
        async with self._lock:
            rows = await self._all(
                f"SELECT {_RUPTURE_COLUMNS} FROM ruptures WHERE first_id = ? OR second_id = ?", (user_id, user_id)
            )
        return [_to_rupture(row) for row in rows]

    async def erase(self, user_id: int, ruptures: Iterable[Rupture]) -> None:
        """Erase a person: their settings, blocks, answers, and (as `ruptures`, already anonymised by
        the domain) their place in every rupture; then scrub the WAL so no old copy lingers.
        """
        async with self._lock:
            async with self._transaction():
                for rupture in ruptures:
                    self._note_written(rupture.id, _CLOSED_FOR_GOOD)
                    values = {
                        **_rupture_values(rupture),
                        "first_id": rupture.first.user_id,
                        "second_id": rupture.second.user_id,
                    }
                    await self._connection.execute(
                        f"UPDATE ruptures SET {', '.join(f'{c} = :{c}' for c in values)}, due_lease_until = NULL, "
                        "version = version + 1 WHERE id = :rupture_id",
                        {**values, "rupture_id": rupture.id},
                    )
                    # Whatever was written privately in these repairs goes too (they are closed now).
                    await self._connection.execute("DELETE FROM sealed_answers WHERE rupture_id = ?", (rupture.id,))
                for statement in (
                    "UPDATE settings_audit SET actor_id = NULL WHERE actor_id = ?",
                    "DELETE FROM blocks WHERE blocker_id = ?",
                    "DELETE FROM memberships WHERE user_id = ?",
                    "DELETE FROM people WHERE user_id = ?",
                ):
                    await self._connection.execute(statement, (user_id,))
            await self._scrub_wal()

    # -- the sweep ------------------------------------------------------------------------------

    async def claim_due(self, now: datetime, *, lease: timedelta, limit: int) -> list[Claim]:
        """Claim up to `limit` due items, oldest first; the claim is committed before any is sent."""
        stamp = to_timestamp(now)
        async with self._lock, self._transaction():
            rows = await self._all(
                f"SELECT {_RUPTURE_COLUMNS}, due_attempts, due_first_claimed_at FROM ruptures "
                "WHERE due_at <= ? AND due_blocked = 0 AND (due_lease_until IS NULL OR due_lease_until <= ?) "
                "ORDER BY due_at LIMIT ?",
                (stamp, stamp, limit),
            )
            await self._connection.executemany(
                "UPDATE ruptures SET due_lease_until = ?, due_attempts = due_attempts + 1, "
                "due_first_claimed_at = coalesce(due_first_claimed_at, ?) WHERE id = ?",
                [(stamp + int(lease.total_seconds()), stamp, row["id"]) for row in rows],
            )
        return [
            Claim(_to_rupture(row), row["due_attempts"] + 1, from_timestamp(row["due_first_claimed_at"] or stamp))
            for row in rows
        ]

    async def sweep_context(self, ruptures: Iterable[Rupture]) -> tuple[dict[int, Waking], dict[int, Cadence]]:
        """For a batch: each person's waking hours, and each server's check-in cadence."""
        ruptures = list(ruptures)
        people = {seat.user_id for r in ruptures for seat in (r.first, r.second) if seat.user_id is not None}
        guilds = {r.guild_id for r in ruptures}
        async with self._lock:
            rows = await self._all(
                f"SELECT user_id, timezone, quiet_start, quiet_end FROM people "
                f"WHERE user_id IN ({', '.join('?' * len(people))})",
                list(people),
            )
            settings = await self._all(
                f"SELECT guild_id, checkin_days FROM guild_settings WHERE guild_id IN ({', '.join('?' * len(guilds))})",
                list(guilds),
            )
        waking = {user_id: Waking() for user_id in people} | {row["user_id"]: _waking(row) for row in rows}
        cadence = dict.fromkeys(guilds, DEFAULT_CADENCE) | {
            row["guild_id"]: GuildSettings(row["guild_id"], checkin_days=row["checkin_days"]).cadence
            for row in settings
        }
        return waking, cadence

    async def settle(self, handled: Iterable[Handled]) -> None:
        """Record what became of a batch of claimed items, in one transaction.

        A sent item's record is a compare-and-set on the version it was claimed at, so a person
        acting meanwhile wins; every other outcome applies only while the claimed item is still due.
        """
        records: list[dict[str, Any]] = []
        others: dict[Result, list[dict[str, Any]]] = {}
        for item in handled:
            claim = item.claim
            if item.result is Result.SENT and item.recorded is not None:
                records.append(
                    {**_swept_values(item.recorded), "rupture_id": claim.rupture.id, "expected": claim.rupture.version}
                )
            else:
                others.setdefault(item.result, []).append(
                    {
                        "rupture_id": claim.rupture.id,
                        "claimed_at": to_timestamp(claim.due_at),
                        "claimed_kind": claim.due.value,
                        "when": None if item.when is None else to_timestamp(item.when),
                    }
                )
        async with self._lock, self._transaction():
            if records:
                await self._connection.executemany(
                    f"UPDATE ruptures SET {_RELEASE_IF_DUE_CHANGED}, "
                    f"{', '.join(f'{c} = :{c}' for c in _SWEEP_COLUMNS)}, version = version + 1 "
                    "WHERE id = :rupture_id AND version = :expected",
                    records,
                )
            for result, rows in others.items():
                await self._connection.executemany(
                    f"UPDATE ruptures SET {_SETTLEMENTS[result]} "
                    "WHERE id = :rupture_id AND due_at = :claimed_at AND due_kind = :claimed_kind",
                    rows,
                )

    async def release_claims(self) -> int:
        """At start-up: claims held by a process that is gone may be taken again at once."""
        return await self._write("UPDATE ruptures SET due_lease_until = NULL WHERE due_lease_until IS NOT NULL")

    # -- ruptures -------------------------------------------------------------------------------

    async def reserve_rupture(self, draft: Rupture) -> Rupture | None:
        """Store a new rupture before its thread exists; None if the pair already has one open.

        A reservation whose thread never arrived (a crash mid-start) expires after two minutes.
        """
        pair = (draft.first.user_id, draft.second.user_id) * 2
        values = {
            **_rupture_values(draft),
            "guild_id": draft.guild_id,
            "protocol": draft.protocol,
            "first_id": draft.first.user_id,
            "second_id": draft.second.user_id,
            "created_at": to_timestamp(draft.created_at),
        }
        async with self._lock, self._transaction():
            await self._connection.execute(
                "DELETE FROM ruptures WHERE thread_id IS NULL AND created_at < ? AND guild_id = ? "
                "AND min(first_id, second_id) = min(?, ?) AND max(first_id, second_id) = max(?, ?)",
                (values["created_at"] - _RESERVATION_TIMEOUT, draft.guild_id, *pair),
            )
            try:
                cursor = await self._connection.execute(
                    f"INSERT INTO ruptures ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                    tuple(values.values()),
                )
            except sqlite3.IntegrityError:
                return None
            rupture_id = cursor.lastrowid
            await self._connection.executemany(
                "INSERT INTO memberships (guild_id, user_id, checked_at) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO UPDATE SET checked_at = excluded.checked_at, left_at = NULL",
                [(draft.guild_id, person, values["created_at"]) for person in pair[:2]],
            )
        found = await self.rupture(int(rupture_id or 0))
        assert found is not None
        return found

    async def attach_thread(self, rupture_id: int, thread_id: int) -> None:
        """Complete a reservation: its thread now exists."""
        await self._write("UPDATE ruptures SET thread_id = ? WHERE id = ?", (thread_id, rupture_id))

    async def note_messages(
        self, rupture_id: int, version: int, message_id: int, *, prompt: bool, commitment_of: Role | None
    ) -> None:
        """Record which message carries the new prompt (or a commitment) once it is posted.

        Guarded by the version it was posted for, and not a change itself: the version stays.
        """
        columns = (["prompt_message_id"] if prompt else []) + (
            [f"{commitment_of.value}_commitment_message_id"] if commitment_of else []
        )
        if not columns:
            return
        await self._write(
            f"UPDATE ruptures SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ? AND version = ?",
            (*[message_id] * len(columns), rupture_id, version),
        )

    async def mark_gone(self, rupture_id: int) -> None:
        """The rupture's thread was deleted: close it for good, and erase any answers held for it."""
        self._note_written(rupture_id, _CLOSED_FOR_GOOD)
        async with self._lock:
            async with self._transaction():
                await self._connection.execute(
                    "UPDATE ruptures SET status = 'gone', phase = 'closed', due_at = NULL, due_kind = NULL, "
                    "version = version + 1 WHERE id = ?",
                    (rupture_id,),
                )
                await self._connection.execute("DELETE FROM sealed_answers WHERE rupture_id = ?", (rupture_id,))
            await self._scrub_wal()

    async def forget_reservation(self, rupture_id: int) -> None:
        """Drop a rupture whose opening failed before anyone could act on it."""
        await self._write("DELETE FROM ruptures WHERE id = ? AND version = 0", (rupture_id,))

    async def rupture(self, rupture_id: int) -> Rupture | None:
        if not 0 < rupture_id <= _INT64_MAX:
            return None
        async with self._lock:
            row = await self._one(f"SELECT {_RUPTURE_COLUMNS} FROM ruptures WHERE id = ?", (rupture_id,))
        return None if row is None else _to_rupture(row)

    async def rupture_in_thread(self, thread_id: int) -> Rupture | None:
        async with self._lock:
            row = await self._one(f"SELECT {_RUPTURE_COLUMNS} FROM ruptures WHERE thread_id = ?", (thread_id,))
        return None if row is None else _to_rupture(row)

    async def open_ruptures_of(self, user_id: int, guild_id: int | None = None) -> list[Rupture]:
        """The person's open ruptures (optionally in one server), oldest first."""
        async with self._lock:
            rows = await self._all(
                f"SELECT {_RUPTURE_COLUMNS} FROM ruptures WHERE status IN ('invited', 'active') "
                "AND thread_id IS NOT NULL AND (first_id = ? OR second_id = ?) "
                "AND (? IS NULL OR guild_id = ?) ORDER BY id",
                (user_id, user_id, guild_id, guild_id),
            )
        return [_to_rupture(row) for row in rows]

    async def open_rupture_between(self, guild_id: int, a: int, b: int) -> Rupture | None:
        async with self._lock:
            row = await self._one(
                f"SELECT {_RUPTURE_COLUMNS} FROM ruptures WHERE status IN ('invited', 'active') "
                "AND guild_id = ? AND min(first_id, second_id) = min(?, ?) "
                "AND max(first_id, second_id) = max(?, ?)",
                (guild_id, a, b, a, b),
            )
        return None if row is None else _to_rupture(row)

    async def sealed_answers(self, rupture_id: int, step: int) -> dict[Role, str]:
        async with self._lock:
            rows = await self._all(
                "SELECT role, text FROM sealed_answers WHERE rupture_id = ? AND step = ?", (rupture_id, step)
            )
        return {Role(row["role"]): str(row["text"]) for row in rows}

    async def save(self, change: Change, expected_version: int) -> Rupture | None:
        """Apply `change` if the rupture is still at `expected_version`; None if it moved on.

        A change without sealed answers is one UPDATE (atomic on its own); one that stores or
        erases sealed answers is a transaction, and erasing also scrubs the WAL.
        """
        new = change.rupture
        values = _rupture_values(new)
        update = (
            f"UPDATE ruptures SET {_RELEASE_IF_DUE_CHANGED}, "
            f"{', '.join(f'{c} = :{c}' for c in values)}, version = version + 1 "
            "WHERE id = :rupture_id AND version = :expected"
        )
        parameters = {**values, "rupture_id": new.id, "expected": expected_version}
        if change.seal is None and not change.unseal:
            if await self._write(update, parameters) != 1:
                return None
            self._note_written(new.id, expected_version + 1)
            return replace(new, version=expected_version + 1)
        async with self._lock:
            async with self._transaction():
                cursor = await self._connection.execute(update, parameters)
                if cursor.rowcount != 1:
                    return None
                if change.seal is not None:
                    role, text = change.seal
                    await self._connection.execute(
                        "INSERT OR REPLACE INTO sealed_answers (rupture_id, step, role, text) VALUES (?, ?, ?, ?)",
                        (new.id, new.step, role, text),
                    )
                if change.unseal:
                    await self._connection.execute("DELETE FROM sealed_answers WHERE rupture_id = ?", (new.id,))
            if change.unseal:
                await self._scrub_wal()
        self._note_written(new.id, expected_version + 1)
        return replace(new, version=expected_version + 1)

    # -- plumbing -------------------------------------------------------------------------------

    async def _scrub_wal(self) -> None:
        """Fold the WAL into the main file and truncate it, so erased words leave no old copies."""
        await self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        await self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            await self._connection.execute("ROLLBACK")
            raise
        await self._connection.execute("COMMIT")

    async def _write(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> int:
        """One statement, atomic on its own (the connection autocommits); returns the rows changed."""
        async with self._lock:
            cursor = await self._connection.execute(sql, parameters)
            return cursor.rowcount

    async def _scalar(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        async with self._connection.execute(sql, tuple(parameters)) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row is not None and row[0] is not None else 0

    async def _one(self, sql: str, parameters: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await self._all(sql, parameters)
        return rows[0] if rows else None

    async def _all(self, sql: str, parameters: Iterable[Any] = ()) -> list[sqlite3.Row]:
        # One trip to aiosqlite's thread (execute, fetch and close together).
        return list(await self._connection.execute_fetchall(sql, tuple(parameters)))


def _your_part(row: sqlite3.Row, user_id: int) -> dict[str, Any]:
    """A rupture as one person may see it: the shared facts and their own seat, not the other's."""
    shared = [f for f in _RUPTURE_FIELDS if not f.startswith(("first_", "second_")) and f != "paused_by"]
    mine, theirs = ("first", "second") if row[_AT["first_id"]] == user_id else ("second", "first")
    part = {name: row[_AT[name]] for name in shared}
    part["your_seat"] = mine
    part["with_user_id"] = row[_AT[f"{theirs}_id"]]
    part.update({f"your_{name}": row[_AT[f"{mine}_{name}"]] for name in _SEAT_FIELDS if name != "id"})
    return part


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _waking(row: sqlite3.Row | None) -> Waking:
    if row is None:
        return Waking()
    zone = UTC_ZONE
    if row["timezone"]:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo(row["timezone"])
    start, end = row["quiet_start"], row["quiet_end"]
    if start is None or end is None:
        return Waking(zone)
    return Waking(zone, time(start // 60, start % 60), time(end // 60, end % 60))


def _migration_files(folder: Path) -> dict[int, Path]:
    scripts: dict[int, Path] = {}
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise StorageError(f"{path.name}: migration files are named NNNN_lowercase_name.sql")
        number = int(match.group(1))
        if number in scripts:
            raise StorageError(f"{path.name}: migration number {number} is used twice")
        scripts[number] = path
    return scripts


# When what is due changes, any claim on the old item no longer applies. (Columns on the right of
# SET read their values from before the update.)
_RELEASE_IF_DUE_CHANGED = ", ".join(
    f"{column} = CASE WHEN due_at IS :due_at AND due_kind IS :due_kind THEN {column} ELSE {fresh} END"
    for column, fresh in (
        ("due_lease_until", "NULL"),
        ("due_attempts", "0"),
        ("due_first_claimed_at", "NULL"),
        ("due_blocked", "0"),
    )
)
# What a sent item can change: when the next thing is due, and what the sweep itself said or asked.
_SWEEP_COLUMNS = (
    "due_at",
    "due_kind",
    "checkin_stage",
    "invite_reminded",
    "paused_until",
    "paused_by",
    "prompt_message_id",
    "updated_at",
    "first_followup",
    "second_followup",
)
# How each outcome other than "sent" changes a claimed item.
_SETTLEMENTS = {
    Result.QUIET: "due_at = :when, due_lease_until = NULL, due_attempts = 0, due_first_claimed_at = NULL",
    Result.RETRY: "due_lease_until = :when",
    Result.BLOCKED: "due_blocked = 1, due_lease_until = NULL",
    Result.MOVED_ON: "due_at = NULL, due_kind = NULL, due_lease_until = NULL",
    Result.SUPERSEDED: "due_lease_until = NULL",
    Result.GONE: "status = 'gone', phase = 'closed', due_at = NULL, due_kind = NULL, version = version + 1",
}
_SEAT_FIELDS = ("id", "mark", "commitment", "commitment_message_id", "okay", "followup")
_RUPTURE_FIELDS = (
    "id",
    "guild_id",
    "thread_id",
    "protocol",
    "status",
    "step",
    "phase",
    "round",
    *(f"{seat}_{name}" for seat in ("first", "second") for name in _SEAT_FIELDS),
    "paused_until",
    "paused_by",
    "prompt_message_id",
    "due_at",
    "due_kind",
    "checkin_stage",
    "checkins_stopped",
    "invite_reminded",
    "created_at",
    "updated_at",
    "version",
)
_RUPTURE_COLUMNS = ", ".join(_RUPTURE_FIELDS)
_AT = {name: index for index, name in enumerate(_RUPTURE_FIELDS)}  # reading by position is ten times faster


def _lookup(kind: type[_Value]) -> dict[str, _Value]:
    """Value → member, for reading enums from rows without `Enum.__call__`'s cost in the sweep."""
    return {member.value: member for member in kind}


_MARKS, _COMMITMENTS, _FOLLOWUPS = _lookup(Mark), _lookup(Commitment), _lookup(FollowUp)
_STATUSES, _PHASES, _DUES, _ROLES = _lookup(Status), _lookup(Phase), _lookup(Due), _lookup(Role)


def _seat(row: sqlite3.Row, prefix: str) -> Seat:
    return Seat(
        user_id=row[_AT[f"{prefix}_id"]],
        mark=_MARKS[row[_AT[f"{prefix}_mark"]]],
        commitment=_COMMITMENTS[row[_AT[f"{prefix}_commitment"]]],
        commitment_message_id=row[_AT[f"{prefix}_commitment_message_id"]],
        okay=bool(row[_AT[f"{prefix}_okay"]]),
        followup=_FOLLOWUPS[row[_AT[f"{prefix}_followup"]]],
    )


def _moment(value: int | None) -> datetime | None:
    return None if value is None else from_timestamp(value)


def _stamp(moment: datetime | None) -> int | None:
    return None if moment is None else to_timestamp(moment)


def _to_rupture(row: sqlite3.Row) -> Rupture:
    """A rupture from a row that starts with `_RUPTURE_COLUMNS`, in that order."""
    paused_by, due = row[_AT["paused_by"]], row[_AT["due_kind"]]
    return Rupture(
        id=row[_AT["id"]],
        guild_id=row[_AT["guild_id"]],
        thread_id=row[_AT["thread_id"]],
        protocol=row[_AT["protocol"]],
        status=_STATUSES[row[_AT["status"]]],
        first=_seat(row, "first"),
        second=_seat(row, "second"),
        created_at=from_timestamp(row[_AT["created_at"]]),
        updated_at=from_timestamp(row[_AT["updated_at"]]),
        step=row[_AT["step"]],
        phase=_PHASES[row[_AT["phase"]]],
        round=row[_AT["round"]],
        paused_until=_moment(row[_AT["paused_until"]]),
        paused_by=None if paused_by is None else _ROLES[paused_by],
        prompt_message_id=row[_AT["prompt_message_id"]],
        due_at=_moment(row[_AT["due_at"]]),
        due=None if due is None else _DUES[due],
        checkin_stage=row[_AT["checkin_stage"]],
        checkins_stopped=bool(row[_AT["checkins_stopped"]]),
        invite_reminded=bool(row[_AT["invite_reminded"]]),
        version=row[_AT["version"]],
    )


def _swept_values(rupture: Rupture) -> dict[str, Any]:
    """The `_SWEEP_COLUMNS` of a rupture the sweep has recorded."""
    return {
        "due_at": _stamp(rupture.due_at),
        "due_kind": None if rupture.due is None else rupture.due.value,
        "checkin_stage": rupture.checkin_stage,
        "invite_reminded": int(rupture.invite_reminded),
        "paused_until": _stamp(rupture.paused_until),
        "paused_by": None if rupture.paused_by is None else rupture.paused_by.value,
        "prompt_message_id": rupture.prompt_message_id,
        "updated_at": to_timestamp(rupture.updated_at),
        "first_followup": rupture.first.followup.value,
        "second_followup": rupture.second.followup.value,
    }


def _rupture_values(rupture: Rupture) -> dict[str, Any]:
    """The columns a change may touch (never the id, guild, thread, pair or creation time)."""
    values: dict[str, Any] = {
        "status": rupture.status.value,
        "step": rupture.step,
        "phase": rupture.phase.value,
        "round": rupture.round,
        "paused_until": _stamp(rupture.paused_until),
        "paused_by": None if rupture.paused_by is None else rupture.paused_by.value,
        "updated_at": to_timestamp(rupture.updated_at),
        "prompt_message_id": rupture.prompt_message_id,
        "due_at": _stamp(rupture.due_at),
        "due_kind": None if rupture.due is None else rupture.due.value,
        "checkin_stage": rupture.checkin_stage,
        "checkins_stopped": int(rupture.checkins_stopped),
        "invite_reminded": int(rupture.invite_reminded),
    }
    for prefix, seat in (("first", rupture.first), ("second", rupture.second)):
        values[f"{prefix}_mark"] = seat.mark.value
        values[f"{prefix}_commitment"] = seat.commitment.value
        values[f"{prefix}_commitment_message_id"] = seat.commitment_message_id
        values[f"{prefix}_okay"] = int(seat.okay)
        values[f"{prefix}_followup"] = seat.followup.value
    return values

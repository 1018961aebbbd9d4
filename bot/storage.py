"""All of Mend's SQL, in one place, over one aiosqlite connection.

The database is the source of truth. Every public method is one unit of work run under a lock,
so concurrent tasks never interleave statements on the shared connection. Rupture changes are
saved with compare-and-set on the rupture's version: a change decided on stale state is refused
and the caller decides again.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.clock import from_timestamp, to_timestamp
from bot.protocols import Role
from bot.repair import Change, Commitment, Mark, Phase, Rupture, Seat, Status

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_RESERVATION_TIMEOUT = 120
_INT64_MAX = 2**63 - 1


class StorageError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    repair_channel_id: int | None = None
    default_protocol: str | None = None


class Database:
    """Mend's database: open it, migrate it, then use the methods below."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self.path = path

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
        async with self._lock, self._transaction():
            await self._connection.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- servers --------------------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        async with self._lock:
            row = await self._one(
                "SELECT guild_id, repair_channel_id, default_protocol FROM guild_settings WHERE guild_id = ?",
                (guild_id,),
            )
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(row["guild_id"], row["repair_channel_id"], row["default_protocol"])

    # -- people ---------------------------------------------------------------------------------

    async def has_consented(self, user_id: int) -> bool:
        async with self._lock:
            row = await self._one("SELECT consented_at FROM people WHERE user_id = ?", (user_id,))
        return row is not None and row["consented_at"] is not None

    async def record_consent(self, user_id: int, at: datetime) -> None:
        async with self._lock, self._transaction():
            await self._connection.execute(
                "INSERT INTO people (user_id, consented_at) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET consented_at = excluded.consented_at",
                (user_id, to_timestamp(at)),
            )

    # -- ruptures -------------------------------------------------------------------------------

    async def reserve_rupture(
        self, guild_id: int, protocol: str, opener: int, partner: int, now: datetime
    ) -> Rupture | None:
        """Reserve a new rupture for the pair before its thread exists; None if one is already open.

        A reservation whose thread never arrived (a crash mid-start) expires after two minutes.
        """
        stamp = to_timestamp(now)
        async with self._lock, self._transaction():
            await self._connection.execute(
                "DELETE FROM ruptures WHERE thread_id IS NULL AND created_at < ? AND guild_id = ? "
                "AND min(first_id, second_id) = min(?, ?) AND max(first_id, second_id) = max(?, ?)",
                (stamp - _RESERVATION_TIMEOUT, guild_id, opener, partner, opener, partner),
            )
            try:
                cursor = await self._connection.execute(
                    "INSERT INTO ruptures (guild_id, protocol, status, phase, first_id, second_id, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (guild_id, protocol, Status.INVITED, Phase.INVITATION, opener, partner, stamp, stamp),
                )
            except sqlite3.IntegrityError:
                return None
            rupture_id = cursor.lastrowid
        found = await self.rupture(int(rupture_id or 0))
        assert found is not None
        return found

    async def attach_thread(self, rupture_id: int, thread_id: int) -> None:
        """Complete a reservation: its thread now exists."""
        async with self._lock, self._transaction():
            await self._connection.execute("UPDATE ruptures SET thread_id = ? WHERE id = ?", (thread_id, rupture_id))

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
        async with self._lock, self._transaction():
            await self._connection.execute(
                f"UPDATE ruptures SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ? AND version = ?",
                (*[message_id] * len(columns), rupture_id, version),
            )

    async def mark_gone(self, rupture_id: int) -> None:
        """The rupture's thread was deleted: close it for good."""
        async with self._lock, self._transaction():
            await self._connection.execute(
                "UPDATE ruptures SET status = 'gone', phase = 'closed', version = version + 1 WHERE id = ?",
                (rupture_id,),
            )

    async def forget_reservation(self, rupture_id: int) -> None:
        """Drop a reservation whose thread could not be made."""
        async with self._lock, self._transaction():
            await self._connection.execute("DELETE FROM ruptures WHERE id = ? AND thread_id IS NULL", (rupture_id,))

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
        """Apply `change` if the rupture is still at `expected_version`; None if it moved on."""
        new = change.rupture
        values = _rupture_values(new)
        async with self._lock:
            async with self._transaction():
                cursor = await self._connection.execute(
                    f"UPDATE ruptures SET {', '.join(f'{c} = ?' for c in values)}, version = version + 1 "
                    "WHERE id = ? AND version = ?",
                    (*values.values(), new.id, expected_version),
                )
                if cursor.rowcount != 1:
                    return None
                if change.seal is not None:
                    role, text = change.seal
                    await self._connection.execute(
                        "INSERT OR REPLACE INTO sealed_answers (rupture_id, step, role, text) VALUES (?, ?, ?, ?)",
                        (new.id, change.rupture.step, role, text),
                    )
                if change.unseal:
                    await self._connection.execute("DELETE FROM sealed_answers WHERE rupture_id = ?", (new.id,))
            if change.unseal:
                await self._scrub_wal()
            row = await self._one(f"SELECT {_RUPTURE_COLUMNS} FROM ruptures WHERE id = ?", (new.id,))
        assert row is not None
        return _to_rupture(row)

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

    async def _scalar(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        async with self._connection.execute(sql, tuple(parameters)) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row is not None and row[0] is not None else 0

    async def _one(self, sql: str, parameters: Iterable[Any] = ()) -> sqlite3.Row | None:
        async with self._connection.execute(sql, tuple(parameters)) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
        return row

    async def _all(self, sql: str, parameters: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._connection.execute(sql, tuple(parameters)) as cursor:
            return list(await cursor.fetchall())


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


_RUPTURE_FIELDS = (
    "id",
    "guild_id",
    "thread_id",
    "protocol",
    "status",
    "step",
    "phase",
    "round",
    "first_id",
    "second_id",
    "first_mark",
    "second_mark",
    "first_commitment",
    "second_commitment",
    "first_commitment_message_id",
    "second_commitment_message_id",
    "paused_until",
    "paused_by",
    "prompt_message_id",
    "created_at",
    "updated_at",
    "version",
)
_RUPTURE_COLUMNS = ", ".join(_RUPTURE_FIELDS)


def _seat(row: sqlite3.Row, prefix: str) -> Seat:
    return Seat(
        user_id=row[f"{prefix}_id"],
        mark=Mark(row[f"{prefix}_mark"]),
        commitment=Commitment(row[f"{prefix}_commitment"]),
        commitment_message_id=row[f"{prefix}_commitment_message_id"],
    )


def _to_rupture(row: sqlite3.Row) -> Rupture:
    return Rupture(
        id=row["id"],
        guild_id=row["guild_id"],
        thread_id=row["thread_id"],
        protocol=row["protocol"],
        status=Status(row["status"]),
        first=_seat(row, "first"),
        second=_seat(row, "second"),
        created_at=from_timestamp(row["created_at"]),
        updated_at=from_timestamp(row["updated_at"]),
        step=row["step"],
        phase=Phase(row["phase"]),
        round=row["round"],
        paused_until=None if row["paused_until"] is None else from_timestamp(row["paused_until"]),
        paused_by=None if row["paused_by"] is None else Role(row["paused_by"]),
        prompt_message_id=row["prompt_message_id"],
        version=row["version"],
    )


def _rupture_values(rupture: Rupture) -> dict[str, Any]:
    """The columns a change may touch (never the id, guild, thread, pair or creation time)."""
    values: dict[str, Any] = {
        "status": rupture.status.value,
        "step": rupture.step,
        "phase": rupture.phase.value,
        "round": rupture.round,
        "paused_until": None if rupture.paused_until is None else to_timestamp(rupture.paused_until),
        "paused_by": None if rupture.paused_by is None else rupture.paused_by.value,
        "updated_at": to_timestamp(rupture.updated_at),
        "prompt_message_id": rupture.prompt_message_id,
    }
    for prefix, seat in (("first", rupture.first), ("second", rupture.second)):
        values[f"{prefix}_mark"] = seat.mark.value
        values[f"{prefix}_commitment"] = seat.commitment.value
        values[f"{prefix}_commitment_message_id"] = seat.commitment_message_id
    return values

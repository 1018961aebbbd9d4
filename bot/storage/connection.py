"""Two SQLite connections (through aiosqlite), their settings, and units of work on them.

One connection writes; every unit of work on it runs under one lock, so concurrent tasks never
interleave statements. A single statement is atomic on its own (the connection autocommits);
several go in a `transaction()`, which takes SQLite's write lock at its start. The other
connection only reads, so that reading never queues behind a write waiting for the file (WAL lets
a reader go on while another program writes).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

Row = sqlite3.Row
Parameters = Sequence[Any] | Mapping[str, Any]
# The busy timeout comes first, so that even switching to WAL waits for another program's lock.
PRAGMAS = (
    "busy_timeout = 5000",
    "journal_mode = WAL",
    "synchronous = FULL",  # a commit someone is told about survives a power cut (NORMAL may lose it)
    "foreign_keys = ON",
    "secure_delete = ON",
)


async def _connect(path: Path, pragmas: Iterable[str]) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    try:
        connection.row_factory = sqlite3.Row
        for pragma in pragmas:
            await connection.execute(f"PRAGMA {pragma}")
    except BaseException:
        await connection.close()
        raise
    return connection


class StorageError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


class DamagedError(StorageError):
    """SQLite's own check found the file damaged; the message is SQLite's finding."""


class Work:
    """Statements inside one unit of work (the caller holds the lock)."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def run(self, sql: str, parameters: Parameters = ()) -> int:
        """One statement; the number of rows it changed."""
        cursor = await self._connection.execute(sql, parameters)
        return cursor.rowcount

    async def many(self, sql: str, rows: Iterable[Parameters]) -> None:
        await self._connection.executemany(sql, rows)

    async def insert(self, sql: str, parameters: Parameters = ()) -> int:
        """One INSERT; the new row's id."""
        cursor = await self._connection.execute(sql, parameters)
        return int(cursor.lastrowid or 0)

    async def all(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        # One trip to aiosqlite's thread (execute, fetch and close together).
        return list(await self._connection.execute_fetchall(sql, parameters))

    async def one(self, sql: str, parameters: Parameters = ()) -> Row | None:
        rows = await self.all(sql, parameters)
        return rows[0] if rows else None

    async def scalar(self, sql: str, parameters: Parameters = ()) -> int:
        row = await self.one(sql, parameters)
        return int(row[0]) if row is not None and row[0] is not None else 0


class Connection:
    """The database: single statements, transactions, reads on their own, and scrubbing the WAL."""

    def __init__(self, connection: aiosqlite.Connection, reader: aiosqlite.Connection, path: Path) -> None:
        self.path = path
        self.raw = connection
        self._lock = asyncio.Lock()
        self._work = Work(connection)
        self._reader = reader
        self._reading = Work(reader)
        self._reader_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Connection:
        """Open (creating if needed) the file with WAL, foreign keys, secure delete and a busy timeout.

        SQLite's errors are raised as they are; whatever fails, the connections' threads are stopped,
        so a failed start never hangs.
        """
        writer = await _connect(path, PRAGMAS)
        try:
            reader = await _connect(path, ("busy_timeout = 5000", "query_only = ON"))
        except BaseException:
            await writer.close()
            raise
        return cls(writer, reader, path)

    async def check(self) -> None:
        """Check the file's structure and commit one write, so that damage, a read-only file, a full
        disk or another program's lock shows at start-up rather than in the middle of a repair.
        """
        async with self._lock:
            [(finding,)] = await self.raw.execute_fetchall("PRAGMA quick_check(1)")
            if finding != "ok":
                raise DamagedError(" ".join(str(finding).split()))
            [(version,)] = await self.raw.execute_fetchall("PRAGMA user_version")
            await self.raw.execute("BEGIN IMMEDIATE")
            try:
                await self.raw.execute(f"PRAGMA user_version = {int(version)}")
                await self.raw.execute("COMMIT")
            except BaseException:
                if self.raw.in_transaction:
                    await self.raw.execute("ROLLBACK")
                raise

    async def close(self) -> None:
        async with self._lock, self._reader_lock:
            await self._reader.close()
            await self.raw.close()

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Work]:
        """Statements run together without others in between, each committed on its own."""
        async with self._lock:
            yield self._work

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Work]:
        """Statements that commit together or not at all."""
        async with self._lock:
            await self.raw.execute("BEGIN IMMEDIATE")
            try:
                yield self._work
            except BaseException:
                await self.raw.execute("ROLLBACK")
                raise
            await self.raw.execute("COMMIT")

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Work]:
        """Reads that see one state of the database, on the reading connection."""
        async with self._reader_lock:
            await self._reader.execute("BEGIN")
            try:
                yield self._reading
            finally:
                await self._reader.execute("COMMIT")

    async def run(self, sql: str, parameters: Parameters = ()) -> int:
        async with self.unit() as work:
            return await work.run(sql, parameters)

    async def all(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        """One read, on the reading connection."""
        async with self._reader_lock:
            return await self._reading.all(sql, parameters)

    async def one(self, sql: str, parameters: Parameters = ()) -> Row | None:
        async with self._reader_lock:
            return await self._reading.one(sql, parameters)

    async def scrub(self) -> None:
        """Fold the WAL into the main file and truncate it, so erased words leave no old copies."""
        async with self._lock:
            await self.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

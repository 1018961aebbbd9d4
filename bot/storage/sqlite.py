"""SQLite through aiosqlite: two connections, their settings, and units of work on them.

One connection writes; every unit of work on it runs under one lock, so concurrent tasks never
interleave statements. A single statement is atomic on its own (the connection autocommits);
several go in a `transaction()`, which takes SQLite's write lock at its start. The other
connection only reads, so that reading never queues behind a write waiting for the file (WAL lets
a reader go on while another program writes). The version of the schema is `PRAGMA user_version`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.storage.connection import SQLITE, Connection, DamagedError, Parameters, Row, ScriptError, Work

# The busy timeout comes first, so that even switching to WAL waits for another program's lock.
PRAGMAS = (
    "busy_timeout = 5000",
    "journal_mode = WAL",
    "synchronous = FULL",  # a commit someone is told about survives a power cut (NORMAL may lose it)
    "foreign_keys = ON",
    "secure_delete = ON",
)
# SQLite's answers that fault a migration's script itself; the others (a lock, a full disk,
# damage…) are about the file or the disk, and reach the caller as they are, to be explained.
_THE_SCRIPT = {sqlite3.SQLITE_ERROR, sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH}


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


class SqliteWork(Work):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def run(self, sql: str, parameters: Parameters = ()) -> int:
        cursor = await self._connection.execute(sql, parameters)
        return cursor.rowcount

    async def many(self, sql: str, rows: Iterable[Parameters]) -> None:
        await self._connection.executemany(sql, rows)

    async def insert(self, sql: str, parameters: Parameters = ()) -> int | None:
        cursor = await self._connection.execute(sql, parameters)
        return int(cursor.lastrowid or 0) if cursor.rowcount == 1 else None

    async def all(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        # One trip to aiosqlite's thread (execute, fetch and close together).
        return list(await self._connection.execute_fetchall(sql, parameters))


class SqliteConnection(Connection):
    """The database file: single statements, transactions, reads on their own, and scrubbing the WAL."""

    dialect = SQLITE
    busy: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)

    def __init__(self, connection: aiosqlite.Connection, reader: aiosqlite.Connection, path: Path) -> None:
        self.path = path
        self.where = str(path)
        self.raw = connection
        self._lock = asyncio.Lock()
        self._work = SqliteWork(connection)
        self._reader = reader
        self._reading = SqliteWork(reader)
        self._reader_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> SqliteConnection:
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
        async with self._lock:
            yield self._work

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Work]:
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
        async with self._reader_lock:
            await self._reader.execute("BEGIN")
            try:
                yield self._reading
            finally:
                await self._reader.execute("COMMIT")

    async def all(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        async with self._reader_lock:
            return await self._reading.all(sql, parameters)

    async def scrub(self) -> None:
        """Fold the WAL into the main file and truncate it, so erased words leave no old copies
        (`secure_delete` has already overwritten them in the main file)."""
        async with self._lock:
            await self.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def ensure_index(self, name: str, definition: str) -> None:
        await self.run(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")

    # -- migrations -----------------------------------------------------------------------------

    @asynccontextmanager
    async def migrating(self) -> AsyncIterator[None]:
        # Another process is kept away by the lock file beside the database (`bot.storage.files`).
        yield

    async def schema_version(self) -> int:
        async with self.unit() as work:
            return await work.scalar("PRAGMA user_version")

    async def apply(self, number: int, script: str) -> None:
        async with self._lock:
            try:
                # executescript commits what is pending first, so the transaction is in the script.
                await self.raw.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
            except sqlite3.Error as error:
                if self.raw.in_transaction:
                    await self.raw.execute("ROLLBACK")
                if error.sqlite_errorcode & 0xFF not in _THE_SCRIPT:
                    raise
                raise ScriptError(str(error)) from None

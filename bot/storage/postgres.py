"""PostgreSQL through asyncpg: one writing connection, a pool of reading ones, and the locks that
let several Mend processes share one database.

As with SQLite, one connection writes and every unit of work on it runs under one lock, so the
process's own writes never interleave; the database's row locks settle compare-and-set between
processes. Reads go to a small pool of read-only connections. Placeholders are numbered here
(`?` and `:name` become `$1…`), so stores keep one SQL text for both dialects. The version of
the schema is the one row of `schema_version`.

Each running Mend holds advisory locks on a connection of its own (`ShardLock`): the whole
database when it serves every server, or its shards when it runs only some. PostgreSQL releases
them the moment that connection ends, however the process ended.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.shards import Shards
from bot.storage.connection import POSTGRESQL, Connection, Parameters, Row, ScriptError, StorageError, Work
from bot.storage.files import LockHeld

log = logging.getLogger(__name__)

READERS = 4
# Waiting for a row another process holds ends after five seconds, as SQLite's busy timeout does;
# a commit someone is told about is on disk first, whatever the server's default (as SQLite's FULL).
_SERVER_SETTINGS = {
    "lock_timeout": "5s",
    "synchronous_commit": "on",
    "jit": "off",
    "tcp_keepalives_idle": "60",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
}
_PLACEHOLDER = re.compile(r"'[^']*'|::|\?|:([A-Za-z_]\w*)")
# PostgreSQL's error classes that fault a migration's SQL itself: data (22), integrity (23), and
# syntax or a missing object (42, except 42501: the user may not do it, which is about the server).
_THE_SCRIPT = ("22", "23", "42")
# Advisory lock keys: (class, number) pairs, the class spelling "Mend" and counting up.
_DATABASE, _SHARD, _SHARD_COUNT, _MIGRATING = (0x4D656E64 + n for n in range(4))

BUSY: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.LockNotAvailableError,
    asyncpg.exceptions.TransactionRollbackError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.InterfaceError,
)
"""What PostgreSQL raises when it cannot take a write now: worth "try again in a moment"."""


def describe(url: str) -> str:
    """The URL without its password, to name the database in messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}@{host}" if parts.username else host))


@lru_cache(maxsize=1024)
def numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """`sql` with `?` and `:name` placeholders as PostgreSQL's `$1…`, and the names in number order."""
    names: list[str] = []
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        text = match.group(0)
        if text.startswith("'") or text == "::":
            return text
        if text == "?":
            count += 1
            return f"${count}"
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _PLACEHOLDER.sub(number, sql), tuple(names)


def _arguments(names: tuple[str, ...], parameters: Parameters) -> list[Any]:
    if isinstance(parameters, Mapping):
        return [parameters[name] for name in names]
    return list(parameters)


async def _connect(url: str, application: str = "mend", **settings: str) -> asyncpg.Connection:
    return await asyncpg.connect(
        url,
        timeout=10,
        statement_cache_size=512,
        server_settings={**_SERVER_SETTINGS, "application_name": application, **settings},
    )


class PostgresWork(Work):
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def run(self, sql: str, parameters: Parameters = ()) -> int:
        text, names = numbered(sql)
        status: str = await self._connection.execute(text, *_arguments(names, parameters))
        last = status.rpartition(" ")[2]
        return int(last) if last.isdigit() else 0

    async def many(self, sql: str, rows: Iterable[Parameters]) -> None:
        text, names = numbered(sql)
        await self._connection.executemany(text, [_arguments(names, row) for row in rows])

    async def insert(self, sql: str, parameters: Parameters = ()) -> int | None:
        text, names = numbered(f"{sql} RETURNING id")
        found = await self._connection.fetchval(text, *_arguments(names, parameters))
        return None if found is None else int(found)

    async def all(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        text, names = numbered(sql)
        return list(await self._connection.fetch(text, *_arguments(names, parameters)))

    async def load(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows into `table` through COPY, the fastest way in (for copy-database)."""
        await self._connection.copy_records_to_table(table, records=rows, columns=list(columns))


class PostgresConnection(Connection):
    """A PostgreSQL database shared with other Mend processes."""

    dialect = POSTGRESQL
    busy = BUSY

    def __init__(self, url: str, writer: asyncpg.Connection, readers: asyncpg.Pool) -> None:
        self.where = describe(url)
        self._url = url
        self._writer = writer
        self._readers = readers
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, url: str) -> PostgresConnection:
        """Connect; asyncpg's and the network's errors are raised as they are."""
        writer = await _connect(url)
        try:
            readers = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=READERS,
                timeout=10,
                statement_cache_size=512,
                server_settings={
                    **_SERVER_SETTINGS,
                    "application_name": "mend reading",
                    "default_transaction_read_only": "on",
                },
            )
        except BaseException:
            await writer.close()
            raise
        return cls(url, writer, readers)

    async def _live_writer(self) -> asyncpg.Connection:
        """The writing connection, opened again if the server ended it (a restart, a failover)."""
        if self._writer.is_closed():
            self._writer = await _connect(self._url)
        return self._writer

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Work]:
        async with self._lock:
            yield PostgresWork(await self._live_writer())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Work]:
        async with self._lock:
            writer = await self._live_writer()
            async with writer.transaction():
                yield PostgresWork(writer)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Work]:
        async with self._readers.acquire() as reader, reader.transaction(isolation="repeatable_read", readonly=True):
            yield PostgresWork(reader)

    async def all(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        text, names = numbered(sql)
        return list(await self._readers.fetch(text, *_arguments(names, parameters)))

    async def scrub(self) -> None:
        """Nothing more to do: a deleted row is gone for every query at once. PostgreSQL has no
        `secure_delete`; the bytes stay in the table's files until vacuum reuses their space."""

    async def check(self) -> None:
        if await self._readers.fetchval("SELECT pg_is_in_recovery()"):
            raise StorageError(
                f"The PostgreSQL server at {self.where} is a read-only standby: point DATABASE_URL at the primary."
            )

    async def close(self) -> None:
        async with self._lock:
            await self._readers.close()
            await self._writer.close()

    async def ensure_index(self, name: str, definition: str) -> None:
        """Built without blocking writers (CONCURRENTLY), by one process while any others starting
        at the same moment wait for it without holding anything it waits for; a build left invalid
        by a crash is made again."""
        while True:
            async with self.unit() as work:
                found = await work.one(
                    "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace",
                    (name,),
                )
                if found is not None and found[0]:
                    return
                if await work.scalar("SELECT pg_try_advisory_lock(?, 1)::int", (_MIGRATING,)):
                    try:
                        if found is not None:
                            await work.run(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
                        await work.run(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")
                    finally:
                        await work.run("SELECT pg_advisory_unlock(?, 1)", (_MIGRATING,))
                    return
            await asyncio.sleep(0.2)

    # -- migrations -----------------------------------------------------------------------------

    @asynccontextmanager
    async def migrating(self) -> AsyncIterator[None]:
        async with self.unit() as work:
            await work.run("SELECT pg_advisory_lock(?, 0)", (_MIGRATING,))
        try:
            yield
        finally:
            async with self.unit() as work:
                await work.run("SELECT pg_advisory_unlock(?, 0)", (_MIGRATING,))

    async def schema_version(self) -> int:
        async with self.unit() as work:
            if await work.one(
                "SELECT 1 FROM pg_tables WHERE tablename = 'schema_version' AND schemaname = current_schema()"
            ):
                return await work.scalar("SELECT version FROM schema_version")
        return 0

    async def apply(self, number: int, script: str) -> None:
        async with self._lock:
            writer = await self._live_writer()
            try:
                async with writer.transaction():
                    await writer.execute(script)
                    await writer.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
                    await writer.execute("DELETE FROM schema_version")
                    await writer.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
            except asyncpg.PostgresError as error:
                state = error.sqlstate or ""
                if state[:2] not in _THE_SCRIPT or state == "42501":
                    raise
                raise ScriptError(str(error)) from None


class ShardTaken(LockHeld):
    """Another running Mend already runs this shard (`args`: who holds it, the shard)."""


class OtherShardCount(LockHeld):
    """Mend processes on this database run with another SHARD_COUNT (`args`: who, that count)."""


class ShardLock:
    """The advisory locks a running Mend holds on its own connection, for as long as it runs.

    A process that serves every server holds the whole database; one that runs some shards shares
    the database with the others and holds each of its shards, and all of them must agree on the
    shard count. The locks go the moment the connection ends, so when they are taken, whichever
    process held these shards before has ended, however it ended.
    """

    previous_holder_is_gone = True

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self._released = False
        connection.add_termination_listener(self._lost)

    @classmethod
    async def take(cls, url: str, shards: Shards | None) -> ShardLock:
        """Take the locks, or raise `LockHeld` (or a subclass) naming the process that has them."""
        connection = await _connect(url, f"mend {os.getpid()} {socket.gethostname()}"[:63])
        try:
            if shards is None or not shards.partial or shards.ids is None or shards.count is None:
                await _take(connection, "pg_try_advisory_lock", _DATABASE, 0, LockHeld)
            else:
                await _take(connection, "pg_try_advisory_lock_shared", _DATABASE, 0, LockHeld)
                await _take(connection, "pg_try_advisory_lock_shared", _SHARD_COUNT, shards.count, LockHeld)
                other = await connection.fetchrow(_HOLDERS + " AND l.objid <> $2 LIMIT 1", _SHARD_COUNT, shards.count)
                if other is not None:
                    raise OtherShardCount(_holder(other), other["objid"])
                for shard in shards.ids:
                    await _take(connection, "pg_try_advisory_lock", _SHARD, shard, ShardTaken)
        except BaseException:
            connection.terminate()
            raise
        return cls(connection)

    def _lost(self, _: object) -> None:
        if not self._released:
            log.error("The connection holding this Mend's locks on the database ended; restart Mend to take them again")

    def release(self) -> None:
        self._released = True
        self._connection.terminate()


_HOLDERS = (
    "SELECT l.objid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objsubid = 2 "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


async def _take(connection: asyncpg.Connection, how: str, key: int, number: int, refusal: type[LockHeld]) -> None:
    if not await connection.fetchval(f"SELECT {how}($1, $2)", key, number):
        holder = await connection.fetchrow(
            _HOLDERS + " AND l.objid = $2 AND l.pid <> pg_backend_pid() LIMIT 1", key, number
        )
        raise refusal(_holder(holder), number)


def _holder(row: Any) -> str:
    """Who holds a lock: "<pid> <host>", as a running Mend names its connection; empty if unseen."""
    return "" if row is None else str(row["application_name"]).removeprefix("mend ")

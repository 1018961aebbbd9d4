"""Moving up: a SQLite database copied, whole, into an empty PostgreSQL one.

Both are migrated to the same version first (their tables and columns are the same: a test holds
the two dialects' migrations to it). The rows go over table by table, parents before the tables
that refer to them, in one transaction: the copy is all there or not at all. Ids are kept, so
every button already in Discord goes on working, and the counters behind new ids start after them.
"""

from __future__ import annotations

import graphlib

import asyncpg

from bot.storage import Database
from bot.storage.connection import StorageError
from bot.storage.postgres import PostgresConnection, PostgresWork, describe
from bot.storage.sqlite import SqliteConnection

CHUNK = 5_000
_TABLES = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
)


async def refuse_unless_empty(url: str) -> None:
    """Raise `StorageError` unless the database at `url` holds no rows (an empty Mend schema, or nothing)."""
    connection = await asyncpg.connect(url, timeout=10)
    try:
        holding = [
            table
            for (table,) in await connection.fetch(_TABLES)
            if table != "schema_version" and await connection.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
        ]
    finally:
        await connection.close()
    if holding:
        raise StorageError(
            f"The database at {describe(url)} is not empty (rows in {', '.join(holding)}): copy-database fills only "
            "an empty one, so nothing was copied. Create a new database for Mend and name it in --to."
        )


async def copy_rows(source: Database, target: Database) -> dict[str, int]:
    """Copy every row of `source` (SQLite) into `target` (PostgreSQL, migrated, empty); rows per table."""
    reading, writing = source._sql, target._sql
    assert isinstance(reading, SqliteConnection) and isinstance(writing, PostgresConnection)
    raw = reading.raw
    tables = [row[0] for row in await raw.execute_fetchall(_SQLITE_TABLES)]
    order = graphlib.TopologicalSorter(
        {table: {row[2] for row in await raw.execute_fetchall(f"PRAGMA foreign_key_list({table})")} for table in tables}
    )
    counts: dict[str, int] = {}
    async with writing.transaction() as work:
        assert isinstance(work, PostgresWork)
        for table in order.static_order():
            if await work.one(f"SELECT 1 FROM {table} LIMIT 1") is not None:
                raise StorageError(f"{table} in {writing.where} gained rows meanwhile: nothing was copied.")
            cursor = await raw.execute(f"SELECT * FROM {table}")
            columns = [description[0] for description in cursor.description]
            counts[table] = 0
            while rows := list(await cursor.fetchmany(CHUNK)):
                await work.load(table, columns, [tuple(row) for row in rows])
                counts[table] += len(rows)
            await cursor.close()
        for table, column in await work.all(_IDENTITIES):
            await work.run(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), coalesce(max({column}), 0) + 1, false) "
                f"FROM {table}"
            )
        copied = {table: await work.scalar(f"SELECT count(*) FROM {table}") for table in counts}
        if copied != counts:
            raise StorageError(f"The copy does not hold what was read ({copied} against {counts}): nothing was copied.")
    return counts


_SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
_IDENTITIES = (
    "SELECT table_name, column_name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND is_identity = 'YES'"
)

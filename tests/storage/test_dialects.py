"""SQLite and PostgreSQL side by side: the same migrations make the same tables, and what differs
between the two dialects is said in one place."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.storage import MIGRATIONS, Database, StorageError, migration_names
from bot.storage.postgres import describe, numbered

Schema = dict[str, dict[str, tuple[str, bool]]]
"""Each table's columns: the kind of value (integer or text) and whether it may be NULL."""


def test_both_dialects_have_the_same_migrations() -> None:
    assert migration_names(MIGRATIONS / "postgresql") == migration_names(MIGRATIONS), (
        "every migration is written for both SQLite (migrations/) and PostgreSQL (migrations/postgresql/)"
    )


def _sqlite_schema(path: Path) -> tuple[Schema, set[str]]:
    with sqlite3.connect(path) as raw:
        tables = [row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        schema = {
            table: {
                name: ("integer" if kind.upper().startswith("INT") else kind.lower(), bool(not_null or key))
                for _, name, kind, not_null, _, key in raw.execute(f"PRAGMA table_info({table})")
            }
            for table in tables
            if not table.startswith("sqlite_")
        }
        indexes = {
            row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql NOT NULL")
        }
    return schema, indexes


async def _postgres_schema(url: str) -> tuple[Schema, set[str]]:
    connection = await asyncpg.connect(url)
    try:
        columns = await connection.fetch(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name <> 'schema_version'"
        )
        indexes = await connection.fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
    finally:
        await connection.close()
    schema: Schema = {}
    for table, name, kind, nullable in columns:
        schema.setdefault(table, {})[name] = ("integer" if kind in ("bigint", "integer") else kind, nullable == "NO")
    return schema, {row[0] for row in indexes}


async def test_both_dialects_make_the_same_tables_columns_and_indexes(tmp_path: Path, postgres_url: str) -> None:
    for where in (tmp_path / "mend.sqlite3", postgres_url):
        db = await Database.open(where)
        assert await db.migrate() == migration_names()
        assert await db.schema_version() == len(migration_names())
        await db.close()
    in_sqlite, in_postgres = _sqlite_schema(tmp_path / "mend.sqlite3"), await _postgres_schema(postgres_url)
    assert in_postgres[0] == in_sqlite[0], (
        "the same tables and columns, of the same kinds, NULL where the other allows it"
    )
    assert in_postgres[1] == in_sqlite[1], "the same indexes"


def test_placeholders_are_numbered_for_postgresql_outside_quotes_and_casts() -> None:
    assert numbered("SELECT a FROM t WHERE b = ? AND c = 'x?y' AND d = ?") == (
        "SELECT a FROM t WHERE b = $1 AND c = 'x?y' AND d = $2",
        (),
    )
    assert numbered("UPDATE t SET a = :a, b = :b::bigint WHERE id = :id AND a = :a AND s = ':nope'") == (
        "UPDATE t SET a = $1, b = $2::bigint WHERE id = $3 AND a = $1 AND s = ':nope'",
        ("a", "b", "id"),
    )


def test_a_url_is_shown_without_its_password() -> None:
    assert describe("postgresql://mend:s3cret@db.example:5432/mend") == "postgresql://mend@db.example:5432/mend"
    assert describe("postgresql://db.example/mend") == "postgresql://db.example/mend"


async def test_postgresql_migrations_apply_once_and_a_newer_schema_is_refused(postgres_url: str) -> None:
    db = await Database.open(postgres_url)
    assert await db.migrate() == migration_names()
    assert await db.migrate() == []
    await db.close()
    raw = await asyncpg.connect(postgres_url)
    await raw.execute("UPDATE schema_version SET version = 999")
    await raw.close()
    db = await Database.open(postgres_url)
    with pytest.raises(StorageError, match=r"made by a newer Mend \(schema 999; .* set DATABASE_URL to another"):
        await db.migrate()
    await db.close()


async def test_a_failing_postgresql_migration_is_rolled_back_whole(tmp_path: Path, postgres_url: str) -> None:
    folder = tmp_path / "migrations"
    (folder / "postgresql").mkdir(parents=True)
    for name in migration_names():
        (folder / "postgresql" / name).write_text((MIGRATIONS / "postgresql" / name).read_text(encoding="utf-8"))
    (folder / "postgresql" / "0999_broken.sql").write_text(
        "CREATE TABLE half_done (id BIGINT);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    db = await Database.open(postgres_url)
    with pytest.raises(StorageError, match=r"0999_broken\.sql failed and was rolled back"):
        await db.migrate(folder)
    assert await db.schema_version() == len(migration_names())
    await db.close()
    raw = await asyncpg.connect(postgres_url)
    found: Any = await raw.fetchval("SELECT to_regclass('half_done')")
    await raw.close()
    assert found is None


async def test_what_someone_was_told_is_on_postgresqls_disk_before_they_are_told(postgres_url: str) -> None:
    """The twin of SQLite's `synchronous = FULL`: every commit waits for PostgreSQL's log to reach
    the disk, even on a server whose default is not to (as the tests' own server is)."""
    db = await Database.open(postgres_url)
    try:
        async with db._sql.transaction() as work:
            row = await work.one("SHOW synchronous_commit")
        assert row is not None and row[0] == "on"
    finally:
        await db.close()

"""The migration runner and the connection settings, on real SQLite files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import MIGRATIONS, Database, StorageError, migration_names
from bot.storage.sqlite import SqliteConnection


async def test_migrations_apply_to_an_empty_database_and_are_idempotent(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "mend.sqlite3")
    applied = await database.migrate()
    assert applied == migration_names()
    version = await database.schema_version()
    assert version == len(applied)
    await database.close()

    reopened = await Database.open(tmp_path / "mend.sqlite3")
    assert await reopened.migrate() == []
    assert await reopened.schema_version() == version
    await reopened.close()


async def test_connection_uses_wal_foreign_keys_and_secure_delete(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "mend.sqlite3")
    await database.migrate()
    pragmas = {}
    assert isinstance(database._sql, SqliteConnection)
    for name in ("journal_mode", "foreign_keys", "secure_delete", "busy_timeout"):
        async with database._sql.raw.execute(f"PRAGMA {name}") as cursor:
            row = await cursor.fetchone()
            assert row is not None
            pragmas[name] = row[0]
    await database.close()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "secure_delete": 1, "busy_timeout": 5000}


async def test_a_database_newer_than_the_code_refuses_to_start(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "mend.sqlite3") as raw:
        raw.execute("PRAGMA user_version = 999")
    database = await Database.open(tmp_path / "mend.sqlite3")
    with pytest.raises(StorageError, match=r"made by a newer Mend \(schema 999"):
        await database.migrate()
    await database.close()


async def test_a_failing_migration_is_rolled_back_whole(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for name in migration_names():
        (folder / name).write_text((MIGRATIONS / name).read_text(encoding="utf-8"))
    (folder / "0999_broken.sql").write_text(
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    database = await Database.open(tmp_path / "mend.sqlite3")
    with pytest.raises(StorageError, match=r"0999_broken\.sql failed and was rolled back"):
        await database.migrate(folder)
    before = await database.schema_version()
    await database.close()
    assert before == len(migration_names())
    with sqlite3.connect(tmp_path / "mend.sqlite3") as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "half_done" not in tables


async def test_misnamed_migration_files_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "1_first.sql").write_text("SELECT 1;")
    database = await Database.open(tmp_path / "mend.sqlite3")
    with pytest.raises(StorageError, match=r"named NNNN_lowercase_name\.sql"):
        await database.migrate(folder)
    await database.close()


async def test_no_migrations_found_is_refused_in_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    database = await Database.open(tmp_path / "mend.sqlite3")
    with pytest.raises(StorageError, match=r"^no database migrations were found in the installed package: reinstall"):
        await database.migrate(tmp_path / "migrations")
    await database.close()

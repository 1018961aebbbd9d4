"""Numbered SQL migrations, each applied in one transaction; the version lives in the database."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.storage.connection import Connection, StorageError

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


async def schema_version(connection: Connection) -> int:
    async with connection.unit() as work:
        return await work.scalar("PRAGMA user_version")


async def migrate(connection: Connection, folder: Path = MIGRATIONS) -> list[str]:
    """Apply the migrations newer than the database, each in one transaction; return their names."""
    scripts = _migration_files(folder)
    latest = max(scripts, default=0)
    async with connection.unit() as work:
        current = await work.scalar("PRAGMA user_version")
        if current > latest:
            raise StorageError(
                f"The database {str(connection.path)!r} was made by a newer Mend (schema {current}; this "
                f"code knows up to {latest}): update Mend, or set DATABASE_PATH to another file."
            )
        applied = []
        for number in sorted(n for n in scripts if n > current):
            script = scripts[number]
            try:
                # executescript commits what is pending first, so the transaction is in the script.
                await connection.raw.executescript(
                    f"BEGIN IMMEDIATE;\n{script.read_text(encoding='utf-8')}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            except sqlite3.Error as error:
                if connection.raw.in_transaction:
                    await connection.raw.execute("ROLLBACK")
                raise StorageError(f"Migration {script.name} failed and was rolled back: {error}") from None
            applied.append(script.name)
        return applied


def _migration_files(folder: Path) -> dict[int, Path]:
    scripts: dict[int, Path] = {}
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise StorageError(f"{path.name}: migration files are named NNNN_lowercase_name.sql")
        number = int(match.group(1))
        if number in scripts:
            raise StorageError(f"{path.name}: migration number {number} is used twice")
        scripts[number] = path
    return scripts

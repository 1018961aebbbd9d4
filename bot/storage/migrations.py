"""Numbered SQL migrations, each applied in one transaction; the version lives in the database.

The files ship inside the installed package `migrations` and are read with `importlib.resources`,
so a wheel, pipx or a container image migrates exactly as a checkout does.
"""

from __future__ import annotations

import re
import sqlite3
from importlib.resources import files
from importlib.resources.abc import Traversable

from bot.storage.connection import Connection, StorageError

MIGRATIONS: Traversable = files("migrations")
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# SQLite's answers that fault the script itself; the others (a lock, a full disk, damage…) are
# about the file or the disk, and reach the caller as they are, to be explained as such.
_THE_SCRIPT = {sqlite3.SQLITE_ERROR, sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH}


async def schema_version(connection: Connection) -> int:
    async with connection.unit() as work:
        return await work.scalar("PRAGMA user_version")


def migration_names(folder: Traversable = MIGRATIONS) -> list[str]:
    """The migration files, in the order they apply."""
    return [script.name for _, script in sorted(_migration_files(folder).items())]


async def migrate(connection: Connection, folder: Traversable = MIGRATIONS) -> list[str]:
    """Apply the migrations newer than the database, each in one transaction; return their names."""
    scripts = _migration_files(folder)
    if not scripts:
        raise StorageError(
            "no database migrations were found in the installed package: reinstall Mend from its "
            "source folder (pip install .), which ships them."
        )
    latest = max(scripts)
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
                if error.sqlite_errorcode & 0xFF not in _THE_SCRIPT:
                    raise
                raise StorageError(f"Migration {script.name} failed and was rolled back: {error}") from None
            applied.append(script.name)
        return applied


def _migration_files(folder: Traversable) -> dict[int, Traversable]:
    scripts: dict[int, Traversable] = {}
    for script in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not script.name.endswith(".sql"):
            continue
        match = _NAME.match(script.name)
        if match is None:
            raise StorageError(f"{script.name}: migration files are named NNNN_lowercase_name.sql")
        number = int(match.group(1))
        if number in scripts:
            raise StorageError(f"{script.name}: migration number {number} is used twice")
        scripts[number] = script
    return scripts

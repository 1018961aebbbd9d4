"""Numbered SQL migrations, each applied in one transaction; the version lives in the database.

SQLite's files are `migrations/NNNN_name.sql`, PostgreSQL's are the same names in
`migrations/postgresql/`: one sequence of versions, each written once per dialect (a test fails if
the two ever differ in versions, tables or columns). The files ship inside the installed package
`migrations` and are read with `importlib.resources`, so a wheel, pipx or a container image
migrates exactly as a checkout does.
"""

from __future__ import annotations

import re
from importlib.resources import files
from importlib.resources.abc import Traversable

from bot.storage.connection import POSTGRESQL, Connection, Dialect, ScriptError, StorageError

MIGRATIONS: Traversable = files("migrations")
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def scripts_for(dialect: Dialect, folder: Traversable = MIGRATIONS) -> Traversable:
    """The folder holding one dialect's migrations, under the folder of all of them."""
    return folder / "postgresql" if dialect is POSTGRESQL else folder


def migration_names(folder: Traversable = MIGRATIONS) -> list[str]:
    """The migration files in one folder, in the order they apply."""
    return [script.name for _, script in sorted(_migration_files(folder).items())]


async def migrate(connection: Connection, folder: Traversable = MIGRATIONS) -> list[str]:
    """Apply the migrations newer than the database, each in one transaction; return their names."""
    scripts = _migration_files(scripts_for(connection.dialect, folder))
    if not scripts:
        raise StorageError(
            "no database migrations were found in the installed package: reinstall Mend from its "
            "source folder (pip install .), which ships them."
        )
    latest = max(scripts)
    async with connection.migrating():
        current = await connection.schema_version()
        if current > latest:
            raise StorageError(
                f"The database {connection.where!r} was made by a newer Mend (schema {current}; this code knows "
                f"up to {latest}): update Mend, or set {connection.dialect.setting} to another database."
            )
        applied = []
        for number in sorted(n for n in scripts if n > current):
            script = scripts[number]
            try:
                await connection.apply(number, script.read_text(encoding="utf-8"))
            except ScriptError as error:
                raise StorageError(f"Migration {script.name} failed and was rolled back: {error}") from None
            applied.append(script.name)
        return applied


def _migration_files(folder: Traversable) -> dict[int, Traversable]:
    scripts: dict[int, Traversable] = {}
    if not folder.is_dir():
        return scripts
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

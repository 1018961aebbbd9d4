"""All of Mend's SQL, in one package, behind one `Database`, on SQLite or PostgreSQL.

The database is the source of truth. Rupture changes are saved with compare-and-set on the
rupture's version: a change decided on stale state is refused and the caller decides again.
Which database it is (a SQLite file by default, PostgreSQL for `DATABASE_URL`) is known here and
nowhere else; PostgreSQL's driver is loaded only when one is opened.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path

from bot.shards import Shards
from bot.storage.connection import Connection, DamagedError, StorageError, Where
from bot.storage.history import Histories
from bot.storage.migrations import MIGRATIONS, migrate, migration_names
from bot.storage.outbox import Outbox
from bot.storage.people import People
from bot.storage.servers import Servers
from bot.storage.sqlite import SqliteConnection
from bot.storage.sweep import Sweep

__all__ = ["MIGRATIONS", "DamagedError", "Database", "StorageError", "Where", "migration_names"]


class Database(Sweep, Outbox, People, Servers, Histories):
    """Mend's database: open it, migrate it, then use the stores' methods.

    `shards` are those this process runs: when it runs only some, everything it sweeps, checks
    or recovers is limited to their servers.
    """

    def __init__(self, connection: Connection, shards: Shards | None = None) -> None:
        super().__init__()
        self._sql = connection
        self._shards = shards

    @classmethod
    async def open(cls, where: Where, shards: Shards | None = None) -> Database:
        """Open a SQLite file (a path), or a PostgreSQL database (a `postgresql://` URL)."""
        if isinstance(where, Path):
            return cls(await SqliteConnection.open(where), shards)
        from bot.storage.postgres import PostgresConnection

        return cls(await PostgresConnection.open(where), shards)

    @property
    def where(self) -> str:
        """The file, or the URL without its password."""
        return self._sql.where

    @property
    def busy_errors(self) -> tuple[type[BaseException], ...]:
        """Errors that mean the database cannot take a write now (another writer holds it, or it is
        unreachable for a moment): the person is told to try again, and nothing is lost."""
        return self._sql.busy

    @property
    def path(self) -> Path:
        """The SQLite file (for the commands that work on it as a file)."""
        assert isinstance(self._sql, SqliteConnection), "only a SQLite database is a file"
        return self._sql.path

    async def migrate(self, folder: Traversable = MIGRATIONS) -> list[str]:
        applied = await migrate(self._sql, folder)
        await self.index_shards()
        return applied

    async def check(self) -> None:
        """Damage, a read-only file or server, a full disk or another program's lock, raised now."""
        await self._sql.check()

    async def schema_version(self) -> int:
        return await self._sql.schema_version()

    async def close(self) -> None:
        await self._sql.close()

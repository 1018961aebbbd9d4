"""All of Mend's SQL, in one package, behind one `Database`.

The database is the source of truth. Rupture changes are saved with compare-and-set on the
rupture's version: a change decided on stale state is refused and the caller decides again.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path

from bot.storage.connection import Connection, DamagedError, StorageError
from bot.storage.history import Histories
from bot.storage.migrations import MIGRATIONS, migrate, migration_names, schema_version
from bot.storage.outbox import Outbox
from bot.storage.people import People
from bot.storage.servers import Servers
from bot.storage.sweep import Sweep

__all__ = ["MIGRATIONS", "DamagedError", "Database", "StorageError", "migration_names"]


class Database(Sweep, Outbox, People, Servers, Histories):
    """Mend's database: open it, migrate it, then use the stores' methods."""

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self._sql = connection

    @classmethod
    async def open(cls, path: Path) -> Database:
        return cls(await Connection.open(path))

    @property
    def path(self) -> Path:
        return self._sql.path

    async def migrate(self, folder: Traversable = MIGRATIONS) -> list[str]:
        return await migrate(self._sql, folder)

    async def check(self) -> None:
        """Damage, a read-only file, a full disk or another program's lock, raised now (see `Connection.check`)."""
        await self._sql.check()

    async def schema_version(self) -> int:
        return await schema_version(self._sql)

    async def close(self) -> None:
        await self._sql.close()

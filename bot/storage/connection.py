"""What the stores ask of a database, whichever it is: units of work, transactions, reads on their
own, and the few words SQLite and PostgreSQL spell differently (`Dialect`).

A store writes one SQL text per query, with `?` or `:name` placeholders (the PostgreSQL connection
numbers them as `$1…`). Where the dialects differ, the text takes the difference from the
connection's `dialect`; `bot.storage.sqlite` and `bot.storage.postgres` hold the rest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.shards import Shards

Parameters = Sequence[Any] | Mapping[str, Any]
Where = Path | str
"""Where the database is: a SQLite file, or a `postgresql://` URL."""


class Row(Protocol):
    """A row read back: by column name or position (`sqlite3.Row`, `asyncpg.Record`)."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...
    def keys(self) -> Iterable[str]: ...


class StorageError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


class DamagedError(StorageError):
    """SQLite's own check found the file damaged; the message is SQLite's finding."""


class ScriptError(StorageError):
    """A migration's SQL itself failed (not the disk or the server); it was rolled back."""


@dataclass(frozen=True)
class Dialect:
    """What differs between SQLite and PostgreSQL in the SQL the stores write."""

    name: str
    least: str
    """The smaller of two values (`min(a, b)` is an aggregate in PostgreSQL)."""
    greatest: str
    same_as: str
    """Equality under which two NULLs are the same."""
    skip_locked: str
    """After a claiming SELECT: rows another transaction holds are skipped, the rest locked."""
    setting: str
    """The setting that names the database, for messages."""


SQLITE = Dialect("SQLite", "min", "max", "IS", "", "DATABASE_PATH")
POSTGRESQL = Dialect(
    "PostgreSQL", "LEAST", "GREATEST", "IS NOT DISTINCT FROM", " FOR UPDATE SKIP LOCKED", "DATABASE_URL"
)


class Work(ABC):
    """Statements inside one unit of work (its connection is the caller's until the unit ends)."""

    @abstractmethod
    async def run(self, sql: str, parameters: Parameters = ()) -> int:
        """One statement; the number of rows it changed."""

    @abstractmethod
    async def many(self, sql: str, rows: Iterable[Parameters]) -> None:
        """One statement for each of `rows`."""

    @abstractmethod
    async def insert(self, sql: str, parameters: Parameters = ()) -> int | None:
        """One INSERT of a row with an `id`; its id, or None when `ON CONFLICT DO NOTHING` took it."""

    @abstractmethod
    async def all(self, sql: str, parameters: Parameters = ()) -> list[Row]: ...

    async def one(self, sql: str, parameters: Parameters = ()) -> Row | None:
        rows = await self.all(sql, parameters)
        return rows[0] if rows else None

    async def scalar(self, sql: str, parameters: Parameters = ()) -> int:
        row = await self.one(sql, parameters)
        return int(row[0]) if row is not None and row[0] is not None else 0


class Connection(ABC):
    """A database: single statements, transactions, reads on their own, migrations, and scrubbing."""

    dialect: Dialect
    where: str
    """The file, or the URL without its password: for messages."""
    busy: tuple[type[BaseException], ...]
    """What it raises when it cannot take a write now: worth "try again in a moment"."""

    @abstractmethod
    def unit(self) -> AbstractAsyncContextManager[Work]:
        """Statements run together without others of this process in between, each committed on its own."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Work]:
        """Statements that commit together or not at all."""

    @abstractmethod
    def reading(self) -> AbstractAsyncContextManager[Work]:
        """Reads that see one state of the database, never queued behind a write."""

    @abstractmethod
    async def all(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        """One read, beside the writes."""

    async def one(self, sql: str, parameters: Parameters = ()) -> Row | None:
        rows = await self.all(sql, parameters)
        return rows[0] if rows else None

    async def run(self, sql: str, parameters: Parameters = ()) -> int:
        async with self.unit() as work:
            return await work.run(sql, parameters)

    @abstractmethod
    async def scrub(self) -> None:
        """After erasing words: leave no old copy of them where the database can still reach it."""

    @abstractmethod
    async def check(self) -> None:
        """Problems that would otherwise show in the middle of a repair, raised at start-up instead."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def ensure_index(self, name: str, definition: str) -> None:
        """Make the index `name` `ON definition` unless it exists (for one made at start-up, not by a
        migration: one that depends on a setting)."""

    # -- migrations -----------------------------------------------------------------------------

    @abstractmethod
    def migrating(self) -> AbstractAsyncContextManager[None]:
        """Held while migrating, so that two processes starting at once migrate one after the other."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The number of the last migration applied (0 for a new database)."""

    @abstractmethod
    async def apply(self, number: int, script: str) -> None:
        """Run one migration and record its number, in one transaction; `ScriptError` if its SQL failed."""


class Store:
    """What every store shares: the connection, and the shards whose servers this process serves."""

    _sql: Connection
    _shards: Shards | None

    def _ours(self, guild_id: str = "guild_id") -> str:
        """` AND` the condition that `guild_id` (a column or an expression) is a server of this
        process's shards; nothing when it serves every server. Literal numbers, so that PostgreSQL
        matches the sweep's index on the same expression."""
        shards = self._shards
        if shards is None or not shards.partial or shards.ids is None:
            return ""
        return f" AND (({guild_id} >> 22) % {shards.count}) IN ({', '.join(str(i) for i in shards.ids)})"

"""Start-up checks: what must hold before Mend contacts Discord, each failure one plain sentence.

SQLite, in order: the database's folder, the lock beside the database (a second Mend on the same
file refuses to start; the lock covers everything after it, the migrations too), the file itself,
SQLite's check of it with one committed write, then the migrations. PostgreSQL: the locks that
keep a second Mend off the same shards (there is no file to guard: several processes may share the
database, one per group of shards), the server's check, then the migrations, which the processes
take in turn. Whatever fails is closed again, so a failed start ends at once and never hangs. The
sentences name the database and what to do; the command line prints them. PostgreSQL's driver is
loaded only when PostgreSQL is used: a Mend on SQLite does not carry it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.shards import Shards
from bot.storage import DamagedError, Database, Where
from bot.storage.files import FileLock, LockHeld

RESTORE = "python -m bot restore BACKUP"


class StartupError(Exception):
    """Mend cannot start; the message is the one sentence to show."""


class Lock(Protocol):
    """What keeps other Mends away while this one runs: `FileLock` or `ShardLock`."""

    @property
    def previous_holder_is_gone(self) -> bool: ...

    def release(self) -> None: ...


@dataclass
class Opened:
    """The database, checked and migrated, with the lock that keeps it (or its shards) this Mend's."""

    db: Database
    lock: Lock
    applied: list[str]


async def open_database(where: Where, shards: Shards | None = None) -> Opened:
    """Take the lock, check the database, migrate; raise `StartupError` on a problem.

    `shards` are the shards this process runs (None: every server is this process's). `StorageError`
    (a newer schema, a failed migration, missing migrations) passes through: its message is already
    the sentence.
    """
    if isinstance(where, str):
        return await _open_postgres(where, shards)
    path = where
    _check_place(path)
    try:
        lock = FileLock.take(path)
    except LockHeld as held:
        holder = f"process {held.args[0].replace(' ', ' on ', 1)}" if held.args[0] else "another process"
        raise StartupError(
            f"Mend is already running on {str(path)!r} ({holder}): stop it first, or give this one its own "
            "DATABASE_PATH."
        ) from None
    except OSError as error:
        raise StartupError(explain(error, path)) from None
    try:
        _check_file(path)  # under the lock: another Mend may be creating the file at this very moment
        db, applied = await _checked_and_migrated(path, None)
    except BaseException as error:
        lock.release()
        if isinstance(error, sqlite3.Error | DamagedError | OSError):
            raise StartupError(explain(error, path)) from None
        raise
    return Opened(db, lock, applied)


async def _open_postgres(url: str, shards: Shards | None) -> Opened:
    import asyncpg

    from bot.storage.postgres import ShardLock, describe

    where = describe(url)
    try:
        lock = await ShardLock.take(url, shards)
    except LockHeld as held:
        raise StartupError(_refusal(held, where)) from None
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise StartupError(explain_postgres(error, where)) from None
    try:
        db, applied = await _checked_and_migrated(url, shards)
    except BaseException as error:
        lock.release()
        if isinstance(error, OSError | TimeoutError | asyncpg.PostgresError | asyncpg.InterfaceError):
            raise StartupError(explain_postgres(error, where)) from None
        raise
    return Opened(db, lock, applied)


async def _checked_and_migrated(where: Where, shards: Shards | None) -> tuple[Database, list[str]]:
    """The database opened, checked and migrated (closed again if any of it fails); the migrations applied."""
    db = await Database.open(where, shards)
    try:
        await db.check()
        return db, await db.migrate()
    except BaseException:
        await db.close()
        raise


def _refusal(held: LockHeld, where: str) -> str:
    from bot.storage.postgres import OtherShardCount, ShardTaken

    holder = f"process {held.args[0].replace(' ', ' on ', 1)}" if held.args[0] else "another process"
    if isinstance(held, OtherShardCount):
        return (
            f"Another Mend on {where} runs with SHARD_COUNT={held.args[1]} ({holder}): every process must use the "
            "same SHARD_COUNT; to change it, stop them all first."
        )
    if isinstance(held, ShardTaken):
        return (
            f"Shard {held.args[1]} is already run by another Mend on {where} ({holder}): give each process its own "
            "SHARD_IDS, or stop that one first."
        )
    return (
        f"Mend is already running on {where} ({holder}): stop it first, or run each process with SHARD_COUNT "
        "and SHARD_IDS of its own."
    )


def explain_postgres(error: BaseException, where: str) -> str:
    """The sentence for a problem reaching or using the PostgreSQL database."""
    import asyncpg

    if isinstance(error, asyncpg.InvalidAuthorizationSpecificationError):
        return f"PostgreSQL at {where} refused the user or password in DATABASE_URL ({error}): correct them."
    if isinstance(error, asyncpg.InvalidCatalogNameError):
        return f"The database named in DATABASE_URL does not exist on {where} ({error}): create it, or correct the URL."
    if isinstance(error, asyncpg.InsufficientPrivilegeError):
        return (
            f"The user in DATABASE_URL may not make or change Mend's tables in {where} ({error}): make it the "
            "database's owner."
        )
    if isinstance(error, asyncpg.PostgresError):
        return f"PostgreSQL at {where} cannot be used ({error}): check DATABASE_URL and the server's log."
    return (
        f"Mend cannot reach PostgreSQL at {where} ({_said(error) or type(error).__name__}): check that the server "
        "runs and that DATABASE_URL names its host and port."
    )


def _check_place(path: Path) -> None:
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StartupError(
            f"The folder {str(folder)!r} cannot be written by the user running Mend, and Mend keeps its lock file "
            f"and SQLite its journal beside the database: make the folder writable, or set DATABASE_PATH elsewhere."
        )
    if path.is_dir():
        raise StartupError(
            f"DATABASE_PATH {str(path)!r} is a folder: point it at a file, like {str(path / 'mend.sqlite3')!r}."
        )


def _check_file(path: Path) -> None:
    where = repr(str(path))
    if path.is_file() and path.stat().st_size == 0:
        raise StartupError(
            f"The database file {where} is empty (0 bytes), which Mend never leaves behind: delete it to start "
            f"afresh, or restore your latest backup with `{RESTORE}`."
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StartupError(
            f"The database {where} cannot be written by the user running Mend: give that user write access to it."
        )


def explain(error: BaseException, path: Path) -> str:
    """The sentence for a problem with the database file or its disk."""
    where = repr(str(path))
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    number = getattr(error, "errno", None)
    if code == sqlite3.SQLITE_NOTADB:
        return (
            f"The database file {where} is not a SQLite database ({error}): correct DATABASE_PATH if it points "
            f"at the wrong file, or restore your latest backup with `{RESTORE}`."
        )
    if isinstance(error, DamagedError) or code == sqlite3.SQLITE_CORRUPT:
        return (
            f"The database file {where} is damaged ({error}): restore your latest backup with `{RESTORE}` "
            "(it keeps the damaged file beside it)."
        )
    if code == sqlite3.SQLITE_FULL or number == errno.ENOSPC:
        return f"The disk holding {where} is full ({_said(error)}): free some space, then start Mend again."
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return (
            f"The database {where} is locked by another program ({error}): close it (an sqlite3 shell, a backup "
            "tool), then start Mend again."
        )
    if code == sqlite3.SQLITE_READONLY or number in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"The database {where} cannot be written ({_said(error)}): give the user running Mend write access "
            "to it and to its folder."
        )
    if code == sqlite3.SQLITE_IOERR:
        return (
            f"Reading or writing the database {where} failed ({error}): check that its disk has free space "
            "and is healthy, then start Mend again."
        )
    return f"The database {where} cannot be used ({_said(error)}): check DATABASE_PATH."


def _said(error: BaseException) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error)

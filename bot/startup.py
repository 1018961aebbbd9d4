"""Start-up checks: what must hold before Mend contacts Discord, each failure one plain sentence.

In order: the database's folder, the lock beside the database (a second Mend on the same file
refuses to start; the lock covers everything after it, the migrations too), the file itself,
SQLite's check of it with one committed write, then the migrations. Whatever fails is closed
again, so a failed start ends at once and never hangs. The sentences name the file and what to
do; the command line prints them.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.storage import DamagedError, Database
from bot.storage.files import FileLock, LockHeld

RESTORE = "python -m bot restore BACKUP"


class StartupError(Exception):
    """Mend cannot start; the message is the one sentence to show."""


@dataclass
class Opened:
    """The database, checked and migrated, with the lock that keeps it Mend's alone."""

    db: Database
    lock: FileLock
    applied: list[str]


async def open_database(path: Path) -> Opened:
    """Check the path, take the lock, check the file, migrate; raise `StartupError` on a problem.

    `StorageError` (a newer schema, a failed migration, missing migrations) passes through: its
    message is already the sentence.
    """
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
        db = await Database.open(path)
        try:
            await db.check()
            applied = await db.migrate()
        except BaseException:
            await db.close()
            raise
    except BaseException as error:
        lock.release()
        if isinstance(error, sqlite3.Error | DamagedError | OSError):
            raise StartupError(explain(error, path)) from None
        raise
    return Opened(db, lock, applied)


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

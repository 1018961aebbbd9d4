"""The database as a file: the lock that keeps a second Mend away, online backups, and restores.

These work on the file with Python's `sqlite3` directly: they run from the command line, where no
event loop is needed, and SQLite's backup API copies one consistent moment of a database that
Mend may be writing to at the same time (in WAL mode, a reader never blocks the writer).
"""

from __future__ import annotations

import fcntl
import os
import socket
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.storage.connection import DamagedError, StorageError

SIDE_FILES = ("-wal", "-shm")
"""The files SQLite keeps beside a database in WAL mode; they belong to it."""


class LockHeld(Exception):
    """Another process holds the database's lock; the message names it ("<pid> <host>"), if it said."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@dataclass
class FileLock:
    """An exclusive lock on `<database>.lock`, held for as long as Mend uses the database.

    The kernel releases it when the process ends, however it ends, so a stale lock cannot block a
    restart. The file is never deleted (deleting a lock file races with the next process to take it);
    it says who holds the lock, or held it last.
    """

    path: Path
    previous: str
    _handle: TextIO

    @classmethod
    def take(cls, database: Path) -> FileLock:
        """Take the lock, or raise `LockHeld`; OSError if the folder or the disk does not allow it."""
        path = lock_path(database)
        handle = path.open("a+", encoding="utf-8")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                raise LockHeld(handle.read().strip()) from None
            handle.seek(0)
            previous = handle.read().strip()
            handle.truncate(0)
            handle.write(f"{os.getpid()} {socket.gethostname()}\n")
            handle.flush()
        except BaseException:
            handle.close()
            raise
        return cls(path, previous, handle)

    @property
    def previous_holder_is_gone(self) -> bool:
        """Whether the process that held the lock before is known to have ended: it ran on this
        machine, whose kernel gave the lock to this process only after that one let go of it.
        """
        return self.previous.partition(" ")[2] == socket.gethostname()

    def release(self) -> None:
        self._handle.close()


def backup(database: Path, target: Path) -> int:
    """Copy the database as it is at one moment, even while Mend runs; return the copy's size in bytes.

    The copy is written beside `target`, checked by SQLite, made a single file (no WAL beside it)
    and readable only by its owner, then moved into place: `target` is never left half-written.
    """
    if not database.is_file():
        raise StorageError(f"There is no database at {str(database)!r} to back up: check DATABASE_PATH.")
    if target.resolve() in {Path(f"{database}{side}").resolve() for side in ("", *SIDE_FILES, ".lock")}:
        raise StorageError(f"{str(target)!r} is the database itself, or one of its files: back up somewhere else.")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(_open_existing(database)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            _check(copy, partial)
        partial.chmod(0o600)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def restore(copy: Path, database: Path, suffix: str) -> list[Path]:
    """Put a backup in the database's place; the caller holds the lock, so Mend is not running.

    The files it replaces (the database and its WAL) are kept, renamed with `suffix`; returns them.
    """
    if not copy.is_file():
        raise StorageError(f"There is no backup at {str(copy)!r}: give the path of a file `python -m bot backup` made.")
    with closing(_open_existing(copy, read_only=True)) as source:
        _check(source, copy)
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"meta", "ruptures"} <= tables:
            raise StorageError(f"{str(copy)!r} is not a backup of Mend's database: nothing was changed.")
        kept = []
        for suffixless in (database, *(Path(f"{database}{side}") for side in SIDE_FILES)):
            if suffixless.exists():
                aside = suffixless.with_name(suffixless.name + suffix)
                suffixless.rename(aside)
                kept.append(aside)
        with closing(sqlite3.connect(database)) as restored:
            source.backup(restored)
    return kept


def _open_existing(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Open a database that must already exist (a plain connect would create an empty one)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rw'}", uri=True)


def _check(connection: sqlite3.Connection, path: Path) -> None:
    try:
        [(finding,)] = connection.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as error:
        if error.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            raise
        finding = str(error)
    if finding != "ok":
        raise DamagedError(f"{str(path)!r}: {' '.join(str(finding).split())}")

"""The database as a file: the lock, online backups, restores."""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.storage import DamagedError, Database, StorageError
from bot.storage.files import FileLock, LockHeld, backup, restore


def test_the_lock_is_held_once_and_says_by_whom(tmp_path: Path) -> None:
    database = tmp_path / "mend.sqlite3"
    first = FileLock.take(database)
    assert first.previous == "" and not first.previous_holder_is_gone
    with pytest.raises(LockHeld) as held:
        FileLock.take(database)
    assert held.value.args[0] == f"{os.getpid()} {socket.gethostname()}"
    first.release()
    second = FileLock.take(database)
    assert second.previous_holder_is_gone, "it ran here, and the kernel gave the lock up only when it let go"
    second.release()


async def test_a_backup_is_one_consistent_moment_even_with_a_write_under_way(tmp_path: Path, db: Database) -> None:
    await db.set_meta("kept", "committed")
    with sqlite3.connect(db.path, isolation_level=None) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO meta (key, value) VALUES ('half', 'not committed')")
        size = backup(db.path, tmp_path / "copy.sqlite3")
        writer.execute("ROLLBACK")
    copy = tmp_path / "copy.sqlite3"
    assert size == copy.stat().st_size
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with sqlite3.connect(copy) as raw:
        assert dict(raw.execute("SELECT key, value FROM meta")) == {"kept": "committed"}
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",), "a single file"


def test_a_backup_of_nothing_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=r"There is no database at '.*missing\.sqlite3' to back up"):
        backup(tmp_path / "missing.sqlite3", tmp_path / "copy.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists(), "and none is made"


async def test_a_restore_keeps_what_it_replaces_and_refuses_what_is_not_a_backup(tmp_path: Path, db: Database) -> None:
    await db.set_meta("from", "the backup")
    backup(db.path, tmp_path / "copy.sqlite3")
    await db.set_meta("from", "after the backup")
    await db.close()
    (tmp_path / "mend.sqlite3-wal").write_bytes(b"a stale journal")

    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(StorageError, match="is not a backup of Mend's database: nothing was changed"):
        restore(other, db.path, ".old")
    (tmp_path / "damaged.sqlite3").write_bytes((tmp_path / "copy.sqlite3").read_bytes()[:4096] + bytes(8192))
    with pytest.raises(DamagedError):
        restore(tmp_path / "damaged.sqlite3", db.path, ".old")

    kept = restore(tmp_path / "copy.sqlite3", db.path, ".old")
    assert kept == [tmp_path / "mend.sqlite3.old", tmp_path / "mend.sqlite3-wal.old"]
    with sqlite3.connect(db.path) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key = 'from'").fetchone() == ("the backup",)


async def test_what_someone_was_told_is_on_disk_before_they_are_told(db: Database) -> None:
    """SQLite syncs the write-ahead log at every commit (`FULL`), not only at checkpoints (`NORMAL`),
    so the last commits cannot be lost on a power cut."""
    async with db._sql.transaction() as work:
        row = await work.one("PRAGMA synchronous")
    assert row is not None and row[0] == 2, "2 is FULL"

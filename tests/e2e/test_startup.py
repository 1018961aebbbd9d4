"""Start-up on bad files, busy or full disks, and beside another Mend: one sentence, exit 2, never a
hang; and a stop asked for at any moment of start-up is a clean stop.

Each case runs `python -m bot` as a newcomer would. Permissions do not bind root, so when the tests
run as root the bot is started without the capabilities that let root ignore them.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import re
import resource
import signal
import socket
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.startup import StartupError, open_database
from bot.storage import Database, migration_names
from bot.storage.files import FileLock
from bot.wording import checkins as checkin_words
from tests.e2e.steps import titled
from tests.helpers import FakeClock, Harness, LogWatcher, World, bot_environment, finish, seed_active_rupture, spawn_bot

POST_MESSAGE = ("POST", "/channels/{channel_id}/messages")
# Linux capabilities that let root read and write regardless of permissions (capability.h).
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3
_PR_CAPBSET_DROP = 24


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A folder whose permissions the test may take away: they are given back before it is removed."""
    yield tmp_path
    for path in (tmp_path, *tmp_path.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)


def bound_by_permissions() -> None:
    """In the bot's process before it starts: drop what lets root ignore file permissions."""
    if os.geteuid() == 0:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
            if prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


async def migrated(path: Path, world: World | None = None) -> None:
    """A database as Mend leaves it; given a world, with a repair whose check-in is due at any hour."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = await Database.open(path)
    await db.migrate()
    if world is not None:
        await seed_active_rupture(db, world, world.alex, world.sam, datetime.now(UTC) - timedelta(days=2))
        for person in (world.alex, world.sam):
            await db.set_quiet_hours(person.id, time(0, 0), time(0, 0))
    await db.close()


async def one_sentence(world: World, cwd: Path, database: Path, **options: Any) -> str:
    """Start Mend on `database`; it must stop by itself at once, with exit status 2 and one line."""
    env = bot_environment(world, cwd, DATABASE_PATH=str(database))
    code, log = await finish(await spawn_bot(env, cwd, **options))
    assert code == 2, log
    lines = log.strip().splitlines()
    assert len(lines) == 1, log
    assert world.standin.gateway.identifies == [] and world.standin.requests == [], "Discord was not contacted"
    return lines[0]


async def test_a_folder_for_a_database_is_named(world: World, folder: Path) -> None:
    (folder / "data").mkdir()
    line = await one_sentence(world, folder, folder / "data")
    assert line == f"Mend could not start: DATABASE_PATH '{folder / 'data'}' is a folder: point it at a file, like " + (
        f"'{folder / 'data' / 'mend.sqlite3'}'."
    )


async def test_a_zero_length_file_is_refused_not_taken_for_a_new_database(world: World, folder: Path) -> None:
    """The decision: an empty file is what a failed copy or restore leaves, so Mend does not start
    afresh over it (which would look like every repair vanished); deleting it starts afresh."""
    empty = folder / "mend.sqlite3"
    empty.touch()
    line = await one_sentence(world, folder, empty)
    assert "is empty (0 bytes)" in line
    assert "delete it to start afresh, or restore your latest backup with `python -m bot restore BACKUP`" in line
    assert empty.stat().st_size == 0, "left as it was"


@pytest.mark.parametrize("damage", ["garbage", "header", "truncated", "page", "index"])
async def test_a_damaged_file_is_named_with_the_command_to_restore(world: World, folder: Path, damage: str) -> None:
    database = folder / "mend.sqlite3"
    await migrated(database, world)
    data = bytearray(database.read_bytes())
    if damage == "garbage":
        data = bytearray(b"these are not the bytes of a database\n" * 100)
    elif damage == "header":
        data[:100] = bytes(100)
    elif damage == "truncated":
        data = data[: len(data) // 2 + 100]
    else:
        with sqlite3.connect(database) as raw:
            name = "ruptures" if damage == "page" else "ruptures_due"
            [(root,)] = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchall()
        page = 4096 * (root - 1)
        data[page : page + 4096] = bytes(range(256)) * 16
    database.write_bytes(bytes(data))
    before = database.read_bytes()
    line = await one_sentence(world, folder, database)
    assert line.startswith(f"Mend could not start: The database file '{database}' "), line
    assert "restore your latest backup with `python -m bot restore BACKUP`" in line
    assert database.read_bytes() == before, "a damaged file is left as it was, for whoever can save it"


async def test_a_database_in_a_folder_the_bot_cannot_write_is_named(world: World, folder: Path) -> None:
    data = folder / "data"
    await migrated(data / "mend.sqlite3")
    data.chmod(0o555)
    line = await one_sentence(world, folder, data / "mend.sqlite3", preexec_fn=bound_by_permissions)
    assert line.startswith(f"Mend could not start: The folder '{data}' cannot be written by the user running Mend")


async def test_a_read_only_database_is_named(world: World, folder: Path) -> None:
    data = folder / "data"
    await migrated(data / "mend.sqlite3")
    (data / "mend.sqlite3").chmod(0o444)
    line = await one_sentence(world, folder, data / "mend.sqlite3", preexec_fn=bound_by_permissions)
    assert line == (
        f"Mend could not start: The database '{data / 'mend.sqlite3'}' cannot be written by the user running Mend: "
        "give that user write access to it."
    )


async def test_a_start_while_another_program_holds_the_database_is_refused(world: World, tmp_path: Path) -> None:
    database = tmp_path / "mend.sqlite3"
    await migrated(database)
    with sqlite3.connect(database, isolation_level=None) as other:
        other.execute("BEGIN EXCLUSIVE")
        line = await one_sentence(world, tmp_path, database)
        other.execute("ROLLBACK")
    assert line == (
        f"Mend could not start: The database '{database}' is locked by another program (database is locked): "
        "close it (an sqlite3 shell, a backup tool), then start Mend again."
    )


async def test_a_disk_that_takes_no_more_is_named(world: World, tmp_path: Path) -> None:
    """The process may write files of 16 KiB at most, as a nearly full disk would allow."""

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    line = await one_sentence(world, tmp_path, tmp_path / "mend.sqlite3", preexec_fn=small_files)
    assert line.startswith(f"Mend could not start: Reading or writing the database '{tmp_path / 'mend.sqlite3'}'")
    assert line.endswith("check that its disk has free space and is healthy, then start Mend again.")


async def test_a_full_disk_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own "database or disk is full", as a database capped at two pages gives it."""
    monkeypatch.setattr("bot.storage.sqlite.PRAGMAS", ("busy_timeout = 5000", "max_page_count = 2"))
    database = tmp_path / "mend.sqlite3"
    with pytest.raises(StartupError) as raised:
        await open_database(database)
    assert str(raised.value) == (
        f"The disk holding '{database}' is full (database or disk is full): free some space, then start Mend again."
    )
    FileLock.take(database).release()  # the lock was let go (and the connection closed: the test ends)


async def test_a_second_mend_on_the_same_file_refuses_and_leaves_the_first_ones_claims(
    world: World, tmp_path: Path, clock: FakeClock
) -> None:
    clock.set(datetime.now(UTC))
    database = tmp_path / "data" / "mend.sqlite3"
    await migrated(database, world)
    hold = world.standin.hold(*POST_MESSAGE, after_handling=True)
    env = bot_environment(world, tmp_path)
    first = LogWatcher(await spawn_bot(env, tmp_path))
    await hold.arrived.wait()  # the first Mend has claimed the check-in and is sending it

    code, log = await finish(await spawn_bot(env, tmp_path))
    assert code == 2
    assert log.strip().splitlines() == [
        f"Mend could not start: Mend is already running on '{database}' (process {first.process.pid} on "
        f"{socket.gethostname()}): stop it first, or give this one its own DATABASE_PATH."
    ]
    with sqlite3.connect(database) as raw:
        assert raw.execute("SELECT count(*) FROM ruptures WHERE due_lease_until IS NOT NULL").fetchone() == (1,)

    hold.release.set()
    await first.wait_for("Check-in sweep handled 1 item(s)")
    first.process.terminate()
    assert await first.finish() == 0, first.text
    assert sum(len(titled(world, t, checkin_words.CHECKIN_TITLE)) for t in world.guild.channels.values()) == 1


async def test_five_first_starts_at_once_one_runs_and_four_say_why_not(world: World, tmp_path: Path) -> None:
    env = bot_environment(world, tmp_path)
    processes = await asyncio.gather(*(spawn_bot(env, tmp_path) for _ in range(5)))
    await world.standin.gateway.wait_for_sessions(1)
    holder = int((tmp_path / "data" / "mend.sqlite3.lock").read_text().split()[0])
    [survivor] = [p for p in processes if p.pid == holder]
    ended = [await finish(p) for p in processes if p is not survivor]
    assert [code for code, _ in ended] == [2, 2, 2, 2]
    database = tmp_path / "data" / "mend.sqlite3"
    # Starting in the same instant, a process may look before the holder has written its name.
    holders = rf"(process {holder} on {re.escape(socket.gethostname())}|another process)"
    for _, log in ended:
        [line] = log.strip().splitlines()
        assert re.fullmatch(
            rf"Mend could not start: Mend is already running on '{re.escape(str(database))}' \({holders}\): "
            r"stop it first, or give this one its own DATABASE_PATH\.",
            line,
        ), line
    survivor.terminate()
    code, log = await finish(survivor)
    assert code == 0 and "Traceback" not in log, log
    with sqlite3.connect(tmp_path / "data" / "mend.sqlite3") as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (len(migration_names()),)


async def test_a_stop_during_the_first_sweep_finishes_the_check_in_and_exits_cleanly(
    world: World, tmp_path: Path
) -> None:
    await migrated(tmp_path / "data" / "mend.sqlite3", world)
    hold = world.standin.hold(*POST_MESSAGE, after_handling=True)
    env = bot_environment(world, tmp_path)
    first = LogWatcher(await spawn_bot(env, tmp_path))
    await hold.arrived.wait()
    first.process.send_signal(signal.SIGTERM)
    await first.wait_for("Received SIGTERM")
    hold.release.set()
    assert await first.finish() == 0, first.text
    assert "Traceback" not in first.text and "CancelledError" not in first.text, first.text
    assert "Check-in sweep handled 1 item(s): {'checkin': 1}" in first.text

    second = LogWatcher(await spawn_bot(env, tmp_path))
    await second.wait_for("Check-in sweep handled 0 item(s)")
    second.process.terminate()
    assert await second.finish() == 0, second.text
    assert sum(len(titled(world, t, checkin_words.CHECKIN_TITLE)) for t in world.guild.channels.values()) == 1


async def test_a_stop_while_logging_in_is_a_clean_stop(world: World, tmp_path: Path) -> None:
    hold = world.standin.hold("GET", "/oauth2/applications/@me", after_handling=False)
    process = LogWatcher(await spawn_bot(bot_environment(world, tmp_path), tmp_path))
    await hold.arrived.wait()
    process.process.send_signal(signal.SIGTERM)
    assert await process.finish() == 0, process.text
    assert "Traceback" not in process.text
    assert "Received SIGTERM; closing Discord, the scheduler and the database." in process.text
    hold.release.set()


async def test_a_sweep_that_outlasts_the_shutdown_grace_is_stopped_quietly_and_its_item_sent_later(
    world: World, harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    mend = await harness.start()
    thread = await seed_active_rupture(mend.db, world, world.alex, world.sam, harness.clock.now() - timedelta(days=2))
    hold = world.standin.hold(*POST_MESSAGE, after_handling=False)
    job = mend.scheduler.get_job("checkin-sweep")
    job.modify(next_run_time=datetime.now(UTC))
    await hold.arrived.wait()

    monkeypatch.setattr("bot.app.SHUTDOWN_GRACE", 0.1)
    with caplog.at_level(logging.INFO):
        await asyncio.wait_for(harness.stop(), 10)
    hold.release.set()
    assert "Stopped checkin-sweep for the shutdown" in caplog.text
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert titled(world, thread, checkin_words.CHECKIN_TITLE) == []

    await harness.start()  # the same machine: the claim's holder is gone, so it is taken up at once
    await world.standin.until(lambda: titled(world, thread, checkin_words.CHECKIN_TITLE))
    assert len(titled(world, thread, checkin_words.CHECKIN_TITLE)) == 1

"""What is PostgreSQL's own: moving up from SQLite with `copy-database`, erasure as SQL sees it,
and start-up beside other Mend processes (or without a server).

Everything else runs on both backends in the other tests.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from bot.wording import privacy as privacy_words
from bot.wording import turns
from tests.e2e.drive import Couple, watch
from tests.e2e.steps import accept, button, open_repair, posted, started_repair, write
from tests.helpers import (
    FakeClock,
    Harness,
    LogWatcher,
    World,
    bot_environment,
    finish,
    spawn_bot,
    stored,
    table_names,
)

PASSWORD = "not-a-real-password"


def _sqlite_rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as raw:
        return sorted(tuple(row) for row in raw.execute(f"SELECT * FROM {table}"))


async def _postgres_rows(url: str, table: str) -> list[tuple[object, ...]]:
    connection = await asyncpg.connect(url)
    try:
        return sorted(tuple(row) for row in await connection.fetch(f"SELECT * FROM {table}"))
    finally:
        await connection.close()


async def test_copy_database_moves_everything_and_mend_carries_on_with_the_same_buttons(
    world: World, tmp_path: Path, clock: FakeClock, postgres_url: str
) -> None:
    sqlite_file = tmp_path / "data" / "mend.sqlite3"
    on_sqlite = Harness(world, sqlite_file, clock)
    await on_sqlite.start()
    thread = await open_repair(world, world.alex, world.sam)
    await accept(world, world.sam, thread)
    await write(world, world.alex, thread, turns.WRITE, "I felt dismissed when you laughed.")
    await (await world.alex.slash("mend block", world.general, member=world.outsider.user)).reply()
    await (await world.owner.slash("mend-admin setup", world.general, cadence="2")).reply()
    reflect = await button(world, thread, turns.REFLECT_BACK)
    await on_sqlite.stop()

    env = bot_environment(world, tmp_path)
    code, log = await finish(await spawn_bot(env, tmp_path, "copy-database", "--to", postgres_url))
    assert code == 0, log
    tables = await table_names(sqlite_file)
    assert await table_names(postgres_url) == tables
    for table in tables:
        assert await _postgres_rows(postgres_url, table) == _sqlite_rows(sqlite_file, table), table

    on_postgres = Harness(world, postgres_url, clock)
    mend = await on_postgres.start()
    form = await (await world.sam.press(reflect, turns.REFLECT_BACK)).reply()
    assert form.modal is not None, "a button posted before the move still works"
    await (await world.sam.submit(form, "You felt dismissed when I laughed.")).reply()
    couple = Couple(world, world.alex, world.sam, "quick", thread=thread)
    assert await watch(asyncio.create_task(couple.repair()), 60), "the repair goes on to its end"
    another = await open_repair(world, world.sam, world.outsider)
    assert await mend.db.rupture_in_thread(another.id) is not None, "new ids follow the copied ones"
    assert (await mend.db.export(world.alex.id))["blocks_you_made"], "the block came along"
    await on_postgres.stop()

    code, log = await finish(await spawn_bot(env, tmp_path, "copy-database", "--to", postgres_url))
    assert code == 2
    assert log.startswith("Mend could not copy the database: The database at ") and "is not empty" in log, log


async def test_copy_database_prints_its_counts_and_keeps_the_password_out(
    world: World, tmp_path: Path, clock: FakeClock, postgres_url: str
) -> None:
    on_sqlite = Harness(world, tmp_path / "data" / "mend.sqlite3", clock)
    await on_sqlite.start()
    await started_repair(world)
    await on_sqlite.stop()
    process = await spawn_bot(bot_environment(world, tmp_path), tmp_path, "copy-database", "--to", postgres_url)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    assert lines[0] == f"Copied {str(tmp_path / 'data' / 'mend.sqlite3')!r} into {postgres_url}:"
    counts = dict(line.split()[:2] for line in lines[1:-1])
    assert counts["ruptures"] == "1" and counts["sealed_answers"] == "0"
    assert set(counts) == await table_names(postgres_url)


async def test_erasure_leaves_no_row_that_names_the_person(world: World, clock: FakeClock, postgres_url: str) -> None:
    harness = Harness(world, postgres_url, clock)
    await harness.start()
    try:
        thread = await started_repair(world)
        await write(world, world.alex, thread, turns.WRITE, "Something only I would say.")
        await (await world.alex.slash("mend timezone", world.general, zone="Asia/Tokyo")).reply()
        await (await world.alex.slash("mend block", world.general, member=world.outsider.user)).reply()
        ask = await (await world.alex.slash("privacy delete", world.general)).reply()
        assert ask.message is not None
        await (await world.alex.press(ask.message, privacy_words.ERASE)).reply()
        await world.standin.until(lambda: privacy_words.ERASED in ask.message.text)  # type: ignore[union-attr]
        await posted(world, thread, privacy_words.REPAIR_ENDED)
        await harness.settled()
        rows = await stored(postgres_url)
        assert str(world.alex.id).encode() not in rows and b"Asia/Tokyo" not in rows
        assert str(world.sam.id).encode() in rows, "Sam's part stays"
    finally:
        await harness.stop()


@pytest.fixture
def running(world: World, tmp_path: Path, postgres_url: str) -> dict[str, str]:
    """The environment for Mend processes on this test's PostgreSQL database."""
    return bot_environment(world, tmp_path, postgres_url)


async def test_mend_processes_on_one_database_must_not_overlap(running: dict[str, str], tmp_path: Path) -> None:
    shard_one = LogWatcher(await spawn_bot({**running, "SHARD_COUNT": "2", "SHARD_IDS": "1"}, tmp_path))
    await shard_one.wait_for("on shard(s) 1 of 2")
    where = running["DATABASE_URL"]
    refusals = {  # SHARD_IDS (none: not sharded), and the sentence
        "": f"Mend could not start: Mend is already running on {where} (process ",
        "1": f"Mend could not start: Shard 1 is already run by another Mend on {where} (process ",
        "0,1": f"Mend could not start: Mend is already running on {where} (process ",  # every shard
    }
    for shard_ids, refusal in refusals.items():
        sharding = {"SHARD_COUNT": "2", "SHARD_IDS": shard_ids} if shard_ids else {}
        code, log = await finish(await spawn_bot({**running, **sharding}, tmp_path))
        assert code == 2 and log.startswith(refusal) and log.count("\n") == 1, log
    code, log = await finish(await spawn_bot({**running, "SHARD_COUNT": "3", "SHARD_IDS": "0"}, tmp_path))
    assert code == 2 and "runs with SHARD_COUNT=2" in log and "every process must use the same SHARD_COUNT" in log
    other_shard = LogWatcher(await spawn_bot({**running, "SHARD_COUNT": "2", "SHARD_IDS": "0"}, tmp_path))
    await other_shard.wait_for("on shard(s) 0 of 2")
    for process in (shard_one, other_shard):
        process.process.terminate()
        assert await process.finish() == 0, process.text


async def test_a_server_mend_cannot_use_is_one_sentence_without_the_password(
    world: World, tmp_path: Path, postgres_url: str
) -> None:
    host = postgres_url.removeprefix("postgresql://postgres@").partition("/")[0]
    cases = {
        f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/mend": "cannot reach PostgreSQL at postgresql://postgres@127.0.0.1:1/",
        f"postgresql://postgres:{PASSWORD}@{host}/nothing_here": "The database named in DATABASE_URL does not exist",
        "mysql://localhost/mend": "DATABASE_URL must be a PostgreSQL address",
    }
    for url, sentence in cases.items():
        code, log = await finish(await spawn_bot(bot_environment(world, tmp_path, url), tmp_path))
        assert code == 2 and sentence in log and log.count("\n") == 1, log
        assert PASSWORD not in log
    env = bot_environment(world, tmp_path, postgres_url)
    code, log = await finish(await spawn_bot(env, tmp_path, "backup", str(tmp_path / "copy.sqlite3")))
    assert code == 2 and "pg_dump" in log, log

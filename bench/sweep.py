"""How long the check-in sweep spends in the database, with many open ruptures and a few due.

Fills a fresh database (the real migrations) with N open ruptures of which D are due, then runs
the sweep's database work exactly as `cogs/checkins.py` does it — claim a batch, read people's
hours and the servers' cadences, record every outcome in one transaction — with the Discord sends
left out, and reports the time. Run with 100 000 and 1 000 000 open ruptures, the due count held
the same: the sweep's cost should follow the due rows, not the open ones.

    python bench/sweep.py                       # 100 000 and 1 000 000 open, 1 000 due, on SQLite
    python bench/sweep.py --database postgres   # the same on a throwaway PostgreSQL server
    python bench/sweep.py --database postgres --shard   # as the process of shard 0 of 2: half the
                                                # servers on each shard, D due on each
    python bench/sweep.py --smoke               # tiny counts, to check the benchmark still runs
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg

from bot.clock import to_timestamp
from bot.schedule import Handled, Outcome, checkin_sent, waking_moment
from bot.shards import Shards
from bot.storage import Database, Where
from cogs.checkins import BATCH, LEASE
from tests.postgres import Cluster

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
GUILD = 1
ROUNDS = 5


COLUMNS = (
    "guild_id",
    "thread_id",
    "protocol",
    "status",
    "phase",
    "first_id",
    "second_id",
    "created_at",
    "updated_at",
    "due_at",
    "due_kind",
)


def rows(open_count: int, due_count: int, shard_count: int = 1) -> Iterator[tuple[object, ...]]:
    """Open ruptures, in `COLUMNS` (test data, so straight SQL): `due_count` due now on each of
    `shard_count` shards (their servers take turns), the rest later."""
    now = to_timestamp(NOW)
    for n in range(open_count):
        yield (
            GUILD | (n % shard_count) << 22,
            10_000 + n,
            "quick",
            "active",
            "write",
            2 * n + 1,
            2 * n + 2,
            now - 86_400,
            now - 86_400,
            now - (n % 600) if n < due_count * shard_count else now + 3_600 + n % 500_000,
            "checkin",
        )


def fill(path: Path, open_count: int, due_count: int) -> None:
    with sqlite3.connect(path) as connection:
        connection.executemany(
            f"INSERT INTO ruptures ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            rows(open_count, due_count),
        )
        connection.execute("ANALYZE")


async def fill_postgres(url: str, open_count: int, due_count: int, shard_count: int) -> None:
    connection = await asyncpg.connect(url)
    try:
        records = rows(open_count, due_count, shard_count)
        await connection.copy_records_to_table("ruptures", records=records, columns=COLUMNS)
        await connection.execute("VACUUM ANALYZE ruptures")
    finally:
        await connection.close()


async def sweep_database_time(path: Where, shards: Shards | None = None) -> tuple[float, int]:
    """One sweep's database calls over everything due; returns (seconds in those calls, items).

    Only the awaited storage calls are timed (each includes turning rows into domain objects);
    deciding what each item becomes is the sweep's own work, not the database's.
    """
    db = await Database.open(path, shards)
    handled_count = 0
    elapsed = 0.0
    while True:
        started = time.perf_counter()
        claims = await db.claim_due(NOW, lease=LEASE, limit=BATCH)
        if not claims:
            elapsed += time.perf_counter() - started
            break
        waking, cadences = await db.sweep_context(claim.rupture for claim in claims)
        elapsed += time.perf_counter() - started
        handled = []
        for claim in claims:
            people = [waking[s.user_id] for s in (claim.rupture.first, claim.rupture.second) if s.user_id in waking]
            assert waking_moment(NOW, people) == NOW
            recorded = checkin_sent(claim.rupture, cadences[claim.rupture.guild_id], NOW)
            handled.append(Handled(claim, Outcome.SENT, recorded))
        started = time.perf_counter()
        await db.settle(handled)
        elapsed += time.perf_counter() - started
        handled_count += len(handled)
    await db.close()
    return elapsed, handled_count


async def measure_postgres(cluster: Cluster, open_count: int, due_count: int, shards: Shards | None) -> list[float]:
    """The same on PostgreSQL: fill a database once, then time sweeps on fresh copies of it (as
    the process of `shards`, if given)."""
    template = await cluster.new_database()
    db = await Database.open(template, shards)
    await db.migrate()  # for shards, their index too
    await db.close()
    await fill_postgres(template, open_count, due_count, shards.count or 1 if shards is not None else 1)
    admin = await asyncpg.connect(cluster.url())
    times = []
    try:
        for attempt in range(ROUNDS):
            copy = f"run_{open_count}_{attempt}"
            await admin.execute(f"CREATE DATABASE {copy} TEMPLATE {template.rpartition('/')[2]} STRATEGY FILE_COPY")
            seconds, handled = await sweep_database_time(cluster.url(copy), shards)
            assert handled == due_count, (handled, due_count)
            times.append(seconds)
            await admin.execute(f"DROP DATABASE {copy}")
    finally:
        await admin.close()
    await cluster.drop(template)
    return times


async def measure(folder: Path, open_count: int, due_count: int) -> list[float]:
    """Fill once, then time several sweeps, each on a fresh copy of the filled database."""
    template = folder / f"filled-{open_count}.sqlite3"
    db = await Database.open(template)
    await db.migrate()
    await db.close()
    fill(template, open_count, due_count)
    times = []
    for attempt in range(ROUNDS):
        copy = folder / f"run-{open_count}-{attempt}.sqlite3"
        with sqlite3.connect(template) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        seconds, handled = await sweep_database_time(copy)
        assert handled == due_count, (handled, due_count)
        times.append(seconds)
        copy.unlink()
    return times


async def run(
    sizes: list[int], due_count: int, database: str = "sqlite", shards: Shards | None = None
) -> list[tuple[int, float]]:
    results = []
    cluster = Cluster.start(durable=True) if database == "postgres" else None
    label = database if shards is None else f"{database}, shard 0 of 2"
    with tempfile.TemporaryDirectory() as folder:
        for open_count in sizes:
            if cluster is not None:
                times = await measure_postgres(cluster, open_count, due_count, shards)
            else:
                times = await measure(Path(folder), open_count, due_count)
            results.append((open_count, statistics.median(times)))
            print(
                f"{open_count:>9,} open, {due_count:,} due, {label}: sweep database time "
                f"median {statistics.median(times) * 1000:.1f} ms "
                f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {len(times)} runs)",
                flush=True,
            )
    if cluster is not None:
        cluster.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny counts, only to check that it runs")
    parser.add_argument(
        "--database", choices=("sqlite", "postgres"), default="sqlite", help="postgres: on a throwaway server"
    )
    parser.add_argument("--shard", action="store_true", help="(postgres) sweep as the process of shard 0 of 2")
    arguments = parser.parse_args(argv)
    if arguments.shard and arguments.database != "postgres":
        parser.error("--shard needs --database postgres: only PostgreSQL is shared by shard processes")
    sizes, due = ([1_000, 10_000], 10) if arguments.smoke else ([100_000, 1_000_000], 1_000)
    results = asyncio.run(run(sizes, due, arguments.database, Shards(2, (0,)) if arguments.shard else None))
    (small, small_time), (large, large_time) = results
    goals = "" if arguments.smoke else " (goals: ≤ 1.5x, and ≤ 20 ms at 100,000 open)"
    print(f"ratio {large:,} / {small:,} open: {large_time / small_time:.2f}x{goals}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

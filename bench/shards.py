"""Two shard processes beside one, on the same total load, against one PostgreSQL server.

Four servers, two on each shard of two. Mend runs first as one process holding both shards
(`SHARD_COUNT=2`), then as two processes holding one each (`SHARD_IDS=0` and `1`), each time on a
fresh database on the same throwaway PostgreSQL server, behind the local Discord stand-in. Both get
the same interactions, spread evenly over the four servers and paced: `/repair status` for someone
with 10 open repairs (reads), and `/mend timezone` (a write). Reported: latency (until the
interaction's answer reaches the stand-in), throughput, and Mend's CPU per interaction and memory
summed over its processes, with the two-process figures as ratios to the one-process ones.

    python bench/shards.py          # 200/s and 400/s, 2 000 interactions each
    python bench/shards.py --smoke  # tiny counts, to check the benchmark still runs
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from interactions import Bot, Run  # noqa: E402

from bot.repair import invitation  # noqa: E402
from bot.storage import Database  # noqa: E402
from tests.helpers import START, World  # noqa: E402
from tests.postgres import Cluster  # noqa: E402
from tests.standin.actors import Person  # noqa: E402
from tests.standin.server import StandIn  # noqa: E402

OPEN_REPAIRS = 10
ZONES = ("Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney")


async def _servers(standin: StandIn, url: str) -> list[World]:
    """Four servers, two per shard, each with someone who has 10 open repairs."""
    first = World.build(standin, shard=(0, 2))
    worlds = [first, *(World.build(standin, first.application, shard=(n % 2, 2)) for n in range(1, 4))]
    db = await Database.open(url)
    await db.migrate()
    for world in worlds:
        for n in range(OPEN_REPAIRS):
            partner = standin.add_user(f"partner{n}")
            standin.join(world.guild, partner)
            thread = standin.add_private_thread(world.general, world.application.bot, world.alex.user, partner)
            reserved = await db.reserve_rupture(invitation(world.guild.id, "quick", world.alex.id, partner.id, START))
            assert reserved is not None
            await db.attach_thread(reserved.id, thread.id)
    await db.close()
    return worlds


async def _launch(worlds: list[World], folder: Path, url: str, shard_ids: list[str]) -> list[Bot]:
    standin = worlds[0].standin
    started = len(standin.gateway.sessions_started)
    bots = []
    for ids in shard_ids:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DISCORD_TOKEN": worlds[0].application.token,
            "DISCORD_API_BASE_URL": standin.api_url,
            "DISCORD_GATEWAY_URL": standin.gateway_url,
            "DATABASE_URL": url,
            "SHARD_COUNT": "2",
            "SHARD_IDS": ids,
            "LOG_LEVEL": "WARNING",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=folder,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        bots.append(Bot(f"shards {ids}", worlds[0].application, process))
    await standin.gateway.wait_for_sessions(started + 2, timeout=60)
    await standin.until(lambda: bool(worlds[0].application.commands), timeout=60)
    for world in worlds:  # every server answers before the clock starts
        await (await world.alex.slash("repair status", world.general)).reply(timeout=30)
    return bots


def _cpu(bots: list[Bot]) -> float:
    return sum(bot.cpu() for bot in bots)


async def _load(people: list[tuple[World, Person]], bots: list[Bot], result: Run, rate: float, n: int) -> Run:
    turn = itertools.count()
    cpu, started = _cpu(bots), time.perf_counter()

    async def one(index: int) -> None:
        await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
        world, person = people[next(turn) % len(people)]
        if index % 2:
            sent = await person.slash("mend timezone", world.general, zone=ZONES[index % len(ZONES)])
        else:
            sent = await person.slash("repair status", world.general)
        reply = await sent.reply(timeout=30)
        result.latencies.append(reply.elapsed)

    await asyncio.gather(*(one(i) for i in range(n)))
    result.wall = time.perf_counter() - started
    await asyncio.sleep(0.2)
    result.cpu = _cpu(bots) - cpu
    return result


async def measure(setup: str, shard_ids: list[str], rates: list[int], count: int) -> tuple[list[Run], float]:
    cluster = Cluster.start(durable=True)
    standin = StandIn(validate=False)
    await standin.start()
    bots: list[Bot] = []
    try:
        url = await cluster.new_database()
        worlds = await _servers(standin, url)
        with tempfile.TemporaryDirectory() as folder:
            bots = await _launch(worlds, Path(folder), url, shard_ids)
            people = [(world, world.alex) for world in worlds]
            loads = [Run("status and timezone", setup, f"{rate}/s") for rate in rates]
            results = [await _load(people, bots, load, rate, count) for load, rate in zip(loads, rates, strict=True)]
            return results, sum(bot.rss_mib() for bot in bots)
    finally:
        for bot in bots:
            assert bot.process is not None
            bot.process.terminate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(bot.process.wait(), 20)
        await standin.stop()
        cluster.stop()


def report(one: list[Run], two: list[Run], rss: tuple[float, float]) -> str:
    lines = [
        f"{'setup':<30} {'load':<6} {'n':>5} {'median ms':>10} {'p99 ms':>8} {'per s':>7} {'CPU ms':>7}",
    ]
    for result in (*one, *two):
        lines.append(
            f"{result.bot:<30} {result.load:<6} {result.count:>5} {result.median():>10.2f} "
            f"{result.p99():>8.2f} {result.throughput():>7.1f} {result.cpu_ms():>7.2f}"
        )
    for single, pair in zip(one, two, strict=True):
        lines.append(
            f"two / one at {single.load}: median {pair.median() / single.median():.2f}x, p99 "
            f"{pair.p99() / single.p99():.2f}x, per s {pair.throughput() / single.throughput():.2f}x, CPU per "
            f"interaction {pair.cpu_ms() / single.cpu_ms():.2f}x"
        )
    lines.append(f"RSS after the load: one process {rss[0]:.1f} MiB, two processes {rss[1]:.1f} MiB together")
    return "\n".join(lines)


async def main_async(smoke: bool) -> str:
    rates, count = ([40], 40) if smoke else ([200, 400], 2_000)
    one, rss_one = await measure("one process, shards 0 and 1", ["0,1"], rates, count)
    two, rss_two = await measure("two processes, one shard each", ["0", "1"], rates, count)
    return report(one, two, (rss_one, rss_two))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny counts, only to check that it runs")
    arguments = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(asyncio.run(main_async(arguments.smoke)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

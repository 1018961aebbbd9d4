"""Mend and Discord's global limit (50 requests a second per bot), end to end on the stand-in.

Two figures, each with Mend in its own process (`python -m bot`, its default budget of
`GLOBAL_RATE` 40/s) and the stand-in counting every request the global limit binds (interaction
callbacks and follow-ups are exempt) and every global 429 it answered:

* a whole quick repair and a whole full repair, walked as the two people would (tests/e2e/steps.py),
  from `/repair start` to the archived thread: requests under the global limit per interaction;
* the check-in sweep with 1 000 check-ins due (1 000 repairs gone quiet a day ago, each in its own
  thread, nobody in quiet hours): how long until every check-in is really posted, the busiest
  second of requests, and whether any 429 reached Mend.

    python bench/global_limit.py           # about a minute
    python bench/global_limit.py --smoke   # 20 due, to check it still runs
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bots  # noqa: E402

from bot.budget import DEFAULT_RATE  # noqa: E402
from bot.protocols import load_protocols  # noqa: E402
from bot.storage import Database  # noqa: E402
from bot.wording import turns  # noqa: E402
from tests.e2e.steps import accept, checkins, open_repair, posted, press, walk, write  # noqa: E402
from tests.helpers import World, seed_active_rupture  # noqa: E402
from tests.standin.actors import Person  # noqa: E402
from tests.standin.limits import GLOBAL_LIMIT, is_exempt  # noqa: E402
from tests.standin.server import StandIn  # noqa: E402


async def whole_repairs(world: World, folder: Path) -> list[str]:
    """Walk a quick and a full repair; per repair, the requests under the global limit per interaction."""
    standin = world.standin
    process = await bots.launch(standin, world.application, folder, bots.MEND)
    lines = []
    try:
        protocols = load_protocols()
        for protocol in ("quick", "full"):
            before, first = standin.snapshot(), len(standin.requests)
            thread = await open_repair(world, world.alex, world.sam, protocol=protocol)
            await accept(world, world.sam, thread)
            await walk(world, thread, protocols[protocol], world.alex, world.sam)
            await write(world, world.alex, thread, turns.NAME_ONE_THING, "I'll say when I'm tired.")
            await press(world, world.sam, thread, turns.ACKNOWLEDGE)
            await press(world, world.sam, thread, turns.NOTHING_TO_ADD)
            await posted(world, thread, turns.COMPLETE)
            await standin.until(lambda thread=thread: thread.archived)  # type: ignore[misc]
            spent = standin.since(before)
            bound = Counter(f"{r.method} {r.template}" for r in standin.requests[first:] if not is_exempt(r.template))
            lines.append(
                f"{protocol} repair: {spent.interactions} interactions, {spent.global_limited} requests under the "
                f"global limit, {spent.per_interaction:.3f} per interaction; global 429s: {spent.global_429s}"
            )
            lines += [f"    {count} × {name}" for name, count in sorted(bound.items())]
    finally:
        await bots.stop(process)
    return lines


async def due_check_ins(world: World, database: Path, count: int) -> list[int]:
    """`count` repairs, each between its own pair, quiet since a day ago: a check-in due for each."""
    people = [world.alex, world.sam, world.outsider]
    while len(people) * (len(people) - 1) // 2 < count:
        user = world.standin.add_user(f"member{len(people)}")
        world.standin.join(world.guild, user)
        people.append(Person(world.standin, world.application, user, world.guild))
    db = await Database.open(database)
    try:
        await db.migrate()
        quiet_since = datetime.now(UTC) - timedelta(days=1, minutes=1)
        threads = []
        for first, second in itertools.islice(itertools.combinations(people, 2), count):
            threads.append((await seed_active_rupture(db, world, first, second, quiet_since)).id)
        for person in people:  # no quiet hours, whatever the time of day of the run
            await db.set_quiet_hours(person.id, clock_time(0), clock_time(0))
    finally:
        await db.close()
    return threads


async def sweep_end_to_end(world: World, folder: Path, count: int) -> list[str]:
    """Start Mend with `count` check-ins due, and time them until every one is in its thread."""
    standin = world.standin
    database = folder / "sweep.sqlite3"
    threads = await due_check_ins(world, database, count)
    before = standin.snapshot()
    samples: list[tuple[float, int]] = []

    def posted_everywhere() -> bool:
        """Checked after every request: note the running count, and whether every check-in is out."""
        samples.append((time.perf_counter(), standin.tally.global_limited))
        return standin.since(before).global_limited >= count and all(
            checkins(world, standin.channels[thread]) for thread in threads
        )

    started = time.perf_counter()
    mend = bots.launch(standin, world.application, folder, bots.MEND, DATABASE_PATH=str(database))
    launching = asyncio.create_task(mend)
    try:
        await standin.until(posted_everywhere, timeout=max(120, count / 5))
        finished = time.perf_counter()
        await asyncio.sleep(1)  # anything sent after the last check-in still counts
    finally:
        await bots.stop(await launching)
    spent = standin.since(before)
    posted = [m.created_at for thread in threads for m in checkins(world, standin.channels[thread])]
    first_to_last = (max(posted) - min(posted)).total_seconds()
    per_thread = Counter(len(checkins(world, standin.channels[thread])) for thread in threads)
    return [
        f"check-in sweep, {count:,} due: all posted {finished - started:.1f} s after Mend was started; "
        f"first to last check-in {first_to_last:.1f} s, {len(posted) / max(first_to_last, 1e-3):.1f} check-ins/s",
        f"    check-ins per thread: {dict(sorted(per_thread.items()))}; requests under the global limit: "
        f"{spent.global_limited}, the most in one second: {_busiest_second(samples)} "
        f"(Mend's budget: {DEFAULT_RATE:g}/s, Discord's limit: {GLOBAL_LIMIT}/s)",
        f"    global 429s answered to Mend: {spent.global_429s}",
    ]


def _busiest_second(samples: list[tuple[float, int]]) -> int:
    """The most requests in any one second, from the stand-in's running count looked at after requests."""
    times: list[float] = []
    for (_, earlier), (moment, count) in itertools.pairwise(samples):
        times += [moment] * (count - earlier)
    most, last = 0, 0
    for first, moment in enumerate(times):
        while last < len(times) and times[last] - moment < 1.0:
            last += 1
        most = max(most, last - first)
    return most


async def run(smoke: bool) -> list[str]:
    due = 20 if smoke else 1000
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        standin = StandIn(validate=False)
        await standin.start()
        try:
            world = World.build(standin)
            return [*await whole_repairs(world, folder), *await sweep_end_to_end(world, folder, due)]
        finally:
            await standin.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="20 check-ins due, only to check that it runs")
    arguments = parser.parse_args(argv)
    print("\n".join(asyncio.run(run(arguments.smoke))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`/repair history` for a person with 500 past repairs, against the local Discord stand-in.

Seeds a database with 500 repairs over the past year (six partners, one of whom later erased their
data; most repaired, a few resting, some ended), starts Mend in its own process with an event-loop
watcher (this file with `--mend`), and runs `/repair history` as that person: once cold (the
painter's worker process starts) and then warm, one after another. It reports the answer's latency
(to the deferral, and to the follow-up that carries the picture), how long the picture took in
the painter's pool, the PNG's size, and the longest the event loop was held: the worst lateness of
a 1 ms ticker in Mend's loop, from just before the first command to after the last. Each figure is
also given as a ratio to its goal: 3 s to the follow-up, 20 ms for the event loop.

    python bench/history.py                  # 500 repairs, 20 warm runs
    python bench/history.py --smoke          # tiny counts, to check the benchmark still runs
    python bench/history.py --sample docs/history-sample.png   # also draw the README's sample picture
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import MendBot, point_at_endpoints  # noqa: E402
from bot.events import Change  # noqa: E402
from bot.history import history  # noqa: E402
from bot.people import erased_from  # noqa: E402
from bot.picture import draw  # noqa: E402
from bot.repair import invitation  # noqa: E402
from bot.rupture import Phase, Status  # noqa: E402
from bot.schedule import zone_named  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.storage import Database  # noqa: E402
from bot.wording import history as words  # noqa: E402
from tests.standin.actors import Person  # noqa: E402
from tests.standin.files import png_size  # noqa: E402
from tests.standin.server import StandIn  # noqa: E402

LOOP_GOAL, ANSWER_GOAL = 0.020, 3.0
TICK = 0.001
PARTNERS = 6


class LoopWatcher:
    """How late a 1 ms ticker wakes up: the longest the event loop was held by anything else."""

    def __init__(self) -> None:
        self.lateness: list[float] = []

    def reset(self) -> None:
        self.lateness = []

    async def run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(TICK)
            self.lateness.append(time.perf_counter() - started - TICK)


async def watched_mend() -> None:
    """Mend as `python -m bot` runs it, with a loop watcher and a timer on the painter; SIGUSR1
    starts the watch afresh, SIGTERM closes Mend, and the figures go to stdout as one JSON line."""
    settings = load_settings()
    point_at_endpoints(settings)
    bot = MendBot(settings)
    watcher = LoopWatcher()
    renders: list[float] = []
    paint = bot.painter.paint

    async def timed_paint(picture: Any) -> bytes:
        started = time.perf_counter()
        try:
            return await paint(picture)
        finally:
            renders.append(time.perf_counter() - started)

    bot.painter.paint = timed_paint  # type: ignore[method-assign]
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []
    loop.add_signal_handler(signal.SIGUSR1, watcher.reset)
    loop.add_signal_handler(signal.SIGTERM, lambda: closing.append(asyncio.create_task(bot.close())))
    watching = asyncio.create_task(watcher.run())
    async with bot:
        await bot.run_until_closed()
    watching.cancel()
    print(json.dumps({"lateness": watcher.lateness, "renders": renders}), flush=True)


async def seed(path: Path, guild_id: int, person: int, partners: list[int], count: int, now: datetime) -> None:
    """`count` repairs over the past year, with what a year of them looks like: mostly repaired within
    a day or a few, a few resting (one per partner at most: a pair has one open repair), some ended."""
    chance = random.Random(14)
    db = await Database.open(path)
    await db.migrate()
    for n in reversed(range(count)):  # oldest first, so the open ones (the latest) come last
        opened = now - timedelta(days=360 * (n + 0.5) / count)
        partner = partners[n % len(partners)]
        reserved = await db.reserve_rupture(invitation(guild_id, "quick", person, partner, opened))
        assert reserved is not None
        await db.attach_thread(reserved.id, 10**15 + n)
        roll = chance.random()
        if n < len(partners) - 1:
            ended = replace(reserved, status=Status.ACTIVE, phase=Phase.WRITE, checkins_sent=3)
        elif roll < 0.85:
            took = timedelta(hours=chance.lognormvariate(2.5, 1.2))
            ended = replace(reserved, status=Status.RESOLVED, phase=Phase.CLOSED, resolved_at=opened + took)
            ended = replace(ended, checkins_sent=min(3, int(took / timedelta(days=1))))
        else:
            ended = replace(reserved, status=Status.LEFT if roll < 0.93 else Status.DECLINED, phase=Phase.CLOSED)
        assert await db.save(Change(reserved, ended)) is not None
    erased = partners[-1]
    await db.erase(erased, [erased_from(r, erased) for r in await db.ruptures_of(erased)])
    await db.close()


def _mend_process_env(standin: StandIn, token: str, database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": token,
        "DISCORD_API_BASE_URL": standin.api_url,
        "DISCORD_GATEWAY_URL": standin.gateway_url,
        "DATABASE_PATH": str(database),
        "LOG_LEVEL": "WARNING",
    }


async def measure(count: int, runs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="mend-history-bench-"))
    standin = StandIn(validate=False)
    await standin.start()
    application = standin.add_application("Mend")
    owner = standin.add_user("owner")
    guild = standin.add_guild("Bench", owner)
    standin.join(guild, application.bot)
    channel = standin.add_text_channel(guild, "general")
    people = [standin.add_user(name) for name in ("alex", *(f"partner{n}" for n in range(PARTNERS)))]
    for user in people:
        standin.join(guild, user)
    alex = Person(standin, application, people[0], guild)
    database = folder / "mend.sqlite3"
    started = time.perf_counter()
    await seed(database, guild.id, alex.id, [user.id for user in people[1:]], count, datetime.now(UTC))
    print(f"seeded {count} past repairs in {time.perf_counter() - started:.1f} s")

    process = await asyncio.create_subprocess_exec(
        sys.executable, str(THIS_FILE), "--mend",
        cwd=folder, env=_mend_process_env(standin, application.token, database),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await standin.gateway.wait_for_sessions(1, timeout=60)
        await standin.until(lambda: bool(application.commands), timeout=60)
        await asyncio.sleep(1.0)  # let start-up's own work (the first sweep, command sync) finish
        process.send_signal(signal.SIGUSR1)
        await asyncio.sleep(0.05)
        deferrals, answers, sizes = [], [], []
        for _ in range(runs + 1):
            sent_at = time.perf_counter()
            sent = await alex.slash("repair history", channel)
            deferrals.append((await sent.reply(timeout=10)).elapsed)
            answer = await sent.followup(timeout=30)
            answers.append(time.perf_counter() - sent_at)
            picture = answer.files["mend-history.png"]
            assert png_size(picture) == (1000, 600) and answer.descriptions["mend-history.png"]
            sizes.append(len(picture))
        assert standin.violations == [], standin.violations
        await asyncio.sleep(0.05)
        process.terminate()
        stdout, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
        await standin.stop()
    figures = json.loads(stdout.decode().strip().splitlines()[-1])
    report(count, runs, deferrals, answers, figures["renders"], sizes, figures["lateness"])


def report(
    count: int,
    runs: int,
    deferrals: list[float],
    answers: list[float],
    renders: list[float],
    sizes: list[int],
    lateness: list[float],
) -> None:
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:7.1f} ms"

    def warm(values: list[float]) -> str:
        rest = values[1:] or values
        return f"warm median {ms(statistics.median(rest))}, max {ms(max(rest))}"

    worst = max(lateness)
    print(f"/repair history for a person with {count} past repairs: 1 cold run, then {runs} warm")
    print(
        f"  deferral (the callback)      cold {ms(deferrals[0])}, {warm(deferrals)}; "
        f"ratio of the slowest to 3 s: {max(deferrals) / ANSWER_GOAL:.3f}"
    )
    print(
        f"  follow-up with the picture   cold {ms(answers[0])}, {warm(answers)}; "
        f"ratio of the slowest to 3 s: {max(answers) / ANSWER_GOAL:.2f}"
    )
    print(f"  picture in the pool          cold {ms(renders[0])}, {warm(renders)}")
    print(f"  PNG                          {statistics.median(sizes) / 1024:.1f} KiB, 1000x600")
    over = sum(late > LOOP_GOAL for late in lateness)
    print(
        f"  longest event-loop block     {ms(worst)} over {len(lateness)} ticks; ratio to 20 ms: "
        f"{worst / LOOP_GOAL:.2f}; ticks later than 20 ms: {over}"
    )


def sample(path: Path) -> None:
    """Draw a typical year (fourteen repairs with two people, in Paris) as the README's sample picture."""
    from bot.rupture import Rupture, Seat

    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    zone = zone_named("Europe/Paris")
    plan = [  # months ago, hours it took (None: resting), outcome
        (11, 5, Status.RESOLVED), (10, 30, Status.RESOLVED), (10, None, Status.LEFT), (8, 2, Status.RESOLVED),
        (8, 20, Status.RESOLVED), (8, 50, Status.RESOLVED), (8, None, Status.ACTIVE), (7, 3, Status.RESOLVED),
        (5, 8, Status.RESOLVED), (4, 1, Status.RESOLVED), (4, 26, Status.RESOLVED), (3, None, Status.DECLINED),
        (2, 4, Status.RESOLVED), (0, None, Status.ACTIVE),
    ]  # fmt: skip
    ruptures = []
    for n, (months_ago, hours, status) in enumerate(plan):
        opened = now - timedelta(days=30.4 * months_ago + n % 3)
        done = None if hours is None else opened + timedelta(hours=hours)
        partner = Seat(2 if n % 4 else 3)
        ruptures.append(Rupture(n, 1, n, "quick", status, Seat(1), partner, opened, opened, resolved_at=done))
    chart = history(ruptures, 1, now, zone, earlier=True).chart()
    path.write_bytes(draw(words.picture(chart, zone.key)))
    print(f"wrote {path}: {words.alt_text(chart, zone.key)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny counts, to check the benchmark runs")
    parser.add_argument("--sample", type=Path, help="also draw the README's sample picture to this file")
    parser.add_argument("--mend", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.mend:
        asyncio.run(watched_mend())
        return
    if arguments.sample:
        sample(arguments.sample)
    asyncio.run(measure(20, 2) if arguments.smoke else measure(500, 20))


if __name__ == "__main__":
    main()

"""Mend beside a bare discord.py bot, on the same local Discord stand-in, in one run.

Starts the stand-in (request validation off, so the stand-in stays light), a bare discord.py bot
that answers `/ping` (bench/bare_bot.py) and Mend (`python -m bot`), each in its own process. Both
get the same load: paced at 200/s and 500/s, and in bursts. Mend's paths are the busy ones:

* turn submit: a modal is submitted, Mend acknowledges, posts the words, moves the floor;
* floor press: "Not quite" asks the speaker what was missed (a state change and a new prompt); the
  speaker's "Let them try again" then hands the floor back, outside the measurement;
* refused press: an outsider (a moderator who can see the thread) presses a turn button;
* status: `/repair status` for someone with 10 open repairs.

Latency is from the interaction leaving the stand-in to its callback arriving; "until posted" is,
for the two state changes, until the new prompt is in the thread. CPU per interaction is the bot
process's user+system time over the run divided by interactions; the stand-in's own CPU (this
process) is reported too. RSS is read after ready and after 10 000 interactions.

    python bench/interactions.py          # the full run, then bench/sweep.py's (a couple of minutes)
    python bench/interactions.py --smoke  # tiny counts, to check the benchmarks still run
    python bench/interactions.py --database postgres  # Mend on a throwaway PostgreSQL server instead
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sweep as sweep_benchmark  # noqa: E402

from bot.wording import opening  # noqa: E402
from bot.wording import turns as turn_words  # noqa: E402
from tests.postgres import Cluster  # noqa: E402
from tests.standin.actors import Person  # noqa: E402
from tests.standin.server import Application, Callback, StandIn  # noqa: E402
from tests.standin.world import Channel, Message, Permission  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
MOD_PERMISSIONS = Permission.MEMBER_DEFAULT | Permission.MANAGE_THREADS


@dataclass
class Bot:
    """A bot process and what it costs."""

    name: str
    application: Application
    process: asyncio.subprocess.Process | None = None
    interactions: int = 0

    def cpu(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def rss_mib(self) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


@dataclass
class Run:
    """One measured load: a path on one bot at one pacing (or a burst)."""

    path: str
    bot: str
    load: str
    latencies: list[float] = field(default_factory=list)
    until_posted: list[float] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0
    standin_cpu: float = 0.0
    interactions_each: int = 1  # a turn cycle is three interactions: open the form, submit, press

    @property
    def count(self) -> int:
        return len(self.latencies)

    def median(self) -> float:
        return statistics.median(self.latencies) * 1000

    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000

    def throughput(self) -> float:
        """Interactions per second (for turns: whole cycles, three interactions each)."""
        return self.interactions_each * self.count / self.wall if self.wall else 0.0

    def cpu_ms(self) -> float:
        return self.cpu / self.count * 1000 if self.count else 0.0


@dataclass
class Lane:
    """One repair whose two people take turns forever: reflect back, then "not quite"."""

    thread: Channel
    speaker: Person
    listener: Person


class Rig:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.standin = StandIn(validate=False)
        self.lanes: list[Lane] = []
        self.database_url: str | None = None  # Mend's PostgreSQL database, else its SQLite file

    async def start(self, lanes: int) -> None:
        standin = self.standin
        await standin.start()
        owner = standin.add_user("owner")
        self.guild = standin.add_guild("Bench", owner)
        self.channel = standin.add_text_channel(self.guild, "general")
        self.bare = Bot("bare", standin.add_application("Bare"))
        self.mend = Bot("mend", standin.add_application("Mend"))
        for bot in (self.bare, self.mend):
            standin.join(self.guild, bot.application.bot)
        mods = standin.add_role(self.guild, "Mods", MOD_PERMISSIONS)
        self.outsider = self._person("outsider", self.mend.application)
        self.guild.members[self.outsider.id].roles.append(mods.id)
        self.pinger = self._person("pinger", self.bare.application)
        await self._launch(self.bare, [sys.executable, str(ROOT / "bench" / "bare_bot.py")], 1)
        await self._launch(self.mend, [sys.executable, "-m", "bot"], 2)
        self.rss_ready = {bot.name: bot.rss_mib() for bot in (self.bare, self.mend)}
        await self._open_lanes(lanes)
        self.hub = await self._hub_with_open_repairs(10)

    def _person(self, name: str, application: Application) -> Person:
        user = self.standin.add_user(name)
        self.standin.join(self.guild, user)
        return Person(self.standin, application, user, self.guild)

    async def _launch(self, bot: Bot, command: list[str], sessions: int) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DISCORD_TOKEN": bot.application.token,
            "DISCORD_API_BASE_URL": self.standin.api_url,
            "DISCORD_GATEWAY_URL": self.standin.gateway_url,
            "DATABASE_PATH": str(self.folder / f"{bot.name}.sqlite3"),
            **({"DATABASE_URL": self.database_url} if self.database_url else {}),
            "LOG_LEVEL": "WARNING",
        }
        bot.process = await asyncio.create_subprocess_exec(
            *command, cwd=self.folder, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        await self.standin.gateway.wait_for_sessions(sessions, timeout=60)
        await self.standin.until(lambda: bool(bot.application.commands), timeout=60)

    async def _open_lanes(self, count: int) -> None:
        """Repairs at the "reflect back" step; every lane a different pair."""
        people = [self._person(f"member{n}", self.mend.application) for n in range(count + 1)]
        for index in range(count):
            speaker, listener = people[index], people[index + 1]
            thread = await self._invite(speaker, listener)
            asked = await self._press(listener, thread, turn_words.READY)
            assert asked.message is not None
            await (await listener.press(asked.message, opening.READY_TO_START)).reply(timeout=30)
            form = await self._press(speaker, thread, turn_words.WRITE)
            await (await speaker.submit(form, "I felt unheard at dinner.")).reply()
            await self._wait_for(thread, "Reflect back")
            self.lanes.append(Lane(thread, speaker, listener))

    async def _hub_with_open_repairs(self, count: int) -> Person:
        hub = self._person("hub", self.mend.application)
        for n in range(count):
            await self._invite(hub, self._person(f"invited{n}", self.mend.application))
        return hub

    async def _invite(self, opener: Person, partner: Person) -> Channel:
        before = {c.id for c in self.guild.channels.values() if c.is_thread}
        sent = await opener.slash("repair start", self.channel, partner=partner.user)
        reply = await sent.reply(timeout=30)
        if reply.message is not None and reply.message.buttons():
            await (await opener.press(reply.message, opening.START)).reply(timeout=30)
        thread: Channel = await self.standin.until(
            lambda: next((c for c in self.guild.channels.values() if c.is_thread and c.id not in before), None),
            timeout=30,
        )
        await self._wait_for(thread, turn_words.READY)
        return thread

    async def _wait_for(self, thread: Channel, label: str) -> Message:
        def newest() -> Message | None:
            for message in reversed(list(thread.messages.values())):
                if message.visible_to is None and message.buttons():
                    return message if any(b.get("label") == label for b in message.buttons()) else None
            return None

        found: Message = await self.standin.until(newest, timeout=30, channel=thread)
        return found

    async def _press(self, person: Person, thread: Channel, label: str) -> Callback:
        message = await self._wait_for(thread, label)
        return await (await person.press(message, label)).reply(timeout=30)

    async def stop(self) -> None:
        for bot in (self.bare, self.mend):
            if bot.process is not None and bot.process.returncode is None:
                bot.process.terminate()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(bot.process.wait(), 20)
        await self.standin.stop()


Action = Callable[[Run], Awaitable[None]]


async def paced(rig: Rig, run: Run, bot: Bot, rate: float, count: int, action: Action, parallel: int) -> Run:
    """Start `count` actions at `rate` per second (or all at once when rate is 0), at most `parallel` at a time."""
    slots = asyncio.Semaphore(parallel)
    # Keep the stand-in's own collector pauses out of the measurement: forget what earlier runs
    # recorded, and stop the collector from re-scanning what is left.
    rig.standin.forget_history()
    gc.collect()
    gc.freeze()
    cpu, standin_cpu, started = bot.cpu(), time.process_time(), time.perf_counter()

    async def one(index: int) -> None:
        if rate:
            await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
        async with slots:
            await action(run)

    await asyncio.gather(*(one(i) for i in range(count)))
    run.wall = time.perf_counter() - started
    await asyncio.sleep(0.2)  # let the bot finish its follow-up work before reading its CPU
    run.cpu = bot.cpu() - cpu
    run.standin_cpu = time.process_time() - standin_cpu
    bot.interactions += run.count
    return run


def ping(rig: Rig) -> Action:
    async def action(run: Run) -> None:
        reply = await (await rig.pinger.slash("ping", rig.channel)).reply(timeout=30)
        run.latencies.append(reply.elapsed)

    return action


def status(rig: Rig) -> Action:
    async def action(run: Run) -> None:
        reply = await (await rig.hub.slash("repair status", rig.channel)).reply(timeout=30)
        assert "Your open repairs" in reply.text
        run.latencies.append(reply.elapsed)

    return action


def refused(rig: Rig) -> Action:
    turn = iter(range(10**9))

    async def action(run: Run) -> None:
        lane = rig.lanes[next(turn) % len(rig.lanes)]
        message = next(m for m in reversed(list(lane.thread.messages.values())) if m.buttons() and m.visible_to is None)
        label = message.buttons()[0]["label"]
        reply = await (await rig.outsider.press(message, label)).reply(timeout=30)
        assert reply.ephemeral and "between" in reply.text, reply.text
        run.latencies.append(reply.elapsed)

    return action


def turns(rig: Rig, submits: Run, presses: Run) -> Action:
    """Each call moves one ready lane on: reflect back (open form + submit), or "not quite"."""
    ready: asyncio.Queue[Lane] = asyncio.Queue()
    for lane in rig.lanes:
        ready.put_nowait(lane)

    async def action(run: Run) -> None:
        lane = await ready.get()
        message = await rig._wait_for(lane.thread, "Reflect back")
        form = await (await lane.listener.press(message, "Reflect back")).reply(timeout=30)
        sent = await lane.listener.submit(form, "You felt unheard at dinner.")
        reply = await sent.reply(timeout=30)
        submits.latencies.append(reply.elapsed)
        prompt = await rig._wait_for(lane.thread, "Not quite")
        submits.until_posted.append(time.perf_counter() - sent.pending.sent_at)
        pressed = await lane.speaker.press(prompt, "Not quite")
        reply = await pressed.reply(timeout=30)
        presses.latencies.append(reply.elapsed)
        again = await rig._wait_for(lane.thread, turn_words.TRY_AGAIN)
        await (await lane.speaker.press(again, turn_words.TRY_AGAIN)).reply(timeout=30)
        await rig._wait_for(lane.thread, "Reflect back")
        presses.until_posted.append(time.perf_counter() - pressed.pending.sent_at)
        ready.put_nowait(lane)

    return action


async def measure(rig: Rig, rates: list[int], count: int, burst: int) -> list[Run]:
    runs: list[Run] = []
    loads = [(f"{rate}/s", rate, count) for rate in rates] + [("burst", 0, burst)]
    for load, rate, n in loads:
        parallel = n if rate == 0 else 10_000
        runs.append(await paced(rig, Run("/ping", "bare", load), rig.bare, rate, n, ping(rig), parallel))
        runs.append(await paced(rig, Run("status (10 open)", "mend", load), rig.mend, rate, n, status(rig), parallel))
        runs.append(await paced(rig, Run("refused press", "mend", load), rig.mend, rate, n, refused(rig), parallel))
        submits = Run("turn submit", "mend", load, interactions_each=3)
        presses = Run("floor press", "mend", load, interactions_each=3)
        # A turn is three interactions (open the form, submit it, press "not quite").
        combined = Run("turn cycle", "mend", load)
        await paced(rig, combined, rig.mend, rate / 3, max(1, n // 3), turns(rig, submits, presses), len(rig.lanes))
        for part in (submits, presses):
            part.wall, part.standin_cpu = combined.wall, combined.standin_cpu
            part.cpu = combined.cpu * part.count / max(1, 3 * len(submits.latencies))
        rig.mend.interactions += 3 * len(submits.latencies)
        runs += [submits, presses]
    return runs


async def soak(rig: Rig, target: int) -> None:
    """Top each bot up to `target` interactions, so memory growth can be read."""
    parallel = 200
    for bot, make in ((rig.bare, ping), (rig.mend, status)):
        missing = target - bot.interactions
        if missing > 0:
            await paced(rig, Run("soak", bot.name, "soak"), bot, 500, missing, make(rig), parallel)


def report(rig: Rig, runs: list[Run], rss_after: dict[str, float], target: int) -> str:
    lines = [
        f"{'path':<18} {'load':<7} {'n':>5} {'median ms':>10} {'p99 ms':>8} {'per s':>8} {'CPU ms':>7} "
        f"{'stand-in CPU ms':>15} | vs bare: {'median':>6} {'p99':>6} {'per s':>6} {'CPU':>6}",
    ]
    bare = {run.load: run for run in runs if run.bot == "bare"}
    for run in runs:
        base = bare[run.load]
        ratio = (
            f"{run.median() / base.median():>6.2f} {run.p99() / base.p99():>6.2f} "
            f"{run.throughput() / base.throughput():>6.2f} {run.cpu_ms() / base.cpu_ms():>6.2f}"
            if base.cpu_ms()
            else ""
        )
        lines.append(
            f"{run.path:<18} {run.load:<7} {run.count:>5} {run.median():>10.2f} {run.p99():>8.2f} "
            f"{run.throughput():>8.1f} {run.cpu_ms():>7.2f} {run.standin_cpu / max(1, run.count) * 1000:>15.2f} | "
            f"{ratio}"
        )
        if run.until_posted:
            posted = sorted(run.until_posted)
            lines.append(
                f"{'  until posted':<18} {run.load:<7} {len(posted):>5} {statistics.median(posted) * 1000:>10.2f} "
                f"{posted[min(len(posted) - 1, int(len(posted) * 0.99))] * 1000:>8.2f}"
            )
    for bot in (rig.bare, rig.mend):
        growth = (rss_after[bot.name] / rig.rss_ready[bot.name] - 1) * 100
        lines.append(
            f"RSS {bot.name}: {rig.rss_ready[bot.name]:.1f} MiB after ready, {rss_after[bot.name]:.1f} MiB after "
            f"{bot.interactions} interactions ({growth:+.1f} %)"
        )
    lines.append(f"RSS after ready, Mend / bare: {rig.rss_ready['mend'] / rig.rss_ready['bare']:.2f}x")
    late = len(rig.standin.late_callbacks)
    lines.append(f"callbacks later than 3 s: {late}; 10 000-interaction target: {target}")
    return "\n".join(lines)


async def main_async(smoke: bool, database: str = "sqlite") -> str:
    rates, count, burst, lanes, target = ([50], 12, 12, 4, 120) if smoke else ([200, 500], 1500, 300, 60, 10_000)
    cluster = Cluster.start(durable=True) if database == "postgres" else None
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as cleanup:
        rig = Rig(Path(folder))
        if cluster is not None:
            cleanup.callback(cluster.stop)
            rig.database_url = await cluster.new_database()
        try:
            await rig.start(lanes)
            runs = await measure(rig, rates, count, burst)
            await soak(rig, target)
            await asyncio.sleep(1)
            rss_after = {bot.name: bot.rss_mib() for bot in (rig.bare, rig.mend)}
            return report(rig, runs, rss_after, target)
        finally:
            await rig.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny counts, only to check that it runs")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite", help="Mend's database")
    arguments = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, Mend on {arguments.database}")
    print(asyncio.run(main_async(arguments.smoke, arguments.database)))
    print("\nThe check-in sweep (bench/sweep.py):")
    return sweep_benchmark.main(["--smoke"] * arguments.smoke + ["--database", arguments.database])


if __name__ == "__main__":
    sys.exit(main())

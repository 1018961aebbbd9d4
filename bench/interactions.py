"""Mend beside the floor bot and a bare `/ping` bot, on the same local Discord stand-in, in one run.

Starts the stand-in (request validation off, so the stand-in stays light) and three bots, each in
its own process: a bare discord.py bot that answers `/ping` (bench/bare_bot.py), Mend
(`python -m bot`), and the floor bot (bench/floor_bot.py), which makes exactly Mend's Discord calls
on each path with nothing behind them. Mend's calls are recorded on the stand-in first, and the
floor bot answers with them; both lists are printed. All get the same load, one bot at a time:
paced at 200/s and 500/s, and in bursts. Mend's paths are the busy ones:

* status: `/repair status` for someone with 10 open repairs;
* refused press: an outsider (a moderator who can see the thread) presses a turn button;
* turn submit: a form is submitted; the prompt it came from is retired in the callback, and the
  words with the next prompt follow on the interaction's token;
* floor press: "Not quite" asks the speaker what was missed, the same way;
* try again: the speaker's "Let them try again" hands the floor back to the listener, the same way.

A turn cycle is those last three and the press that opens the form: four interactions.

Each path is reported as Mend ÷ floor (Mend's own cost) and floor ÷ ping (Discord's and
discord.py's). Latency is from the interaction leaving the stand-in to its callback arriving;
"until posted" is, for the three turn paths, until the new prompt is in the thread. CPU per
interaction is the bot process's user+system time over the run divided by interactions; the
stand-in's own CPU (this process) is reported too. "global/int" is the requests under Discord's
global limit per interaction, from the stand-in's tally. RSS is read after ready and after 10 000
interactions. Then bench/global_limit.py (a whole repair, and the sweep with 1 000 due, end to end)
and bench/sweep.py (the sweep's database time) run.

    python bench/interactions.py          # the full run (a few minutes)
    python bench/interactions.py --smoke  # tiny counts, to check the benchmarks still run
    python bench/interactions.py --database postgres  # Mend (and the sweep) on a throwaway PostgreSQL server
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bots  # noqa: E402
import calls  # noqa: E402
import floor_bot  # noqa: E402
import global_limit  # noqa: E402
import sweep as sweep_benchmark  # noqa: E402

from bot.steps import ROUNDS_BEFORE_MOVING_ON  # noqa: E402
from bot.wording import opening  # noqa: E402
from bot.wording import turns as turn_words  # noqa: E402
from tests.postgres import Cluster  # noqa: E402
from tests.standin.actors import Person, Sent  # noqa: E402
from tests.standin.limits import Tally  # noqa: E402
from tests.standin.server import Application, Callback, Recorded, StandIn  # noqa: E402
from tests.standin.world import Channel, Message, Permission, monotonic  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
MOD_PERMISSIONS = Permission.MEMBER_DEFAULT | Permission.MANAGE_THREADS
SPOKEN = "I felt unheard at dinner."
HEARD = "You felt unheard at dinner."
TURN_PATHS = ("turn submit", "floor press", "try again")
KEPT_UP = 0.95  # a paced load is kept up with if at least this share of its rate is reached


@dataclass
class Lane:
    """One repair whose two people take turns forever: reflect back, "not quite", "let them try again"."""

    thread: Channel
    speaker: Person
    listener: Person
    prompt: Message  # the message whose buttons are live: the latest follow-up


@dataclass
class Bot:
    """A bot process, what it costs, and the people and lanes it is measured with."""

    name: str
    application: Application
    process: asyncio.subprocess.Process | None = None
    interactions: int = 0
    lanes: list[Lane] = field(default_factory=list)
    asker: Person | None = None  # runs `/repair status` (for Mend: the one with 10 open repairs)
    outsider: Person | None = None

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
    answers: Counter[int] = field(default_factory=Counter)  # callback types
    wall: float = 0.0
    cpu: float = 0.0
    standin_cpu: float = 0.0
    tally: Tally = field(default_factory=Tally)
    interactions_each: int = 1  # a turn cycle is four: open the form, submit, "not quite", "try again"

    @property
    def count(self) -> int:
        return len(self.latencies)

    def median(self) -> float:
        return statistics.median(self.latencies) * 1000

    def p99(self) -> float:
        return _p99(self.latencies) * 1000

    def throughput(self) -> float:
        """Interactions per second (for turns: whole cycles, four interactions each)."""
        return self.interactions_each * self.count / self.wall if self.wall else 0.0

    def cpu_ms(self) -> float:
        return self.cpu / self.count * 1000 if self.count else 0.0

    def note(self, reply: Callback) -> None:
        self.latencies.append(reply.elapsed)
        self.answers[reply.type] += 1


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


class Rig:
    """The stand-in, the three bots, and what each is measured with."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.standin = StandIn(validate=False)
        self.calls: list[str] = []
        self.same_calls = False
        self.database_url: str | None = None  # Mend's PostgreSQL database, else its SQLite file

    async def start(self, lanes: int) -> None:
        standin = self.standin
        await standin.start()
        owner = standin.add_user("owner")
        self.guild = standin.add_guild("Bench", owner)
        self.channel = standin.add_text_channel(self.guild, "general")
        self.bare = Bot("bare", standin.add_application("Bare"))
        self.mend = Bot("mend", standin.add_application("Mend"))
        self.floor = Bot("floor", standin.add_application("Floor"))
        for bot in (self.bare, self.mend, self.floor):
            standin.join(self.guild, bot.application.bot)
        mods = standin.add_role(self.guild, "Mods", MOD_PERMISSIONS)
        self.pinger = self._person("pinger", self.bare.application)
        self.mend.outsider = self._person("outsider", self.mend.application)
        self.guild.members[self.mend.outsider.id].roles.append(mods.id)
        await self._launch(self.bare, (str(ROOT / "bench" / "bare_bot.py"),))
        await self._launch(self.mend, bots.MEND, **({"DATABASE_URL": self.database_url} if self.database_url else {}))
        await self._open_lanes(lanes)
        self.mend.asker = await self._hub_with_open_repairs(10)
        recorded = await self.record(self.mend)
        script = calls.script(recorded, self.mend.outsider.id, HEARD)
        floor_script = self.folder / "floor.json"
        floor_script.write_text(json.dumps(script))
        await self._launch(self.floor, (str(ROOT / "bench" / "floor_bot.py"),), FLOOR_SCRIPT=str(floor_script))
        self._floor_lanes(script["again"])
        self.calls, self.same_calls = calls.compare(recorded, await self.record(self.floor))
        self.rss_ready = {bot.name: bot.rss_mib() for bot in self.bots}

    @property
    def bots(self) -> tuple[Bot, Bot, Bot]:
        return (self.bare, self.floor, self.mend)

    def _person(self, name: str, application: Application) -> Person:
        user = self.standin.add_user(name)
        self.standin.join(self.guild, user)
        return Person(self.standin, application, user, self.guild)

    async def _launch(self, bot: Bot, command: tuple[str, ...], **settings: str) -> None:
        bot.process = await bots.launch(self.standin, bot.application, self.folder, command, **settings)

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
            await (await speaker.submit(form, SPOKEN)).reply()
            prompt = await self._wait_for(thread, "Reflect back")
            self.mend.lanes.append(Lane(thread, speaker, listener, prompt))

    def _floor_lanes(self, prompt: dict[str, Any]) -> None:
        """The same lanes for the floor bot, made in the stand-in directly: a private thread with the
        pair in it, and the floor bot's prompt to reflect back, with Mend's embeds and buttons."""
        floor = self.floor
        bot = floor.application.bot
        assert self.mend.asker is not None and self.mend.outsider is not None
        floor.asker = Person(self.standin, floor.application, self.mend.asker.user, self.guild)
        floor.outsider = Person(self.standin, floor.application, self.mend.outsider.user, self.guild)
        for number, lane in enumerate(self.mend.lanes, start=1):
            speaker, listener = (
                Person(self.standin, floor.application, p.user, self.guild) for p in (lane.speaker, lane.listener)
            )
            thread = self.standin.add_private_thread(self.channel, bot, speaker.user, listener.user)
            buttons = floor_bot.components(prompt, number, 0)
            message = self.standin.forge_message(thread, bot, buttons, embeds=prompt["embeds"])
            floor.lanes.append(Lane(thread, speaker, listener, message))

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
        """The newest message in the thread, once it carries a button labelled `label` (for setting up)."""

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

    async def record(self, bot: Bot) -> dict[str, list[Recorded]]:
        """The requests `bot` makes for one interaction of each path, each given time to finish (as a
        person would take) before the next. The turn paths are recorded once their loop has gone round
        often enough to look as it does for the rest of the run ("Let's move on for now" offered)."""
        recorded: dict[str, list[Recorded]] = {}
        lane = bot.lanes[0]
        for _ in range(ROUNDS_BEFORE_MOVING_ON):
            await turns(bot, [Run(path, bot.name, "") for path in TURN_PATHS], [lane])(Run("", bot.name, ""))

        @contextlib.asynccontextmanager
        async def watching(path: str) -> AsyncIterator[None]:
            await self.settled(0.3)  # whatever the bot was still doing is not this path's
            first = len(self.standin.requests)
            yield
            await self.settled(0.3)
            recorded[path] = self.standin.requests[first:]

        async with watching("status (10 open)"):
            await status(self, bot)(Run("", bot.name, ""))
        async with watching("refused press"):
            await refused(bot)(Run("", bot.name, ""))
        async with watching("open the form"):
            form = await _open_form(lane)
        async with watching("turn submit"):
            await _submit(lane, form, Run("", bot.name, ""))
        async with watching("floor press"):
            await _moved_on(lane, lane.speaker, turn_words.NOT_QUITE, Run("", bot.name, ""))
        async with watching("try again"):
            await _moved_on(lane, lane.speaker, turn_words.TRY_AGAIN, Run("", bot.name, ""))
        return recorded

    async def settled(self, quiet: float = 0.2) -> None:
        """Wait until no request has reached the stand-in for `quiet` seconds (a bot may still be
        posting, or sending what its global budget held back)."""
        while True:
            seen = len(self.standin.requests)
            await asyncio.sleep(quiet)
            if len(self.standin.requests) == seen:
                return

    async def stop(self) -> None:
        for bot in self.bots:
            await bots.stop(bot.process)
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
    tally = rig.standin.snapshot()
    cpu, standin_cpu, started = bot.cpu(), time.process_time(), time.perf_counter()

    async def one(index: int) -> None:
        if rate:
            await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
        async with slots:
            await action(run)

    await asyncio.gather(*(one(i) for i in range(count)))
    run.wall = time.perf_counter() - started
    await rig.settled()  # what the bot still does after answering is part of its cost
    run.cpu = bot.cpu() - cpu
    run.standin_cpu = time.process_time() - standin_cpu
    run.tally = rig.standin.since(tally)
    bot.interactions += run.count
    return run


def ping(rig: Rig) -> Action:
    async def action(run: Run) -> None:
        run.note(await (await rig.pinger.slash("ping", rig.channel)).reply(timeout=30))

    return action


def status(rig: Rig, bot: Bot) -> Action:
    assert bot.asker is not None
    asker = bot.asker

    async def action(run: Run) -> None:
        reply = await (await asker.slash("repair status", rig.channel)).reply(timeout=30)
        assert "Your open repairs" in reply.text, reply.text
        run.note(reply)

    return action


def refused(bot: Bot) -> Action:
    turn = iter(range(10**9))
    assert bot.outsider is not None
    outsider = bot.outsider

    async def action(run: Run) -> None:
        lane = bot.lanes[next(turn) % len(bot.lanes)]
        label = lane.prompt.buttons()[0]["label"]
        reply = await (await outsider.press(lane.prompt, label)).reply(timeout=30)
        assert reply.ephemeral and "between" in reply.text, reply.text
        run.note(reply)

    return action


async def _open_form(lane: Lane) -> Callback:
    return await (await lane.listener.press(lane.prompt, turn_words.REFLECT_BACK)).reply(timeout=30)


async def _submit(lane: Lane, form: Callback, run: Run) -> None:
    """Send the form; the words and the next prompt come as the interaction's follow-up."""
    await _followed_up(lane, await lane.listener.submit(form, HEARD), run)


async def _moved_on(lane: Lane, person: Person, label: str, run: Run) -> None:
    """`person` presses `label` on the live prompt; the next prompt comes as the follow-up."""
    await _followed_up(lane, await person.press(lane.prompt, label), run)


async def _followed_up(lane: Lane, sent: Sent, run: Run) -> None:
    run.note(await sent.reply(timeout=30))
    lane.prompt = await sent.followup(timeout=30)
    run.until_posted.append(monotonic() - sent.pending.sent_at)


TURN_CYCLE = 4  # interactions: open the form, send it, "not quite", "let them try again"


def turns(bot: Bot, parts: list[Run], lanes: list[Lane] | None = None) -> Action:
    """Each call moves one ready lane (of `lanes`, by default all the bot's) round the loop: the
    listener reflects back (opens the form, sends it), the speaker says "not quite", then lets them
    try again; each of the three is noted in its part of `parts` (in TURN_PATHS's order)."""
    submits, presses, agains = parts
    ready: asyncio.Queue[Lane] = asyncio.Queue()
    for lane in bot.lanes if lanes is None else lanes:
        ready.put_nowait(lane)

    async def action(run: Run) -> None:
        lane = await ready.get()
        await _submit(lane, await _open_form(lane), submits)
        await _moved_on(lane, lane.speaker, turn_words.NOT_QUITE, presses)
        await _moved_on(lane, lane.speaker, turn_words.TRY_AGAIN, agains)
        ready.put_nowait(lane)

    return action


async def turn_cycles(rig: Rig, bot: Bot, load: str, rate: float, count: int) -> list[Run]:
    """A turn cycle is four interactions (open the form, submit it, "not quite", "try again"), paced
    as a whole; each part's CPU is its share of the cycle's."""
    parts = [Run(path, bot.name, load, interactions_each=TURN_CYCLE) for path in TURN_PATHS]
    combined = Run("turn cycle", bot.name, load)
    cycles = max(1, count // TURN_CYCLE)
    await paced(rig, combined, bot, rate / TURN_CYCLE, cycles, turns(bot, parts), len(bot.lanes))
    done = len(parts[0].latencies)
    for part in parts:
        part.wall, part.standin_cpu, part.tally = combined.wall, combined.standin_cpu, combined.tally
        part.cpu = combined.cpu * part.count / max(1, TURN_CYCLE * done)
    bot.interactions += TURN_CYCLE * done
    return parts


async def measure(rig: Rig, rates: list[int], count: int, burst: int) -> list[Run]:
    runs: list[Run] = []
    loads = [(f"{rate}/s", rate, count) for rate in rates] + [("burst", 0, burst)]
    for load, rate, n in loads:
        parallel = n if rate == 0 else 10_000
        runs.append(await paced(rig, Run("/ping", "bare", load), rig.bare, rate, n, ping(rig), parallel))
        for bot in (rig.floor, rig.mend):
            for path, action in (("status (10 open)", status(rig, bot)), ("refused press", refused(bot))):
                runs.append(await paced(rig, Run(path, bot.name, load), bot, rate, n, action, parallel))
        for bot in (rig.floor, rig.mend):
            runs += await turn_cycles(rig, bot, load, rate, n)
    return runs


async def soak(rig: Rig, target: int) -> None:
    """Top each bot up to `target` interactions, so memory growth can be read."""
    for bot, action in ((rig.bare, ping(rig)), (rig.floor, status(rig, rig.floor)), (rig.mend, status(rig, rig.mend))):
        missing = target - bot.interactions
        if missing > 0:
            await paced(rig, Run("soak", bot.name, "soak"), bot, 500, missing, action, 200)


FIGURES: tuple[Callable[[Run], float], ...] = (Run.median, Run.p99, Run.throughput, Run.cpu_ms)


def _ratio(top: float, bottom: float) -> str:
    """One ratio, or a dash where the bottom figure is zero (CPU in 10 ms ticks, on a short run)."""
    return f"{top / bottom:>6.2f}" if bottom else f"{'-':>6}"


def table(runs: list[Run]) -> list[str]:
    """Every run, each floor run divided by `/ping` and each Mend run by the floor's."""
    lines = [
        f"{'path':<18} {'load':<6} {'bot':<5} {'n':>5} {'median ms':>9} {'p99 ms':>8} {'per s':>7} {'CPU ms':>6} "
        f"{'stand-in':>8} {'global/int':>10} | {'ratio':<12} {'median':>6} {'p99':>6} {'per s':>6} {'CPU':>6}",
    ]
    found = {(run.path, run.bot, run.load): run for run in runs}
    for run in runs:
        base, name = None, ""
        if run.bot == "floor":
            base, name = found[("/ping", "bare", run.load)], "floor ÷ ping"
        elif run.bot == "mend":
            base, name = found[(run.path, "floor", run.load)], "Mend ÷ floor"
        ratio = "" if base is None else f"{name:<12} " + " ".join(_ratio(f(run), f(base)) for f in FIGURES)
        lines.append(
            f"{run.path:<18} {run.load:<6} {run.bot:<5} {run.count:>5} {run.median():>9.2f} {run.p99():>8.2f} "
            f"{run.throughput():>7.1f} {run.cpu_ms():>6.2f} {run.standin_cpu / max(1, run.count) * 1000:>8.2f} "
            f"{run.tally.per_interaction:>10.3f} | {ratio}"
        )
        if run.until_posted:
            kinds = ", ".join(f"type {kind} × {n}" for kind, n in sorted(run.answers.items()))
            lines.append(
                f"{'  until posted':<18} {run.load:<6} {run.bot:<5} {len(run.until_posted):>5} "
                f"{statistics.median(run.until_posted) * 1000:>9.2f} {_p99(run.until_posted) * 1000:>8.2f}"
                f"   callbacks: {kinds}"
            )
    return lines


def summary(runs: list[Run], rates: list[int]) -> list[str]:
    """Per path: Mend ÷ floor, floor ÷ ping and their product Mend ÷ ping (what the benchmark reported
    before the floor bot), for latency and CPU at the first rate and throughput at the last paced
    rate and in bursts; then whether the turn cycles kept up with the last rate."""
    found = {(run.path, run.bot, run.load): run for run in runs}
    first, last = f"{rates[0]}/s", f"{rates[-1]}/s"
    figures = (
        (Run.median, first),
        (Run.p99, first),
        (Run.cpu_ms, first),
        (Run.throughput, last),
        (Run.throughput, "burst"),
    )
    columns = f"{'median':>6} {'p99':>6} {'CPU':>6} {'per s':>6} {'burst':>6}"
    lines = [
        f"Each path: median, p99 and CPU per interaction at {first}, interactions per second at {last} and in bursts",
        f"{'':<18} {'Mend ÷ floor':<34}   {'floor ÷ ping':<34}   {'Mend ÷ ping':<34}",
        f"{'path':<18} {columns}   {columns}   {columns}",
    ]
    for path in ("status (10 open)", "refused press", *TURN_PATHS):
        pairs = (("mend", path, "floor", path), ("floor", path, "bare", "/ping"), ("mend", path, "bare", "/ping"))
        cells = [
            " ".join(
                _ratio(figure(found[(top_path, top, load)]), figure(found[(under_path, under, load)]))
                for figure, load in figures
            )
            for top, top_path, under, under_path in pairs
        ]
        lines.append(f"{path:<18} {'   '.join(cells)}")
    offered = rates[-1]
    for bot in ("floor", "mend"):
        achieved = found[("turn submit", bot, last)].throughput()
        verdict = "kept up" if achieved >= KEPT_UP * offered else "saturated"
        lines.append(f"turn cycles at {last}, {bot}: {achieved:.1f} interactions/s of {offered} offered ({verdict})")
    return lines


def report(rig: Rig, runs: list[Run], rates: list[int], rss_after: dict[str, float], target: int) -> str:
    lines = [
        "Discord calls per path, Mend | floor (route and body bytes):",
        *rig.calls,
        f"the floor bot's calls are Mend's on every path: {'yes' if rig.same_calls else 'NO'}",
        "",
        *table(runs),
        "",
        *summary(runs, rates),
        "",
    ]
    for bot in rig.bots:
        growth = (rss_after[bot.name] / rig.rss_ready[bot.name] - 1) * 100
        lines.append(
            f"RSS {bot.name}: {rig.rss_ready[bot.name]:.1f} MiB after ready, {rss_after[bot.name]:.1f} MiB after "
            f"{bot.interactions} interactions ({growth:+.1f} %)"
        )
    ready = rig.rss_ready
    mend_floor, floor_bare = ready["mend"] / ready["floor"], ready["floor"] / ready["bare"]
    lines.append(f"RSS after ready, Mend / floor: {mend_floor:.2f}x, floor / bare: {floor_bare:.2f}x")
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
            rss_after = {bot.name: bot.rss_mib() for bot in rig.bots}
            return report(rig, runs, rates, rss_after, target)
        finally:
            await rig.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny counts, only to check that it runs")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite", help="Mend's database")
    arguments = parser.parse_args(argv)
    smoke = ["--smoke"] if arguments.smoke else []
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, Mend on {arguments.database}")
    print(asyncio.run(main_async(arguments.smoke, arguments.database)), flush=True)
    print("\nDiscord's global limit, end to end (bench/global_limit.py):", flush=True)
    global_limit.main(smoke)
    print("\nThe check-in sweep's database time (bench/sweep.py):")
    return sweep_benchmark.main([*smoke, "--database", arguments.database])


if __name__ == "__main__":
    sys.exit(main())

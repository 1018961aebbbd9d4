"""Shared test helpers: a clock tests move by hand, and a harness that runs Mend on the stand-in."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import MendBot, point_at_endpoints
from bot.budget import DEFAULT_RATE
from bot.events import Change
from bot.repair import invitation
from bot.rupture import Phase, Status
from bot.schedule import schedule_next
from bot.settings import Settings
from bot.storage import Database
from tests.standin.actors import Person
from tests.standin.server import Application, StandIn
from tests.standin.world import Channel, Guild, Permission

START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment


@dataclass
class World:
    """A private server: the owner, a couple (Alex and Sam), an outsider, a bot, a #general channel."""

    standin: StandIn
    application: Application
    guild: Guild
    general: Channel
    owner: Person
    alex: Person
    sam: Person
    outsider: Person
    helper_bot: Person

    @classmethod
    def build(cls, standin: StandIn) -> World:
        application = standin.add_application("Mend")
        owner = standin.add_user("owner")
        guild = standin.add_guild("Home", owner)
        standin.join(guild, application.bot)
        general = standin.add_text_channel(guild, "general")

        def person(name: str, *, bot: bool = False) -> Person:
            user = standin.add_user(name, bot=bot)
            standin.join(guild, user)
            return Person(standin, application, user, guild)

        return cls(
            standin,
            application,
            guild,
            general,
            Person(standin, application, owner, guild),
            person("alex"),
            person("sam"),
            person("robin"),
            person("otherbot", bot=True),
        )

    def person(self, name: str, *, locale: str = "en-US") -> Person:
        """Someone new who joins the server (their Discord set to `locale`)."""
        user = self.standin.add_user(name)
        self.standin.join(self.guild, user)
        return Person(self.standin, self.application, user, self.guild, locale=locale)

    def moderator_role(self) -> int:
        return self.standin.add_role(self.guild, "Moderators", Permission.MEMBER_DEFAULT | Permission.MANAGE_THREADS).id


@dataclass
class Harness:
    """Runs Mend in-process against the stand-in; `restart()` is a new bot on the same database."""

    world: World
    database: Path
    clock: FakeClock
    global_rate: float = DEFAULT_RATE
    bot: MendBot | None = None
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        standin = self.world.standin
        return Settings(
            token=self.world.application.token,
            database_path=self.database,
            api_base_url=standin.api_url,
            gateway_url=standin.gateway_url,
            global_rate=self.global_rate,
        )

    async def start(self) -> MendBot:
        point_at_endpoints(self.settings)
        bot = MendBot(self.settings, clock=self.clock)
        self.bot = bot
        # discord.py waits two quiet seconds before `on_ready`; the server arriving is what matters.
        arrived = asyncio.Event()

        async def on_socket_event_type(kind: str) -> None:
            if kind == "GUILD_CREATE":
                arrived.set()

        bot.add_listener(on_socket_event_type)
        ready = asyncio.create_task(arrived.wait())
        self._task = asyncio.create_task(bot.run_until_closed())
        done, _ = await asyncio.wait({ready, self._task}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            ready.cancel()
            self._task.result()
        assert ready in done, "Mend did not become ready on the stand-in"
        return bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.bot = None

    async def settled(self) -> None:
        """Wait until Mend has finished every interaction it is answering (a point to check files at)."""
        assert self.bot is not None
        await self.bot.settled()

    async def restart(self) -> MendBot:
        await self.stop()
        return await self.start()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    """Wait until `check()` holds (looked at every few milliseconds), for what Mend records after
    Discord already shows it; fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {check}")
        await asyncio.sleep(0.01)


ROOT = Path(__file__).resolve().parents[1]


def bot_environment(world: World, folder: Path, **overrides: str) -> dict[str, str]:
    """The environment a newcomer's `.env` would give `python -m bot`, pointed at the stand-in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DISCORD_", "DATABASE_", "DEV_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DISCORD_TOKEN=world.application.token,
        DATABASE_PATH=str(folder / "data" / "mend.sqlite3"),
        DISCORD_API_BASE_URL=world.standin.api_url,
        DISCORD_GATEWAY_URL=world.standin.gateway_url,
        LOG_LEVEL="INFO",
    )
    env.update(overrides)
    return env


SPAWNED: list[asyncio.subprocess.Process] = []


async def spawn_bot(env: dict[str, str], cwd: Path, *arguments: str, **options: Any) -> asyncio.subprocess.Process:
    """`python -m bot …` as its own process (killed after the test if it is still running); `options`
    go to `asyncio.create_subprocess_exec` (stdout and stderr are pipes unless they say otherwise)."""
    streams = {"stdout": asyncio.subprocess.PIPE, "stderr": asyncio.subprocess.PIPE}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *arguments, cwd=cwd, env=env, **(streams | options)
    )
    SPAWNED.append(process)
    return process


async def finish(process: asyncio.subprocess.Process) -> tuple[int, str]:
    """Wait for a bot process to end; its exit status and what it logged."""
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


class LogWatcher:
    """Reads a bot process's log as it is written, so a test can wait for a line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        self.process = process
        self.lines: list[str] = []
        self._stream = process.stderr
        self._changed = asyncio.Condition()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while line := await self._stream.readline():
            async with self._changed:
                self.lines.append(line.decode(errors="replace"))
                self._changed.notify_all()

    async def wait_for(self, text: str, count: int = 1, timeout: float = 20.0) -> None:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: sum(text in line for line in self.lines) >= count), timeout
            )

    async def finish(self) -> int:
        code = await asyncio.wait_for(self.process.wait(), 30)
        await self._task
        return code

    @property
    def text(self) -> str:
        return "".join(self.lines)


async def seed_active_rupture(
    db: Database, world: World, first: Person, second: Person, last_activity: datetime
) -> Channel:
    """A repair that started earlier and has been quiet since `last_activity`: its thread and its row."""
    thread = world.standin.add_private_thread(world.general, world.application.bot, first.user, second.user)
    reserved = await db.reserve_rupture(invitation(world.guild.id, "quick", first.id, second.id, last_activity))
    assert reserved is not None
    await db.attach_thread(reserved.id, thread.id)
    active = schedule_next(replace(reserved, status=Status.ACTIVE, phase=Phase.WRITE, updated_at=last_activity))
    assert await db.save(Change(reserved, active)) is not None
    return thread

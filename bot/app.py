"""The Mend bot: a typed `commands.Bot` whose start-up checks and opens the database, then loads the cogs."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import discord
import yarl
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord import app_commands
from discord.ext import commands

from bot import metrics
from bot.budget import GlobalBudget
from bot.clock import Clock, SystemClock
from bot.i18n import _, catalogues, speak
from bot.picture import Painter
from bot.plan import Reply
from bot.protocols import Protocol, load_protocols
from bot.settings import Settings
from bot.startup import Lock, StartupError, open_database
from bot.storage import Database
from bot.wording.common import BUSY, SOMETHING_WENT_WRONG

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.components",
    "cogs.repair",
    "cogs.checkins",
    "cogs.mend",
    "cogs.privacy",
    "cogs.recovery",
    "cogs.language",
)
COMMANDS_HASH_KEY = "synced_commands"
SHUTDOWN_GRACE = 10.0
MISFIRE_GRACE = 3600


def point_at_endpoints(settings: Settings) -> None:
    """Send REST and the gateway to the configured addresses (a proxy, or the test stand-in).

    discord.py builds every REST URL from `Route.BASE` and connects to `DEFAULT_GATEWAY`
    (a plain client never asks `/gateway/bot`), so these two class attributes are the switch.
    """
    if settings.api_base_url:
        discord.http.Route.BASE = settings.api_base_url
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def mend_intents() -> discord.Intents:
    """Only the Guilds intent: slash commands, buttons and modals carry everything else."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class MendTree(app_commands.CommandTree["MendBot"]):
    """The command tree, with the one error handler that always answers the person."""

    async def interaction_check(self, interaction: discord.Interaction[MendBot]) -> bool:
        self.client.track_current_task()
        self.client.heard(interaction)
        command = interaction.command
        kind = "autocomplete" if interaction.type is discord.InteractionType.autocomplete else None
        metrics.interaction_started(interaction.id, kind or f"/{command.qualified_name if command else '?'}")
        return True

    async def on_error(self, interaction: discord.Interaction[MendBot], error: app_commands.AppCommandError) -> None:
        await self.client.report_error(interaction, error)


class MendBot(commands.Bot):
    """Mend. State lives in `db`; `clock` is injected so tests can move time."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None, schedule: bool = True) -> None:
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # Mend never uses voice
        budget = GlobalBudget(settings.global_rate, share=settings.shards.share if settings.shards else 1.0)
        sharding: dict[str, Any] = {}
        if isinstance(self, commands.AutoShardedBot) and settings.shards is not None:
            sharding = {"shard_count": settings.shards.count, "shard_ids": settings.shards.ids}
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=mend_intents(),
            tree_cls=MendTree,
            allowed_mentions=discord.AllowedMentions.none(),
            max_ratelimit_timeout=30.0,
            http_trace=metrics.watch(budget.trace()),
            **sharding,
        )
        self.budget = budget
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._schedule = schedule
        self._db: Database | None = None
        self._lock: Lock | None = None
        self._metrics: metrics.MetricsServer | None = None
        self._connecting = False
        self.protocols: dict[str, Protocol] = {}
        self.painter = Painter()
        self._in_flight: set[asyncio.Task[Any]] = set()
        self._finished = asyncio.Event()  # set once close() has closed everything
        self._background: set[asyncio.Task[Any]] = set()

    @property
    def schedules(self) -> bool:
        """Whether this process runs the scheduled sweep (`python -m bot sync` does not)."""
        return self._schedule

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the database is opened by open(), before logging in")
        return self._db

    @property
    def connecting(self) -> bool:
        """Whether start-up has reached the gateway: from then on, `close()` is how to stop."""
        return self._connecting

    @property
    def lock(self) -> Lock:
        if self._lock is None:
            raise RuntimeError("the lock is taken by open(), before logging in")
        return self._lock

    async def open(self) -> None:
        """The start-up checks, the database and the protocols, before anything contacts Discord.

        Raises `StartupError`, `StorageError` or `ProtocolError` with the sentence to show.
        """
        if self._db is not None:
            return
        self.settings.prepare_database_folder()
        # Only the running bot shares the database with other processes' shards; the commands
        # (`sync`) need Mend stopped, as on SQLite.
        opened = await open_database(self.settings.database, self.settings.shards if self.schedules else None)
        self._db, self._lock = opened.db, opened.lock
        if opened.applied:
            log.info("Applied migrations: %s", ", ".join(opened.applied))
        self.protocols = load_protocols()
        catalogues()  # read every language's catalogue now, not while someone waits for an answer
        if self.schedules and self.settings.metrics_port is not None:
            self._metrics = metrics.MetricsServer(lambda: self.db.backlog(self.clock.now()))
            try:
                await self._metrics.start(self.settings.metrics_host, self.settings.metrics_port)
            except OSError as error:
                raise StartupError(
                    f"METRICS_PORT {self.settings.metrics_port} on {self.settings.metrics_host} cannot be used "
                    f"({error.strerror}): choose another port, or leave METRICS_PORT empty."
                ) from None

    async def setup_hook(self) -> None:
        await self.open()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.schedules:
            self.scheduler.start()

    def run_every(
        self, job_id: str, every: timedelta, job: Callable[[], Awaitable[object]], *, now_too: bool = False
    ) -> None:
        """Run `job` every `every` on the one scheduler: runs never overlap, missed runs collapse into
        one, and a run up to an hour late still happens (APScheduler's default grace is one second).
        """
        self.scheduler.add_job(
            self._stoppable(job_id, job),
            "interval",
            seconds=every.total_seconds(),
            id=job_id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE,
            next_run_time=datetime.now(UTC) if now_too else None,
            replace_existing=True,
        )

    def run_once(self, job_id: str, after: timedelta, job: Callable[[], Awaitable[object]]) -> None:
        """Run `job` once, `after` from now (real time: it waits on Discord, not on people)."""
        self.scheduler.add_job(
            self._stoppable(job_id, job),
            "date",
            run_date=datetime.now(UTC) + after,
            id=job_id,
            misfire_grace_time=MISFIRE_GRACE,
            replace_existing=True,
        )

    def _stoppable(self, job_id: str, job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        """`job`, run so that a shutdown lets it finish like an interaction, or stops it quietly after
        the grace (APScheduler would log the cancellation as a failure, with a traceback)."""

        async def run() -> None:
            self.track_current_task()
            try:
                await job()
            except asyncio.CancelledError:
                log.info("Stopped %s for the shutdown; what it had begun is taken up again later", job_id)

        return run

    def stop_running(self, job_id: str) -> None:
        if self.scheduler.get_job(job_id) is not None:
            self.scheduler.remove_job(job_id)

    def keep(self, task: asyncio.Task[Any]) -> None:
        """Hold a reference to a background task until it ends, and log it if it fails."""
        self._background.add(task)
        task.add_done_callback(self._forget_background)

    def _forget_background(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("A background task failed", exc_info=task.exception())

    def track_current_task(self) -> None:
        """Note the running interaction handler or job, so that a shutdown lets it finish first."""
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def settled(self) -> None:
        """Wait for the interactions being answered now to finish."""
        running = {task for task in self._in_flight if task is not asyncio.current_task()}
        if running:
            await asyncio.wait(running)

    async def close(self) -> None:
        """Let running interactions and jobs finish (stopping them after a grace), then close Discord,
        the scheduler, the metrics server, the database and its lock, in that order."""
        if self.scheduler.running:
            self.scheduler.pause()
        running = {task for task in self._in_flight if task is not asyncio.current_task()}
        if running:
            log.info("Letting %d interaction(s) and job(s) finish before closing", len(running))
            _done, late = await asyncio.wait(running, timeout=SHUTDOWN_GRACE)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        try:
            await super().close()
            await self.painter.close()
            metrics.gateway_connected(False)
            if self._metrics is not None:
                await self._metrics.stop()
                self._metrics = None
            if self._db is not None:
                await self._db.close()
                self._db = None
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None
            self._finished.set()

    async def run_until_closed(self) -> None:
        """Check and open the database, log in, sync commands if they changed since the last sync,
        and stay connected."""
        await self.open()
        await self.login(self.settings.token)
        from cogs.ui.channels import invite_url  # the Discord layer builds on this module

        log.info("Invite Mend to a server with %s", invite_url(self.application_id or 0))
        await self.sync_commands(self.settings.dev_guild_id, force=False)
        self._connecting = True
        await self.connect()
        await self._finished.wait()  # connect() returns as soon as Discord is closed; the rest follows

    async def sync_commands(self, guild_id: int | None = None, *, force: bool = True) -> bool:
        """Sync slash commands to one server (or everywhere); skip when unchanged unless forced."""
        guild = discord.Object(guild_id) if guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        translator, defined = self.tree.translator, self.tree.get_commands(guild=guild)
        if translator is None:
            payload = [command.to_dict(self.tree) for command in defined]
        else:  # as `tree.sync` sends them, so a changed translation is a change
            payload = [await command.get_translated_payload(self.tree, translator) for command in defined]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        key = f"{COMMANDS_HASH_KEY}:{self.application_id}:{guild_id or 'global'}"
        if not force and await self.db.meta(key) == digest:
            return False
        synced = await self.tree.sync(guild=guild)
        await self.db.set_meta(key, digest)
        log.info("Synced %d commands to %s", len(synced), f"server {guild_id}" if guild_id else "all servers")
        return True

    async def clear_commands(self, guild_id: int) -> None:
        """Remove the server-only copies of the commands (once `DEV_GUILD_ID` is no longer wanted)."""
        guild = discord.Object(guild_id)
        self.tree.clear_commands(guild=guild)
        await self.tree.sync(guild=guild)
        await self.db.set_meta(f"{COMMANDS_HASH_KEY}:{self.application_id}:{guild_id}", "")
        log.info("Removed the commands synced to server %s", guild_id)

    async def on_ready(self) -> None:
        metrics.gateway_connected(True)
        if self.user is not None:
            log.info("Mend is connected as %s, in %d server(s)%s.", self.user, len(self.guilds), self.on_shards())
        # Everything loaded so far lives as long as the bot: keep the collector from re-scanning it,
        # which otherwise shows up as pauses of tens of milliseconds under load.
        gc.freeze()

    def on_shards(self) -> str:
        """Which shards this process runs, for the log ("" when it is not sharded)."""
        return ""

    async def on_resumed(self) -> None:
        metrics.gateway_connected(True)

    async def on_disconnect(self) -> None:
        metrics.gateway_connected(False)

    @staticmethod
    def heard(interaction: discord.Interaction[MendBot]) -> None:
        """Speak this person's language for the rest of their interaction."""
        speak(str(interaction.locale))

    async def remember_language(self, interaction: discord.Interaction[MendBot]) -> None:
        """Remember the language of someone Mend keeps something about already (only its code, with
        the server they were seen in), so a repair opened with them can speak it. Failing to remember
        it holds nothing up."""
        if interaction.guild_id is None:
            return
        try:
            await self.db.note_locale(
                interaction.guild_id, interaction.user.id, str(interaction.locale), self.clock.now()
            )
        except self.db.busy_errors as error:
            log.warning("Could not note a person's language now: %s", error)

    async def report_error(self, interaction: discord.Interaction[MendBot], error: Exception) -> None:
        """Tell the person, privately and in plain words, that it did not work, giving back anything
        they wrote. A busy or full database, or Discord out of reach (a dropped connection, a rate
        limit, its own error), is expected: one line in the log. Anything else is a bug, logged with
        its traceback and context."""
        from cogs.ui import executor, render  # the Discord layer builds on this module

        metrics.interaction_failed(interaction.id)
        original = getattr(error, "original", error)
        command = interaction.command.qualified_name if interaction.command else None
        custom_id = (interaction.data or {}).get("custom_id") if interaction.data else None
        where = command or custom_id or interaction.type.name
        busy = self._db is not None and isinstance(original, self._db.busy_errors)
        if busy:
            log.warning("The database could not take %s now: %s", where, original)
        elif isinstance(original, UNREACHABLE):
            log.warning("Discord could not be reached for %s: %r", where, original)
        else:
            log.error(
                "Error in %s (user %s, guild %s, channel %s)",
                where,
                interaction.user.id,
                interaction.guild_id,
                interaction.channel_id,
                exc_info=original,
            )
        written = render.text_of(dict(interaction.data or {})).strip() or None
        await executor.answer(interaction, Reply(_(BUSY if busy else SOMETHING_WENT_WRONG), words=written))


class ShardedMendBot(MendBot, commands.AutoShardedBot):
    """Mend on several gateway connections, one per shard (`SHARD_COUNT`, `SHARD_IDS`)."""

    def on_shards(self) -> str:
        return f" on shard(s) {', '.join(map(str, sorted(self.shards)))} of {self.shard_count}"


def make_bot(settings: Settings, **options: Any) -> MendBot:
    """Mend for these settings: sharded when `SHARD_COUNT` is set, as a single connection otherwise."""
    return (ShardedMendBot if settings.shards is not None else MendBot)(settings, **options)


Interaction = discord.Interaction[MendBot]
# Discord out of reach for a moment: expected, and not Mend's bug.
UNREACHABLE = (discord.RateLimited, discord.DiscordServerError, aiohttp.ClientError, TimeoutError)

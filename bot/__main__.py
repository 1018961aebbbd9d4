"""Run Mend: `python -m bot` starts the bot; `python -m bot sync [--guild ID]` syncs its commands.

Start-up problems end with one plain sentence on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable

import aiohttp
import discord

from bot.app import MendBot, point_at_endpoints
from bot.protocols import ProtocolError
from bot.settings import Settings, SettingsError, load_settings
from bot.storage import StorageError

log = logging.getLogger("bot")

_REJECTED_TOKEN = (
    "Discord rejected DISCORD_TOKEN: copy a fresh token from the Discord Developer Portal "
    "(Bot → Reset Token) into .env."
)


class StartupError(Exception):
    """Mend cannot start; the message is the one sentence to show."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Run Mend, or sync its slash commands.")
    commands = parser.add_subparsers(dest="command")
    sync = commands.add_parser("sync", help="sync slash commands with Discord, then exit")
    sync.add_argument("--guild", type=int, help="sync to this server only (default: DEV_GUILD_ID, else everywhere)")
    sync.add_argument(
        "--clear", action="store_true", help="remove the server-only copies from --guild (after unsetting DEV_GUILD_ID)"
    )
    arguments = parser.parse_args(argv)
    try:
        settings = load_settings()
        settings.prepare_database_folder()
        discord.utils.setup_logging(level=settings.log_level_number, root=True)
        logging.getLogger("apscheduler").setLevel(max(settings.log_level_number, logging.WARNING))
        point_at_endpoints(settings)
        if arguments.command == "sync":
            asyncio.run(_sync(settings, arguments.guild or settings.dev_guild_id, clear=arguments.clear))
        else:
            asyncio.run(_run(settings))
    except (SettingsError, StartupError, StorageError, ProtocolError) as error:
        print(f"Mend could not start: {error}", file=sys.stderr)
        return 2
    return 0


async def _run(settings: Settings) -> None:
    bot = MendBot(settings)
    closing: set[asyncio.Task[None]] = set()

    def stop(signum: signal.Signals) -> None:
        log.info("Received %s; closing Discord, the scheduler and the database.", signum.name)
        task = asyncio.create_task(bot.close())
        closing.add(task)
        task.add_done_callback(closing.discard)

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop, signum)
    async with bot:
        await _guarded(bot, bot.run_until_closed())


async def _sync(settings: Settings, guild_id: int | None, *, clear: bool) -> None:
    if clear and guild_id is None:
        raise StartupError("--clear removes one server's commands: say which with --guild ID.")
    bot = MendBot(settings, schedule=False)
    async with bot:

        async def sync() -> None:
            await bot.login(settings.token)
            if clear:
                await bot.clear_commands(guild_id or 0)
            else:
                await bot.sync_commands(guild_id)

        await _guarded(bot, sync())


async def _guarded(bot: MendBot, work: Awaitable[None]) -> None:
    """Run start-up work, turning the failures a person can fix into one sentence."""
    try:
        await work
    except discord.LoginFailure:
        raise StartupError(_REJECTED_TOKEN) from None
    except discord.ConnectionClosed as closed:
        if closed.code == 4004:
            raise StartupError(_REJECTED_TOKEN) from None
        raise StartupError(f"Discord closed the connection (code {closed.code}).") from None
    except discord.Forbidden as error:
        where = f"server {bot.settings.dev_guild_id}" if bot.settings.dev_guild_id else "that server"
        raise StartupError(
            f"Discord refused to register the commands in {where} ({error.text}): check DEV_GUILD_ID (or --guild), "
            "and that the bot was invited there with the applications.commands scope."
        ) from None
    except discord.HTTPException as error:
        raise StartupError(f"Discord answered {error.status} ({error.text}); try again in a moment.") from None
    except aiohttp.ClientConnectionError as error:
        where = bot.settings.api_base_url or "discord.com"
        raise StartupError(f"it could not reach Discord at {where} ({error}); check the network.") from None


if __name__ == "__main__":
    sys.exit(main())

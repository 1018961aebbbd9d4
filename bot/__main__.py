"""Mend's command line: `python -m bot` runs the bot; its commands sync, invite, back up, restore,
forget a server, copy the database into PostgreSQL and check health (`python -m bot --help` lists
them, and every setting).

Every problem ends with one plain sentence on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sqlite3
import sys
import urllib.error
import urllib.request
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import discord

from bot import __version__
from bot.app import MendBot, make_bot, mend_intents, point_at_endpoints
from bot.logs import configure_logging
from bot.protocols import ProtocolError
from bot.settings import SETTINGS, Settings, SettingsError, load_settings, postgres_url
from bot.startup import StartupError, explain, explain_postgres, open_database
from bot.storage import DamagedError, StorageError
from bot.storage.files import FileLock, LockHeld, backup, restore

log = logging.getLogger("bot")

_REJECTED_TOKEN = (
    "Discord rejected DISCORD_TOKEN: copy a fresh token from the Discord Developer Portal "
    "(Bot → Reset Token) into .env."
)
# What each command does, for "Mend could not …:" before a problem's sentence.
_DOING = {
    None: "start",
    "sync": "sync its commands",
    "invite": "make the invite link",
    "backup": "back up the database",
    "restore": "restore the backup",
    "forget-server": "forget the server",
    "copy-database": "copy the database",
    "health": "check its health",
}
_TALKS_TO_DISCORD = {None, "sync", "invite"}


def parser() -> argparse.ArgumentParser:
    settings = "\n".join(f"  {name:<21} {default:<18} {meaning}" for name, default, meaning in SETTINGS)
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        usage="python -m bot [-h] [--version] [COMMAND ...]",
        description="Run Mend: with no command, the bot itself (until Ctrl+C or SIGTERM). The commands below "
        "do one thing and exit.",
        epilog="settings, read from the environment, else from .env in the current folder:\n"
        f"  {'name':<21} {'default':<18} meaning\n{settings}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mend {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    sync = commands.add_parser("sync", help="sync slash commands with Discord, then exit")
    sync.add_argument("--guild", type=int, help="sync to this server only (default: DEV_GUILD_ID, else everywhere)")
    sync.add_argument(
        "--clear", action="store_true", help="remove the server-only copies from --guild (after unsetting DEV_GUILD_ID)"
    )
    commands.add_parser("invite", help="print the link that adds Mend to a server, with exactly its permissions")
    saving = commands.add_parser(
        "backup", help="copy the database to PATH (a file, or a folder/ for a dated file in it), safely while Mend runs"
    )
    saving.add_argument("path", metavar="PATH")
    putting = commands.add_parser("restore", help="put a backup in the database's place (stop Mend first)")
    putting.add_argument("copy", type=Path, metavar="BACKUP")
    forget = commands.add_parser("forget-server", help="erase everything Mend holds for one server (asks first)")
    forget.add_argument("guild", type=int, metavar="ID")
    forget.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    copying = commands.add_parser(
        "copy-database", help="copy the SQLite database into an empty PostgreSQL one (stop Mend first)"
    )
    copying.add_argument("--to", required=True, metavar="URL", help="the PostgreSQL database: postgresql://…")
    commands.add_parser("health", help="ask the running Mend whether it is well (needs METRICS_PORT); exit 0 if so")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    command: str | None = arguments.command
    try:
        settings = load_settings(needs_token=command in _TALKS_TO_DISCORD)
        configure_logging(settings)
        point_at_endpoints(settings)
        return _run_command(command, arguments, settings)
    except (SettingsError, StartupError, StorageError, ProtocolError) as error:
        print(f"Mend could not {_DOING[command]}: {error}", file=sys.stderr)
        return 2


def run() -> None:
    """The `mend` console script."""
    sys.exit(main())


def _run_command(command: str | None, arguments: argparse.Namespace, settings: Settings) -> int:
    match command:
        case None:
            asyncio.run(_run(settings))
        case "sync":
            asyncio.run(_sync(settings, arguments.guild or settings.dev_guild_id, clear=arguments.clear))
        case "invite":
            asyncio.run(_invite(settings))
        case "backup" | "restore" if settings.database_url is not None:
            raise StartupError(
                f"{command} works on the SQLite file, and DATABASE_URL names a PostgreSQL database: back it up with "
                "PostgreSQL's own pg_dump and pg_restore (see the README's Running at scale)."
            )
        case "backup":
            _backup(settings.database_path, arguments.path)
        case "restore":
            settings.prepare_database_folder()
            _restore(arguments.copy, settings.database_path)
        case "forget-server":
            return asyncio.run(_forget_server(settings, arguments.guild, ask=not arguments.yes))
        case "copy-database":
            asyncio.run(_copy_database(settings, arguments.to))
        case "health":
            return _health(settings)
    return 0


async def _run(settings: Settings) -> None:
    """Run the bot; SIGINT or SIGTERM, at any moment of start-up or after, stop it gracefully.

    Until the gateway is reached, a stop cancels start-up; from then on it closes the bot, which
    ends the connection (cancelling there could be lost: Python 3.11's `asyncio.wait_for`, which
    discord.py connects with, can swallow a cancellation that arrives as it completes).
    """
    bot = make_bot(settings)
    main_task = asyncio.current_task()
    assert main_task is not None
    stopping: list[signal.Signals] = []
    closing: set[asyncio.Task[None]] = set()

    def stop(signum: signal.Signals) -> None:
        if stopping:
            return
        stopping.append(signum)
        log.info("Received %s; closing Discord, the scheduler and the database.", signum.name)
        if bot.connecting:
            closing.add(asyncio.create_task(bot.close()))
        else:
            main_task.cancel()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop, signum)
    try:
        async with bot:
            await _guarded(bot.settings, bot.run_until_closed())
    except asyncio.CancelledError:
        if not stopping:
            raise
    await asyncio.gather(*closing)


async def _sync(settings: Settings, guild_id: int | None, *, clear: bool) -> None:
    if clear and guild_id is None:
        raise StartupError("--clear removes one server's commands: say which with --guild ID.")
    bot = MendBot(settings, schedule=False)
    async with bot:

        async def sync() -> None:
            await bot.open()
            await bot.login(settings.token)
            if clear:
                await bot.clear_commands(guild_id or 0)
            else:
                await bot.sync_commands(guild_id)

        await _guarded(settings, sync())


async def _invite(settings: Settings) -> None:
    """Log in over HTTP only (no gateway, no database) to learn the application's ID."""
    from cogs.ui.channels import invite_url

    client = discord.Client(intents=mend_intents())
    async with client:
        await _guarded(settings, client.login(settings.token))
        print(invite_url(client.application_id or 0))


async def _guarded(settings: Settings, work: Awaitable[None]) -> None:
    """Run work that talks to Discord, turning the failures a person can fix into one sentence."""
    try:
        await work
    except discord.LoginFailure:
        raise StartupError(_REJECTED_TOKEN) from None
    except discord.ConnectionClosed as closed:
        if closed.code == 4004:
            raise StartupError(_REJECTED_TOKEN) from None
        raise StartupError(f"Discord closed the connection (code {closed.code}).") from None
    except discord.Forbidden as error:
        where = f"server {settings.dev_guild_id}" if settings.dev_guild_id else "that server"
        raise StartupError(
            f"Discord refused to register the commands in {where} ({error.text}): check DEV_GUILD_ID (or --guild), "
            "and that the bot was invited there with the applications.commands scope."
        ) from None
    except discord.HTTPException as error:
        raise StartupError(f"Discord answered {error.status} ({error.text}); try again in a moment.") from None
    except aiohttp.ClientConnectionError as error:
        where = settings.api_base_url or "discord.com"
        raise StartupError(f"it could not reach Discord at {where} ({error}); check the network.") from None


def _backup(database: Path, path: str) -> None:
    target = Path(path)
    if path.endswith("/") or target.is_dir():
        target /= f"mend-{datetime.now(UTC):%Y-%m-%dT%H%M%SZ}.sqlite3"
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StartupError(f"The folder {str(folder)!r} cannot be made ({error.strerror}): choose another.") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StartupError(f"The backup cannot be written to {str(folder)!r}: choose a folder you can write to.")
    try:
        size = backup(database, target)
    except (sqlite3.Error, OSError, DamagedError) as error:
        raise StartupError(explain(error, database)) from None
    print(f"Backed up {str(database)!r} to {str(target)!r} ({size / 1024:.0f} KiB).")


def _restore(copy: Path, database: Path) -> None:
    try:
        lock = FileLock.take(database)
    except LockHeld:
        raise StartupError(f"Mend is running on {str(database)!r}: stop it first, then restore.") from None
    except OSError as error:
        raise StartupError(explain(error, database)) from None
    try:
        kept = restore(copy, database, suffix=f".replaced-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
    except DamagedError as error:
        raise StartupError(f"The backup {error} is damaged too: choose an older one.") from None
    except (sqlite3.Error, OSError) as error:
        raise StartupError(explain(error, database)) from None
    finally:
        lock.release()
    aside = f" (the file it replaced is kept as {str(kept[0])!r})" if kept else ""
    print(f"Restored {str(database)!r} from {str(copy)!r}{aside}; start Mend again.")


async def _forget_server(settings: Settings, guild_id: int, *, ask: bool) -> int:
    settings.prepare_database_folder()
    opened = await open_database(settings.database)
    try:
        found = await opened.db.server_footprint(guild_id)
        if found.empty:
            print(f"Mend holds nothing for server {guild_id}.")
            return 0
        print(
            f"This erases everything Mend holds for server {guild_id}: {found.repairs} repair(s), "
            f"{found.memberships} membership record(s), {found.settings_changes} settings change(s), and "
            f"{len(found.people)} person(s) Mend knows only from there. Threads in Discord are not touched."
        )
        if ask and _answer(f"Type the server ID ({guild_id}) to erase it: ") != str(guild_id):
            print("Nothing was erased.")
            return 1
        await opened.db.forget_server(guild_id)
        print(f"Erased server {guild_id} from {opened.db.where!r}.")
        return 0
    finally:
        await opened.db.close()
        opened.lock.release()


async def _copy_database(settings: Settings, url: str) -> None:
    """Copy the SQLite database at DATABASE_PATH into the empty PostgreSQL database at `url`."""
    import asyncpg

    from bot.storage.copy import copy_rows, refuse_unless_empty
    from bot.storage.postgres import describe

    if settings.database_url is not None:
        raise StartupError(
            "copy-database copies the SQLite file at DATABASE_PATH: unset DATABASE_URL while copying, then set it "
            "to the new database."
        )
    target = postgres_url(url, "--to")
    assert target is not None
    if not settings.database_path.is_file():
        raise StartupError(f"There is no database at {str(settings.database_path)!r} to copy: check DATABASE_PATH.")
    source = await open_database(settings.database_path)
    try:
        await refuse_unless_empty(target)
        copy = await open_database(target)
        try:
            counts = await copy_rows(source.db, copy.db)
        finally:
            await copy.db.close()
            copy.lock.release()
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise StartupError(explain_postgres(error, describe(target))) from None
    finally:
        await source.db.close()
        source.lock.release()
    print(f"Copied {str(settings.database_path)!r} into {describe(target)}:")
    for table, count in sorted(counts.items()):
        print(f"  {table:<16} {count:>9} row(s)")
    print("Set DATABASE_URL to it (keep the SQLite file as a backup), then start Mend.")


def _answer(question: str) -> str:
    try:
        return input(question).strip()
    except EOFError:
        return ""


def _health(settings: Settings) -> int:
    if settings.metrics_port is None:
        raise SettingsError("the health check asks Mend's METRICS_PORT: set it, for Mend and for this command.")
    host = "127.0.0.1" if settings.metrics_host in ("0.0.0.0", "::") else settings.metrics_host
    host = f"[{host}]" if ":" in host else host
    try:
        with urllib.request.urlopen(f"http://{host}:{settings.metrics_port}/healthz", timeout=5) as answer:
            print(answer.read().decode())
            return 0
    except urllib.error.HTTPError as unwell:
        print(unwell.read().decode())
    except OSError as error:
        print(json.dumps({"status": "unreachable", "error": str(getattr(error, "reason", error))}))
    return 1


if __name__ == "__main__":
    sys.exit(main())

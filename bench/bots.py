"""Starting a bot in its own process against the stand-in, the way the benchmarks run every bot."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path

from tests.standin.server import Application, StandIn

ROOT = Path(__file__).resolve().parent.parent
MEND = ("-m", "bot")


async def launch(
    standin: StandIn, application: Application, folder: Path, command: tuple[str, ...], **settings: str
) -> asyncio.subprocess.Process:
    """Start `python <command>` as `application`, with its database in `folder` and Mend's default
    global budget (whatever this shell says), and wait until it is connected and its commands synced."""
    env = {
        **{key: value for key, value in os.environ.items() if key != "GLOBAL_RATE"},
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": application.token,
        "DISCORD_API_BASE_URL": standin.api_url,
        "DISCORD_GATEWAY_URL": standin.gateway_url,
        "DATABASE_PATH": str(folder / f"{application.bot.username}.sqlite3"),
        "LOG_LEVEL": "WARNING",
        **settings,
    }
    sessions = len(standin.gateway.sessions_started) + 1
    quiet = asyncio.subprocess.DEVNULL
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command, cwd=folder, env=env, stdout=quiet, stderr=quiet
    )
    await standin.gateway.wait_for_sessions(sessions, timeout=60)
    await standin.until(lambda: bool(application.commands), timeout=60)
    return process


async def stop(process: asyncio.subprocess.Process | None) -> None:
    """Stop a bot as a service manager would (SIGTERM), and wait for it."""
    if process is not None and process.returncode is None:
        process.terminate()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), 20)

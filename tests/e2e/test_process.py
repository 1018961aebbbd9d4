"""`python -m bot` as a newcomer runs it: a real process against the stand-in, and its start-up errors."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.helpers import World

ROOT = Path(__file__).resolve().parents[2]


def _environment(world: World, tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DATABASE_", "DEV_"))
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DISCORD_TOKEN=world.application.token,
        DATABASE_PATH=str(tmp_path / "data" / "mend.sqlite3"),
        DISCORD_API_BASE_URL=world.standin.api_url,
        DISCORD_GATEWAY_URL=world.standin.gateway_url,
        LOG_LEVEL="INFO",
    )
    env.update(overrides)
    return env


async def _spawn(env: dict[str, str], cwd: Path, *arguments: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *arguments,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _finish(process: asyncio.subprocess.Process) -> tuple[int, str]:
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def test_the_bot_process_serves_commands_and_stops_cleanly_on_sigterm(
    world: World, tmp_path: Path
) -> None:
    process = await _spawn(_environment(world, tmp_path), tmp_path)
    await world.standin.gateway.wait_for_sessions(1)
    reply = await (await world.alex.slash("repair help", world.general)).reply()
    assert reply.ephemeral and "rupture" in reply.text

    process.send_signal(signal.SIGTERM)
    code, log = await _finish(process)
    assert code == 0, log
    assert "Traceback" not in log
    assert "closing Discord, the scheduler and the database" in log
    assert (tmp_path / "data" / "mend.sqlite3").exists(), "the database folder is created on start"


async def test_a_missing_token_stops_start_up_with_one_sentence(world: World, tmp_path: Path) -> None:
    code, log = await _finish(await _spawn(_environment(world, tmp_path, DISCORD_TOKEN=""), tmp_path))
    assert code == 2
    assert log.strip().splitlines() == [
        "Mend could not start: DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot's "
        "token from the Discord Developer Portal (Bot → Reset Token)."
    ]


async def test_a_malformed_setting_names_the_setting(world: World, tmp_path: Path) -> None:
    env = _environment(world, tmp_path, DEV_GUILD_ID="my-server")
    code, log = await _finish(await _spawn(env, tmp_path))
    assert code == 2
    assert len(log.strip().splitlines()) == 1
    assert "DEV_GUILD_ID must be a server ID" in log


async def test_a_token_discord_rejects_stops_start_up_with_one_sentence(world: World, tmp_path: Path) -> None:
    forged = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789"
    code, log = await _finish(await _spawn(_environment(world, tmp_path, DISCORD_TOKEN=forged), tmp_path))
    assert code == 2
    assert log.strip().splitlines()[-1].startswith("Mend could not start: Discord rejected DISCORD_TOKEN")
    assert "Traceback" not in log


async def test_a_token_the_gateway_rejects_stops_start_up_with_one_sentence(
    world: World, tmp_path: Path
) -> None:
    world.standin.reject_at_gateway.add(world.application.token)
    code, log = await _finish(await _spawn(_environment(world, tmp_path), tmp_path))
    assert code == 2
    assert log.strip().splitlines()[-1].startswith("Mend could not start: Discord rejected DISCORD_TOKEN")
    assert "Traceback" not in log


async def test_sync_command_syncs_to_one_server_and_exits(world: World, tmp_path: Path) -> None:
    env = _environment(world, tmp_path)
    code, log = await _finish(await _spawn(env, tmp_path, "sync", "--guild", str(world.guild.id)))
    assert code == 0, log
    commands = world.application.commands[world.guild.id]
    assert {c["name"] for c in commands} >= {"repair"}
    assert world.standin.gateway.identifies == [], "syncing does not connect to the gateway"

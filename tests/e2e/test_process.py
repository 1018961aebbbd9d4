"""`python -m bot` as a newcomer runs it: a real process against the stand-in, and its start-up errors."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.helpers import World, bot_environment, finish, spawn_bot


async def test_the_bot_process_serves_commands_and_stops_cleanly_on_sigterm(world: World, tmp_path: Path) -> None:
    process = await spawn_bot(bot_environment(world, tmp_path), tmp_path)
    await world.standin.gateway.wait_for_sessions(1)
    reply = await (await world.alex.slash("repair help", world.general)).reply()
    assert reply.ephemeral and "rupture" in reply.text

    process.send_signal(signal.SIGTERM)
    code, log = await finish(process)
    assert code == 0, log
    assert "Traceback" not in log
    assert "closing Discord, the scheduler and the database" in log
    assert (tmp_path / "data" / "mend.sqlite3").exists(), "the database folder is created on start"


async def test_a_missing_token_stops_start_up_with_one_sentence(world: World, tmp_path: Path) -> None:
    code, log = await finish(await spawn_bot(bot_environment(world, tmp_path, DISCORD_TOKEN=""), tmp_path))
    assert code == 2
    assert log.strip().splitlines() == [
        "Mend could not start: DISCORD_TOKEN is not set: copy .env.example to .env (in the folder you start "
        "Mend from) and paste your bot's token from the Discord Developer Portal (Bot → Reset Token)."
    ]


async def test_a_malformed_setting_names_the_setting(world: World, tmp_path: Path) -> None:
    env = bot_environment(world, tmp_path, DEV_GUILD_ID="my-server")
    code, log = await finish(await spawn_bot(env, tmp_path))
    assert code == 2
    assert len(log.strip().splitlines()) == 1
    assert "DEV_GUILD_ID must be a server ID" in log


async def test_a_token_discord_rejects_stops_start_up_with_one_sentence(world: World, tmp_path: Path) -> None:
    forged = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789"
    code, log = await finish(await spawn_bot(bot_environment(world, tmp_path, DISCORD_TOKEN=forged), tmp_path))
    assert code == 2
    assert log.strip().splitlines()[-1].startswith("Mend could not start: Discord rejected DISCORD_TOKEN")
    assert "Traceback" not in log


async def test_a_token_the_gateway_rejects_stops_start_up_with_one_sentence(world: World, tmp_path: Path) -> None:
    world.standin.reject_at_gateway.add(world.application.token)
    code, log = await finish(await spawn_bot(bot_environment(world, tmp_path), tmp_path))
    assert code == 2
    assert log.strip().splitlines()[-1].startswith("Mend could not start: Discord rejected DISCORD_TOKEN")
    assert "Traceback" not in log


async def test_sync_command_syncs_to_one_server_and_exits(world: World, tmp_path: Path) -> None:
    env = bot_environment(world, tmp_path)
    code, log = await finish(await spawn_bot(env, tmp_path, "sync", "--guild", str(world.guild.id)))
    assert code == 0, log
    commands = world.application.commands[world.guild.id]
    assert {c["name"] for c in commands} >= {"repair"}
    assert world.standin.gateway.identifies == [], "syncing does not connect to the gateway"


async def test_a_server_the_bot_is_not_in_stops_start_up_with_one_sentence(world: World, tmp_path: Path) -> None:
    world.standin.fail("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", 403, code=50001)
    env = bot_environment(world, tmp_path, DEV_GUILD_ID="123456789012345678")
    code, log = await finish(await spawn_bot(env, tmp_path))
    assert code == 2
    assert "Traceback" not in log
    assert (
        log.strip()
        .splitlines()[-1]
        .startswith("Mend could not start: Discord refused to register the commands in server 123456789012345678")
    )


async def test_server_only_commands_can_be_cleared_after_development(world: World, tmp_path: Path) -> None:
    env = bot_environment(world, tmp_path)
    guild = str(world.guild.id)
    assert (await finish(await spawn_bot(env, tmp_path, "sync", "--guild", guild)))[0] == 0
    assert world.application.commands[world.guild.id]
    code, log = await finish(await spawn_bot(env, tmp_path, "sync", "--guild", guild, "--clear"))
    assert code == 0, log
    assert world.application.commands[world.guild.id] == []


async def test_an_empty_exported_token_does_not_hide_the_one_in_env(world: World, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={world.application.token}\n")
    process = await spawn_bot(bot_environment(world, tmp_path, DISCORD_TOKEN=""), tmp_path)
    await world.standin.gateway.wait_for_sessions(1)
    process.send_signal(signal.SIGTERM)
    code, log = await finish(process)
    assert code == 0, log

"""Mend starts on the stand-in, syncs its commands deliberately, and answers /repair help."""

from __future__ import annotations

import logging

import discord
import pytest

from bot.app import MendBot
from bot.wording import common
from tests.helpers import Harness, World

PRIVILEGED_INTENTS = {"GUILD_MEMBERS": 1 << 1, "GUILD_PRESENCES": 1 << 8, "MESSAGE_CONTENT": 1 << 15}


async def test_start_up_syncs_the_commands_once(world: World, harness: Harness) -> None:
    await harness.start()
    synced = world.application.commands[None]
    repair = next(c for c in synced if c["name"] == "repair")
    assert "help" in [option["name"] for option in repair["options"]]
    puts = world.standin.calls("PUT", "/applications/{application_id}/commands")
    assert len(puts) == 1

    await harness.restart()
    assert len(world.standin.calls("PUT", "/applications/{application_id}/commands")) == 1, (
        "unchanged commands must not be synced again on restart"
    )


async def test_identify_asks_for_no_privileged_intent(world: World, mend: MendBot) -> None:
    intents = world.standin.gateway.identifies[-1]["intents"]
    assert intents & 1, "Mend needs the Guilds intent for its server and thread caches"
    for name, bit in PRIVILEGED_INTENTS.items():
        assert not intents & bit, f"{name} is privileged and must not be requested"


async def test_repair_help_answers_privately_within_three_seconds(world: World, mend: MendBot) -> None:
    reply = await (await world.alex.slash("repair help", world.general)).reply()
    assert reply.type == 4
    assert reply.ephemeral
    assert reply.elapsed < 3
    text = reply.text
    assert "rupture" in text
    assert "moderators and admins can read private threads" in text
    assert "Quick repair" in text and "Full repair" in text and "Parent–child repair" in text
    assert reply.message is not None and reply.message.pings() == set()


async def test_a_failing_command_is_answered_in_plain_words_and_logged(
    world: World, mend: MendBot, caplog: pytest.LogCaptureFixture
) -> None:
    @discord.app_commands.command(name="explode", description="fails on purpose")
    async def explode(interaction: discord.Interaction[MendBot]) -> None:
        raise RuntimeError("boom")

    mend.tree.add_command(explode)
    await mend.sync_commands()
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        reply = await (await world.alex.slash("explode", world.general)).reply()
    assert reply.ephemeral
    assert common.SOMETHING_WENT_WRONG in reply.text
    assert "boom" not in reply.text, "internal details are logged, not shown"
    record = next(r for r in caplog.records if "Error in explode" in r.getMessage())
    assert f"user {world.alex.id}" in record.getMessage()
    assert record.exc_info is not None


async def test_a_gateway_drop_is_resumed_and_commands_keep_working(world: World, mend: MendBot) -> None:
    await world.standin.drop_gateway(world.application)
    reply = await (await world.sam.slash("repair help", world.general)).reply()
    assert reply.ephemeral
    assert world.standin.gateway.resumes, "discord.py should RESUME the dropped session"
    assert len(world.standin.gateway.identifies) == 1

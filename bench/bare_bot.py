"""The baseline: a bare discord.py bot that answers `/ping` with one ephemeral reply.

Run by `bench/interactions.py` in its own process, against the same stand-in as Mend:
`python bench/bare_bot.py` with DISCORD_TOKEN, DISCORD_API_BASE_URL and DISCORD_GATEWAY_URL set.
`bench/floor_bot.py` starts the same way (`client`, `serve`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

import discord
import yarl


def client() -> tuple[discord.Client, discord.app_commands.CommandTree[discord.Client]]:
    """A plain client with only the Guilds intent, pointed at the stand-in, and its command tree."""
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE_URL"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    intents = discord.Intents.none()
    intents.guilds = True
    made = discord.Client(intents=intents)
    return made, discord.app_commands.CommandTree(made)


async def serve(
    made: discord.Client,
    tree: discord.app_commands.CommandTree[discord.Client],
    setup: Callable[[], None] = lambda: None,
) -> None:
    """Sync the commands at start (after `setup`), then run until stopped."""

    async def setup_hook() -> None:
        setup()
        await tree.sync()

    made.setup_hook = setup_hook  # type: ignore[method-assign]
    async with made:
        await made.start(os.environ["DISCORD_TOKEN"])


async def main() -> None:
    made, tree = client()

    @tree.command(description="Answers pong, privately")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    await serve(made, tree)


if __name__ == "__main__":
    asyncio.run(main())

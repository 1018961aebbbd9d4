"""The baseline: a bare discord.py bot that answers `/ping` with one ephemeral reply.

Run by `bench/interactions.py` in its own process, against the same stand-in as Mend:
`python bench/bare_bot.py` with DISCORD_TOKEN, DISCORD_API_BASE_URL and DISCORD_GATEWAY_URL set.
"""

from __future__ import annotations

import asyncio
import os

import discord
import yarl


async def main() -> None:
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE_URL"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    intents = discord.Intents.none()
    intents.guilds = True
    client = discord.Client(intents=intents)
    tree = discord.app_commands.CommandTree(client)

    @tree.command(description="Answers pong, privately")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    async def setup_hook() -> None:
        await tree.sync()

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    async with client:
        await client.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    asyncio.run(main())

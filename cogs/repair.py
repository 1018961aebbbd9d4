"""The `/repair` commands: help for now; the repair flow comes with its issue."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import MendBot

MEND_COLOUR = discord.Colour.from_rgb(94, 129, 172)


def help_embed(bot: MendBot) -> discord.Embed:
    """The guide to Mend: what a rupture is, why repair matters, the steps, and what is kept."""
    embed = discord.Embed(
        title="Mend: repairing a rupture, together",
        colour=MEND_COLOUR,
        description=(
            "A **rupture** is a moment when one of you felt unseen, misunderstood or shut out. It "
            "happens in every close relationship, often, even between people who feel secure with "
            "each other. It isn't a failure. What matters is the **repair**: coming back to it, "
            "hearing each other, and finding your way back. Each repair makes the bond a little "
            "sturdier, and Mend counts repairs, not calm days."
        ),
    )
    embed.add_field(
        name="The four moves of repair",
        value=(
            "**Acknowledge** what happened, without defending.\n"
            "**Listen** fully to the other person's side.\n"
            "**Validate** what makes sense about how they felt.\n"
            "**Find common ground** for next time."
        ),
        inline=False,
    )
    embed.add_field(
        name="How it works",
        value=(
            "`/repair start` invites the other person to a private thread; nothing happens until "
            "they say they're ready. Then Mend walks you through the steps in turns: whoever has "
            "the floor writes, the other reflects back what they heard, and the first says "
            "*got it* or *not quite*. For feelings and each one's reality you both write "
            "privately, and the answers appear together, so nobody has to go first. A repair is "
            "finished only when **both** of you say you feel understood."
        ),
        inline=False,
    )
    embed.add_field(
        name="Ways to repair",
        value="\n".join(f"**{p.name}**: {p.description}" for p in bot.protocols.values())[:1024],
        inline=False,
    )
    embed.add_field(
        name="Breaks and stepping away",
        value=(
            "Either of you can take a break (20 minutes up to a day) or step away at any time, in "
            "one click and without giving a reason. The other person sees only a neutral note. "
            "Strong feelings take at least 20 minutes to settle; a break is part of repair."
        ),
        inline=False,
    )
    embed.add_field(
        name="What Mend keeps, and who can read",
        value=(
            "Mend keeps who is in a repair, which steps, where it stands and when, not your words: "
            "what you write is posted in the thread and then erased from Mend's database (private "
            "answers are held only until both are in). The thread is private to the two of you, "
            "**but server moderators and admins can read private threads.** `/privacy` shows, "
            "exports or deletes what Mend holds about you."
        ),
        inline=False,
    )
    embed.set_footer(
        text="Mend is for relationships that feel safe. If you're afraid or in crisis, /resources lists help."
    )
    return embed


@app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
class RepairCommands(commands.GroupCog, group_name="repair", group_description="Repair a rupture, together"):
    """`/repair …`: the Discord side of the repair flow."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What Mend is, how a repair works, and what is kept")
    async def help(self, interaction: discord.Interaction[MendBot]) -> None:
        await interaction.response.send_message(embed=help_embed(self.bot), ephemeral=True)


async def setup(bot: MendBot) -> None:
    await bot.add_cog(RepairCommands(bot))

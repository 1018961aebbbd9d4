"""Safety and privacy: `/resources`, `/privacy about|export|delete`, and erasing people who left.

Everything here is answered privately and nothing is posted where the other person could see it,
except the neutral line an erased person's open repair gets ("This repair has ended.").
"""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import MendBot, answer_privately
from bot.repair import without
from cogs._safety import ResourcesButton, resources_embed
from cogs._ui import COLOUR, DISCORD_FAILURES, NO_PINGS, Interaction, MendButton, buttons

log = logging.getLogger(__name__)

MEMBERSHIP_CHECK_EVERY = timedelta(hours=1)
MEMBERSHIP_CHECKS_PER_RUN = 50
ERASE_TEMPLATE = re.compile(r"mend:erase:(?P<user>\d{1,19}):(?P<answer>yes|no)")
ENDED = "This repair has ended."


def privacy_embed() -> discord.Embed:
    """What Mend keeps and what it doesn't, who can read threads, and the person's choices."""
    return discord.Embed(
        title="What Mend keeps",
        colour=COLOUR,
        description=(
            "**Your words are not kept.** What you write is posted in the repair's thread and not "
            "stored by Mend; answers written privately are held only until both are in, then erased.\n\n"
            "Mend keeps: who is in each repair, which way of repairing, where it stands and when, "
            "whether check-ins are due, your time zone and quiet hours if you set them, that you saw "
            "the privacy notice, and anyone you blocked.\n\n"
            "**Who can read a repair thread:** the two of you, and server moderators and admins "
            "(Manage Threads or Administrator) can read private threads. `/mend settings` lists who that is.\n\n"
            "`/privacy export` sends you a file of everything Mend holds about you. `/privacy delete` "
            "erases it. If you leave a server and don't come back within 30 days, Mend erases it too."
        ),
    )


class EraseButton(MendButton, template=ERASE_TEMPLATE):
    """The confirmation for `/privacy delete`; only the person it was shown to can press it."""

    def __init__(self, user_id: int, answer: str, label: str = "·") -> None:
        self.user_id, self.answer = user_id, answer
        style = discord.ButtonStyle.danger if answer == "yes" else discord.ButtonStyle.secondary
        super().__init__(f"mend:erase:{user_id}:{answer}", label, style)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> EraseButton:
        return cls(int(match["user"]), match["answer"])

    async def pressed(self, interaction: Interaction) -> None:
        if interaction.user.id != self.user_id:
            await answer_privately(interaction, "This button is for someone else's data, so it does nothing for you.")
            return
        if self.answer == "no":
            await interaction.response.edit_message(content="Nothing was deleted.", view=None)
            return
        await interaction.response.defer()
        await erase_person(interaction.client, self.user_id)
        await interaction.edit_original_response(
            content="Done. Mend no longer holds anything about you. Your open repairs have ended.", view=None
        )


async def erase_person(bot: MendBot, user_id: int) -> None:
    """Erase everything about a person; their open repairs end with a neutral line in the thread."""
    ruptures = await bot.db.ruptures_of(user_id)
    cadences = {guild: (await bot.db.guild_settings(guild)).cadence for guild in {r.guild_id for r in ruptures}}
    await bot.db.erase(user_id, [without(r, user_id, cadences[r.guild_id]) for r in ruptures])
    ended = [r for r in ruptures if r.status.is_open]
    for rupture in ended:
        if rupture.thread_id is None:
            continue
        thread = bot.get_partial_messageable(rupture.thread_id, guild_id=rupture.guild_id)
        try:
            await thread.send(embed=discord.Embed(description=ENDED, colour=COLOUR), allowed_mentions=NO_PINGS)
            channel = bot.get_channel(rupture.thread_id) or await bot.fetch_channel(rupture.thread_id)
            if isinstance(channel, discord.Thread):
                await channel.edit(archived=True)
        except discord.HTTPException:
            log.warning("Could not close the thread of erased rupture %s", rupture.id, exc_info=True)
    log.info("Erased a person's data (%d open repair(s) ended)", len(ended))


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
class PrivacyCommands(commands.GroupCog, group_name="privacy", group_description="What Mend keeps about you"):
    """`/privacy …` and `/resources`: always private, always available (in DMs too)."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        if self.bot.schedules:
            self.bot.run_every("membership-check", MEMBERSHIP_CHECK_EVERY, self.check_memberships)

    async def cog_unload(self) -> None:
        self.bot.stop_running("membership-check")

    @app_commands.command(name="about", description="What Mend keeps, what it doesn't, and who can read threads")
    async def about(self, interaction: Interaction) -> None:
        await answer_privately(interaction, "", embed=privacy_embed())

    @app_commands.command(name="export", description="A file of everything Mend holds about you (only you see it)")
    async def export(self, interaction: Interaction) -> None:
        rows = await self.bot.db.export(interaction.user.id)
        data = json.dumps({"user_id": str(interaction.user.id), **rows}, indent=2, default=str).encode()
        file = SpecFile(io.BytesIO(data), filename="mend-data.json")
        await answer_privately(interaction, "Everything Mend holds about you, as JSON.", file=file)

    @app_commands.command(name="delete", description="Erase everything Mend holds about you (asks first)")
    async def delete(self, interaction: Interaction) -> None:
        view = buttons(
            EraseButton(interaction.user.id, "yes", "Erase my data"), EraseButton(interaction.user.id, "no", "Keep it")
        )
        await answer_privately(
            interaction,
            "Erase everything Mend holds about you? Your settings, blocks and your place in every repair "
            "are removed; repairs you are in now end, and the other person sees only that the repair "
            "ended. What was posted in threads stays in Discord. This cannot be undone.",
            view=view,
        )

    async def check_memberships(self) -> int:
        """Notice who has left the servers Mend knows them in; erase those gone for thirty days."""
        now: datetime = self.bot.clock.now()
        db = self.bot.db
        for guild_id, user_id in await db.memberships_to_check(now, MEMBERSHIP_CHECKS_PER_RUN):
            present = True
            try:
                await self.bot.http.get_member(guild_id, user_id)
            except discord.NotFound as error:
                # Unknown member or user: they left (or are gone); unknown server: Mend was removed.
                present = error.code not in (10004, 10007, 10013)
            except DISCORD_FAILURES:
                log.warning("Could not check membership in guild %s; trying again tomorrow", guild_id, exc_info=True)
            await db.record_membership(guild_id, user_id, present=present, now=now)
        departed = await db.departed(now)
        for user_id in departed:
            await erase_person(self.bot, user_id)
        return len(departed)


class SpecFile(discord.File):
    """A file whose attachment id is sent as a string, the snowflake type Discord's spec asks for."""

    def to_dict(self, index: int) -> dict[str, Any]:
        payload = super().to_dict(index)
        payload["id"] = str(index)
        return payload


@app_commands.command(name="resources", description="Help and safety: crisis lines, abuse support, leaving privately")
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
async def resources(interaction: Interaction) -> None:
    await answer_privately(interaction, "", embed=resources_embed())


async def setup(bot: MendBot) -> None:
    bot.register_components(ResourcesButton, EraseButton)
    bot.tree.add_command(resources)
    await bot.add_cog(PrivacyCommands(bot))


async def teardown(bot: MendBot) -> None:
    bot.tree.remove_command("resources")

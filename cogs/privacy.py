"""Safety and privacy: `/resources`, `/privacy about|export|delete`, and erasing people who left.

Everything here is answered privately and nothing is posted where the other person could see it,
except the neutral line an erased person's open repair gets ("This repair has ended.").
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Interaction, MendBot
from bot.components import Choice, EraseButton
from bot.i18n import _, speaking
from bot.people import ERASE_AFTER_LEAVING, erased_from
from bot.plan import Attachment, Button, Card, Post, Reply, Style, Tone
from bot.rupture import Rupture
from bot.wording import privacy as words
from cogs.ui import executor
from cogs.ui.channels import DISCORD_FAILURES, ErrorCode, archive_quietly, is_code, partial_thread

log = logging.getLogger(__name__)

MEMBERSHIP_CHECK_EVERY = timedelta(hours=1)
MEMBERSHIP_CHECKS_PER_RUN = 50
EXPORT_FILE = "mend-data.json"


async def show_resources(interaction: Interaction) -> None:
    await executor.answer(interaction, Reply(cards=(words.resources(str(interaction.locale)),)))


async def erase(interaction: Interaction, button: EraseButton) -> None:
    """The confirmation for `/privacy delete`; only the person it was shown to can press it."""
    if interaction.user.id != button.user_id:
        await executor.answer(interaction, Reply(_(words.NOT_YOUR_DATA)))
        return
    if button.choice is Choice.NO:
        await executor.Responder.of(interaction).update(content=_(words.KEPT), view=None)
        return
    await executor.defer(interaction)
    await erase_person(interaction.client, button.user_id)
    await executor.Responder.of(interaction).update(content=_(words.ERASED), view=None)


async def erase_person(bot: MendBot, user_id: int) -> None:
    """Erase everything about a person; their open repairs end with a neutral line in the thread,
    and a closed one whose thread was still to be told something is archived as it stands."""
    ruptures = await bot.db.ruptures_of(user_id)
    cadences = {guild: (await bot.db.guild_settings(guild)).cadence for guild in {r.guild_id for r in ruptures}}
    dropped = await bot.db.erase(user_id, [erased_from(r, user_id, cadences[r.guild_id]) for r in ruptures])
    ended = 0
    for rupture in ruptures:
        if rupture.thread_id is None:
            continue
        if rupture.status.is_open:
            await _end_in_thread(bot, rupture, rupture.thread_id)
            ended += 1
        elif rupture.id in dropped:
            await archive_quietly(bot, rupture.thread_id)
    log.info("Erased a person's data (%d open repair(s) ended)", ended)


async def _end_in_thread(bot: MendBot, rupture: Rupture, thread_id: int) -> None:
    """Say in an erased person's open repair that it has ended, in neutral words, and archive it."""
    thread = partial_thread(bot, thread_id, rupture.guild_id)
    with speaking(rupture.language):
        ended_here = Post((Card(_(words.REPAIR_ENDED), tone=Tone.MAIN),))
    try:
        await executor.post(thread, (ended_here,))
    except DISCORD_FAILURES as error:
        log.warning("Could not tell the thread of erased rupture %s: %s", rupture.id, error)
        return
    await archive_quietly(bot, thread_id)


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
class PrivacyCommands(commands.GroupCog, group_name="privacy", group_description="What Mend keeps about you"):
    """`/privacy …`: always private, always available (in DMs too)."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        if self.bot.schedules:
            self.bot.run_every("membership-check", MEMBERSHIP_CHECK_EVERY, self.check_memberships)

    async def cog_unload(self) -> None:
        self.bot.stop_running("membership-check")

    @app_commands.command(name="about", description="What Mend keeps, what it doesn't, and who can read threads")
    async def about(self, interaction: Interaction) -> None:
        await executor.answer(interaction, Reply(cards=(words.what_is_kept(),)))

    @app_commands.command(name="export", description="A file of everything Mend holds about you (only you see it)")
    async def export(self, interaction: Interaction) -> None:
        rows = await self.bot.db.export(interaction.user.id)
        data = json.dumps({"user_id": str(interaction.user.id), **rows}, indent=2, default=str).encode()
        await executor.answer(interaction, Reply(_(words.EXPORT), attachment=Attachment(EXPORT_FILE, data)))

    @app_commands.command(name="delete", description="Erase everything Mend holds about you (asks first)")
    async def delete(self, interaction: Interaction) -> None:
        choices = (
            Button.to(EraseButton(interaction.user.id, Choice.YES), _(words.ERASE), Style.DANGER),
            Button.to(EraseButton(interaction.user.id, Choice.NO), _(words.KEEP)),
        )
        await executor.answer(interaction, Reply(_(words.CONFIRM_ERASE), buttons=choices))

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
                present = not is_code(error, ErrorCode.UNKNOWN_GUILD, ErrorCode.UNKNOWN_MEMBER, ErrorCode.UNKNOWN_USER)
            except DISCORD_FAILURES as error:
                log.warning("Could not check membership in guild %s (%s); trying again tomorrow", guild_id, error)
            await db.record_membership(guild_id, user_id, present=present, now=now)
        departed = await db.departed(now - ERASE_AFTER_LEAVING)
        for user_id in departed:
            await erase_person(self.bot, user_id)
        return len(departed)


@app_commands.command(name="resources", description="Help and safety: crisis lines, abuse support, leaving privately")
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
async def resources(interaction: Interaction) -> None:
    await show_resources(interaction)


async def setup(bot: MendBot) -> None:
    bot.tree.add_command(resources)
    await bot.add_cog(PrivacyCommands(bot))


async def teardown(bot: MendBot) -> None:
    bot.tree.remove_command("resources")

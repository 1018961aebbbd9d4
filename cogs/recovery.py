"""Finishing what Mend was in the middle of when it stopped: openings, and steps not yet shown.

Runs once at start-up, after logging in and before the gateway connects, so that nobody presses
a button whose step is not on the screen yet. (Only one Mend runs on a database at a time.)
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from discord.ext import commands

from bot.app import MendBot
from cogs.repair import welcome
from cogs.ui.channels import DISCORD_FAILURES
from cogs.ui.executor import show_unshown

log = logging.getLogger(__name__)


class Recovery(commands.Cog):
    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        if self.bot.schedules:
            await self.recover()

    async def recover(self) -> None:
        db = self.bot.db
        forgotten = await db.forget_unopened()
        opened = 0
        for rupture in await db.unwelcomed():
            try:
                await welcome(self.bot, rupture)
                opened += 1
            except DISCORD_FAILURES as error:
                log.warning(
                    "Could not finish opening rupture %s (%s); the sweep's reminder will follow", rupture.id, error
                )
        shown = 0
        for waiting in await db.unshown(datetime.max.replace(tzinfo=UTC)):
            shown += await show_unshown(self.bot, waiting)
        if forgotten or opened or shown:
            log.info(
                "Finished what the last run left: %d unopened reservation(s) dropped, %d opening(s) finished, "
                "%d step(s) shown",
                forgotten,
                opened,
                shown,
            )


async def setup(bot: MendBot) -> None:
    await bot.add_cog(Recovery(bot))

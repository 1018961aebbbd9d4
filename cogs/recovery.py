"""Finishing what Mend was in the middle of when it stopped: openings, and steps not yet shown;
and moving on repairs whose way of repairing has changed since they began.

Runs once at start-up, after logging in and before the gateway connects, so that nobody presses
a button whose step is not on the screen yet. (Only one Mend runs on a database at a time.)
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from discord.ext import commands

from bot.app import MendBot
from bot.outbox import to_text
from bot.planner import MEND, plan_change
from bot.repair import carried_over
from bot.storage.ruptures import Outgoing
from cogs.repair import welcome
from cogs.ui.channels import DISCORD_FAILURES
from cogs.ui.executor import show_unshown, unclaimed_from

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
        carried = await self._carry_over()
        shown = 0
        for waiting in await db.unshown(datetime.max.replace(tzinfo=UTC)):
            shown += await show_unshown(self.bot, waiting)
        if forgotten or opened or carried or shown:
            log.info(
                "Finished what the last run left: %d unopened reservation(s) dropped, %d opening(s) finished, "
                "%d repair(s) moved on from steps that changed, %d step(s) shown",
                forgotten,
                opened,
                carried,
                shown,
            )

    async def _carry_over(self) -> int:
        """Move on each open repair standing where its way of repairing no longer goes; how many."""
        db, carried = self.bot.db, 0
        for rupture in await db.open_ruptures():
            protocol = self.bot.protocols.get(rupture.protocol)
            if protocol is None:
                continue
            change = carried_over(rupture, protocol, await db.context_for(rupture, self.bot.clock.now()))
            if change is None:
                continue
            plan = plan_change(change, protocol, MEND)
            if await db.save(change, Outgoing(to_text(plan), plan.holds_words, unclaimed_from())) is not None:
                carried += 1
        return carried


async def setup(bot: MendBot) -> None:
    await bot.add_cog(Recovery(bot))

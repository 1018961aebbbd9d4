"""`/mend`: each person's own settings (time zone and quiet hours), so check-ins come at good times."""

from __future__ import annotations

import re
from datetime import time
from zoneinfo import ZoneInfo, available_timezones

from discord import app_commands
from discord.ext import commands

from bot.app import MendBot, answer_privately
from cogs._ui import Interaction

_HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
ZONES = sorted(available_timezones() - {"localtime"})


def parse_clock(text: str) -> time | None:
    """`"21:30"` → 21:30; None for anything that is not a 24-hour HH:MM time."""
    match = _HH_MM.match(text.strip())
    return None if match is None else time(int(match[1]), int(match[2]))


class MendSettings(commands.GroupCog, group_name="mend", group_description="Your Mend settings"):
    """`/mend …`: settings that belong to one person."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

    @app_commands.command(name="timezone", description="Your time zone, so check-ins respect your quiet hours")
    @app_commands.describe(zone="Your time zone, like Europe/London or America/New_York")
    async def timezone(self, interaction: Interaction, zone: str) -> None:
        if zone not in ZONES:
            await answer_privately(
                interaction,
                f"{zone!r} isn't a time zone Mend knows: pick one from the list, like Europe/London.",
            )
            return
        await self.bot.db.set_timezone(interaction.user.id, zone)
        local = self.bot.clock.now().astimezone(ZoneInfo(zone))
        await answer_privately(
            interaction,
            f"Your time zone is now {zone} (it's {local:%H:%M} there). Check-ins will keep to your quiet hours.",
        )

    @timezone.autocomplete("zone")
    async def zone_choices(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        typed = current.lower().replace(" ", "_")
        return [app_commands.Choice(name=z, value=z) for z in ZONES if typed in z.lower()][:25]

    @app_commands.command(name="quiet-hours", description="When Mend should never check in (default 21:00–09:00)")
    @app_commands.describe(start="When your quiet hours begin, as HH:MM", end="When they end, as HH:MM")
    async def quiet_hours(self, interaction: Interaction, start: str, end: str) -> None:
        begins, ends = parse_clock(start), parse_clock(end)
        if begins is None or ends is None:
            await answer_privately(
                interaction, "Please give both times as HH:MM on a 24-hour clock, like 21:00 and 09:00."
            )
            return
        await self.bot.db.set_quiet_hours(interaction.user.id, begins, ends)
        if begins == ends:
            sentence = "You have no quiet hours now: check-ins may come at any time of day."
        else:
            sentence = (
                f"Your quiet hours are {begins:%H:%M}–{ends:%H:%M} in your time zone. A check-in that would "
                "fall in them waits until they end."
            )
        await answer_privately(interaction, sentence)


async def setup(bot: MendBot) -> None:
    await bot.add_cog(MendSettings(bot))

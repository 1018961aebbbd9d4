"""`/mend`: a person's own settings (time zone, quiet hours, blocks) and the server's setup."""

from __future__ import annotations

import re
from datetime import time
from zoneinfo import ZoneInfo, available_timezones

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import MendBot, answer_privately
from bot.checkins import parse_cadence
from bot.storage import GuildSettings
from cogs._ui import (
    COLOUR,
    Interaction,
    mention,
    missing_permissions,
    protocol_choices,
    when,
    who_can_read_private_threads,
)

_HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
ZONES = sorted(available_timezones() - {"localtime"})
SETTING_NAMES = {
    "repair_channel_id": "the repair channel",
    "member_role_id": "who may use Mend",
    "default_protocol": "the way of repairing offered first",
    "checkin_days": "the check-in cadence",
}


def parse_clock(text: str) -> time | None:
    """`"21:30"` → 21:30; None for anything that is not a 24-hour HH:MM time."""
    match = _HH_MM.match(text.strip())
    return None if match is None else time(int(match[1]), int(match[2]))


class MendSettings(commands.GroupCog, group_name="mend", group_description="Your Mend settings, and the server's"):
    """`/mend …`: settings that belong to one person, and the server's setup."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

    async def _seen(self, interaction: Interaction) -> None:
        if interaction.guild_id is not None:
            await self.bot.db.note_member(interaction.guild_id, interaction.user.id, self.bot.clock.now())

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
        await self._seen(interaction)
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
        await self._seen(interaction)
        if begins == ends:
            sentence = "You have no quiet hours now: check-ins may come at any time of day."
        else:
            sentence = (
                f"Your quiet hours are {begins:%H:%M}–{ends:%H:%M} in your time zone. A check-in that would "
                "fall in them waits until they end."
            )
        await answer_privately(interaction, sentence)

    @app_commands.command(name="block", description="Stop someone from inviting you to repairs (they aren't told)")
    @app_commands.describe(member="The person who should no longer be able to invite you")
    async def block(self, interaction: Interaction, member: discord.Member | discord.User) -> None:
        if member.id == interaction.user.id:
            await answer_privately(interaction, "You can't block yourself.")
            return
        await self.bot.db.add_block(interaction.user.id, member.id, self.bot.clock.now())
        await self._seen(interaction)
        await answer_privately(
            interaction,
            f"Done. {member.mention} can no longer invite you to a repair. They won't be told: if they try, "
            'they only see "not right now". `/mend unblock` undoes this.',
        )

    @app_commands.command(name="unblock", description="Let someone invite you to repairs again")
    @app_commands.describe(member="The person you blocked")
    async def unblock(self, interaction: Interaction, member: discord.Member | discord.User) -> None:
        removed = await self.bot.db.remove_block(interaction.user.id, member.id)
        sentence = f"{member.mention} can invite you again." if removed else f"You hadn't blocked {member.mention}."
        await answer_privately(interaction, sentence)

    @app_commands.command(name="setup", description="Set up Mend for this server (needs Manage Server)")
    @app_commands.describe(
        channel="The text channel where repair threads are opened",
        role="Who may use Mend here (choose @everyone for everyone)",
        protocol="The way of repairing offered first",
        cadence="Days between check-ins on a quiet repair, like 1,3,7",
    )
    async def setup_server(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        role: discord.Role | None = None,
        protocol: str | None = None,
        cadence: str | None = None,
    ) -> None:
        guild = interaction.guild
        if guild is None:
            await answer_privately(interaction, "Mend is set up inside a server: use this there.")
            return
        if not interaction.permissions.manage_guild:
            await answer_privately(
                interaction,
                "Only people who can manage this server can change Mend's settings. `/mend settings` shows them.",
            )
            return
        changes: dict[str, int | str | None] = {}
        if channel is not None:
            changes["repair_channel_id"] = channel.id
        if role is not None:
            changes["member_role_id"] = None if role.is_default() else role.id
        if protocol is not None:
            if protocol not in self.bot.protocols:
                await answer_privately(
                    interaction, f"There is no way of repairing called {protocol!r}: choose one from the list."
                )
                return
            changes["default_protocol"] = protocol
        if cadence is not None:
            try:
                parse_cadence(cadence)
            except ValueError as error:
                await answer_privately(interaction, f"Check-in cadence not changed: {error}.")
                return
            changes["checkin_days"] = ",".join(part.strip() for part in cadence.split(",") if part.strip())
        settings = await self.bot.db.change_guild_settings(
            guild.id, interaction.user.id, self.bot.clock.now(), **changes
        )
        await answer_privately(interaction, "", embed=await self._describe(interaction, settings))

    @setup_server.autocomplete("protocol")
    async def protocol_choices(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return protocol_choices(self.bot, current)

    @app_commands.command(name="settings", description="How Mend is set up here, and who can read private threads")
    async def show_settings(self, interaction: Interaction) -> None:
        if interaction.guild is None:
            await answer_privately(interaction, "Mend's settings belong to a server: use this there.")
            return
        settings = await self.bot.db.guild_settings(interaction.guild.id)
        await answer_privately(interaction, "", embed=await self._describe(interaction, settings))

    async def _describe(self, interaction: Interaction, settings: GuildSettings) -> discord.Embed:
        """The server's settings, whether Mend can work in its channel, and who can read threads there."""
        guild = interaction.guild
        assert guild is not None
        embed = discord.Embed(title="Mend in this server", colour=COLOUR)
        channel = guild.get_channel(settings.repair_channel_id) if settings.repair_channel_id else None
        embed.add_field(
            name="Repair threads open in",
            value=channel.mention if channel else "the channel where `/repair start` is used",
            inline=False,
        )
        embed.add_field(
            name="Who may use Mend",
            value=f"<@&{settings.member_role_id}>" if settings.member_role_id else "everyone",
        )
        protocol = self.bot.protocols.get(settings.default_protocol or "quick")
        embed.add_field(name="Offered first", value=protocol.name if protocol else "Quick repair")
        days = [f"{d.total_seconds() / 86400:g}" for d in settings.cadence]
        embed.add_field(name="Check-ins on a quiet repair", value=f"after {', '.join(days)} days, then none")
        if isinstance(channel, discord.TextChannel):
            missing = missing_permissions(channel)
            embed.add_field(
                name=f"Mend's permissions in #{channel.name}",
                value=("Missing: " + ", ".join(missing)) if missing else "Everything Mend needs is there.",
                inline=False,
            )
            embed.add_field(
                name=f"Who can read private threads in #{channel.name}",
                value=", ".join(who_can_read_private_threads(channel))[:1024],
                inline=False,
            )
        changes = await self.bot.db.settings_changes(guild.id)
        if changes:
            embed.add_field(
                name="Latest changes",
                value="\n".join(
                    f"{mention(c.actor_id)} changed {SETTING_NAMES.get(c.field, c.field)} {when(c.changed_at, 'R')}"
                    for c in changes
                ),
                inline=False,
            )
        return embed


async def setup(bot: MendBot) -> None:
    await bot.add_cog(MendSettings(bot))

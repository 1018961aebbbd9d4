"""`/mend`: a person's own settings (time zone, quiet hours, blocks) and how Mend works in the server;
`/mend-admin`: the server's setup, for people who can manage the server (others do not see it).
"""

from __future__ import annotations

import re
from datetime import time
from zoneinfo import ZoneInfo, available_timezones

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Interaction, MendBot
from bot.i18n import _, number
from bot.plan import Card, Field, Reply
from bot.protocols import translated
from bot.schedule import BadCadence, parse_cadence
from bot.servers import DEFAULT_PROTOCOL, GuildSettings
from bot.wording import opening
from bot.wording import server as words
from cogs.repair import protocol_choices
from cogs.ui import executor
from cogs.ui.channels import missing_permissions, who_can_read_private_threads

_HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
ZONES = sorted(available_timezones() - {"localtime"})


def parse_clock(text: str) -> time | None:
    """`"21:30"` → 21:30; None for anything that is not a 24-hour HH:MM time."""
    match = _HH_MM.match(text.strip())
    return None if match is None else time(int(match[1]), int(match[2]))


class MendSettings(commands.GroupCog, group_name="mend", group_description="Your Mend settings, and the server's"):
    """`/mend …`: settings that belong to one person, and what the server's setup means for them."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

    async def _seen(self, interaction: Interaction) -> None:
        if interaction.guild_id is not None:
            await self.bot.db.note_member(interaction.guild_id, interaction.user.id, self.bot.clock.now())
            await self.bot.remember_language(interaction)

    @app_commands.command(name="timezone", description="Your time zone, so check-ins respect your quiet hours")
    @app_commands.describe(zone="Your time zone, like Europe/London or America/New_York")
    async def timezone(self, interaction: Interaction, zone: str) -> None:
        if zone not in ZONES:
            await executor.answer(interaction, Reply(words.unknown_zone(zone)))
            return
        await self.bot.db.set_timezone(interaction.user.id, zone)
        await self._seen(interaction)
        local = self.bot.clock.now().astimezone(ZoneInfo(zone))
        await executor.answer(interaction, Reply(words.zone_set(zone, local)))

    @timezone.autocomplete("zone")
    async def zone_choices(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        typed = current.lower().replace(" ", "_")
        return [app_commands.Choice(name=z, value=z) for z in ZONES if typed in z.lower()][:25]

    @app_commands.command(name="quiet-hours", description="When Mend should never check in (default 21:00–09:00)")
    @app_commands.describe(start="When your quiet hours begin, as HH:MM", end="When they end, as HH:MM")
    async def quiet_hours(self, interaction: Interaction, start: str, end: str) -> None:
        begins, ends = parse_clock(start), parse_clock(end)
        if begins is None or ends is None:
            await executor.answer(interaction, Reply(_(words.BAD_CLOCK)))
            return
        await self.bot.db.set_quiet_hours(interaction.user.id, begins, ends)
        await self._seen(interaction)
        sentence = _(words.NO_QUIET_HOURS) if begins == ends else words.quiet_hours_set(begins, ends)
        await executor.answer(interaction, Reply(sentence))

    @app_commands.command(name="block", description="Stop someone from inviting you to repairs (they aren't told)")
    @app_commands.describe(member="The person who should no longer be able to invite you")
    async def block(self, interaction: Interaction, member: discord.Member | discord.User) -> None:
        if member.id == interaction.user.id:
            await executor.answer(interaction, Reply(_(words.NOT_YOURSELF)))
            return
        await self.bot.db.add_block(interaction.user.id, member.id, self.bot.clock.now())
        await self._seen(interaction)
        await executor.answer(interaction, Reply(words.blocked(member.id)))

    @app_commands.command(name="unblock", description="Let someone invite you to repairs again")
    @app_commands.describe(member="The person you blocked")
    async def unblock(self, interaction: Interaction, member: discord.Member | discord.User) -> None:
        removed = await self.bot.db.remove_block(interaction.user.id, member.id)
        await executor.answer(interaction, Reply(words.unblocked(member.id, removed)))

    @app_commands.command(name="settings", description="Where repair threads open here, and who can read them")
    async def show_settings(self, interaction: Interaction) -> None:
        await show_settings(self.bot, interaction, managing=False)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ServerSetup(commands.GroupCog, group_name="mend-admin", group_description="Set up Mend in this server"):
    """`/mend-admin …`: the server's setup. Discord shows it only to people who can manage the server
    (unless a server changes that in its Integrations settings); the commands check it again.
    """

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

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
            await executor.answer(interaction, Reply(_(words.SET_UP_IN_A_SERVER)))
            return
        if not interaction.permissions.manage_guild:
            await executor.answer(interaction, Reply(_(words.MANAGERS_ONLY)))
            return
        changes: dict[str, int | str | None] = {}
        if channel is not None:
            changes["repair_channel_id"] = channel.id
        if role is not None:
            changes["member_role_id"] = None if role.is_default() else role.id
        if protocol is not None:
            if protocol not in self.bot.protocols:
                await executor.answer(interaction, Reply(opening.no_such_protocol(protocol)))
                return
            changes["default_protocol"] = protocol
        if cadence is not None:
            try:
                parse_cadence(cadence)
            except BadCadence:
                await executor.answer(interaction, Reply(_(words.BAD_CADENCE)))
                return
            changes["checkin_days"] = ",".join(part.strip() for part in cadence.split(",") if part.strip())
        settings = await self.bot.db.change_guild_settings(
            guild.id, interaction.user.id, self.bot.clock.now(), **changes
        )
        await executor.answer(
            interaction, Reply(cards=(await describe(self.bot, interaction, settings, managing=True),))
        )

    @setup_server.autocomplete("protocol")
    async def protocol_choices(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return protocol_choices(self.bot, current)

    @app_commands.command(name="settings", description="How Mend is set up here, and whether it has its permissions")
    async def show_settings(self, interaction: Interaction) -> None:
        await show_settings(self.bot, interaction, managing=True)


async def show_settings(bot: MendBot, interaction: Interaction, *, managing: bool) -> None:
    """Answer with how Mend is set up in this server (see `describe`)."""
    if interaction.guild is None:
        await executor.answer(interaction, Reply(_(words.SETTINGS_IN_A_SERVER)))
        return
    settings = await bot.db.guild_settings(interaction.guild.id)
    await executor.answer(interaction, Reply(cards=(await describe(bot, interaction, settings, managing=managing),)))


async def describe(bot: MendBot, interaction: Interaction, settings: GuildSettings, *, managing: bool) -> Card:
    """Where repair threads open, who can read them there, and the latest changes; for managers also who
    may use Mend, what is offered first, the check-in cadence, and whether Mend has its permissions.
    """
    guild = interaction.guild
    assert guild is not None
    channel = guild.get_channel(settings.repair_channel_id) if settings.repair_channel_id else None
    fields = [Field(_(words.THREADS_OPEN_IN), words.threads_open_in(channel.id if channel else None), inline=False)]
    if managing:
        protocol = bot.protocols.get(settings.default_protocol or DEFAULT_PROTOCOL)
        days = [number(d.total_seconds() / 86400) for d in settings.cadence]
        fields += [
            Field(_(words.WHO_MAY_USE), words.who_may_use(settings.member_role_id)),
            Field(_(words.OFFERED_FIRST), translated(protocol).name if protocol else DEFAULT_PROTOCOL),
            Field(_(words.CHECKINS), words.cadence(days)),
        ]
    if isinstance(channel, discord.TextChannel):
        if managing:
            fields.append(Field(words.permissions_in(channel.name), words.missing(missing_permissions(channel)), False))
        readers = words.readers(who_can_read_private_threads(channel))[:1024]
        fields.append(Field(words.readers_in(channel.name), readers, inline=False))
    changes = await bot.db.settings_changes(guild.id)
    if changes:
        lines = "\n".join(words.change_line(c.actor_id, c.field, c.changed_at) for c in changes)
        fields.append(Field(_(words.LATEST_CHANGES), lines, inline=False))
    return Card("", title=_(words.SETTINGS_TITLE), fields=tuple(fields))


async def setup(bot: MendBot) -> None:
    await bot.add_cog(MendSettings(bot))
    await bot.add_cog(ServerSetup(bot))

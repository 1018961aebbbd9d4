"""`/repair`: start a repair with consent, see where yours stand, take a break, step away, get help."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Interaction, MendBot
from bot.components import CheckinButton, CheckinChoice, ConsentButton, StartChoice
from bot.i18n import NAMES, _, shared_language, speaking
from bot.plan import Button, Card, Field, Reply, Style
from bot.planner import standing
from bot.posts import invitation as invitation_post
from bot.protocols import translated
from bot.repair import CALM_AFTER_INVITATION, invitation
from bot.rupture import Rupture
from bot.servers import DEFAULT_PROTOCOL, GuildSettings
from bot.wording import opening
from bot.wording.common import problem
from bot.wording.privacy import resources
from cogs import turns
from cogs.history import show as show_history
from cogs.ui import executor
from cogs.ui.channels import (
    DISCORD_FAILURES,
    ErrorCode,
    archive_quietly,
    is_code,
    missing_permissions,
    partial_thread,
    problem_of,
)

THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080
STATUS_LIMIT = 25
PICK_UP_LIMIT = 5
LABEL_LIMIT = 80
LANGUAGES = [app_commands.Choice(name=name, value=tag) for tag, name in NAMES.items()]  # each named in itself


@app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
class RepairCommands(commands.GroupCog, group_name="repair", group_description="Repair a rupture, together"):
    """`/repair …`: the Discord side of the repair flow."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.guild is None:
            await executor.answer(interaction, Reply(_(opening.IN_A_SERVER)))
            return False
        return True

    @app_commands.command(name="help", description="What Mend is, how a repair works, and what is kept")
    async def help(self, interaction: Interaction) -> None:
        ways = [(way.name, way.description) for way in map(translated, self.bot.protocols.values())]
        await executor.answer(interaction, Reply(cards=(opening.guide(ways),)))

    @app_commands.command(name="start", description="Invite someone to repair a rupture with you, in a private thread")
    @app_commands.describe(
        partner="The person you'd like to repair with",
        protocol="The way of repairing (Quick repair if you don't choose)",
        topic="A short private label for the thread (up to 100 characters)",
        language="The thread's language (else the one you both use, or the server's)",
    )
    @app_commands.choices(language=LANGUAGES)
    async def start(
        self,
        interaction: Interaction,
        partner: discord.Member | discord.User,
        protocol: str | None = None,
        topic: app_commands.Range[str, 1, 100] | None = None,
        language: str | None = None,
    ) -> None:
        key = protocol or (await self.bot.db.guild_settings(interaction.guild_id or 0)).default_protocol
        key = key or DEFAULT_PROTOCOL
        where = await preflight(interaction, partner, key)
        if isinstance(where, str):
            await executor.answer(interaction, Reply(where))
            return
        way = translated(self.bot.protocols[key])
        first_time = not await self.bot.db.has_consented(interaction.user.id)
        chosen = language if language in NAMES else ""
        card = opening.consent(
            partner.id,
            way.name,
            topic,
            first_time=first_time,
            parent_led=way.parent_led,
            language=NAMES.get(chosen),
        )
        start_label = opening.START_AS_PARENT if way.parent_led else opening.START
        answers = (
            (StartChoice.START, start_label),
            (StartChoice.NOT_SAFE, opening.NOT_SAFE),
            (StartChoice.NOT_NOW, opening.NOT_NOW),
        )
        choices = tuple(
            Button.to(ConsentButton(partner.id, key, choice, chosen), _(label)) for choice, label in answers
        )
        await executor.answer(interaction, Reply(cards=(card,), buttons=choices))

    @start.autocomplete("protocol")
    async def protocol_choices(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return protocol_choices(self.bot, current)

    @app_commands.command(name="status", description="Where your open repairs stand (only you see this)")
    async def status(self, interaction: Interaction) -> None:
        ruptures = await self.bot.db.open_ruptures_of(interaction.user.id, interaction.guild_id)
        if not ruptures:
            await executor.answer(interaction, Reply(_(opening.NO_OPEN_REPAIRS)))
            return
        fields: list[Field] = []
        pick_up: list[Button] = []
        now = self.bot.clock.now()
        for rupture in ruptures[:STATUS_LIMIT]:
            protocol = self.bot.protocols.get(rupture.protocol)
            role = rupture.role_of(interaction.user.id)
            if protocol is None or role is None:
                continue
            name = opening.status_name(translated(protocol).name, _plain_name(interaction, rupture.user_id(role.other)))
            line = opening.status_line(rupture.thread_id, standing(rupture, protocol, role, now))
            fields.append(Field(name, line, inline=False))
            if rupture.dormant and len(pick_up) < PICK_UP_LIMIT:
                button = CheckinButton(rupture.id, CheckinChoice.PICK_UP)
                pick_up.append(Button.to(button, opening.pick_up(name)[:LABEL_LIMIT], Style.PRIMARY))
        card = Card("", title=_(opening.STATUS_TITLE), fields=tuple(fields))
        await executor.answer(interaction, Reply(cards=(card,), buttons=tuple(pick_up)))

    @app_commands.command(name="history", description="Your repairs over the past year, in a picture (only you see it)")
    async def history(self, interaction: Interaction) -> None:
        await show_history(interaction)

    @app_commands.command(name="pause", description="Take a break from a repair (20 minutes up to a day)")
    async def pause(self, interaction: Interaction) -> None:
        rupture = await rupture_here(interaction)
        if rupture is not None:
            await turns.offer_break(interaction, rupture.id)

    @app_commands.command(name="leave", description="Step away from a repair (asks you first, privately)")
    async def leave(self, interaction: Interaction) -> None:
        rupture = await rupture_here(interaction)
        if rupture is not None:
            await turns.ask_to_leave(interaction, rupture.id)


def protocol_choices(bot: MendBot, typed: str) -> list[app_commands.Choice[str]]:
    """The installed protocols whose name (in the person's language) or key contains what they typed
    (for autocomplete)."""
    typed = typed.lower()
    return [
        app_commands.Choice(name=way.name, value=key)
        for key, way in ((key, translated(p)) for key, p in bot.protocols.items())
        if typed in way.name.lower() or typed in key
    ][:25]


async def consent(interaction: Interaction, button: ConsentButton) -> None:
    """The answer to what is asked before a repair starts (the topic rides in the message). "Yes, I
    feel afraid or pressured" starts nothing, records nothing, and shows help, to them alone."""
    responder = executor.Responder.of(interaction)
    if button.choice is StartChoice.NOT_NOW:
        await responder.replace_with(Reply(_(opening.NOTHING_STARTED)))
        return
    if button.choice is StartChoice.NOT_SAFE:
        await responder.replace_with(Reply(_(opening.NOT_YOUR_FAULT), cards=(resources(str(interaction.locale)),)))
        return
    protocol = interaction.client.protocols.get(button.protocol)
    if protocol is not None and protocol.parent_led and button.choice is StartChoice.START:
        await responder.replace_with(_calm_down_first(button, interaction.message))
        return
    guild = interaction.guild
    if guild is None:
        await executor.answer(interaction, Reply(_(opening.ONLY_IN_A_SERVER)))
        return
    partner = guild.get_member(button.partner_id)
    if partner is None:
        try:
            partner = await guild.fetch_member(button.partner_id)
        except discord.NotFound:
            await executor.answer(interaction, Reply(opening.left_the_server(button.partner_id)))
            return
    await interaction.client.db.record_consent(interaction.user.id, interaction.client.clock.now())
    await open_repair(interaction, partner, button.protocol, _topic_from(interaction.message), button.language)


def _calm_down_first(button: ConsentButton, message: discord.Message | None) -> Reply:
    """A parent's private moment to calm down before the thread opens (the topic rides along)."""
    shown = [field for embed in (message.embeds if message else []) for field in embed.fields]
    fields = tuple(Field(field.name or "", field.value or "", inline=bool(field.inline)) for field in shown)
    card = Card(_(opening.CALM_DOWN), title=_(opening.CALM_DOWN_TITLE), fields=fields)
    answers = ((StartChoice.CALM_ENOUGH, opening.CALM_ENOUGH), (StartChoice.NOT_NOW, opening.NOT_NOW))
    return Reply(cards=(card,), buttons=tuple(Button.to(replace(button, choice=c), _(label)) for c, label in answers))


def _topic_from(message: discord.Message | None) -> str | None:
    fields = [field for embed in (message.embeds if message else []) for field in embed.fields]
    return next((field.value for field in fields if field.name == _(opening.TOPIC) and field.value), None)


def _plain_name(interaction: Interaction, user_id: int | None) -> str:
    member = interaction.guild.get_member(user_id) if interaction.guild and user_id else None
    return member.display_name if member is not None else _(opening.YOUR_PARTNER)


async def rupture_here(interaction: Interaction) -> Rupture | None:
    """The rupture a command means: this thread's, or the person's only open one; else say why not."""
    db = interaction.client.db
    if isinstance(interaction.channel, discord.Thread):
        rupture = await db.rupture_in_thread(interaction.channel.id)
        if rupture is not None:
            if rupture.role_of(interaction.user.id) is not None and rupture.status.is_open:
                return rupture
            await executor.answer(interaction, Reply(_(opening.NONE_IN_THIS_THREAD)))
            return None
    ruptures = await db.open_ruptures_of(interaction.user.id, interaction.guild_id)
    if len(ruptures) == 1:
        return ruptures[0]
    await executor.answer(interaction, Reply(_(opening.NONE_OPEN if not ruptures else opening.MORE_THAN_ONE)))
    return None


async def preflight(
    interaction: Interaction, partner: discord.Member | discord.User, protocol: str
) -> discord.TextChannel | str:
    """The channel to open a repair with `partner` in, or one plain sentence on why it cannot be."""
    bot = interaction.client
    if protocol not in bot.protocols:
        return opening.no_such_protocol(protocol)
    if partner.id == interaction.user.id:
        return _(opening.NEEDS_TWO)
    if partner.bot:
        return _(opening.NO_BOTS)
    if not isinstance(partner, discord.Member):
        return opening.not_a_member(partner.id)
    settings = await bot.db.guild_settings(interaction.guild_id or 0)
    role = settings.member_role_id
    if role is not None and isinstance(interaction.user, discord.Member) and interaction.user.get_role(role) is None:
        return opening.needs_role(role)
    if role is not None and partner.get_role(role) is None:
        return opening.partner_lacks_role(partner.id, role)
    guild_id, now = interaction.guild_id or 0, bot.clock.now()
    if await bot.db.invitation_ended_since(guild_id, interaction.user.id, partner.id, now - CALM_AFTER_INVITATION):
        return _(opening.CALM_BEFORE_INVITING_AGAIN)
    existing = await bot.db.open_rupture_between(guild_id, interaction.user.id, partner.id)
    if existing is not None and existing.thread_id is not None:
        return opening.already_open(existing.thread_id)
    channel = repair_channel(interaction, settings)
    if channel is None:
        return _(opening.NOT_A_TEXT_CHANNEL)
    missing = missing_permissions(channel)
    if missing:
        return opening.missing_permissions(channel.id, missing)
    return channel


def repair_channel(interaction: Interaction, settings: GuildSettings) -> discord.TextChannel | None:
    """Where threads are opened: the server's repair channel if set, else here (a thread's parent)."""
    guild = interaction.guild
    assert guild is not None
    channel: object = guild.get_channel(settings.repair_channel_id) if settings.repair_channel_id else None
    if channel is None:
        channel = interaction.channel
        if isinstance(channel, discord.Thread):
            channel = channel.parent
    return channel if isinstance(channel, discord.TextChannel) else None


async def open_repair(
    interaction: Interaction,
    partner: discord.Member | discord.User,
    protocol_key: str,
    topic: str | None,
    chosen: str = "",
) -> None:
    """Reserve the rupture, open the private thread (named by the topic, if given, else neutrally),
    add both people and post the invitation. The thread speaks the language `chosen`, else the one
    both people's Discord was last set to, else the server's."""
    channel = await preflight(interaction, partner, protocol_key)
    if isinstance(channel, str):
        await _tell(interaction, channel)
        return
    bot = interaction.client
    assert isinstance(partner, discord.Member) and interaction.guild is not None
    await executor.defer(interaction)
    unwanted = await bot.db.blocks_invites(partner.id, interaction.user.id)
    server = str(interaction.guild_locale) if interaction.guild_locale else None
    language = shared_language(str(interaction.locale), await bot.db.locale_of(partner.id), server, chosen)
    guild, now = interaction.guild.id, bot.clock.now()
    draft = invitation(guild, protocol_key, interaction.user.id, partner.id, now, unwanted, language)
    rupture = await bot.db.reserve_rupture(draft)
    if rupture is None:
        await _tell(interaction, _(opening.ALREADY_OPEN))
        return
    await bot.remember_language(interaction)
    with speaking(language):
        name = topic or opening.thread_name(f"{rupture.id:04x}")
    thread: discord.Thread | None = None
    try:
        thread = await channel.create_thread(
            name=name[:100],
            type=discord.ChannelType.private_thread,
            invitable=False,
            auto_archive_duration=THREAD_ARCHIVE_MINUTES,
        )
        await bot.db.attach_thread(rupture.id, thread.id)
        await welcome(bot, replace(rupture, thread_id=thread.id))
    except DISCORD_FAILURES as error:
        await bot.db.forget_reservation(rupture.id)
        if thread is not None:
            await archive_quietly(bot, thread.id)
        if is_code(error, ErrorCode.UNKNOWN_MEMBER):
            await _tell(interaction, opening.seems_gone(partner.id))
        else:
            await _tell(interaction, opening.could_not_open(problem(problem_of(error))))
        return
    await _tell(interaction, opening.opened(thread.id, partner.id))


async def welcome(bot: MendBot, rupture: Rupture) -> None:
    """Add both people to the rupture's thread and post the invitation there, then note it. Safe to
    repeat: finishing an opening that Mend stopped in the middle of is the same steps.

    If the invited person blocked the one inviting, the invitation is posted all the same but pings
    nobody, and is never recalled to them: it ends by itself like any unanswered one, so the one
    inviting sees exactly what they would otherwise (the thread, its members, its timing).
    """
    assert rupture.thread_id is not None
    for person in (rupture.first.user_id, rupture.second.user_id):
        if person is not None:
            await bot.http.add_user_to_thread(rupture.thread_id, person)
    thread = partial_thread(bot, rupture.thread_id, rupture.guild_id)
    # A new invitation that is never to be recalled to the invited person is an unwanted one.
    with speaking(rupture.language):
        invitation = invitation_post(rupture, bot.protocols[rupture.protocol], pings=not rupture.invite_reminded)
    [message] = await executor.post(thread, (invitation,), nonce=f"i{rupture.id:x}")
    await bot.db.shown(rupture.id, rupture.version, prompt=message.id)


async def _tell(interaction: Interaction, sentence: str) -> None:
    """Answer the person who is opening a repair: in the consent message if that's where they are."""
    responder = executor.Responder.of(interaction)
    if interaction.type is discord.InteractionType.component and responder.answered:
        await responder.replace_with(Reply(sentence))
    else:
        await executor.answer(interaction, Reply(sentence))


async def setup(bot: MendBot) -> None:
    await bot.add_cog(RepairCommands(bot))

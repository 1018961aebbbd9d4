"""`/repair`: start a repair with consent, see where yours stand, take a break, step away, get help."""

from __future__ import annotations

import logging
import re
from typing import Any, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import MendBot, answer_privately
from bot.protocols import Protocol, Role
from bot.repair import Action, Mark, Rupture, Status, current_step, invitation, turn
from bot.storage import GuildSettings
from cogs import _turns
from cogs._safety import ResourcesButton
from cogs._ui import (
    COLOUR,
    Interaction,
    MendButton,
    buttons,
    defer,
    discord_problem,
    guarded,
    mention,
    missing_permissions,
    protocol_choices,
    when,
)

log = logging.getLogger(__name__)

DEFAULT_PROTOCOL = "quick"
# What an opener sees whenever the other person isn't available, for whatever private reason.
NOT_RIGHT_NOW = "Not right now. Nothing more is needed from you for the moment."
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080
CONSENT_TEMPLATE = re.compile(r"mend:consent:(?P<partner>\d{1,19}):(?P<protocol>[a-z0-9-]{1,40}):(?P<answer>yes|no)")
PRIVACY_NOTICE = (
    "The thread Mend opens is private to the two of you, but **server moderators and admins "
    "(people with Manage Threads or Administrator) can read private threads.** What you write is "
    "posted there; Mend itself does not keep your words."
)


def help_embed(bot: MendBot) -> discord.Embed:
    """The guide to Mend: what a rupture is, why repair matters, the steps, and what is kept."""
    embed = discord.Embed(
        title="Mend: repairing a rupture, together",
        colour=COLOUR,
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
            "*got it* or *not quite*. In some steps you both write privately, and the answers "
            "appear together, so nobody has to go first. A repair is finished only when **both** "
            "of you say you feel understood."
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


class ConsentButton(MendButton, template=CONSENT_TEMPLATE):
    """Continue (or not) after reading who can see a private thread; the topic rides in the message."""

    def __init__(self, partner_id: int, protocol: str, answer: str, label: str = "·") -> None:
        self.partner_id, self.protocol, self.answer = partner_id, protocol, answer
        style = discord.ButtonStyle.primary if answer == "yes" else discord.ButtonStyle.secondary
        super().__init__(f"mend:consent:{partner_id}:{protocol}:{answer}", label, style)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ConsentButton:
        return cls(int(match["partner"]), match["protocol"], match["answer"])

    async def pressed(self, interaction: Interaction) -> None:
        if self.answer == "no":
            await interaction.response.edit_message(content="Okay. Nothing was started.", embed=None, view=None)
            return
        guild = interaction.guild
        if guild is None:
            await answer_privately(interaction, "Mend's repairs happen inside a server.")
            return
        partner = guild.get_member(self.partner_id)
        if partner is None:
            try:
                partner = await guild.fetch_member(self.partner_id)
            except discord.NotFound:
                await answer_privately(interaction, f"{mention(self.partner_id)} isn't in this server any more.")
                return
        await interaction.client.db.record_consent(interaction.user.id, interaction.client.clock.now())
        topic = _topic_from(interaction.message)
        await open_repair(interaction, partner, self.protocol, topic)


def _topic_from(message: discord.Message | None) -> str | None:
    if message is None:
        return None
    for embed in message.embeds:
        for field in embed.fields:
            if field.name == "Topic" and field.value:
                return field.value
    return None


@app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
class RepairCommands(commands.GroupCog, group_name="repair", group_description="Repair a rupture, together"):
    """`/repair …`: the Discord side of the repair flow."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.guild is None:
            await answer_privately(interaction, "Mend's repairs happen inside a server: use this there.")
            return False
        return True

    @app_commands.command(name="help", description="What Mend is, how a repair works, and what is kept")
    async def help(self, interaction: Interaction) -> None:
        await interaction.response.send_message(embed=help_embed(self.bot), ephemeral=True)

    @app_commands.command(name="start", description="Invite someone to repair a rupture with you, in a private thread")
    @app_commands.describe(
        partner="The person you'd like to repair with",
        protocol="The way of repairing (Quick repair if you don't choose)",
        topic="A short private label for the thread (up to 100 characters)",
    )
    async def start(
        self,
        interaction: Interaction,
        partner: discord.Member | discord.User,
        protocol: str | None = None,
        topic: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        key = protocol or await _default_protocol(self.bot, interaction)
        if await self.bot.db.has_consented(interaction.user.id):
            await open_repair(interaction, partner, key, topic)
            return
        where = await preflight(interaction, partner, key)
        if isinstance(where, str):
            await answer_privately(interaction, where)
            return
        assert isinstance(partner, discord.Member)
        await ask_consent(interaction, partner, key, topic)

    @start.autocomplete("protocol")
    async def protocol_choices(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return protocol_choices(self.bot, current)

    @app_commands.command(name="status", description="Where your open repairs stand (only you see this)")
    async def status(self, interaction: Interaction) -> None:
        ruptures = await self.bot.db.open_ruptures_of(interaction.user.id, interaction.guild_id)
        if not ruptures:
            await answer_privately(
                interaction, "You have no open repairs. `/repair start` begins one, whenever you like."
            )
            return
        embed = discord.Embed(title="Your open repairs", colour=COLOUR)
        pick_up: list[discord.ui.Item[Any]] = []
        for rupture in ruptures[:25]:
            protocol = self.bot.protocols.get(rupture.protocol)
            if protocol is None:
                continue
            role = rupture.role_of(interaction.user.id)
            assert role is not None
            name = f"{protocol.name} with {_plain_name(interaction, rupture.user_id(role.other))}"
            embed.add_field(
                name=name,
                value=f"<#{rupture.thread_id}> · {standing(rupture, protocol, role, self.bot.clock.now())}",
                inline=False,
            )
            if rupture.dormant and len(pick_up) < 5:
                pick_up.append(_turns.CheckinButton(rupture.id, "pickup", f"Pick up: {name}"[:80], primary=True))
        extra = {"view": buttons(*pick_up)} if pick_up else {}
        await answer_privately(interaction, "", embed=embed, **extra)

    @app_commands.command(name="pause", description="Take a break from a repair (20 minutes up to a day)")
    async def pause(self, interaction: Interaction) -> None:
        rupture = await rupture_here(interaction)
        if rupture is not None:
            await _turns.offer_break(interaction, rupture.id)

    @app_commands.command(name="leave", description="Step away from a repair (asks you first, privately)")
    async def leave(self, interaction: Interaction) -> None:
        rupture = await rupture_here(interaction)
        if rupture is not None:
            await _turns.confirm_leave(interaction, rupture.id)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: Interaction) -> None:
        """Modal submissions, and presses on buttons that match none of Mend's templates."""
        custom_id = str(cast("dict[str, Any]", interaction.data or {}).get("custom_id", ""))
        if interaction.type is discord.InteractionType.modal_submit:
            await guarded(interaction, _turns.submitted)
        elif interaction.type is discord.InteractionType.component and not self.bot.knows_component(custom_id):
            await answer_privately(interaction, "This button isn't one Mend knows any more, so nothing happened.")


async def _default_protocol(bot: MendBot, interaction: Interaction) -> str:
    settings = await bot.db.guild_settings(interaction.guild_id or 0)
    return settings.default_protocol or DEFAULT_PROTOCOL


def _plain_name(interaction: Interaction, user_id: int | None) -> str:
    member = interaction.guild.get_member(user_id) if interaction.guild and user_id else None
    return member.display_name if member is not None else "your partner"


def standing(rupture: Rupture, protocol: Protocol, role: Role, now: Any) -> str:
    """One line on where a rupture stands, from this person's side."""
    other = mention(rupture.user_id(role.other))
    if rupture.status is Status.INVITED:
        if role is Role.FIRST:
            return f"waiting for {other} to answer the invitation"
        return f"{other} invited you; answer in the thread when you're ready"
    if rupture.is_paused(now) and rupture.paused_until is not None:
        return f"on a break until {when(rupture.paused_until)}"
    if rupture.dormant:
        return "resting: Mend has stopped checking in. Pick it up whenever you like"
    step = current_step(rupture, protocol)
    where = f"step {rupture.step + 1} of {len(protocol.steps)}, {step.title}" if step else "the last question"
    holder = turn(rupture, protocol)
    if holder is None:
        mine = rupture.seat(role).mark
        whose = "waiting for the other person" if mine in (Mark.DONE, Mark.YES) else "your part to do"
    else:
        whose = "your turn" if holder is role else f"{other}'s turn"
    return f"{where} · {whose}"


async def rupture_here(interaction: Interaction) -> Rupture | None:
    """The rupture a command means: this thread's, or the person's only open one; else say why not."""
    db = interaction.client.db
    if isinstance(interaction.channel, discord.Thread):
        rupture = await db.rupture_in_thread(interaction.channel.id)
        if rupture is not None:
            if rupture.role_of(interaction.user.id) is not None and rupture.status.is_open:
                return rupture
            await answer_privately(interaction, "You have no open repair in this thread.")
            return None
    ruptures = await db.open_ruptures_of(interaction.user.id, interaction.guild_id)
    if len(ruptures) == 1:
        return ruptures[0]
    if not ruptures:
        await answer_privately(interaction, "You have no open repair right now.")
    else:
        await answer_privately(interaction, "You're in more than one repair: use this inside the repair's thread.")
    return None


async def preflight(
    interaction: Interaction, partner: discord.Member | discord.User, protocol: str
) -> discord.TextChannel | str:
    """The channel to open a repair with `partner` in, or one plain sentence on why it cannot be."""
    bot = interaction.client
    if protocol not in bot.protocols:
        return f"There is no way of repairing called {protocol!r}: choose one from the list."
    if partner.id == interaction.user.id:
        return "A repair takes two people: choose the person you'd like to repair with."
    if partner.bot:
        return "Repairs are between people; bots can't take part."
    if not isinstance(partner, discord.Member):
        return f"{partner.mention} isn't in this server, so Mend can't invite them here."
    settings = await bot.db.guild_settings(interaction.guild_id or 0)
    role = settings.member_role_id
    if role is not None and isinstance(interaction.user, discord.Member) and interaction.user.get_role(role) is None:
        return f"Mend is set up here for people with the <@&{role}> role; an admin can add you to it."
    if role is not None and partner.get_role(role) is None:
        return f"{partner.mention} doesn't have the <@&{role}> role that Mend is set up for here."
    if await bot.db.blocks_invites(partner.id, interaction.user.id):
        return NOT_RIGHT_NOW
    existing = await bot.db.open_rupture_between(interaction.guild_id or 0, interaction.user.id, partner.id)
    if existing is not None and existing.thread_id is not None:
        return f"You two already have an open repair: <#{existing.thread_id}>."
    channel = repair_channel(interaction, settings)
    if channel is None:
        return (
            "Mend opens private threads in a text channel, and this isn't one: try again in a text "
            "channel, or ask an admin to choose one with `/mend setup`."
        )
    missing = missing_permissions(channel)
    if missing:
        return (
            f"Mend can't open a private thread in {channel.mention}: it is missing the "
            f"{' and '.join(missing)} permission{'s' if len(missing) > 1 else ''} there. "
            "A server admin can grant it in the channel's settings."
        )
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


async def ask_consent(interaction: Interaction, partner: discord.Member, protocol: str, topic: str | None) -> None:
    """Before the first thread a person opens: who can read it, and a choice to continue or stop."""
    embed = discord.Embed(title="Before you start", description=PRIVACY_NOTICE, colour=COLOUR)
    embed.add_field(name="With", value=partner.mention)
    embed.add_field(name="Way of repairing", value=interaction.client.protocols[protocol].name)
    if topic:
        embed.add_field(name="Topic", value=topic, inline=False)
    view = buttons(
        ConsentButton(partner.id, protocol, "yes", "Continue"), ConsentButton(partner.id, protocol, "no", "Not now")
    )
    await answer_privately(interaction, "", embed=embed, view=view)


async def open_repair(
    interaction: Interaction, partner: discord.Member | discord.User, protocol_key: str, topic: str | None
) -> None:
    """Reserve the rupture, open the private thread, add both people and post the invitation."""
    channel = await preflight(interaction, partner, protocol_key)
    if isinstance(channel, str):
        await _tell(interaction, channel)
        return
    bot = interaction.client
    assert isinstance(partner, discord.Member) and interaction.guild is not None
    await defer(interaction)
    draft = invitation(interaction.guild.id, protocol_key, interaction.user.id, partner.id, bot.clock.now())
    rupture = await bot.db.reserve_rupture(draft)
    if rupture is None:
        await _tell(interaction, "You two already have an open repair; `/repair status` links to it.")
        return
    name = topic or f"Repair · {interaction.user.display_name} & {partner.display_name}"
    thread: discord.Thread | None = None
    try:
        thread = await channel.create_thread(
            name=name[:100],
            type=discord.ChannelType.private_thread,
            invitable=False,
            auto_archive_duration=THREAD_ARCHIVE_MINUTES,
        )
        await bot.db.attach_thread(rupture.id, thread.id)
        await thread.add_user(interaction.user)
        await thread.add_user(partner)
        invitation_message = await post_invitation(thread, rupture, bot.protocols[protocol_key])
    except discord.HTTPException as error:
        await bot.db.forget_reservation(rupture.id)
        if thread is not None:
            await _archive_quietly(thread)
        if isinstance(error, discord.NotFound) and error.code == 10007:
            await _tell(interaction, f"{partner.mention} doesn't seem to be in this server any more.")
        else:
            await _tell(interaction, f"Mend couldn't open the thread: {discord_problem(error)}.")
        return
    await bot.db.note_messages(rupture.id, rupture.version, invitation_message.id, prompt=True, commitment_of=None)
    await _tell(
        interaction,
        f"I've opened {thread.mention} and invited {partner.mention}. Nothing happens until they're "
        "ready, and they can also say not now.",
    )


async def post_invitation(thread: discord.Thread, rupture: Rupture, protocol: Protocol) -> discord.Message:
    opener, partner = mention(rupture.first.user_id), mention(rupture.second.user_id)
    embed = discord.Embed(
        title="An invitation to repair",
        colour=COLOUR,
        description=(
            f"{opener} would like to talk something through with you, using **{protocol.name}**: "
            f"{protocol.description}\n\nHere {opener} is {protocol.first_label} and you are "
            f"{protocol.second_label}. It goes in turns. Either of you can take a break or step away at "
            "any time, in one click and without giving a reason. Nothing happens until you're ready.\n\n"
            f"{PRIVACY_NOTICE}"
        ),
    )
    view = buttons(
        *(
            _turns.TurnButton(rupture.id, rupture.position, action, label, style=style)
            for action, label, style in (
                (Action.READY, "I'm ready", discord.ButtonStyle.primary),
                (Action.NOT_NOW, "Not now", discord.ButtonStyle.secondary),
                (Action.DECLINE, "Decline", discord.ButtonStyle.secondary),
            )
        ),
        _turns.LeaveButton(rupture.id, "ask", "Withdraw"),
        ResourcesButton(),
    )
    # The content is Mend's own and mentions only the partner, so letting user mentions through pings
    # just them. (A list of ids would be sent as integers, which Discord's spec does not accept.)
    only_partner = discord.AllowedMentions(everyone=False, users=True, roles=False, replied_user=False)
    return await thread.send(
        content=f"{partner}, you have an invitation.",
        embed=embed,
        view=view,
        allowed_mentions=only_partner,
    )


async def _tell(interaction: Interaction, sentence: str) -> None:
    """Answer the person who is opening a repair: in the consent message if that's where they are."""
    if interaction.type is discord.InteractionType.component and interaction.response.is_done():
        await interaction.edit_original_response(content=sentence, embed=None, view=None)
    else:
        await answer_privately(interaction, sentence)


async def _archive_quietly(thread: discord.Thread) -> None:
    try:
        await thread.edit(archived=True)
    except discord.HTTPException:
        log.warning("Could not archive thread %s after a failed start", thread.id, exc_info=True)


async def setup(bot: MendBot) -> None:
    bot.register_components(*_turns.DYNAMIC_ITEMS, ConsentButton)
    await bot.add_cog(RepairCommands(bot))

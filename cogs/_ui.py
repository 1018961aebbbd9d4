"""Shared pieces of Mend's Discord surface: colours, private answers, embeds that fit, safe buttons."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import aiohttp
import discord

from bot.app import MendBot

log = logging.getLogger(__name__)

COLOUR = discord.Colour.from_rgb(94, 129, 172)
QUIET = discord.Colour.from_rgb(160, 160, 170)
NO_PINGS = discord.AllowedMentions.none()

EMBED_DESCRIPTION_LIMIT = 4096
MESSAGE_EMBED_LIMIT = 10
MESSAGE_EMBED_CHARACTERS = 6000

Interaction = discord.Interaction[MendBot]

# What Mend needs where it opens threads, by the names Discord shows in channel settings.
NEEDED_PERMISSIONS = {
    "view_channel": "View Channel",
    "create_private_threads": "Create Private Threads",
    "send_messages_in_threads": "Send Messages in Threads",
    "embed_links": "Embed Links",
    "read_message_history": "Read Message History",
}


def protocol_choices(bot: MendBot, typed: str) -> list[discord.app_commands.Choice[str]]:
    """The installed protocols whose name or key contains what the person typed (for autocomplete)."""
    typed = typed.lower()
    return [
        discord.app_commands.Choice(name=p.name, value=key)
        for key, p in bot.protocols.items()
        if typed in p.name.lower() or typed in key
    ][:25]


def missing_permissions(channel: discord.TextChannel) -> list[str]:
    """The permissions Mend needs in `channel` that it does not have, by their names in Discord."""
    granted = channel.permissions_for(channel.guild.me)
    return [name for attribute, name in NEEDED_PERMISSIONS.items() if not getattr(granted, attribute)]


def who_can_read_private_threads(channel: discord.TextChannel) -> list[str]:
    """Everyone who can read any private thread in `channel`: Administrator or Manage Threads there."""
    guild = channel.guild
    readers = [f"{guild.owner.mention if guild.owner else f'<@{guild.owner_id}>'} (the server owner)"]
    for role in sorted(guild.roles, key=lambda r: r.position, reverse=True):
        granted = channel.permissions_for(role)
        if granted.administrator or granted.manage_threads:
            readers.append("everyone" if role.is_default() else role.mention)
    for target, overwrite in channel.overwrites.items():
        if isinstance(target, discord.Member | discord.Object) and overwrite.manage_threads:
            readers.append(f"<@{target.id}>")
    return readers


def when(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp: every reader sees it in their own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def mention(user_id: int | None) -> str:
    return f"<@{user_id}>" if user_id is not None else "a former member"


def buttons(*items: discord.ui.Item[Any]) -> discord.ui.View:
    """A view of Mend's buttons. They are `DynamicItem`s, answered from their `custom_id` alone, so
    the view is stopped before it is sent: discord.py then keeps no copy (nor, for a private
    answer, a 15-minute timer) per message, which would otherwise grow with every interaction.
    """
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    view.stop()
    return view


def text_embeds(text: str, *, title: str | None = None, author: discord.abc.User | None = None) -> list[discord.Embed]:
    """Embeds for a person's words: split at Discord's description limit, never cut."""
    chunks = [text[i : i + EMBED_DESCRIPTION_LIMIT] for i in range(0, len(text), EMBED_DESCRIPTION_LIMIT)] or [""]
    embeds = []
    for index, chunk in enumerate(chunks):
        embed = discord.Embed(description=chunk, colour=COLOUR)
        if index == 0:
            if title:
                embed.title = title
            if author is not None:
                embed.set_author(name=author.display_name, icon_url=author.display_avatar.url)
        else:
            embed.set_footer(text="(continued)")
        embeds.append(embed)
    return embeds


def pack(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into as few messages as Discord allows (10 embeds, 6000 characters each)."""
    messages: list[list[discord.Embed]] = [[]]
    size = 0
    for embed in embeds:
        length = len(embed)
        if messages[-1] and (len(messages[-1]) == MESSAGE_EMBED_LIMIT or size + length > MESSAGE_EMBED_CHARACTERS):
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += length
    return messages


async def post(
    channel: discord.abc.Messageable,
    embeds: Sequence[discord.Embed],
    *,
    view: discord.ui.View | None = None,
    content: str | None = None,
    pings: discord.AllowedMentions = NO_PINGS,
) -> list[discord.Message]:
    """Post embeds in as few messages as fit, the view on the last; undo all if one fails."""
    sent: list[discord.Message] = []
    batches = pack(embeds)
    try:
        for index, batch in enumerate(batches):
            last = index == len(batches) - 1
            options: dict[str, Any] = {"embeds": batch, "allowed_mentions": pings}
            if last and view is not None:
                options["view"] = view
            if index == 0 and content:
                options["content"] = content
            sent.append(await channel.send(**options))
    except discord.HTTPException:
        await delete_quietly(sent)
        raise
    return sent


async def delete_quietly(messages: Iterable[discord.Message]) -> None:
    """Remove messages posted for a change that did not happen; failures are only logged."""
    for message in messages:
        try:
            await message.delete()
        except discord.HTTPException:
            log.warning("Could not remove message %s after an undone change", message.id, exc_info=True)


async def defer(interaction: Interaction) -> None:
    """Acknowledge now; slow work follows. Commands get a private "thinking", presses nothing visible."""
    if interaction.response.is_done():
        return
    if interaction.type is discord.InteractionType.application_command:
        await interaction.response.defer(ephemeral=True, thinking=True)
    else:
        await interaction.response.defer()


# What talking to Discord can fail with: an error answer, a rate limit too long to wait out,
# or no answer at all.
DISCORD_FAILURES = (discord.HTTPException, discord.RateLimited, aiohttp.ClientError, TimeoutError)


def discord_problem(error: BaseException) -> str:
    """What went wrong talking to Discord, in words a person can act on."""
    if isinstance(error, discord.Forbidden):
        return "Discord says Mend is missing a permission there"
    if isinstance(error, discord.NotFound):
        return "the thread or message is gone"
    if isinstance(error, discord.RateLimited) or getattr(error, "status", None) == 429:
        return "Discord asked Mend to slow down"
    if isinstance(error, discord.HTTPException):
        return "Discord did not answer properly"
    return "Discord could not be reached"


class MendButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """A persistent button: its `custom_id` carries all it needs, and any error still gets an answer.

    Subclasses give their own `template`, parse it in `from_custom_id`, and act in `pressed`.
    """

    def __init__(self, custom_id: str, label: str, style: discord.ButtonStyle = discord.ButtonStyle.secondary) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self.pressed)

    async def pressed(self, interaction: Interaction) -> None:
        raise NotImplementedError


async def guarded(interaction: Interaction, handler: Callable[[Interaction], Awaitable[None]]) -> None:
    """Run a button's handler so that any error still gets the person an answer.

    discord.py only logs exceptions raised inside dynamic items, which would leave the person
    looking at "This interaction failed".
    """
    interaction.client.track_current_task()
    try:
        await handler(interaction)
    except Exception as error:
        await interaction.client.report_error(interaction, error)

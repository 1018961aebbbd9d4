"""Shared Discord helpers: Discord's error codes, what a failure means, threads, permissions."""

from __future__ import annotations

import logging
from enum import IntEnum

import aiohttp
import discord

from bot.servers import Readers
from bot.wording.common import Problem
from bot.wording.opening import PERMISSION_NAMES

log = logging.getLogger(__name__)

# What talking to Discord can fail with: an error answer, a rate limit too long to wait out,
# or no answer at all.
DISCORD_FAILURES = (discord.HTTPException, discord.RateLimited, aiohttp.ClientError, TimeoutError)

# What Mend needs where it opens threads, by the names Discord shows in channel settings.
NEEDED_PERMISSIONS = PERMISSION_NAMES


def invite_url(application_id: int) -> str:
    """The link that adds Mend to a server with exactly the permissions above, and its slash commands."""
    permissions = discord.Permissions(**dict.fromkeys(NEEDED_PERMISSIONS, True))
    return discord.utils.oauth_url(application_id, permissions=permissions, scopes=("bot", "applications.commands"))


class ErrorCode(IntEnum):
    """Discord's JSON error codes that Mend handles (opcodes-and-status-codes.mdx)."""

    UNKNOWN_CHANNEL = 10003
    UNKNOWN_GUILD = 10004
    UNKNOWN_MEMBER = 10007
    UNKNOWN_MESSAGE = 10008
    UNKNOWN_USER = 10013
    MISSING_ACCESS = 50001
    CANNOT_MESSAGE_USER = 50007
    MISSING_PERMISSIONS = 50013
    THREAD_ARCHIVED = 50083


def is_code(error: BaseException, *codes: ErrorCode) -> bool:
    return isinstance(error, discord.HTTPException) and error.code in codes


def slowed_down(error: BaseException) -> bool:
    """Whether Discord asked Mend to wait (a rate limit), or kept it waiting too long, so the same
    request may well work later."""
    return isinstance(error, discord.RateLimited | TimeoutError) or getattr(error, "status", None) == 429


def problem_of(error: BaseException) -> Problem:
    """What went wrong talking to Discord, as far as a person needs to know."""
    if isinstance(error, discord.Forbidden):
        return Problem.FORBIDDEN
    if isinstance(error, discord.NotFound):
        return Problem.GONE
    if slowed_down(error):
        return Problem.SLOW_DOWN
    if isinstance(error, discord.HTTPException):
        return Problem.BAD_ANSWER
    return Problem.UNREACHABLE


def partial_thread(client: discord.Client, thread_id: int, guild_id: int | None) -> discord.PartialMessageable:
    """A thread to post in or edit messages of, without fetching it."""
    return client.get_partial_messageable(thread_id, guild_id=guild_id, type=discord.ChannelType.private_thread)


async def find_thread(client: discord.Client, thread_id: int) -> discord.Thread | None:
    """The thread itself (from the cache, else Discord), or None if it is not a thread."""
    channel = client.get_channel(thread_id) or await client.fetch_channel(thread_id)
    return channel if isinstance(channel, discord.Thread) else None


async def archive_quietly(client: discord.Client, thread_id: int) -> bool:
    """Archive a repair's thread (the bot created it, so it may); a failure is only logged. Whether
    it is archived now (or gone, so there is nothing left to archive)."""
    try:
        thread = await find_thread(client, thread_id)
        if thread is not None and not thread.archived:
            await thread.edit(archived=True)
    except discord.NotFound:
        return True
    except DISCORD_FAILURES as error:
        log.warning("Could not archive thread %s: %s", thread_id, error)
        return False
    return True


def missing_permissions(channel: discord.TextChannel) -> list[str]:
    """The permissions Mend needs in `channel` that it does not have, by their (English) names in Discord."""
    granted = channel.permissions_for(channel.guild.me)
    return [name for attribute, name in NEEDED_PERMISSIONS.items() if not getattr(granted, attribute)]


def who_can_read_private_threads(channel: discord.TextChannel) -> Readers:
    """Everyone who can read any private thread in `channel`: Administrator or Manage Threads there."""
    roles = [
        role
        for role in sorted(channel.guild.roles, key=lambda r: r.position, reverse=True)
        if channel.permissions_for(role).administrator or channel.permissions_for(role).manage_threads
    ]
    return Readers(
        owner_id=channel.guild.owner_id or 0,
        role_ids=tuple(role.id for role in roles if not role.is_default()),
        everyone=any(role.is_default() for role in roles),
        member_ids=tuple(
            target.id
            for target, overwrite in channel.overwrites.items()
            if isinstance(target, discord.Member | discord.Object) and overwrite.manage_threads
        ),
    )

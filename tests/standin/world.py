"""What the stand-in knows: users, servers, roles, channels, threads and messages.

Objects render themselves as Discord API payloads (see `../shared/discord-api/docs`), with the
fields discord.py reads. Permissions are computed the way Discord documents them: the server's
base permissions from roles, then the channel's overwrites (threads take their parent's).
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
_MENTION = re.compile(r"<(@!?|@&)(\d+)>")


class Permission:
    """The permission bits the stand-in checks (from `permissions.mdx`)."""

    CREATE_INSTANT_INVITE = 1 << 0
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    ALL = (1 << 51) - 1

    MEMBER_DEFAULT = (
        VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | READ_MESSAGE_HISTORY
        | USE_APPLICATION_COMMANDS
        | CREATE_PUBLIC_THREADS
        | CREATE_PRIVATE_THREADS
        | SEND_MESSAGES_IN_THREADS
    )


class ChannelType:
    GUILD_TEXT = 0
    DM = 1
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12


class Snowflakes:
    """Increasing snowflakes whose timestamps come from the stand-in's clock."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._last = 0
        self._counter = itertools.count()

    def next(self, shard: tuple[int, int] | None = None) -> int:
        """The next snowflake; for a server that must be on `shard` of `count` (Discord's formula,
        `(id >> 22) % count`), one up to `count - 1` milliseconds later."""
        stamp = int(self._now().timestamp() * 1000) - DISCORD_EPOCH_MS
        candidate = (stamp << 22) | (next(self._counter) & 0xFFF)
        self._last = max(candidate, self._last + 1)
        if shard is not None:
            index, count = shard
            later = (index - (self._last >> 22)) % count
            self._last = ((self._last >> 22) + later) << 22 | (self._last & 0x3FFFFF)
        return self._last


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    dms_open: bool = True

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.username.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int = 1

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass
class Member:
    user: User
    roles: list[int] = field(default_factory=list)
    joined_at: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))

    def payload(self, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user": self.user.payload(),
            "roles": [str(role) for role in self.roles],
            "nick": None,
            "avatar": None,
            "joined_at": iso(self.joined_at),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Message:
    id: int
    channel_id: int
    author: User
    created_at: datetime
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    nonce: str | int | None = None
    visible_to: int | None = None  # ephemeral messages are seen by one person
    edited_at: datetime | None = None
    interaction_id: int | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)  # each file's alt text

    EPHEMERAL = 1 << 6

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & self.EPHEMERAL)

    def payload(self, guild_id: int | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": iso(self.created_at),
            "edited_timestamp": None if self.edited_at is None else iso(self.edited_at),
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {
                    "id": str(self.id + index + 1),
                    "filename": name,
                    "size": len(content),
                    "url": f"https://cdn.invalid/{name}",
                    "proxy_url": f"https://cdn.invalid/{name}",
                    **({"description": self.descriptions[name]} if name in self.descriptions else {}),
                }
                for index, (name, content) in enumerate(self.files.items())
            ],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": 0,
            "flags": self.flags,
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        return data

    def buttons(self) -> list[dict[str, Any]]:
        """Every button on the message, in order."""
        found: list[dict[str, Any]] = []
        for row in self.components:
            found.extend(c for c in row.get("components", []) if c.get("type") == 2)
        return found

    def pings(self) -> set[str]:
        """Who Discord would notify for this message, applying `allowed_mentions` as documented."""
        found: set[str] = set()
        allowed = self.allowed_mentions
        parse = set(allowed.get("parse") or []) if allowed is not None else {"users", "roles", "everyone"}
        users = {str(u) for u in (allowed or {}).get("users") or []}
        roles = {str(r) for r in (allowed or {}).get("roles") or []}
        for kind, target in _MENTION.findall(self.content):
            if kind in ("@", "@!") and ("users" in parse or target in users):
                found.add(f"user:{target}")
            elif kind == "@&" and ("roles" in parse or target in roles):
                found.add(f"role:{target}")
        if "everyone" in parse and ("@everyone" in self.content or "@here" in self.content):
            found.add("everyone")
        return found

    @property
    def text(self) -> str:
        """Everything a reader sees: content and every embed's title, description and fields."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [
                embed.get("title", ""),
                embed.get("description", ""),
                embed.get("author", {}).get("name", ""),
            ]
            parts += [f"{f.get('name', '')} {f.get('value', '')}" for f in embed.get("fields", [])]
            parts.append(embed.get("footer", {}).get("text", ""))
        return "\n".join(part for part in parts if part)


@dataclass
class Channel:
    id: int
    type: int
    name: str
    guild_id: int | None = None
    parent_id: int | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    owner_id: int | None = None
    member_ids: set[int] = field(default_factory=set)
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 10080
    recipient: User | None = None
    messages: dict[int, Message] = field(default_factory=dict)
    created_at: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))

    @property
    def is_thread(self) -> bool:
        return self.type in (ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD)

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(self.id), "type": self.type, "flags": 0}
        if self.type == ChannelType.DM:
            assert self.recipient is not None
            data.update(recipients=[self.recipient.payload()], last_message_id=None)
            return data
        data.update(
            guild_id=str(self.guild_id),
            name=self.name,
            position=0,
            nsfw=False,
            rate_limit_per_user=0,
            last_message_id=None,
        )
        if self.is_thread:
            data.update(
                parent_id=str(self.parent_id),
                owner_id=str(self.owner_id),
                member_count=len(self.member_ids),
                message_count=len(self.messages),
                total_message_sent=len(self.messages),
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": iso(self.created_at),
                    "locked": self.locked,
                    "invitable": self.invitable,
                    "create_timestamp": iso(self.created_at),
                },
            )
        else:
            data.update(
                permission_overwrites=[o.payload() for o in self.overwrites],
                topic=None,
                parent_id=None,
                default_auto_archive_duration=10080,
            )
        return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    locale: str = "en-US"  # the server's preferred language (what interactions call `guild_locale`)
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def base_permissions(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return Permission.ALL
        member = self.members[user_id]
        permissions = self.everyone.permissions
        for role_id in member.roles:
            permissions |= self.roles[role_id].permissions
        return Permission.ALL if permissions & Permission.ADMINISTRATOR else permissions

    def permissions_in(self, user_id: int, channel: Channel) -> int:
        """A member's permissions in a channel; a thread answers with its parent's overwrites."""
        if user_id not in self.members:
            return 0
        base = self.base_permissions(user_id)
        if base & Permission.ADMINISTRATOR:
            return Permission.ALL
        source = self.channels[channel.parent_id] if channel.is_thread and channel.parent_id else channel
        member = self.members[user_id]
        permissions = base
        for overwrite in source.overwrites:
            if overwrite.type == 0 and overwrite.id == self.id:
                permissions = (permissions & ~overwrite.deny) | overwrite.allow
        allow = deny = 0
        for overwrite in source.overwrites:
            if overwrite.type == 0 and overwrite.id in member.roles:
                allow |= overwrite.allow
                deny |= overwrite.deny
        permissions = (permissions & ~deny) | allow
        for overwrite in source.overwrites:
            if overwrite.type == 1 and overwrite.id == user_id:
                permissions = (permissions & ~overwrite.deny) | overwrite.allow
        return permissions

    def can_see_thread(self, user_id: int, thread: Channel) -> bool:
        visible = self.permissions_in(user_id, thread) & Permission.VIEW_CHANNEL
        if thread.type == ChannelType.PRIVATE_THREAD:
            moderator = self.permissions_in(user_id, thread) & Permission.MANAGE_THREADS
            return bool(visible) and (user_id in thread.member_ids or bool(moderator))
        return bool(visible)

    def payload(self, bot_member: Member) -> dict[str, Any]:
        """A GUILD_CREATE payload: roles, the text channels, active threads and the bot's member."""
        channels = [c for c in self.channels.values() if not c.is_thread]
        threads = [c for c in self.channels.values() if c.is_thread and not c.archived]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [role.payload() for role in self.roles.values()],
            "emojis": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": self.locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "stickers": [],
            "joined_at": iso(bot_member.joined_at),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [],
            "members": [bot_member.payload()],
            "channels": [c.payload() for c in channels],
            "threads": [t.payload() for t in threads],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


def now_utc() -> datetime:
    return datetime.now(UTC)


def monotonic() -> float:
    return time.perf_counter()

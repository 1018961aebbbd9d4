"""A local Discord stand-in on 127.0.0.1: REST v10 and Gateway v10 for the real discord.py client.

Every REST request is recorded and its body validated against Discord's OpenAPI spec; anything
the spec or the docs forbid is collected in `violations`, which the tests require to stay empty.
Tests act as members through `tests.standin.actors`: run slash commands built from the synced
command definitions, press buttons that are really on messages, submit modals the bot opened.
Faults can be injected per route, and the gateway can be dropped and resumed.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from tests.standin.commands import problems as command_problems
from tests.standin.files import upload_problems
from tests.standin.gateway import Gateway, on_shard
from tests.standin.limits import GlobalLimit, Tally, global_429, is_exempt
from tests.standin.spec import load_spec
from tests.standin.world import (
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    Overwrite,
    Permission,
    Role,
    Snowflakes,
    User,
    monotonic,
    now_utc,
)

API_PREFIX = "/api/v10"
INTERACTION_DEADLINE = 3.0
NONCE_WINDOW = timedelta(minutes=5)
_LOADING = 1 << 7

Handler = Callable[["Call"], Awaitable[web.StreamResponse]]


class DiscordError(Exception):
    """An error answer in Discord's shape: `{"code": ..., "message": ...}` with an HTTP status."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def unknown(what: str, code: int) -> DiscordError:
    return DiscordError(404, code, f"Unknown {what}")


MISSING_PERMISSIONS = DiscordError(403, 50013, "Missing Permissions")
MISSING_ACCESS = DiscordError(403, 50001, "Missing Access")


@dataclass
class Application:
    id: int
    token: str
    bot: User
    commands: dict[int | None, list[dict[str, Any]]] = field(default_factory=dict)

    def command(self, name: str, guild_id: int | None) -> dict[str, Any] | None:
        for scope in (guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return command
        return None


@dataclass
class Recorded:
    """One REST request as the bot made it."""

    method: str
    path: str
    template: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    authorized: bool
    status: int = 0


@dataclass
class Fault:
    status: int
    code: int = 0
    message: str = "stand-in fault"
    retry_after: float = 0.0
    times: int = 1
    where: dict[str, str] = field(default_factory=dict)
    public_only: bool = False  # only messages everyone in the channel would see (not ephemeral ones)
    scope: str = "user"  # a 429's scope: "global" answers as the global rate limit does

    def matches(self, params: dict[str, str], body: Any) -> bool:
        if self.public_only and isinstance(body, dict) and (body.get("flags") or 0) & Message.EPHEMERAL:
            return False
        return all(params.get(key) == value for key, value in self.where.items())


@dataclass
class Hold:
    """Keeps the next request to a route waiting, as a stall or a crash in mid-request would.

    With `after_handling` the request takes effect (a message is created) before it waits;
    without, it waits first and then fails without effect.
    """

    after_handling: bool
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Pending:
    """An interaction the stand-in sent and is waiting for the bot to answer."""

    id: int
    token: str
    type: int
    application: Application
    user: User
    guild: Guild | None
    channel: Channel
    message: Message | None
    payload: dict[str, Any]
    sent_at: float = field(default_factory=monotonic)
    callback: asyncio.Future[Callback] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    original: Message | None = None
    deferred: int | None = None
    followups: asyncio.Queue[Message] = field(default_factory=asyncio.Queue)
    followed_up: list[Message] = field(default_factory=list)  # every follow-up, kept after it is read

    @property
    def answered_privately(self) -> bool:
        """Whether the person got a private answer: an ephemeral callback or follow-up."""
        private = self.callback.done() and self.callback.result().ephemeral
        return private or any(message.ephemeral for message in self.followed_up)


@dataclass
class Callback:
    """The bot's answer to an interaction, as a user would see it."""

    type: int
    body: dict[str, Any]
    elapsed: float
    message: Message | None
    modal: dict[str, Any] | None

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.body.get("data") or {}
        return data

    @property
    def ephemeral(self) -> bool:
        """Whether only the person who acted sees the answer (an updated message keeps its own flag)."""
        if self.message is not None:
            return self.message.ephemeral
        return bool((self.data.get("flags") or 0) & Message.EPHEMERAL)

    @property
    def text(self) -> str:
        return self.message.text if self.message is not None else str(self.data.get("content") or "")


@dataclass
class Call:
    """One REST request being served."""

    request: web.Request
    params: dict[str, str]
    body: Any
    application: Application | None
    files: dict[str, bytes] = field(default_factory=dict)

    def int(self, name: str) -> int:
        return int(self.params[name])


class StandIn:
    """The stand-in server. `await start()`, then point the bot at `api_url` and `gateway_url`."""

    def __init__(self, *, clock: Callable[[], datetime] = now_utc, validate: bool = True) -> None:
        self.clock = clock
        self.snowflakes = Snowflakes(clock)
        self.spec = load_spec() if validate else None
        self.gateway = Gateway(self)
        self.applications: dict[str, Application] = {}
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.requests: list[Recorded] = []
        self.by_route: dict[tuple[str, str], list[Recorded]] = defaultdict(list)
        self.violations: list[str] = []
        self.faults: dict[tuple[str, str], deque[Fault]] = defaultdict(deque)
        self.pending: dict[str, Pending] = {}
        self.late_callbacks: list[float] = []
        self.global_limit = GlobalLimit()
        self.tally = Tally()
        self.reject_at_gateway: set[str] = set()
        self.holds: dict[tuple[str, str], Hold] = {}
        self._numbered_hold: tuple[int, Hold] | None = None
        self._nonces: dict[tuple[int, int, str], Message] = {}
        self._dms: dict[int, Channel] = {}
        self._command_ids = itertools.count(1)
        self._tick = asyncio.Event()
        self._channel_ticks: dict[int, asyncio.Event] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        for method, template, handler in self._routes():
            app.router.add_route(method, API_PREFIX + template, self._serve(template, handler))
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._unknown_route)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- building the world ---------------------------------------------------------------------

    def add_application(self, name: str = "Mend") -> Application:
        bot = self.add_user(name.lower(), bot=True)
        token = f"{secrets.token_urlsafe(18)}.{secrets.token_urlsafe(4)}.{secrets.token_urlsafe(27)}"
        application = Application(id=bot.id, token=token, bot=bot)
        self.applications[token] = application
        return application

    def add_user(self, username: str, *, bot: bool = False) -> User:
        user = User(self.snowflakes.next(), username, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, owner: User, shard: tuple[int, int] | None = None) -> Guild:
        """A server; `shard` (shard, count) puts it on that gateway shard."""
        guild = Guild(self.snowflakes.next(shard), name, owner.id)
        guild.roles[guild.id] = Role(guild.id, "@everyone", Permission.MEMBER_DEFAULT, position=0)
        guild.members[owner.id] = Member(owner)
        self.guilds[guild.id] = guild
        return guild

    def add_role(self, guild: Guild, name: str, permissions: int) -> Role:
        role = Role(self.snowflakes.next(), name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    def join(self, guild: Guild, user: User, *roles: Role) -> Member:
        member = Member(user, [role.id for role in roles], joined_at=self.clock())
        guild.members[user.id] = member
        return member

    def leave(self, guild: Guild, user: User) -> None:
        guild.members.pop(user.id, None)

    def add_text_channel(self, guild: Guild, name: str) -> Channel:
        channel = Channel(self.snowflakes.next(), ChannelType.GUILD_TEXT, name, guild_id=guild.id)
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_private_thread(self, parent: Channel, owner: User, *members: User) -> Channel:
        """A private thread that already exists (as if opened earlier), with these members."""
        assert parent.guild_id is not None
        thread = Channel(
            self.snowflakes.next(),
            ChannelType.PRIVATE_THREAD,
            "Repair",
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=owner.id,
            member_ids={owner.id, *(m.id for m in members)},
            invitable=False,
            created_at=self.clock(),
        )
        self.channels[thread.id] = thread
        self.guilds[parent.guild_id].channels[thread.id] = thread
        return thread

    async def create_text_channel(self, guild: Guild, name: str) -> Channel:
        """A channel an admin creates while the bot is running (it hears CHANNEL_CREATE)."""
        channel = self.add_text_channel(guild, name)
        await self._to_guild_bots(guild, "CHANNEL_CREATE", channel.payload())
        return channel

    async def create_role(self, guild: Guild, name: str, permissions: int) -> Role:
        """A role an admin creates while the bot is running (it hears GUILD_ROLE_CREATE)."""
        role = self.add_role(guild, name, permissions)
        await self._to_guild_bots(guild, "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()})
        return role

    def application_by_token(self, token: str) -> Application | None:
        return self.applications.get(token)

    def gateway_accepts(self, token: str) -> Application | None:
        """The application a gateway token belongs to, unless a test made the gateway refuse it."""
        return None if token in self.reject_at_gateway else self.applications.get(token)

    def guilds_of(self, application: Application, shard: tuple[int, int] | None = None) -> list[dict[str, Any]]:
        """The servers the bot is in (those on `shard`, as (shard, count), if given), as GUILD_CREATE carries them."""
        return [
            guild.payload(guild.members[application.bot.id])
            for guild in self.guilds.values()
            if application.bot.id in guild.members and on_shard(guild.id, shard)
        ]

    def ready_payload(
        self, application: Application, session_id: str, shard: tuple[int, int] | None = None
    ) -> dict[str, Any]:
        guilds = [
            {"id": str(g.id), "unavailable": True}
            for g in self.guilds.values()
            if application.bot.id in g.members and on_shard(g.id, shard)
        ]
        return {
            **({"shard": list(shard)} if shard is not None else {}),
            "v": 10,
            "user": {**application.bot.payload(), "verified": True, "mfa_enabled": False},
            "guilds": guilds,
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(application.id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }

    def guild_of(self, channel: Channel) -> Guild | None:
        return None if channel.guild_id is None else self.guilds[channel.guild_id]

    # -- faults and inspection ------------------------------------------------------------------

    def fail(
        self,
        method: str,
        template: str,
        status: int,
        *,
        code: int = 0,
        message: str = "stand-in fault",
        retry_after: float = 0.0,
        times: int = 1,
        public_only: bool = False,
        scope: str = "user",
        **where: object,
    ) -> None:
        """Answer the next `times` matching requests with an error instead of serving them.

        A `status` of 0 drops the connection instead, as a network reset would.
        """
        if self.spec is not None and not self.spec.has_operation(template, method):
            raise ValueError(f"{method} {template} is not a Discord route")
        where_ = {k: str(v) for k, v in where.items()}
        fault = Fault(status, code, message, retry_after, times, where_, public_only, scope)
        self.faults[(method.upper(), template)].append(fault)

    def forget_history(self) -> None:
        """Drop the record of past requests and answered interactions (for long benchmark runs)."""
        self.requests.clear()
        self.by_route.clear()
        self.pending = {token: p for token, p in self.pending.items() if not p.callback.done()}

    def hold(self, method: str, template: str, *, after_handling: bool) -> Hold:
        """Hold the next request to this route until the test releases it."""
        held = Hold(after_handling)
        self.holds[(method.upper(), template)] = held
        return held

    def hold_nth(self, count: int, *, after_handling: bool) -> Hold:
        """Hold the `count`th request from now, whatever its route, until the test releases it."""
        held = Hold(after_handling)
        self._numbered_hold = (len(self.requests) + count, held)
        return held

    def _nth_hold(self, number: int) -> Hold | None:
        if self._numbered_hold is not None and self._numbered_hold[0] == number:
            held = self._numbered_hold[1]
            self._numbered_hold = None
            return held
        return None

    def snapshot(self) -> Tally:
        """The tally now, to measure a stretch of a test against with `since`."""
        return replace(self.tally)

    def since(self, earlier: Tally) -> Tally:
        """What happened since `earlier` (a copy of `tally` taken then): interactions, requests
        under the global limit, global 429s; `.per_interaction` is the ratio the global limit cares for."""
        return self.tally.minus(earlier)

    def calls(self, method: str, template: str) -> list[Recorded]:
        """The recorded requests to one route, oldest first."""
        return self.by_route.get((method.upper(), template), [])

    async def drop_gateway(self, application: Application) -> None:
        await self.gateway.drop(application)

    async def delete_channel(self, channel: Channel) -> None:
        """Delete a channel or thread, as a moderator would."""
        self.channels.pop(channel.id, None)
        guild = self.guild_of(channel)
        if guild is not None:
            guild.channels.pop(channel.id, None)
            event = "THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE"
            data = {"id": str(channel.id), "guild_id": str(guild.id), "type": channel.type}
            if channel.parent_id is not None:
                data["parent_id"] = str(channel.parent_id)
            await self._to_guild_bots(guild, event, data)

    async def until(self, condition: Callable[[], Any], timeout: float = 5.0, *, channel: Channel | None = None) -> Any:
        """Wait, without polling, until `condition()` is truthy; return its value.

        It is checked again after every request, or, given a channel, whenever that channel's
        messages change (so many waiters on many threads stay cheap).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (value := condition()):
            remaining = deadline - loop.time()
            tick = self._tick if channel is None else self._channel_ticks.setdefault(channel.id, asyncio.Event())
            try:
                await asyncio.wait_for(tick.wait(), max(remaining, 0))
            except TimeoutError:
                raise AssertionError(f"timed out after {timeout}s waiting for {condition}") from None
        return value

    async def set_overwrite(self, channel: Channel, target: User | Role, *, allow: int = 0, deny: int = 0) -> None:
        """Change a channel's permission overwrite for a member or role, as an admin would."""
        kind = 1 if isinstance(target, User) else 0
        channel.overwrites = [o for o in channel.overwrites if o.id != target.id]
        channel.overwrites.append(Overwrite(target.id, kind, allow, deny))
        guild = self.guild_of(channel)
        assert guild is not None
        await self._to_guild_bots(guild, "CHANNEL_UPDATE", channel.payload())

    def open_dm(self, user: User, with_user: User) -> Channel:
        """The DM channel between two users (for a person writing to the bot in private)."""
        channel = Channel(self.snowflakes.next(), ChannelType.DM, user.username, recipient=with_user)
        self.channels[channel.id] = channel
        return channel

    def forge_message(
        self,
        channel: Channel,
        author: User,
        components: list[dict[str, Any]],
        *,
        embeds: list[dict[str, Any]] | None = None,
    ) -> Message:
        """A message as if posted earlier (say by an older or buggy bot), with whatever buttons it has."""
        message = Message(
            self.snowflakes.next(), channel.id, author, self.clock(), components=components, embeds=list(embeds or [])
        )
        channel.messages[message.id] = message
        return message

    def messages(self, channel: Channel, *, seen_by: int | None = None) -> list[Message]:
        """Messages in a channel, oldest first; ephemeral ones only for the person who saw them."""
        return [m for m in channel.messages.values() if m.visible_to is None or m.visible_to == seen_by]

    # -- serving --------------------------------------------------------------------------------

    def _serve(self, template: str, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def serve(request: web.Request) -> web.StreamResponse:
            body, files = await _read_body(request)
            params = dict(request.match_info)
            authorization = request.headers.get("Authorization", "")
            application = self.applications.get(authorization.removeprefix("Bot "))
            record = Recorded(
                request.method, request.path, template, params, dict(request.query), body, bool(authorization)
            )
            self.requests.append(record)
            self.by_route[(request.method, template)].append(record)
            hold = self.holds.pop((request.method, template), None) or self._nth_hold(len(self.requests))
            if hold is not None and not hold.after_handling:
                hold.arrived.set()
                await hold.release.wait()
                return _error(DiscordError(503, 0, "stand-in hold released"))
            response = await self._answer(Call(request, params, body, application, files), template, handler, record)
            record.status = response.status
            if hold is not None:
                hold.arrived.set()
                await hold.release.wait()
            self._tick.set()
            self._tick = asyncio.Event()
            return response

        return serve

    async def _answer(self, call: Call, template: str, handler: Handler, record: Recorded) -> web.StreamResponse:
        method = call.request.method
        problems = self.spec.problems(template, method, call.body) if self.spec is not None else []
        if problems:
            self.violations.extend(problems)
            return _error(DiscordError(400, 50035, "Invalid Form Body: " + "; ".join(problems)))
        needs_token = not is_exempt(template)
        if needs_token and call.application is not None:
            self.tally.global_limited += 1
            retry_after = self.global_limit.retry_after(call.application.id)
            if retry_after is not None:
                self.tally.global_429s += 1
                return global_429(retry_after)
        if needs_token and call.application is None:
            return _error(DiscordError(401, 0, "401: Unauthorized"))
        if not needs_token and record.authorized:
            self.violations.append(f"{method} {template} was sent with an Authorization header")
        fault = self._take_fault(method, template, call.params, call.body)
        if fault is not None and fault.status == 0:
            # A connection reset: the client gets no answer at all.
            if call.request.transport is not None:
                call.request.transport.abort()
            return web.Response(status=204)
        if fault is not None:
            return _fault_response(fault)
        try:
            return await handler(call)
        except DiscordError as error:
            return _error(error)

    def _take_fault(self, method: str, template: str, params: dict[str, str], body: Any) -> Fault | None:
        queue = self.faults.get((method, template))
        if not queue:
            return None
        for fault in queue:
            if fault.matches(params, body):
                fault.times -= 1
                if fault.times <= 0:
                    queue.remove(fault)
                return fault
        return None

    async def _unknown_route(self, request: web.Request) -> web.StreamResponse:
        self.violations.append(f"{request.method} {request.path} is not served by the stand-in")
        return _error(DiscordError(404, 0, "404: Not Found"))

    def _routes(self) -> list[tuple[str, str, Handler]]:
        return [
            ("GET", "/users/@me", self._get_me),
            ("GET", "/gateway/bot", self._get_bot_gateway),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/@me", self._get_application),
            ("PUT", "/applications/{application_id}/commands", self._put_commands),
            ("GET", "/applications/{application_id}/commands", self._get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self._put_commands),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self._get_commands),
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self._callback),
            ("POST", "/webhooks/{webhook_id}/{webhook_token}", self._followup),
            (
                "GET",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                self._get_webhook_message,
            ),
            (
                "PATCH",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                self._edit_webhook_message,
            ),
            (
                "DELETE",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                self._delete_webhook_message,
            ),
            ("GET", "/channels/{channel_id}", self._get_channel),
            ("PATCH", "/channels/{channel_id}", self._edit_channel),
            ("GET", "/channels/{channel_id}/messages", self._list_messages),
            ("POST", "/channels/{channel_id}/messages", self._create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message),
            ("POST", "/channels/{channel_id}/threads", self._create_thread),
            ("PUT", "/channels/{channel_id}/thread-members/{user_id}", self._add_thread_member),
            ("POST", "/users/@me/channels", self._open_dm),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member),
        ]

    # -- users, applications, commands ----------------------------------------------------------

    async def _get_me(self, call: Call) -> web.StreamResponse:
        assert call.application is not None
        return _json({**call.application.bot.payload(), "verified": True, "mfa_enabled": False})

    async def _get_bot_gateway(self, call: Call) -> web.StreamResponse:
        """Where to connect, and how many shards Discord recommends (one per thousand servers, or
        what a test set in `gateway.recommended_shards`)."""
        assert call.application is not None
        return _json(
            {
                "url": self.gateway_url,
                "shards": self.gateway.recommended_shards(len(self.guilds_of(call.application))),
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
            }
        )

    async def _get_application(self, call: Call) -> web.StreamResponse:
        application = call.application
        assert application is not None
        return _json(
            {
                "id": str(application.id),
                "name": application.bot.username,
                "icon": None,
                "description": "",
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": application.bot.payload(),
                "team": None,
                "summary": "",
                "bot": application.bot.payload(),
            }
        )

    def _own_application(self, call: Call) -> Application:
        application = call.application
        if application is None or str(application.id) != call.params["application_id"]:
            raise MISSING_ACCESS
        return application

    async def _put_commands(self, call: Call) -> web.StreamResponse:
        application = self._own_application(call)
        problems = command_problems(call.body, self.spec.locales() if self.spec is not None else None)
        if problems:
            self.violations.extend(problems)
            raise DiscordError(400, 50035, "Invalid Form Body: " + "; ".join(problems))
        guild_id = int(call.params["guild_id"]) if "guild_id" in call.params else None
        registered = []
        for definition in call.body:
            command = {
                "id": str(next(self._command_ids)),
                "application_id": str(application.id),
                "version": "1",
                "type": 1,
                "default_member_permissions": None,
                "nsfw": False,
                "options": [],
                **definition,
            }
            if guild_id is not None:
                command["guild_id"] = str(guild_id)
            registered.append(command)
        application.commands[guild_id] = registered
        return _json(registered)

    async def _get_commands(self, call: Call) -> web.StreamResponse:
        application = self._own_application(call)
        guild_id = int(call.params["guild_id"]) if "guild_id" in call.params else None
        return _json(application.commands.get(guild_id, []))

    # -- interactions ---------------------------------------------------------------------------

    def _pending(self, call: Call, token_key: str) -> Pending:
        pending = self.pending.get(call.params[token_key])
        if pending is None:
            raise unknown("Webhook", 10015) if token_key == "webhook_token" else unknown("interaction", 10062)
        return pending

    async def _callback(self, call: Call) -> web.StreamResponse:
        pending = self._pending(call, "interaction_token")
        if str(pending.id) != call.params["interaction_id"]:
            raise unknown("interaction", 10062)
        elapsed = monotonic() - pending.sent_at
        if pending.callback.done():
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if elapsed > INTERACTION_DEADLINE:
            self.late_callbacks.append(elapsed)
            self.violations.append(f"interaction {pending.id} answered after {elapsed:.2f}s")
            raise unknown("interaction", 10062)
        body: dict[str, Any] = call.body
        kind = body["type"]
        data: dict[str, Any] = body.get("data") or {}
        message: Message | None = None
        modal: dict[str, Any] | None = None
        from_component = pending.message is not None
        if kind == 4:
            message = self._post(pending.channel, pending.application.bot, data, visible_to=pending.user)
            message.interaction_id = pending.id
            self._attach(message, call.files, data)
            pending.original = message
        elif kind == 5:
            loading = {"flags": (data.get("flags") or 0) | _LOADING}
            message = self._post(pending.channel, pending.application.bot, loading, visible_to=pending.user)
            pending.original, pending.deferred = message, 5
        elif kind in (6, 7):
            if not from_component:
                raise DiscordError(400, 40004, "This interaction type cannot update a message")
            if kind == 7 and pending.message is not None:
                if pending.channel.id not in self.channels:
                    raise unknown("Message", 10008)
                message = self._edit(pending.message, data)
            pending.original, pending.deferred = pending.message, kind
        elif kind == 8:
            if pending.type != 4:
                raise DiscordError(400, 50035, "Only autocomplete interactions take choices")
        elif kind == 9:
            if pending.type == 5:
                self.violations.append("a modal was sent in answer to a modal")
                raise DiscordError(400, 50035, "A modal cannot answer a modal")
            modal = data
        pending.callback.set_result(Callback(kind, body, elapsed, message, modal))
        if call.request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        resource: dict[str, Any] = {"type": kind}
        if message is not None and kind in (4, 5, 7):
            resource["message"] = message.payload(pending.channel.guild_id)
        interaction: dict[str, Any] = {
            "id": str(pending.id),
            "type": pending.type,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(message is not None and message.ephemeral),
        }
        if message is not None:
            interaction["response_message_id"] = str(message.id)
        return _json({"interaction": interaction, "resource": resource})

    async def _followup(self, call: Call) -> web.StreamResponse:
        pending = self._pending(call, "webhook_token")
        if not pending.callback.done():
            raise DiscordError(400, 40060, "The interaction has not been acknowledged")
        data = call.body
        if pending.deferred == 5 and pending.original is not None and pending.original.flags & _LOADING:
            message = self._edit(pending.original, {**data, "flags": pending.original.flags & ~_LOADING})
        elif (data.get("flags") or 0) & Message.EPHEMERAL:
            message = self._post(pending.channel, pending.application.bot, data, visible_to=pending.user)
        else:
            if pending.channel.id not in self.channels:
                raise unknown("Channel", 10003)
            message = self._post(pending.channel, pending.application.bot, data)
            await self._unarchive(pending.channel)
        self._attach(message, call.files, data)
        pending.followed_up.append(message)
        await pending.followups.put(message)
        return _json(message.payload(pending.channel.guild_id))

    def _webhook_message(self, call: Call) -> tuple[Pending, Message]:
        pending = self._pending(call, "webhook_token")
        key = call.params["message_id"]
        if key == "@original":
            if pending.original is None:
                raise unknown("Message", 10008)
            return pending, pending.original
        message = pending.channel.messages.get(int(key))
        if message is None:
            raise unknown("Message", 10008)
        return pending, message

    async def _get_webhook_message(self, call: Call) -> web.StreamResponse:
        pending, message = self._webhook_message(call)
        return _json(message.payload(pending.channel.guild_id))

    async def _edit_webhook_message(self, call: Call) -> web.StreamResponse:
        pending, message = self._webhook_message(call)
        edited = self._edit(message, {**call.body, "flags": message.flags & ~_LOADING})
        return _json(edited.payload(pending.channel.guild_id))

    async def _delete_webhook_message(self, call: Call) -> web.StreamResponse:
        _, message = self._webhook_message(call)
        self.channels[message.channel_id].messages.pop(message.id, None)
        return web.Response(status=204)

    # -- channels, threads, messages ------------------------------------------------------------

    def _channel(self, call: Call) -> Channel:
        channel = self.channels.get(call.int("channel_id"))
        if channel is None:
            raise unknown("Channel", 10003)
        guild = self.guild_of(channel)
        assert call.application is not None
        me = call.application.bot.id
        if guild is not None:
            if me not in guild.members:
                raise MISSING_ACCESS
            if channel.is_thread and not guild.can_see_thread(me, channel):
                raise MISSING_ACCESS
            if not guild.permissions_in(me, channel) & Permission.VIEW_CHANNEL:
                raise MISSING_ACCESS
        elif channel.recipient is None:
            raise MISSING_ACCESS
        return channel

    def _require(self, call: Call, channel: Channel, permission: int) -> None:
        guild = self.guild_of(channel)
        assert call.application is not None
        if guild is not None and not guild.permissions_in(call.application.bot.id, channel) & permission:
            raise MISSING_PERMISSIONS

    async def _get_channel(self, call: Call) -> web.StreamResponse:
        return _json(self._channel(call).payload())

    async def _edit_channel(self, call: Call) -> web.StreamResponse:
        channel = self._channel(call)
        assert call.application is not None
        body: dict[str, Any] = call.body
        if channel.is_thread and channel.owner_id != call.application.bot.id:
            self._require(call, channel, Permission.MANAGE_THREADS)
        for key in ("archived", "locked", "invitable", "auto_archive_duration", "name"):
            if key in body and body[key] is not None:
                setattr(channel, key, body[key])
        guild = self.guild_of(channel)
        if guild is not None and channel.is_thread:
            await self._to_guild_bots(guild, "THREAD_UPDATE", channel.payload())
        return _json(channel.payload())

    async def _create_thread(self, call: Call) -> web.StreamResponse:
        parent = self._channel(call)
        body: dict[str, Any] = call.body
        kind = body.get("type") or ChannelType.PRIVATE_THREAD
        if parent.type != ChannelType.GUILD_TEXT:
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        needed = (
            Permission.CREATE_PRIVATE_THREADS
            if kind == ChannelType.PRIVATE_THREAD
            else Permission.CREATE_PUBLIC_THREADS
        )
        self._require(call, parent, needed)
        assert call.application is not None and parent.guild_id is not None
        thread = Channel(
            self.snowflakes.next(),
            kind,
            body["name"],
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=call.application.bot.id,
            member_ids={call.application.bot.id},
            invitable=body.get("invitable", True) if body.get("invitable") is not None else True,
            auto_archive_duration=body.get("auto_archive_duration") or 4320,
            created_at=self.clock(),
        )
        self.channels[thread.id] = thread
        self.guilds[parent.guild_id].channels[thread.id] = thread
        await self._to_guild_bots(
            self.guilds[parent.guild_id], "THREAD_CREATE", {**thread.payload(), "newly_created": True}
        )
        return _json(thread.payload(), status=201)

    async def _add_thread_member(self, call: Call) -> web.StreamResponse:
        thread = self._channel(call)
        guild = self.guild_of(thread)
        if guild is None or not thread.is_thread:
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        if thread.archived:
            raise DiscordError(400, 50083, "Thread is archived")
        self._require(call, thread, Permission.SEND_MESSAGES_IN_THREADS)
        user_id = call.int("user_id")
        if user_id not in guild.members:
            raise unknown("Member", 10007)
        thread.member_ids.add(user_id)
        return web.Response(status=204)

    async def _list_messages(self, call: Call) -> web.StreamResponse:
        channel = self._channel(call)
        self._require(call, channel, Permission.READ_MESSAGE_HISTORY)
        query = call.request.query
        limit = min(int(query.get("limit", 50)), 100)
        after, before = int(query.get("after", 0)), int(query.get("before", 2**64))
        chosen = [m for m in channel.messages.values() if after < m.id < before and m.visible_to is None]
        chosen.sort(key=lambda m: m.id, reverse=True)
        chosen = chosen[-limit:] if "after" in query else chosen[:limit]
        return _json([m.payload(channel.guild_id) for m in chosen])

    async def _create_message(self, call: Call) -> web.StreamResponse:
        channel = self._channel(call)
        assert call.application is not None
        bot = call.application.bot
        guild = self.guild_of(channel)
        if channel.recipient is not None:
            if channel.recipient.bot or not channel.recipient.dms_open:
                raise DiscordError(403, 50007, "Cannot send messages to this user")
        elif channel.is_thread:
            self._require(call, channel, Permission.SEND_MESSAGES_IN_THREADS)
            if (
                channel.locked
                and guild is not None
                and not guild.permissions_in(bot.id, channel) & Permission.MANAGE_THREADS
            ):
                raise MISSING_PERMISSIONS
        else:
            self._require(call, channel, Permission.SEND_MESSAGES)
        body: dict[str, Any] = dict(call.body)
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce is not None:
            earlier = self._nonces.get((bot.id, channel.id, str(nonce)))
            if earlier is not None and self.clock() - earlier.created_at < NONCE_WINDOW:
                return _json(earlier.payload(channel.guild_id))
        if guild is not None and not guild.permissions_in(bot.id, channel) & Permission.EMBED_LINKS:
            body.pop("embeds", None)
        message = self._post(channel, bot, body)
        self._attach(message, call.files, body)
        if nonce is not None:
            self._nonces[(bot.id, channel.id, str(nonce))] = message
        await self._unarchive(channel)
        return _json(message.payload(channel.guild_id))

    async def _unarchive(self, channel: Channel) -> None:
        """A message in an archived thread brings it back (`threads.mdx`)."""
        guild = self.guild_of(channel)
        if channel.is_thread and channel.archived and guild is not None:
            channel.archived = False
            await self._to_guild_bots(guild, "THREAD_UPDATE", channel.payload())

    def _message(self, call: Call) -> tuple[Channel, Message]:
        channel = self._channel(call)
        message = channel.messages.get(call.int("message_id"))
        if message is None or message.visible_to is not None:
            raise unknown("Message", 10008)
        return channel, message

    async def _get_message(self, call: Call) -> web.StreamResponse:
        channel, message = self._message(call)
        return _json(message.payload(channel.guild_id))

    async def _edit_message(self, call: Call) -> web.StreamResponse:
        channel, message = self._message(call)
        assert call.application is not None
        if message.author.id != call.application.bot.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        if channel.is_thread and channel.archived:
            raise DiscordError(400, 50083, "Thread is archived")
        return _json(self._edit(message, call.body).payload(channel.guild_id))

    async def _delete_message(self, call: Call) -> web.StreamResponse:
        channel, message = self._message(call)
        channel.messages.pop(message.id)
        return web.Response(status=204)

    async def _open_dm(self, call: Call) -> web.StreamResponse:
        recipient = self.users.get(int(call.body["recipient_id"]))
        if recipient is None:
            raise unknown("User", 10013)
        channel = self._dms.get(recipient.id)
        if channel is None:
            channel = Channel(self.snowflakes.next(), ChannelType.DM, recipient.username, recipient=recipient)
            self._dms[recipient.id] = channel
            self.channels[channel.id] = channel
        return _json(channel.payload())

    def dm_channel(self, user: User) -> Channel | None:
        return self._dms.get(user.id)

    async def _get_member(self, call: Call) -> web.StreamResponse:
        guild = self.guilds.get(call.int("guild_id"))
        assert call.application is not None
        if guild is None or call.application.bot.id not in guild.members:
            raise unknown("Guild", 10004)
        member = guild.members.get(call.int("user_id"))
        if member is None:
            raise unknown("Member", 10007)
        return _json(member.payload())

    # -- message bookkeeping --------------------------------------------------------------------

    def _post(self, channel: Channel, author: User, data: dict[str, Any], *, visible_to: User | None = None) -> Message:
        self._check_message_rules(data)
        flags = data.get("flags") or 0
        message = Message(
            self.snowflakes.next(),
            channel.id,
            author,
            self.clock(),
            content=data.get("content") or "",
            embeds=list(data.get("embeds") or []),
            components=list(data.get("components") or []),
            flags=flags,
            allowed_mentions=data.get("allowed_mentions"),
            nonce=data.get("nonce"),
            visible_to=visible_to.id if visible_to is not None and flags & Message.EPHEMERAL else None,
        )
        channel.messages[message.id] = message
        self._channel_changed(channel.id)
        return message

    def _attach(self, message: Message, files: dict[str, bytes], data: dict[str, Any]) -> None:
        """Keep the files uploaded with a message, with each one's description (its alt text)."""
        self.violations.extend(upload_problems(files))
        message.files = files
        described = [a for a in data.get("attachments") or [] if a.get("description")]
        message.descriptions = {a["filename"]: a["description"] for a in described}

    def _channel_changed(self, channel_id: int) -> None:
        tick = self._channel_ticks.pop(channel_id, None)
        if tick is not None:
            tick.set()

    def _edit(self, message: Message, data: dict[str, Any]) -> Message:
        self._check_message_rules(data)
        for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
            if key in data and data[key] is not None:
                setattr(message, key, data[key])
        message.edited_at = self.clock()
        self._channel_changed(message.channel_id)
        return message

    def _check_message_rules(self, data: dict[str, Any]) -> None:
        """Limits from `message.mdx` that the spec does not carry (the docs win where they differ)."""
        content = data.get("content") or ""
        embeds = data.get("embeds") or []
        problems = []
        if len(content) > 2000:
            problems.append(f"content is {len(content)} characters (limit 2000)")
        total = sum(_embed_size(e) for e in embeds)
        if total > 6000:
            problems.append(f"embeds hold {total} characters (limit 6000)")
        ids = [c.get("custom_id") for row in data.get("components") or [] for c in row.get("components", [])]
        ids = [i for i in ids if i is not None]
        if len(ids) != len(set(ids)):
            problems.append("two components share a custom_id")
        if problems:
            self.violations.extend(problems)
            raise DiscordError(400, 50035, "Invalid Form Body: " + "; ".join(problems))

    async def _to_guild_bots(self, guild: Guild, event: str, data: dict[str, Any]) -> None:
        for application in self.applications.values():
            if application.bot.id in guild.members:
                await self.gateway.dispatch(application, event, data)


def _embed_size(embed: dict[str, Any]) -> int:
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "") + len((embed.get("author") or {}).get("name") or "")
    return size + sum(len(f.get("name") or "") + len(f.get("value") or "") for f in embed.get("fields") or [])


async def _read_body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
    """The JSON body, and any uploaded files by name (a multipart body's JSON is its `payload_json`)."""
    if not request.can_read_body:
        return None, {}
    if request.content_type == "multipart/form-data":
        form = await request.post()
        files = {v.filename: v.file.read() for v in form.values() if isinstance(v, web.FileField)}
        raw = form.get("payload_json")
        return (json.loads(str(raw)) if raw is not None else None), files
    text = await request.text()
    return (json.loads(text) if text else None), {}


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py only parses a body whose Content-Type is exactly application/json.
    return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})


def _error(error: DiscordError) -> web.Response:
    return _json({"code": error.code, "message": error.message}, status=error.status)


def _fault_response(fault: Fault) -> web.Response:
    if fault.status == 429 and fault.scope == "global":
        return global_429(fault.retry_after)
    if fault.status == 429:
        body = {"message": "You are being rate limited.", "retry_after": fault.retry_after, "global": False}
        response = _json(body, status=429)
        response.headers["Retry-After"] = str(fault.retry_after)
        response.headers["Via"] = "1.1 google"  # without it discord.py takes a 429 for a Cloudflare ban
        return response
    return _json({"code": fault.code, "message": fault.message}, status=fault.status)

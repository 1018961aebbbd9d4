"""The stand-in's Gateway v10: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME, dispatch.

Frames go out zlib-stream compressed when the client asks (discord.py does), one shared
compressor per connection with a sync flush after each frame, as `gateway.mdx` describes.
Events are buffered per session so a dropped connection can RESUME and replay what it missed.

Sharding as Discord does it: an IDENTIFY with `shard: [id, count]` gets the servers on that shard
only (`(guild_id >> 22) % count`), a server's events go to its shard's session, and DMs to shard 0.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from tests.standin.server import Application, StandIn

HEARTBEAT_INTERVAL_MS = 41_250
REPLAY_LIMIT = 2_000

# Which intent an event needs (gateway.mdx, "List of Intents"); absent means none is needed.
_INTENT_OF_EVENT = {
    "GUILD_CREATE": 1 << 0,
    "GUILD_UPDATE": 1 << 0,
    "GUILD_DELETE": 1 << 0,
    "CHANNEL_CREATE": 1 << 0,
    "CHANNEL_UPDATE": 1 << 0,
    "CHANNEL_DELETE": 1 << 0,
    "GUILD_ROLE_CREATE": 1 << 0,
    "THREAD_CREATE": 1 << 0,
    "THREAD_UPDATE": 1 << 0,
    "THREAD_DELETE": 1 << 0,
    "GUILD_MEMBER_REMOVE": 1 << 1,
    "MESSAGE_CREATE": 1 << 9,
}


class Connection:
    """One websocket, with its own compression stream; sends are serialised."""

    def __init__(self, socket: web.WebSocketResponse, compress: bool) -> None:
        self.socket = socket
        self._compressor = zlib.compressobj() if compress else None
        self._lock = asyncio.Lock()

    async def send(self, frame: dict[str, Any]) -> None:
        text = json.dumps(frame, separators=(",", ":"))
        async with self._lock:
            if self.socket.closed:
                return
            try:
                if self._compressor is None:
                    await self.socket.send_str(text)
                else:
                    data = self._compressor.compress(text.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
                    await self.socket.send_bytes(data)
            except ConnectionResetError:
                return  # the bot went away mid-frame (killed): the session waits to be resumed


@dataclass
class Session:
    """A gateway session: it outlives its connection so that RESUME can pick it up again."""

    id: str
    application: Application
    intents: int
    shard: tuple[int, int] | None = None
    sequence: int = 0
    connection: Connection | None = None
    buffer: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=REPLAY_LIMIT))

    def carries(self, guild_id: int | None) -> bool:
        """Whether this session's shard carries a server's events (DMs: shard 0)."""
        if self.shard is None:
            return True
        return self.shard[0] == 0 if guild_id is None else on_shard(guild_id, self.shard)

    def wants(self, event: str) -> bool:
        needed = _INTENT_OF_EVENT.get(event)
        return needed is None or bool(self.intents & needed)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        if not self.wants(event):
            return
        self.sequence += 1
        frame = {"op": 0, "t": event, "s": self.sequence, "d": data}
        self.buffer.append(frame)
        if self.connection is not None:
            await self.connection.send(frame)


class Gateway:
    """Serves `/gateway` for every application the stand-in knows."""

    def __init__(self, standin: StandIn) -> None:
        self.standin = standin
        self.sessions: dict[str, Session] = {}
        self.identifies: list[dict[str, Any]] = []
        self.sessions_started: list[Session] = []
        self.resumes: list[dict[str, Any]] = []
        self._connections: set[Connection] = set()
        self._identified = asyncio.Condition()
        self.recommended: int | None = None

    def recommended_shards(self, guilds: int) -> int:
        """What `GET /gateway/bot` recommends: `recommended` if a test set it, else one shard per
        thousand servers."""
        return self.recommended or max(1, -(-guilds // 1000))

    async def wait_for_sessions(self, count: int, timeout: float = 20.0) -> None:
        """Wait until `count` IDENTIFYs have been answered with READY (a bot process came up)."""
        async with self._identified:
            await asyncio.wait_for(self._identified.wait_for(lambda: len(self.sessions_started) >= count), timeout)

    def live_sessions(self, application: Application) -> list[Session]:
        return [s for s in self.sessions.values() if s.application is application]

    async def dispatch(self, application: Application, event: str, data: dict[str, Any]) -> None:
        """Send an event to the application's newest session (live or waiting to resume) on the
        shard of the server it happened in (`guild_id` in the event, if any)."""
        guild_id = int(data["guild_id"]) if data.get("guild_id") else None
        sessions = [s for s in self.live_sessions(application) if s.carries(guild_id)]
        if sessions:
            await sessions[-1].dispatch(event, data)

    async def drop(self, application: Application, code: int = 4000) -> None:
        """Close the application's connections as a network fault would; sessions stay resumable."""
        for session in self.live_sessions(application):
            connection, session.connection = session.connection, None
            if connection is not None:
                await connection.socket.close(code=code, message=b"stand-in dropped the connection")

    async def close(self) -> None:
        for connection in list(self._connections):
            await connection.socket.close(code=1001)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        connection = Connection(socket, request.query.get("compress") == "zlib-stream")
        self._connections.add(connection)
        session: Session | None = None
        try:
            await connection.send({"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            async for message in socket:
                if message.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(message.data)
                op, data = frame.get("op"), frame.get("d")
                if op == 1:
                    await connection.send({"op": 11, "s": None, "t": None, "d": None})
                elif op == 2:
                    session = await self._identify(connection, data)
                elif op == 6:
                    session = await self._resume(connection, data)
        finally:
            self._connections.discard(connection)
            if session is not None and session.connection is connection:
                session.connection = None
        return socket

    async def _identify(self, connection: Connection, data: dict[str, Any]) -> Session | None:
        self.identifies.append(data)
        application = self.standin.gateway_accepts(data.get("token", ""))
        if application is None:
            await connection.socket.close(code=4004, message=b"Authentication failed.")
            return None
        shard = tuple(data["shard"]) if data.get("shard") else None
        session = Session(secrets.token_hex(16), application, int(data.get("intents", 0)), shard)
        for old in self.live_sessions(application):
            if old.shard == session.shard:
                del self.sessions[old.id]
        self.sessions[session.id] = session
        session.connection = connection
        await session.dispatch("READY", self.standin.ready_payload(application, session.id, session.shard))
        for guild in self.standin.guilds_of(application, session.shard):
            await session.dispatch("GUILD_CREATE", guild)
        async with self._identified:
            self.sessions_started.append(session)
            self._identified.notify_all()
        return session

    async def _resume(self, connection: Connection, data: dict[str, Any]) -> Session | None:
        self.resumes.append(data)
        session = self.sessions.get(data.get("session_id", ""))
        application = self.standin.application_by_token(data.get("token", ""))
        if session is None or application is not session.application:
            await connection.send({"op": 9, "s": None, "t": None, "d": False})
            return None
        session.connection = connection
        missed = [frame for frame in session.buffer if frame["s"] > (data.get("seq") or 0)]
        for frame in missed:
            await connection.send(frame)
        await session.dispatch("RESUMED", {})
        return session


def on_shard(guild_id: int, shard: tuple[int, int] | None) -> bool:
    """Whether a server is on `shard` (shard, count); every server is, for an unsharded session."""
    return shard is None or (guild_id >> 22) % shard[1] == shard[0]

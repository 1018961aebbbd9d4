"""One budget for every request Discord's global rate limit binds, shared by the whole process.

Discord allows each bot 50 requests a second in all, across every server; interaction callbacks
and interaction-token webhooks are exempt. The budget is a token bucket refilled at a configured
rate (below 50, to leave room); a global 429 pauses it for the time Discord asks. It plugs into
discord.py's HTTP session as an aiohttp trace, so every request goes through it, whoever makes it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import aiohttp

DEFAULT_RATE = 40.0
_EXEMPT = ("/interactions/", "/webhooks/")


class GlobalBudget:
    """A token bucket: `take()` waits for a token; `pause()` stops all takes for a while.

    It holds one token: requests go out evenly, one every 1/`rate` seconds, so no second carries
    more than the configured rate (and one more, at a second's edge), well within Discord's 50. A
    process that runs a `share` of the bot's shards gets that share of the rate, so that all the
    processes together keep to it too.
    """

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        share: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate * share
        self.burst = 1.0
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst
        self._updated = clock()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self.waited = 0.0  # seconds spent waiting in total, for logs and benchmarks

    async def take(self) -> None:
        async with self._lock:  # first come, first served
            while True:
                now = self._clock()
                self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                wait = max(self._paused_until - now, (1 - self._tokens) / self.rate if self._tokens < 1 else 0.0)
                if wait <= 0:
                    self._tokens -= 1
                    return
                self.waited += wait
                await self._sleep(wait)

    def pause(self, seconds: float) -> None:
        """Discord said the global limit was hit: nothing goes for `seconds`."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._tokens = 0.0

    def trace(self) -> aiohttp.TraceConfig:
        """An aiohttp trace that takes a token before each REST request the global limit binds."""
        trace = aiohttp.TraceConfig()

        async def on_request_start(
            session: aiohttp.ClientSession, context: object, params: aiohttp.TraceRequestStartParams
        ) -> None:
            if bound(params.url.path):
                await self.take()

        async def on_request_end(
            session: aiohttp.ClientSession, context: object, params: aiohttp.TraceRequestEndParams
        ) -> None:
            headers = params.response.headers
            if params.response.status == 429 and headers.get("X-RateLimit-Global", "").lower() == "true":
                self.pause(float(headers.get("Retry-After", "1")))

        trace.on_request_start.append(on_request_start)
        trace.on_request_end.append(on_request_end)
        return trace


def bound(path: str) -> bool:
    """Whether a request to `path` counts against the global limit: REST, but not interactions."""
    return "/api/" in path and not any(part in path for part in _EXEMPT)

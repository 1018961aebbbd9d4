"""Discord's global rate limit, as the stand-in enforces it, and a tally of who paid it.

Every bot may make 50 requests a second in all; interaction callbacks and interaction-token
webhooks are exempt (`rate-limits.mdx`, "Global Rate Limit"). Past the limit the stand-in answers
a global 429 with the documented headers and body.
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from tests.standin.world import monotonic

GLOBAL_LIMIT = 50
WINDOW = 1.0
EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")


def is_exempt(template: str) -> bool:
    """Whether a route is an interaction endpoint, which the global limit does not bind."""
    return template.startswith(EXEMPT_PREFIXES)


@dataclass
class Tally:
    """Counts since some moment of a test: interactions sent, requests under the global limit, 429s."""

    interactions: int = 0
    global_limited: int = 0
    global_429s: int = 0

    def minus(self, earlier: Tally) -> Tally:
        return Tally(
            self.interactions - earlier.interactions,
            self.global_limited - earlier.global_limited,
            self.global_429s - earlier.global_429s,
        )

    @property
    def per_interaction(self) -> float:
        """Requests under the global limit per interaction."""
        return self.global_limited / self.interactions if self.interactions else float(self.global_limited)


@dataclass
class GlobalLimit:
    """A sliding one-second window of each bot's requests that the global limit binds, on `clock`
    (a test may stop it, to hold a second still)."""

    limit: int = GLOBAL_LIMIT
    clock: Callable[[], float] = monotonic
    _sent: dict[int, deque[float]] = field(default_factory=dict)

    def retry_after(self, application_id: int) -> float | None:
        """None if this request may go now; else how long until it may (and it is not counted)."""
        now = self.clock()
        sent = self._sent.setdefault(application_id, deque())
        while sent and now - sent[0] >= WINDOW:
            sent.popleft()
        if len(sent) >= self.limit:
            return WINDOW - (now - sent[0])
        sent.append(now)
        return None


def global_429(retry_after: float) -> web.Response:
    """A global rate limit answer, as `rate-limits.mdx` shows it."""
    body = {"message": "You are being rate limited.", "retry_after": round(retry_after, 3), "global": True}
    # discord.py only parses a body whose Content-Type is exactly application/json.
    response = web.Response(status=429, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    response.headers["Retry-After"] = str(math.ceil(retry_after))
    response.headers["X-RateLimit-Global"] = "true"
    response.headers["X-RateLimit-Scope"] = "global"
    response.headers["Via"] = "1.1 google"  # without it discord.py takes a 429 for a Cloudflare ban
    return response

"""Health and metrics: a few Prometheus series, and `/metrics` and `/healthz` on `METRICS_PORT`.

The series are fed from few places: where interactions are routed (`interaction_started`, and
`interaction_failed` from the one error handler), the sweep (`swept`), the
gateway's connection events, and an aiohttp trace on discord.py's HTTP session, which sees every
answer Discord gives (rate limits, server errors, and when each interaction's first answer landed).
They cost nothing to keep; they are served only when `METRICS_PORT` is set.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import SimpleNamespace

import aiohttp
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

INTERACTIONS = Counter(
    "mend_interactions", "Interactions handled, by kind (a command, button or form) and outcome", ["kind", "outcome"]
)
ANSWER_SECONDS = Histogram(
    "mend_answer_seconds",
    "From an interaction reaching Mend to Discord accepting its first answer (the deadline is 3 s)",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10),
)
SWEEP_SECONDS = Histogram(
    "mend_sweep_seconds", "How long each check-in sweep took", buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300)
)
DUE_BACKLOG = Gauge("mend_due_backlog", "Check-ins, reminders and other items due now and not yet sent")
OPEN_REPAIRS = Gauge("mend_open_repairs", "Repairs invited or under way")
DISCORD_ERRORS = Counter(
    "mend_discord_errors", "Discord's answers that were rate limits (429) or server errors (5xx)", ["status"]
)
GATEWAY_CONNECTED = Gauge("mend_gateway_connected", "1 while the gateway connection is up")

HEALTHY_SWEEP_AGE = 300.0
"""Seconds since the sweep last made progress after which Mend is unhealthy (it runs every minute)."""
COUNTS_EVERY = 30.0
"""The database counts behind the gauges are read when scraped, at most this often (seconds)."""
_CALLBACK = re.compile(r"/interactions/(\d+)/[^/]+/callback$")


@dataclass
class _Health:
    connected: bool = False
    last_sweep: float | None = None


_health = _Health()
_arrivals: dict[int, float] = {}
_failed: set[int] = set()


def interaction_started(interaction_id: int, kind: str) -> None:
    """An interaction reached its handler: time its first answer, and count it when the handler ends."""
    _arrivals[interaction_id] = time.monotonic()
    task = asyncio.current_task()
    if task is not None:
        task.add_done_callback(lambda _: _finished(interaction_id, kind))


def interaction_failed(interaction_id: int) -> None:
    """The interaction ended in the error handler."""
    _failed.add(interaction_id)


def _finished(interaction_id: int, kind: str) -> None:
    _arrivals.pop(interaction_id, None)
    outcome = "error" if interaction_id in _failed else "ok"
    _failed.discard(interaction_id)
    INTERACTIONS.labels(kind, outcome).inc()


def gateway_connected(connected: bool) -> None:
    _health.connected = connected
    GATEWAY_CONNECTED.set(int(connected))


def swept(started: float | None = None) -> None:
    """The sweep finished a batch, or (given when it started, by `time.monotonic()`) the whole run."""
    _health.last_sweep = time.monotonic()
    if started is not None:
        SWEEP_SECONDS.observe(_health.last_sweep - started)


def health() -> tuple[bool, dict[str, object]]:
    """Whether Mend is well (the gateway is up and the sweep recent), and what that rests on."""
    age = None if _health.last_sweep is None else round(time.monotonic() - _health.last_sweep, 1)
    well = _health.connected and age is not None and age < HEALTHY_SWEEP_AGE
    return well, {
        "status": "ok" if well else "unhealthy",
        "gateway": "connected" if _health.connected else "disconnected",
        "last_sweep_seconds_ago": age,
    }


def watch(trace: aiohttp.TraceConfig) -> aiohttp.TraceConfig:
    """Add to discord.py's HTTP trace a look at every answer Discord gives (REST, webhooks and
    interaction callbacks): rate limits, server errors, and when each interaction's first answer landed.
    """

    async def on_request_end(
        session: aiohttp.ClientSession, context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
    ) -> None:
        status = params.response.status
        if status == 429 or status >= 500:
            DISCORD_ERRORS.labels("429" if status == 429 else "5xx").inc()
        answered = _CALLBACK.search(params.url.path)
        if answered is not None and status < 300:
            started = _arrivals.pop(int(answered[1]), None)
            if started is not None:
                ANSWER_SECONDS.observe(time.monotonic() - started)

    trace.on_request_end.append(on_request_end)
    return trace


class MetricsServer:
    """`/metrics` (Prometheus) and `/healthz` (JSON: 200 when well, else 503), in Mend's event loop."""

    def __init__(self, counts: Callable[[], Awaitable[tuple[int, int]]]) -> None:
        self._counts = counts
        self._counted_at = -COUNTS_EVERY
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> None:
        """Listen on `host:port`; OSError if that address cannot be used."""
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, request: web.Request) -> web.Response:
        if time.monotonic() - self._counted_at >= COUNTS_EVERY:
            self._counted_at = time.monotonic()
            due, open_repairs = await self._counts()
            DUE_BACKLOG.set(due)
            OPEN_REPAIRS.set(open_repairs)
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, request: web.Request) -> web.Response:
        well, details = health()
        return web.Response(text=json.dumps(details), status=200 if well else 503, content_type="application/json")

"""Fixtures: a stand-in per test, a small server on it, and Mend running against it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import MendBot
from tests.helpers import SPAWNED, FakeClock, Harness, World
from tests.standin.server import StandIn
from tests.standin.spec import notice


def pytest_configure(config: pytest.Config) -> None:
    missing = notice()
    if missing and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise pytest.UsageError(f"{missing} CI must check every request, so this run fails.")


def pytest_sessionstart(session: pytest.Session) -> None:
    missing = notice()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if missing and reporter is not None:
        reporter.write_line(missing)


@pytest.fixture(autouse=True)
async def no_bot_process_outlives_its_test() -> AsyncIterator[None]:
    yield
    while SPAWNED:
        process = SPAWNED.pop()
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def standin(clock: FakeClock) -> AsyncIterator[StandIn]:
    server = StandIn(clock=clock.now)
    await server.start()
    yield server
    await server.stop()
    assert server.violations == [], "requests Discord would reject"


@pytest.fixture
def world(standin: StandIn) -> World:
    return World.build(standin)


@pytest.fixture
async def harness(world: World, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    running = Harness(world, tmp_path / "mend.sqlite3", clock)
    yield running
    await running.stop()


@pytest.fixture
async def mend(harness: Harness) -> MendBot:
    return await harness.start()

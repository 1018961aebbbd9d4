"""Fixtures: a stand-in per test, a small server on it, and Mend running against it, on SQLite
and on PostgreSQL.

A test that uses a database (`database`, `harness`, `mend`, the storage tests' `db`) runs once
per backend, unless it is marked `sqlite_only` (it looks at SQLite's files, or its locks). Where
PostgreSQL's programs are missing, the tests that need it are left out, and one line at the end
of the run says how many and why; with CI=true the run fails instead.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import MendBot
from bot.storage import Where
from tests import postgres
from tests.helpers import SPAWNED, FakeClock, Harness, World
from tests.standin.server import StandIn
from tests.standin.spec import notice

BACKENDS = ("sqlite", "postgres")
_LEFT_OUT = pytest.StashKey[str]()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: the test is about SQLite itself; it does not run on PostgreSQL")
    missing = notice()
    if missing and _in_ci():
        raise pytest.UsageError(f"{missing} CI must check every request, so this run fails.")
    no_server = postgres.missing()
    if no_server and _in_ci():
        raise pytest.UsageError(f"{no_server} CI runs them, so this run fails.")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("backend", BACKENDS[:1] if only_sqlite else BACKENDS, scope="function")


def _needs_postgres(item: pytest.Item) -> bool:
    """A test needs PostgreSQL when it asks for the server, or one of its parameters is "postgres"."""
    callspec = getattr(item, "callspec", None)
    chosen = list(callspec.params.values()) if callspec is not None else []
    return bool({"postgres_cluster", "postgres_url"} & set(getattr(item, "fixturenames", ()))) or "postgres" in chosen


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = postgres.missing()
    left_out = [item for item in items if _needs_postgres(item)] if reason is not None else []
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not _needs_postgres(item)]
        config.stash[_LEFT_OUT] = f"{len(left_out)} {reason}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    left_out = config.stash.get(_LEFT_OUT, None)
    if left_out is not None:
        terminalreporter.write_line(left_out)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[postgres.Cluster]:
    """One PostgreSQL server for the whole run, started when a test first needs it."""
    reason = postgres.missing()
    if reason is not None:
        pytest.skip(reason)
    cluster = postgres.Cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
async def postgres_url(postgres_cluster: postgres.Cluster) -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for this test; its URL."""
    url = await postgres_cluster.new_database()
    yield url
    await postgres_cluster.drop(url)


@pytest.fixture
def database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Where:
    """Where this test's database is: a SQLite file, or a new PostgreSQL database's URL."""
    if backend == "sqlite":
        return tmp_path / "mend.sqlite3"
    url: str = request.getfixturevalue("postgres_url")
    return url


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
async def harness(world: World, database: Where, clock: FakeClock) -> AsyncIterator[Harness]:
    running = Harness(world, database, clock)
    yield running
    await running.stop()


@pytest.fixture
async def mend(harness: Harness) -> MendBot:
    return await harness.start()

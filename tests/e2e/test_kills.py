"""Mend killed with SIGKILL at every REST request of a whole repair, then started again: the couple
carry on, and nothing is stuck, no written word lost or shown twice.

Each run is a fresh stand-in and a real `python -m bot` process. The first run counts the requests
a whole repair makes; then, for each of them, a run kills Mend the moment that request has reached
Discord (it took effect, Mend never saw the answer) and starts a new process on the same database.
The quick repair is also run on PostgreSQL (a new database for each run).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage import Where
from tests.e2e.drive import Couple, watch
from tests.helpers import FakeClock, LogWatcher, World, bot_environment, spawn_bot
from tests.postgres import Cluster
from tests.standin.server import StandIn

FINISH_WITHIN = 90.0
RUNS_AT_ONCE = 2


@dataclass
class Run:
    requests: int
    finished: bool
    lost: list[str]
    doubled: list[str]
    left_live: list[str]
    tracebacks: int
    violations: list[str]
    logs: str = ""


async def _run(folder: Path, protocol: str, kill_at: int | None, database: Where | None = None) -> Run:
    # The bot process runs on real time, so the stand-in's message ids must carry real time too.
    standin = StandIn(clock=FakeClock(datetime.now(UTC).replace(microsecond=0)).now)
    await standin.start()
    watchers: list[LogWatcher] = []
    try:
        world = World.build(standin)
        env = bot_environment(world, folder, database)
        watchers.append(LogWatcher(await spawn_bot(env, folder)))
        await standin.gateway.wait_for_sessions(1)
        await standin.until(lambda: bool(world.application.commands), timeout=20)
        first_request = len(standin.requests)
        hold = None if kill_at is None else standin.hold_nth(kill_at, after_handling=True)
        couple = Couple(world, world.alex, world.sam, protocol)
        repair = asyncio.create_task(couple.repair())
        if hold is not None:
            arrived = asyncio.create_task(hold.arrived.wait())
            await asyncio.wait({arrived, repair}, return_when=asyncio.FIRST_COMPLETED)
            if arrived.done():
                watchers[0].process.kill()
                await watchers[0].finish()
                hold.release.set()
                watchers.append(LogWatcher(await spawn_bot(env, folder)))
                await standin.gateway.wait_for_sessions(2)
            arrived.cancel()
        finished = await watch(repair, FINISH_WITHIN)
        transcript = couple.transcript() if couple.thread is not None else ""
        return Run(
            requests=len(standin.requests) - first_request,
            finished=finished,
            lost=[text for text in couple.written if text not in transcript],
            doubled=[text for text in couple.written if transcript.count(text) > 1],
            left_live=couple.steps_on_screen() if finished else [],
            tracebacks=sum(w.text.count("Traceback") for w in watchers[1:] or watchers),
            logs="".join(w.text for w in watchers),
            violations=list(standin.violations),
        )
    finally:
        for watcher in watchers:
            if watcher.process.returncode is None:
                watcher.process.kill()
            with contextlib.suppress(TimeoutError):
                await watcher.finish()
        await standin.stop()


@pytest.mark.parametrize(("protocol", "on"), [("quick", "sqlite"), ("full", "sqlite"), ("quick", "postgres")])
async def test_killed_at_every_request_a_whole_repair_still_completes(
    tmp_path: Path, protocol: str, on: str, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    cluster: Cluster | None = request.getfixturevalue("postgres_cluster") if on == "postgres" else None

    async def run(folder: Path, kill_at: int | None) -> Run:
        """One run, on SQLite in `folder` or on a new PostgreSQL database of its own."""
        url = None if cluster is None else await cluster.new_database()
        try:
            return await _run(folder, protocol, kill_at, url)
        finally:
            if cluster is not None and url is not None:
                await cluster.drop(url)

    (tmp_path / "count").mkdir()
    counted = await run(tmp_path / "count", kill_at=None)
    assert counted.finished and not counted.lost and not counted.doubled and not counted.left_live, counted
    slots = asyncio.Semaphore(RUNS_AT_ONCE)

    async def killed_at(point: int) -> tuple[int, Run]:
        folder = tmp_path / f"kill-{point}"
        folder.mkdir()
        async with slots:
            return point, await run(folder, kill_at=point)

    runs = dict(await asyncio.gather(*(killed_at(point) for point in range(1, counted.requests + 1))))
    stuck = [point for point, run in runs.items() if not run.finished]
    lost = {point: run.lost for point, run in runs.items() if run.lost}
    doubled = {point: run.doubled for point, run in runs.items() if run.doubled}
    left_live = {point: run.left_live for point, run in runs.items() if run.left_live}
    tracebacks = {point: run.tracebacks for point, run in runs.items() if run.tracebacks}
    with capsys.disabled():
        print(
            f"\n{protocol} on {on}: killed at each of {len(runs)} requests; stuck {len(stuck)}, lost words in "
            f"{len(lost)}, doubled in {len(doubled)}, buttons left on a complete repair in {len(left_live)}, "
            f"runs with tracebacks after the restart {len(tracebacks)}"
        )
    assert stuck == [], "\n\n".join(runs[point].logs[-4000:] for point in stuck)
    assert lost == {}
    assert doubled == {}
    assert left_live == {}, "a complete repair's thread has no button left that would move it on"
    assert tracebacks == {}, "an expected condition (a restart, a dropped connection) logs one line, not a traceback"
    assert all(not run.violations for run in runs.values())

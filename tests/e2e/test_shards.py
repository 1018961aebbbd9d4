"""Past one machine: two Mend processes, on shards 0 and 1 of 2, against one PostgreSQL database.

Each process gets only its shard's servers from the gateway, and sweeps, recovers and checks only
those; whatever happens to one, the other's servers go on working, and nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.storage import Database
from bot.wording import checkins as checkin_words
from tests.e2e.drive import Couple, watch
from tests.e2e.steps import titled
from tests.helpers import LogWatcher, World, bot_environment, seed_active_rupture, spawn_bot
from tests.standin.actors import Person
from tests.standin.server import StandIn
from tests.standin.world import Channel

POST_MESSAGE = ("POST", "/channels/{channel_id}/messages")
DUE_PER_SHARD = 100


def _worlds(standin: StandIn) -> tuple[World, World]:
    """One server on shard 0 and one on shard 1 (of 2), both with Mend in them."""
    first = World.build(standin, shard=(0, 2))
    return first, World.build(standin, first.application, shard=(1, 2))


async def _start(world: World, folder: Path, url: str, shard: int) -> LogWatcher:
    env = bot_environment(world, folder / f"shard-{shard}", url, SHARD_COUNT="2", SHARD_IDS=str(shard))
    (folder / f"shard-{shard}").mkdir(exist_ok=True)
    mend = LogWatcher(await spawn_bot(env, folder / f"shard-{shard}"))
    await mend.wait_for(f"on shard(s) {shard} of 2")
    return mend


async def _due_check_ins(db: Database, world: World, count: int) -> list[Channel]:
    """`count` repairs in the world's server whose check-in is due now (quiet since two days ago),
    between people with no quiet hours (the processes run on the real clock)."""
    people = [world.alex, world.sam, world.outsider]
    while len(people) * (len(people) - 1) // 2 < count:
        user = world.standin.add_user(f"member{len(people)}")
        world.standin.join(world.guild, user)
        people.append(Person(world.standin, world.application, user, world.guild))
    for person in people:
        await db.set_quiet_hours(person.id, time(0, 0), time(0, 0))
    quiet_since = datetime.now(UTC) - timedelta(days=2)
    pairs = list(itertools.combinations(people, 2))[:count]
    return [await seed_active_rupture(db, world, a, b, quiet_since) for a, b in pairs]


def _check_ins(world: World, threads: list[Channel]) -> list[int]:
    return [len(titled(world, thread, checkin_words.CHECKIN_TITLE)) for thread in threads]


def _posts(standin: StandIn, threads: list[Channel]) -> list[int]:
    """How many messages were posted to each thread through the REST API."""
    return [
        sum(call.params["channel_id"] == str(thread.id) for call in standin.calls(*POST_MESSAGE)) for thread in threads
    ]


async def test_two_processes_on_two_shards_repair_check_in_once_and_survive_a_kill(
    tmp_path: Path, postgres_url: str
) -> None:
    # The processes run on the real clock, so the stand-in's message ids must carry real time too.
    standin = StandIn()
    await standin.start()
    try:
        home, away = _worlds(standin)
        processes = [await _start(home, tmp_path, postgres_url, 0), await _start(away, tmp_path, postgres_url, 1)]
        sessions = {session.shard: session for session in standin.gateway.sessions.values()}
        assert set(sessions) == {(0, 2), (1, 2)}
        await standin.until(lambda: bool(home.application.commands), timeout=20)

        # A whole repair in a server of each shard, at the same time.
        couples = [Couple(home, home.alex, home.sam, "quick"), Couple(away, away.alex, away.sam, "quick")]
        repairs = [asyncio.create_task(couple.repair()) for couple in couples]
        assert all([await watch(repair, 60) for repair in repairs]), "both repairs complete"
        for couple in couples:
            transcript = couple.transcript()
            assert all(transcript.count(text) == 1 for text in couple.written), "no word lost or doubled"

        # Down for a while; 200 check-ins fall due across both shards; each goes out exactly once.
        for process in processes:
            process.process.terminate()
            assert await process.finish() == 0, process.text
        db = await Database.open(postgres_url)
        threads = {
            0: await _due_check_ins(db, home, DUE_PER_SHARD),
            1: await _due_check_ins(db, away, DUE_PER_SHARD),
        }
        await db.close()
        first = await _start(home, tmp_path, postgres_url, 0)
        await first.wait_for(f"Check-in sweep handled {DUE_PER_SHARD} item(s)")
        assert _check_ins(home, threads[0]) == [1] * DUE_PER_SHARD
        assert _check_ins(away, threads[1]) == [0] * DUE_PER_SHARD, "shard 0's process leaves shard 1's servers alone"

        # Shard 1's process is killed (SIGKILL) in the middle of its first sweep, having posted a
        # check-in whose answer it never saw.
        held = standin.hold(*POST_MESSAGE, after_handling=True)
        second = await _start(away, tmp_path, postgres_url, 1)
        await held.arrived.wait()
        second.process.kill()
        assert await second.finish() != 0
        held.release.set()

        # Shard 0's server does not notice.
        status = await (await home.alex.slash("repair status", home.general)).reply()
        assert status.ephemeral and status.text

        # Back up, shard 1 takes its claims back at once and finds what was already posted.
        again = await _start(away, tmp_path, postgres_url, 1)
        await again.wait_for("Check-in sweep handled")
        await standin.until(lambda: all(count >= 1 for count in _check_ins(away, threads[1])), timeout=30)
        assert _check_ins(away, threads[1]) == [1] * DUE_PER_SHARD, again.text
        assert _posts(standin, threads[1]) == [1] * DUE_PER_SHARD, "a check-in already posted is found, not re-sent"
        assert _check_ins(home, threads[0]) == [1] * DUE_PER_SHARD
        assert "Released" in again.text, "the killed process's claims were freed at once, not after their lease"
        for process in (first, again):
            process.process.terminate()
            assert await process.finish() == 0, process.text
            assert "Traceback" not in process.text, process.text
        assert standin.violations == []
    finally:
        await standin.stop()


async def test_shard_count_auto_runs_as_many_shards_as_discord_recommends(standin: StandIn, tmp_path: Path) -> None:
    home, away = _worlds(standin)
    standin.gateway.recommended = 2
    mend = LogWatcher(await spawn_bot(bot_environment(home, tmp_path, SHARD_COUNT="auto"), tmp_path))
    await mend.wait_for("in 2 server(s) on shard(s) 0, 1 of 2", timeout=30)
    assert standin.calls("GET", "/gateway/bot"), "the shard count came from Discord"
    assert sorted(tuple(data["shard"]) for data in standin.gateway.identifies) == [(0, 2), (1, 2)]
    for world in (home, away):
        reply = await (await world.alex.slash("repair help", world.general)).reply()
        assert reply.ephemeral, "each shard's server is served"
    mend.process.terminate()
    assert await mend.finish() == 0, mend.text


async def test_each_shard_is_told_only_of_its_own_servers(standin: StandIn, tmp_path: Path, postgres_url: str) -> None:
    home, away = _worlds(standin)
    processes = [await _start(home, tmp_path, postgres_url, 0), await _start(away, tmp_path, postgres_url, 1)]
    for shard, world in enumerate((home, away)):
        [session] = [s for s in standin.gateway.sessions.values() if s.shard == (shard, 2)]
        created = [frame["d"]["id"] for frame in session.buffer if frame["t"] == "GUILD_CREATE"]
        assert created == [str(world.guild.id)]
    await (await away.alex.slash("repair help", away.general)).reply()
    [shard_0] = [s for s in standin.gateway.sessions.values() if s.shard == (0, 2)]
    assert not any(frame["t"] == "INTERACTION_CREATE" for frame in shard_0.buffer), "shard 1's server's events"
    for process in processes:
        process.process.terminate()
        assert await process.finish() == 0, process.text

"""Check-ins across restarts: one catch-up after downtime, and exactly one message whenever Mend dies."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.rupture import Due
from bot.storage import Database, Where
from bot.wording import checkins as checkin_words
from tests.e2e.steps import started_repair, sweep, titled
from tests.helpers import FakeClock, Harness, LogWatcher, World, bot_environment, seed_active_rupture, spawn_bot
from tests.standin.actors import Person

POST_MESSAGE = ("POST", "/channels/{channel_id}/messages")


async def test_after_three_days_down_each_rupture_gets_exactly_one_check_in(
    world: World, harness: Harness, clock: FakeClock
) -> None:
    mend = await harness.start()
    people = [world.alex, world.sam, world.outsider]
    for index in range(18):
        user = world.standin.add_user(f"member{index}")
        world.standin.join(world.guild, user)
        people.append(Person(world.standin, world.application, user, world.guild))
    pairs = list(itertools.combinations(people, 2))[:200]
    threads = [await seed_active_rupture(mend.db, world, a, b, clock.now()) for a, b in pairs]
    await harness.stop()

    clock.advance(days=3)  # midday UTC, outside everyone's default quiet hours
    mend = await harness.start()

    def sent() -> list[int]:
        return [len(titled(world, thread, checkin_words.CHECKIN_TITLE)) for thread in threads]

    await world.standin.until(lambda: all(count >= 1 for count in sent()), timeout=60)
    assert await sweep(mend) == Counter()
    assert Counter(sent()) == Counter({1: 200})
    later = clock.now() + timedelta(days=3)
    for thread in threads[:5]:
        rupture = await mend.db.rupture_in_thread(thread.id)
        assert rupture is not None and (rupture.due, rupture.due_at, rupture.checkin_stage) == (Due.CHECKIN, later, 1)


async def test_the_sweep_is_one_interval_job_that_catches_up(world: World, harness: Harness) -> None:
    mend = await harness.start()
    await started_repair(world)
    assert {job.id for job in mend.scheduler.get_jobs()} == {"checkin-sweep", "membership-check"}, (
        "a fixed set of jobs: no job per rupture that could drift from the database"
    )
    job = mend.scheduler.get_job("checkin-sweep")
    assert job.coalesce is True
    assert job.max_instances == 1
    assert job.misfire_grace_time >= 3600, "APScheduler's default of one second would drop missed runs"
    assert job.trigger.interval == timedelta(minutes=1)


@pytest.mark.parametrize("point", ["claimed", "sent", "recorded"])
async def test_killed_at_any_point_a_check_in_goes_out_exactly_once(
    world: World, tmp_path: Path, clock: FakeClock, point: str, database: Where
) -> None:
    real_now = datetime.now(UTC).replace(microsecond=0)
    clock.set(real_now)
    db = await Database.open(database)
    await db.migrate()
    thread = await seed_active_rupture(db, world, world.alex, world.sam, real_now - timedelta(days=2))
    for person in (world.alex, world.sam):  # the bot runs on the real clock: no quiet hours to wait out
        await db.set_quiet_hours(person.id, time(0, 0), time(0, 0))
    await db.close()
    env = bot_environment(world, tmp_path, database)

    hold = None if point == "recorded" else world.standin.hold(*POST_MESSAGE, after_handling=point == "sent")
    first = LogWatcher(await spawn_bot(env, tmp_path))
    if hold is not None:
        await hold.arrived.wait()
    else:
        await first.wait_for("Check-in sweep handled 1 item(s): {'checkin': 1}")
    first.process.kill()
    assert await first.finish() != 0
    if hold is not None:
        hold.release.set()
    expected_before_restart = 0 if point == "claimed" else 1
    assert len(titled(world, thread, checkin_words.CHECKIN_TITLE)) == expected_before_restart

    second = LogWatcher(await spawn_bot(env, tmp_path))
    await second.wait_for("Check-in sweep handled")
    await world.standin.gateway.wait_for_sessions(1)
    second.process.terminate()
    assert await second.finish() == 0, second.text
    assert len(titled(world, thread, checkin_words.CHECKIN_TITLE)) == 1, second.text
    if point == "recorded":
        assert "handled 0 item(s)" in second.text
    else:
        assert "{'checkin': 1}" in second.text

    posts = [c for c in world.standin.calls(*POST_MESSAGE) if c.params["channel_id"] == str(thread.id)]
    assert len(posts) == {"claimed": 2, "sent": 1, "recorded": 1}[point], "a sent check-in is found, not re-sent"

    db = await Database.open(database)
    rupture = await db.rupture_in_thread(thread.id)
    await db.close()
    assert rupture is not None and rupture.checkin_stage == 1
    assert rupture.due_at is not None and rupture.due_at > real_now + timedelta(days=2)

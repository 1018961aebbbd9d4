"""Discord's global limit of 50 requests a second: Mend answers through interactions, which it does
not bind, and keeps everything else within a budget of its own, even when Discord says to stop."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from bot.app import MendBot
from bot.wording import checkins as checkin_words
from bot.wording import turns
from tests.e2e.steps import accept, finish, open_repair, posted, press, titled, walk, write
from tests.helpers import FakeClock, Harness, World, seed_active_rupture
from tests.standin.actors import Person

ONLY_WITHOUT_AN_INTERACTION = Counter(
    {
        ("GET", "/guilds/{guild_id}/members/{user_id}"): 1,  # the invited person, looked up as the opener answers
        ("POST", "/channels/{channel_id}/threads"): 1,  # the thread
        ("PUT", "/channels/{channel_id}/thread-members/{user_id}"): 2,  # the two people in it
        ("POST", "/channels/{channel_id}/messages"): 1,  # the invitation, the thread's own first post
        ("PATCH", "/channels/{channel_id}/messages/{message_id}"): 1,  # the invitation's answers retired once
        # the invited person answers the private safety question, which is not on the invitation
        ("PATCH", "/channels/{channel_id}"): 1,  # archiving it at the end
    }
)


@pytest.mark.parametrize(
    ("protocol", "most_per_interaction"), [("quick", 0.25), ("full", 0.16), ("parent-child", 0.59)]
)
async def test_a_whole_repair_spends_the_global_limit_only_where_there_is_no_interaction(
    world: World, mend: MendBot, protocol: str, most_per_interaction: float
) -> None:
    before, first = world.standin.snapshot(), len(world.standin.requests)
    thread = await open_repair(world, world.alex, world.sam, protocol=protocol)
    await accept(world, world.sam, thread)
    await walk(world, thread, mend.protocols[protocol], world.alex, world.sam)
    if mend.protocols[protocol].parent_led:
        await finish(world, thread, mend.protocols[protocol], world.alex, world.sam)
    else:
        await write(world, world.alex, thread, turns.NAME_ONE_THING, "I'll say when I'm tired.")
        await press(world, world.sam, thread, turns.ACKNOWLEDGE)
        await press(world, world.sam, thread, turns.NOTHING_TO_ADD)
        await posted(world, thread, turns.COMPLETE)
        await world.standin.until(lambda: thread.archived)

    spent = world.standin.since(before)
    bound = Counter(
        (r.method, r.template)
        for r in world.standin.requests[first:]
        if r.template.startswith(("/channels", "/guilds"))
    )
    assert bound == ONLY_WITHOUT_AN_INTERACTION, "every turn is answered through its interaction"
    assert spent.global_limited == sum(ONLY_WITHOUT_AN_INTERACTION.values())
    assert spent.per_interaction <= most_per_interaction, spent
    assert spent.global_429s == 0


async def _due_everywhere(world: World, harness: Harness, clock: FakeClock, count: int) -> list[int]:
    """`count` repairs gone quiet a day ago, each between its own pair; Mend is stopped while they wait."""
    mend = await harness.start()
    people = [world.alex, world.sam, world.outsider]
    for index in range(46):
        user = world.standin.add_user(f"member{index}")
        world.standin.join(world.guild, user)
        people.append(Person(world.standin, world.application, user, world.guild))
    pairs = itertools.islice(itertools.combinations(people, 2), count)
    threads = [(await seed_active_rupture(mend.db, world, a, b, clock.now())).id for a, b in pairs]
    await harness.stop()
    clock.advance(days=1)  # midday UTC, outside everyone's default quiet hours
    return threads


def _check_ins(world: World, threads: list[int]) -> Counter[int]:
    return Counter(
        len(titled(world, world.standin.channels[thread], checkin_words.CHECKIN_TITLE)) for thread in threads
    )


async def test_a_thousand_check_ins_go_out_within_a_budget_of_twenty_a_second(
    world: World, tmp_path: Path, clock: FakeClock
) -> None:
    harness = Harness(world, tmp_path / "mend.sqlite3", clock, global_rate=20)
    threads = await _due_everywhere(world, harness, clock, 1000)
    before = world.standin.snapshot()
    await harness.start()
    try:
        await world.standin.until(lambda: _check_ins(world, threads) == Counter({1: 1000}), timeout=120)
    finally:
        await harness.stop()
    spent = world.standin.since(before)
    assert spent.global_429s == 0, "Discord never had to say slow down"
    assert spent.global_limited >= 1000


async def test_a_storm_of_global_rate_limits_mid_sweep_loses_and_doubles_nothing(
    world: World, tmp_path: Path, clock: FakeClock
) -> None:
    harness = Harness(world, tmp_path / "mend.sqlite3", clock)
    threads = await _due_everywhere(world, harness, clock, 120)
    world.standin.fail("POST", "/channels/{channel_id}/messages", 429, retry_after=0.4, scope="global", times=15)
    await harness.start()
    try:
        await world.standin.until(lambda: _check_ins(world, threads) == Counter({1: 120}), timeout=60)
    finally:
        await harness.stop()
    assert not world.standin.faults[("POST", "/channels/{channel_id}/messages")], "the storm happened"
    assert _check_ins(world, threads) == Counter({1: 120}), "each check-in once, none lost"

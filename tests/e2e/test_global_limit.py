"""Discord's global limit of 50 requests a second: Mend answers through interactions, which it does
not bind, and keeps everything else within a budget of its own, even when Discord says to stop."""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import MendBot
from bot.budget import GlobalBudget
from bot.wording import checkins as checkin_words
from bot.wording import turns
from tests.e2e.steps import accept, button, finish, open_repair, posted, press, titled, walk, write
from tests.helpers import FakeClock, Harness, World, seed_active_rupture
from tests.standin.actors import Person
from tests.standin.limits import GLOBAL_LIMIT, GlobalLimit

RETIRE = ("PATCH", "/channels/{channel_id}/messages/{message_id}")

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


Answer = tuple[int, Mapping[str, str], Any]


async def _as_the_bot(world: World, count: int, session: aiohttp.ClientSession | None = None) -> list[Answer]:
    """`count` requests the global limit binds (reading the server's channel) with the bot's token,
    one after another; each answer as (status, headers, body)."""
    url = f"{world.standin.api_url}/channels/{world.general.id}"
    headers = {"Authorization": f"Bot {world.application.token}"}
    answers: list[Answer] = []
    async with aiohttp.ClientSession() if session is None else contextlib.nullcontext(session) as client:
        for _ in range(count):
            async with client.get(url, headers=headers) as response:
                answers.append((response.status, response.headers, await response.json()))
    return answers


async def test_past_fifty_requests_in_a_second_discord_says_stop_and_a_turn_still_goes_through(
    world: World, mend: MendBot
) -> None:
    thread = await open_repair(world, world.alex, world.sam)
    await accept(world, world.sam, thread)
    await button(world, thread, turns.WRITE)
    await world.standin.until(lambda: world.standin.calls(*RETIRE))  # the last request the opening needs
    world.standin.global_limit = GlobalLimit(clock=lambda: 0.0)  # a second that does not pass
    try:
        before = world.standin.snapshot()
        answers = await _as_the_bot(world, GLOBAL_LIMIT + 10)
        assert [status for status, _, _ in answers] == [200] * GLOBAL_LIMIT + [429] * 10
        for _, headers, body in answers[GLOBAL_LIMIT:]:  # as rate-limits.mdx shows a global 429
            assert headers["Retry-After"] == "1"
            assert headers["X-RateLimit-Global"] == "true"
            assert headers["X-RateLimit-Scope"] == "global"
            assert body == {"message": "You are being rate limited.", "retry_after": 1.0, "global": True}

        await write(world, world.alex, thread, turns.WRITE, "I felt alone with the dishes.")
        await posted(world, thread, "I felt alone with the dishes.")
        await button(world, thread, turns.REFLECT_BACK)
        spent = world.standin.since(before)
    finally:
        world.standin.global_limit = GlobalLimit()
    assert spent.interactions == 2, "the press that opened the form and the form sent"
    assert spent.global_limited == GLOBAL_LIMIT + 10, "the turn needed nothing the global limit binds"
    assert spent.global_429s == 10, "only the requests past fifty were refused"
    assert spent.per_interaction == (GLOBAL_LIMIT + 10) / 2


async def test_the_budget_spreads_a_batch_and_stops_as_long_as_discord_asks(world: World) -> None:
    now = [0.0]

    async def wait(seconds: float) -> None:
        now[0] += max(seconds, 1e-6)  # as a real clock does, it moves on however short the sleep

    budget = GlobalBudget(20, clock=lambda: now[0], sleep=wait)
    moments = []
    for _ in range(100):
        await budget.take()
        moments.append(now[0])
    busiest = max(sum(1 for later in moments if start <= later < start + 1) for start in moments)
    assert busiest <= budget.rate + 1 < GLOBAL_LIMIT, "no second carries more than the configured rate"
    assert now[0] == pytest.approx((100 - budget.burst) / budget.rate, abs=0.01), "the rest at 20 a second"

    world.standin.fail("GET", "/channels/{channel_id}", 429, retry_after=2.5, scope="global")
    async with aiohttp.ClientSession(trace_configs=[budget.trace()]) as session:
        [(refused, _, _)] = await _as_the_bot(world, 1, session)
        told_at = now[0]
        [(served, _, _)] = await _as_the_bot(world, 1, session)
    assert (refused, served) == (429, 200)
    assert now[0] - told_at >= 2.5, "nothing went before Discord's retry_after was over"

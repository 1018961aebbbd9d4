"""Every shipped protocol can be completed end to end, and its words reach the thread intact."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.app import MendBot
from bot.rupture import Status
from bot.wording import checkins as checkin_words
from bot.wording import opening, turns
from tests.e2e.steps import (
    accept,
    button,
    checkins,
    finish,
    open_repair,
    posted,
    press,
    repair_threads,
    sweep,
    walk,
    write,
)
from tests.helpers import FakeClock, World

THREE_SECONDS = 3.0


@pytest.mark.parametrize("protocol", ["quick", "full", "parent-child"])
async def test_two_people_complete_each_protocol(world: World, mend: MendBot, protocol: str) -> None:
    thread = await open_repair(world, world.alex, world.sam, protocol=protocol)
    await accept(world, world.sam, thread)
    written = await walk(world, thread, mend.protocols[protocol], world.alex, world.sam)
    await finish(world, thread, mend.protocols[protocol], world.alex, world.sam)

    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    missing = [sentence for sentence in written if sentence not in transcript]
    assert missing == []
    standin = world.standin
    assert len(standin.calls("POST", "/channels/{channel_id}/threads")) == 1
    assert len(standin.calls("PUT", "/channels/{channel_id}/thread-members/{user_id}")) == 2
    posts = standin.calls("POST", "/channels/{channel_id}/messages")
    assert all(call.body["allowed_mentions"] == {"parse": []} for call in posts[1:]), "only the invitation pings"
    callbacks = standin.calls("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
    answered = [p for p in standin.pending.values() if p.callback.done()]
    assert len(answered) == len(callbacks) == len(standin.pending), "every interaction was answered once"
    assert max(p.callback.result().elapsed for p in answered) < THREE_SECONDS


async def test_a_parent_child_repair_completes_without_the_child_accepting_anything(
    world: World, mend: MendBot
) -> None:
    parent, child = world.alex, world.sam
    reply = await (
        await parent.slash("repair start", world.general, partner=child.user, protocol="parent-child")
    ).reply()
    consent = reply.message
    assert consent is not None and opening.LED_BY_A_PARENT in consent.text
    await (await parent.press(consent, opening.START_AS_PARENT)).reply()
    await world.standin.until(lambda: opening.CALM_DOWN in consent.text, timeout=5)
    assert repair_threads(world) == [], "the parent's moment to calm down comes before anything opens"
    await (await parent.press(consent, opening.CALM_ENOUGH)).reply()
    await world.standin.until(lambda: "I've opened" in consent.text)
    thread = repair_threads(world)[-1]
    await accept(world, child, thread)
    await walk(world, thread, mend.protocols["parent-child"], parent, child)
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.status is Status.RESOLVED, "complete once the parent's part is done"
    child_buttons = {b["label"] for m in world.standin.messages(thread) for b in m.buttons()}
    for pushed in (turns.ACCEPT, turns.UNDERSTOOD, turns.NAME_ONE_THING):
        assert pushed not in child_buttons, "the child never has to accept, feel understood or commit"
    offer = await button(world, thread, turns.NOTHING_TO_ADD)
    assert turns.offer_prompt(child.id, parent.id) in offer.text
    await write(world, child, thread, turns.WRITE, "I was scared when you shouted.")
    await posted(world, thread, turns.reflect_prompt(parent.id, child.id))
    await write(world, parent, thread, turns.REFLECT_BACK, "You were scared, and that makes sense.")
    await posted(world, thread, "You were scared, and that makes sense.")
    await posted(world, thread, turns.COMPLETE)
    await world.standin.until(lambda: thread.archived)


async def test_a_parent_child_check_in_never_asks_anyone_to_say_they_are_okay(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await open_repair(world, world.alex, world.sam, protocol="parent-child")
    await accept(world, world.sam, thread)
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"checkin": 1})
    [checkin] = checkins(world, thread)
    assert checkin_words.OKAY not in [b["label"] for b in checkin.buttons()]
    assert checkin_words.CHECKIN_LED_BY_A_PARENT in checkin.text
    await press(world, world.sam, thread, checkin_words.PICK_UP)
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.status is Status.ACTIVE, "complete only once the parent's part is done"

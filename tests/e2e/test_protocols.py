"""Every shipped protocol can be completed end to end, and its words reach the thread intact."""

from __future__ import annotations

import pytest

from bot.app import MendBot
from bot.wording import turns
from tests.e2e.steps import accept, open_repair, posted, press, walk
from tests.helpers import World

THREE_SECONDS = 3.0


@pytest.mark.parametrize("protocol", ["quick", "full", "parent-child"])
async def test_two_people_complete_each_protocol(world: World, mend: MendBot, protocol: str) -> None:
    thread = await open_repair(world, world.alex, world.sam, protocol=protocol)
    await accept(world, world.sam, thread)
    written = await walk(world, thread, mend.protocols[protocol], world.alex, world.sam)
    await press(world, world.alex, thread, turns.NOTHING_TO_ADD)
    await press(world, world.sam, thread, turns.NOTHING_TO_ADD)
    await posted(world, thread, turns.COMPLETE)
    await world.standin.until(lambda: thread.archived)

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


async def test_in_parent_child_the_child_may_skip_and_is_never_asked_to_accept(world: World, mend: MendBot) -> None:
    parent, child = world.alex, world.sam
    thread = await open_repair(world, parent, child, protocol="parent-child")
    await accept(world, child, thread)
    await walk(world, thread, mend.protocols["parent-child"], parent, child, skip_optional=True)
    labels = {b["label"] for m in world.standin.messages(thread) for b in m.buttons()}
    assert turns.ACCEPT not in labels
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    assert turns.skipped(child.id) in transcript

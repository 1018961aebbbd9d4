"""What people write: posted with nothing pinged, split rather than cut, and never kept by Mend."""

from __future__ import annotations

import json

from bot.app import MendBot
from bot.prompts import TEXT_LIMIT
from bot.wording import turns
from tests.e2e.steps import accept, open_repair, posted, press, walk, write
from tests.helpers import Harness, World, stored


async def test_mentions_in_what_people_write_ping_nobody(world: World, mend: MendBot) -> None:
    role = world.standin.add_role(world.guild, "Family", 0)
    thread = await open_repair(world, world.alex, world.sam)
    await accept(world, world.sam, thread)
    text = f"@everyone @here <@&{role.id}> <@{world.sam.id}> <@!{world.outsider.id}> listen to this"
    await write(world, world.alex, thread, turns.WRITE, text)
    message = await posted(world, thread, "listen to this")
    assert message.pings() == set()
    assert message.allowed_mentions == {"parse": []}
    assert text in message.text


async def test_the_longest_text_is_posted_whole(world: World, mend: MendBot) -> None:
    thread = await open_repair(world, world.alex, world.sam)
    await accept(world, world.sam, thread)
    long_text = ("I needed you to notice. " * 200)[: TEXT_LIMIT - 9] + " The end."
    await write(world, world.alex, thread, turns.WRITE, long_text)
    message = await posted(world, thread, "The end.")
    assert long_text in "".join(e.get("description", "") for e in message.embeds)


async def test_no_written_sentence_stays_in_the_database_files(world: World, harness: Harness) -> None:
    mend = await harness.start()
    thread = await open_repair(world, world.alex, world.sam, protocol="full")
    await accept(world, world.sam, thread)
    written = await walk(world, thread, mend.protocols["full"], world.alex, world.sam)
    await write(world, world.alex, thread, turns.NAME_ONE_THING, "I will text when running late.")
    written.append("I will text when running late.")
    await posted(world, thread, "I will text when running late.")
    assert len(written) > 10

    async def leftovers() -> list[str]:
        contents = await stored(harness.database)
        return [s for s in written if s.encode() in contents]

    await harness.settled()
    assert await leftovers() == [], "while running, once Mend has finished the turn it was answering"
    await harness.stop()
    assert await leftovers() == [], "after shutting down"


async def test_every_request_carrying_written_words_allows_no_mentions(world: World, mend: MendBot) -> None:
    thread = await open_repair(world, world.alex, world.sam)
    await accept(world, world.sam, thread)
    written = await walk(world, thread, mend.protocols["quick"], world.alex, world.sam)
    await write(world, world.alex, thread, turns.NAME_ONE_THING, "Ask for a pause sooner.")
    await press(world, world.sam, thread, turns.ACKNOWLEDGE)
    await posted(world, thread, turns.acknowledged_by("Sam"))
    written.append("Ask for a pause sooner.")
    carrying = [
        request
        for request in world.standin.requests
        if request.body is not None and any(sentence in json.dumps(request.body) for sentence in written)
    ]
    assert {(r.method, r.template) for r in carrying} >= {
        ("POST", "/webhooks/{webhook_id}/{webhook_token}"),
        ("POST", "/interactions/{interaction_id}/{interaction_token}/callback"),
    }, "words go out as follow-ups, and an acknowledged commitment is updated in the answer"
    for request in carrying:
        message = request.body.get("data", request.body) if "type" in request.body else request.body
        assert message.get("allowed_mentions") == {"parse": []}, (request.method, request.template)


async def test_private_answers_are_erased_when_the_repair_ends_before_the_reveal(
    world: World, harness: Harness
) -> None:
    mend = await harness.start()
    thread = await open_repair(world, world.alex, world.sam, protocol="full")
    await accept(world, world.sam, thread)
    await press(world, world.alex, thread, turns.AGREE)
    await press(world, world.sam, thread, turns.AGREE)
    await posted(world, thread, "Step 2 of 10")
    await write(world, world.alex, thread, turns.WRITE_PRIVATELY, "Ashamed and small, if I am honest.")
    await posted(world, thread, "has written")
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and await mend.db.sealed_answers(rupture.id, 1) != {}
    ask = await press(world, world.sam, thread, turns.STEP_AWAY)
    assert ask.message is not None
    await (await world.sam.press(ask.message, turns.STEP_AWAY)).followup()
    await world.standin.until(lambda: thread.archived)
    assert b"Ashamed and small" not in await stored(harness.database)

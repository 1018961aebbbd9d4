"""Safety: help is always one private click away, and a block is silent."""

from __future__ import annotations

from bot.app import MendBot
from bot.wording import privacy as privacy_words
from bot.wording import server, turns
from tests.e2e.steps import accept, open_repair, press
from tests.helpers import World
from tests.standin.actors import Person


async def test_resources_are_private_everywhere_and_leave_no_trace(world: World, mend: MendBot) -> None:
    requests_before = len(world.standin.requests)
    reply = await (await world.alex.slash("resources", world.general)).reply()
    assert reply.ephemeral
    for expected in ("not therapy", "988", "1-800-799-7233", "Kids Help Phone", "findahelpline.com", "Step away"):
        assert expected in reply.text
    dm = world.standin.open_dm(world.alex.user, world.application.bot)
    in_private = await (
        await Person(world.standin, world.application, world.alex.user, None).slash("resources", dm)
    ).reply()
    assert in_private.ephemeral and "988" in in_private.text
    sent = world.standin.requests[requests_before:]
    assert {r.template for r in sent} == {"/interactions/{interaction_id}/{interaction_token}/callback"}
    assert await mend.db.export(world.alex.id) == {
        "person": [],
        "ruptures": [],
        "sealed_answers": [],
        "blocks_you_made": [],
        "servers_you_were_seen_in": [],
        "settings_changes_you_made": [],
        "history_shares_you_chose": [],
    }


async def test_every_repair_thread_opens_with_a_private_help_button(world: World, mend: MendBot) -> None:
    thread = await open_repair(world, world.alex, world.sam)
    await accept(world, world.sam, thread)
    invitation = world.standin.messages(thread)[0]
    await world.standin.until(lambda: [b["label"] for b in invitation.buttons()] == [privacy_words.HELP_AND_SAFETY])
    reply = await (await world.sam.press(invitation, privacy_words.HELP_AND_SAFETY)).reply()
    assert reply.ephemeral and "Leaving a repair privately" in reply.text


async def test_a_block_is_silent_and_its_invitations_reach_nobody(world: World, mend: MendBot) -> None:
    blocked = await (await world.sam.slash("mend block", world.general, member=world.alex.user)).reply()
    assert blocked.ephemeral and server.blocked(world.alex.id) in blocked.text
    unwanted = await open_repair(world, world.alex, world.sam)
    assert world.standin.messages(unwanted)[0].pings() == set()
    ask = await press(world, world.alex, unwanted, turns.WITHDRAW)
    assert ask.message is not None
    await (await world.alex.press(ask.message, turns.STEP_AWAY)).reply()
    await world.standin.until(lambda: unwanted.archived)
    assert not any(
        "block" in m.text.lower()
        for c in world.guild.channels.values()
        for m in c.messages.values()
        if m.visible_to != world.sam.id
    )

    await (await world.sam.slash("mend unblock", world.general, member=world.alex.user)).reply()
    thread = await open_repair(world, world.alex, world.sam)
    assert world.standin.messages(thread)[0].pings() == {f"user:{world.sam.id}"}

"""Who may act, when: the floor, outsiders, stale and concurrent presses, breaks and stepping away."""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta

from bot.app import MendBot
from bot.protocols import Response
from bot.rupture import Phase, Status
from bot.wording import opening, refusals, turns
from bot.wording import privacy as privacy_words
from tests.e2e.steps import accept, button, open_repair, posted, press, write
from tests.helpers import FakeClock, World
from tests.standin.world import Channel, Permission


async def _state(mend: MendBot, thread: Channel) -> tuple[int, Status, int, Phase]:
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None
    return rupture.version, rupture.status, rupture.step, rupture.phase


async def _started(world: World, protocol: str = "quick") -> Channel:
    thread = await open_repair(world, world.alex, world.sam, protocol=protocol)
    await accept(world, world.sam, thread)
    await posted(world, thread, "Step 1 of")
    return thread


async def test_an_outsider_is_refused_privately_on_every_button(world: World, mend: MendBot) -> None:
    moderator = world.standin.add_role(world.guild, "Mods", Permission.MEMBER_DEFAULT | Permission.MANAGE_THREADS)
    world.guild.members[world.outsider.id].roles.append(moderator.id)
    thread = await open_repair(world, world.alex, world.sam)
    invitation = await button(world, thread, turns.READY)
    for label in [b["label"] for b in invitation.buttons()]:
        before, count = await _state(mend, thread), len(world.standin.messages(thread))
        reply = await (await world.outsider.press(invitation, label)).reply()
        assert reply.ephemeral
        if label == privacy_words.HELP_AND_SAFETY:
            assert "Someone to talk to" in reply.text, "help is there for anyone who can see it"
        else:
            assert reply.text == refusals.outsider(world.alex.id, world.sam.id)
        assert await _state(mend, thread) == before
        assert len(world.standin.messages(thread)) == count

    await accept(world, world.sam, thread)
    prompt = await button(world, thread, turns.WRITE)
    for label in [b["label"] for b in prompt.buttons()]:
        before = await _state(mend, thread)
        reply = await (await world.outsider.press(prompt, label)).reply()
        assert reply.ephemeral, label
        assert reply.modal is None
        if label != privacy_words.HELP_AND_SAFETY:
            assert refusals.outsider(world.alex.id, world.sam.id) in reply.text
        assert await _state(mend, thread) == before


async def test_only_the_floor_holder_can_write(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    before = await _state(mend, thread)
    reply = await press(world, world.sam, thread, turns.WRITE)
    assert reply.ephemeral and reply.modal is None
    assert reply.text == refusals.whose_turn(world.alex.id, Phase.WRITE, Response.MIRROR)
    assert await _state(mend, thread) == before

    await write(world, world.alex, thread, turns.WRITE, "I felt unseen at dinner.")
    reply = await press(world, world.alex, thread, turns.REFLECT_BACK)
    assert reply.text.startswith(refusals.whose_turn(world.sam.id, Phase.MIRROR, Response.MIRROR))


async def test_a_stale_button_says_the_step_is_done(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    old_prompt = copy.deepcopy(await button(world, thread, turns.WRITE))
    await write(world, world.alex, thread, turns.WRITE, "I felt unseen at dinner.")
    await posted(world, thread, turns.REFLECT_TITLE)
    before = await _state(mend, thread)
    reply = await (await world.alex.press(old_prompt, turns.WRITE)).reply()
    assert reply.text == refusals.STALE
    assert await _state(mend, thread) == before


async def test_a_submission_for_a_passed_step_is_given_back(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    opened = await press(world, world.alex, thread, turns.WRITE)
    again = await press(world, world.alex, thread, turns.WRITE)
    await (await world.alex.submit(opened, "First version.")).reply()
    await posted(world, thread, "First version.")
    late = await (await world.alex.submit(again, "Second version, typed in another window.")).reply()
    assert late.ephemeral
    assert refusals.STALE in late.text
    assert "Second version, typed in another window." in late.text, "refused words are handed back"
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    assert "Second version" not in transcript


async def test_a_double_click_counts_once(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    await write(world, world.alex, thread, turns.WRITE, "I felt unseen at dinner.")
    await write(world, world.sam, thread, turns.REFLECT_BACK, "You felt unseen.")
    prompt = await button(world, thread, turns.GOT_IT)
    clicks = await asyncio.gather(world.alex.press(prompt, turns.GOT_IT), world.alex.press(prompt, turns.GOT_IT))
    await asyncio.gather(*(c.reply() for c in clicks))
    await posted(world, thread, turns.VALIDATE_TITLE)

    def answered_privately() -> list[int]:
        return [i for i, c in enumerate(clicks) if c.pending.answered_privately]

    assert len(await world.standin.until(answered_privately)) == 1, "the second click still gets an answer"
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    assert transcript.count(turns.confirmed(world.alex.id, landed=True)) == 1
    _, _, step, phase = await _state(mend, thread)
    assert (step, phase) == (0, Phase.VALIDATE)


async def test_both_agreeing_at_once_moves_on_exactly_once(world: World, mend: MendBot) -> None:
    thread = await _started(world, "full")
    prompt = await button(world, thread, turns.AGREE)
    sent = await asyncio.gather(world.alex.press(prompt, turns.AGREE), world.sam.press(prompt, turns.AGREE))
    await asyncio.gather(*(s.reply() for s in sent))
    await posted(world, thread, "Step 2 of 10")
    _, _, step, phase = await _state(mend, thread)
    assert (step, phase) == (1, Phase.COLLECT)
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    assert transcript.count("Step 2 of 10") == 1


async def test_both_sealing_at_once_reveals_both_once(world: World, mend: MendBot) -> None:
    thread = await _started(world, "full")
    await press(world, world.alex, thread, turns.AGREE)
    await press(world, world.sam, thread, turns.AGREE)
    await posted(world, thread, "Step 2 of 10")
    modals = await asyncio.gather(
        press(world, world.alex, thread, turns.WRITE_PRIVATELY),
        press(world, world.sam, thread, turns.WRITE_PRIVATELY),
    )
    submitted = await asyncio.gather(
        world.alex.submit(modals[0], "Sore and far away"), world.sam.submit(modals[1], "Tight-chested, flat")
    )
    await asyncio.gather(*(s.reply() for s in submitted))
    await posted(world, thread, "Step 3 of 10")
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    assert transcript.count("Sore and far away") == 1
    assert transcript.count("Tight-chested, flat") == 1
    assert await mend.db.sealed_answers((await mend.db.rupture_in_thread(thread.id)).id, 1) == {}  # type: ignore[union-attr]


async def test_a_break_pauses_both_and_ends_on_time(world: World, mend: MendBot, clock: FakeClock) -> None:
    thread = await _started(world)
    chooser = await press(world, world.sam, thread, turns.TAKE_A_BREAK)
    assert chooser.ephemeral and chooser.message is not None
    assert chooser.text.startswith(turns.offer_break(thread.id))
    await (await world.sam.press(chooser.message, turns.break_length(60))).reply()
    notice = await posted(world, thread, turns.paused(clock.now() + timedelta(hours=1)))
    back = clock.now() + timedelta(hours=1)
    assert f"<t:{int(back.timestamp())}:R>" in notice.text
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.paused_until == back

    refused = await press(world, world.alex, thread, turns.WRITE)
    assert refused.modal is None and refusals.on_a_break(back) in refused.text
    early = await (await world.alex.press(notice, turns.END_BREAK)).reply()
    assert early.text == refusals.NOT_YOUR_BREAK

    clock.advance(hours=1, minutes=1)
    opened = await press(world, world.alex, thread, turns.WRITE)
    assert opened.modal is not None, "after the break the floor works again"


async def test_the_one_who_paused_can_end_the_break_early(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    reply = await (await world.alex.slash("repair pause", thread)).reply()
    assert reply.message is not None
    await (await world.alex.press(reply.message, turns.break_length(20))).reply()
    notice = await posted(world, thread, "Taking a break.")
    await press(world, world.alex, thread, turns.END_BREAK)
    await posted(world, thread, turns.BREAK_OVER, notice)
    opened = await press(world, world.alex, thread, turns.WRITE)
    assert opened.modal is not None


async def test_status_shows_each_open_repair_and_whose_turn(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    reply = await (await world.sam.slash("repair status", world.general)).reply()
    assert reply.ephemeral
    assert f"<#{thread.id}>" in reply.text
    assert (
        opening.where_and_whose(opening.at_step(1, 4, "What happened for me"), opening.their_turn(world.alex.id))
        in reply.text
    )
    mine = await (await world.alex.slash("repair status", world.general)).reply()
    assert opening.YOUR_TURN in mine.text
    nobody = await (await world.outsider.slash("repair status", world.general)).reply()
    assert nobody.text.startswith(opening.NO_OPEN_REPAIRS)


async def test_leave_command_in_the_thread_asks_first(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    reply = await (await world.sam.slash("repair leave", thread)).reply()
    assert reply.ephemeral and reply.message is not None
    stay = await (await world.sam.press(reply.message, turns.STAY)).reply()
    assert stay.text == turns.STAYING
    assert (await _state(mend, thread))[1] is Status.ACTIVE


async def test_commands_in_someone_elses_thread_do_not_touch_your_own_repair(world: World, mend: MendBot) -> None:
    moderator = world.standin.add_role(world.guild, "Mods", Permission.MEMBER_DEFAULT | Permission.MANAGE_THREADS)
    world.guild.members[world.outsider.id].roles.append(moderator.id)
    theirs = await _started(world)
    mine = await open_repair(world, world.outsider, world.owner)
    reply = await (await world.outsider.slash("repair leave", theirs)).reply()
    assert reply.text == opening.NONE_IN_THIS_THREAD
    rupture = await mend.db.rupture_in_thread(mine.id)
    assert rupture is not None and rupture.status is Status.INVITED

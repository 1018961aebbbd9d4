"""Who may act, when: the floor, outsiders, stale and concurrent presses, breaks and stepping away."""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta

from bot.app import MendBot
from bot.repair import Phase, Status
from tests.e2e.steps import button, open_repair, posted, press, write
from tests.helpers import FakeClock, World
from tests.standin.world import Channel, Permission


async def _state(mend: MendBot, thread: Channel) -> tuple[int, Status, int, Phase]:
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None
    return rupture.version, rupture.status, rupture.step, rupture.phase


async def _started(world: World, protocol: str = "quick") -> Channel:
    thread = await open_repair(world, world.alex, world.sam, protocol=protocol)
    await press(world, world.sam, thread, "I'm ready")
    await posted(world, thread, "Step 1 of")
    return thread


async def test_an_outsider_is_refused_privately_on_every_button(world: World, mend: MendBot) -> None:
    moderator = world.standin.add_role(world.guild, "Mods", Permission.MEMBER_DEFAULT | Permission.MANAGE_THREADS)
    world.guild.members[world.outsider.id].roles.append(moderator.id)
    thread = await open_repair(world, world.alex, world.sam)
    invitation = await button(world, thread, "I'm ready")
    for label in [b["label"] for b in invitation.buttons()]:
        before, count = await _state(mend, thread), len(world.standin.messages(thread))
        reply = await (await world.outsider.press(invitation, label)).reply()
        assert reply.ephemeral
        if label == "Help and safety":
            assert "Crisis and suicide lines" in reply.text, "help is there for anyone who can see it"
        else:
            assert reply.text == f"This repair is between {world.alex.mention} and {world.sam.mention}."
        assert await _state(mend, thread) == before
        assert len(world.standin.messages(thread)) == count

    await press(world, world.sam, thread, "I'm ready")
    prompt = await button(world, thread, "Write")
    for label in [b["label"] for b in prompt.buttons()]:
        before = await _state(mend, thread)
        reply = await (await world.outsider.press(prompt, label)).reply()
        assert reply.ephemeral, label
        assert reply.modal is None
        assert "This repair is between" in reply.text
        assert await _state(mend, thread) == before


async def test_only_the_floor_holder_can_write(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    before = await _state(mend, thread)
    reply = await press(world, world.sam, thread, "Write")
    assert reply.ephemeral and reply.modal is None
    assert reply.text == f"It's {world.alex.mention}'s turn to write — you'll be asked to reflect next."
    assert await _state(mend, thread) == before

    await write(world, world.alex, thread, "Write", "I felt unseen at dinner.")
    reply = await press(world, world.alex, thread, "Reflect back")
    assert reply.text.startswith(f"It's {world.sam.mention}'s turn to reflect back")


async def test_a_stale_button_says_the_step_is_done(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    old_prompt = copy.deepcopy(await button(world, thread, "Write"))
    await write(world, world.alex, thread, "Write", "I felt unseen at dinner.")
    await posted(world, thread, "Reflect back")
    before = await _state(mend, thread)
    reply = await (await world.alex.press(old_prompt, "Write")).reply()
    assert reply.text == "This step is already done. The latest one is at the bottom of the thread."
    assert await _state(mend, thread) == before


async def test_a_submission_for_a_passed_step_is_given_back(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    opened = await press(world, world.alex, thread, "Write")
    again = await press(world, world.alex, thread, "Write")
    await (await world.alex.submit(opened, "First version.")).reply()
    await posted(world, thread, "First version.")
    late = await (await world.alex.submit(again, "Second version, typed in another window.")).reply()
    assert late.ephemeral
    assert "already done" in late.text
    assert "Second version, typed in another window." in late.text, "refused words are handed back"
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    assert "Second version" not in transcript


async def test_a_double_click_counts_once(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    await write(world, world.alex, thread, "Write", "I felt unseen at dinner.")
    await write(world, world.sam, thread, "Reflect back", "You felt unseen.")
    prompt = await button(world, thread, "Got it")
    clicks = await asyncio.gather(world.alex.press(prompt, "Got it"), world.alex.press(prompt, "Got it"))
    replies = await asyncio.gather(*(c.reply() for c in clicks))
    await posted(world, thread, "What makes sense")

    def answered_privately() -> list[int]:
        return [i for i, c in enumerate(clicks) if replies[i].ephemeral or not c.pending.followups.empty()]

    assert len(await world.standin.until(answered_privately)) == 1, "the second click still gets an answer"
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    assert transcript.count("got it. ✓") == 1
    _, _, step, phase = await _state(mend, thread)
    assert (step, phase) == (0, Phase.VALIDATE)


async def test_both_agreeing_at_once_moves_on_exactly_once(world: World, mend: MendBot) -> None:
    thread = await _started(world, "full")
    prompt = await button(world, thread, "I agree")
    sent = await asyncio.gather(world.alex.press(prompt, "I agree"), world.sam.press(prompt, "I agree"))
    await asyncio.gather(*(s.reply() for s in sent))
    await posted(world, thread, "Step 2 of 10")
    _, _, step, phase = await _state(mend, thread)
    assert (step, phase) == (1, Phase.COLLECT)
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    assert transcript.count("Step 2 of 10") == 1


async def test_both_sealing_at_once_reveals_both_once(world: World, mend: MendBot) -> None:
    thread = await _started(world, "full")
    await press(world, world.alex, thread, "I agree")
    await press(world, world.sam, thread, "I agree")
    await posted(world, thread, "Step 2 of 10")
    prompt = await button(world, thread, "Write privately")
    opened = await asyncio.gather(
        world.alex.press(prompt, "Write privately"), world.sam.press(prompt, "Write privately")
    )
    modals = await asyncio.gather(*(o.reply() for o in opened))
    submitted = await asyncio.gather(
        world.alex.submit(modals[0], "Sore and far away"), world.sam.submit(modals[1], "Tight-chested, flat")
    )
    await asyncio.gather(*(s.reply() for s in submitted))
    await posted(world, thread, "Step 3 of 10")
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    assert transcript.count("Sore and far away") == 1
    assert transcript.count("Tight-chested, flat") == 1
    assert await mend.db.sealed_answers((await mend.db.rupture_in_thread(thread.id)).id, 1) == {}  # type: ignore[union-attr]


async def test_decline_and_not_now_look_the_same_to_the_opener(world: World, mend: MendBot) -> None:
    declined = await open_repair(world, world.alex, world.sam)
    private = await (await world.sam.press(await button(world, declined, "Decline"), "Decline")).followup()
    assert private.ephemeral and "only sees" in private.text
    await world.standin.until(lambda: declined.archived)

    paused = await open_repair(world, world.alex, world.sam)
    await press(world, world.sam, paused, "Not now")
    await posted(world, paused, "Not right now")

    seen_by_alex = [[m.text for m in world.standin.messages(t, seen_by=world.alex.id)][1:] for t in (declined, paused)]
    assert (
        seen_by_alex[0]
        == seen_by_alex[1]
        == ["Not right now. Nothing more is needed from either of you for the moment."]
    )
    assert (await _state(mend, declined))[1] is Status.DECLINED
    assert (await _state(mend, paused))[1] is Status.INVITED
    assert await button(world, paused, "I'm ready"), "after not now, the invitation can still be accepted"


async def test_stepping_away_is_confirmed_privately_and_shown_neutrally(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    ask = await press(world, world.alex, thread, "Step away")
    assert ask.ephemeral and "only see that you've stepped away" in ask.text
    assert ask.message is not None
    await (await world.alex.press(ask.message, "Step away")).followup()
    notice = await posted(world, thread, "has stepped away")
    assert notice.text == f"{world.alex.mention} has stepped away from this repair for now."
    await world.standin.until(lambda: thread.archived)
    assert (await _state(mend, thread))[1] is Status.LEFT


async def test_a_break_pauses_both_and_ends_on_time(world: World, mend: MendBot, clock: FakeClock) -> None:
    thread = await _started(world)
    chooser = await press(world, world.sam, thread, "Take a break")
    assert chooser.ephemeral and chooser.message is not None
    assert chooser.text.startswith("Would you like to take a break from")
    await (await world.sam.press(chooser.message, "1 hour")).followup()
    notice = await posted(world, thread, "Taking a break.")
    back = clock.now() + timedelta(hours=1)
    assert f"<t:{int(back.timestamp())}:R>" in notice.text
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.paused_until == back

    refused = await press(world, world.alex, thread, "Write")
    assert refused.modal is None and "You're taking a break until" in refused.text
    early = await (await world.alex.press(notice, "End the break early")).reply()
    assert early.text == "Only the person who asked for the break can end it early."

    clock.advance(hours=1, minutes=1)
    opened = await press(world, world.alex, thread, "Write")
    assert opened.modal is not None, "after the break the floor works again"


async def test_the_one_who_paused_can_end_the_break_early(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    reply = await (await world.alex.slash("repair pause", thread)).reply()
    assert reply.message is not None
    await (await world.alex.press(reply.message, "20 minutes")).followup()
    notice = await posted(world, thread, "Taking a break.")
    await press(world, world.alex, thread, "End the break early")
    await posted(world, thread, "The break is over. Ready when you are.", notice)
    opened = await press(world, world.alex, thread, "Write")
    assert opened.modal is not None


async def test_status_shows_each_open_repair_and_whose_turn(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    reply = await (await world.sam.slash("repair status", world.general)).reply()
    assert reply.ephemeral
    assert f"<#{thread.id}>" in reply.text
    assert f"step 1 of 3, What happened for me · {world.alex.mention}'s turn" in reply.text
    mine = await (await world.alex.slash("repair status", world.general)).reply()
    assert "your turn" in mine.text
    nobody = await (await world.outsider.slash("repair status", world.general)).reply()
    assert nobody.text.startswith("You have no open repairs.")


async def test_leave_command_in_the_thread_asks_first(world: World, mend: MendBot) -> None:
    thread = await _started(world)
    reply = await (await world.sam.slash("repair leave", thread)).reply()
    assert reply.ephemeral and reply.message is not None
    stay = await (await world.sam.press(reply.message, "Stay")).reply()
    assert stay.text == "Okay, nothing has changed."
    assert (await _state(mend, thread))[1] is Status.ACTIVE


async def test_commands_in_someone_elses_thread_do_not_touch_your_own_repair(world: World, mend: MendBot) -> None:
    moderator = world.standin.add_role(world.guild, "Mods", Permission.MEMBER_DEFAULT | Permission.MANAGE_THREADS)
    world.guild.members[world.outsider.id].roles.append(moderator.id)
    theirs = await _started(world)
    mine = await open_repair(world, world.outsider, world.owner)
    reply = await (await world.outsider.slash("repair leave", theirs)).reply()
    assert reply.text == "You have no open repair in this thread."
    rupture = await mend.db.rupture_in_thread(mine.id)
    assert rupture is not None and rupture.status is Status.INVITED

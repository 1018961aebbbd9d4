"""Care for the person more at risk: a private safety question on both sides, every "no" that looks
like no answer at all, a calm day before inviting again, nobody named for holding things up, help on
every prompt and for where someone is, and direct messages only for those who ask for them."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from bot.app import MendBot
from bot.rupture import Status
from bot.wording import checkins as checkin_words
from bot.wording import opening, turns
from bot.wording import privacy as privacy_words
from tests.e2e.steps import (
    accept,
    button,
    finish,
    name_commitment,
    open_repair,
    posted,
    press,
    repair_threads,
    said,
    started_repair,
    sweep,
    walk,
    write,
)
from tests.helpers import FakeClock, World
from tests.standin.actors import Person
from tests.standin.world import Channel

MESSAGES = ("POST", "/channels/{channel_id}/messages")
FOLLOWUPS = ("POST", "/webhooks/{webhook_id}/{webhook_token}")
# Each way an invitation can go without a yes, by what the invited person does.
ANSWERS = ("nothing", "not now", "decline", "step away", "afraid or pressured", "a block made beforehand")


async def _answer(world: World, person: Person, thread: Channel, answer: str) -> None:
    if answer == "not now":
        await press(world, person, thread, turns.NOT_NOW)
    elif answer == "decline":
        await press(world, person, thread, turns.DECLINE)
    elif answer == "step away":
        ask = await press(world, person, thread, turns.WITHDRAW)
        assert ask.message is not None
        await (await person.press(ask.message, turns.STEP_AWAY)).reply()
    elif answer == "afraid or pressured":
        asked = await press(world, person, thread, turns.READY)
        assert asked.message is not None and opening.safety_check(world.alex.id) in asked.text
        told = await (await person.press(asked.message, opening.NOT_SAFE)).reply()
        message = asked.message
        await world.standin.until(lambda: turns.NOT_YOUR_FAULT in message.text)
        assert privacy_words.HELP_AND_SAFETY in message.text and told.type == 6


def _as_the_opener_sees_it(world: World, thread: Channel, partner: Person) -> Any:
    """All the opener can see of one invitation, with the ids that differ by invitation replaced."""
    alex = world.alex.id

    def plain(text: str) -> str:
        return text.replace(str(partner.id), "them").replace(str(thread.id), "thread")

    messages = [
        (plain(m.text), [b.get("label") for b in m.buttons()], m.edited_at, m.pings() - {f"user:{partner.id}"})
        for m in world.standin.messages(thread, seen_by=alex)
    ]
    members = sorted("opener" if i == alex else "them" if i == partner.id else "Mend" for i in thread.member_ids)
    return messages, thread.archived, thread.locked, re.sub("[0-9a-f]{4}$", "tag", thread.name), members


async def _status_lines(world: World) -> list[str]:
    """What `/repair status` says to the opener of each open repair (naming the other as "them")."""
    reply = await (await world.alex.slash("repair status", world.general)).reply()
    if reply.message is None or not reply.message.embeds:
        return [reply.text]
    fields = reply.message.embeds[0].get("fields", [])
    return [re.sub("<#[0-9]+>", "thread", re.sub("<@[0-9]+>", "them", f["value"])) for f in fields]


async def test_the_opener_is_asked_privately_and_yes_starts_nothing_and_keeps_nothing(
    world: World, mend: MendBot
) -> None:
    requests_before = len(world.standin.requests)
    reply = await (await world.alex.slash("repair start", world.general, partner=world.sam.user)).reply()
    assert reply.ephemeral and reply.message is not None
    assert opening.safety_question(world.sam.id) in reply.text
    assert [b["label"] for b in reply.message.buttons()] == [opening.START, opening.NOT_SAFE, opening.NOT_NOW]
    assert len({b.get("style") for b in reply.message.buttons()}) == 1, "no answer is pushed"
    await (await world.alex.press(reply.message, opening.NOT_SAFE)).reply()
    answered = reply.message
    await world.standin.until(lambda: opening.NOT_YOUR_FAULT in answered.text)
    assert "not your fault" in answered.text and "1-800-799-7233" in answered.text
    assert not answered.buttons()
    assert repair_threads(world) == []
    assert {r.template for r in world.standin.requests[requests_before:]} == {
        "/interactions/{interaction_id}/{interaction_token}/callback"
    }, "nobody is told anything, not even by a request Mend makes"
    assert (await mend.db.export(world.alex.id))["person"] == [], "nothing is kept, not even the privacy notice"
    assert await mend.db.ruptures_of(world.alex.id) == []


async def test_the_invited_person_is_asked_privately_before_ready(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await open_repair(world, world.alex, world.sam)
    shown = [(m.text, m.edited_at) for m in world.standin.messages(thread)]
    asked = await press(world, world.sam, thread, turns.READY)
    assert asked.ephemeral and opening.safety_check(world.alex.id) in asked.text
    assert [(m.text, m.edited_at) for m in world.standin.messages(thread)] == shown, "asking shows nothing"
    await _answer(world, world.sam, thread, "afraid or pressured")
    assert [(m.text, m.edited_at) for m in world.standin.messages(thread)] == shown
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.status is Status.INVITED

    clock.advance(days=2)
    assert await sweep(mend) == Counter({"invitation_end": 1})
    await posted(world, thread, opening.INVITATION_ENDED)
    await world.standin.until(lambda: thread.archived)
    ended = await mend.db.rupture_in_thread(thread.id)
    assert ended is not None and ended.status is Status.ENDED, 'nothing is kept beyond "ended"'

    again = await open_repair(world, world.sam, world.alex)
    answer = await accept(world, world.alex, again)
    assert answer.type == 6
    await posted(world, again, turns.ready(world.alex.id))
    await posted(world, again, "Step 1 of")


async def test_no_answer_and_every_way_of_saying_no_look_the_same_to_the_one_who_invited(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    """Whatever the invited person does short of "I'm ready", the one who invited sees the same thing,
    at the same moments: the thread, its members, its state, `/repair status`, their own
    `/privacy export`, and the words when they try again."""
    invited = {answer: world.person(f"invited-{index}") for index, answer in enumerate(ANSWERS)}
    blocker = invited["a block made beforehand"]
    await (await blocker.slash("mend block", world.general, member=world.alex.user)).reply()
    threads = {answer: await open_repair(world, world.alex, person) for answer, person in invited.items()}
    assert threads["a block made beforehand"].messages, "a blocked invitation opens like any other"
    blocked_invitation = world.standin.messages(threads["a block made beforehand"])[0]
    assert blocked_invitation.pings() == set(), "but pings nobody"
    for answer, thread in threads.items():
        await _answer(world, invited[answer], thread, answer)

    async def all_alike(moment: str) -> None:
        seen = {answer: _as_the_opener_sees_it(world, threads[answer], invited[answer]) for answer in ANSWERS}
        assert all(view == seen["nothing"] for view in seen.values()), (moment, seen)
        exported = {row["thread_id"]: row for row in (await mend.db.export(world.alex.id))["ruptures"]}
        own = {
            answer: {
                k: v for k, v in exported[threads[answer].id].items() if k not in ("id", "thread_id", "with_user_id")
            }
            for answer in ANSWERS
        }
        assert all(part == own["nothing"] for part in own.values()), ("their /privacy export", moment, own)

    await all_alike("after the answers")
    assert len(set(await _status_lines(world))) == 1
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"reminder": 1}), "only the unanswered one is recalled, by direct message"
    await all_alike("a day later")
    clock.advance(days=1, seconds=-1)
    assert await sweep(mend) == Counter()
    clock.advance(seconds=1)
    assert await sweep(mend) == Counter({"invitation_end": len(ANSWERS)})
    for thread in threads.values():
        await world.standin.until(lambda thread=thread: thread.archived)  # type: ignore[misc]
    await all_alike("at the end")
    assert await _status_lines(world) == [opening.NO_OPEN_REPAIRS]

    for person in invited.values():
        again = await (await world.alex.slash("repair start", world.general, partner=person.user)).reply()
        assert again.text == opening.CALM_BEFORE_INVITING_AGAIN, "the same calm words, whatever the cause"
    assert len(repair_threads(world)) == len(ANSWERS)
    clock.advance(days=1)
    later = await (await world.alex.slash("repair start", world.general, partner=invited["decline"].user)).reply()
    assert opening.safety_question(invited["decline"].id) in later.text, "a day later they may ask again"


async def test_the_thread_names_nobody_and_nobody_is_named_for_holding_things_up(world: World, mend: MendBot) -> None:
    thread = await open_repair(world, world.alex, world.sam, protocol="full")
    assert re.fullmatch("Repair · [0-9a-f]{4}", thread.name), thread.name
    await accept(world, world.sam, thread)
    await posted(world, thread, "Step 1 of")
    await press(world, world.alex, thread, turns.AGREE)
    agreed = await posted(world, thread, turns.progress(1, turns.AGREED))
    await press(world, world.sam, thread, turns.AGREE)
    await posted(world, thread, "Step 2 of")
    await write(world, world.sam, thread, turns.WRITE_PRIVATELY, "Left out.")
    sealed = await posted(world, thread, turns.progress(1, turns.WRITTEN))
    for shown in (agreed, sealed):
        prompt = shown.embeds[-1]["description"]
        assert world.alex.mention not in prompt and world.sam.mention not in prompt and "not yet" not in prompt
    topic = await open_repair(world, world.alex, world.outsider, topic="Sunday lunch")
    assert topic.name == "Sunday lunch", "a topic names the thread only when the opener gives one"


async def test_stepping_away_ends_the_repair_for_both_in_the_same_words(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    ask = await press(world, world.sam, thread, turns.STEP_AWAY)
    assert ask.message is not None and turns.confirm_leave(world.alex.id, thread.id) in ask.text
    await (await world.sam.press(ask.message, turns.STEP_AWAY)).reply()
    await world.standin.until(lambda: turns.left_reply(world.alex.id) in ask.message.text)  # type: ignore[union-attr]
    notice = await posted(world, thread, turns.LEFT)
    assert notice.text == turns.LEFT and world.sam.mention not in notice.text
    await world.standin.until(lambda: thread.archived)


async def test_help_and_safety_is_on_every_prompt(world: World, mend: MendBot) -> None:
    for protocol in ("quick", "full", "parent-child"):
        thread = await started_repair(world, protocol)
        await walk(world, thread, mend.protocols[protocol], world.alex, world.sam)
        await finish(world, thread, mend.protocols[protocol], world.alex, world.sam)
    posts = [*world.standin.calls(*MESSAGES), *world.standin.calls(*FOLLOWUPS)]
    prompts = [_ids(call.body) for call in posts if any(i.startswith("mend:turn:") for i in _ids(call.body))]
    assert len(prompts) > 30 and all("mend:resources" in ids for ids in prompts), "every prompt, every protocol"
    help_button = await button(world, thread, privacy_words.HELP_AND_SAFETY)
    reply = await (await world.sam.press(help_button, privacy_words.HELP_AND_SAFETY)).reply()
    assert reply.ephemeral and "not your fault" in reply.text


def _ids(body: Any) -> list[str]:
    """The custom_ids of a message's buttons, as Mend sent them."""
    rows = body.get("components", []) if isinstance(body, dict) else []
    return [str(item.get("custom_id", "")) for row in rows for item in row.get("components", [])]


async def test_help_is_for_where_someone_probably_is(world: World, mend: MendBot) -> None:
    expected = {
        "pt-BR": ("180", "US:"),
        "de": ("116 016", "US:"),
        "en-GB": ("Childline **0800 1111**", "US:"),
        "fr": ("Canada", "UK:"),
        "ja": ("findahelpline.com", "US:"),
    }
    for locale, (line, elsewhere) in expected.items():
        person = world.person(f"speaks-{locale}", locale=locale)
        reply = await (await person.slash("resources", world.general)).reply()
        assert reply.ephemeral and line in reply.text, locale
        assert elsewhere not in reply.text, f"{locale}: no lines for a country they are probably not in"
        watched, danger = (said(locale, field) for field in (privacy_words.WATCHED, privacy_words.IN_DANGER))
        assert reply.text.index(watched) < reply.text.index(danger), "police last"


async def test_a_commitment_is_followed_up_by_direct_message_only_for_who_chose_it(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await started_repair(world)
    await walk(world, thread, mend.protocols["quick"], world.alex, world.sam)
    await name_commitment(world, world.alex, thread, "Ask before the dishes pile up.", by_dm=True)
    chosen = await name_commitment(world, world.sam, thread, "Say when I'm drained.", by_dm=False)
    assert chosen.text == checkin_words.asked_by(False)
    clock.advance(days=3)
    assert await sweep(mend) == Counter({"followup": 1})
    dm = world.standin.dm_channel(world.alex.user)
    assert dm is not None and "Did it happen?" in world.standin.messages(dm)[-1].text
    assert world.standin.dm_channel(world.sam.user) is None, "no direct message without asking for one"
    note = await posted(world, thread, checkin_words.PRIVATE_QUESTION)
    assert note.pings() == {f"user:{world.sam.id}"} and "drained" not in note.text

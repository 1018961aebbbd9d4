"""Steps a couple takes in a repair, as people would: through commands, buttons and modals.

They read Mend in the languages it speaks them (English unless a test says otherwise): the thread in
`thread_language`, private answers in each person's own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from bot.app import MendBot
from bot.components import Feeling
from bot.i18n import SOURCE, _, speaking
from bot.prompts import FEELING
from bot.protocols import Kind, Protocol, Response, Role, translated
from bot.wording import checkins as checkin_words
from bot.wording import opening, turns
from tests.helpers import World
from tests.standin.actors import Person
from tests.standin.server import Callback
from tests.standin.world import Channel, ChannelType, Message


def said(language: str, words: str | Callable[..., str], *arguments: Any, **options: Any) -> str:
    """What Mend says in `language`: a message (its English) translated, or the sentence a wording
    function makes of `arguments` in it."""
    with speaking(language):
        return _(words) if isinstance(words, str) else words(*arguments, **options)


def repair_threads(world: World) -> list[Channel]:
    return [c for c in world.guild.channels.values() if c.type == ChannelType.PRIVATE_THREAD]


def with_button(world: World, channel: Channel, label: str, seen_by: Person | None = None) -> Message | None:
    """The newest message in `channel` that has a button labelled `label`."""
    viewer = seen_by.id if seen_by is not None else None
    for message in reversed(world.standin.messages(channel, seen_by=viewer)):
        if any(button.get("label") == label for button in message.buttons()):
            return message
    return None


async def button(world: World, channel: Channel, label: str, seen_by: Person | None = None) -> Message:
    """Wait for a message with this button to appear, and return it."""
    found: Message = await world.standin.until(lambda: with_button(world, channel, label, seen_by))
    return found


async def start(world: World, opener: Person, partner: Person, **options: str) -> Message:
    """`/repair start`, answering the private question before it ("No, let's start"; for a parent–child
    repair, as the parent, and calm enough); the private message, which then says how it went. All
    of it in the opener's language."""
    language = opener.locale
    sent = await opener.slash("repair start", world.general, partner=partner.user, **options)
    reply = await sent.reply()
    consent = reply.message
    assert reply.ephemeral and consent is not None, reply.text
    assert said(language, opening.safety_question, partner.id) in reply.text
    if options.get("protocol") != "parent-child":
        await (await opener.press(consent, said(language, opening.START))).reply()
        return consent
    await (await opener.press(consent, said(language, opening.START_AS_PARENT))).reply()
    await world.standin.until(lambda: said(language, opening.CALM_DOWN) in consent.text)
    await (await opener.press(consent, said(language, opening.CALM_ENOUGH))).reply()
    return consent


async def open_repair(
    world: World, opener: Person, partner: Person, *, thread_language: str = SOURCE, **options: str
) -> Channel:
    """`start`, and the new thread once its invitation is up (in `thread_language`)."""
    before = len(repair_threads(world))
    consent = await start(world, opener, partner, **options)
    await world.standin.until(lambda: len(repair_threads(world)) == before + 1)
    thread = repair_threads(world)[-1]
    opened = said(opener.locale, opening.opened, thread.id, partner.id)
    await world.standin.until(lambda: opened in consent.text)
    await button(world, thread, said(thread_language, turns.READY))
    return thread


async def accept(world: World, person: Person, thread: Channel, *, thread_language: str = SOURCE) -> Callback:
    """*I'm ready* on the invitation, then *No, I'm ready* to the private safety question it asks
    (the invitation read in `thread_language`, the question in the person's own)."""
    asked = await press(world, person, thread, said(thread_language, turns.READY))
    assert asked.ephemeral and asked.message is not None, asked.text
    return await (await person.press(asked.message, said(person.locale, opening.READY_TO_START))).reply()


async def press(world: World, person: Person, channel: Channel, label: str) -> Callback:
    message = await button(world, channel, label, seen_by=person)
    return await (await person.press(message, label)).reply()


async def write(
    world: World, person: Person, channel: Channel, label: str, text: str, *, feeling: Feeling = Feeling.CALM
) -> Callback:
    """Press a writing button, say how they are (calm, unless said otherwise) and what they write in
    the form it opens, and send it; returns the submission's answer."""
    opened = await press(world, person, channel, label)
    assert opened.modal is not None, f"{label!r} answered {opened.type}: {opened.text}"
    return await (await person.submit(opened, text, choices={FEELING: feeling})).reply()


async def name_commitment(world: World, person: Person, thread: Channel, text: str, *, by_dm: bool) -> Callback:
    """Name one thing to do, then answer privately how to be asked about it later; that answer."""
    opened = await press(world, person, thread, turns.NAME_ONE_THING)
    sent = await person.submit(opened, text)
    await sent.reply()
    how = await sent.followup()
    assert how.visible_to == person.id and checkin_words.HOW_TO_ASK in how.text
    choice = checkin_words.BY_DM if by_dm else checkin_words.IN_THE_THREAD
    return await (await person.press(how, choice)).reply()


async def posted(world: World, channel: Channel, text: str, since: Message | None = None) -> Message:
    """Wait until a message showing `text` is in the channel (at or after `since`); return it."""
    floor = since.id if since is not None else 0
    found: Message = await world.standin.until(
        lambda: next((m for m in world.standin.messages(channel) if m.id >= floor and text in m.text), None)
    )
    return found


async def walk(
    world: World,
    thread: Channel,
    protocol: Protocol,
    first: Person,
    second: Person,
    *,
    from_step: int = 1,
    answer_recognition: bool = True,
    thread_language: str = SOURCE,
) -> list[str]:
    """Take a started repair through the steps of `protocol` (from `from_step`), as the two would;
    then both answer that they feel understood (unless a parent leads it, or `answer_recognition`
    is off: then the question is left on screen). The thread speaks `thread_language`.

    Each action waits for what a person would see next. Returns every sentence written.
    """
    written = await _take_steps(world, thread, protocol, (first, second), from_step, thread_language)
    language = thread_language
    if protocol.parent_led:
        await posted(world, thread, said(language, turns.RESOLVED_BY_A_PARENT))
        return written
    await posted(world, thread, said(language, turns.RECOGNITION_TITLE))
    if answer_recognition:
        understood = said(language, turns.UNDERSTOOD)
        first_answer = await (await first.press(await button(world, thread, understood), understood)).followup()
        assert said(first.locale, turns.understood_reply, second.id) in first_answer.text
        await press(world, second, thread, understood)
        await posted(world, thread, said(language, turns.RESOLVED_BY_RECOGNITION))
    return written


async def _take_steps(
    world: World, thread: Channel, protocol: Protocol, pair: tuple[Person, Person], from_step: int, language: str
) -> list[str]:
    first, second = pair
    people = {Role.FIRST: first, Role.SECOND: second}
    with speaking(language):
        titles = [step.title for step in translated(protocol).steps]
    written: list[str] = []

    since: Message | None = None

    async def say(person: Person, label: str, text: str) -> None:
        await write(world, person, thread, said(language, label), text)
        await posted(world, thread, text, since)
        written.append(text)

    async def tap(person: Person, label: str) -> None:
        await press(world, person, thread, said(language, label))

    for number, step in enumerate(protocol.steps, start=1):
        if number < from_step:
            continue
        heading = said(language, turns.step_heading, number, len(protocol.steps), titles[number - 1])
        since = await posted(world, thread, heading, since)
        if step.kind is Kind.AGREE:
            await tap(first, turns.AGREE)
            await posted(world, thread, said(language, turns.AGREED), since)
            await tap(second, turns.AGREE)
        elif step.kind is Kind.SEALED:
            texts = [
                f"{first.user.username} privately, step {number}.",
                f"{second.user.username} privately, step {number}.",
            ]
            await write(world, first, thread, said(language, turns.WRITE_PRIVATELY), texts[0])
            await posted(world, thread, said(language, turns.WRITTEN), since)
            await write(world, second, thread, said(language, turns.WRITE_PRIVATELY), texts[1])
            await posted(world, thread, texts[1], since)
            written += texts
        else:
            assert step.writer is not None
            writer, listener = people[step.writer], people[step.writer.other]
            await say(writer, turns.WRITE, f"{writer.user.username} speaks at step {number}.")
            if step.response is Response.MIRROR:
                await say(listener, turns.REFLECT_BACK, f"{listener.user.username} heard step {number}.")
                await tap(writer, turns.GOT_IT)
                await posted(world, thread, said(language, turns.confirmed, writer.id, landed=True), since)
                if step.validate_prompt:
                    await say(listener, turns.WRITE, f"{listener.user.username} validates step {number}.")
            elif step.response in (Response.ACCEPT, Response.READ):
                read = step.response is Response.READ
                await tap(listener, turns.READ if read else turns.ACCEPT)
                await posted(world, thread, said(language, turns.accepted, listener.id, read), since)
    return written


async def finish(
    world: World, thread: Channel, protocol: Protocol, first: Person, second: Person, *, thread_language: str = SOURCE
) -> None:
    """After the steps and feeling understood: nothing more to add (from the child alone, led by a
    parent); the repair is complete and its thread archived. The thread speaks `thread_language`."""
    for person in (second,) if protocol.parent_led else (first, second):
        await press(world, person, thread, said(thread_language, turns.NOTHING_TO_ADD))
    await posted(world, thread, said(thread_language, turns.COMPLETE))
    await world.standin.until(lambda: thread.archived)


async def started_repair(world: World, protocol: str = "quick") -> Channel:
    """Alex invites Sam, who is ready: the first step is on screen."""
    thread = await open_repair(world, world.alex, world.sam, protocol=protocol)
    await accept(world, world.sam, thread)
    await posted(world, thread, "Step 1 of")
    return thread


def titled(world: World, channel: Channel, title: str) -> list[Message]:
    """The messages in a channel with an embed of this title, oldest first."""
    return [m for m in world.standin.messages(channel) if any(e.get("title") == title for e in m.embeds)]


async def sweep(mend: MendBot) -> Counter[str]:
    """Run the check-in sweep now (the scheduler runs the same method every minute)."""
    cog = mend.get_cog("Checkins")
    assert cog is not None
    outcomes: Counter[str] = await cog.sweep()  # type: ignore[attr-defined]
    return outcomes


def checkins(world: World, thread: Channel) -> list[Message]:
    """The check-ins Mend posted in a thread, oldest first."""
    return titled(world, thread, checkin_words.CHECKIN_TITLE)


async def look_back(world: World, person: Person) -> Message:
    """`/repair history`: the private answer that follows its "thinking…" (the picture takes a moment)."""
    sent = await person.slash("repair history", world.general)
    thinking = await sent.reply()
    assert thinking.ephemeral
    return await sent.followup(timeout=20)

"""Two people complete a Quick repair end to end, through the real discord.py client."""

from __future__ import annotations

from bot.app import MendBot
from tests.e2e.steps import open_repair, posted, press, write
from tests.helpers import World


async def test_a_quick_repair_from_invitation_to_close(world: World, mend: MendBot) -> None:
    alex, sam = world.alex, world.sam
    thread = await open_repair(world, alex, sam, topic="The dishes")
    assert thread.name == "The dishes"
    assert thread.member_ids >= {alex.id, sam.id}
    assert not thread.invitable

    await press(world, sam, thread, "I'm ready")
    await posted(world, thread, "is ready. Let's begin.")

    await write(world, alex, thread, "Write", "I felt alone with the dishes.")
    await posted(world, thread, "I felt alone with the dishes.")
    await write(world, sam, thread, "Reflect back", "You felt alone doing the dishes.")
    await press(world, alex, thread, "Got it")
    await write(world, sam, thread, "Write", "It makes sense you felt alone.")
    await posted(world, thread, "It makes sense you felt alone.")

    await write(world, sam, thread, "Write", "I was exhausted after work.")
    await write(world, alex, thread, "Reflect back", "You were tired.")
    await press(world, sam, thread, "Not quite")
    await write(world, alex, thread, "Reflect back", "You were exhausted after a long day at work.")
    await press(world, sam, thread, "Got it")
    await write(world, alex, thread, "Write", "Of course you were drained.")

    first = await write(world, alex, thread, "Write privately", "I'll ask for help sooner.")
    assert first.type == 6
    await world.standin.until(lambda: "has written" in world.standin.messages(thread)[-1].text)
    assert all("ask for help sooner" not in m.text for m in world.standin.messages(thread))
    await write(world, sam, thread, "Write privately", "I'll say when I'm drained.")
    await posted(world, thread, "ask for help sooner")
    await posted(world, thread, "say when I'm drained")

    await press(world, alex, thread, "Yes, I feel understood")
    await press(world, sam, thread, "Yes, I feel understood")
    await posted(world, thread, "You've both said you feel understood")
    await write(world, alex, thread, "Name one thing I'll do", "Ask before the dishes pile up.")
    await press(world, sam, thread, "Acknowledge")
    await press(world, sam, thread, "Nothing to add")
    await posted(world, thread, "This repair is complete")
    await world.standin.until(lambda: thread.archived)

    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    for sentence in (
        "I felt alone with the dishes.",
        "You felt alone doing the dishes.",
        "It makes sense you felt alone.",
        "I was exhausted after work.",
        "You were tired.",
        "You were exhausted after a long day at work.",
        "Of course you were drained.",
        "I'll ask for help sooner.",
        "I'll say when I'm drained.",
        "You've both said you feel understood",
        "Ask before the dishes pile up.",
        "Acknowledged by Sam",
    ):
        assert sentence in transcript, f"{sentence!r} is missing from the thread"
    assert all(not m.buttons() for m in world.standin.messages(thread)[1:]), "a closed repair leaves no live buttons"

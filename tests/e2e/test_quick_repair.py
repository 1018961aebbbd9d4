"""Two people complete a Quick repair end to end, through the real discord.py client."""

from __future__ import annotations

from bot.app import MendBot
from bot.wording import turns
from tests.e2e.steps import accept, open_repair, posted, press, write
from tests.helpers import World


async def test_a_quick_repair_from_invitation_to_close(world: World, mend: MendBot) -> None:
    alex, sam = world.alex, world.sam
    thread = await open_repair(world, alex, sam, topic="The dishes")
    assert thread.name == "The dishes"
    assert thread.member_ids >= {alex.id, sam.id}
    assert not thread.invitable

    await accept(world, sam, thread)
    await posted(world, thread, turns.ready(sam.id))

    await write(world, alex, thread, turns.WRITE, "I felt alone with the dishes.")
    await posted(world, thread, "I felt alone with the dishes.")
    await write(world, sam, thread, turns.REFLECT_BACK, "You felt alone doing the dishes.")
    await press(world, alex, thread, turns.GOT_IT)
    await write(world, sam, thread, turns.WRITE, "It makes sense you felt alone.")
    await posted(world, thread, "It makes sense you felt alone.")

    await write(world, sam, thread, turns.WRITE, "I was exhausted after work.")
    await write(world, alex, thread, turns.REFLECT_BACK, "You were tired.")
    await press(world, sam, thread, turns.NOT_QUITE)
    await write(world, sam, thread, turns.SAY_WHAT_WAS_MISSED, "It was the long day at work.")
    await write(world, alex, thread, turns.REFLECT_BACK, "You were exhausted after a long day at work.")
    await press(world, sam, thread, turns.GOT_IT)
    await write(world, alex, thread, turns.WRITE, "Of course you were drained.")

    await write(world, alex, thread, turns.WRITE, "I left them and said nothing.")
    await press(world, sam, thread, turns.READ)
    await posted(world, thread, turns.accepted(sam.id, read=True))
    await write(world, sam, thread, turns.WRITE, "I snapped instead of asking.")
    await press(world, alex, thread, turns.READ)

    await press(world, alex, thread, turns.UNDERSTOOD)
    await press(world, sam, thread, turns.UNDERSTOOD)
    await posted(world, thread, turns.RESOLVED_BY_RECOGNITION)
    await write(world, alex, thread, turns.NAME_ONE_THING, "Ask before the dishes pile up.")
    await press(world, sam, thread, turns.ACKNOWLEDGE)
    await press(world, sam, thread, turns.NOTHING_TO_ADD)
    await posted(world, thread, turns.COMPLETE)
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
        "It was the long day at work.",
        "I left them and said nothing.",
        "I snapped instead of asking.",
        turns.RESOLVED_BY_RECOGNITION,
        "Ask before the dishes pile up.",
        turns.acknowledged_by("Sam"),
    ):
        assert sentence in transcript, f"{sentence!r} is missing from the thread"
    assert all(not m.buttons() for m in world.standin.messages(thread)[1:]), "a closed repair leaves no live buttons"

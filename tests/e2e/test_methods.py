"""The methods, as two people meet them: listening until heard (with a way to move on), "not yet" as
a full answer with a turn to say what is still needed, noticing flooding before writing, breaks
until the morning, and repair phrases sent in one click."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import MendBot
from bot.components import Feeling
from bot.wording import common, feelings, phrases, turns
from tests.e2e.steps import button, posted, press, started_repair, walk, write
from tests.helpers import FakeClock, World
from tests.standin.world import Channel, Message


def _labels(message: Message) -> list[str]:
    return [b["label"] for b in message.buttons()]


async def test_not_quite_and_more_loop_until_heard_and_either_may_move_on_after_three_rounds(
    world: World, mend: MendBot
) -> None:
    alex, sam = world.alex, world.sam
    thread = await started_repair(world)
    await write(world, alex, thread, turns.WRITE, "I felt alone with the dishes.")
    await write(world, sam, thread, turns.REFLECT_BACK, "You were annoyed.")
    landed = await button(world, thread, turns.NOT_QUITE)
    assert _labels(landed)[:3] == [turns.GOT_IT, turns.MORE, turns.NOT_QUITE]
    assert turns.MOVE_ON not in _labels(landed), "moving on is offered only after a few rounds"

    await press(world, alex, thread, turns.NOT_QUITE)
    await posted(world, thread, turns.clarify_prompt(alex.id, sam.id))
    await write(world, alex, thread, turns.SAY_WHAT_WAS_MISSED, "Alone, not annoyed.")
    await posted(world, thread, "Alone, not annoyed.")
    await write(world, sam, thread, turns.REFLECT_BACK, "You felt alone.")
    await press(world, alex, thread, turns.MORE)
    await posted(world, thread, turns.more_prompt(alex.id, sam.id))
    await write(world, alex, thread, turns.WRITE, "And tired of asking.")
    await write(world, sam, thread, turns.REFLECT_BACK, "You felt alone and tired.")
    await press(world, alex, thread, turns.NOT_QUITE)
    await press(world, alex, thread, turns.TRY_AGAIN)
    await write(world, sam, thread, turns.REFLECT_BACK, "You felt alone, and tired of asking.")

    confirm = await button(world, thread, turns.MOVE_ON)
    assert turns.ROUNDS_DONE in confirm.text
    moved = await (await sam.press(confirm, turns.MOVE_ON)).reply()
    assert moved.type == 7, "the listener may move on too, and the prompt is updated in the answer"
    await posted(world, thread, turns.MOVED_ON)
    await posted(world, thread, turns.VALIDATE_TITLE)
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    for sentence in ("Alone, not annoyed.", "And tired of asking.", "You felt alone, and tired of asking."):
        assert sentence in transcript


async def test_not_yet_is_a_full_answer_with_a_turn_to_say_what_is_still_needed(world: World, mend: MendBot) -> None:
    alex, sam = world.alex, world.sam
    thread = await started_repair(world)
    await walk(world, thread, mend.protocols["quick"], alex, sam, answer_recognition=False)
    question = await posted(world, thread, turns.RECOGNITION_TITLE)
    styles = {b["label"]: b["style"] for b in question.buttons()}
    assert styles[turns.UNDERSTOOD] == styles[turns.NOT_YET], "nothing pushes toward yes"

    await (await alex.press(question, turns.UNDERSTOOD)).followup()
    count = len(world.standin.messages(thread, seen_by=alex.id))
    not_yet = await (await sam.press(question, turns.NOT_YET)).followup()
    assert not_yet.visible_to == sam.id and turns.TELL_WHAT_I_NEED in _labels(not_yet)
    assert len(world.standin.messages(thread, seen_by=alex.id)) == count, "a 'not yet' shows nothing to the other"

    form = await (await sam.press(not_yet, turns.TELL_WHAT_I_NEED)).reply()
    assert form.modal is not None
    await (await sam.submit(form, "To hear that you'll ask for help.")).reply()
    await posted(world, thread, "To hear that you'll ask for help.")
    await posted(world, thread, turns.hear_prompt(alex.id, sam.id))
    await write(world, alex, thread, turns.ANSWER, "I will ask, before it piles up.")
    await posted(world, thread, "I will ask, before it piles up.")
    again = await titled_after(world, thread, turns.RECOGNITION_TITLE, question)
    await (await sam.press(again, turns.UNDERSTOOD)).reply()
    await posted(world, thread, turns.RESOLVED_BY_RECOGNITION)


async def titled_after(world: World, thread: Channel, title: str, after: Message) -> Message:
    """The next message with this title after `after` (a prompt asked again)."""
    found: Message = await world.standin.until(
        lambda: next(
            (
                m
                for m in world.standin.messages(thread)
                if m.id > after.id and any(e.get("title") == title for e in m.embeds)
            ),
            None,
        )
    )
    return found


async def test_flooded_offers_a_break_and_gives_the_words_back_with_nothing_shown(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await started_repair(world)

    async def seen() -> tuple[object, ...]:
        rupture = await mend.db.rupture_in_thread(thread.id)
        assert rupture is not None
        return rupture.version, rupture.position, rupture.paused_until, len(world.standin.messages(thread))

    before = await seen()

    offer = await write(world, world.alex, thread, turns.WRITE, "You never listen to me!", feeling=Feeling.FLOODED)

    assert offer.ephemeral and offer.message is not None
    assert feelings.SOOTHING in offer.text and "20 minutes" in feelings.SOOTHING
    given_back = [e for e in offer.message.embeds if e.get("title") == common.YOUR_WORDS]
    assert given_back and "You never listen to me!" in given_back[0]["description"]
    assert _labels(offer.message)[:3] == [turns.break_length(m) for m in (20, 60, 240)]
    assert await seen() == before
    assert all("never listen" not in m.text for m in world.standin.messages(thread))

    await (await world.alex.press(offer.message, turns.break_length(20))).reply()
    await posted(world, thread, turns.paused(clock.now() + timedelta(minutes=20)))
    exported = repr(await mend.db.export(world.alex.id)).lower()
    assert "flood" not in exported and "never listen" not in exported, "nothing of it is kept"


@pytest.mark.parametrize(
    ("now", "quiet", "label", "ends"),
    [
        # 20:00 in New York the evening before the clocks go forward: 09:00 EDT is 13:00 UTC
        (
            datetime(2026, 3, 8, 1, 0, tzinfo=UTC),
            None,
            "Until tomorrow morning",
            datetime(2026, 3, 8, 13, 0, tzinfo=UTC),
        ),
        # 20:00 the evening before they go back: 09:00 EST is 14:00 UTC
        (
            datetime(2026, 11, 1, 0, 0, tzinfo=UTC),
            None,
            "Until tomorrow morning",
            datetime(2026, 11, 1, 14, 0, tzinfo=UTC),
        ),
        # 03:00 in the night: this morning's 09:00
        (
            datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
            None,
            "Until this morning",
            datetime(2026, 11, 30, 14, 0, tzinfo=UTC),
        ),
        # their own quiet hours, 23:00 to 06:30: at 20:00, tomorrow's 06:30 EST is 11:30 UTC
        (
            datetime(2026, 11, 30, 1, 0, tzinfo=UTC),
            ("23:00", "06:30"),
            "Until tomorrow morning",
            datetime(2026, 11, 30, 11, 30, tzinfo=UTC),
        ),
        # at 00:30, inside them: this morning's 06:30
        (
            datetime(2026, 11, 30, 5, 30, tzinfo=UTC),
            ("23:00", "06:30"),
            "Until this morning",
            datetime(2026, 11, 30, 11, 30, tzinfo=UTC),
        ),
    ],
)
async def test_a_break_until_morning_ends_when_their_quiet_hours_do(
    world: World,
    mend: MendBot,
    clock: FakeClock,
    now: datetime,
    quiet: tuple[str, str] | None,
    label: str,
    ends: datetime,
) -> None:
    await (await world.sam.slash("mend timezone", world.general, zone="America/New_York")).reply()
    if quiet is not None:
        start, end = quiet
        await (await world.sam.slash("mend quiet-hours", world.general, start=start, end=end)).reply()
    clock.set(now)
    thread = await started_repair(world)
    chooser = await press(world, world.sam, thread, turns.TAKE_A_BREAK)
    assert chooser.message is not None and label == feelings.until_morning(label.endswith("tomorrow morning"))
    await (await world.sam.press(chooser.message, label)).reply()
    await posted(world, thread, turns.paused(ends))
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.paused_until == ends


async def test_a_repair_phrase_is_sent_in_one_click_without_using_a_turn(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    before = await mend.db.rupture_in_thread(thread.id)
    assert before is not None
    palette = await press(world, world.sam, thread, turns.PHRASES)
    assert palette.ephemeral and palette.message is not None
    assert len(palette.message.components) == len(phrases.GROUPS), "one row for each kind"
    for kind, _ in phrases.GROUPS:
        assert kind in palette.text
    sorry = phrases.GROUPS[1][1][0][1]
    await (await world.sam.press(palette.message, sorry)).reply()

    said = await posted(world, thread, sorry)
    assert said.embeds[0]["author"]["name"] == "Sam"
    assert said.pings() == set() and said.allowed_mentions == {"parse": []}
    after = await mend.db.rupture_in_thread(thread.id)
    assert after is not None and after.position == before.position, "it doesn't use up anyone's turn"
    await write(world, world.alex, thread, turns.WRITE, "Thank you.")

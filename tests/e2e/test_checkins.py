"""Check-ins on the stand-in: the cadence, answers to them, quiet hours, breaks, reminders, follow-ups."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import MendBot
from bot.rupture import Due, Status
from bot.wording import checkins as checkin_words
from bot.wording import feelings, opening, turns
from bot.wording import privacy as privacy_words
from tests.e2e.steps import (
    accept,
    button,
    checkins,
    name_commitment,
    open_repair,
    posted,
    press,
    started_repair,
    sweep,
    titled,
    walk,
    write,
)
from tests.helpers import FakeClock, World
from tests.standin.world import Channel, Permission


async def _rupture(mend: MendBot, thread: Channel):  # type: ignore[no-untyped-def]
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None
    return rupture


async def test_check_ins_come_after_a_day_then_three_then_seven_then_stop(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await started_repair(world)
    clock.advance(hours=23)
    assert await sweep(mend) == Counter()
    clock.advance(hours=1)
    assert await sweep(mend) == Counter({"checkin": 1})
    first = checkins(world, thread)[-1]
    assert first.pings() == {f"user:{world.alex.id}", f"user:{world.sam.id}"}
    assert [b["label"] for b in first.buttons()] == [
        checkin_words.OKAY,
        checkin_words.PICK_UP,
        checkin_words.SNOOZE_DAY,
        checkin_words.SNOOZE_THREE_DAYS,
        checkin_words.STOP,
        privacy_words.HELP_AND_SAFETY,
    ]
    for days in (1, 1, 0.99):
        clock.advance(days=days)
        assert await sweep(mend) == Counter(), "the second comes three days after the first"
    clock.advance(days=0.01)
    assert await sweep(mend) == Counter({"checkin": 1})
    clock.advance(days=6.9)
    assert await sweep(mend) == Counter()
    clock.advance(days=0.1)
    assert await sweep(mend) == Counter({"checkin": 1})
    clock.advance(days=30)
    assert await sweep(mend) == Counter()
    assert len(checkins(world, thread)) == 3
    assert (await _rupture(mend, thread)).dormant

    status = await (await world.sam.slash("repair status", world.general)).reply()
    assert opening.RESTING in status.text
    assert status.message is not None
    listed = status.message
    await (await world.sam.press(listed, listed.buttons()[0]["label"])).reply()
    await world.standin.until(lambda: listed.text == turns.picked_up_reply(thread.id) and not listed.buttons())
    await posted(world, thread, turns.PICKED_UP)
    rupture = await _rupture(mend, thread)
    assert (rupture.due, rupture.due_at) == (Due.CHECKIN, clock.now() + timedelta(days=1))


async def test_any_activity_restarts_the_cadence(world: World, mend: MendBot, clock: FakeClock) -> None:
    thread = await started_repair(world)
    clock.advance(days=1)
    await sweep(mend)
    clock.advance(hours=5)
    await write(world, world.alex, thread, turns.WRITE, "Sorry I went quiet.")
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"checkin": 1}), "a day after the activity, not three"


async def test_snooze_and_stop_are_private_and_shown_neutrally(world: World, mend: MendBot, clock: FakeClock) -> None:
    thread = await started_repair(world)
    clock.advance(days=1)
    await sweep(mend)
    sent = await world.alex.press(checkins(world, thread)[-1], checkin_words.SNOOZE_THREE_DAYS)
    private = await sent.followup()
    assert private.ephemeral and turns.snoozed_reply(clock.now() + timedelta(days=3)) in private.text
    shown = await posted(world, thread, turns.snoozed(clock.now() + timedelta(days=3)))
    assert f"<t:{int((clock.now() + timedelta(days=3)).timestamp())}:R>" in shown.text
    clock.advance(days=2)
    assert await sweep(mend) == Counter()
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"checkin": 1})

    await (await world.sam.press(checkins(world, thread)[-1], checkin_words.STOP)).followup()
    await posted(world, thread, turns.CHECKINS_STOPPED)
    clock.advance(days=60)
    assert await sweep(mend) == Counter()
    assert (await _rupture(mend, thread)).status is Status.ACTIVE, "stopping check-ins does not end the repair"


async def test_both_saying_they_are_okay_leads_to_the_same_last_question(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await started_repair(world)
    clock.advance(days=1)
    await sweep(mend)
    count = len(world.standin.messages(thread))
    note = await (await world.alex.press(checkins(world, thread)[-1], checkin_words.OKAY)).followup()
    assert turns.okay_reply(world.sam.id) in note.text
    assert len(world.standin.messages(thread)) == count, "the first answer stays private"
    await press(world, world.sam, thread, checkin_words.OKAY)
    await posted(world, thread, turns.RECOGNITION_TITLE)
    assert (await _rupture(mend, thread)).status is Status.ACTIVE, "not closed until both feel understood"
    await press(world, world.alex, thread, turns.UNDERSTOOD)
    await press(world, world.sam, thread, turns.UNDERSTOOD)
    await posted(world, thread, turns.RESOLVED_BY_RECOGNITION)
    assert (await _rupture(mend, thread)).status is Status.RESOLVED
    await button(world, thread, turns.NAME_ONE_THING)


async def test_the_invitation_gets_one_gentle_reminder_by_direct_message(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await open_repair(world, world.alex, world.sam)
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"reminder": 1})
    dm = world.standin.dm_channel(world.sam.user)
    assert dm is not None
    [reminder] = world.standin.messages(dm)
    assert checkin_words.REMINDER_TITLE in reminder.text and reminder.pings() == set()
    assert [b.get("url") for b in reminder.buttons()] == [
        f"https://discord.com/channels/{world.guild.id}/{thread.id}/{world.standin.messages(thread)[0].id}"
    ]
    assert titled(world, thread, checkin_words.REMINDER_TITLE) == [], "the thread shows nothing of it"
    assert world.standin.dm_channel(world.alex.user) is None

    world.outsider.user.dms_open = False
    closed = await open_repair(world, world.alex, world.outsider)
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"reminder": 1, "invitation_end": 1})
    assert len(world.standin.messages(closed)) == 1, "closed direct messages: no reminder, and none in the thread"

    other = await open_repair(world, world.outsider, world.sam)
    await press(world, world.sam, other, turns.NOT_NOW)
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"invitation_end": 1}), "after 'not now' Mend does not remind"
    assert len(world.standin.messages(dm)) == 1


async def test_the_end_of_a_break_is_announced_to_both(world: World, mend: MendBot, clock: FakeClock) -> None:
    thread = await started_repair(world)
    chooser = await press(world, world.sam, thread, turns.TAKE_A_BREAK)
    assert chooser.message is not None
    await (await world.sam.press(chooser.message, turns.break_length(20))).reply()
    clock.advance(minutes=19)
    assert await sweep(mend) == Counter()
    clock.advance(minutes=1)
    assert await sweep(mend) == Counter({"pause_end": 1})
    over = await posted(world, thread, turns.BREAK_OVER)
    assert over.pings() == {f"user:{world.alex.id}", f"user:{world.sam.id}"}
    labels = [b["label"] for b in over.buttons()]
    assert labels[:2] == [turns.I_NEED_LONGER, turns.WRITE], "a private way to take longer, and the current step"
    longer = await (await world.sam.press(over, turns.I_NEED_LONGER)).reply()
    assert longer.ephemeral and longer.message is not None and feelings.need_longer(thread.id) in longer.text
    assert len(world.standin.messages(thread)) == len(world.standin.messages(thread, seen_by=world.alex.id))
    await (await world.sam.press(longer.message, turns.break_length(60))).reply()
    await posted(world, thread, turns.paused(clock.now() + timedelta(hours=1)), over)
    clock.advance(hours=1)
    await sweep(mend)
    opened = await press(world, world.alex, thread, turns.WRITE)
    assert opened.modal is not None


async def test_quiet_hours_of_two_people_in_different_zones(world: World, mend: MendBot, clock: FakeClock) -> None:
    await (await world.alex.slash("mend timezone", world.general, zone="America/New_York")).reply()
    await (await world.sam.slash("mend timezone", world.general, zone="Europe/London")).reply()
    clock.set(datetime(2026, 11, 27, 22, 0, tzinfo=UTC))
    thread = await started_repair(world)
    clock.set(datetime(2026, 11, 28, 22, 0, tzinfo=UTC))
    assert await sweep(mend) == Counter({"quiet hours": 1})
    assert checkins(world, thread) == []
    rupture = await _rupture(mend, thread)
    assert rupture.due_at == datetime(2026, 11, 29, 14, 0, tzinfo=UTC), "09:00 in New York, after London's 09:00"
    clock.set(datetime(2026, 11, 29, 13, 59, tzinfo=UTC))
    assert await sweep(mend) == Counter()
    clock.set(datetime(2026, 11, 29, 14, 0, tzinfo=UTC))
    assert await sweep(mend) == Counter({"checkin": 1})


@pytest.mark.parametrize(
    ("zone", "due", "woken"),
    [
        ("America/New_York", datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),
        # 01:30 comes twice the night the clocks go back: first in EDT, then in EST
        ("America/New_York", datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 11, 1, 6, 30, tzinfo=UTC), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
        ("Europe/London", datetime(2026, 3, 29, 2, 0, tzinfo=UTC), datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),
        ("Europe/London", datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
        ("Europe/London", datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
        ("Europe/London", datetime(2026, 10, 25, 2, 0, tzinfo=UTC), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
    ],
)
async def test_a_check_in_waits_for_morning_across_daylight_saving(
    world: World, mend: MendBot, clock: FakeClock, zone: str, due: datetime, woken: datetime
) -> None:
    for person in (world.alex, world.sam):
        await (await person.slash("mend timezone", world.general, zone=zone)).reply()
    clock.set(due - timedelta(days=1))
    thread = await started_repair(world)
    clock.set(due)
    assert await sweep(mend) == Counter({"quiet hours": 1})
    clock.set(woken - timedelta(minutes=1))
    assert await sweep(mend) == Counter()
    clock.set(woken)
    assert await sweep(mend) == Counter({"checkin": 1})
    assert len(checkins(world, thread)) == 1


async def test_commitments_are_followed_up_privately_with_a_thread_fallback(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    world.sam.user.dms_open = False
    thread = await started_repair(world)
    await walk(world, thread, mend.protocols["quick"], world.alex, world.sam)
    chosen = await name_commitment(world, world.alex, thread, "Ask before the dishes pile up.", by_dm=True)
    assert chosen.text == checkin_words.asked_by(True)
    await name_commitment(world, world.sam, thread, "Say when I'm drained.", by_dm=True)
    clock.advance(days=3)
    assert await sweep(mend) == Counter({"followup": 1})

    dm = world.standin.dm_channel(world.alex.user)
    assert dm is not None
    question = world.standin.messages(dm)[-1]
    assert "Did it happen?" in question.text
    assert [b["label"] for b in question.buttons()] == [checkin_words.YES, checkin_words.PARTLY, checkin_words.NOT_YET]
    answer = await (await world.alex.with_guild(None).press(question, checkin_words.PARTLY)).reply()
    assert checkin_words.followup_thanks("partly") in answer.text

    fallback = await posted(world, thread, checkin_words.PRIVATE_QUESTION)
    assert fallback.pings() == {f"user:{world.sam.id}"}
    assert "drained" not in fallback.text and "dishes" not in fallback.text
    refused = await (await world.alex.press(fallback, checkin_words.ANSWER_PRIVATELY)).reply()
    assert refused.text == checkin_words.not_your_question(world.sam.id)
    private = await (await world.sam.press(fallback, checkin_words.ANSWER_PRIVATELY)).reply()
    assert private.ephemeral and private.message is not None
    done = await (await world.sam.press(private.message, checkin_words.NOT_YET)).reply()
    assert done.ephemeral and checkin_words.followup_thanks("notyet") in done.text
    clock.advance(days=30)
    assert await sweep(mend) == Counter(), "asked once"


async def test_a_deleted_thread_closes_the_rupture(world: World, mend: MendBot, clock: FakeClock) -> None:
    thread = await started_repair(world)
    await world.standin.delete_channel(thread)
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"gone": 1})
    assert (await _rupture(mend, thread)).status is Status.GONE
    clock.advance(days=10)
    assert await sweep(mend) == Counter()


async def test_a_missing_permission_is_held_not_retried(
    world: World, mend: MendBot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    thread = await started_repair(world)
    await world.standin.set_overwrite(world.general, world.application.bot, deny=Permission.SEND_MESSAGES_IN_THREADS)
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"blocked": 1})
    assert f"Missing permission in guild {world.guild.id}" in caplog.text
    clock.advance(days=5)
    assert await sweep(mend) == Counter(), "held until the server's settings change"
    assert checkins(world, thread) == []


async def test_busy_or_failing_discord_is_retried_on_the_next_sweep(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await started_repair(world)
    clock.advance(days=1)
    world.standin.fail("POST", "/channels/{channel_id}/messages", 503, channel_id=thread.id)
    assert await sweep(mend) == Counter({"retry": 1})
    assert await sweep(mend) == Counter(), "not again within the same minute"
    world.standin.fail("POST", "/channels/{channel_id}/messages", 429, retry_after=120.0, channel_id=thread.id)
    clock.advance(minutes=1)
    assert await sweep(mend) == Counter({"retry": 1})
    clock.advance(minutes=1)
    assert await sweep(mend) == Counter({"checkin": 1})
    assert len(checkins(world, thread)) == 1


async def test_one_failure_does_not_stop_the_others(world: World, mend: MendBot, clock: FakeClock) -> None:
    broken = await started_repair(world)
    fine = await open_repair(world, world.outsider, world.sam)
    await accept(world, world.sam, fine)
    clock.advance(days=1)
    world.standin.fail("POST", "/channels/{channel_id}/messages", 503, channel_id=broken.id)
    assert await sweep(mend) == Counter({"retry": 1, "checkin": 1})
    assert len(checkins(world, fine)) == 1


async def test_after_stop_checking_in_status_still_says_whose_turn_it_is(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await started_repair(world)
    clock.advance(days=1)
    await sweep(mend)
    await (await world.sam.press(checkins(world, thread)[-1], checkin_words.STOP)).followup()
    status = await (await world.sam.slash("repair status", world.general)).reply()
    assert "resting" not in status.text
    assert opening.their_turn(world.alex.id) in status.text
    assert status.message is not None and status.message.buttons() == []

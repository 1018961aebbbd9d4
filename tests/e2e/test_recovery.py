"""What an adversarial run found, fixed: nothing stuck after a crash, nothing late when the database
is busy, nothing kept after an ending, rate limits waited out without anyone doing anything."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import MendBot
from bot.events import Change
from bot.protocols import Role
from bot.repair import invitation
from bot.rupture import FollowUp, Phase
from bot.wording import checkins as checkin_words
from bot.wording import common, opening, refusals, server, turns
from bot.wording import privacy as privacy_words
from cogs.ui.executor import show_all_unshown
from tests.e2e.steps import checkins, open_repair, posted, press, started_repair, sweep, write
from tests.helpers import FakeClock, Harness, World, eventually
from tests.standin.world import Channel

FOLLOWUPS = ("POST", "/webhooks/{webhook_id}/{webhook_token}")
SECRET = "Scared, if I am honest, and small."


def _database_holds(harness: Harness, text: str) -> bool:
    files = [harness.database, Path(f"{harness.database}-wal"), Path(f"{harness.database}-journal")]
    return any(text.encode() in path.read_bytes() for path in files if path.exists())


async def test_a_reservation_left_by_a_crash_is_dropped_at_start_up(
    world: World, harness: Harness, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    mend = await harness.start()
    orphan = await mend.db.reserve_rupture(
        invitation(world.guild.id, "quick", world.alex.id, world.sam.id, clock.now())
    )
    assert orphan is not None, "Mend died between reserving the rupture and making its thread"
    mend = await harness.restart()
    thread = await open_repair(world, world.alex, world.sam)
    assert (await mend.db.rupture_in_thread(thread.id)) is not None, "no 'you two already have an open repair'"
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"reminder": 1})
    assert "Traceback" not in caplog.text and "AssertionError" not in caplog.text


async def _sealed(world: World, mend: MendBot) -> tuple[Channel, int]:
    """A full repair where Alex has written privately and Sam has not yet."""
    thread = await started_repair(world, "full")
    await press(world, world.alex, thread, turns.AGREE)
    await press(world, world.sam, thread, turns.AGREE)
    await posted(world, thread, "Step 2 of 10")
    await write(world, world.alex, thread, turns.WRITE_PRIVATELY, SECRET)
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and await mend.db.sealed_answers(rupture.id, 1) != {}
    return thread, rupture.id


@pytest.mark.parametrize(
    "ending", ["stepping away", "the sweep finds it deleted", "a turn finds it deleted", "erasure", "we're okay now"]
)
async def test_every_ending_erases_what_was_written_privately(
    world: World, harness: Harness, clock: FakeClock, ending: str
) -> None:
    mend = await harness.start()
    thread, rupture_id = await _sealed(world, mend)
    if ending == "stepping away":
        ask = await press(world, world.sam, thread, turns.STEP_AWAY)
        assert ask.message is not None
        await (await world.sam.press(ask.message, turns.STEP_AWAY)).followup()
    elif ending == "the sweep finds it deleted":
        await world.standin.delete_channel(thread)
        clock.advance(days=1)
        assert await sweep(mend) == Counter({"gone": 1})
    elif ending == "a turn finds it deleted":
        opened = await press(world, world.sam, thread, turns.WRITE_PRIVATELY)
        await world.standin.delete_channel(thread)
        sent = await world.sam.submit(opened, "Tired and far away.")
        assert (await sent.followup()).text.startswith(turns.THREAD_DELETED)
    elif ending == "erasure":
        ask = await (await world.alex.slash("privacy delete", world.general)).reply()
        assert ask.message is not None
        await (await world.alex.press(ask.message, privacy_words.ERASE)).reply()
    else:
        clock.advance(days=1)
        await sweep(mend)
        for person in (world.alex, world.sam):
            await (await person.press(checkins(world, thread)[-1], checkin_words.OKAY)).reply()
        for person in (world.alex, world.sam):
            await press(world, person, thread, turns.UNDERSTOOD)
    await harness.settled()
    rupture = await mend.db.rupture(rupture_id)
    assert rupture is not None and not rupture.status.is_open and rupture.phase is not Phase.COLLECT
    assert await mend.db.sealed_answers(rupture_id, 1) == {}
    assert not _database_holds(harness, SECRET), "not in the database file, nor in its write-ahead log"


async def test_a_turn_held_up_by_rate_limits_is_told_and_shown_later_with_nothing_to_do(
    world: World, mend: MendBot
) -> None:
    thread = await started_repair(world)
    opened = await press(world, world.alex, thread, turns.WRITE)
    world.standin.fail(*FOLLOWUPS, 429, retry_after=0.05, times=5, public_only=True)  # a storm on the follow-ups
    sent = await world.alex.submit(opened, "It stung, and I went quiet.")
    await sent.reply()
    told = await sent.followup()
    assert told.ephemeral and told.text == turns.SHOWN_SOON
    shown = await posted(world, thread, "It stung, and I went quiet.")
    assert any(b.get("label") == turns.REFLECT_BACK for b in shown.buttons()), "with the next step"
    transcript = "\n".join(m.text for m in world.standin.messages(thread))
    assert transcript.count("It stung, and I went quiet.") == 1

    async def recorded() -> bool:
        rupture = await mend.db.rupture_in_thread(thread.id)
        return rupture is not None and rupture.phase is Phase.MIRROR and rupture.prompt_message_id == shown.id

    await eventually(recorded)


async def test_a_long_retry_after_is_not_waited_out_in_the_answer(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    opened = await press(world, world.alex, thread, turns.WRITE)
    world.standin.fail(*FOLLOWUPS, 429, retry_after=120, public_only=True)
    sent = await world.alex.submit(opened, "I needed you to ask.")
    await sent.reply()
    assert (await sent.followup(timeout=10)).text == turns.SHOWN_SOON
    await world.standin.until(
        lambda: "I needed you to ask." in "".join(m.text for m in world.standin.messages(thread)), 10
    )


async def test_a_locked_database_still_answers_in_time_and_gives_the_words_back(world: World, harness: Harness) -> None:
    mend = await harness.start()
    thread = await started_repair(world)
    before = await mend.db.rupture_in_thread(thread.id)
    opened = await press(world, world.alex, thread, turns.WRITE)
    other_process = sqlite3.connect(harness.database, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # holds the write lock for longer than Mend waits
    try:
        sent = await world.alex.submit(opened, "I wanted to be asked first.")
        reply = await sent.reply()
        assert reply.elapsed < 3, "deferred in time"
        answer = await sent.followup(timeout=15)
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
    assert answer.ephemeral and answer.text.startswith(common.BUSY)
    assert "I wanted to be asked first." in answer.text, "the words come back"
    after = await mend.db.rupture_in_thread(thread.id)
    assert after is not None and before is not None and after.position == before.position
    await write(world, world.alex, thread, turns.WRITE, "I wanted to be asked first.")
    await posted(world, thread, "I wanted to be asked first.")


async def test_a_tidy_up_discord_will_not_take_now_is_done_later(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    ask = await press(world, world.sam, thread, turns.STEP_AWAY)
    assert ask.message is not None
    world.standin.fail("PATCH", "/channels/{channel_id}", 429, retry_after=60)  # past discord.py's patience
    await (await world.sam.press(ask.message, turns.STEP_AWAY)).reply()
    reported = turns.left_reply(world.alex.id)
    await world.standin.until(lambda: ask.message.text == reported)  # type: ignore[union-attr]  # done, as it was
    await posted(world, thread, turns.LEFT)
    await mend.settled()
    assert not thread.archived
    await show_all_unshown(mend, datetime.now(UTC) + timedelta(minutes=1))
    assert thread.archived


async def test_a_follow_up_answer_from_another_server_changes_nothing(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None
    elsewhere = world.standin.add_guild("Elsewhere", world.owner.user)
    world.standin.join(elsewhere, world.application.bot)
    world.standin.join(elsewhere, world.alex.user)
    channel = world.standin.add_text_channel(elsewhere, "general")
    button_id = f"mend:followup:{rupture.id}:first:yes"
    forged = world.standin.forge_message(
        channel,
        world.application.bot,
        [{"type": 1, "components": [{"type": 2, "style": 2, "label": "Yes", "custom_id": button_id}]}],
    )
    reply = await (await world.alex.with_guild(elsewhere).press(forged, "Yes")).reply()
    assert reply.ephemeral and reply.text == refusals.NOT_IN_THIS_SERVER
    after = await mend.db.rupture(rupture.id)
    assert after is not None and after.first.followup is FollowUp.NONE and after.version == rupture.version


async def test_an_overlong_option_is_quoted_back_short(world: World, mend: MendBot) -> None:
    zone = await (await world.alex.slash("mend timezone", world.general, zone="Z" * 3000)).reply()
    assert zone.ephemeral and len(zone.text) < 200 and zone.text.startswith(server.unknown_zone("Z" * 3000)[:20])
    start = await (
        await world.alex.slash("repair start", world.general, partner=world.sam.user, protocol="p" * 3000)
    ).reply()
    assert start.text == opening.no_such_protocol("p" * 3000) and len(start.text) < 200


async def test_check_ins_cannot_be_set_closer_than_a_day(world: World, mend: MendBot) -> None:
    reply = await (await world.owner.slash("mend-admin setup", world.general, cadence="1e-9")).reply()
    assert reply.text == server.BAD_CADENCE
    assert (await mend.db.guild_settings(world.guild.id)).checkin_days is None


@pytest.mark.parametrize(
    ("protocol", "old_place", "next_prompt"),
    [
        ("quick", (2, Phase.COLLECT), turns.RECOGNITION_TITLE),  # its old private last step
        ("parent-child", (3, Phase.WRITE), turns.OFFER_TITLE),  # the child's old optional step
    ],
)
async def test_a_repair_at_a_step_its_protocol_no_longer_has_moves_on_at_start_up(
    world: World, harness: Harness, protocol: str, old_place: tuple[int, Phase], next_prompt: str
) -> None:
    mend = await harness.start()
    thread = await started_repair(world, protocol)
    first_prompt = await posted(world, thread, "Step 1 of")

    async def prompt_noted() -> bool:
        noted = await mend.db.rupture_in_thread(thread.id)
        return noted is not None and noted.prompt_message_id == first_prompt.id

    await eventually(prompt_noted)
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None
    step, phase = old_place
    older = replace(rupture, step=step, phase=phase)
    assert await mend.db.save(Change(rupture, older, keep_private=(Role.FIRST, SECRET))) is not None

    mend = await harness.restart()

    await posted(world, thread, turns.STEPS_CHANGED)
    await posted(world, thread, next_prompt)
    assert turns.WRITE not in [b["label"] for b in first_prompt.buttons()], "the old prompt's buttons are retired"
    moved = await mend.db.rupture_in_thread(thread.id)
    assert moved is not None and moved.version > older.version
    assert await mend.db.sealed_answers(rupture.id, step) == {}
    assert not _database_holds(harness, SECRET)

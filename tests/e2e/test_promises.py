"""The README's promises, each checked as it is worded: the exact intents Mend asks for, the notice in
every invitation, erasure thirty days after leaving through the scheduled job itself, and an export
that covers every table that can hold something about a person.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime

import discord
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent

from bot.app import MendBot
from bot.rupture import Status
from bot.wording import history as history_words
from bot.wording import opening, turns
from bot.wording import privacy as privacy_words
from tests.e2e.steps import accept, look_back, open_repair, posted, press, started_repair, write
from tests.helpers import FakeClock, Harness, World

# Where an export puts each table's rows; the tables left out hold nothing about a person.
EXPORTED = {
    "people": "person",
    "ruptures": "ruptures",
    "sealed_answers": "sealed_answers",
    "blocks": "blocks_you_made",
    "memberships": "servers_you_were_seen_in",
    "settings_audit": "settings_changes_you_made",
    "history_shares": "history_shares_you_chose",
}
NOT_EXPORTED = {
    "meta": "Mend's own notes",
    "guild_settings": "a server's choices, with no person in them",
    "outbox": "what a thread has yet to be shown, held only until it is (seconds, unless Discord is down)",
}


async def test_mend_asks_discord_for_the_guilds_intent_and_nothing_else(world: World, mend: MendBot) -> None:
    [identify] = world.standin.gateway.identifies
    assert identify["intents"] == discord.Intents(guilds=True).value == 1


async def test_every_invitation_says_who_can_read_private_threads(world: World, mend: MendBot) -> None:
    first = await open_repair(world, world.alex, world.sam)
    second = await open_repair(world, world.alex, world.outsider, protocol="full")
    third = await open_repair(world, world.sam, world.outsider, protocol="parent-child")
    for thread, invited in ((first, world.sam), (second, world.outsider), (third, world.outsider)):
        invitation = world.standin.messages(thread)[0]
        assert opening.READERS in invitation.text, "on the invitation itself"
        details = await (await invited.press(invitation, opening.INVITATION_DETAILS)).reply()
        assert details.ephemeral and opening.PRIVACY_NOTICE in details.text, "and in full, one tap away"


async def test_someone_who_left_is_erased_after_thirty_days_by_the_scheduled_job(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await started_repair(world)
    world.standin.leave(world.guild, world.sam.user)

    async def run_the_scheduled_job() -> None:
        finished = asyncio.Event()

        def on_finished(event: JobExecutionEvent) -> None:
            assert event.exception is None
            finished.set()

        mend.scheduler.add_listener(on_finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        mend.scheduler.get_job("membership-check").modify(next_run_time=datetime.now(UTC))
        await asyncio.wait_for(finished.wait(), 10)
        mend.scheduler.remove_listener(on_finished)

    clock.advance(days=1)
    await run_the_scheduled_job()
    noticed = await mend.db.rupture_in_thread(thread.id)
    assert noticed is not None and noticed.second.user_id == world.sam.id, "gone for a day: nothing erased yet"
    clock.advance(days=30, minutes=1)
    await run_the_scheduled_job()
    await posted(world, thread, privacy_words.REPAIR_ENDED)
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.status is Status.ERASED and rupture.second.user_id is None


async def test_an_export_holds_something_from_every_table_that_can_hold_something_of_yours(
    world: World, harness: Harness, mend: MendBot
) -> None:
    owner = world.owner
    await (await owner.slash("mend timezone", world.general, zone="Europe/Lisbon")).reply()
    await (await owner.slash("mend block", world.general, member=world.outsider.user)).reply()
    await (await owner.slash("mend-admin setup", world.general, cadence="2")).reply()
    thread = await open_repair(world, owner, world.alex, protocol="full")
    await accept(world, world.alex, thread)
    await posted(world, thread, "Step 1 of")
    await press(world, owner, thread, turns.AGREE)
    await posted(world, thread, "has agreed")
    await press(world, world.alex, thread, turns.AGREE)
    await posted(world, thread, "Step 2 of")
    await write(world, owner, thread, turns.WRITE_PRIVATELY, "Scared, and alone.")
    await posted(world, thread, "has written")
    history = await look_back(world, owner)
    await (await owner.press(history, history_words.share_with("Alex"))).reply()

    reply = await (await owner.slash("privacy export", world.general)).reply()
    assert reply.message is not None
    exported = json.loads(reply.message.files["mend-data.json"])
    with sqlite3.connect(harness.database) as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables - {"sqlite_sequence"} == set(EXPORTED) | set(NOT_EXPORTED), (
        "a table was added: export what it holds about a person, or say why it holds nothing"
    )
    assert {table: bool(exported[key]) for table, key in EXPORTED.items()} == dict.fromkeys(EXPORTED, True)
    assert exported["sealed_answers"][0]["text"] == "Scared, and alone.", "your own answer, while it is held"

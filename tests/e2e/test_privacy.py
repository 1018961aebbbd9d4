"""Privacy: what Mend keeps, a private export, a complete erase, and erasure after leaving."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app import MendBot
from bot.rupture import Status
from bot.storage import Where
from bot.wording import privacy as privacy_words
from bot.wording import turns
from tests.e2e.steps import accept, open_repair, posted, press, started_repair, walk, write
from tests.helpers import FakeClock, Harness, World, eventually
from tests.standin.actors import Person
from tests.standin.world import Channel


def _traces(database: Where, user_id: int, name: str) -> list[str]:
    """Where a person's id or name still appears in the database files (main file, WAL, journal)."""
    assert isinstance(database, Path), "SQLite's files"
    needles = {
        "id as text": str(user_id).encode(),
        "id as a 64-bit integer": user_id.to_bytes(8, "big"),
        "name": name.encode(),
    }
    files = [p for p in (database, Path(f"{database}-wal"), Path(f"{database}-journal")) if p.exists()]
    contents = b"".join(p.read_bytes() for p in files)
    return [label for label, needle in needles.items() if needle in contents]


async def test_privacy_about_says_what_is_kept_and_who_can_read(world: World, mend: MendBot) -> None:
    reply = await (await world.alex.slash("privacy about", world.general)).reply()
    assert reply.ephemeral
    assert privacy_words.what_is_kept().text in reply.text
    assert "server moderators and admins" in reply.text


async def test_export_is_a_private_json_file_of_everything_held(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    await (await world.alex.slash("mend timezone", world.general, zone="Europe/Paris")).reply()
    await (await world.alex.slash("mend block", world.general, member=world.outsider.user)).reply()
    reply = await (await world.alex.slash("privacy export", world.general)).reply()
    assert reply.ephemeral
    assert reply.message is not None
    data = json.loads(reply.message.files["mend-data.json"])
    assert data["user_id"] == str(world.alex.id)
    assert data["person"][0]["timezone"] == "Europe/Paris"
    assert [r["thread_id"] for r in data["ruptures"]] == [thread.id]
    assert len(data["blocks_you_made"]) == 1
    sams = json.loads(
        (await (await world.sam.slash("privacy export", world.general)).reply()).message.files[  # type: ignore[union-attr]
            "mend-data.json"
        ]
    )
    assert sams["blocks_you_made"] == [], "someone else's block is their private choice, not Sam's data"


@pytest.mark.sqlite_only  # reads SQLite's file format; PostgreSQL's twin: tests/e2e/test_postgres.py
async def test_delete_erases_every_trace_and_ends_open_repairs_neutrally(world: World, harness: Harness) -> None:
    mend = await harness.start()
    thread = await started_repair(world)
    await write(world, world.alex, thread, turns.WRITE, "Something only I would say.")
    await (await world.alex.slash("mend timezone", world.general, zone="Asia/Tokyo")).reply()
    await (await world.alex.slash("mend quiet-hours", world.general, start="22:00", end="07:00")).reply()
    await (await world.alex.slash("mend block", world.general, member=world.outsider.user)).reply()
    await (await world.alex.slash("mend-admin setup", world.general, cadence="2")).reply()
    other = await open_repair(world, world.outsider, world.sam)

    ask = await (await world.alex.slash("privacy delete", world.general)).reply()
    assert ask.ephemeral and ask.message is not None
    await (await world.alex.press(ask.message, privacy_words.ERASE)).reply()
    await world.standin.until(lambda: privacy_words.ERASED in ask.message.text)  # type: ignore[union-attr]

    notice = await posted(world, thread, privacy_words.REPAIR_ENDED)
    assert notice.pings() == set()
    await world.standin.until(lambda: thread.archived)
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.status is Status.ERASED
    assert rupture.first.user_id is None and rupture.second.user_id == world.sam.id
    untouched = await mend.db.rupture_in_thread(other.id)
    assert untouched is not None and untouched.status is Status.INVITED

    assert _traces(harness.database, world.alex.id, world.alex.user.username) == []
    await harness.stop()
    assert _traces(harness.database, world.alex.id, world.alex.user.username) == []
    assert _traces(harness.database, world.sam.id, "sam") == ["id as a 64-bit integer"], "Sam's data stays"


async def test_an_erasure_archives_a_closed_thread_whose_tidy_up_was_still_waiting(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    ask = await (await world.sam.slash("repair leave", thread)).reply()
    assert ask.message is not None
    world.standin.fail("PATCH", "/channels/{channel_id}", 503, channel_id=thread.id)
    await (await world.sam.press(ask.message, turns.STEP_AWAY)).reply()
    await eventually(lambda: _waiting(mend))
    assert not thread.archived, "the archiving waits to be tried again"
    erase = await (await world.alex.slash("privacy delete", world.general)).reply()
    assert erase.message is not None
    await (await world.alex.press(erase.message, privacy_words.ERASE)).reply()
    await world.standin.until(lambda: thread.archived)


async def _waiting(mend: MendBot) -> bool:
    return await mend.db.next_unshown() is not None


async def test_only_the_person_can_confirm_their_own_erasure(world: World, mend: MendBot) -> None:
    await started_repair(world)
    ask = await (await world.alex.slash("privacy delete", world.general)).reply()
    assert ask.message is not None
    keep = await (await world.alex.press(ask.message, privacy_words.KEEP)).reply()
    assert keep.text == privacy_words.KEPT
    assert (await mend.db.export(world.alex.id))["ruptures"] != []


async def test_someone_who_left_is_erased_after_thirty_days(world: World, mend: MendBot, clock: FakeClock) -> None:
    thread = await started_repair(world)
    privacy = mend.get_cog("PrivacyCommands")
    assert privacy is not None
    world.standin.leave(world.guild, world.sam.user)
    clock.advance(days=1)
    assert await privacy.check_memberships() == 0  # type: ignore[attr-defined]
    clock.advance(days=29)
    assert await privacy.check_memberships() == 0, "the thirty days run from when they were found gone"  # type: ignore[attr-defined]
    clock.advance(days=1, minutes=1)
    assert await privacy.check_memberships() == 1  # type: ignore[attr-defined]
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.second.user_id is None and rupture.status is Status.ERASED
    kept = (await mend.db.export(world.alex.id))["ruptures"][0]
    assert (kept["your_seat"], kept["with_user_id"]) == ("first", None), "Alex's part stays; Sam's is gone"


async def test_export_holds_your_part_not_your_partners_private_answers(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    await walk(world, thread, mend.protocols["quick"], world.alex, world.sam, answer_recognition=False)
    await press(world, world.sam, thread, turns.NOT_YET)
    data = (await (await world.alex.slash("privacy export", world.general)).reply()).message
    assert data is not None
    exported = data.files["mend-data.json"].decode()
    assert "not_yet" not in exported, "Sam's answer to 'do you feel understood?' is Sam's alone"
    assert f'"with_user_id": {world.sam.id}' in exported


@pytest.mark.sqlite_only  # reads SQLite's file format
async def test_a_block_outlives_the_blocked_person_erasing_their_data(world: World, harness: Harness) -> None:
    mend = await harness.start()
    await (await world.sam.slash("mend block", world.general, member=world.alex.user)).reply()
    await started_repair_with(world, world.alex, world.outsider)
    ask = await (await world.alex.slash("privacy delete", world.general)).reply()
    assert ask.message is not None
    await (await world.alex.press(ask.message, privacy_words.ERASE)).reply()
    await world.standin.until(lambda: privacy_words.ERASED in ask.message.text)  # type: ignore[union-attr]
    assert _traces(harness.database, world.alex.id, world.alex.user.username) == []
    again = await open_repair(world, world.alex, world.sam)
    assert world.standin.messages(again)[0].pings() == set(), "the block still holds: the invitation reaches nobody"
    del mend


async def started_repair_with(world: World, opener: Person, partner: Person) -> Channel:
    """The opener invites the partner, who is ready (the first step may still be on its way)."""
    thread = await open_repair(world, opener, partner)
    await accept(world, partner, thread)
    return thread


async def test_a_failed_membership_check_does_not_hold_up_the_others(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    await started_repair(world)
    privacy = mend.get_cog("PrivacyCommands")
    assert privacy is not None
    clock.advance(days=1, minutes=1)
    world.standin.fail("GET", "/guilds/{guild_id}/members/{user_id}", 503, user_id=world.alex.id)
    await privacy.check_memberships()  # type: ignore[attr-defined]
    assert await mend.db.memberships_to_check(clock.now(), 50) == [], "checked today, error or not"

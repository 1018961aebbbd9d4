"""Ruptures on a real SQLite file: one open rupture per pair, and compare-and-set saves."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.events import Change
from bot.people import erased_from
from bot.protocols import Role
from bot.repair import invitation
from bot.rupture import Phase, Status
from bot.storage import Database
from bot.storage.ruptures import Outgoing

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def test_a_pair_has_one_open_rupture_per_server(db: Database) -> None:
    first = await db.reserve_rupture(invitation(10, "quick", 1, 2, NOW))
    assert first is not None
    await db.attach_thread(first.id, 100)
    assert await db.reserve_rupture(invitation(10, "quick", 2, 1, NOW)) is None, "the same pair, either way round"
    assert await db.reserve_rupture(invitation(11, "quick", 1, 2, NOW)) is not None, "another server is another place"
    assert await db.reserve_rupture(invitation(10, "quick", 1, 3, NOW)) is not None
    found = await db.open_rupture_between(10, 2, 1)
    assert found is not None and found.thread_id == 100


async def test_a_reservation_that_never_got_its_thread_expires(db: Database) -> None:
    assert await db.reserve_rupture(invitation(10, "quick", 1, 2, NOW)) is not None
    assert await db.reserve_rupture(invitation(10, "quick", 1, 2, NOW + timedelta(seconds=30))) is None
    assert await db.reserve_rupture(invitation(10, "quick", 1, 2, NOW + timedelta(minutes=3))) is not None


async def test_save_is_compare_and_set(db: Database) -> None:
    rupture = await db.reserve_rupture(invitation(10, "quick", 1, 2, NOW))
    assert rupture is not None
    moved = replace(rupture, status=Status.ACTIVE, phase=Phase.WRITE)
    saved = await db.save(Change(rupture, moved))
    assert saved is not None and saved.version == rupture.version + 1
    assert await db.save(Change(rupture, replace(moved, step=5))) is None, "decided on stale state"
    current = await db.rupture(rupture.id)
    assert current is not None and current.step == 0 and current.status is Status.ACTIVE


async def test_sealed_answers_live_only_until_unsealed(db: Database) -> None:
    rupture = await db.reserve_rupture(invitation(10, "quick", 1, 2, NOW))
    assert rupture is not None
    collecting = replace(rupture, status=Status.ACTIVE, step=2, phase=Phase.COLLECT)
    saved = await db.save(Change(rupture, collecting, keep_private=(Role.SECOND, "I'll say so.")))
    assert saved is not None
    assert await db.sealed_answers(rupture.id, 2) == {Role.SECOND: "I'll say so."}
    done = await db.save(Change(saved, replace(saved, phase=Phase.RECOGNITION), erase_private=True))
    assert done is not None
    assert await db.sealed_answers(rupture.id, 2) == {}


async def test_ids_beyond_sqlite_integers_are_simply_not_found(db: Database) -> None:
    assert await db.rupture(2**64) is None
    assert await db.rupture(0) is None


async def test_erasing_a_person_drops_what_their_threads_were_still_to_be_told(db: Database) -> None:
    """A waiting post names both people (their mentions), so it goes with the erasure."""
    waiting = await db.reserve_rupture(invitation(10, "quick", 1, 2, NOW))
    assert waiting is not None and await db.reserve_rupture(invitation(10, "quick", 1, 3, NOW)) is not None
    posted = await db.save(
        Change(waiting, replace(waiting, status=Status.ACTIVE, phase=Phase.WRITE)),
        Outgoing('{"posts":[],"edits":[],"archive":false,"to":"<@1>"}', words=False, not_before=NOW),
    )
    assert posted is not None and [w.rupture.id for w in await db.unshown(NOW)] == [waiting.id]
    dropped = await db.erase(1, [erased_from(r, 1) for r in await db.ruptures_of(1)])
    assert dropped == {waiting.id}, "only the rupture that had something waiting"
    assert await db.unshown(NOW) == []
    assert await db.erase(2, [erased_from(r, 2) for r in await db.ruptures_of(2)]) == set()

"""The sweep's claims, on SQLite and PostgreSQL: claimed once, released at start, settled in one go;
on PostgreSQL, by several processes at once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg

from bot.actions import DEFAULT_CADENCE
from bot.events import Change
from bot.repair import invitation, thread_gone
from bot.rupture import Due, Phase, Rupture, Status
from bot.schedule import Handled, Outcome, checkin_sent, schedule_next
from bot.storage import Database

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


async def _active(db: Database, pair: tuple[int, int], last_activity: datetime) -> Rupture:
    reserved = await db.reserve_rupture(invitation(10, "quick", *pair, last_activity))
    assert reserved is not None
    await db.attach_thread(reserved.id, 1000 + reserved.id)
    active = schedule_next(replace(reserved, status=Status.ACTIVE, phase=Phase.WRITE, updated_at=last_activity))
    saved = await db.save(Change(reserved, active))
    assert saved is not None
    return saved


async def test_only_due_items_are_claimed_and_each_only_once(db: Database) -> None:
    due = await _active(db, (1, 2), NOW - timedelta(days=2))
    await _active(db, (1, 3), NOW)
    claims = await db.claim_due(NOW, lease=LEASE, limit=10)
    assert [c.rupture.id for c in claims] == [due.id]
    assert (claims[0].attempt, claims[0].due) == (1, Due.CHECKIN)
    assert await db.claim_due(NOW, lease=LEASE, limit=10) == [], "claimed items are not claimed twice"
    later = await db.claim_due(NOW + LEASE, lease=LEASE, limit=10)
    assert [c.attempt for c in later] == [2], "an expired claim is taken again, and counted"
    assert await db.release_claims(NOW + LEASE, holder_gone=False) == 0, "a claim that may be alive is kept"
    assert await db.release_claims(NOW + LEASE, holder_gone=True) == 1, "one whose process is gone is freed"
    again = await db.claim_due(NOW + LEASE, lease=LEASE, limit=10)
    assert [(c.attempt, c.first_claimed_at) for c in again] == [(3, NOW)]
    assert await db.release_claims(NOW + LEASE * 2, holder_gone=False) == 1, "an expired claim is freed"


async def test_settling_records_moves_holds_and_releases(db: Database) -> None:
    ruptures = [await _active(db, (1, n), NOW - timedelta(days=2)) for n in range(2, 7)]
    claims = {c.rupture.id: c for c in await db.claim_due(NOW, lease=LEASE, limit=10)}
    sent, quiet, retry, blocked, gone = (claims[r.id] for r in ruptures)
    await db.settle(
        [
            Handled(sent, Outcome.SENT, checkin_sent(sent.rupture, DEFAULT_CADENCE, NOW)),
            Handled(quiet, Outcome.QUIET, when=NOW + timedelta(hours=8)),
            Handled(retry, Outcome.RETRY, when=NOW + timedelta(minutes=1)),
            Handled(blocked, Outcome.BLOCKED),
            Handled(gone, Outcome.GONE, thread_gone(gone.rupture)),
        ]
    )
    recorded = await db.rupture(sent.rupture.id)
    assert recorded is not None
    assert (recorded.checkin_stage, recorded.due_at) == (1, NOW + timedelta(days=3))

    def ids(claims: list) -> set[int]:  # type: ignore[type-arg]
        return {c.rupture.id for c in claims}

    assert ids(await db.claim_due(NOW + timedelta(minutes=1), lease=LEASE, limit=10)) == {retry.rupture.id}
    assert ids(await db.claim_due(NOW + timedelta(hours=8), lease=LEASE, limit=10)) == {
        retry.rupture.id,
        quiet.rupture.id,
    }, "the quiet one waits for morning; the retried one comes back once its claim runs out"
    assert (await db.rupture(gone.rupture.id)).status is Status.GONE  # type: ignore[union-attr]
    held = ids(await db.claim_due(NOW + timedelta(days=2), lease=LEASE, limit=10))
    assert blocked.rupture.id not in held and gone.rupture.id not in held
    await db.change_guild_settings(10, 99, NOW, checkin_days="2")
    assert ids(await db.claim_due(NOW + timedelta(days=2), lease=LEASE, limit=10)) == {blocked.rupture.id}


async def test_a_person_acting_after_the_claim_wins_over_the_record(db: Database) -> None:
    rupture = await _active(db, (1, 2), NOW - timedelta(days=2))
    [claim] = await db.claim_due(NOW, lease=LEASE, limit=10)
    moved = await db.save(Change(rupture, schedule_next(replace(rupture, updated_at=NOW))))
    assert moved is not None
    await db.settle([Handled(claim, Outcome.SENT, checkin_sent(claim.rupture, DEFAULT_CADENCE, NOW))])
    current = await db.rupture(rupture.id)
    assert current is not None and (current.checkin_stage, current.due_at) == (0, NOW + timedelta(days=1))
    assert [c.attempt for c in await db.claim_due(NOW + timedelta(days=1), lease=LEASE, limit=10)] == [1]


async def test_a_snapshot_knows_when_this_process_has_changed_the_rupture_since(db: Database) -> None:
    rupture = await _active(db, (1, 2), NOW - timedelta(days=2))
    [claim] = await db.claim_due(NOW, lease=LEASE, limit=10)
    assert not db.changed_since(claim.rupture)
    await db.save(Change(claim.rupture, replace(claim.rupture, updated_at=NOW)))
    assert db.changed_since(claim.rupture), "a person acted after the claim"
    fresh = await db.rupture(rupture.id)
    assert fresh is not None and not db.changed_since(fresh)
    await db.mark_gone(rupture.id)
    assert db.changed_since(fresh)


async def test_processes_claiming_at_the_same_moment_never_claim_the_same_item(postgres_url: str) -> None:
    first, second = await Database.open(postgres_url), await Database.open(postgres_url)
    await first.migrate()
    other = await asyncpg.connect(postgres_url)
    try:
        for n in range(2, 202):
            await _active(first, (1, n), NOW - timedelta(days=2))
        # Another process is in the middle of its claim: it has read, and so locked, the oldest ten.
        async with other.transaction():
            locked = {
                row["id"] for row in await other.fetch("SELECT id FROM ruptures ORDER BY due_at LIMIT 10 FOR UPDATE")
            }
            passed_over = await first.claim_due(NOW, lease=LEASE, limit=20)  # waiting would time out
            assert len(passed_over) == 20 and not locked & {c.rupture.id for c in passed_over}, (
                "rows another process is claiming are skipped"
            )
        racing = await asyncio.gather(*(db.claim_due(NOW, lease=LEASE, limit=7) for db in (first, second) * 20))
        claimed = [c.rupture.id for claims in racing for c in claims]
        assert len(claimed) == len(set(claimed)) == 180, "every item claimed once, by one process or the other"
    finally:
        await other.close()
        await first.close()
        await second.close()

"""A process that runs some of the shards works only on their servers' rows, and on PostgreSQL its
sweep finds them through an index of its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg

from bot.clock import to_timestamp
from bot.events import Change
from bot.repair import invitation
from bot.rupture import Phase, Rupture, Status
from bot.schedule import schedule_next
from bot.shards import Shards, shard_of
from bot.storage import Database, Where
from bot.storage.ruptures import Outgoing
from tests.helpers import eventually

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
ON_0, ON_1 = 10 << 22, 11 << 22  # servers on shard 0 and shard 1 of 2


async def _due(db: Database, guild_id: int, pair: tuple[int, int]) -> Rupture:
    """An active rupture in `guild_id` whose check-in is due at NOW, with a change still to show."""
    reserved = await db.reserve_rupture(invitation(guild_id, "quick", *pair, NOW - timedelta(days=2)))
    assert reserved is not None
    await db.attach_thread(reserved.id, guild_id + reserved.id)
    active = schedule_next(replace(reserved, status=Status.ACTIVE, phase=Phase.WRITE))
    saved = await db.save(Change(reserved, active), Outgoing("{}", words=False, not_before=NOW))
    assert saved is not None
    return saved


async def test_each_process_works_only_on_its_own_servers(db: Database, database: Where) -> None:
    ours, theirs = await Database.open(database, Shards(2, (0,))), await Database.open(database, Shards(2, (1,)))
    try:
        mine, other = await _due(db, ON_0, (1, 2)), await _due(db, ON_1, (3, 4))
        assert [c.rupture.id for c in await ours.claim_due(NOW, lease=LEASE, limit=10)] == [mine.id]
        assert [c.rupture.id for c in await theirs.claim_due(NOW, lease=LEASE, limit=10)] == [other.id]
        assert await ours.release_claims(NOW, holder_gone=True) == 1, "its own claim, not the other process's"
        assert [w.rupture.id for w in await ours.unshown(NOW)] == [mine.id]
        assert await ours.next_unshown() == NOW
        assert await ours.backlog(NOW) == (1, 1)

        for guild_id in (ON_0, ON_1):
            assert await db.reserve_rupture(invitation(guild_id, "quick", 5, 6, NOW)) is not None
        assert await ours.forget_unopened() == 1, "the other process may be opening its own right now"
        assert await theirs.forget_unopened() == 1

        for guild_id in (ON_0, ON_1):  # threads made, invitations never posted: finished at start-up
            reserved = await db.reserve_rupture(invitation(guild_id, "quick", 8, 9, NOW))
            assert reserved is not None
            await db.attach_thread(reserved.id, guild_id + reserved.id)
        assert [r.guild_id for r in await ours.unwelcomed()] == [ON_0]
        assert {r.guild_id for r in await ours.open_ruptures()} == {ON_0}, "repairs carried over at start-up"
        assert {r.guild_id for r in await theirs.open_ruptures()} == {ON_1}

        for guild_id in (ON_0, ON_1):
            await db.note_member(guild_id, 7, NOW - timedelta(days=40))
            await db.record_membership(guild_id, 7, present=False, now=NOW - timedelta(days=35))
        checks = await ours.memberships_to_check(NOW, 10)
        assert (ON_0, 7) in checks and {guild_id for guild_id, _ in checks} == {ON_0}
        assert await theirs.departed(NOW - timedelta(days=30)) == [], "one process erases each person"
        assert await ours.departed(NOW - timedelta(days=30)) == [7], "the one with their first server"
    finally:
        await ours.close()
        await theirs.close()


async def test_the_sweep_of_a_shard_reads_its_rows_through_its_own_index(postgres_url: str) -> None:
    ours = await Database.open(postgres_url, Shards(2, (0,)))
    await ours.migrate()
    raw = await asyncpg.connect(postgres_url)
    try:
        stamp = to_timestamp(NOW)
        await raw.executemany(
            "INSERT INTO ruptures (guild_id, thread_id, protocol, status, phase, first_id, second_id, created_at, "
            "updated_at, due_at, due_kind) VALUES ($1, $2, 'quick', 'active', 'write', $3, $4, $5, $5, $6, 'checkin')",
            [
                ((n % 64) << 22, n, 2 * n, 2 * n + 1, stamp, stamp + (-60 if n % 100 < 2 else 60))
                for n in range(1, 20_001)
            ],
        )
        await raw.execute("ANALYZE ruptures")

        async def scans() -> int:
            found: int = await raw.fetchval(
                "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'ruptures_due_by_shard_of_2'"
            )
            return found

        before = await scans()
        claims = await ours.claim_due(NOW, lease=LEASE, limit=1_000)
        assert len(claims) == 200 and {shard_of(c.rupture.guild_id, 2) for c in claims} == {0}
        await ours.close()  # a connection's statistics are counted when it ends

        async def counted() -> bool:
            await raw.execute("SELECT pg_stat_clear_snapshot()")
            return await scans() > before

        await eventually(counted)
    finally:
        await raw.close()
        await ours.close()

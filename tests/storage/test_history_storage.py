"""History on a real SQLite file: what a history reads, and choices to share settled in the database."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.events import Change
from bot.people import erased_from
from bot.repair import invitation
from bot.rupture import Phase, Status
from bot.storage import Database

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LASTS = timedelta(days=7)
ALEX, SAM, ROBIN, GUILD = 1, 2, 3, 10


async def _repaired(db: Database, opener: int, partner: int, at: datetime, thread: int) -> None:
    reserved = await db.reserve_rupture(invitation(GUILD, "quick", opener, partner, at))
    assert reserved is not None
    await db.attach_thread(reserved.id, thread)
    done = replace(reserved, status=Status.RESOLVED, phase=Phase.CLOSED, resolved_at=at + timedelta(hours=2))
    assert await db.save(Change(reserved, done)) is not None


async def test_a_history_reads_the_persons_repairs_since_a_moment(db: Database) -> None:
    await _repaired(db, ALEX, SAM, NOW - timedelta(days=400), 100)
    await _repaired(db, SAM, ALEX, NOW - timedelta(days=30), 101)
    await _repaired(db, ALEX, ROBIN, NOW - timedelta(days=3), 102)
    await _repaired(db, SAM, ROBIN, NOW - timedelta(days=2), 103)
    await db.record_membership(GUILD, ROBIN, present=False, now=NOW)

    since = NOW - timedelta(days=365)
    alexs = await db.past_repairs(GUILD, ALEX, since)
    assert sorted(r.thread_id or 0 for r in alexs.ruptures) == [101, 102]
    assert alexs.earlier and alexs.left == {ROBIN}
    assert alexs.ruptures[0].resolved_at is not None
    with_sam = await db.past_repairs(GUILD, ALEX, since, partner=SAM)
    assert [r.thread_id for r in with_sam.ruptures] == [101] and with_sam.earlier and with_sam.left == set()
    assert (await db.past_repairs(GUILD + 1, ALEX, since)).ruptures == [], "another server is another history"


async def test_a_share_needs_both_choices_and_uses_them_up(db: Database) -> None:
    assert not await db.choose_to_share(GUILD, ALEX, SAM, NOW, LASTS)
    assert not await db.choose_to_share(GUILD, ALEX, SAM, NOW, LASTS), "choosing twice is still one person"
    assert not await db.choose_to_share(GUILD + 1, SAM, ALEX, NOW, LASTS), "a choice belongs to one server"
    assert await db.choose_to_share(GUILD, SAM, ALEX, NOW, LASTS)
    assert await db._sql.all("SELECT * FROM history_shares WHERE guild_id = ?", (GUILD,)) == []
    assert not await db.choose_to_share(GUILD, SAM, ALEX, NOW, LASTS), "the next picture needs both again"


async def test_a_choice_lapses_and_can_be_taken_back(db: Database) -> None:
    assert not await db.choose_to_share(GUILD, ALEX, SAM, NOW, LASTS)
    assert not await db.choose_to_share(GUILD, SAM, ALEX, NOW + LASTS, LASTS), "a week later it has lapsed"
    await db.withdraw_share(GUILD, SAM, ALEX)
    assert not await db.choose_to_share(GUILD, ALEX, SAM, NOW + LASTS, LASTS)


async def test_two_choices_at_once_share_exactly_once(db: Database) -> None:
    both = await asyncio.gather(
        db.choose_to_share(GUILD, ALEX, SAM, NOW, LASTS), db.choose_to_share(GUILD, SAM, ALEX, NOW, LASTS)
    )
    assert sorted(both) == [False, True]


async def test_erasing_a_person_removes_choices_by_them_and_about_them(db: Database) -> None:
    await _repaired(db, ALEX, SAM, NOW - timedelta(days=3), 100)
    await db.choose_to_share(GUILD, ALEX, ROBIN, NOW, LASTS)
    await db.choose_to_share(GUILD, SAM, ALEX, NOW, LASTS)
    await db.choose_to_share(GUILD, SAM, ROBIN, NOW, LASTS)
    await db.erase(ALEX, [erased_from(r, ALEX) for r in await db.ruptures_of(ALEX)])
    rows = await db._sql.all("SELECT user_id, partner_id FROM history_shares")
    assert [(row["user_id"], row["partner_id"]) for row in rows] == [(SAM, ROBIN)]
    assert (await db.past_repairs(GUILD, ALEX, NOW - timedelta(days=365))).ruptures == []
    [sams] = (await db.past_repairs(GUILD, SAM, NOW - timedelta(days=365))).ruptures
    assert sams.first.user_id is None and sams.resolved_at is not None, "Sam's history keeps the repair"

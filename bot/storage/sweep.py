"""The check-in sweep's storage: claiming due items, what sending needs, recording the outcomes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.actions import Cadence
from bot.clock import from_timestamp, to_timestamp
from bot.rupture import Rupture
from bot.schedule import Claim, Handled, Outcome, Waking
from bot.servers import cadence_from
from bot.storage.columns import SELECT, SWEPT, to_rupture, values
from bot.storage.connection import Connection
from bot.storage.people import waking_from
from bot.storage.ruptures import RELEASE_IF_DUE_CHANGED, Ruptures

# How each outcome other than "sent" and "gone" changes a claimed item's bookkeeping.
_SETTLEMENTS = {
    Outcome.QUIET: "due_at = :when, due_lease_until = NULL, due_attempts = 0, due_first_claimed_at = NULL",
    Outcome.RETRY: "due_lease_until = :when",
    Outcome.BLOCKED: "due_blocked = 1, due_lease_until = NULL",
    Outcome.MOVED_ON: "due_at = NULL, due_kind = NULL, due_lease_until = NULL",
    Outcome.SUPERSEDED: "due_lease_until = NULL",
}
_RECORD = (
    f"UPDATE ruptures SET {RELEASE_IF_DUE_CHANGED}, {', '.join(f'{c.name} = :{c.name}' for c in SWEPT)}, "
    "version = version + 1 WHERE id = :rupture_id AND version = :expected"
)


class Sweep(Ruptures):
    """What the sweep reads and writes, in as few round trips as a batch allows."""

    _sql: Connection

    async def claim_due(self, now: datetime, *, lease: timedelta, limit: int) -> list[Claim]:
        """Claim up to `limit` due items, oldest first; the claim is committed before any is sent."""
        stamp = to_timestamp(now)
        async with self._sql.transaction() as work:
            rows = await work.all(
                f"SELECT {SELECT}, due_attempts, due_first_claimed_at FROM ruptures "
                "WHERE due_at <= ? AND due_blocked = 0 AND (due_lease_until IS NULL OR due_lease_until <= ?) "
                "AND thread_id IS NOT NULL "
                "ORDER BY due_at LIMIT ?",
                (stamp, stamp, limit),
            )
            await work.many(
                "UPDATE ruptures SET due_lease_until = ?, due_attempts = due_attempts + 1, "
                "due_first_claimed_at = coalesce(due_first_claimed_at, ?) WHERE id = ?",
                [(stamp + int(lease.total_seconds()), stamp, row["id"]) for row in rows],
            )
        return [
            Claim(to_rupture(row), row["due_attempts"] + 1, from_timestamp(row["due_first_claimed_at"] or stamp))
            for row in rows
        ]

    async def sweep_context(self, ruptures: Iterable[Rupture]) -> tuple[dict[int, Waking], dict[int, Cadence]]:
        """For a batch: each person's waking hours, and each server's check-in cadence."""
        ruptures = list(ruptures)
        people = {seat.user_id for r in ruptures for seat in (r.first, r.second) if seat.user_id is not None}
        guilds = {r.guild_id for r in ruptures}
        async with self._sql.reading() as work:
            hours = await work.all(
                "SELECT user_id, timezone, quiet_start, quiet_end FROM people "
                f"WHERE user_id IN ({', '.join('?' * len(people))})",
                list(people),
            )
            settings = await work.all(
                f"SELECT guild_id, checkin_days FROM guild_settings WHERE guild_id IN ({', '.join('?' * len(guilds))})",
                list(guilds),
            )
        waking = {user_id: Waking() for user_id in people} | {row["user_id"]: waking_from(row) for row in hours}
        cadences = {guild: cadence_from(None) for guild in guilds}
        cadences.update({row["guild_id"]: cadence_from(row["checkin_days"]) for row in settings})
        return waking, cadences

    async def settle(self, handled: Iterable[Handled]) -> None:
        """Record what became of a batch of claimed items, in one transaction.

        A sent item's record is a compare-and-set on the version it was claimed at, so a person
        acting meanwhile wins; a gone thread closes the rupture for good; every other outcome
        applies only while the claimed item is still due.
        """
        records: list[dict[str, Any]] = []
        gone: list[Rupture] = []
        others: dict[Outcome, list[dict[str, Any]]] = {}
        for item in handled:
            claim = item.claim
            if item.outcome is Outcome.SENT and item.recorded is not None:
                expected = claim.rupture.version
                records.append({**values(item.recorded, SWEPT), "rupture_id": claim.rupture.id, "expected": expected})
            elif item.outcome is Outcome.GONE and item.recorded is not None:
                gone.append(item.recorded)
            else:
                others.setdefault(item.outcome, []).append(
                    {
                        "rupture_id": claim.rupture.id,
                        "claimed_at": to_timestamp(claim.due_at),
                        "claimed_kind": claim.due.value,
                        "when": None if item.when is None else to_timestamp(item.when),
                    }
                )
        async with self._sql.transaction() as work:
            if records:
                await work.many(_RECORD, records)
            for rupture in gone:
                await self._overwrite(work, rupture)
            for outcome, rows in others.items():
                await work.many(
                    f"UPDATE ruptures SET {_SETTLEMENTS[outcome]} "
                    "WHERE id = :rupture_id AND due_at = :claimed_at AND due_kind = :claimed_kind",
                    rows,
                )
        if gone:
            await self._sql.scrub()

    async def release_claims(self, now: datetime, *, holder_gone: bool) -> int:
        """At start-up: free the claims that may be taken again. Expired ones always; all of them only
        when the process that took them is known to have ended (see `FileLock.previous_holder_is_gone`).
        """
        return await self._sql.run(
            "UPDATE ruptures SET due_lease_until = NULL "
            "WHERE due_lease_until IS NOT NULL AND (? OR due_lease_until <= ?)",
            (holder_gone, to_timestamp(now)),
        )

    async def backlog(self, now: datetime) -> tuple[int, int]:
        """How many items are due now, and how many repairs are open (for the metrics; the second
        count reads an index entry per open repair, some 40 ms for a million).
        """
        row = await self._sql.one(
            "SELECT (SELECT count(*) FROM ruptures WHERE due_at <= ? AND due_blocked = 0), "
            "(SELECT count(*) FROM ruptures WHERE status IN ('invited', 'active'))",
            (to_timestamp(now),),
        )
        assert row is not None
        return row[0], row[1]

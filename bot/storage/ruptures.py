"""Ruptures: reserving one, reading them, and saving changes with compare-and-set."""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.actions import Context
from bot.clock import to_timestamp
from bot.events import Change
from bot.protocols import Role
from bot.repair import thread_gone
from bot.rupture import Rupture, Status
from bot.servers import cadence_from
from bot.storage.columns import CHANGED, CREATED, SELECT, Column, to_rupture, values
from bot.storage.connection import Connection, Work

RESERVATION_TIMEOUT = 120
_INT64_MAX = 2**63 - 1
_WRITTEN_REMEMBERED = 10_000
_CLOSED_FOR_GOOD = 2**62  # a version no snapshot has: the rupture was closed outside compare-and-set
_OPEN = "status IN ('invited', 'active')"
# When what is due changes, any claim on the old item no longer applies. (Columns on the right of
# SET read their values from before the update.)
RELEASE_IF_DUE_CHANGED = ", ".join(
    f"{column} = CASE WHEN due_at IS :due_at AND due_kind IS :due_kind THEN {column} ELSE {fresh} END"
    for column, fresh in (
        ("due_lease_until", "NULL"),
        ("due_attempts", "0"),
        ("due_first_claimed_at", "NULL"),
        ("due_blocked", "0"),
    )
)
_SAVE = (
    f"UPDATE ruptures SET {RELEASE_IF_DUE_CHANGED}, {', '.join(f'{c.name} = :{c.name}' for c in CHANGED)}, "
    "version = version + 1 WHERE id = :rupture_id AND version = :expected"
)


@dataclass(frozen=True)
class Outgoing:
    """What the thread is yet to be told of a change (`bot.outbox` text), whether it holds words, and
    from when anything else may show it if the one showing it now stops (outbox times are real time)."""

    work: str
    words: bool
    not_before: datetime


class Ruptures:
    """The `ruptures` table and the private answers held for them."""

    _sql: Connection

    def __init__(self) -> None:
        # The latest version this process wrote for recently changed ruptures: a cheap hint that a
        # snapshot is stale (the database's compare-and-set stays what decides).
        self._written: OrderedDict[int, int] = OrderedDict()

    def changed_since(self, rupture: Rupture) -> bool:
        """Whether this process has changed `rupture` since that snapshot was read (a hint, no I/O)."""
        return self._written.get(rupture.id, rupture.version) > rupture.version

    def _note_written(self, rupture_id: int, version: int) -> None:
        self._written[rupture_id] = version
        self._written.move_to_end(rupture_id)
        if len(self._written) > _WRITTEN_REMEMBERED:
            self._written.popitem(last=False)

    async def reserve_rupture(self, draft: Rupture) -> Rupture | None:
        """Store a new rupture before its thread exists; None if the pair already has one open.

        A reservation whose thread never arrived (a crash mid-start) expires after two minutes.
        """
        first, second = draft.first.user_id, draft.second.user_id
        row = values(draft, CREATED)
        async with self._sql.transaction() as work:
            await work.run(
                "DELETE FROM ruptures WHERE thread_id IS NULL AND created_at < ? AND guild_id = ? "
                "AND min(first_id, second_id) = min(?, ?) AND max(first_id, second_id) = max(?, ?)",
                (row["created_at"] - RESERVATION_TIMEOUT, draft.guild_id, first, second, first, second),
            )
            try:
                rupture_id = await work.insert(
                    f"INSERT INTO ruptures ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    tuple(row.values()),
                )
            except sqlite3.IntegrityError:
                return None
            await work.many(
                "INSERT INTO memberships (guild_id, user_id, checked_at) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO UPDATE SET checked_at = excluded.checked_at, left_at = NULL",
                [(draft.guild_id, person, row["created_at"]) for person in (first, second)],
            )
            found = await _read(work, "id = ?", (rupture_id,))
        assert found is not None
        return found

    async def attach_thread(self, rupture_id: int, thread_id: int) -> None:
        """Complete a reservation: its thread now exists."""
        await self._sql.run("UPDATE ruptures SET thread_id = ? WHERE id = ?", (thread_id, rupture_id))

    async def forget_unopened(self) -> int:
        """At start-up: reservations whose thread never arrived (Mend stopped while opening them)."""
        return await self._sql.run("DELETE FROM ruptures WHERE thread_id IS NULL AND version = 0")

    async def unwelcomed(self) -> list[Rupture]:
        """Invited ruptures whose thread exists but whose invitation was never posted (Mend stopped
        in between), to finish at start-up."""
        rows = await self._sql.all(
            f"SELECT {SELECT} FROM ruptures WHERE status = 'invited' AND thread_id IS NOT NULL "
            "AND prompt_message_id IS NULL"
        )
        return [to_rupture(row) for row in rows]

    async def forget_reservation(self, rupture_id: int) -> None:
        """Drop a rupture whose opening failed before anyone could act on it."""
        await self._sql.run("DELETE FROM ruptures WHERE id = ? AND version = 0", (rupture_id,))

    async def rupture(self, rupture_id: int) -> Rupture | None:
        if not 0 < rupture_id <= _INT64_MAX:
            return None
        async with self._sql.reading() as work:
            return await _read(work, "id = ?", (rupture_id,))

    async def rupture_in_thread(self, thread_id: int) -> Rupture | None:
        async with self._sql.reading() as work:
            return await _read(work, "thread_id = ?", (thread_id,))

    async def open_ruptures_of(self, user_id: int, guild_id: int | None = None) -> list[Rupture]:
        """The person's open ruptures (optionally in one server), oldest first."""
        rows = await self._sql.all(
            f"SELECT {SELECT} FROM ruptures WHERE {_OPEN} AND thread_id IS NOT NULL "
            "AND (first_id = ? OR second_id = ?) AND (? IS NULL OR guild_id = ?) ORDER BY id",
            (user_id, user_id, guild_id, guild_id),
        )
        return [to_rupture(row) for row in rows]

    async def open_ruptures(self) -> list[Rupture]:
        """Every open rupture with a thread (read once, at start-up)."""
        rows = await self._sql.all(f"SELECT {SELECT} FROM ruptures WHERE {_OPEN} AND thread_id IS NOT NULL ORDER BY id")
        return [to_rupture(row) for row in rows]

    async def open_rupture_between(self, guild_id: int, a: int, b: int) -> Rupture | None:
        async with self._sql.reading() as work:
            return await _read(
                work,
                f"{_OPEN} AND guild_id = ? AND min(first_id, second_id) = min(?, ?) "
                "AND max(first_id, second_id) = max(?, ?)",
                (guild_id, a, b, a, b),
            )

    async def invitation_ended_since(self, guild_id: int, opener: int, partner: int, since: datetime) -> bool:
        """Whether an invitation from `opener` to `partner` ended unaccepted at or after `since`."""
        async with self._sql.reading() as work:
            row = await work.one(
                "SELECT 1 FROM ruptures WHERE guild_id = ? AND first_id = ? AND second_id = ? "
                "AND status IN (?, ?) AND updated_at > ?",
                (guild_id, opener, partner, Status.ENDED.value, Status.DECLINED.value, to_timestamp(since)),
            )
        return row is not None

    async def ruptures_of(self, user_id: int) -> list[Rupture]:
        """Every rupture a person sits in, whatever its state."""
        rows = await self._sql.all(f"SELECT {SELECT} FROM ruptures WHERE first_id = ? OR second_id = ?", (user_id,) * 2)
        return [to_rupture(row) for row in rows]

    async def sealed_answers(self, rupture_id: int, step: int) -> dict[Role, str]:
        rows = await self._sql.all(
            "SELECT role, text FROM sealed_answers WHERE rupture_id = ? AND step = ?", (rupture_id, step)
        )
        return {Role(row["role"]): str(row["text"]) for row in rows}

    async def context_for(self, rupture: Rupture, now: datetime) -> Context:
        """What deciding an action on `rupture` needs: the server's cadence, and the private answers
        already written for its sealed step, if it is in one."""
        async with self._sql.reading() as work:
            days = await work.one("SELECT checkin_days FROM guild_settings WHERE guild_id = ?", (rupture.guild_id,))
            sealed = []
            if rupture.holds_private_answers:
                sealed = await work.all(
                    "SELECT role, text FROM sealed_answers WHERE rupture_id = ? AND step = ?",
                    (rupture.id, rupture.step),
                )
        cadence = cadence_from(days["checkin_days"] if days else None)
        return Context(now, cadence, {Role(row["role"]): str(row["text"]) for row in sealed})

    async def save(self, change: Change, outbox: Outgoing | None = None) -> Rupture | None:
        """Apply `change` if the rupture is still at the version it was decided on; None if it moved on.

        `outbox` is what the thread is to be told of it, committed with it (see `bot.outbox`). A
        change with nothing else to store is one UPDATE (atomic on its own); otherwise it is a
        transaction, and erasing private answers also scrubs the WAL.
        """
        new, expected = change.rupture, change.before.version
        parameters = {**values(new, CHANGED), "rupture_id": new.id, "expected": expected}
        if change.keep_private is None and not change.erase_private and outbox is None:
            if await self._sql.run(_SAVE, parameters) != 1:
                return None
        else:
            async with self._sql.transaction() as work:
                if await work.run(_SAVE, parameters) != 1:
                    return None
                if change.keep_private is not None:
                    role, text = change.keep_private
                    await work.run(
                        "INSERT OR REPLACE INTO sealed_answers (rupture_id, step, role, text) VALUES (?, ?, ?, ?)",
                        (new.id, new.step, role.value, text),
                    )
                if change.erase_private:
                    await work.run("DELETE FROM sealed_answers WHERE rupture_id = ?", (new.id,))
                if outbox is not None:
                    await work.run(
                        "INSERT INTO outbox (rupture_id, version, created_at, not_before, words, work) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            new.id,
                            expected + 1,
                            to_timestamp(new.updated_at),
                            to_timestamp(outbox.not_before),
                            int(outbox.words),
                            outbox.work,
                        ),
                    )
            if change.erase_private:
                await self._sql.scrub()
        self._note_written(new.id, expected + 1)
        return replace(new, version=expected + 1)

    async def mark_gone(self, rupture_id: int) -> None:
        """The rupture's thread was deleted: close it for good, and erase any answers held for it."""
        rupture = await self.rupture(rupture_id)
        if rupture is None:
            return
        async with self._sql.transaction() as work:
            await self._overwrite(work, thread_gone(rupture))
        await self._sql.scrub()

    async def _overwrite(self, work: Work, rupture: Rupture, also: Sequence[Column] = ()) -> None:
        """Write a rupture the domain changed outside compare-and-set (its thread is gone, or a person
        was erased), with any `also` columns, and erase the private answers held for it. The caller
        scrubs the WAL once its transaction is over."""
        self._note_written(rupture.id, _CLOSED_FOR_GOOD)
        row = values(rupture, (*CHANGED, *also))
        await work.run(
            f"UPDATE ruptures SET {', '.join(f'{name} = :{name}' for name in row)}, due_lease_until = NULL, "
            "version = version + 1 WHERE id = :rupture_id",
            {**row, "rupture_id": rupture.id},
        )
        await work.run("DELETE FROM sealed_answers WHERE rupture_id = ?", (rupture.id,))


async def _read(work: Work, where: str, parameters: tuple[object, ...]) -> Rupture | None:
    row = await work.one(f"SELECT {SELECT} FROM ruptures WHERE {where}", parameters)
    return None if row is None else to_rupture(row)

"""The outbox: what repairs' threads are yet to be told, until it has been shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_timestamp, to_timestamp
from bot.protocols import Role
from bot.rupture import Rupture
from bot.storage.columns import select_of, to_rupture
from bot.storage.connection import Row
from bot.storage.ruptures import Ruptures

_WAITING = (
    f"SELECT {select_of('r')}, o.version AS shown_version, o.work, o.words, o.attempts, o.created_at AS waited_from "
    "FROM outbox o JOIN ruptures r ON r.id = o.rupture_id"
)


@dataclass(frozen=True)
class Unshown:
    """A committed change whose thread part has not been shown yet."""

    rupture: Rupture
    version: int
    work: str
    words: bool
    attempts: int
    created_at: datetime


class Outbox(Ruptures):
    """What threads are yet to be shown; a process shows only what its own servers' threads wait for."""

    async def shown(
        self,
        rupture_id: int,
        version: int,
        *,
        prompt: int | None = None,
        commitment: tuple[Role, int] | None = None,
        left: tuple[str, datetime] | None = None,
    ) -> None:
        """The thread was told of the change that made `version` of the rupture: note which message
        now carries its prompt (or a commitment, guarded by that version, so a later change wins),
        and forget what waited, scrubbing the WAL if it held words. `left` is a tidy-up still to do
        (`bot.outbox` text) and when to try it."""
        names = (["prompt_message_id"] if prompt is not None else []) + (
            [f"{commitment[0].value}_commitment_message_id"] if commitment is not None else []
        )
        ids = ([prompt] if prompt is not None else []) + ([commitment[1]] if commitment is not None else [])
        async with self._sql.transaction() as work:
            if names:
                await work.run(
                    f"UPDATE ruptures SET {', '.join(f'{name} = ?' for name in names)} WHERE id = ? AND version = ?",
                    (*ids, rupture_id, version),
                )
            held = await work.one(
                "SELECT words FROM outbox WHERE rupture_id = ? AND version = ?", (rupture_id, version)
            )
            if left is None:
                await work.run("DELETE FROM outbox WHERE rupture_id = ? AND version = ?", (rupture_id, version))
            else:
                await work.run(
                    "UPDATE outbox SET work = ?, words = 0, not_before = ? WHERE rupture_id = ? AND version = ?",
                    (left[0], to_timestamp(left[1]), rupture_id, version),
                )
        if held is not None and held["words"]:
            await self._sql.scrub()

    async def unshown(self, now: datetime, limit: int = 100) -> list[Unshown]:
        """Changes whose thread part is still to be shown and may be tried now, oldest first."""
        rows = await self._sql.all(
            f"{_WAITING} WHERE o.not_before <= ?{self._ours('r.guild_id')} "
            "ORDER BY o.created_at, o.rupture_id, o.version LIMIT ?",
            (to_timestamp(now), limit),
        )
        return [_unshown(row) for row in rows]

    async def unshown_one(self, rupture_id: int, version: int) -> Unshown | None:
        rows = await self._sql.all(f"{_WAITING} WHERE o.rupture_id = ? AND o.version = ?", (rupture_id, version))
        return _unshown(rows[0]) if rows else None

    async def next_unshown(self) -> datetime | None:
        """When the next waiting change may be tried, if any waits."""
        row = await self._sql.one(
            "SELECT min(o.not_before) AS next FROM outbox o JOIN ruptures r ON r.id = o.rupture_id"
            f"{self._ours('r.guild_id')}"
        )
        return None if row is None or row["next"] is None else from_timestamp(row["next"])

    async def postpone(self, rupture_id: int, version: int, until: datetime) -> None:
        """Discord asked to slow down (or could not be reached): try this one again at `until`."""
        await self._sql.run(
            "UPDATE outbox SET not_before = ?, attempts = attempts + 1 WHERE rupture_id = ? AND version = ?",
            (to_timestamp(until), rupture_id, version),
        )


def _unshown(row: Row) -> Unshown:
    return Unshown(
        to_rupture(row),
        row["shown_version"],
        row["work"],
        bool(row["words"]),
        row["attempts"],
        from_timestamp(row["waited_from"]),
    )

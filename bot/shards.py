"""Gateway shards: which servers one Mend process serves when Mend runs as several.

Discord puts a server on shard `(guild_id >> 22) % shard_count`. A process that runs only some
of the shards (`SHARD_IDS`) also sweeps, checks memberships and recovers only for their servers,
so processes sharing one PostgreSQL database never do the same work twice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shards:
    """Shards `ids` of `count`; `count` None means as many as Discord recommends, all run here."""

    count: int | None
    ids: tuple[int, ...] | None = None

    @property
    def partial(self) -> bool:
        """Whether other processes run the rest of the shards (this one serves only some servers)."""
        return self.count is not None and self.ids is not None and set(self.ids) != set(range(self.count))

    @property
    def share(self) -> float:
        """The part of the bot this process is: its part of Discord's global rate limit too."""
        return len(self.ids) / self.count if self.partial and self.ids and self.count else 1.0


def shard_of(guild_id: int, count: int) -> int:
    """Discord's formula: the shard whose gateway connection carries a server's events."""
    return (guild_id >> 22) % count

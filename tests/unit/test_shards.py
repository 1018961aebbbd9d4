"""Shards: Discord's formula, and a process's share of the bot."""

from __future__ import annotations

from bot.budget import GlobalBudget
from bot.shards import Shards, shard_of


def test_discords_formula_puts_a_server_on_a_shard_by_its_id() -> None:
    assert [shard_of(n << 22, 2) for n in (10, 11, 12)] == [0, 1, 0]
    assert shard_of((7 << 22) | 0x3FFFFF, 4) == 3, "only the timestamp part of the id counts"


def test_a_process_runs_some_or_all_of_the_shards() -> None:
    assert Shards(2, (0,)).partial and Shards(4, (1, 3)).share == 0.5
    assert not Shards(2, (1, 0)).partial and Shards(2, (0, 1)).share == 1.0
    assert not Shards(None).partial, "as many as Discord recommends, all in this process"


def test_processes_sharing_the_bot_share_its_global_rate_limit() -> None:
    alone, half = GlobalBudget(40), GlobalBudget(40, share=Shards(2, (1,)).share)
    assert (alone.rate, half.rate) == (40, 20), "two such processes together keep to the configured 40 a second"

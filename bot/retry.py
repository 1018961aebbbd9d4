"""Compare-and-set, retried a bounded number of times."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

ATTEMPTS = 5
_Result = TypeVar("_Result")


async def compare_and_set(attempt: Callable[[], Awaitable[_Result | None]], attempts: int = ATTEMPTS) -> _Result | None:
    """Run `attempt` until it returns something other than None (its save won the race), at most
    `attempts` times; None if every attempt lost to a concurrent change."""
    for _ in range(attempts):
        result = await attempt()
        if result is not None:
            return result
    return None

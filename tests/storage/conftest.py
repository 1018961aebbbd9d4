"""A migrated database for each storage test: a real SQLite file, and a real PostgreSQL database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.storage import Database, Where


@pytest.fixture
async def db(database: Where) -> AsyncIterator[Database]:
    opened = await Database.open(database)
    await opened.migrate()
    yield opened
    await opened.close()

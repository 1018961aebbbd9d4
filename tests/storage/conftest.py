"""A migrated database on a real SQLite file, for each storage test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "mend.sqlite3")
    await database.migrate()
    yield database
    await database.close()

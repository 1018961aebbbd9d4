"""Mend keeps nothing per message in memory: its buttons live in their custom ids and the database;
and it loads nothing it does not use."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import MendBot
from bot.wording import turns
from tests.e2e.steps import button, started_repair
from tests.helpers import LogWatcher, World, bot_environment, spawn_bot


async def test_answers_with_buttons_leave_no_timers_or_views_behind(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    prompt = await button(world, thread, turns.TAKE_A_BREAK)
    await (await world.alex.slash("repair status", world.general)).reply()
    tasks = len(asyncio.all_tasks())
    for _ in range(30):
        await (await world.alex.slash("repair status", world.general)).reply()
        chooser = await (await world.alex.press(prompt, turns.TAKE_A_BREAK)).reply()
        assert chooser.message is not None and chooser.message.buttons()
        await (await world.outsider.slash("repair status", world.general)).reply()
    assert len(asyncio.all_tasks()) <= tasks + 2, "each private answer with buttons left a task behind"


async def test_a_mend_on_sqlite_does_not_load_postgresqls_driver(world: World, tmp_path: Path) -> None:
    """asyncpg costs a process some 4 MiB: only a Mend on PostgreSQL loads it."""
    mend = LogWatcher(await spawn_bot(bot_environment(world, tmp_path), tmp_path))
    await mend.wait_for("Mend is connected as")
    mapped = await asyncio.to_thread(Path(f"/proc/{mend.process.pid}/maps").read_text)
    mend.process.terminate()
    assert await mend.finish() == 0, mend.text
    assert "/asyncpg/" not in mapped

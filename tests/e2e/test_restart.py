"""Mend is killed mid-repair and a new process takes over the same database: nothing is lost."""

from __future__ import annotations

from pathlib import Path

from bot.protocols import load_protocols
from bot.wording import turns
from tests.e2e.steps import accept, open_repair, posted, press, walk, write
from tests.helpers import World, bot_environment, finish, spawn_bot


async def test_buttons_and_open_forms_work_after_the_bot_is_killed(world: World, tmp_path: Path) -> None:
    env = bot_environment(world, tmp_path)
    first = await spawn_bot(env, tmp_path)
    await world.standin.gateway.wait_for_sessions(1)
    thread = await open_repair(world, world.alex, world.sam)
    await accept(world, world.sam, thread)
    await write(world, world.alex, thread, turns.WRITE, "I felt dismissed when you laughed.")
    form = await press(world, world.sam, thread, turns.REFLECT_BACK)
    assert form.modal is not None

    first.kill()
    code, _ = await finish(first)
    assert code != 0, "killed, not stopped"

    second = await spawn_bot(env, tmp_path)
    await world.standin.gateway.wait_for_sessions(2)
    await (await world.sam.submit(form, "You felt dismissed when I laughed.")).reply()
    await posted(world, thread, "You felt dismissed when I laughed.")
    await press(world, world.alex, thread, turns.GOT_IT)
    await write(world, world.sam, thread, turns.WRITE, "Of course that stung.")
    await walk(world, thread, load_protocols()["quick"], world.alex, world.sam, from_step=2)
    await press(world, world.alex, thread, turns.NOTHING_TO_ADD)
    await press(world, world.sam, thread, turns.NOTHING_TO_ADD)
    await posted(world, thread, turns.COMPLETE)
    await world.standin.until(lambda: thread.archived)

    second.terminate()
    code, log = await finish(second)
    assert code == 0, log
    assert "Traceback" not in log, log

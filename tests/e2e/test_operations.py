"""Running Mend for months, as an operator would: the command line, the invite link, backups and
restores, forgetting a server, and the health check and metrics a monitor scrapes.
"""

from __future__ import annotations

import asyncio
import re
import socket
import sqlite3
import stat
from importlib.metadata import version
from pathlib import Path

import aiohttp

from bot import __version__
from bot.settings import SETTINGS
from bot.storage import Database
from cogs.ui.channels import NEEDED_PERMISSIONS, invite_url
from tests.e2e.steps import accept, open_repair, posted
from tests.helpers import ROOT, LogWatcher, World, bot_environment, finish, spawn_bot
from tests.standin.world import Permission

THREADS = ("POST", "/channels/{channel_id}/threads")
MESSAGES = ("POST", "/channels/{channel_id}/messages")


async def run(world: World, cwd: Path, *arguments: str, answer: str = "", **settings: str) -> tuple[int, str, str]:
    """`python -m bot ARGUMENTS` to its end: exit status, what it printed, what it logged."""
    process = await spawn_bot(bot_environment(world, cwd, **settings), cwd, *arguments, stdin=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(answer.encode()), 30)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_help_lists_every_command_and_every_setting_with_its_default(world: World, tmp_path: Path) -> None:
    code, out, _ = await run(world, tmp_path, "--help")
    assert code == 0
    for command in ("sync", "invite", "backup", "restore", "forget-server", "health"):
        assert re.search(rf"^\s+{command}\b", out, re.MULTILINE), command
    assert "with no command, the bot itself" in out
    example = (ROOT / ".env.example").read_text()
    for name, default, _ in SETTINGS:
        assert re.search(rf"^\s+{name}\s+{re.escape(default)}\s", out, re.MULTILINE), name
        assert name in example, f".env.example explains {name}"
    code, out, _ = await run(world, tmp_path, "--version")
    assert (code, out) == (0, f"mend {__version__}\n")
    assert version("mend") == __version__, "the installed package and the code agree"


async def test_invite_prints_the_link_with_exactly_the_permissions_mend_checks_for(
    world: World, tmp_path: Path
) -> None:
    code, out, err = await run(world, tmp_path, "invite")
    assert code == 0, err
    assert out == invite_url(world.application.id) + "\n"
    wanted = sum(getattr(Permission, name.upper()) for name in NEEDED_PERMISSIONS)
    assert f"client_id={world.application.id}&" in out and out.strip().endswith(f"&permissions={wanted}")
    assert f"permissions={wanted}" in (ROOT / "README.md").read_text(), "the README's link asks for the same"
    assert world.standin.gateway.identifies == [], "no gateway connection, and no database, for a link"
    assert not (tmp_path / "data").exists()


async def test_a_backup_made_while_running_restores_a_damaged_database(world: World, tmp_path: Path) -> None:
    env = bot_environment(world, tmp_path)
    mend = LogWatcher(await spawn_bot(env, tmp_path))
    await world.standin.gateway.wait_for_sessions(1)
    thread = await open_repair(world, world.alex, world.sam)
    (tmp_path / "backups").mkdir()
    copy = tmp_path / "backups" / "mend.sqlite3"

    code, out, err = await run(world, tmp_path, "backup", str(copy))
    assert (code, err) == (0, ""), err
    assert out.startswith(f"Backed up '{tmp_path / 'data' / 'mend.sqlite3'}' to '{copy}' (")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600, "a backup holds people's data: its owner alone reads it"
    assert sorted(p.name for p in copy.parent.iterdir()) == ["mend.sqlite3"], "one file, nothing beside it"
    with sqlite3.connect(copy) as raw:
        assert raw.execute("SELECT count(*) FROM ruptures WHERE thread_id = ?", (thread.id,)).fetchone() == (1,)

    code, _, err = await run(world, tmp_path, "restore", str(copy))
    assert code == 2
    assert err == f"Mend could not restore the backup: Mend is running on '{tmp_path / 'data' / 'mend.sqlite3'}': " + (
        "stop it first, then restore.\n"
    )
    mend.process.terminate()
    assert await mend.finish() == 0

    database = tmp_path / "data" / "mend.sqlite3"
    database.write_bytes(b"\0" * 100 + database.read_bytes()[100:])
    code, err = await finish(await spawn_bot(env, tmp_path))
    assert code == 2 and "restore your latest backup with `python -m bot restore BACKUP`" in err

    code, out, err = await run(world, tmp_path, "restore", str(copy))
    assert code == 0, err
    [kept] = database.parent.glob("mend.sqlite3.replaced-*")
    assert out == f"Restored '{database}' from '{copy}' (the file it replaced is kept as '{kept}'); start Mend again.\n"
    assert kept.read_bytes()[:100] == b"\0" * 100, "the damaged file is kept as it was"

    again = await spawn_bot(env, tmp_path)
    await world.standin.gateway.wait_for_sessions(2)
    await accept(world, world.sam, thread)
    await posted(world, thread, "Step 1 of")
    again.terminate()
    assert (await finish(again))[0] == 0


async def test_forgetting_a_server_asks_first_and_erases_that_server_only(world: World, tmp_path: Path) -> None:
    env = bot_environment(world, tmp_path)
    mend = await spawn_bot(env, tmp_path)
    await world.standin.gateway.wait_for_sessions(1)
    here = await open_repair(world, world.alex, world.sam)
    code, _, err = await run(world, tmp_path, "forget-server", str(world.guild.id), "--yes")
    assert code == 2 and "Mend is already running on" in err, "erasing waits until Mend is stopped"
    mend.terminate()
    assert (await finish(mend))[0] == 0
    database = tmp_path / "data" / "mend.sqlite3"
    elsewhere = 424242424242424242
    with sqlite3.connect(database) as raw:
        raw.execute(
            "INSERT INTO ruptures (guild_id, protocol, status, phase, first_id, second_id, created_at, updated_at) "
            "VALUES (?, 'quick', 'active', 'write', ?, ?, 0, 0)",
            (elsewhere, world.alex.id, world.outsider.id),
        )

    code, out, _ = await run(world, tmp_path, "forget-server", str(world.guild.id), answer="no\n")
    assert code == 1
    assert out.endswith(f"Type the server ID ({world.guild.id}) to erase it: Nothing was erased.\n")
    assert f"everything Mend holds for server {world.guild.id}: 1 repair(s)" in out
    assert "1 person(s) Mend knows only from there" in out, "Sam; Alex is also in a repair elsewhere"

    code, out, _ = await run(world, tmp_path, "forget-server", str(world.guild.id), answer=f"{world.guild.id}\n")
    assert code == 0
    assert out.endswith(f"Erased server {world.guild.id} from '{database}'.\n")
    with sqlite3.connect(database) as raw:
        guilds = raw.execute("SELECT guild_id FROM ruptures").fetchall()
        people = {row[0] for row in raw.execute("SELECT user_id FROM people")}
    assert guilds == [(elsewhere,)]
    assert world.sam.id not in people
    assert here.id.to_bytes(8, "big") not in database.read_bytes(), "nothing of it is left in the file"
    code, out, _ = await run(world, tmp_path, "forget-server", str(world.guild.id))
    assert (code, out) == (0, f"Mend holds nothing for server {world.guild.id}.\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def scrape(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}{path}") as answer:
        return answer.status, await answer.text()


def sample(metrics: str, name: str) -> float:
    """The value of one sample line (`name` with its labels, exactly as exposed)."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", metrics, re.MULTILINE)
    assert match is not None, f"{name} is not in the metrics"
    return float(match[1])


async def test_health_and_metrics_tell_a_monitor_what_happened(world: World, tmp_path: Path) -> None:
    port = str(free_port())
    env = bot_environment(world, tmp_path, METRICS_PORT=port)
    code, out, _ = await run(world, tmp_path, "health", METRICS_PORT=port)
    assert code == 1 and '"status": "unreachable"' in out, "nothing answers yet"

    mend = LogWatcher(await spawn_bot(env, tmp_path))
    await mend.wait_for("Check-in sweep handled 0 item(s)")
    await mend.wait_for("Mend is connected as")
    assert f"Invite Mend to a server with {invite_url(world.application.id)}" in mend.text
    world.standin.fail(*THREADS, 429, retry_after=0.01)
    world.standin.fail(*MESSAGES, 502)
    await (await world.alex.slash("repair help", world.general)).reply()
    await open_repair(world, world.alex, world.sam)

    status, body = await scrape(int(port), "/healthz")
    assert (status, body.split(", ")[:2]) == (200, ['{"status": "ok"', '"gateway": "connected"'])
    code, out, _ = await run(world, tmp_path, "health", METRICS_PORT=port)
    assert code == 0 and '"status": "ok"' in out

    status, metrics = await scrape(int(port), "/metrics")
    assert status == 200
    assert sample(metrics, 'mend_interactions_total{kind="/repair help",outcome="ok"}') == 1
    assert sample(metrics, 'mend_interactions_total{kind="/repair start",outcome="ok"}') == 1
    assert sample(metrics, "mend_answer_seconds_count") >= 3, "/repair help, /repair start, Continue"
    assert sample(metrics, 'mend_answer_seconds_bucket{le="3.0"}') == sample(metrics, "mend_answer_seconds_count")
    assert sample(metrics, 'mend_discord_errors_total{status="429"}') == 1
    assert sample(metrics, 'mend_discord_errors_total{status="5xx"}') == 1
    assert sample(metrics, "mend_open_repairs") == 1
    assert sample(metrics, "mend_due_backlog") == 0
    assert sample(metrics, "mend_sweep_seconds_count") >= 1
    assert sample(metrics, "mend_gateway_connected") == 1

    mend.process.terminate()
    assert await mend.finish() == 0, mend.text


async def test_a_backup_into_a_folder_is_dated_and_never_lands_on_the_database(world: World, tmp_path: Path) -> None:
    database = tmp_path / "data" / "mend.sqlite3"
    database.parent.mkdir()
    db = await Database.open(database)
    await db.migrate()
    await db.close()
    code, out, err = await run(world, tmp_path, "backup", "backups/")
    assert code == 0, err
    [made] = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"mend-\d{4}-\d\d-\d\dT\d{6}Z\.sqlite3", made.name)
    assert out.startswith(f"Backed up '{database}' to 'backups/{made.name}' (")
    code, _, err = await run(world, tmp_path, "backup", str(database))
    assert (code, err) == (
        2,
        f"Mend could not back up the database: '{database}' is the database itself, or one of its files: "
        "back up somewhere else.\n",
    )

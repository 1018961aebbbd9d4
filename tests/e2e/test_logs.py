"""Mend's logs: nothing anyone wrote and no token at any level, plain text unless on a terminal,
JSON lines on request, a rotated file, and the libraries kept quiet unless asked.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pty
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import logs
from bot.protocols import load_protocols
from bot.settings import TRACE, Settings
from bot.wording import turns
from tests.e2e.steps import accept, open_repair, posted, walk, write
from tests.helpers import LogWatcher, World, bot_environment, finish, spawn_bot


async def test_a_whole_flow_at_the_most_verbose_level_logs_no_written_word_and_no_token(
    world: World, tmp_path: Path
) -> None:
    log_file = tmp_path / "logs" / "mend.log"
    env = bot_environment(world, tmp_path, LOG_LEVEL="TRACE", LOG_FILE=str(log_file))
    mend = LogWatcher(await spawn_bot(env, tmp_path))
    await world.standin.gateway.wait_for_sessions(1)
    topic = "Sunday's kitchen row"
    thread = await open_repair(world, world.alex, world.sam, protocol="full", topic=topic)
    await accept(world, world.sam, thread)
    written = [topic, *await walk(world, thread, load_protocols()["full"], world.alex, world.sam)]
    commitment = "I will text when I am running late."
    await write(world, world.alex, thread, turns.NAME_ONE_THING, commitment)
    await posted(world, thread, commitment)
    written.append(commitment)
    await (await world.alex.slash("privacy export", world.general)).reply()
    mend.process.send_signal(signal.SIGTERM)
    assert await mend.finish() == 0

    logged = {"stderr": mend.text, "LOG_FILE": log_file.read_text(encoding="utf-8")}
    secrets = {"the bot's token": world.application.token} | {
        f"interaction token {n}": token for n, token in enumerate(world.standin.pending)
    }
    assert len(written) > 15 and len(secrets) > 15
    for where, text in logged.items():
        assert "WebSocket Event" in text and "has received" in text and "executing" in text, (
            f"{where} holds the libraries' payload logs: the search below means something"
        )
        assert [s for s in written if s in text] == [], f"written words in {where}"
        assert [name for name, secret in secrets.items() if secret in text] == [], f"secrets in {where}"
        assert "\x1b[" not in text, f"{where} is plain text"


async def test_on_a_terminal_levels_are_coloured_unless_no_color_is_set(world: World, tmp_path: Path) -> None:
    async def logged_on_a_terminal(**settings: str) -> str:
        terminal, screen = pty.openpty()
        process = await spawn_bot(bot_environment(world, tmp_path, **settings), tmp_path, "sync", stderr=screen)
        os.close(screen)
        shown = asyncio.create_task(asyncio.to_thread(_read_all, terminal))
        assert await asyncio.wait_for(process.wait(), 30) == 0
        return await shown

    coloured = await logged_on_a_terminal()
    assert "\x1b[34;1mINFO    \x1b[0m bot.app Applied migrations" in coloured
    plain = await logged_on_a_terminal(NO_COLOR="1")
    assert "\x1b[" not in plain and "INFO     bot.app Synced" in plain


def _read_all(terminal: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the terminal closed: everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(terminal)
    return b"".join(chunks).decode()


async def test_json_logs_are_one_object_per_line(world: World, tmp_path: Path) -> None:
    env = bot_environment(world, tmp_path, LOG_FORMAT="json", LOG_LEVEL="DEBUG")
    code, log = await finish(await spawn_bot(env, tmp_path, "sync"))
    assert code == 0
    entries = [json.loads(line) for line in log.splitlines()]
    assert {tuple(sorted(entry)) for entry in entries} == {("level", "logger", "message", "time")}
    assert any(e["logger"] == "bot.app" and e["message"].startswith("Synced") for e in entries)
    assert all(e["time"].endswith("+00:00") for e in entries)
    assert not any(e["logger"].startswith("discord") and e["level"] == "DEBUG" for e in entries), (
        "at DEBUG the libraries still log at INFO and above"
    )


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """Configure logging in this process for a test, and undo it afterwards."""
    root = logging.getLogger()
    handlers, level, factory = list(root.handlers), root.level, logging.getLogRecordFactory()
    levels = {name: logging.getLogger(name).level for name in (*logs.MENDS_OWN, "apscheduler")}
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.setLogRecordFactory(factory)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.mark.usefixtures("logging_restored")
@pytest.mark.parametrize(("level", "libraries_debug"), [("DEBUG", False), ("TRACE", True)])
def test_the_libraries_log_below_info_only_at_trace(level: str, libraries_debug: bool) -> None:
    logs.configure_logging(Settings(log_level=level))
    assert logging.getLogger("cogs.turns").isEnabledFor(logging.DEBUG)
    for library in ("discord.gateway", "discord.http", "aiosqlite", "aiohttp.client"):
        assert logging.getLogger(library).isEnabledFor(logging.DEBUG) is libraries_debug, library
    assert logging.getLogger("discord.client").isEnabledFor(logging.INFO)
    assert logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO) is libraries_debug
    assert logging.getLogger("bot").isEnabledFor(TRACE) is libraries_debug


@pytest.mark.usefixtures("logging_restored")
def test_the_log_file_is_rotated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "ROTATE_AT_BYTES", 2000)
    logs.configure_logging(Settings(log_file=tmp_path / "logs" / "mend.log"))
    for n in range(200):
        logging.getLogger("bot.test").info("line %d of the log", n)
    kept = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert kept == ["mend.log", *(f"mend.log.{n}" for n in range(1, logs.ROTATED_FILES_KEPT + 1))]
    assert "line 199 of the log" in (tmp_path / "logs" / "mend.log").read_text()
    assert all(p.stat().st_size <= 2000 for p in (tmp_path / "logs").iterdir())


@pytest.mark.usefixtures("logging_restored")
def test_records_are_cleaned_where_they_are_made(capsys: pytest.CaptureFixture[str]) -> None:
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789"
    logs.configure_logging(Settings(token=token, log_level="TRACE"))
    modal = {
        "t": "INTERACTION_CREATE",
        "op": 0,
        "d": {
            "id": "1234567890",
            "token": "aW50ZXJhY3Rpb24gdG9rZW4",
            "data": {"custom_id": "mend:write:7:0", "components": [{"components": [{"value": "I felt alone."}]}]},
        },
    }
    logging.getLogger("discord.gateway").debug("For Shard ID %s: WebSocket Event: %s", 0, modal)
    body = json.dumps({"content": "You never listen.", "allowed_mentions": {"parse": []}})
    url = "https://discord.com/api/v10/webhooks/42/aW50ZXJhY3Rpb24gdG9rZW4/messages/@original"
    logging.getLogger("discord.http").debug("%s %s with %s has returned %s", "PATCH", url, body, 200)
    logging.getLogger("aiosqlite").debug("executing %s", lambda: "INSERT … 'My sealed answer'")
    logging.getLogger("discord.client").info("Logged in with %s", token)
    logging.getLogger("bot.app").warning(b"raw bytes of a form")
    text = capsys.readouterr().err
    for private in ("I felt alone.", "aW50ZXJhY3Rpb24gdG9rZW4", "You never listen.", "My sealed answer", token, "raw"):
        assert private not in text
    assert "'t': 'INTERACTION_CREATE'" in text and "'custom_id': 'mend:write:7:0'" in text
    assert "'value': '<13 characters>'" in text and "'id': '1234567890'" in text
    assert "/webhooks/42/[token]/messages/@original" in text and '"content": "<17 characters>"' in text
    assert "Logged in with [token]" in text


async def test_an_unwritable_log_file_is_one_sentence(world: World, tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    env = bot_environment(world, tmp_path, LOG_FILE=str(tmp_path / "taken"))
    code, log = await finish(await spawn_bot(env, tmp_path))
    assert code == 2
    assert log.strip().splitlines() == [
        f"Mend could not start: LOG_FILE points to '{tmp_path / 'taken'}', which cannot be written "
        "(Is a directory): choose another path, or leave it empty."
    ]

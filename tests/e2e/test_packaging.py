"""Mend as pip, pipx or a container image installs it: the built wheel, not this checkout.

The wheel is built from this checkout and installed, with its dependencies, into a fresh virtual
environment; the processes below run from outside the checkout, so nothing is imported from it.
The Dockerfile cannot be built here (no Docker engine), so its CMD, HEALTHCHECK and STOPSIGNAL are
read from it and run in that environment, as the image would run them.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from bot import __version__
from bot.storage import migration_names
from tests.helpers import ROOT, SPAWNED, LogWatcher, World

DOCKERFILE = ROOT / "Dockerfile"


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh virtual environment with the wheel installed (once per test run)."""
    folder = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--wheel-dir", str(folder / "dist"), str(ROOT)], check=True)
    [wheel] = (folder / "dist").glob("mend-*.whl")
    venv.create(folder / "venv", with_pip=True)
    bin_folder = folder / "venv" / "bin"
    subprocess.run([bin_folder / "python", "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    return bin_folder


def image_instruction(name: str) -> str:
    """The argument of the last `name` instruction in the Dockerfile (the one the image keeps)."""
    found = re.findall(rf"^{name}\s+(.+)$", DOCKERFILE.read_text(), re.MULTILINE)
    assert found, f"the Dockerfile has no {name}"
    return str(found[-1]).strip()


def image_command(name: str) -> list[str]:
    """A command given as a JSON array (exec form), as `CMD` and `HEALTHCHECK … CMD` are."""
    argument = image_instruction(name)
    exec_form = argument[argument.index("CMD") + 3 :] if name == "HEALTHCHECK" else argument
    command: list[str] = json.loads(exec_form)
    return command


def image_environment() -> dict[str, str]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    pairs = " ".join(re.findall(r"^ENV\s+(.+)$", text, re.MULTILINE)).split()
    return dict(pair.split("=", 1) for pair in pairs)


def outside_the_checkout(bin_folder: Path, world: World, data: Path, port: int) -> dict[str, str]:
    """The image's environment, with the volume and the metrics port moved and Discord the stand-in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DISCORD_", "PYTHON", "VIRTUAL"))}
    return (
        env
        | image_environment()
        | {
            "PATH": f"{bin_folder}{os.pathsep}{env.get('PATH', '')}",
            "DISCORD_TOKEN": world.application.token,
            "DISCORD_API_BASE_URL": world.standin.api_url,
            "DISCORD_GATEWAY_URL": world.standin.gateway_url,
            "DATABASE_PATH": str(data / "mend.sqlite3"),
            "METRICS_PORT": str(port),
        }
    )


def test_the_wheel_carries_everything_and_says_its_version(installed: Path, tmp_path: Path) -> None:
    def run(*command: str | Path) -> str:
        return subprocess.run(command, cwd=tmp_path, check=True, capture_output=True, text=True).stdout

    assert run(installed / "python", "-m", "bot", "--version") == f"mend {__version__}\n"
    assert run(installed / "mend", "--version") == f"mend {__version__}\n", "the console script pipx installs"
    where = run(installed / "python", "-c", "import bot, migrations; print(bot.__file__, migrations.__file__)")
    assert all(str(installed.parent) in path for path in where.split()), "imported from the wheel"
    shipped = run(installed / "python", "-c", "from bot.storage import migration_names; print(migration_names())")
    assert shipped.strip() == str(migration_names())


async def test_the_images_command_runs_from_the_wheel_and_its_health_check_passes(
    installed: Path, world: World, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tmp_path / "volume"
    env = outside_the_checkout(installed, world, data, port)
    command = image_command("CMD")
    process = await asyncio.create_subprocess_exec(
        *command, cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    SPAWNED.append(process)
    mend = LogWatcher(process)
    await mend.wait_for("Mend is connected as")
    await mend.wait_for("Check-in sweep handled 0 item(s)")
    reply = await (await world.alex.slash("repair help", world.general)).reply()
    assert reply.ephemeral and "rupture" in reply.text
    assert f"Applied migrations: {', '.join(migration_names())}" in mend.text, "the wheel's own migrations"

    health = await asyncio.create_subprocess_exec(
        *image_command("HEALTHCHECK"), cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(health.communicate(), 30)
    assert health.returncode == 0, out
    assert json.loads(out)["status"] == "ok"

    process.send_signal(getattr(signal, image_instruction("STOPSIGNAL")))
    assert await mend.finish() == 0, mend.text
    assert "Traceback" not in mend.text
    assert (data / "mend.sqlite3").exists() and not (data / "mend.sqlite3-wal").exists(), "closed cleanly"

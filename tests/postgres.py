"""A throwaway PostgreSQL server for the tests: `initdb` and `pg_ctl` in a temporary folder, on a
free port on 127.0.0.1, stopped and removed when the run ends.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (Debian's
package makes it). Each test that needs a database gets a new, empty one. Without PostgreSQL's
programs the tests that need it are skipped, with one line saying why; with CI=true a skip is a
failure (`.ci/run` installs Debian's `postgresql` package).
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

_SERVER_OPTIONS = "-c listen_addresses=127.0.0.1 -c max_connections=300"
# Durability is not what the tests are about: no fsync, so a cluster starts and works fast.
_NO_SYNC = " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def programs() -> Path | None:
    """The folder with `initdb` and `pg_ctl`: on the PATH, or where Debian's package puts them."""
    found = shutil.which("initdb")
    if found is not None and shutil.which("pg_ctl") is not None:
        return Path(found).parent
    for initdb in sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True):
        return initdb.parent
    return None


def missing() -> str | None:
    """Why no PostgreSQL server can be started here, or None."""
    if programs() is None:
        return (
            "PostgreSQL tests skipped: initdb and pg_ctl were not found (install PostgreSQL, e.g. Debian's "
            "`postgresql` package, to run them)."
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "PostgreSQL tests skipped: as root, the server must run as a `postgres` user, and there is none."
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A running PostgreSQL server of the tests' own."""

    folder: Path
    port: int
    bin: Path
    _numbers: Any = field(default_factory=itertools.count)
    _as: dict[str, Any] = field(default_factory=dict)  # as root: the postgres user's ids

    @classmethod
    def start(cls, *, durable: bool = False) -> Cluster:
        """A new server; `durable`: syncing to disk as a real one does (for the benchmarks, which
        compare it with SQLite's syncing), not the tests' faster way without."""
        folder = Path(tempfile.mkdtemp(prefix="mend-postgres-"))
        as_postgres: dict[str, Any] = {}
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(folder, owner.pw_uid, owner.pw_gid)
            as_postgres = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
        found = programs()
        assert found is not None
        cluster = cls(folder, _free_port(), found)
        cluster._as = as_postgres
        try:
            cluster._run("initdb", "-D", "data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N")
            options = f"-p {cluster.port} -k {folder} {_SERVER_OPTIONS}{'' if durable else _NO_SYNC}"
            cluster._run("pg_ctl", "-D", "data", "-l", "server.log", "-w", "-o", options, "start")
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _run(self, program: str, *arguments: str) -> None:
        done = subprocess.run(
            [str(self.bin / program), *arguments],
            cwd=self.folder,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            **self._as,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    async def new_database(self) -> str:
        """A new, empty database; its URL."""
        name = f"mend_{next(self._numbers)}"
        admin = await asyncpg.connect(self.url())
        try:
            await admin.execute(f"CREATE DATABASE {name}")
        finally:
            await admin.close()
        return self.url(name)

    async def drop(self, url: str) -> None:
        admin = await asyncpg.connect(self.url())
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {url.rpartition('/')[2]} WITH (FORCE)")
        finally:
            await admin.close()

    def stop(self) -> None:
        if (self.folder / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", "data", "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

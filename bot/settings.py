"""Mend's settings, read from the environment and a `.env` file when the bot starts.

Every problem is reported as one plain sentence that names the setting and the fix, so a
newcomer never has to read a traceback to get the bot running. `SETTINGS` lists every setting
with its default and meaning: `python -m bot --help` prints it, and `.env.example` explains each.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from bot.budget import DEFAULT_RATE
from bot.shards import Shards

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")
TRACE = 5
"""Below DEBUG: everything, the libraries' own debug logs included (their payloads redacted)."""
logging.addLevelName(TRACE, "TRACE")
_LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "WARNING", "ERROR")
_LOG_FORMATS = ("text", "json")
DEFAULT_DATABASE = Path("data/mend.sqlite3")

SETTINGS = (
    ("DISCORD_TOKEN", "required to run", "your bot's token (Developer Portal → Bot → Reset Token)"),
    ("DATABASE_PATH", str(DEFAULT_DATABASE), "the SQLite file; its folder is created, and holds a .lock file"),
    ("DATABASE_URL", "none", "postgresql://user:password@host/database: use PostgreSQL instead of SQLite"),
    ("SHARD_COUNT", "none", "run Mend's gateway connections as this many shards (or auto: Discord's advice)"),
    ("SHARD_IDS", "all", "the shards this process runs, like 0,1 (others run the rest; needs DATABASE_URL)"),
    ("DEV_GUILD_ID", "none", "sync slash commands to this one server, where they appear at once"),
    ("LOG_LEVEL", "INFO", "TRACE, DEBUG, INFO, WARNING or ERROR; libraries log below INFO only at TRACE"),
    ("LOG_FORMAT", "text", "text, or json for one JSON object per line"),
    ("LOG_FILE", "none", "also log to this file, rotated at 10 MB with 5 old files kept"),
    ("METRICS_PORT", "none", "serve Prometheus metrics at /metrics and a health check at /healthz"),
    ("METRICS_HOST", "127.0.0.1", "the address the metrics port listens on"),
    (
        "GLOBAL_RATE",
        f"{DEFAULT_RATE:g}",
        "REST requests a second for all of Mend's processes together (at most 50)",
    ),
    ("DISCORD_API_BASE_URL", "discord.com", "send REST requests elsewhere (a proxy, or the tests' stand-in)"),
    ("DISCORD_GATEWAY_URL", "discord.com", "connect to the gateway elsewhere (likewise)"),
    ("NO_COLOR", "unset", "any value: plain logs even on a terminal (they are plain when not on one)"),
)


class SettingsError(Exception):
    """A setting is missing or malformed; the message says which one and how to fix it."""


@dataclass(frozen=True)
class Settings:
    """Everything Mend needs to start. Built once in `main()`, never at import time."""

    token: str = field(default="", repr=False)
    database_path: Path = DEFAULT_DATABASE
    database_url: str | None = field(default=None, repr=False)
    shards: Shards | None = None
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    log_file: Path | None = None
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    api_base_url: str | None = None
    gateway_url: str | None = None
    global_rate: float = DEFAULT_RATE

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], *, needs_token: bool = True) -> Settings:
        """Validate the raw values; raise `SettingsError` with one sentence on the first problem.

        Commands that never talk to Discord (backups, for example) pass `needs_token=False`.
        """

        def value(name: str) -> str:
            return environ.get(name, "").strip()

        token = value("DISCORD_TOKEN")
        if needs_token and not token:
            raise SettingsError(
                "DISCORD_TOKEN is not set: copy .env.example to .env (in the folder you start Mend from) and "
                "paste your bot's token from the Discord Developer Portal (Bot → Reset Token)."
            )
        if needs_token and not _TOKEN_SHAPE.match(token):
            raise SettingsError(
                "DISCORD_TOKEN does not look like a bot token: copy it again from the Discord "
                "Developer Portal (Bot → Reset Token), without quotes or spaces."
            )
        log_level = _one_of("LOG_LEVEL", (value("LOG_LEVEL") or "INFO").upper(), _LOG_LEVELS)
        log_format = _one_of("LOG_FORMAT", (value("LOG_FORMAT") or "text").lower(), _LOG_FORMATS)
        database_url = postgres_url(value("DATABASE_URL"))
        return cls(
            token=token,
            database_path=Path(value("DATABASE_PATH") or DEFAULT_DATABASE),
            database_url=database_url,
            shards=_shards(value("SHARD_COUNT"), value("SHARD_IDS"), postgres=database_url is not None),
            dev_guild_id=_snowflake("DEV_GUILD_ID", value("DEV_GUILD_ID")),
            log_level=log_level,
            log_format=log_format,
            log_file=Path(value("LOG_FILE")) if value("LOG_FILE") else None,
            metrics_port=_port("METRICS_PORT", value("METRICS_PORT")),
            metrics_host=value("METRICS_HOST") or "127.0.0.1",
            api_base_url=_url("DISCORD_API_BASE_URL", value("DISCORD_API_BASE_URL"), ("http", "https")),
            gateway_url=_url("DISCORD_GATEWAY_URL", value("DISCORD_GATEWAY_URL"), ("ws", "wss")),
            global_rate=_rate(value("GLOBAL_RATE")),
        )

    @property
    def database(self) -> Path | str:
        """Where the database is: the PostgreSQL URL if there is one, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def log_level_number(self) -> int:
        """The numeric `logging` level for `log_level`."""
        return logging.getLevelNamesMapping()[self.log_level]

    def prepare_database_folder(self) -> None:
        """Create the folder that will hold the database file (nothing to do for PostgreSQL)."""
        if self.database_url is not None:
            return
        try:
            self.database_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SettingsError(
                f"DATABASE_PATH points to {str(self.database_path)!r}, whose folder cannot be created "
                f"({error.strerror}): choose a path in a folder you can write to."
            ) from None


def load_settings(env_file: Path = Path(".env"), *, needs_token: bool = True) -> Settings:
    """Read `.env` (if present) under the real environment, which wins, then validate.

    An empty variable in the environment counts as unset, so `DISCORD_TOKEN=` exported by a shell
    or a compose file does not hide the token written in `.env`.
    """
    merged = {key: val for key, val in dotenv_values(env_file).items() if val is not None}
    merged.update({key: val for key, val in os.environ.items() if val.strip()})
    return Settings.from_environment(merged, needs_token=needs_token)


def _one_of(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}.")
    return raw


def _rate(raw: str) -> float:
    if not raw:
        return DEFAULT_RATE
    try:
        rate = float(raw)
    except ValueError:
        rate = 0.0
    if not 0 < rate <= 50:
        raise SettingsError(f"GLOBAL_RATE must be a number of requests a second above 0 and at most 50, not {raw!r}.")
    return rate


def _snowflake(name: str, raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise SettingsError(f"{name} must be a server ID (digits only, from Copy Server ID in Discord), not {raw!r}.")
    return int(raw)


def _port(name: str, raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a port number from 1 to 65535, not {raw!r}; leave it empty for none.")
    return int(raw)


def postgres_url(raw: str, name: str = "DATABASE_URL") -> str | None:
    """A PostgreSQL URL as given (None if empty); `SettingsError` naming `name` if it is not one."""
    if not raw:
        return None
    if urlsplit(raw).scheme not in ("postgresql", "postgres"):
        raise SettingsError(
            f"{name} must be a PostgreSQL address like postgresql://user:password@host:5432/database"
            + ("; leave it empty to keep the SQLite file at DATABASE_PATH." if name == "DATABASE_URL" else ".")
        )
    return raw


def _shards(count_raw: str, ids_raw: str, *, postgres: bool) -> Shards | None:
    if not count_raw:
        if ids_raw:
            raise SettingsError(
                "SHARD_IDS needs SHARD_COUNT: set how many shards there are in all, like SHARD_COUNT=2."
            )
        return None
    if count_raw.lower() == "auto":
        if ids_raw:
            raise SettingsError("SHARD_IDS needs a fixed SHARD_COUNT, not auto: every process must count the same.")
        return Shards(None)
    if not count_raw.isdigit() or not 0 < int(count_raw) <= 1024:
        raise SettingsError(f"SHARD_COUNT must be a number of shards from 1 to 1024, or auto, not {count_raw!r}.")
    count = int(count_raw)
    if not ids_raw:
        return Shards(count, tuple(range(count)))
    parts = [part.strip() for part in ids_raw.split(",")]
    if not all(part.isdigit() and int(part) < count for part in parts) or len(set(parts)) != len(parts):
        raise SettingsError(
            f"SHARD_IDS must be different shard numbers from 0 to {count - 1}, separated by commas, not {ids_raw!r}."
        )
    shards = Shards(count, tuple(sorted(int(part) for part in parts)))
    if shards.partial and not postgres:
        raise SettingsError(
            "SHARD_IDS runs only some shards, and the other processes cannot share a SQLite file: set DATABASE_URL "
            "to a PostgreSQL database, or leave SHARD_IDS empty to run every shard here."
        )
    return shards


def _url(name: str, raw: str, schemes: tuple[str, ...]) -> str | None:
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not parts.hostname:
        raise SettingsError(
            f"{name} must be a full {' or '.join(s + '://' for s in schemes)} address, not {raw!r}; "
            "leave it empty to talk to Discord directly."
        )
    return raw.rstrip("/")

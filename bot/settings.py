"""Mend's settings, read from the environment and a `.env` file when the bot starts.

Every problem is reported as one plain sentence that names the setting and the fix, so a
newcomer never has to read a traceback to get the bot running.
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

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(Exception):
    """A setting is missing or malformed; the message says which one and how to fix it."""


@dataclass(frozen=True)
class Settings:
    """Everything Mend needs to start. Built once in `main()`, never at import time."""

    token: str = field(repr=False)
    database_path: Path = Path("data/mend.sqlite3")
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    api_base_url: str | None = None
    gateway_url: str | None = None
    global_rate: float = DEFAULT_RATE

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Settings:
        """Validate the raw values; raise `SettingsError` with one sentence on the first problem."""

        def value(name: str) -> str:
            return environ.get(name, "").strip()

        token = value("DISCORD_TOKEN")
        if not token:
            raise SettingsError(
                "DISCORD_TOKEN is not set: copy .env.example to .env (in the folder you start Mend from) and "
                "paste your bot's token from the Discord Developer Portal (Bot → Reset Token)."
            )
        if not _TOKEN_SHAPE.match(token):
            raise SettingsError(
                "DISCORD_TOKEN does not look like a bot token: copy it again from the Discord "
                "Developer Portal (Bot → Reset Token), without quotes or spaces."
            )
        log_level = (value("LOG_LEVEL") or "INFO").upper()
        if log_level not in _LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {log_level!r}.")
        return cls(
            token=token,
            database_path=Path(value("DATABASE_PATH") or "data/mend.sqlite3"),
            dev_guild_id=_snowflake("DEV_GUILD_ID", value("DEV_GUILD_ID")),
            log_level=log_level,
            api_base_url=_url("DISCORD_API_BASE_URL", value("DISCORD_API_BASE_URL"), ("http", "https")),
            gateway_url=_url("DISCORD_GATEWAY_URL", value("DISCORD_GATEWAY_URL"), ("ws", "wss")),
            global_rate=_rate(value("GLOBAL_RATE")),
        )

    @property
    def log_level_number(self) -> int:
        """The numeric `logging` level for `log_level`."""
        return logging.getLevelNamesMapping()[self.log_level]

    def prepare_database_folder(self) -> None:
        """Create the folder that will hold the database file."""
        try:
            self.database_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SettingsError(
                f"DATABASE_PATH points to {str(self.database_path)!r}, whose folder cannot be created "
                f"({error.strerror}): choose a path in a folder you can write to."
            ) from None


def load_settings(env_file: Path = Path(".env")) -> Settings:
    """Read `.env` (if present) under the real environment, which wins, then validate."""
    merged = {key: val for key, val in dotenv_values(env_file).items() if val is not None}
    merged.update(os.environ)
    return Settings.from_environment(merged)


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

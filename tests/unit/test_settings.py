"""Settings: defaults, and one plain sentence naming the setting for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings
from bot.shards import Shards

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789"


def test_defaults_need_only_a_token() -> None:
    settings = Settings.from_environment({"DISCORD_TOKEN": TOKEN})
    assert settings.database_path == Path("data/mend.sqlite3")
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"
    assert settings.api_base_url is None and settings.gateway_url is None
    assert TOKEN not in repr(settings), "the token never appears in logs or reprs"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DISCORD_TOKEN", "", "DISCORD_TOKEN is not set"),
        ("DISCORD_TOKEN", "hunter2", "DISCORD_TOKEN does not look like a bot token"),
        ("DEV_GUILD_ID", "abc", "DEV_GUILD_ID must be a server ID"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARNING, ERROR"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be one of text, json"),
        ("METRICS_PORT", "99999", "METRICS_PORT must be a port number"),
        ("DISCORD_API_BASE_URL", "localhost:8080", "DISCORD_API_BASE_URL must be a full http:// or https://"),
        ("DISCORD_GATEWAY_URL", "http://x", "DISCORD_GATEWAY_URL must be a full ws:// or wss://"),
    ],
)
def test_each_mistake_is_one_sentence_naming_the_setting(name: str, value: str, expected: str) -> None:
    environ = {"DISCORD_TOKEN": TOKEN, name: value}
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment(environ)
    message = str(raised.value)
    assert message.startswith(expected)
    assert "\n" not in message and message.endswith(".")


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={TOKEN}\nLOG_LEVEL=debug\nDATABASE_PATH={tmp_path}/x/mend.db\n")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    settings = load_settings(env_file)
    assert settings.token == TOKEN
    assert settings.log_level == "WARNING"
    settings.prepare_database_folder()
    assert (tmp_path / "x").is_dir()


def test_an_unwritable_database_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings = Settings.from_environment({"DISCORD_TOKEN": TOKEN, "DATABASE_PATH": str(blocker / "db" / "m.db")})
    with pytest.raises(SettingsError, match="DATABASE_PATH points to"):
        settings.prepare_database_folder()


def test_an_empty_variable_in_the_environment_does_not_hide_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={TOKEN}\nLOG_LEVEL=debug\n")
    monkeypatch.setenv("DISCORD_TOKEN", "")  # `export DISCORD_TOKEN=`, or compose's ${DISCORD_TOKEN} when unset
    monkeypatch.setenv("LOG_LEVEL", "  ")
    settings = load_settings(env_file)
    assert (settings.token, settings.log_level) == (TOKEN, "DEBUG")


def test_commands_that_never_talk_to_discord_need_no_token() -> None:
    settings = Settings.from_environment({"DATABASE_PATH": "/srv/mend.sqlite3"}, needs_token=False)
    assert (settings.token, settings.database_path) == ("", Path("/srv/mend.sqlite3"))


def test_postgresql_and_shards_are_off_unless_asked_for() -> None:
    settings = Settings.from_environment({"DISCORD_TOKEN": TOKEN})
    assert settings.database == Path("data/mend.sqlite3") and settings.shards is None
    url = "postgresql://mend:s3cret@db.example/mend"
    sharded = Settings.from_environment(
        {"DISCORD_TOKEN": TOKEN, "DATABASE_URL": url, "SHARD_COUNT": "4", "SHARD_IDS": "3,1"}
    )
    assert sharded.database == url and "s3cret" not in repr(sharded)
    assert sharded.shards == Shards(4, (1, 3)) and sharded.shards.partial
    every = Settings.from_environment({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": "2"})
    assert every.shards == Shards(2, (0, 1)) and not every.shards.partial, "all shards in one process: SQLite will do"
    assert Settings.from_environment({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": "auto"}).shards == Shards(None)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"DATABASE_URL": "mysql://db/mend"}, "DATABASE_URL must be a PostgreSQL address"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT must be a number of shards from 1 to 1024, or auto"),
        ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_COUNT": "auto", "SHARD_IDS": "0"}, "SHARD_IDS needs a fixed SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2", "DATABASE_URL": "postgresql://db/m"}, "SHARD_IDS must be different"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "1,1", "DATABASE_URL": "postgresql://db/m"}, "SHARD_IDS must be different"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "1"}, "SHARD_IDS runs only some shards, and the other processes cannot"),
    ],
)
def test_each_mistake_in_postgresql_or_shards_is_one_sentence(values: dict[str, str], expected: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({"DISCORD_TOKEN": TOKEN, **values})
    assert str(raised.value).startswith(expected)
    assert "\n" not in str(raised.value) and str(raised.value).endswith(".")

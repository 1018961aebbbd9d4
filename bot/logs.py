"""Mend's logs: plain or coloured text, or JSON lines; an optional rotated file; nothing private.

What people write reaches Mend inside Discord's payloads (a form's answers in a gateway event, a
post's body in a REST request), and the libraries log those payloads at their debug level. So every
log record is cleaned where it is made, before any handler sees it: payloads keep their shape,
numbers and ids, but every other string becomes its length, and interaction tokens in URLs are
blanked. The bot's token is blanked as well, wherever it might appear.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.settings import TRACE, Settings, SettingsError

MENDS_OWN = ("bot", "cogs")
ROTATE_AT_BYTES = 10 * 1024 * 1024
ROTATED_FILES_KEPT = 5
# Strings in a payload that carry no words: the event's name and Mend's own component ids.
_WORDLESS_KEYS = frozenset({"t", "custom_id"})
_INTERACTION_TOKEN = re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/?\s]+")
_TEXT_FORMAT = "%(asctime)s %(levelname)-8s %(name)s %(message)s"
_COLOURS = {TRACE: "2", logging.DEBUG: "2", logging.INFO: "34;1", logging.WARNING: "33;1", logging.ERROR: "31;1"}
_PLAIN_RECORDS = logging.getLogRecordFactory()


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Log to `stream` (stderr by default) and `LOG_FILE`, if set, at `LOG_LEVEL`, every record cleaned
    at its source.

    Mend's own loggers log at `LOG_LEVEL`; the libraries' are held at INFO or above (APScheduler's
    at WARNING: it logs every run at INFO) unless the level is TRACE.
    """
    logging.setLogRecordFactory(_cleaning(_PLAIN_RECORDS, settings.token))
    level = settings.log_level_number
    tracing = level <= TRACE
    root = logging.getLogger()
    root.setLevel(level if tracing else max(level, logging.INFO))
    for name in MENDS_OWN:
        logging.getLogger(name).setLevel(level)
    logging.getLogger("apscheduler").setLevel(level if tracing else max(level, logging.WARNING))
    for handler in list(root.handlers):
        root.removeHandler(handler)
    stream = stream or sys.stderr
    console = logging.StreamHandler(stream)
    console.setFormatter(_formatter(settings, colour=_wants_colour(stream)))
    root.addHandler(console)
    if settings.log_file is not None:
        try:
            settings.log_file.parent.mkdir(parents=True, exist_ok=True)
            rotating = logging.handlers.RotatingFileHandler(
                settings.log_file, maxBytes=ROTATE_AT_BYTES, backupCount=ROTATED_FILES_KEPT, encoding="utf-8"
            )
        except OSError as error:
            raise SettingsError(
                f"LOG_FILE points to {str(settings.log_file)!r}, which cannot be written ({error.strerror}): "
                "choose another path, or leave it empty."
            ) from None
        rotating.setFormatter(_formatter(settings, colour=False))
        root.addHandler(rotating)


def _wants_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def _formatter(settings: Settings, *, colour: bool) -> logging.Formatter:
    if settings.log_format == "json":
        return JsonFormatter()
    return ColourFormatter() if colour else logging.Formatter(_TEXT_FORMAT)


class ColourFormatter(logging.Formatter):
    """The plain format with the level name coloured, for a terminal."""

    def __init__(self) -> None:
        super().__init__()
        self._by_level = {
            level: logging.Formatter(_TEXT_FORMAT.replace("%(levelname)-8s", f"\x1b[{code}m%(levelname)-8s\x1b[0m"))
            for level, code in _COLOURS.items()
        }

    def format(self, record: logging.LogRecord) -> str:
        return self._by_level.get(record.levelno, self._by_level[logging.ERROR]).format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers: time (UTC), level, logger, message, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _cleaning(make: Callable[..., logging.LogRecord], token: str) -> Callable[..., logging.LogRecord]:
    """A log record factory that cleans each record's message and arguments as it is made."""

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        if not isinstance(record.msg, str):
            record.msg = str(clean(record.msg))
        if isinstance(record.args, dict):
            record.args = {key: clean(value, key) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(clean(value) for value in record.args)
        if token:
            record.msg = record.msg.replace(token, "[token]")
            if record.args:
                record.args = _without(token, record.args)
        return record

    return factory


def clean(value: Any, key: str = "") -> Any:
    """`value` with nothing a person wrote: see the module's docstring."""
    if isinstance(value, dict):
        return {name: clean(item, str(name)) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item, key or "[]") for item in value]
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, str):
        return _clean_text(value, key)
    if callable(value):  # aiosqlite logs each call with its arguments: keep only the function's name
        return getattr(value, "__name__", None) or getattr(getattr(value, "func", None), "__name__", "a call")
    if value is None or isinstance(value, int | float | BaseException):
        return value
    return _INTERACTION_TOKEN.sub(r"\1[token]", str(value))  # a URL object, an enum, a model…


def _clean_text(text: str, key: str) -> str:
    if key:  # a string inside a payload
        return text if key in _WORDLESS_KEYS or text.isdigit() else f"<{len(text)} characters>"
    if text.startswith(("{", "[")):
        try:
            return json.dumps(clean(json.loads(text)))
        except ValueError:
            return f"<{len(text)} characters>"
    return _INTERACTION_TOKEN.sub(r"\1[token]", text)


def _without(token: str, args: Any) -> Any:
    if isinstance(args, dict):
        return {key: _without(token, value) for key, value in args.items()}
    if isinstance(args, tuple):
        return tuple(_without(token, value) for value in args)
    return args.replace(token, "[token]") if isinstance(args, str) else args

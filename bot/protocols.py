"""Repair protocols as data: TOML files in `bot/protocols/`, loaded and checked at start-up.

A protocol is a list of steps of three kinds the engine knows:

* ``speak`` — one person writes; the other mirrors it back (the writer confirms *Got it* or
  *Not quite*), or accepts it, or simply reads it. ``each = true`` runs the step once for each
  person, the writer first.
* ``sealed`` — both write privately; both answers appear together once both are in.
* ``agree`` — both confirm before moving on.

Adding a protocol is adding a file; no code changes. Its texts are English, and are translated
through the same catalogues as the rest of Mend (`pybabel extract` reads them from the files).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from bot.i18n import _, current

PROTOCOL_FOLDER = Path(__file__).parent / "protocols"
MODAL_TITLE_LIMIT = 45
PROMPT_LIMIT = 1500

_Choice = TypeVar("_Choice", bound=StrEnum)


class Role(StrEnum):
    """A seat in a repair: the person who opened it sits first."""

    FIRST = "first"
    SECOND = "second"

    @property
    def other(self) -> Role:
        return Role.SECOND if self is Role.FIRST else Role.FIRST


class Kind(StrEnum):
    SPEAK = "speak"
    SEALED = "sealed"
    AGREE = "agree"


class Response(StrEnum):
    """What the listener does after a speak step's text is posted."""

    MIRROR = "mirror"
    ACCEPT = "accept"  # accept, or say what they still need (which the speaker then answers)
    READ = "read"  # say that they have read it
    NONE = "none"


@dataclass(frozen=True)
class Step:
    """One concrete step, after `each` has been expanded."""

    kind: Kind
    title: str
    prompt: str
    writer: Role | None = None
    response: Response = Response.NONE
    response_prompt: str = ""
    validate_prompt: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Protocol:
    key: str
    name: str
    description: str
    first_label: str  # what the one who starts it is called, where the roles differ ("the parent")
    second_label: str
    steps: tuple[Step, ...]
    parent_led: bool = False  # led by a parent or caregiver, who confirms that they are one before starting


def translated(protocol: Protocol) -> Protocol:
    """The protocol with its texts in the language spoken now (its structure stays the file's)."""
    return _translated(protocol, current())


@cache
def _translated(protocol: Protocol, language: str) -> Protocol:
    def text(english: str) -> str:
        return _(english) if english else english

    steps = tuple(
        replace(
            step,
            title=text(step.title),
            prompt=text(step.prompt),
            response_prompt=text(step.response_prompt),
            validate_prompt=text(step.validate_prompt),
        )
        for step in protocol.steps
    )
    return replace(
        protocol,
        name=text(protocol.name),
        description=text(protocol.description),
        first_label=text(protocol.first_label),
        second_label=text(protocol.second_label),
        steps=steps,
    )


class ProtocolError(Exception):
    """A protocol file is malformed; the message names the file and the field."""


def load_protocols(folder: Path = PROTOCOL_FOLDER) -> dict[str, Protocol]:
    """Load every `*.toml` in `folder`, keyed by file stem, in name order."""
    protocols = {path.stem: _load_file(path) for path in sorted(folder.glob("*.toml"))}
    if not protocols:
        raise ProtocolError(f"{folder}: no protocol files (*.toml) were found")
    return protocols


def _load_file(path: Path) -> Protocol:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ProtocolError(f"{path}: {error}") from None
    reader = _Reader(path.name, data)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ProtocolError(f"{path.name}: steps must be a non-empty list of [[steps]] tables")
    steps: list[Step] = []
    for index, raw in enumerate(raw_steps):
        steps.extend(_load_step(_Reader(f"{path.name}: steps[{index}]", raw)))
    roles = reader.table("roles")
    return Protocol(
        key=path.stem,
        name=reader.text("name", limit=60),
        description=reader.text("description", limit=PROMPT_LIMIT),
        first_label=_Reader(f"{path.name}: roles", roles).text("first", default=""),
        second_label=_Reader(f"{path.name}: roles", roles).text("second", default=""),
        steps=tuple(steps),
        parent_led=reader.flag("parent_led"),
    )


def _load_step(reader: _Reader) -> list[Step]:
    kind = reader.choice("kind", Kind)
    title = reader.text("title", limit=MODAL_TITLE_LIMIT)
    prompt = reader.text("prompt", limit=PROMPT_LIMIT)
    if kind is not Kind.SPEAK:
        reader.forbid("writer", "each", "response", "response_prompt", "validate_prompt", "optional")
        return [Step(kind=kind, title=title, prompt=prompt)]
    writer = reader.choice("writer", Role, default=Role.FIRST)
    response = reader.choice("response", Response, default=Response.MIRROR)
    response_prompt = reader.text("response_prompt", limit=PROMPT_LIMIT, default="")
    if response is not Response.NONE and not response_prompt:
        raise ProtocolError(f"{reader.where}.response_prompt is needed when response is {response.value!r}")
    validate_prompt = reader.text("validate_prompt", limit=PROMPT_LIMIT, default="")
    if validate_prompt and response is not Response.MIRROR:
        raise ProtocolError(f"{reader.where}.validate_prompt only goes with response = 'mirror'")
    writers = [writer, writer.other] if reader.flag("each") else [writer]
    return [
        Step(
            kind=kind,
            title=title,
            prompt=prompt,
            writer=role,
            response=response,
            response_prompt=response_prompt,
            validate_prompt=validate_prompt,
            optional=reader.flag("optional"),
        )
        for role in writers
    ]


class _Reader:
    """Reads typed fields from one TOML table, naming the place of any mistake."""

    def __init__(self, where: str, data: object) -> None:
        if not isinstance(data, Mapping):
            raise ProtocolError(f"{where} must be a table")
        self.where = where
        self.data: Mapping[str, Any] = data

    def text(self, name: str, *, limit: int = 100, default: str | None = None) -> str:
        raw = self.data.get(name, default)
        if raw is None:
            raise ProtocolError(f"{self.where}.{name} is missing")
        if not isinstance(raw, str):
            raise ProtocolError(f"{self.where}.{name} must be text")
        text = raw.strip()
        if default is None and not text:
            raise ProtocolError(f"{self.where}.{name} must not be empty")
        if len(text) > limit:
            raise ProtocolError(f"{self.where}.{name} is {len(text)} characters; the limit is {limit}")
        return text

    def choice(self, name: str, kind: type[_Choice], *, default: _Choice | None = None) -> _Choice:
        raw = self.data.get(name)
        if raw is None and default is not None:
            return default
        try:
            return kind(str(raw))
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            raise ProtocolError(f"{self.where}.{name} must be one of {allowed} (got {raw!r})") from None

    def flag(self, name: str) -> bool:
        raw = self.data.get(name, False)
        if not isinstance(raw, bool):
            raise ProtocolError(f"{self.where}.{name} must be true or false")
        return raw

    def table(self, name: str) -> Mapping[str, Any]:
        raw = self.data.get(name, {})
        if not isinstance(raw, Mapping):
            raise ProtocolError(f"{self.where}.{name} must be a table")
        return raw

    def forbid(self, *names: str) -> None:
        for name in names:
            if name in self.data:
                raise ProtocolError(f"{self.where}.{name} only applies to speak steps")

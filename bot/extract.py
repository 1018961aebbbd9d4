"""Babel extractors for the texts that are not calls in Python: the protocols' TOML files, and the
slash commands' names and descriptions in the cogs.

`babel.cfg` names them, so `pybabel extract` puts every text a person reads into one template
(`bot/locales/mend.pot`); see the README for the commands. A protocol's texts stay in its file, the
single source of its structure; a command's stay in its decorator.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

# What `pybabel extract` takes from an extractor: line, keyword, message(s), comments for translators.
Extracted = tuple[int, str, str | tuple[str, str], list[str]]
COMMAND = "command name"  # the context of a command's (or a group's) name
OPTION = "option name"  # the context of an option's name
_NAMES = "lowercase letters, digits, - and _ only, at most 32 characters, unique among its neighbours"
_PROTOCOL_TEXTS = (
    ("name", "the name of a way of repairing (at most 60 characters)"),
    ("description", "what this way of repairing is for"),
)
_STEP_TEXTS = (
    ("title", "a step's title, also the title of a form (at most 45 characters)"),
    ("prompt", "what the step asks of the one whose turn it is"),
    ("response_prompt", "what the step asks of the one who listens"),
    ("validate_prompt", "what the listener is asked after reflecting back"),
)
_KEY = re.compile(r"^\s*(\w+)\s*=")


def protocol_texts(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[Extracted]:
    """Every text of a protocol file: its name, description and roles, and each step's words."""
    source = fileobj.read().decode("utf-8")
    data = tomllib.loads(source)
    lines = _key_lines(source)
    for key, note in _PROTOCOL_TEXTS:
        if isinstance(data.get(key), str):
            yield lines.get(("", key), 0), "_", data[key].strip(), [note]
    for key in ("first", "second"):
        label = data.get("roles", {}).get(key)
        if isinstance(label, str):
            note = f"what the {key} person is called in it, as in 'Here Alex is the parent'"
            yield lines.get(("roles", key), 0), "_", label.strip(), [note]
    for index, step in enumerate(data.get("steps", [])):
        for key, note in _STEP_TEXTS:
            if isinstance(step.get(key), str) and step[key].strip():
                yield lines.get((f"steps[{index}]", key), 0), "_", step[key].strip(), [note]


def _key_lines(source: str) -> dict[tuple[str, str], int]:
    """The line each key is set on, by its table ("", "roles" or "steps[n]")."""
    table, steps = "", -1
    found: dict[tuple[str, str], int] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith("[[steps]]"):
            steps += 1
            table = f"steps[{steps}]"
        elif line.startswith("["):
            table = line.strip("[] \n")
        elif match := _KEY.match(line):
            found.setdefault((table, match[1]), number)
    return found


def command_texts(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[Extracted]:
    """The slash commands a cog defines: group and command names and descriptions (from `GroupCog`'s
    arguments and `app_commands.command`), and options' names (its parameters) and descriptions
    (`app_commands.describe`). Names are given a context, since Discord has rules of its own for them."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            yield from _group(node)
        elif isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
            yield from _command(node)


def _group(node: ast.ClassDef) -> Iterator[Extracted]:
    for keyword in node.keywords:
        if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
            if keyword.arg == "group_name":
                yield keyword.lineno, "pgettext", (COMMAND, keyword.value.value), [f"a command group: {_NAMES}"]
            elif keyword.arg == "group_description":
                yield keyword.lineno, "_", keyword.value.value, ["a command group's description (at most 100)"]


def _command(node: ast.AsyncFunctionDef | ast.FunctionDef) -> Iterator[Extracted]:
    calls = {_called(d): d for d in node.decorator_list if isinstance(d, ast.Call)}
    command = calls.get("command")
    if command is None:
        return
    for keyword in command.keywords:
        text = keyword.value.value if isinstance(keyword.value, ast.Constant) else None
        if keyword.arg == "name" and isinstance(text, str):
            yield keyword.lineno, "pgettext", (COMMAND, text), [f"a slash command: {_NAMES}"]
        elif keyword.arg == "description" and isinstance(text, str):
            yield keyword.lineno, "_", text, ["a slash command's description (at most 100 characters)"]
    parameters = [a for a in node.args.args if a.arg not in ("self", "interaction")]
    for parameter in parameters:
        yield parameter.lineno, "pgettext", (OPTION, parameter.arg), [f"an option of a slash command: {_NAMES}"]
    described = calls.get("describe")
    for keyword in described.keywords if described is not None else []:
        if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
            yield keyword.lineno, "_", keyword.value.value, ["an option's description (at most 100 characters)"]


def _called(call: ast.Call) -> str:
    """The name of what a decorator calls (`app_commands.describe(...)` → "describe")."""
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")

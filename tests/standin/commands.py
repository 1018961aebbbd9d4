"""The rules for application commands that Discord's spec does not carry (application-commands.mdx):
names and their localisations, and which languages may be named at all.

The spec checks each localised value's length; these check what the docs add: a localisation's
key is one of Discord's locales, a name is lowercase letters, digits, `-` and `_` (in any script),
sibling commands and options are distinct in every language, and a localised option name differs
from the command's other options' default names too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`, as far as Python's `re` can say it.
NAME = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
_SUBCOMMANDS = (1, 2)


def problems(commands: Iterable[dict[str, Any]], locales: set[str] | None) -> list[str]:
    """What Discord would refuse in a PUT of these (top-level) command definitions; `locales` are
    Discord's (None when the spec is not there: then a key is not checked, only what it names)."""
    defined = list(commands)
    found: list[str] = []
    used = {key for item in _all(defined) for field in _LOCALISED for key in item.get(field) or {}}
    if locales is not None and used - locales:
        found.append(f"localisations have keys that are not Discord locales: {sorted(used - locales)}")
    _siblings(defined, used, "/", found, options=False)
    return found


_LOCALISED = ("name_localizations", "description_localizations")


def _all(items: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for item in items:
        yield item
        yield from _all(item.get("options") or [])


def _siblings(items: list[dict[str, Any]], locales: set[str], where: str, found: list[str], *, options: bool) -> None:
    defaults = {item["name"] for item in items}
    for locale in locales:
        names = [(item.get("name_localizations") or {}).get(locale, item["name"]) for item in items]
        if len(names) != len(set(names)):
            found.append(f"{where}: two of {sorted(defaults)} share the name {locale}")
        if options:
            for item in items:
                name = (item.get("name_localizations") or {}).get(locale)
                if name is not None and name != item["name"] and name in defaults:
                    found.append(f"{where}{item['name']}: its {locale} name {name!r} is another option's name")
    for item in items:
        _one(item, locales, where, found)


def _one(item: dict[str, Any], locales: set[str], where: str, found: list[str]) -> None:
    here = f"{where}{item['name']}"
    for locale, name in [(None, item["name"]), *(item.get("name_localizations") or {}).items()]:
        if not NAME.fullmatch(name) or name != name.lower():
            found.append(f"{here}: the name {name!r} ({locale or 'default'}) breaks Discord's rule for names")
    if item.get("type") not in (None, 1, *_SUBCOMMANDS):
        return  # an option that takes a value: its choices are named freely
    children = item.get("options") or []
    subcommands = [c for c in children if c.get("type") in _SUBCOMMANDS]
    if subcommands:
        _siblings(subcommands, locales, f"{here} ", found, options=False)
    else:
        _siblings(children, locales, f"{here} ", found, options=True)

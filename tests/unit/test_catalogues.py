"""The catalogues: every message Mend's code and protocols hold is translated in every language, none
fuzzy, each filling in the English's placeholders (in every plural form), and slash commands named
as Discord allows and as the sentences that mention them say."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import write_po

from bot.extract import COMMAND, OPTION
from bot.i18n import LOCALES_FOLDER as FOLDER
from bot.i18n import NAMES, SOURCE, catalogue_path, catalogues, load, placeholders_match, read_catalogue

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [tag for tag in NAMES if tag != SOURCE]
Key = tuple[str | None, str | tuple[str, ...]]  # a message's context and id (its forms, if counted)
NAME_RULE = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")


@cache
def in_the_code() -> frozenset[Key]:
    """Every message `pybabel extract` finds in the code and the protocols today (babel.cfg)."""
    with (ROOT / "babel.cfg").open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)  # type: ignore[no-untyped-call]
    found = extract_from_dir(ROOT, method_map, options_map, keywords=DEFAULT_KEYWORDS)
    return frozenset((context, message) for _file, _line, message, _comments, context in found)


def _entries(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def _key(message: Message) -> Key:
    identity = message.id if isinstance(message.id, str) else tuple(message.id)
    return message.context, identity


def test_the_template_holds_exactly_the_messages_in_the_code() -> None:
    template = {_key(m) for m in _entries(read_catalogue(FOLDER / "mend.pot"))}
    assert in_the_code() - template == set(), "new messages: run pybabel extract (see the README)"
    assert template - in_the_code() == set(), "messages no longer in the code: run pybabel extract"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_none_fuzzy_and_placeholders_kept(language: str) -> None:
    catalog = read_catalogue(catalogue_path(language))
    translated = {_key(m): m for m in _entries(catalog)}
    missing = [key for key in in_the_code() if key not in translated or not all(_forms(translated[key]))]
    assert missing == [], f"{language}: untranslated (pybabel update, then translate)"
    assert [key for key, m in translated.items() if m.fuzzy] == [], f"{language}: fuzzy entries to review"
    assert [key for key, m in translated.items() if not placeholders_match(m)] == [], f"{language}: placeholders"
    assert len(_forms(translated[next(k for k in translated if isinstance(k[1], tuple))])) == catalog.num_plurals
    assert not catalog.obsolete, f"{language}: obsolete entries (pybabel update drops them with --ignore-obsolete)"


def _forms(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, tuple | list) else (str(string or ""),)


def test_a_translation_with_other_placeholders_is_shown_in_english(tmp_path: Path) -> None:
    """A slip in a catalogue costs one sentence its translation, never an error in front of someone."""
    catalog = read_catalogue(catalogue_path("de"))
    slipped = catalog.get("{who} is ready. Let's begin.")
    counted = catalog.get(("{count} hour", "{count} hours"))
    assert slipped is not None and counted is not None
    slipped.string = "{wer} ist bereit."
    counted.string = ("{count} Stunde", "{anzahl} Stunden")
    with (tmp_path / "mend.po").open("wb") as file:
        write_po(file, catalog)
    german = load(tmp_path / "mend.po")
    assert german.gettext("{who} is ready. Let's begin.") == "{who} is ready. Let's begin."
    assert german.ngettext("{count} hour", "{count} hours", 4) == "{count} hours", "every plural form is checked"
    assert german.gettext("Not now") == "Nicht jetzt", "the rest is still German"


@pytest.mark.parametrize("language", LANGUAGES)
def test_command_names_follow_discords_rules_and_the_sentences_name_them(language: str) -> None:
    catalog = read_catalogue(catalogue_path(language))
    names = {m.id: str(m.string) for m in _entries(catalog) if m.context in (COMMAND, OPTION)}
    for english, name in names.items():
        assert NAME_RULE.fullmatch(name) and name == name.lower(), f"{language}: {english} → {name!r}"
    commands = {str(m.id): str(m.string) for m in _entries(catalog) if m.context == COMMAND}
    mentioned = re.compile(rf"/({'|'.join(map(re.escape, sorted(commands, key=len, reverse=True)))})(?: ([a-z-]+))?")
    for message in _entries(catalog):
        for source, translation in zip(_ids(message), _forms(message), strict=False):
            for match in mentioned.finditer(source):
                parts = [part for part in match.groups() if part in commands]
                localised = "/" + " ".join(commands[part] for part in parts)
                assert localised in translation, f"{language}: {source!r} should name {localised}"


def _ids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def test_every_language_is_read_at_start_up() -> None:
    assert set(catalogues()) == set(LANGUAGES)
    assert all(catalogue_path(tag).is_file() for tag in LANGUAGES)

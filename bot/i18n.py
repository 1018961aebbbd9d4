"""Mend's languages: the gettext catalogues, which one is spoken now, and Babel's plurals and numbers.

English is the source: every sentence in `bot.wording` and the protocols is written in English
and is its own message id. The other languages are gettext `.po` catalogues in `bot/locales/`,
made and kept up to date with Babel (see the README). They are read when Mend starts (compiled in
memory, so there is no build step and no binary file to drift from its source); an entry whose
placeholders differ from the English is left out, and the English is shown instead.

Which language is spoken is a context variable: each interaction speaks its person's language
(`speak`), and whatever is shown to someone else, such as a repair's thread or a direct message,
is made inside `speaking(language)`. Outside both, Mend speaks English.
"""

from __future__ import annotations

import io
import logging
import string
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

LOCALES_FOLDER = Path(__file__).parent / "locales"
DOMAIN = "mend"
SOURCE = "en"
# The languages Mend speaks, by tag, each named in itself (as a language is best offered).
NAMES = {"en": "English", "es": "Español", "pt-BR": "Português (Brasil)", "de": "Deutsch", "fr": "Français"}
# Discord's locales (what `interaction.locale` can be) that each language serves.
_SERVES = {
    "en-US": "en",
    "en-GB": "en",
    "es-ES": "es",
    "es-419": "es",
    "pt-BR": "pt-BR",
    "de": "de",
    "fr": "fr",
}
_extra: dict[str, tuple[NullTranslations, tuple[str, ...]]] = {}
_speaking: ContextVar[str] = ContextVar("language", default=SOURCE)


def language_of(locale: str | None) -> str | None:
    """The language Mend speaks to someone whose Discord is set to `locale`, or None if it speaks
    no language of theirs. A language's own tag answers itself."""
    if locale is None:
        return None
    for tag, (_, locales) in _extra.items():
        if locale in locales or locale == tag:
            return tag
    return locale if locale in NAMES else _SERVES.get(locale)


def shared_language(first: str | None, second: str | None, server: str | None, chosen: str | None = None) -> str:
    """The one language of a repair's thread, from the two people's last-seen Discord locales and the
    server's: the one chosen, else the language both speak, else the server's, else English."""
    if language_of(chosen) is not None:
        return language_of(chosen) or SOURCE
    both = language_of(first)
    if both is not None and both == language_of(second):
        return both
    return language_of(server) or SOURCE


def speak(locale: str | None) -> None:
    """Speak `locale`'s language (English if Mend has none of theirs) for the rest of this task."""
    _speaking.set(language_of(locale) or SOURCE)


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Speak `language` (a tag or a Discord locale; English if unknown) inside the block."""
    token = _speaking.set(language_of(language) or SOURCE)
    try:
        yield
    finally:
        _speaking.reset(token)


def current() -> str:
    """The tag of the language spoken now."""
    return _speaking.get()


def N_(message: str) -> str:
    """Mark `message` for the catalogues without translating it here: it is translated where it is shown."""
    return message


def _(message: str) -> str:
    """`message` in the language spoken now (English when its catalogue has no translation)."""
    return _translations(current()).gettext(message) if message else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a counted message that fits `count`, by the plural rules of the language spoken now.
    Its `{count}` is filled in by the caller, with `number(count)`."""
    return _translations(current()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """`message` in the language spoken now, where the same English means different things (`context`)."""
    return str(_translations(current()).pgettext(context, message))


def number(value: float) -> str:
    """A number as the language spoken now writes it (1,234 · 1.234 · 1 234)."""
    return format_decimal(value, locale=_locale())


def listed(items: Iterable[str]) -> str:
    """Items joined as the language spoken now joins them ("a, b and c")."""
    items = list(items)
    return format_list(items, locale=_locale()) if items else ""


def month(moment: date, *, year: bool = True, short: bool = False) -> str:
    """A month's name in the language spoken now: "November 2026", "Nov 2026", "November" or "Nov"."""
    if year:
        return format_skeleton("yMMM" if short else "yMMMM", moment, locale=_locale())
    return format_date(moment, "LLL" if short else "LLLL", locale=_locale())


def _locale() -> Locale:
    tag = current()
    return Locale.parse(tag if tag in NAMES else SOURCE, sep="-")


@contextmanager
def extra_language(tag: str, translations: NullTranslations, *locales: str) -> Iterator[None]:
    """Speak another language (a pseudo-locale, say) to people whose Discord is set to `locales`,
    inside the block; it wins over the language those locales otherwise get."""
    _extra[tag] = (translations, locales)
    try:
        yield
    finally:
        del _extra[tag]


def _translations(tag: str) -> NullTranslations:
    if tag in _extra:
        return _extra[tag][0]
    return catalogues().get(tag) or NullTranslations()


@cache
def catalogues() -> dict[str, NullTranslations]:
    """Every language's catalogue, read once (at start-up, or at first use)."""
    return {tag: load(catalogue_path(tag)) for tag in NAMES if tag != SOURCE}


def catalogue_path(tag: str, folder: Path = LOCALES_FOLDER) -> Path:
    return folder / str(Locale.parse(tag, sep="-")) / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, domain=DOMAIN)


def load(path: Path) -> NullTranslations:
    """A `.po` catalogue compiled in memory, leaving out fuzzy entries and any whose placeholders
    differ from the English (those are shown in English, and logged)."""
    if not path.is_file():
        log.warning("There is no catalogue at %s; Mend speaks English instead", path)
        return NullTranslations()
    catalog = read_catalogue(path)
    for message in list(catalog):
        if message.id and message.string and not placeholders_match(message):
            log.warning("%s: the placeholders of %r differ from the English; it is shown in English", path, message.id)
            catalog.delete(message.id, message.context)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def placeholders(text: str) -> set[str]:
    """The `{names}` a message fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def placeholders_match(message: Message) -> bool:
    """Whether a translation fills in the English's placeholders: all of them for a plain message;
    for a counted one, each form has those both English forms have, and none the English lacks."""
    sources, forms = _forms(message.id), _forms(message.string)
    wanted = set.intersection(*(placeholders(s) for s in sources))
    allowed = set.union(*(placeholders(s) for s in sources))
    try:
        found = [placeholders(form) for form in forms if form]
    except ValueError:  # an unmatched brace
        return False
    return all(wanted <= names <= allowed for names in found)


def _forms(text: object) -> tuple[str, ...]:
    """A message's id or translation as its forms (one, or one per plural form)."""
    return tuple(str(form) for form in text) if isinstance(text, tuple | list) else (str(text or ""),)

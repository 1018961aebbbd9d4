"""A pseudo-locale for the tests: every letter of Mend's English accented, every message a third longer.

Made from the template (`bot/locales/mend.pot`), so it has every message Mend knows and nothing else:
text that reaches Discord in plain ASCII letters while Mend speaks it did not come through the
catalogues. Placeholders, mentions, timestamps, links and `/commands` in backticks are kept as they
are. A message is lengthened only up to the next of Discord's limits it already fits (45, 80 or 100
characters), so the pseudo-locale finds text that breaks a layout, not text the English would break.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

from bot.i18n import LOCALES_FOLDER, extra_language, read_catalogue

TAG = "qps"  # what the pseudo-locale is called, as a language
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçðéƒĝĥíĵķľḿñóƥʠŕšţúṽŵẋýžÁƁÇÐÉƑĜĤÍĴĶĽḾÑÓƤǪŔŠŢÚṼŴẊÝŽ",
)
_KEPT = re.compile(r"(\{[^{}]*\}|<[^<>]*>|`[^`]*`|https?://\S+)")
_LIMITS = (45, 80, 100)
PLAIN_WORD = re.compile(r"[A-Za-z]{3,}")


def pseudo(text: str) -> str:
    """`text` with its letters accented and padding added, what it keeps untouched left as it is."""
    parts = _KEPT.split(text)
    accented = "".join(part if index % 2 else part.translate(_ACCENTED) for index, part in enumerate(parts))
    limit = next((limit for limit in _LIMITS if len(text) <= limit), None)
    wanted = math.ceil(len(text) * 1.3)
    padding = max(0, (wanted if limit is None else min(wanted, limit)) - len(text) - 2)
    return f"⟦{accented}{'·' * padding}⟧"


def translations() -> Translations:
    """Every message of the template, in the pseudo-locale."""
    template = read_catalogue(LOCALES_FOLDER / "mend.pot")
    catalog = Catalog(locale="en", domain="mend")
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, str):
            string: str | tuple[str, ...] = pseudo(message.id)
        else:
            string = tuple(pseudo(form) for form in message.id)
        catalog.add(message.id, string, context=message.context)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="mend")


@contextmanager
def speaking_pseudo(*locales: str) -> Iterator[str]:
    """Mend speaks the pseudo-locale to people whose Discord is set to `locales`, inside the block."""
    with extra_language(TAG, translations(), *locales):
        yield TAG

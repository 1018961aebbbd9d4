"""Slash commands in each person's language: the translator discord.py asks when it syncs the tree.

Names and descriptions come from the same catalogues as everything else (`bot/extract.py` puts
them there, names with a context of their own). A name is given only if Discord would take it:
lowercase, letters, digits, `-` and `_`, at most 32 characters. The language option's choices are
each named in their own language, which is how a language is best offered, so they are left as
they are.
"""

from __future__ import annotations

import re

from discord import Locale, app_commands

from bot.app import MendBot
from bot.extract import COMMAND, OPTION
from bot.i18n import SOURCE, _, language_of, pgettext, speaking

# Discord's rule for the names of slash commands and their options (application-commands.mdx).
NAME = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
DESCRIPTION_LIMIT = 100
Where = app_commands.TranslationContextLocation
_NAMED = {Where.command_name: COMMAND, Where.group_name: COMMAND, Where.parameter_name: OPTION}
_DESCRIBED = (Where.command_description, Where.group_description, Where.parameter_description)


class CommandTranslator(app_commands.Translator):
    """Mend's catalogues, for discord.py's command tree."""

    async def translate(
        self, string: app_commands.locale_str, locale: Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        language = language_of(locale.value)
        if language is None or language == SOURCE:
            return None
        with speaking(language):
            if context.location in _NAMED:
                name = pgettext(_NAMED[context.location], string.message)
                return name if NAME.fullmatch(name) and name == name.lower() else None
            if context.location in _DESCRIBED:
                description = _(string.message)
                return description if len(description) <= DESCRIPTION_LIMIT else None
        return None


async def setup(bot: MendBot) -> None:
    await bot.tree.set_translator(CommandTranslator())


async def teardown(bot: MendBot) -> None:
    await bot.tree.set_translator(None)

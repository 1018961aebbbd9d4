"""Mend in each person's language, on the stand-in: private answers in the language of whoever acted,
one language for the thread (the one both use, else the server's, unless the opener chose one),
check-ins in the thread's and direct messages in the person's; the slash commands localised; and a
pseudo-locale that walks every protocol with no English reaching Discord."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import timedelta
from typing import Any

from bot.app import MendBot
from bot.extract import COMMAND, OPTION
from bot.i18n import pgettext, speaking
from bot.protocols import Response, translated
from bot.rupture import Phase
from bot.wording import checkins as checkin_words
from bot.wording import opening, refusals, turns
from bot.wording import privacy as privacy_words
from tests.e2e.steps import accept, finish, open_repair, posted, press, said, sweep, titled, walk, write
from tests.helpers import FakeClock, World
from tests.pseudo import PLAIN_WORD, speaking_pseudo

LANGUAGES = {"es-ES": "es", "es-419": "es", "pt-BR": "pt-BR", "de": "de", "fr": "fr"}
# What is not Mend's own words in a request: mentions, timestamps, channels, links, and `/commands`
# (their names are not localised for a pseudo-locale, which Discord does not have).
_NOT_MENDS = re.compile(r"<[^<>]*>|https?://\S+|`[^`]*`")
_TEXT_KEYS = {"content", "title", "description", "name", "value", "text", "label", "placeholder"}
_SKIPPED_KEYS = {"author", "custom_id", "url", "icon_url", "filename", "allowed_mentions", "nonce", "id"}


def _shown(body: Any, key: str = "") -> list[str]:
    """The texts a person would read in a request body: content, embeds, components, a form, a name."""
    if isinstance(body, dict):
        return [
            text
            for name, value in body.items()
            if name not in _SKIPPED_KEYS and (name != "value" or key == "fields")
            for text in _shown(value, name)
        ]
    if isinstance(body, list):
        return [text for item in body for text in _shown(item, key)]
    return [body] if isinstance(body, str) and key in _TEXT_KEYS else []


def _mends_part(text: str, written: list[str]) -> str:
    """`text` without what people wrote and what is not words."""
    for words in sorted(written, key=len, reverse=True):
        text = text.replace(words, "")
    return _NOT_MENDS.sub("", text)


async def test_a_pseudo_locale_walks_every_protocol_and_no_english_reaches_discord(world: World, mend: MendBot) -> None:
    with speaking_pseudo("en-GB") as pseudo:
        world.guild.locale = "en-GB"
        first, second = world.person("zoë", locale="en-GB"), world.person("åsa", locale="en-GB")
        since = len(world.standin.requests)
        await (await first.slash("repair help", world.general)).reply()
        written: list[str] = []
        for key in ("quick", "full", "parent-child"):
            thread = await open_repair(world, first, second, thread_language=pseudo, protocol=key)
            await accept(world, second, thread, thread_language=pseudo)
            protocol = mend.protocols[key]
            written += await walk(world, thread, protocol, first, second, thread_language=pseudo)
            await finish(world, thread, protocol, first, second, thread_language=pseudo)
        await (await first.slash("repair status", world.general)).reply()
    requests = [r for r in world.standin.requests[since:] if not r.template.endswith("/commands")]
    assert len(requests) > 150, "the three repairs, their forms, prompts and private answers"
    english = {
        (request.method, request.template, _mends_part(text, written))
        for request in requests
        for text in _shown(request.body)
        if PLAIN_WORD.search(_mends_part(text, written))
    }
    assert english == set(), "plain English reached Discord while Mend spoke the pseudo-locale"


async def test_each_partner_hears_their_own_language_and_the_thread_speaks_the_servers(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    world.guild.locale = "fr"
    ana, jonas = world.person("ana", locale="es-419"), world.person("jonas", locale="de")
    asked = await (await ana.slash("repair start", world.general, partner=jonas.user)).reply()
    assert asked.message is not None
    assert [b["label"] for b in asked.message.buttons()] == [said("es", m) for m in _CONSENT], "in ana's Spanish"
    declined = await (await ana.press(asked.message, said("es", opening.NOT_NOW))).reply()
    assert declined.text == said("es", opening.NOTHING_STARTED)

    thread = await open_repair(world, ana, jonas, thread_language="fr")
    assert thread.name == said("fr", opening.thread_name, "0001"), "es last seen, de never seen: the server's French"
    assert said("fr", opening.INVITATION_TITLE) in world.standin.messages(thread)[0].text
    safety = await press(world, jonas, thread, said("fr", turns.READY))
    assert said("de", opening.safety_check, ana.id) in safety.text, "jonas is asked in German"
    await accept(world, jonas, thread, thread_language="fr")
    await posted(world, thread, said("fr", turns.ready, jonas.id))

    opened = await press(world, ana, thread, said("fr", turns.WRITE))
    assert opened.modal is not None
    with speaking("es"):
        assert opened.modal["title"] == translated(mend.protocols["quick"]).steps[0].title, "ana's form, in Spanish"
    refused = await press(world, jonas, thread, said("fr", turns.WRITE))
    assert refused.ephemeral and refused.text == said("de", refusals.whose_turn, ana.id, Phase.WRITE, Response.MIRROR)
    await write(world, ana, thread, said("fr", turns.WRITE), "Me sentí sola el sábado.")
    shown = await posted(world, thread, "Me sentí sola el sábado.")
    with speaking("fr"):
        assert translated(mend.protocols["quick"]).steps[0].title in [e.get("title") for e in shown.embeds]

    clock.advance(days=1)
    assert await sweep(mend) == Counter({"checkin": 1})
    [check_in] = titled(world, thread, said("fr", checkin_words.CHECKIN_TITLE))
    assert said("fr", checkin_words.CHECKIN) in check_in.text, "a check-in speaks the thread's language"
    sent = await jonas.press(check_in, said("fr", checkin_words.SNOOZE_DAY))
    await sent.reply()
    snoozed, until = await sent.followup(), clock.now() + timedelta(days=1)
    assert snoozed.visible_to == jonas.id and snoozed.text == said("de", turns.snoozed_reply, until), "in German"
    await posted(world, thread, said("fr", turns.snoozed, until))


_CONSENT = (opening.START, opening.NOT_SAFE, opening.NOT_NOW)


async def test_a_shared_language_is_kept_the_opener_may_choose_and_direct_messages_speak_the_persons(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    world.guild.locale = "fr"
    jonas, lea = world.person("jonas", locale="de"), world.person("lea", locale="de")
    ana = world.person("ana", locale="es-ES")
    await (await lea.slash("mend timezone", world.general, zone="Europe/Berlin")).reply()  # Mend has seen her now
    german = await open_repair(world, jonas, lea, thread_language="de")
    assert german.name == said("de", opening.thread_name, "0001"), "both last seen in German: the thread is German"

    asked = await (await ana.slash("repair start", world.general, partner=lea.user, language="es")).reply()
    assert f"{said('es', opening.LANGUAGE)} Español" in asked.text, "the choice is shown before anything opens"
    assert asked.message is not None
    await (await ana.press(asked.message, said("es", opening.NOT_NOW))).reply()
    spanish = await open_repair(world, ana, lea, thread_language="es", language="es")
    assert spanish.name == said("es", opening.thread_name, "0002"), "the opener's choice wins"

    clock.advance(days=1)
    assert await sweep(mend) == Counter({"reminder": 2})
    dm = world.standin.dm_channel(lea.user)
    assert dm is not None
    reminders = world.standin.messages(dm)
    assert len(reminders) == 2 and all(said("de", checkin_words.REMINDER_TITLE) in m.text for m in reminders)


async def test_the_synced_commands_are_named_and_described_in_every_language(world: World, mend: MendBot) -> None:
    commands = world.application.commands[None]
    for item in _everything(commands):
        context = COMMAND if item.get("type", 1) in (1, 2) else OPTION
        for locale, language in LANGUAGES.items():
            assert item["name_localizations"][locale] == said(language, pgettext, context, item["name"]), locale
            assert item["description_localizations"][locale] == said(language, item["description"]), locale
    repair = next(c for c in commands if c["name"] == "repair")
    assert (repair["name_localizations"]["de"], repair["name_localizations"]["fr"]) == ("reparatur", "réparer")


def _everything(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Commands, subcommands and options, all the way down."""
    return [found for item in items for found in (item, *_everything(item.get("options") or []))]


async def test_a_persons_language_is_kept_only_as_a_code_exported_and_erased(world: World, mend: MendBot) -> None:
    jonas = world.person("jonas", locale="de")
    await (await jonas.slash("resources", world.general)).reply()
    assert (await mend.db.export(jonas.id))["person"] == [], "nothing is kept for someone Mend keeps nothing about"
    await (await jonas.slash("mend quiet-hours", world.general, start="22:00", end="07:00")).reply()
    exported = await (await jonas.slash("privacy export", world.general)).reply()
    assert exported.message is not None and said("de", privacy_words.EXPORT) in exported.text
    [person] = json.loads(exported.message.files["mend-data.json"])["person"]
    assert person["locale"] == "de", "the language, as Discord's code for it"
    ask = await (await jonas.slash("privacy delete", world.general)).reply()
    assert ask.message is not None
    await (await jonas.press(ask.message, said("de", privacy_words.ERASE))).reply()
    await world.standin.until(lambda: said("de", privacy_words.ERASED) in ask.message.text)  # type: ignore[union-attr]
    assert (await mend.db.export(jonas.id))["person"] == []

"""Discord's limits hold in every language Mend speaks: forms, buttons, embeds, messages, names.

Everything a whole repair of each protocol shows is made in each language (the thread's and the
person's), with what Mend sends on its own and the private cards and buttons of the commands.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.events import Change
from bot.history import Absent, Band, Chart, Entry, Outcome, Pace, Summary
from bot.i18n import NAMES, _, speaking
from bot.plan import Button, Card, Post
from bot.planner import Actor, plan_change
from bot.posts import break_over, checkin, followup_by_dm, followup_in_thread, invitation, invitation_ended, reminder
from bot.prompts import Form, writer_form
from bot.protocols import Role, translated
from bot.rupture import Phase
from bot.wording import checkins, feelings, history, opening, phrases, privacy, server, turns
from tests.pure import PROTOCOLS, SAM, started, walk

MODAL_TITLE, INPUT_LABEL, PLACEHOLDER, BUTTON_LABEL = 45, 45, 100, 80
EMBED_TITLE, FIELD_NAME, FIELD_VALUE, FOOTER, DESCRIPTION, EMBEDS, CONTENT = 256, 256, 1024, 2048, 4096, 6000, 2000
THREAD_NAME, CHOICE_NAME, ALT_TEXT = 100, 100, 1024
WRITING = (Phase.WRITE, Phase.MIRROR, Phase.VALIDATE, Phase.RESPOND, Phase.COLLECT, Phase.COMMITMENTS)
DISCORD_LOCALES = ("en-US", "en-GB", "es-ES", "es-419", "pt-BR", "de", "fr", "it", "ja", "pl", "sv-SE")
LONG_NAME = "x" * 32


def _in(language: str, change: Change) -> Change:
    """The change of a repair whose thread speaks `language`."""
    return replace(
        change, rupture=replace(change.rupture, language=language), before=replace(change.before, language=language)
    )


def _card_fits(card: Card) -> None:
    assert len(card.title or "") <= EMBED_TITLE, card.title
    assert len(card.text) <= DESCRIPTION
    assert len(card.footer or "") <= FOOTER
    assert len(card.fields) <= 25
    for field in card.fields:
        assert 0 < len(field.name) <= FIELD_NAME and 0 < len(field.value) <= FIELD_VALUE, field
    assert len(card) <= EMBEDS


def _buttons_fit(buttons: tuple[Button, ...] | list[Button]) -> None:
    assert all(0 < len(button.label) <= BUTTON_LABEL for button in buttons), [b.label for b in buttons]


def _form_fits(form: Form) -> None:
    assert 0 < len(form.title) <= MODAL_TITLE, form.title
    assert 0 < len(form.label) <= INPUT_LABEL, form.label
    assert len(form.placeholder) <= PLACEHOLDER, form.placeholder
    assert form.question is not None
    assert 0 < len(form.question.label) <= INPUT_LABEL, form.question.label
    assert len(form.question.hint) <= PLACEHOLDER, form.question.hint
    assert all(0 < len(label) <= PLACEHOLDER for _, label in form.question.options)


@pytest.mark.parametrize("language", list(NAMES))
def test_every_form_of_every_protocol_fits(language: str) -> None:
    with speaking(language):
        for key in PROTOCOLS:
            for change, _who in walk(key):
                if change.rupture.phase in WRITING:
                    _form_fits(writer_form(change.rupture, PROTOCOLS[key]))


@pytest.mark.parametrize("language", list(NAMES))
def test_everything_a_repair_shows_fits_in_the_thread_and_in_private(language: str) -> None:
    plans = [
        plan_change(_in(language, change), PROTOCOLS[key], Actor(who, LONG_NAME, locale=language))
        for key in PROTOCOLS
        for change, who in walk(key)
    ]
    rupture = replace(started(), language=language)
    with speaking(language):
        posts: list[Post] = [post for plan in plans for post in plan.posts]
        posts += [invitation(rupture, PROTOCOLS[key]) for key in PROTOCOLS]
        posts += [checkin(rupture), reminder(rupture), followup_by_dm(rupture, Role.FIRST)]
        posts += [followup_in_thread(rupture, Role.FIRST), *break_over(rupture, PROTOCOLS["full"]).posts]
        posts += invitation_ended(rupture).posts
    replies = [plan.reply for plan in plans if plan.reply is not None]
    for post in posts:
        assert len(post.content) <= CONTENT
        assert sum(len(card) for card in post.cards) <= EMBEDS
        _buttons_fit(post.buttons)
        for card in post.cards:
            _card_fits(card)
    for reply in replies:
        assert len(reply.text) <= CONTENT
        _buttons_fit(reply.buttons)
        for card in reply.cards:
            _card_fits(card)
    assert all(len(edit.footer or "") <= FOOTER for plan in plans for edit in plan.edits)


@pytest.mark.parametrize("language", list(NAMES))
def test_every_private_card_and_button_fits(language: str) -> None:
    with speaking(language):
        ways = [translated(protocol) for protocol in PROTOCOLS.values()]
        cards = [opening.guide([(way.name, way.description) for way in ways]), privacy.what_is_kept()]
        cards += [privacy.resources(locale) for locale in DISCORD_LOCALES]
        for way in ways:
            assert len(way.name) <= CHOICE_NAME and all(len(step.title) <= MODAL_TITLE for step in way.steps)
            cards.append(
                opening.consent(
                    SAM, way.name, "t" * 100, first_time=True, parent_led=True, language="Português (Brasil)"
                )
            )
            cards.append(Card(opening.invitation_details(SAM, way.description, (way.first_label, way.second_label))))
        cards.append(Card(_(opening.CALM_DOWN), title=_(opening.CALM_DOWN_TITLE)))
        cards.append(Card(_(feelings.SOOTHING), title=_(feelings.FLOODED_TITLE)))
        cards.append(Card(_(phrases.PALETTE), title=_(phrases.PALETTE_TITLE)))
        for card in cards:
            _card_fits(card)
        labels = [_(text) for _kind, group in phrases.GROUPS for _key, text in group]
        labels += [turns.break_length(minutes) for minutes in (20, 60, 240)]
        labels += [feelings.until_morning(True), feelings.until_morning(False), history.share_with(LONG_NAME)]
        labels += [opening.pick_up(opening.status_name(ways[0].name, LONG_NAME))[:BUTTON_LABEL]]
        labels += [_(text) for text in _LABELS]
        _buttons_fit([Button(label, "") for label in labels])
        assert len(opening.thread_name("ffff")) <= THREAD_NAME
        assert len(server.missing(list(opening.PERMISSION_NAMES.values()))) <= FIELD_VALUE


# Buttons on private answers, made by the cogs from these words.
_LABELS = (
    opening.START,
    opening.START_AS_PARENT,
    opening.NOT_SAFE,
    opening.NOT_NOW,
    opening.CALM_ENOUGH,
    opening.READY_TO_START,
    turns.STEP_AWAY,
    turns.STAY,
    privacy.ERASE,
    privacy.KEEP,
    checkins.BY_DM,
    checkins.IN_THE_THREAD,
    history.DONT_SHARE,
)


@pytest.mark.parametrize("language", list(NAMES))
def test_a_long_history_fits(language: str) -> None:
    months = tuple(date(2026, month, 1) for month in range(1, 13))
    counts = {band: tuple(99 for _ in months) for band in Band}
    chart = Chart(months, counts)
    entries = [Entry(date(2026, 11, 1), "parent-child", Outcome.REPAIRED, timedelta(days=40), 12, Absent.LEFT)] * 40
    told = Summary(1200, 1300, 99, Pace.OWN_TIME, date(2025, 12, 1), date(2026, 11, 1))
    with speaking(language):
        card = history.card(entries, {"parent-child": translated(PROTOCOLS["parent-child"]).name})
        _card_fits(card)
        assert len(history.summary(told)) <= CONTENT
        assert len(history.alt_text(chart, "America/Argentina/ComodRivadavia", shared=True)) <= ALT_TEXT
        _card_fits(history.shared_card(SAM, SAM, told))

"""Mend's words fit Discord's limits wherever they are shown: forms, buttons, embeds, messages."""

from __future__ import annotations

import re

import pytest

from bot.events import Change
from bot.planner import Actor, plan_change
from bot.posts import checkin, followup_by_dm, followup_in_thread, invitation, reminder
from bot.prompts import writer_form
from bot.protocols import Role
from bot.rupture import Phase
from bot.wording import opening, privacy
from tests.pure import PROTOCOLS, SAM, started, walk

MODAL_TITLE, INPUT_LABEL, PLACEHOLDER, BUTTON_LABEL, EMBED_TITLE, FIELD_VALUE = 45, 45, 100, 80, 256, 1024
WRITING = (Phase.WRITE, Phase.MIRROR, Phase.VALIDATE, Phase.RESPOND, Phase.COLLECT, Phase.COMMITMENTS)
CHANGES = [change for key in PROTOCOLS for change, _ in walk(key)]
# Every language a Discord client can be set to (what `interaction.locale` can be).
LOCALES = (
    "id",
    "da",
    "de",
    "en-GB",
    "en-US",
    "es-ES",
    "es-419",
    "fr",
    "hr",
    "it",
    "lt",
    "hu",
    "nl",
    "no",
    "pl",
    "pt-BR",
    "ro",
    "fi",
    "sv-SE",
    "vi",
    "tr",
    "cs",
    "el",
    "bg",
    "ru",
    "uk",
    "hi",
    "th",
    "zh-CN",
    "ja",
    "zh-TW",
    "ko",
)
LONGEST_NAME = "@" + "x" * 32  # how a mention shows, at worst


def shown(text: str) -> str:
    """Text as a phone shows it: mentions as names at their longest, no markdown stars."""
    return re.sub(r"<@[0-9]+>", LONGEST_NAME, text).replace("*", "")


@pytest.mark.parametrize("change", [c for c in CHANGES if c.rupture.phase in WRITING])
def test_every_writing_form_fits(change: Change) -> None:
    form = writer_form(change.rupture, PROTOCOLS[change.rupture.protocol])
    assert 0 < len(form.title) <= MODAL_TITLE
    assert 0 < len(form.label) <= INPUT_LABEL
    assert len(form.placeholder) <= PLACEHOLDER


def test_every_card_and_button_mend_shows_fits() -> None:
    rupture = started()
    plans = [plan_change(change, PROTOCOLS[change.rupture.protocol], Actor(SAM, "Sam")) for change in CHANGES]
    posts = [post for plan in plans for post in plan.posts]
    posts += [
        invitation(rupture, PROTOCOLS["full"]),
        checkin(rupture),
        reminder(rupture),
        followup_by_dm(rupture, Role.FIRST),
        followup_in_thread(rupture, Role.FIRST),
    ]
    cards = [card for post in posts for card in post.cards]
    cards += [opening.guide([(p.name, p.description) for p in PROTOCOLS.values()])]
    cards += [privacy.resources(locale) for locale in LOCALES]
    cards += [privacy.what_is_kept(), opening.consent(SAM, "Full repair", "x" * 100, first_time=True, parent_led=True)]
    for card in cards:
        assert len(card.title or "") <= EMBED_TITLE
        assert all(len(field.value) <= FIELD_VALUE for field in card.fields)
    assert all(len(button.label) <= BUTTON_LABEL for post in posts for button in post.buttons)
    assert all(len(post.content) <= 2000 for post in posts)


@pytest.mark.parametrize("key", list(PROTOCOLS))
def test_the_invitation_fits_a_phone_screen_before_its_buttons(key: str) -> None:
    post = invitation(started(), PROTOCOLS[key])
    [card] = post.cards
    assert len(shown(post.content or "")) + len(card.title or "") + len(shown(card.text)) <= 300


@pytest.mark.parametrize("locale", LOCALES)
def test_help_is_for_where_someone_probably_is_with_the_police_last(locale: str) -> None:
    card = privacy.resources(locale)
    lines = [field.value for field in card.fields]
    assert any("findahelpline.com" in line for line in lines), "a way to find a line anywhere"
    assert any("safer device" in line for line in lines), "the advice that a device may be watched"
    assert "emergency number" in lines[-1], "the emergency number comes last, never first"
    assert "not your fault" in card.text


def test_the_lines_follow_the_language() -> None:
    def text(locale: str) -> str:
        return "\n".join(field.value for field in privacy.resources(locale).fields)

    assert "116 016" in text("de") and "116 111" in text("pl"), "the EU's lines for women and children"
    assert "Kids Help Phone" in text("en-US") and "Canada" in text("fr"), "Canada, in English and French"
    assert "Ireland" in text("en-GB") and "Childline" in text("en-GB"), "Ireland, and a line for children"
    assert "Disque **100**" in text("pt-BR")

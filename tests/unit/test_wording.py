"""Mend's words fit Discord's limits wherever they are shown: forms, buttons, embeds, messages."""

from __future__ import annotations

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
    cards += [opening.guide([(p.name, p.description) for p in PROTOCOLS.values()]), privacy.resources()]
    cards += [privacy.what_is_kept(), opening.consent(SAM, "Full repair", "x" * 100)]
    for card in cards:
        assert len(card.title or "") <= EMBED_TITLE
        assert all(len(field.value) <= FIELD_VALUE for field in card.fields)
    assert all(len(button.label) <= BUTTON_LABEL for post in posts for button in post.buttons)
    assert all(len(post.content) <= 2000 for post in posts)

"""Buttons and forms to and from their `custom_id`s, and how the sweep recognises what it sent."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import components
from bot.actions import Move
from bot.components import (
    AcknowledgeButton,
    CheckinButton,
    CheckinChoice,
    Choice,
    Component,
    ConsentButton,
    EndBreak,
    EraseButton,
    FollowupAnswer,
    FollowupButton,
    FollowupWay,
    InvitationDetails,
    LeaveButton,
    LeaveStep,
    OfferBreak,
    ResourcesButton,
    SafetyAnswer,
    ShareButton,
    StartChoice,
    TakeBreak,
    TurnButton,
    WriteButton,
    WriteForm,
)
from bot.plan import Button
from bot.posts import break_over, checkin, followup_by_dm, reminder
from bot.protocols import Role
from bot.rupture import Due, Phase, Position
from tests.pure import PROTOCOLS, started

AT = Position(12, Phase.CONFIRM, 3)
EVERY_KIND: list[Component] = [
    *(TurnButton(2**63 - 1, AT, move) for move in Move),
    WriteButton(7, AT),
    AcknowledgeButton(7, AT, Role.SECOND),
    WriteForm(7, AT),
    OfferBreak(7),
    TakeBreak(7, 240),
    EndBreak(7),
    *(LeaveButton(7, step) for step in LeaveStep),
    *(CheckinButton(7, choice) for choice in CheckinChoice),
    *(FollowupButton(7, role, answer) for role in Role for answer in FollowupAnswer),
    *(ConsentButton(123456789012345678, "parent-child", choice) for choice in StartChoice),
    *(SafetyAnswer(7, AT, move) for move in (Move.READY, Move.NOT_SAFE)),
    SafetyAnswer(7, AT, Move.READY, 1576849394106368012),
    InvitationDetails(7),
    *(FollowupWay(7, role, by_dm) for role in Role for by_dm in (True, False)),
    EraseButton(123456789012345678, Choice.NO),
    *(ShareButton(123456789012345678, choice) for choice in Choice),
    ResourcesButton(),
]


@pytest.mark.parametrize("component", EVERY_KIND, ids=lambda c: c.custom_id)
def test_every_component_survives_its_custom_id(component: Component) -> None:
    assert len(component.custom_id) <= 100, "Discord's limit"
    assert components.parse(component.custom_id) == component


@pytest.mark.parametrize(
    "forged",
    [
        "mend:turn:١:0:write:0:ready",  # Arabic-Indic digit one
        "mend:turn:1:٠:write:0:ready",
        "mend:break:1:２０",  # full-width digits
        "mend:erase:１:yes",
        "mend:share:１２:yes",
        "mend:share:12:maybe",
        "mend:turn:1:0:write:0:ready-first",
        "mend:turn:1:0:bogus:0:ready",
        "mend:checkin:1:later",
        "mend:",
        "mend",
        "not-mend:resources",
        "mend:resources:extra",
    ],
)
def test_only_well_formed_ids_with_ascii_digits_are_read(forged: str) -> None:
    assert components.parse(forged) is None


def test_a_message_id_past_63_bits_in_a_safety_answer_is_no_message() -> None:
    answer = SafetyAnswer(7, AT, Move.READY)
    assert components.parse(f"{answer.custom_id}:9999999999999999999") == answer


@given(st.text(max_size=100))
def test_any_text_is_either_a_component_or_nothing(text: str) -> None:
    parsed = components.parse(text)
    assert parsed is None or parsed.custom_id == text


def _ids(buttons: tuple[Button, ...]) -> list[str]:
    return [button.target for button in buttons]


def test_the_sweep_recognises_each_item_it_sent_by_its_buttons_and_nothing_else() -> None:
    rupture = replace(started(), prompt_message_id=500, thread_id=100)
    sent = {
        Due.CHECKIN: _ids(checkin(rupture).buttons),
        Due.INVITE_REMINDER: _ids(reminder(rupture).buttons),
        Due.PAUSE_END: _ids(break_over(rupture, PROTOCOLS["quick"]).posts[0].buttons),
    }
    assert components.matches(_ids(checkin(rupture, parent_led=True).buttons), Due.CHECKIN, rupture)
    for due, ids in sent.items():
        assert components.matches(ids, due, rupture)
        others = [other for other in sent if other is not due]
        assert not any(components.matches(ids, other, rupture) for other in others), due
    asked = _ids(followup_by_dm(rupture, Role.SECOND).buttons)
    assert components.matches(asked, Due.FOLLOWUP, rupture, Role.SECOND)
    assert not components.matches(asked, Due.FOLLOWUP, rupture, Role.FIRST)
    elsewhere = replace(rupture, id=rupture.id + 1)
    assert not components.matches(sent[Due.CHECKIN], Due.CHECKIN, elsewhere), "another rupture's check-in"

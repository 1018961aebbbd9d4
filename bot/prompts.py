"""The prompt for where a repair stands, and the form for a writing turn, as plain data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.actions import Move
from bot.components import LeaveButton, LeaveStep, OfferBreak, ResourcesButton, TurnButton, WriteButton, WriteForm
from bot.plan import Button, Card, Style
from bot.protocols import Kind, Protocol
from bot.rupture import Commitment, Phase, Progress, Rupture, Seat, current_step, turn
from bot.wording import privacy
from bot.wording import turns as words

TEXT_LIMIT = 4000
MODAL_TITLE_LIMIT = 45
PLACEHOLDER_LIMIT = 100

_Choice = tuple[Move | None, str]  # None is the writing button


@dataclass(frozen=True)
class Form:
    """A form (modal) with one paragraph box."""

    custom_id: str
    title: str
    label: str
    placeholder: str
    max_length: int = TEXT_LIMIT


def prompt(rupture: Rupture, protocol: Protocol) -> tuple[Card, tuple[Button, ...]]:
    """The card for where the rupture stands now (what to do, who does it) and its buttons.

    The first button is the main one; every prompt but the closing one also offers a break and
    stepping away.
    """
    if rupture.phase is Phase.COMMITMENTS:
        title, text, choices = _closing(rupture)
    elif rupture.phase is Phase.RECOGNITION:
        title, text, choices = words.RECOGNITION_TITLE, words.RECOGNITION, _RECOGNITION_CHOICES
    else:
        title, text, choices = _step(rupture, protocol)
    buttons = [
        Button.to(_component(rupture, move), label, Style.PRIMARY if index == 0 else Style.SECONDARY)
        for index, (move, label) in enumerate(choices)
    ]
    if rupture.phase is not Phase.COMMITMENTS:
        buttons += [
            Button.to(OfferBreak(rupture.id), words.TAKE_A_BREAK),
            Button.to(LeaveButton(rupture.id, LeaveStep.ASK), words.STEP_AWAY),
        ]
    return Card(text, title=title), with_help(*buttons)


def with_help(*buttons: Button) -> tuple[Button, ...]:
    """A message's buttons and, last, the private *Help and safety* that every prompt carries."""
    return (*buttons, Button.to(ResourcesButton(), privacy.HELP_AND_SAFETY))


def retired_invitation_buttons() -> tuple[Button, ...]:
    """What stays on an answered invitation: its help-and-safety button."""
    return with_help()


def writer_form(rupture: Rupture, protocol: Protocol) -> Form:
    step = current_step(rupture, protocol)
    title = words.form_title(rupture.phase, step.title if step is not None else None)
    return Form(
        custom_id=WriteForm(rupture.id, rupture.position).custom_id,
        title=title[:MODAL_TITLE_LIMIT],
        label=words.form_label(rupture.phase),
        placeholder=words.form_placeholder(rupture.phase, step is not None)[:PLACEHOLDER_LIMIT],
    )


_RECOGNITION_CHOICES: list[_Choice] = [(Move.UNDERSTOOD, words.UNDERSTOOD), (Move.NOT_YET, words.NOT_YET)]


def _component(rupture: Rupture, move: Move | None) -> TurnButton | WriteButton:
    if move is None:
        return WriteButton(rupture.id, rupture.position)
    return TurnButton(rupture.id, rupture.position, move)


def _progress(rupture: Rupture, done: Callable[[Seat], bool], verb: str) -> str:
    return words.progress(sum(done(seat) for seat in (rupture.first, rupture.second)), verb)


def _has_answered(seat: Seat) -> bool:
    return seat.commitment is not Commitment.PENDING


def _has_done(seat: Seat) -> bool:
    return seat.progress is Progress.DONE


def _closing(rupture: Rupture) -> tuple[str, str, list[_Choice]]:
    text = words.CLOSING + _progress(rupture, _has_answered, words.ANSWERED)
    return words.CLOSING_TITLE, text, [(None, words.NAME_ONE_THING), (Move.SKIP, words.NOTHING_TO_ADD)]


def _step(rupture: Rupture, protocol: Protocol) -> tuple[str, str, list[_Choice]]:
    step = current_step(rupture, protocol)
    assert step is not None
    number, total = rupture.step + 1, len(protocol.steps)
    heading = words.step_heading(number, total, step.title)
    if step.kind is Kind.AGREE:
        return heading, step.prompt + _progress(rupture, _has_done, words.AGREED), [(Move.AGREE, words.AGREE)]
    if step.kind is Kind.SEALED:
        text = words.sealed_prompt(step.prompt) + _progress(rupture, _has_done, words.WRITTEN)
        return heading, text, [(None, words.WRITE_PRIVATELY)]
    holder = turn(rupture, protocol)
    assert holder is not None
    who, other = rupture.user_id(holder), rupture.user_id(holder.other)
    phase = rupture.phase
    if phase is Phase.WRITE:
        choices: list[_Choice] = [(None, words.WRITE)] + ([(Move.SKIP, words.SKIP_STEP)] if step.optional else [])
        return heading, words.floor_prompt(step.prompt, who, other, step.response), choices
    if phase is Phase.MIRROR:
        text = words.mirror_prompt(step.response_prompt, who, other, again=rupture.round > 0)
        return words.step_heading(number, total, words.REFLECT_TITLE), text, [(None, words.REFLECT_BACK)]
    if phase is Phase.CONFIRM:
        title = words.step_heading(number, total, words.CONFIRM_TITLE)
        return title, words.confirm_prompt(who, other), [(Move.GOT_IT, words.GOT_IT), (Move.NOT_QUITE, words.NOT_QUITE)]
    if phase is Phase.VALIDATE:
        title = words.step_heading(number, total, words.VALIDATE_TITLE)
        return title, words.your_turn(step.validate_prompt, who), [(None, words.WRITE)]
    choices = [(Move.ACCEPT, words.ACCEPT), (None, words.SAY_WHAT_I_NEED)]
    return heading, words.your_turn(step.response_prompt, who), choices

"""The prompt for where a repair stands, and the form for a writing turn, as plain data, in the
language spoken now (the thread's for a prompt, the writer's for a form)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.actions import Move
from bot.components import (
    Feeling,
    LeaveButton,
    LeaveStep,
    OfferBreak,
    PhrasePalette,
    ResourcesButton,
    TurnButton,
    WriteButton,
    WriteForm,
)
from bot.i18n import _
from bot.plan import Button, Card, Style
from bot.protocols import Kind, Protocol, Response, translated
from bot.rupture import Commitment, Phase, Progress, Rupture, Seat, Status, current_step, turn
from bot.steps import may_move_on
from bot.wording import feelings, privacy
from bot.wording import turns as words

TEXT_LIMIT = 800  # a phone screen's worth: a turn is a sentence or two, not a letter
MODAL_TITLE_LIMIT = 45
PLACEHOLDER_LIMIT = 100

_Choice = tuple[Move | None, str]  # None is the writing button
# Where the choices are answers (did it land, do you accept, do you feel understood, will you say
# something), they look alike, so that none is pushed.
_ANSWERS = (Phase.CONFIRM, Phase.CLARIFY, Phase.RESPOND, Phase.RECOGNITION, Phase.OFFER)


FEELING = "feeling"  # the id, in a form, of "how are you right now?"


@dataclass(frozen=True)
class Question:
    """A one-tap question at the top of a form: one of `options` (value, label), or none."""

    custom_id: str
    label: str
    hint: str
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Form:
    """A form (modal) with one paragraph box, and a question above it."""

    custom_id: str
    title: str
    label: str
    placeholder: str
    max_length: int = TEXT_LIMIT
    question: Question | None = None


def prompt(rupture: Rupture, protocol: Protocol) -> tuple[Card, tuple[Button, ...]]:
    """The card for where the rupture stands now (what to do, who does it) and its buttons.

    Where there is one thing to do, its button is the main one; answers (did it land, do you accept,
    do you feel understood) look alike, so none is pushed. While the repair is under way every
    prompt also offers the repair phrases, a break and stepping away; every prompt offers help.
    """
    title, text, choices = _where(rupture, translated(protocol))
    main = Style.SECONDARY if rupture.phase in _ANSWERS and len(choices) > 1 else Style.PRIMARY
    buttons = [
        Button.to(_component(rupture, move), _(label), main if index == 0 else Style.SECONDARY)
        for index, (move, label) in enumerate(choices)
    ]
    if rupture.status is Status.ACTIVE:
        buttons += [
            Button.to(PhrasePalette(rupture.id), _(words.PHRASES)),
            Button.to(OfferBreak(rupture.id), _(words.TAKE_A_BREAK)),
            Button.to(LeaveButton(rupture.id, LeaveStep.ASK), _(words.STEP_AWAY)),
        ]
    return Card(text, title=title), with_help(*buttons)


def with_help(*buttons: Button) -> tuple[Button, ...]:
    """A message's buttons and, last, the private *Help and safety* that every prompt carries."""
    return (*buttons, Button.to(ResourcesButton(), _(privacy.HELP_AND_SAFETY)))


def retired_invitation_buttons() -> tuple[Button, ...]:
    """What stays on an answered invitation: its help-and-safety button."""
    return with_help()


def writer_form(rupture: Rupture, protocol: Protocol) -> Form:
    step = current_step(rupture, translated(protocol))
    title = words.form_title(rupture.phase, step.title if step is not None else None)
    return Form(
        custom_id=WriteForm(rupture.id, rupture.position).custom_id,
        title=title[:MODAL_TITLE_LIMIT],
        label=words.form_label(rupture.phase),
        placeholder=words.form_placeholder(rupture.phase, step is not None)[:PLACEHOLDER_LIMIT],
        question=_how_are_you(),
    )


def _how_are_you() -> Question:
    feeling = ((Feeling.CALM, feelings.CALM), (Feeling.TENSE, feelings.TENSE), (Feeling.FLOODED, feelings.FLOODED))
    return Question(FEELING, _(feelings.QUESTION), _(feelings.HINT), tuple((v, _(label)) for v, label in feeling))


def _component(rupture: Rupture, move: Move | None) -> TurnButton | WriteButton:
    if move is None:
        return WriteButton(rupture.id, rupture.position)
    return TurnButton(rupture.id, rupture.position, move)


def _progress(rupture: Rupture, done: Callable[[Seat], bool], sentence: str) -> str:
    return words.progress(sum(done(seat) for seat in (rupture.first, rupture.second)), sentence)


def _has_answered(seat: Seat) -> bool:
    return seat.commitment is not Commitment.PENDING


def _has_done(seat: Seat) -> bool:
    return seat.progress is Progress.DONE


def _where(rupture: Rupture, protocol: Protocol) -> tuple[str, str, list[_Choice]]:
    """The title, text and choices (their English labels) of the prompt for where the rupture stands."""
    first, second = rupture.first.user_id, rupture.second.user_id
    phase = rupture.phase
    if phase is Phase.COMMITMENTS:
        text = _(words.CLOSING) + _progress(rupture, _has_answered, words.ANSWERED)
        return _(words.CLOSING_TITLE), text, [(None, words.NAME_ONE_THING), (Move.SKIP, words.NOTHING_TO_ADD)]
    if phase is Phase.OFFER:
        return (
            _(words.OFFER_TITLE),
            words.offer_prompt(second, first),
            [(None, words.WRITE), (Move.SKIP, words.NOTHING_TO_ADD)],
        )
    if phase is Phase.REFLECT:
        return _(words.REFLECT_TITLE), words.reflect_prompt(first, second), [(None, words.REFLECT_BACK)]
    if phase is Phase.RECOGNITION:
        return (
            _(words.RECOGNITION_TITLE),
            _(words.RECOGNITION),
            [(Move.UNDERSTOOD, words.UNDERSTOOD), (Move.NOT_YET, words.NOT_YET)],
        )
    if phase is Phase.HEAR:
        holder = turn(rupture, protocol)
        assert holder is not None
        text = words.hear_prompt(rupture.user_id(holder), rupture.user_id(holder.other))
        return _(words.ANSWER_TITLE), text, [(None, words.ANSWER)]
    return _step(rupture, protocol)


def _step(rupture: Rupture, protocol: Protocol) -> tuple[str, str, list[_Choice]]:
    step = current_step(rupture, protocol)
    assert step is not None
    number, total = rupture.step + 1, len(protocol.steps)

    def heading(title: str) -> str:
        return words.step_heading(number, total, title)

    if step.kind is Kind.AGREE:
        return (
            heading(step.title),
            step.prompt + _progress(rupture, _has_done, words.AGREED),
            [(Move.AGREE, words.AGREE)],
        )
    if step.kind is Kind.SEALED:
        text = words.sealed_prompt(step.prompt) + _progress(rupture, _has_done, words.WRITTEN)
        return heading(step.title), text, [(None, words.WRITE_PRIVATELY)]
    holder = turn(rupture, protocol)
    assert holder is not None
    who, other = rupture.user_id(holder), rupture.user_id(holder.other)
    phase = rupture.phase
    moving_on: list[_Choice] = [(Move.MOVE_ON, words.MOVE_ON)] if may_move_on(rupture) else []
    if phase is Phase.WRITE and rupture.round > 0:
        return heading(_(words.MORE_TITLE)), words.more_prompt(who, other), [(None, words.WRITE)]
    if phase is Phase.WRITE:
        choices: list[_Choice] = [(None, words.WRITE)] + ([(Move.SKIP, words.SKIP_STEP)] if step.optional else [])
        return heading(step.title), words.floor_prompt(step.prompt, who, other, step.response), choices
    if phase is Phase.CLARIFY:
        choices = [(None, words.SAY_WHAT_WAS_MISSED), (Move.SKIP, words.TRY_AGAIN)]
        return heading(_(words.CLARIFY_TITLE)), words.clarify_prompt(who, other), choices
    if phase is Phase.MIRROR:
        text = words.mirror_prompt(step.response_prompt, who, other, again=rupture.round > 0)
        return heading(_(words.REFLECT_TITLE)), text, [(None, words.REFLECT_BACK)]
    if phase is Phase.CONFIRM:
        choices = [(Move.GOT_IT, words.GOT_IT), (Move.MORE, words.MORE), (Move.NOT_QUITE, words.NOT_QUITE)]
        text = words.confirm_prompt(who, other, may_move_on(rupture))
        return heading(_(words.CONFIRM_TITLE)), text, choices + moving_on
    if phase is Phase.VALIDATE:
        return heading(_(words.VALIDATE_TITLE)), words.your_turn(step.validate_prompt, who), [(None, words.WRITE)]
    if phase is Phase.REPLY:
        return heading(_(words.ANSWER_TITLE)), words.answer_prompt(who, other), [(None, words.ANSWER)]
    if step.response is Response.READ:
        return heading(step.title), words.your_turn(step.response_prompt, who), [(Move.READ, words.READ)]
    choices = [(Move.ACCEPT, words.ACCEPT), (None, words.SAY_WHAT_I_NEED), *moving_on]
    return heading(step.title), words.your_turn(step.response_prompt, who), choices

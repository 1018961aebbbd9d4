"""What an action changes inside the steps of a repair, once `bot.repair` has said it may be taken.

Pure Python. The speaking steps loop the speaker in: after *not quite* the speaker may say what was
missed, after *got it* they may say there is more, and after three rounds either may move on for
now. A listener who still needs something says so and the speaker answers it. At the end, both are
asked whether they feel understood enough for now; *not yet* is a full answer, and whoever gives it
may tell the other what they still need, which the other answers. A parent-led repair is complete
once the parent has done their part; the child is then offered, never asked, to answer.
"""

from __future__ import annotations

from dataclasses import replace

from bot.actions import Acknowledge, Action, Context, Move, Press, Write
from bot.events import (
    Accepted,
    Agreed,
    Change,
    Closed,
    CommitmentAcknowledged,
    CommitmentNamed,
    Confirmed,
    Decision,
    Event,
    MovedOn,
    NewPrompt,
    Recognised,
    Refusal,
    RefusalReason,
    Resolved,
    Revealed,
    Skipped,
    Wrote,
    WrotePrivately,
)
from bot.protocols import Kind, Protocol, Response, Role
from bot.rupture import Commitment, FollowUp, Phase, Progress, Rupture, Status, first_phase

ROUNDS_BEFORE_MOVING_ON = 3  # after this many rounds of a loop, either person may move on for now

_PHASES_OF_MOVE: dict[Move, tuple[Phase, ...]] = {
    Move.READY: (Phase.INVITATION,),
    Move.NOT_NOW: (Phase.INVITATION,),
    Move.DECLINE: (Phase.INVITATION,),
    Move.NOT_SAFE: (Phase.INVITATION,),
    Move.SKIP: (Phase.WRITE, Phase.CLARIFY, Phase.COMMITMENTS, Phase.OFFER),
    Move.GOT_IT: (Phase.CONFIRM,),
    Move.MORE: (Phase.CONFIRM,),
    Move.NOT_QUITE: (Phase.CONFIRM,),
    Move.MOVE_ON: (Phase.CONFIRM, Phase.RESPOND),
    Move.ACCEPT: (Phase.RESPOND,),
    Move.READ: (Phase.RESPOND,),
    Move.AGREE: (Phase.COLLECT,),
    Move.UNDERSTOOD: (Phase.RECOGNITION,),
    Move.NOT_YET: (Phase.RECOGNITION,),
}
_WRITTEN_IN = (
    Phase.WRITE,
    Phase.MIRROR,
    Phase.CLARIFY,
    Phase.VALIDATE,
    Phase.RESPOND,
    Phase.REPLY,
    Phase.COLLECT,
    Phase.RECOGNITION,
    Phase.HEAR,
    Phase.COMMITMENTS,
    Phase.OFFER,
    Phase.REFLECT,
)


def phases_of(action: Press | Write | Acknowledge) -> tuple[Phase, ...]:
    """The phases in which `action` means something."""
    if isinstance(action, Press):
        return _PHASES_OF_MOVE[action.move]
    if isinstance(action, Write):
        return _WRITTEN_IN
    return (Phase.COMMITMENTS,)


def may_move_on(rupture: Rupture) -> bool:
    """Whether a loop has gone round often enough that either person may move on for now."""
    return rupture.phase in (Phase.CONFIRM, Phase.RESPOND) and rupture.round >= ROUNDS_BEFORE_MOVING_ON


def take(rupture: Rupture, protocol: Protocol, role: Role, action: Action, context: Context) -> Decision:
    """What `role` taking `action` in the current phase changes (who may act was settled before)."""
    phase = rupture.phase
    if phase is Phase.COLLECT:
        return _collect(rupture, protocol, role, action, context)
    if phase in (Phase.RECOGNITION, Phase.HEAR):
        return _recognise(rupture, role, action)
    if phase is Phase.COMMITMENTS:
        return _commit(rupture, role, action)
    if phase in (Phase.OFFER, Phase.REFLECT):
        return _offer(rupture, role, action)
    return _speak(rupture, protocol, role, action)


def moved(rupture: Rupture, protocol: Protocol, index: int, *events: Event) -> Change:
    """Move to step `index`; after the last step, to "do you feel understood enough?" (or, led by a
    parent, to the repair's completion)."""
    if index < len(protocol.steps):
        entered = replace(rupture, step=index, phase=first_phase(protocol.steps[index]), round=0)
        return _shown(entered.with_seats(progress=Progress.NONE), *events)
    if protocol.parent_led:
        done = replace(rupture, step=index, status=Status.RESOLVED, phase=Phase.OFFER, round=0)
        return _shown(replace(done, resolved_at=rupture.updated_at), *events, Resolved(parent_led=True))
    entered = replace(rupture, step=index, phase=Phase.RECOGNITION, round=0)
    return _shown(entered.with_seats(progress=Progress.NONE), *events)


def _speak(rupture: Rupture, protocol: Protocol, role: Role, action: Action) -> Decision:
    step = protocol.steps[rupture.step]
    phase = rupture.phase
    if isinstance(action, Write):
        written = Wrote(role, phase, rupture.step, action.text)
        if phase in (Phase.WRITE, Phase.CLARIFY) and step.response is Response.MIRROR:
            return _shown(replace(rupture, phase=Phase.MIRROR), written)
        if phase is Phase.WRITE and step.response in (Response.ACCEPT, Response.READ):
            return _shown(replace(rupture, phase=Phase.RESPOND), written)
        if phase is Phase.MIRROR:
            return _shown(replace(rupture, phase=Phase.CONFIRM), written)
        if phase is Phase.RESPOND:  # what the listener still needs: the speaker answers it
            return _shown(replace(rupture, phase=Phase.REPLY), written)
        if phase is Phase.REPLY:
            return _shown(replace(rupture, phase=Phase.RESPOND, round=rupture.round + 1), written)
        return moved(rupture, protocol, rupture.step + 1, written)
    assert isinstance(action, Press)
    move = action.move
    if move is Move.SKIP and phase is Phase.CLARIFY:  # nothing to add: let them reflect again
        return _shown(replace(rupture, phase=Phase.MIRROR))
    if move is Move.SKIP:
        if not step.optional:
            return Refusal(RefusalReason.DONE_ALREADY)
        return moved(rupture, protocol, rupture.step + 1, Skipped(role, phase))
    if move is Move.NOT_QUITE:
        return _shown(replace(rupture, phase=Phase.CLARIFY, round=rupture.round + 1), Confirmed(role, landed=False))
    if move is Move.MORE:
        return _shown(replace(rupture, phase=Phase.WRITE, round=rupture.round + 1), Confirmed(role, True, more=True))
    if move is Move.MOVE_ON:
        return _past_the_loop(rupture, protocol, MovedOn(role))
    if move is Move.GOT_IT:
        return _past_the_loop(rupture, protocol, Confirmed(role, landed=True))
    return moved(rupture, protocol, rupture.step + 1, Accepted(role, read=move is Move.READ))


def _past_the_loop(rupture: Rupture, protocol: Protocol, event: Event) -> Change:
    """On from reflecting back: to validating, where the step has it, else to the next step."""
    if rupture.phase is Phase.CONFIRM and protocol.steps[rupture.step].validate_prompt:
        return _shown(replace(rupture, phase=Phase.VALIDATE), event)
    return moved(rupture, protocol, rupture.step + 1, event)


def _collect(rupture: Rupture, protocol: Protocol, role: Role, action: Action, context: Context) -> Decision:
    step = protocol.steps[rupture.step]
    if (step.kind is Kind.SEALED) != isinstance(action, Write):
        return Refusal(RefusalReason.DONE_ALREADY)  # writing in an agree step, or agreeing in a sealed one
    marked = rupture.with_seat(role, replace(rupture.seat(role), progress=Progress.DONE))
    if not isinstance(action, Write):
        if marked.seat(role.other).progress is Progress.NONE:
            return Change(rupture, marked, (Agreed(role),))
        return moved(marked, protocol, rupture.step + 1, Agreed(role))
    if marked.seat(role.other).progress is Progress.NONE:
        return Change(rupture, marked, (WrotePrivately(role),), keep_private=(role, action.text))
    answers = {**context.sealed, role: action.text}
    revealed = Revealed(rupture.step, tuple((r, answers.get(r, "")) for r in (Role.FIRST, Role.SECOND)))
    return replace(moved(marked, protocol, rupture.step + 1, revealed), erase_private=True)


def _recognise(rupture: Rupture, role: Role, action: Action) -> Decision:
    """Understood enough for now, or not yet; someone not understood yet may say what they still
    need, and the other answers it before both are asked again."""
    if rupture.phase is Phase.HEAR:
        assert isinstance(action, Write)
        needing = role.other
        heard = rupture.with_seat(needing, replace(rupture.seat(needing), progress=Progress.NONE))
        written = Wrote(role, Phase.HEAR, rupture.step, action.text)
        return _shown(replace(heard, phase=Phase.RECOGNITION, round=rupture.round + 1), written)
    seat = rupture.seat(role)
    if isinstance(action, Write):
        if seat.progress is not Progress.NOT_YET:
            return Refusal(RefusalReason.DONE_ALREADY)
        needs = rupture.with_seat(role, replace(seat, progress=Progress.NEEDS))
        return _shown(replace(needs, phase=Phase.HEAR), Wrote(role, Phase.RECOGNITION, rupture.step, action.text))
    assert isinstance(action, Press)
    understood = action.move is Move.UNDERSTOOD
    progress = Progress.UNDERSTOOD if understood else Progress.NOT_YET
    marked = rupture.with_seat(role, replace(seat, progress=progress))
    answered = Recognised(role, understood)
    if marked.first.progress is Progress.UNDERSTOOD and marked.second.progress is Progress.UNDERSTOOD:
        resolved = replace(marked, status=Status.RESOLVED, phase=Phase.COMMITMENTS, resolved_at=rupture.updated_at)
        return Change(rupture, resolved, (answered, Resolved(), NewPrompt(resolved.position)))
    return Change(rupture, marked, (answered,))


def _commit(rupture: Rupture, role: Role, action: Action) -> Decision:
    event: Event
    if isinstance(action, Acknowledge):
        if action.whose is role:
            return Refusal(RefusalReason.NOT_FOR_YOU)
        if rupture.seat(action.whose).commitment is not Commitment.NAMED:
            return Refusal(RefusalReason.DONE_ALREADY)
        seat = replace(rupture.seat(action.whose), commitment=Commitment.ACKNOWLEDGED)
        changed, event = rupture.with_seat(action.whose, seat), CommitmentAcknowledged(action.whose, by=role)
    elif isinstance(action, Write):
        seat = replace(rupture.seat(role), commitment=Commitment.NAMED, followup=FollowUp.PENDING)
        changed, event = rupture.with_seat(role, seat), CommitmentNamed(role, action.text)
    else:
        seat = replace(rupture.seat(role), commitment=Commitment.SKIPPED)
        changed, event = rupture.with_seat(role, seat), Skipped(role, Phase.COMMITMENTS)
    if changed.first.commitment.settled and changed.second.commitment.settled:
        return Change(rupture, replace(changed, phase=Phase.CLOSED), (event, Closed(Status.RESOLVED)))
    return Change(rupture, changed, (event,))


def _offer(rupture: Rupture, role: Role, action: Action) -> Decision:
    """After a parent-led repair: the child may answer (or not); the parent reflects it back."""
    closed = replace(rupture, phase=Phase.CLOSED)
    if isinstance(action, Write) and rupture.phase is Phase.OFFER:
        return _shown(replace(rupture, phase=Phase.REFLECT), Wrote(role, Phase.OFFER, rupture.step, action.text))
    if isinstance(action, Write):
        return Change(rupture, closed, (Wrote(role, Phase.REFLECT, rupture.step, action.text), Closed(Status.RESOLVED)))
    return Change(rupture, closed, (Skipped(role, Phase.OFFER), Closed(Status.RESOLVED)))


def _shown(rupture: Rupture, *events: Event) -> Change:
    """The same step at a new phase: its prompt is shown anew."""
    return Change(rupture, rupture, (*events, NewPrompt(rupture.position)))

"""The repair domain's decisions: who may act now, and what each action changes.

Pure Python with no Discord in it. `decide` takes the rupture, who acts and what they did, and
returns a `Refusal` (with the reason the person is told) or a `Change` (the new rupture and the
events that say what happened). `can` is the same decision as a dry run. Storage applies a change
only if the rupture is still at the version it was decided on, so concurrent presses settle in
the database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.actions import (
    Acknowledge,
    Action,
    AnswerCheckin,
    CheckinAnswer,
    Context,
    EndPause,
    Leave,
    Move,
    Pause,
    Press,
    Snooze,
    Write,
)
from bot.events import (
    Accepted,
    Agreed,
    BreakEnded,
    Change,
    CheckinsStopped,
    Closed,
    CommitmentAcknowledged,
    CommitmentNamed,
    Confirmed,
    Decision,
    Event,
    Left,
    NewPrompt,
    Paused,
    PickedUp,
    Ready,
    Recognised,
    Refusal,
    RefusalReason,
    Resolved,
    Revealed,
    SaidOkay,
    SetAside,
    Skipped,
    Snoozed,
    Wrote,
    WrotePrivately,
)
from bot.protocols import Kind, Protocol, Response, Role
from bot.rupture import Commitment, Due, FollowUp, Phase, Progress, Rupture, Seat, Status, first_phase, has_part_left
from bot.rupture import turn as whose_turn
from bot.schedule import schedule_next

MAX_PAUSE = timedelta(hours=24)
MIN_PAUSE = timedelta(minutes=20)
# After an invitation ends unaccepted, the same person may not invite the same person again for this
# long (whatever the reason it ended, which they are never told).
CALM_AFTER_INVITATION = timedelta(hours=24)
BREAK_LENGTHS = (MIN_PAUSE, timedelta(hours=1), timedelta(hours=4), MAX_PAUSE)  # what a break offers

_SPEAKING = (Phase.WRITE, Phase.MIRROR, Phase.VALIDATE, Phase.RESPOND)
_PHASES_OF_MOVE: dict[Move, tuple[Phase, ...]] = {
    Move.READY: (Phase.INVITATION,),
    Move.NOT_NOW: (Phase.INVITATION,),
    Move.DECLINE: (Phase.INVITATION,),
    Move.NOT_SAFE: (Phase.INVITATION,),
    Move.SKIP: (Phase.WRITE, Phase.COMMITMENTS),
    Move.GOT_IT: (Phase.CONFIRM,),
    Move.NOT_QUITE: (Phase.CONFIRM,),
    Move.ACCEPT: (Phase.RESPOND,),
    Move.AGREE: (Phase.COLLECT,),
    Move.UNDERSTOOD: (Phase.RECOGNITION,),
    Move.NOT_YET: (Phase.RECOGNITION,),
}


def decide(rupture: Rupture, protocol: Protocol, actor: int, action: Action, context: Context) -> Decision:
    """Decide what `actor` doing `action` changes, or why it is refused.

    Every change a person makes is activity, so it also plans what is due next, restarting the
    check-in cadence (except snoozing and stopping check-ins, which set that themselves).
    """
    current = rupture
    if current.paused_until is not None and not current.is_paused(context.now):
        current = replace(current, paused_until=None, paused_by=None)  # the break ran out
    decision = _decide(current, protocol, actor, action, context)
    if isinstance(decision, Refusal):
        return decision
    after = decision.rupture
    if action != AnswerCheckin(CheckinAnswer.OKAY):
        after = after.with_seats(okay=False)
    if not isinstance(action, Snooze) and action != AnswerCheckin(CheckinAnswer.STOP):
        after = schedule_next(after, context.cadence)
    leaves_sealed_step = rupture.holds_private_answers and (
        after.position != rupture.position or not after.status.is_open
    )
    erase = decision.erase_private or leaves_sealed_step
    held = tuple(context.sealed.items()) if erase else ()
    return replace(decision, before=rupture, rupture=after, erase_private=erase, held_private=held)


def can(rupture: Rupture, protocol: Protocol, actor: int, action: Action, now: datetime) -> Refusal | None:
    """The dry run of `decide`: why `actor` may not do `action` now, or None if they may."""
    decision = decide(rupture, protocol, actor, action, Context(now))
    return decision if isinstance(decision, Refusal) else None


def invitation(
    guild_id: int, protocol: str, opener: int, partner: int, now: datetime, unwanted: bool = False
) -> Rupture:
    """A new rupture: the opener has invited the partner, and nothing else has happened yet. An
    `unwanted` one (the partner blocked the opener) is never recalled to the partner: it waits out
    its time exactly as an invitation answered "not now" does."""
    invited = Rupture(0, guild_id, None, protocol, Status.INVITED, Seat(opener), Seat(partner), now, now)
    return schedule_next(replace(invited, invite_reminded=unwanted))


def invitation_ended(rupture: Rupture, now: datetime) -> Rupture:
    """An invitation nobody accepted, at its set end: over, and nothing more is due."""
    return replace(rupture, status=Status.ENDED, phase=Phase.CLOSED, due_at=None, due=None, updated_at=now)


def thread_gone(rupture: Rupture) -> Rupture:
    """The rupture once its thread was deleted: it is over, and nothing more is due."""
    return replace(rupture, status=Status.GONE, phase=Phase.CLOSED, due_at=None, due=None)


def _decide(rupture: Rupture, protocol: Protocol, actor: int, action: Action, context: Context) -> Decision:
    role = rupture.role_of(actor)
    if role is None:
        return Refusal(RefusalReason.OUTSIDER)
    if not rupture.status.is_open and not (rupture.status is Status.RESOLVED and rupture.phase is Phase.COMMITMENTS):
        return Refusal(RefusalReason.ENDED)
    now = context.now
    if isinstance(action, Leave):
        return _leave(rupture, role, now) if rupture.status.is_open else Refusal(RefusalReason.ENDED)
    if isinstance(action, Pause | EndPause):
        return _pause(rupture, role, action, now)
    if isinstance(action, AnswerCheckin | Snooze):
        return _answer_checkin(rupture, role, action, now)
    if action.at is not None and action.at != rupture.position:
        return Refusal(RefusalReason.STALE)
    if rupture.phase not in _phases_of(action):
        started = rupture.phase is not Phase.INVITATION
        return Refusal(RefusalReason.DONE_ALREADY if started else RefusalReason.NOT_STARTED)
    if rupture.phase is Phase.INVITATION:
        assert isinstance(action, Press)
        return _answer_invitation(rupture, protocol, role, action.move, now)
    if rupture.is_paused(now):
        return Refusal(RefusalReason.PAUSED)
    holder = whose_turn(rupture, protocol)
    if holder is not None and holder is not role:
        return Refusal(RefusalReason.NOT_YOUR_TURN, turn=holder)
    if not has_part_left(rupture, role) and not isinstance(action, Acknowledge):
        return Refusal(RefusalReason.DONE_ALREADY)
    touched = replace(rupture, updated_at=now)
    if rupture.phase is Phase.COLLECT:
        return _collect(touched, protocol, role, action, context)
    if rupture.phase is Phase.RECOGNITION:
        assert isinstance(action, Press)
        return _recognise(touched, role, action.move, now)
    if rupture.phase is Phase.COMMITMENTS:
        return _commit(touched, role, action)
    return _speak(touched, protocol, role, action)


def _phases_of(action: Press | Write | Acknowledge) -> tuple[Phase, ...]:
    if isinstance(action, Press):
        return _PHASES_OF_MOVE[action.move]
    if isinstance(action, Write):
        return (*_SPEAKING, Phase.COLLECT, Phase.COMMITMENTS)
    return (Phase.COMMITMENTS,)


def _answer_invitation(rupture: Rupture, protocol: Protocol, role: Role, move: Move, now: datetime) -> Decision:
    if role is not Role.SECOND:
        return Refusal(RefusalReason.NOT_FOR_YOU)
    if move is Move.READY:
        return _moved(replace(rupture, status=Status.ACTIVE, updated_at=now), protocol, 0, Ready(role))
    return _set_aside(rupture, move)


def _set_aside(rupture: Rupture, answer: Move) -> Change:
    """Any answer to an invitation but "I'm ready" only stops the reminder: the invitation ends at its
    set time all the same, so the one who invited cannot tell an answer from none, nor one from another."""
    return Change(rupture, replace(rupture, invite_reminded=True), (SetAside(Role.SECOND, answer),))


def _leave(rupture: Rupture, role: Role, now: datetime) -> Decision:
    if rupture.status is Status.INVITED and role is Role.SECOND:
        return _set_aside(rupture, Move.DECLINE)  # the invited person stepping away is a decline
    closed = replace(rupture, status=Status.LEFT, phase=Phase.CLOSED, updated_at=now, paused_until=None)
    return Change(rupture, closed, (Left(role), Closed(Status.LEFT)))


def _pause(rupture: Rupture, role: Role, action: Pause | EndPause, now: datetime) -> Decision:
    if rupture.status is not Status.ACTIVE:
        return Refusal(RefusalReason.NOT_STARTED if rupture.status is Status.INVITED else RefusalReason.ENDED)
    if isinstance(action, EndPause):
        if not rupture.is_paused(now):
            return Refusal(RefusalReason.STALE)
        if rupture.paused_by is not role:
            return Refusal(RefusalReason.NOT_FOR_YOU)
        resumed = replace(rupture, paused_until=None, paused_by=None, updated_at=now)
        return Change(rupture, resumed, (BreakEnded(role), NewPrompt(resumed.position)))
    if rupture.is_paused(now):
        return Refusal(RefusalReason.PAUSED)
    until = now + min(max(action.length, MIN_PAUSE), MAX_PAUSE)
    paused = replace(rupture, paused_until=until, paused_by=role, updated_at=now)
    return Change(rupture, paused, (Paused(role, until),))


def _answer_checkin(rupture: Rupture, role: Role, action: AnswerCheckin | Snooze, now: datetime) -> Decision:
    """The answers to a check-in: we're okay now (both), pick up, snooze, or stop checking in."""
    if rupture.status is not Status.ACTIVE:
        return Refusal(RefusalReason.NOT_STARTED if rupture.status is Status.INVITED else RefusalReason.ENDED)
    if rupture.is_paused(now):
        return Refusal(RefusalReason.PAUSED)
    if isinstance(action, Snooze):
        until = now + action.length
        return Change(rupture, replace(rupture, due_at=until, due=Due.CHECKIN), (Snoozed(role, until),))
    if action.answer is CheckinAnswer.STOP:
        stopped = replace(rupture, checkins_stopped=True, due_at=None, due=None)
        return Change(rupture, stopped, (CheckinsStopped(role),))
    if action.answer is CheckinAnswer.PICK_UP:
        return Change(rupture, replace(rupture, updated_at=now), (PickedUp(role), NewPrompt(rupture.position)))
    if rupture.seat(role).okay:
        return Refusal(RefusalReason.DONE_ALREADY)
    okay = replace(rupture.with_seat(role, replace(rupture.seat(role), okay=True)), updated_at=now)
    if not okay.seat(role.other).okay:
        return Change(rupture, okay, (SaidOkay(role),))
    resolved = replace(okay, status=Status.RESOLVED, phase=Phase.COMMITMENTS, resolved_at=now)
    resolved = resolved.with_seats(progress=Progress.NONE)
    return Change(rupture, resolved, (SaidOkay(role), Resolved(through_checkin=True), NewPrompt(resolved.position)))


def _speak(rupture: Rupture, protocol: Protocol, role: Role, action: Action) -> Decision:
    step = protocol.steps[rupture.step]
    phase = rupture.phase
    if isinstance(action, Write):
        written = Wrote(role, phase, rupture.step, action.text)
        if phase is Phase.WRITE and step.response is Response.MIRROR:
            return _shown(replace(rupture, phase=Phase.MIRROR), written)
        if phase is Phase.WRITE and step.response is Response.ACCEPT:
            return _shown(replace(rupture, phase=Phase.RESPOND), written)
        if phase is Phase.MIRROR:
            return _shown(replace(rupture, phase=Phase.CONFIRM), written)
        return _moved(rupture, protocol, rupture.step + 1, written)
    assert isinstance(action, Press)
    if action.move is Move.SKIP:
        if not step.optional:
            return Refusal(RefusalReason.DONE_ALREADY)
        return _moved(rupture, protocol, rupture.step + 1, Skipped(role, phase))
    if action.move is Move.NOT_QUITE:
        return _shown(replace(rupture, phase=Phase.MIRROR, round=rupture.round + 1), Confirmed(role, landed=False))
    if action.move is Move.GOT_IT:
        if step.validate_prompt:
            return _shown(replace(rupture, phase=Phase.VALIDATE), Confirmed(role, landed=True))
        return _moved(rupture, protocol, rupture.step + 1, Confirmed(role, landed=True))
    return _moved(rupture, protocol, rupture.step + 1, Accepted(role))


def _collect(rupture: Rupture, protocol: Protocol, role: Role, action: Action, context: Context) -> Decision:
    step = protocol.steps[rupture.step]
    if (step.kind is Kind.SEALED) != isinstance(action, Write):
        return Refusal(RefusalReason.DONE_ALREADY)  # writing in an agree step, or agreeing in a sealed one
    marked = rupture.with_seat(role, replace(rupture.seat(role), progress=Progress.DONE))
    if not isinstance(action, Write):
        if marked.seat(role.other).progress is Progress.NONE:
            return Change(rupture, marked, (Agreed(role),))
        return _moved(marked, protocol, rupture.step + 1, Agreed(role))
    if marked.seat(role.other).progress is Progress.NONE:
        return Change(rupture, marked, (WrotePrivately(role),), keep_private=(role, action.text))
    answers = {**context.sealed, role: action.text}
    revealed = Revealed(rupture.step, tuple((r, answers.get(r, "")) for r in (Role.FIRST, Role.SECOND)))
    return replace(_moved(marked, protocol, rupture.step + 1, revealed), erase_private=True)


def _recognise(rupture: Rupture, role: Role, move: Move, now: datetime) -> Decision:
    understood = move is Move.UNDERSTOOD
    progress = Progress.UNDERSTOOD if understood else Progress.NOT_YET
    marked = rupture.with_seat(role, replace(rupture.seat(role), progress=progress))
    answered = Recognised(role, understood)
    if marked.first.progress is Progress.UNDERSTOOD and marked.second.progress is Progress.UNDERSTOOD:
        resolved = replace(marked, status=Status.RESOLVED, phase=Phase.COMMITMENTS, resolved_at=now)
        return Change(rupture, resolved, (answered, Resolved(through_checkin=False), NewPrompt(resolved.position)))
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


def _shown(rupture: Rupture, *events: Event) -> Change:
    """The same step at a new phase: its prompt is shown anew."""
    return Change(rupture, rupture, (*events, NewPrompt(rupture.position)))


def _moved(rupture: Rupture, protocol: Protocol, index: int, *events: Event) -> Change:
    """Move to step `index`, or to "do you feel understood?" after the last step."""
    phase = first_phase(protocol.steps[index]) if index < len(protocol.steps) else Phase.RECOGNITION
    entered = replace(rupture, step=index, phase=phase, round=0).with_seats(progress=Progress.NONE)
    return _shown(entered, *events)

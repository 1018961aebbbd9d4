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
    Say,
    Snooze,
)
from bot.events import (
    BreakEnded,
    Change,
    CheckinsStopped,
    Closed,
    Decision,
    Left,
    MovedOn,
    NewPrompt,
    Paused,
    PickedUp,
    Ready,
    Refusal,
    RefusalReason,
    SaidOkay,
    SaidPhrase,
    SetAside,
    Snoozed,
)
from bot.protocols import Protocol, Role
from bot.rupture import Due, Phase, Rupture, Seat, Status, fits, has_part_left
from bot.rupture import turn as whose_turn
from bot.schedule import schedule_next
from bot.steps import may_move_on, moved, phases_of, take

MAX_PAUSE = timedelta(hours=24)
MIN_PAUSE = timedelta(minutes=20)
# After an invitation ends unaccepted, the same person may not invite the same person again for this
# long (whatever the reason it ended, which they are never told).
CALM_AFTER_INVITATION = timedelta(hours=24)
# What a break offers, besides "until tomorrow morning" (which depends on the person's quiet hours).
BREAK_LENGTHS = (MIN_PAUSE, timedelta(hours=1), timedelta(hours=4))


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


def carried_over(rupture: Rupture, protocol: Protocol, context: Context) -> Change | None:
    """A repair open at a place its way of repairing no longer has (the protocol changed since it
    began) moves on to after the steps, erasing any private answers held there; None if it fits."""
    if not rupture.status.is_open or fits(rupture, protocol):
        return None
    change = moved(rupture, protocol, len(protocol.steps), MovedOn())
    after = schedule_next(change.rupture, context.cadence)
    return replace(change, before=rupture, rupture=after, erase_private=True)


def can(rupture: Rupture, protocol: Protocol, actor: int, action: Action, now: datetime) -> Refusal | None:
    """The dry run of `decide`: why `actor` may not do `action` now, or None if they may."""
    decision = decide(rupture, protocol, actor, action, Context(now))
    return decision if isinstance(decision, Refusal) else None


def invitation(
    guild_id: int,
    protocol: str,
    opener: int,
    partner: int,
    now: datetime,
    unwanted: bool = False,
    language: str = "en",
) -> Rupture:
    """A new rupture: the opener has invited the partner, and nothing else has happened yet. An
    `unwanted` one (the partner blocked the opener) is never recalled to the partner: it waits out
    its time exactly as an invitation answered "not now" does. Its thread speaks `language`."""
    invited = Rupture(
        0, guild_id, None, protocol, Status.INVITED, Seat(opener), Seat(partner), now, now, language=language
    )
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
    if not rupture.status.is_open and not (rupture.status is Status.RESOLVED and rupture.phase is not Phase.CLOSED):
        return Refusal(RefusalReason.ENDED)
    now = context.now
    if isinstance(action, Leave):
        return _leave(rupture, role, now) if rupture.status.is_open else Refusal(RefusalReason.ENDED)
    if isinstance(action, Pause | EndPause):
        return _pause(rupture, role, action, now)
    if isinstance(action, AnswerCheckin | Snooze):
        return _answer_checkin(rupture, protocol, role, action, now)
    if isinstance(action, Say):
        return _say(rupture, role, action, now)
    if action.at is not None and action.at != rupture.position:
        return Refusal(RefusalReason.STALE)
    if rupture.phase not in phases_of(action):
        started = rupture.phase is not Phase.INVITATION
        return Refusal(RefusalReason.DONE_ALREADY if started else RefusalReason.NOT_STARTED)
    if rupture.phase is Phase.INVITATION:
        assert isinstance(action, Press)
        return _answer_invitation(rupture, protocol, role, action.move, now)
    if rupture.is_paused(now):
        return Refusal(RefusalReason.PAUSED)
    holder = whose_turn(rupture, protocol)
    if isinstance(action, Press) and action.move is Move.MOVE_ON:  # either person, once a loop has gone on
        if not may_move_on(rupture):
            return Refusal(RefusalReason.DONE_ALREADY)
    elif holder is not None and holder is not role:
        return Refusal(RefusalReason.NOT_YOUR_TURN, turn=holder)
    if not has_part_left(rupture, role) and not isinstance(action, Acknowledge):
        return Refusal(RefusalReason.DONE_ALREADY)
    return take(replace(rupture, updated_at=now), protocol, role, action, context)


def _answer_invitation(rupture: Rupture, protocol: Protocol, role: Role, move: Move, now: datetime) -> Decision:
    if role is not Role.SECOND:
        return Refusal(RefusalReason.NOT_FOR_YOU)
    if move is Move.READY:
        return moved(replace(rupture, status=Status.ACTIVE, updated_at=now), protocol, 0, Ready(role))
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


def _answer_checkin(
    rupture: Rupture, protocol: Protocol, role: Role, action: AnswerCheckin | Snooze, now: datetime
) -> Decision:
    """The answers to a check-in: we're okay now (both: then, as at the end of the steps, "do you feel
    understood enough?"), pick up, snooze, or stop checking in."""
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
    if protocol.parent_led:
        return Refusal(RefusalReason.STALE)  # only on check-ins older than this rule: nobody says it here
    if rupture.seat(role).okay:
        return Refusal(RefusalReason.DONE_ALREADY)
    okay = replace(rupture.with_seat(role, replace(rupture.seat(role), okay=True)), updated_at=now)
    if not okay.seat(role.other).okay:
        return Change(rupture, okay, (SaidOkay(role),))
    return moved(okay.with_seats(okay=False), protocol, len(protocol.steps), SaidOkay(role))


def _say(rupture: Rupture, role: Role, action: Say, now: datetime) -> Decision:
    """A repair phrase may be sent by either person at any point of an active repair but a break."""
    if rupture.status is not Status.ACTIVE:
        return Refusal(RefusalReason.NOT_STARTED if rupture.status is Status.INVITED else RefusalReason.ENDED)
    if rupture.is_paused(now):
        return Refusal(RefusalReason.PAUSED)
    return Change(rupture, replace(rupture, updated_at=now), (SaidPhrase(role, action.phrase),))

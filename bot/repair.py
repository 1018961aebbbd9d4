"""The repair domain: a rupture's state, whose turn it is, and what each action changes.

Pure Python with no Discord in it. `decide` takes the current rupture, who is acting and what
they pressed or wrote, and returns either a `Refusal` (with the reason the person is told) or a
`Change` (the new rupture and the events to show). Storage applies a change only if the rupture
is still at the version it was decided on, so concurrent presses settle in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.protocols import Kind, Protocol, Response, Role, Step

MAX_PAUSE = timedelta(hours=24)
MIN_PAUSE = timedelta(minutes=20)
DEFAULT_CADENCE = (timedelta(days=1), timedelta(days=3), timedelta(days=7))
INVITE_REMINDER_AFTER = timedelta(days=1)
FOLLOWUP_AFTER = timedelta(days=3)

Cadence = tuple[timedelta, ...]


class Status(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    RESOLVED = "resolved"
    DECLINED = "declined"
    LEFT = "left"
    GONE = "gone"
    ERASED = "erased"

    @property
    def is_open(self) -> bool:
        return self in (Status.INVITED, Status.ACTIVE)


class Phase(StrEnum):
    """Where the current step stands. Short values: they travel in `custom_id`s."""

    INVITATION = "inv"
    WRITE = "write"
    MIRROR = "mirror"
    CONFIRM = "confirm"
    VALIDATE = "valid"
    RESPOND = "resp"
    COLLECT = "collect"
    RECOGNITION = "recog"
    COMMITMENTS = "commit"
    CLOSED = "closed"


class Mark(StrEnum):
    """A person's answer in a phase where both act: sealed, agree, recognition."""

    NONE = ""
    DONE = "done"
    YES = "yes"
    NOT_YET = "not_yet"


class Commitment(StrEnum):
    PENDING = "pending"
    NAMED = "named"
    ACKNOWLEDGED = "acknowledged"
    SKIPPED = "skipped"

    @property
    def settled(self) -> bool:
        return self in (Commitment.ACKNOWLEDGED, Commitment.SKIPPED)


class FollowUp(StrEnum):
    """Whether Mend has asked, privately, if a named commitment happened."""

    NONE = ""
    PENDING = "pending"
    ASKED = "asked"
    ANSWERED = "answered"


class Due(StrEnum):
    """What the sweep will do for a rupture when its `due_at` comes."""

    CHECKIN = "checkin"
    INVITE_REMINDER = "reminder"
    PAUSE_END = "pause_end"
    FOLLOWUP = "followup"


class Action(StrEnum):
    READY = "ready"
    NOT_NOW = "notnow"
    DECLINE = "decline"
    WRITE = "write"
    SKIP = "skip"
    GOT_IT = "gotit"
    NOT_QUITE = "notquite"
    ACCEPT = "accept"
    AGREE = "agree"
    UNDERSTOOD = "yes"
    NOT_YET = "notyet"
    ACKNOWLEDGE = "ack"
    PAUSE = "pause"
    END_PAUSE = "endpause"
    LEAVE = "leave"
    OKAY = "okay"
    PICK_UP = "pickup"
    SNOOZE = "snooze"
    STOP_CHECKINS = "stop"


class Refuse(StrEnum):
    """Why an action is not taken; each becomes one plain, private sentence."""

    OUTSIDER = "outsider"
    NOT_YOUR_TURN = "not_your_turn"
    NOT_FOR_YOU = "not_for_you"
    STALE = "stale"
    DONE_ALREADY = "done_already"
    ENDED = "ended"
    PAUSED = "paused"
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class Seat:
    """One of the two people in a repair and their part of the state."""

    user_id: int | None
    mark: Mark = Mark.NONE
    commitment: Commitment = Commitment.PENDING
    commitment_message_id: int | None = None
    okay: bool = False
    followup: FollowUp = FollowUp.NONE


@dataclass(frozen=True)
class Position:
    """Where a button or modal was made for; a press at an older position is stale."""

    step: int
    phase: Phase
    round: int


@dataclass(frozen=True)
class Rupture:
    id: int
    guild_id: int
    thread_id: int | None
    protocol: str
    status: Status
    first: Seat
    second: Seat
    created_at: datetime
    updated_at: datetime
    step: int = 0
    phase: Phase = Phase.INVITATION
    round: int = 0
    paused_until: datetime | None = None
    paused_by: Role | None = None
    prompt_message_id: int | None = None
    due_at: datetime | None = None
    due: Due | None = None
    checkin_stage: int = 0
    checkins_stopped: bool = False
    invite_reminded: bool = False
    version: int = 0

    @property
    def position(self) -> Position:
        return Position(self.step, self.phase, self.round)

    def seat(self, role: Role) -> Seat:
        return self.first if role is Role.FIRST else self.second

    def role_of(self, user_id: int) -> Role | None:
        if user_id == self.first.user_id:
            return Role.FIRST
        if user_id == self.second.user_id:
            return Role.SECOND
        return None

    def user_id(self, role: Role) -> int | None:
        return self.seat(role).user_id

    def is_paused(self, now: datetime) -> bool:
        return self.paused_until is not None and now < self.paused_until

    @property
    def dormant(self) -> bool:
        """Open, but resting: the check-ins ran their course with nobody coming back."""
        return (
            self.status is Status.ACTIVE
            and self.due is None
            and self.paused_until is None
            and not self.checkins_stopped
        )

    def with_seat(self, role: Role, **changes: object) -> Rupture:
        seat = replace(self.seat(role), **changes)  # type: ignore[arg-type]
        return replace(self, first=seat) if role is Role.FIRST else replace(self, second=seat)


@dataclass(frozen=True)
class Refusal:
    reason: Refuse
    turn: Role | None = None


# Events: what happened, for the Discord layer to show. They carry roles, never names.


@dataclass(frozen=True)
class Written:
    """A person's words, to be posted attributed to them (`part` says which prompt they answer)."""

    role: Role
    part: Phase
    text: str


@dataclass(frozen=True)
class Revealed:
    """Both sealed answers, shown together."""

    texts: tuple[tuple[Role, str], ...]


@dataclass(frozen=True)
class Notice:
    """A neutral line in the thread, e.g. that someone is ready or took a break."""

    kind: Action
    role: Role


Event = Written | Revealed | Notice


@dataclass(frozen=True)
class Change:
    rupture: Rupture
    events: tuple[Event, ...] = ()
    seal: tuple[Role, str] | None = None
    unseal: bool = False


Decision = Refusal | Change


def current_step(rupture: Rupture, protocol: Protocol) -> Step | None:
    """The step being worked on, or None before the start and after the last step."""
    if rupture.phase in (Phase.INVITATION, Phase.RECOGNITION, Phase.COMMITMENTS, Phase.CLOSED):
        return None
    return protocol.steps[rupture.step]


def turn(rupture: Rupture, protocol: Protocol) -> Role | None:
    """Who holds the floor now; None when both may act (or nobody)."""
    step = current_step(rupture, protocol)
    if step is None or step.writer is None:
        return Role.SECOND if rupture.phase is Phase.INVITATION else None
    if rupture.phase in (Phase.WRITE, Phase.CONFIRM):
        return step.writer
    return step.writer.other


def may_act(rupture: Rupture, role: Role) -> bool:
    """In a phase where both act, whether this person still has something to do."""
    seat = rupture.seat(role)
    if rupture.phase is Phase.COLLECT:
        return seat.mark is Mark.NONE
    if rupture.phase is Phase.RECOGNITION:
        return seat.mark is not Mark.YES
    if rupture.phase is Phase.COMMITMENTS:
        return seat.commitment is Commitment.PENDING
    return True


_PHASE_OF: dict[Action, tuple[Phase, ...]] = {
    Action.READY: (Phase.INVITATION,),
    Action.NOT_NOW: (Phase.INVITATION,),
    Action.DECLINE: (Phase.INVITATION,),
    Action.WRITE: (
        Phase.WRITE,
        Phase.MIRROR,
        Phase.VALIDATE,
        Phase.RESPOND,
        Phase.COLLECT,
        Phase.COMMITMENTS,
    ),
    Action.SKIP: (Phase.WRITE, Phase.COMMITMENTS),
    Action.GOT_IT: (Phase.CONFIRM,),
    Action.NOT_QUITE: (Phase.CONFIRM,),
    Action.ACCEPT: (Phase.RESPOND,),
    Action.AGREE: (Phase.COLLECT,),
    Action.UNDERSTOOD: (Phase.RECOGNITION,),
    Action.NOT_YET: (Phase.RECOGNITION,),
    Action.ACKNOWLEDGE: (Phase.COMMITMENTS,),
}


def decide(
    rupture: Rupture,
    protocol: Protocol,
    actor: int,
    action: Action,
    now: datetime,
    *,
    at: Position | None = None,
    text: str | None = None,
    sealed: dict[Role, str] | None = None,
    until: datetime | None = None,
    about: Role | None = None,
    cadence: Cadence = DEFAULT_CADENCE,
) -> Decision:
    """Decide what `actor` pressing `action` (at position `at`, with `text` if they wrote) does.

    `sealed` holds the sealed answers already stored for the current step; `until` is the end
    of a pause or a snooze; `about` is whose commitment is being acknowledged. Every change a
    person makes is activity, so it also plans what is due next, restarting the check-in cadence
    (except snoozing and stopping check-ins, which set that themselves).
    """
    if rupture.paused_until is not None and not rupture.is_paused(now):
        rupture = replace(rupture, paused_until=None, paused_by=None)  # the break ran out
    decision = _decide(rupture, protocol, actor, action, now, at, text, sealed, until, about)
    if not isinstance(decision, Change):
        return decision
    after = decision.rupture
    if action is not Action.OKAY:
        after = replace(after, first=replace(after.first, okay=False), second=replace(after.second, okay=False))
    if action not in (Action.SNOOZE, Action.STOP_CHECKINS):
        after = plan(after, cadence)
    leaves_sealed_step = rupture.phase is Phase.COLLECT and (
        after.position != rupture.position or not after.status.is_open
    )
    return replace(decision, rupture=after, unseal=decision.unseal or leaves_sealed_step)


def _decide(
    rupture: Rupture,
    protocol: Protocol,
    actor: int,
    action: Action,
    now: datetime,
    at: Position | None,
    text: str | None,
    sealed: dict[Role, str] | None,
    until: datetime | None,
    about: Role | None,
) -> Decision:
    role = rupture.role_of(actor)
    if role is None:
        return Refusal(Refuse.OUTSIDER)
    if not rupture.status.is_open and not (rupture.status is Status.RESOLVED and rupture.phase is Phase.COMMITMENTS):
        return Refusal(Refuse.ENDED)
    if action is Action.LEAVE:
        return _leave(rupture, role, now) if rupture.status.is_open else Refusal(Refuse.ENDED)
    if action in (Action.PAUSE, Action.END_PAUSE):
        return _pause(rupture, role, action, now, until)
    if action in (Action.OKAY, Action.PICK_UP, Action.SNOOZE, Action.STOP_CHECKINS):
        return _answer_checkin(rupture, role, action, now, until)
    if at is not None and at != rupture.position:
        return Refusal(Refuse.STALE)
    if rupture.phase not in _PHASE_OF[action]:
        started = rupture.phase is not Phase.INVITATION
        return Refusal(Refuse.DONE_ALREADY if started else Refuse.NOT_STARTED)
    if rupture.phase is Phase.INVITATION:
        return _answer_invitation(rupture, protocol, role, action, now)
    if rupture.is_paused(now):
        return Refusal(Refuse.PAUSED)
    holder = turn(rupture, protocol)
    if holder is not None and holder is not role:
        return Refusal(Refuse.NOT_YOUR_TURN, turn=holder)
    if not may_act(rupture, role) and action is not Action.ACKNOWLEDGE:
        return Refusal(Refuse.DONE_ALREADY)
    if action is Action.WRITE and text is None:
        return Change(rupture)
    touched = replace(rupture, updated_at=now)
    if rupture.phase is Phase.COLLECT:
        return _collect(touched, protocol, role, action, text, sealed or {})
    if rupture.phase is Phase.RECOGNITION:
        return _recognise(touched, role, action)
    if rupture.phase is Phase.COMMITMENTS:
        return _commit(touched, role, action, text, about)
    return _speak(touched, protocol, role, action, text)


def _answer_invitation(rupture: Rupture, protocol: Protocol, role: Role, action: Action, now: datetime) -> Decision:
    if role is not Role.SECOND:
        return Refusal(Refuse.NOT_FOR_YOU)
    if action is Action.NOT_NOW:
        waiting = replace(rupture, updated_at=now, invite_reminded=True)
        return Change(waiting, (Notice(Action.NOT_NOW, role),))
    if action is Action.DECLINE:
        closed = replace(rupture, status=Status.DECLINED, phase=Phase.CLOSED, updated_at=now)
        return Change(closed, (Notice(Action.NOT_NOW, role),))
    started = _enter_step(replace(rupture, status=Status.ACTIVE, updated_at=now), protocol, 0)
    return Change(started, (Notice(Action.READY, role),))


def _leave(rupture: Rupture, role: Role, now: datetime) -> Decision:
    closed = replace(rupture, status=Status.LEFT, phase=Phase.CLOSED, updated_at=now, paused_until=None)
    return Change(closed, (Notice(Action.LEAVE, role),))


def _pause(rupture: Rupture, role: Role, action: Action, now: datetime, until: datetime | None) -> Decision:
    if rupture.status is not Status.ACTIVE:
        return Refusal(Refuse.NOT_STARTED if rupture.status is Status.INVITED else Refuse.ENDED)
    if action is Action.END_PAUSE:
        if not rupture.is_paused(now):
            return Refusal(Refuse.STALE)
        if rupture.paused_by is not role:
            return Refusal(Refuse.NOT_FOR_YOU)
        resumed = replace(rupture, paused_until=None, paused_by=None, updated_at=now)
        return Change(resumed, (Notice(Action.END_PAUSE, role),))
    if rupture.is_paused(now):
        return Refusal(Refuse.PAUSED)
    if until is None:
        raise ValueError("a pause needs its end")
    until = min(max(until, now + MIN_PAUSE), now + MAX_PAUSE)
    paused = replace(rupture, paused_until=until, paused_by=role, updated_at=now)
    return Change(paused, (Notice(Action.PAUSE, role),))


def _answer_checkin(rupture: Rupture, role: Role, action: Action, now: datetime, until: datetime | None) -> Decision:
    """The answers to a check-in: we're okay now (both), pick up, snooze, or stop checking in."""
    if rupture.status is not Status.ACTIVE:
        return Refusal(Refuse.NOT_STARTED if rupture.status is Status.INVITED else Refuse.ENDED)
    if rupture.is_paused(now):
        return Refusal(Refuse.PAUSED)
    if action is Action.SNOOZE:
        if until is None:
            raise ValueError("a snooze needs its end")
        return Change(replace(rupture, due_at=until, due=Due.CHECKIN), (Notice(Action.SNOOZE, role),))
    if action is Action.STOP_CHECKINS:
        stopped = replace(rupture, checkins_stopped=True, due_at=None, due=None)
        return Change(stopped, (Notice(Action.STOP_CHECKINS, role),))
    if action is Action.PICK_UP:
        return Change(replace(rupture, updated_at=now), (Notice(Action.PICK_UP, role),))
    if rupture.seat(role).okay:
        return Refusal(Refuse.DONE_ALREADY)
    okay = rupture.with_seat(role, okay=True)
    if okay.seat(role.other).okay:
        okay = replace(
            okay,
            status=Status.RESOLVED,
            phase=Phase.COMMITMENTS,
            first=replace(okay.first, mark=Mark.NONE),
            second=replace(okay.second, mark=Mark.NONE),
        )
    return Change(replace(okay, updated_at=now), (Notice(Action.OKAY, role),))


def without(rupture: Rupture, user_id: int, cadence: Cadence = DEFAULT_CADENCE) -> Rupture:
    """The rupture once this person's data is erased: their seat is anonymous and asks nothing more.

    An open repair ends; a resolved one still naming commitments closes; the other person's own
    follow-up, if any, still comes.
    """
    role = rupture.role_of(user_id)
    if role is None:
        return rupture
    seat = rupture.seat(role)
    commitment = seat.commitment if seat.commitment is Commitment.ACKNOWLEDGED else Commitment.SKIPPED
    erased = replace(
        rupture.with_seat(role, user_id=None, mark=Mark.NONE, okay=False, followup=FollowUp.NONE),
        paused_until=None,
        paused_by=None,
    )
    erased = erased.with_seat(role, commitment=commitment, commitment_message_id=None)
    if rupture.status.is_open:
        erased = replace(erased, status=Status.ERASED, phase=Phase.CLOSED)
    elif erased.phase is Phase.COMMITMENTS:
        erased = replace(erased, phase=Phase.CLOSED)  # nobody is left to acknowledge or be acknowledged
    return replace(plan(erased, cadence), checkin_stage=rupture.checkin_stage)


def invitation(guild_id: int, protocol: str, opener: int, partner: int, now: datetime) -> Rupture:
    """A new rupture: the opener has invited the partner, and nothing else has happened yet."""
    return plan(Rupture(0, guild_id, None, protocol, Status.INVITED, Seat(opener), Seat(partner), now, now))


def plan(rupture: Rupture, cadence: Cadence = DEFAULT_CADENCE) -> Rupture:
    """What is due next after activity: it restarts the check-in cadence from the beginning.

    Invited: one reminder a day after the invitation. A break: its end. Open: a check-in after
    the first interval, unless check-ins were stopped. Resolved: the private follow-up on named
    commitments. Otherwise nothing.
    """
    due_at: datetime | None = None
    due: Due | None = None
    if rupture.status is Status.INVITED and not rupture.invite_reminded:
        due_at, due = rupture.created_at + INVITE_REMINDER_AFTER, Due.INVITE_REMINDER
    elif rupture.status is Status.ACTIVE and rupture.paused_until is not None:
        due_at, due = rupture.paused_until, Due.PAUSE_END
    elif rupture.status is Status.ACTIVE and not rupture.checkins_stopped and cadence:
        due_at, due = rupture.updated_at + cadence[0], Due.CHECKIN
    elif rupture.status is Status.RESOLVED and FollowUp.PENDING in (rupture.first.followup, rupture.second.followup):
        due_at, due = rupture.updated_at + FOLLOWUP_AFTER, Due.FOLLOWUP
    return replace(rupture, due_at=due_at, due=due, checkin_stage=0)


def _speak(rupture: Rupture, protocol: Protocol, role: Role, action: Action, text: str | None) -> Decision:
    step = protocol.steps[rupture.step]
    phase = rupture.phase
    if action is Action.SKIP:
        if not step.optional:
            return Refusal(Refuse.DONE_ALREADY)
        return Change(_enter_step(rupture, protocol, rupture.step + 1), (Notice(Action.SKIP, role),))
    if action is Action.NOT_QUITE:
        again = replace(rupture, phase=Phase.MIRROR, round=rupture.round + 1)
        return Change(again, (Notice(Action.NOT_QUITE, role),))
    if action is Action.GOT_IT:
        if step.validate_prompt:
            return Change(replace(rupture, phase=Phase.VALIDATE), (Notice(Action.GOT_IT, role),))
        return Change(_enter_step(rupture, protocol, rupture.step + 1), (Notice(Action.GOT_IT, role),))
    if action is Action.ACCEPT:
        return Change(_enter_step(rupture, protocol, rupture.step + 1), (Notice(Action.ACCEPT, role),))
    assert text is not None
    written = Written(role, phase, text)
    if phase is Phase.WRITE and step.response is Response.MIRROR:
        return Change(replace(rupture, phase=Phase.MIRROR), (written,))
    if phase is Phase.WRITE and step.response is Response.ACCEPT:
        return Change(replace(rupture, phase=Phase.RESPOND), (written,))
    if phase is Phase.MIRROR:
        return Change(replace(rupture, phase=Phase.CONFIRM), (written,))
    return Change(_enter_step(rupture, protocol, rupture.step + 1), (written,))


def _collect(
    rupture: Rupture,
    protocol: Protocol,
    role: Role,
    action: Action,
    text: str | None,
    sealed: dict[Role, str],
) -> Decision:
    step = protocol.steps[rupture.step]
    wanted = Action.WRITE if step.kind is Kind.SEALED else Action.AGREE
    if action is not wanted:
        return Refusal(Refuse.DONE_ALREADY)
    marked = rupture.with_seat(role, mark=Mark.DONE)
    if marked.seat(role.other).mark is Mark.NONE:
        seal = (role, text) if text is not None else None
        return Change(marked, (Notice(action, role),), seal=seal)
    if step.kind is Kind.AGREE:
        return Change(_enter_step(marked, protocol, rupture.step + 1), (Notice(action, role),))
    assert text is not None
    answers = {**sealed, role: text}
    revealed = Revealed(tuple((r, answers.get(r, "")) for r in (Role.FIRST, Role.SECOND)))
    return Change(_enter_step(marked, protocol, rupture.step + 1), (revealed,), unseal=True)


def _recognise(rupture: Rupture, role: Role, action: Action) -> Decision:
    answer = Mark.YES if action is Action.UNDERSTOOD else Mark.NOT_YET
    marked = rupture.with_seat(role, mark=answer)
    if marked.first.mark is Mark.YES and marked.second.mark is Mark.YES:
        resolved = replace(marked, status=Status.RESOLVED, phase=Phase.COMMITMENTS)
        return Change(resolved, (Notice(Action.UNDERSTOOD, role),))
    return Change(marked, (Notice(action, role),))


def _commit(rupture: Rupture, role: Role, action: Action, text: str | None, about: Role | None) -> Decision:
    if action is Action.ACKNOWLEDGE:
        if about is None or about is role:
            return Refusal(Refuse.NOT_FOR_YOU)
        if rupture.seat(about).commitment is not Commitment.NAMED:
            return Refusal(Refuse.DONE_ALREADY)
        changed = rupture.with_seat(about, commitment=Commitment.ACKNOWLEDGED)
        event: Event = Notice(Action.ACKNOWLEDGE, role)
    elif action is Action.SKIP:
        changed = rupture.with_seat(role, commitment=Commitment.SKIPPED)
        event = Notice(Action.SKIP, role)
    else:
        assert text is not None
        changed = rupture.with_seat(role, commitment=Commitment.NAMED, followup=FollowUp.PENDING)
        event = Written(role, Phase.COMMITMENTS, text)
    if changed.first.commitment.settled and changed.second.commitment.settled:
        changed = replace(changed, phase=Phase.CLOSED)
    return Change(changed, (event,))


def _enter_step(rupture: Rupture, protocol: Protocol, index: int) -> Rupture:
    """Move to step `index`, or to the question "do you feel understood?" after the last step."""
    phase = Phase.RECOGNITION
    if index < len(protocol.steps):
        phase = Phase.WRITE if protocol.steps[index].kind is Kind.SPEAK else Phase.COLLECT
    return replace(
        rupture,
        step=index,
        phase=phase,
        round=0,
        first=replace(rupture.first, mark=Mark.NONE),
        second=replace(rupture.second, mark=Mark.NONE),
    )

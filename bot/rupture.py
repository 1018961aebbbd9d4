"""A rupture and where it stands: the pair, each one's seat, the step and phase, and what is due.

Pure data with no Discord in it. What an action changes is decided in `bot.repair`; what is due
next in `bot.schedule`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.protocols import Kind, Protocol, Role, Step


class Status(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    RESOLVED = "resolved"
    ENDED = "ended"  # the invitation ran its time without a yes (whatever the reason, which is kept nowhere)
    DECLINED = "declined"  # how an unaccepted invitation ended before the invitation had a fixed time
    LEFT = "left"
    GONE = "gone"
    ERASED = "erased"

    @property
    def is_open(self) -> bool:
        return self in (Status.INVITED, Status.ACTIVE)


class Phase(StrEnum):
    """Where the current step stands. Short values: they travel in `custom_id`s."""

    INVITATION = "inv"
    WRITE = "write"  # the speaker writes (at a later round: what else there is)
    MIRROR = "mirror"  # the listener reflects back
    CONFIRM = "confirm"  # the speaker: got it, got it and there's more, or not quite
    CLARIFY = "clarify"  # after "not quite": the speaker may say what was missed
    VALIDATE = "valid"
    RESPOND = "resp"  # the listener accepts (or says what they still need), or says they have read it
    REPLY = "reply"  # the speaker answers what the listener still needs
    COLLECT = "collect"
    RECOGNITION = "recog"  # do you feel understood enough for now?
    HEAR = "hear"  # the other answers what someone who is not understood yet still needs
    COMMITMENTS = "commit"
    OFFER = "offer"  # a parent–child repair is done; the child may answer, if they like
    REFLECT = "reflect"  # the parent reflects back what the child said
    CLOSED = "closed"


class Progress(StrEnum):
    """A person's part in a phase where both act: a sealed step, an agreement, recognition."""

    NONE = ""
    DONE = "done"
    UNDERSTOOD = "yes"
    NOT_YET = "not_yet"
    NEEDS = "needs"  # not yet, and they told the other what they still need


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
    INVITATION_END = "invitation_end"
    PAUSE_END = "pause_end"
    FOLLOWUP = "followup"


@dataclass(frozen=True)
class Seat:
    """One of the two people in a repair and their part of the state."""

    user_id: int | None
    progress: Progress = Progress.NONE
    commitment: Commitment = Commitment.PENDING
    commitment_message_id: int | None = None
    okay: bool = False
    followup: FollowUp = FollowUp.NONE
    followup_by_dm: bool = False  # they chose to be asked about their commitment by direct message


@dataclass(frozen=True)
class Position:
    """Where a button or form was made for; a press at an older position is stale."""

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
    resolved_at: datetime | None = None
    checkins_sent: int = 0
    version: int = 0
    language: str = "en"  # the one language of its thread, chosen when it opened (a tag of `bot.i18n.NAMES`)

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

    @property
    def holds_private_answers(self) -> bool:
        """Whether answers written privately may be waiting for the other person's (a sealed step)."""
        return self.phase is Phase.COLLECT

    def with_seat(self, role: Role, seat: Seat) -> Rupture:
        return replace(self, first=seat) if role is Role.FIRST else replace(self, second=seat)

    def with_seats(self, **changes: object) -> Rupture:
        """The same change to both seats (for example, clearing both people's progress)."""
        first = replace(self.first, **changes)  # type: ignore[arg-type]
        second = replace(self.second, **changes)  # type: ignore[arg-type]
        return replace(self, first=first, second=second)


_SPEAKER_PHASES = (Phase.WRITE, Phase.CONFIRM, Phase.CLARIFY, Phase.REPLY)
_AFTER_THE_STEPS = (Phase.RECOGNITION, Phase.HEAR, Phase.COMMITMENTS, Phase.OFFER, Phase.REFLECT, Phase.CLOSED)


def current_step(rupture: Rupture, protocol: Protocol) -> Step | None:
    """The step being worked on, or None before the start and after the last step."""
    if rupture.phase is Phase.INVITATION or rupture.phase in _AFTER_THE_STEPS:
        return None
    return protocol.steps[rupture.step]


def fits(rupture: Rupture, protocol: Protocol) -> bool:
    """Whether the place an open rupture stands at exists in its protocol (a protocol may change
    between versions of Mend while a repair is open)."""
    if rupture.phase is Phase.INVITATION or rupture.phase in _AFTER_THE_STEPS:
        return True
    if rupture.step >= len(protocol.steps):
        return False
    kind = protocol.steps[rupture.step].kind
    return (rupture.phase is Phase.COLLECT) == (kind is not Kind.SPEAK)


def turn(rupture: Rupture, protocol: Protocol) -> Role | None:
    """Who holds the floor now; None when both may act (or nobody)."""
    phase = rupture.phase
    if phase in (Phase.INVITATION, Phase.OFFER):
        return Role.SECOND
    if phase is Phase.REFLECT:
        return Role.FIRST
    if phase is Phase.HEAR:
        return Role.SECOND if rupture.first.progress is Progress.NEEDS else Role.FIRST
    step = current_step(rupture, protocol)
    if step is None or step.writer is None:
        return None
    return step.writer if phase in _SPEAKER_PHASES else step.writer.other


def has_part_left(rupture: Rupture, role: Role) -> bool:
    """In a phase where both act, whether this person still has something to do."""
    seat = rupture.seat(role)
    if rupture.phase is Phase.COLLECT:
        return seat.progress is Progress.NONE
    if rupture.phase is Phase.RECOGNITION:
        return seat.progress in (Progress.NONE, Progress.NOT_YET)
    if rupture.phase is Phase.COMMITMENTS:
        return seat.commitment is Commitment.PENDING
    return True


def first_phase(step: Step) -> Phase:
    """The phase a step starts in: someone writes, or both act at once."""
    return Phase.WRITE if step.kind is Kind.SPEAK else Phase.COLLECT

"""What a decision says happened: a `Change` with its events, or a `Refusal` with its reason.

Events carry roles, never names, and say what happened (not how the state differs), so showing a
change never has to compare the rupture before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.actions import Move
from bot.protocols import Role
from bot.rupture import Phase, Position, Rupture, Status


class RefusalReason(StrEnum):
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
class Refusal:
    reason: RefusalReason
    turn: Role | None = None


@dataclass(frozen=True)
class Ready:
    """The invited person is ready: the repair begins."""

    role: Role


@dataclass(frozen=True)
class SetAside:
    """The invitation was answered with anything but "I'm ready": not now, a decline, or "I feel
    afraid or pressured". Only the person who answered is told anything; the thread shows nothing
    until the invitation ends by itself, as it would have with no answer."""

    role: Role
    answer: Move


@dataclass(frozen=True)
class Wrote:
    """A person's words for the turn `part` of step `step`, to be posted attributed to them."""

    role: Role
    part: Phase
    step: int
    text: str


@dataclass(frozen=True)
class WrotePrivately:
    """A sealed answer is in and held until the other person's arrives."""

    role: Role


@dataclass(frozen=True)
class Revealed:
    """Both sealed answers of step `step`, shown together."""

    step: int
    answers: tuple[tuple[Role, str], ...]


@dataclass(frozen=True)
class Agreed:
    role: Role


@dataclass(frozen=True)
class Confirmed:
    """The speaker says whether the reflection landed: *got it* (`more` to say), or *not quite*."""

    role: Role
    landed: bool
    more: bool = False


@dataclass(frozen=True)
class Accepted:
    """The listener accepts what was said, or (`read`) says they have read it."""

    role: Role
    read: bool = False


@dataclass(frozen=True)
class MovedOn:
    """After three rounds, someone chose to move on for now (`role`); or, with no role, Mend moved a
    repair on because its way of repairing has changed since it began."""

    role: Role | None = None


@dataclass(frozen=True)
class SaidPhrase:
    """A fixed repair phrase, sent outside the turns."""

    role: Role
    phrase: str


@dataclass(frozen=True)
class Skipped:
    """Someone chose not to write: an optional step, or a commitment."""

    role: Role
    part: Phase


@dataclass(frozen=True)
class Recognised:
    """An answer to "do you feel understood?"."""

    role: Role
    understood: bool


@dataclass(frozen=True)
class CommitmentNamed:
    role: Role
    text: str


@dataclass(frozen=True)
class CommitmentAcknowledged:
    whose: Role
    by: Role


@dataclass(frozen=True)
class Paused:
    role: Role
    until: datetime


@dataclass(frozen=True)
class BreakEnded:
    """The person who asked for the break ended it early."""

    role: Role


@dataclass(frozen=True)
class Left:
    role: Role


@dataclass(frozen=True)
class SaidOkay:
    """ "We're okay now", from a check-in."""

    role: Role


@dataclass(frozen=True)
class PickedUp:
    role: Role


@dataclass(frozen=True)
class Snoozed:
    role: Role
    until: datetime


@dataclass(frozen=True)
class CheckinsStopped:
    role: Role


@dataclass(frozen=True)
class NewPrompt:
    """The prompt for `position` is to be shown (the repair moved on, or picks up again)."""

    position: Position


@dataclass(frozen=True)
class Resolved:
    """The repair is complete: both feel understood enough for now, or (`parent_led`) the parent
    has done their part, and the child is offered, not asked, to answer."""

    parent_led: bool = False


@dataclass(frozen=True)
class Closed:
    """Nothing more happens in this repair; `outcome` is how it ended."""

    outcome: Status


Event = (
    Ready
    | SetAside
    | Wrote
    | WrotePrivately
    | Revealed
    | Agreed
    | Confirmed
    | Accepted
    | MovedOn
    | SaidPhrase
    | Skipped
    | Recognised
    | CommitmentNamed
    | CommitmentAcknowledged
    | Paused
    | BreakEnded
    | Left
    | SaidOkay
    | PickedUp
    | Snoozed
    | CheckinsStopped
    | NewPrompt
    | Resolved
    | Closed
)


@dataclass(frozen=True)
class Change:
    """A decided change: the rupture as it was and as it becomes, what happened, and what storage
    does with private answers (keep one until the other arrives; erase all of them, which
    `held_private` were)."""

    before: Rupture
    rupture: Rupture
    events: tuple[Event, ...] = ()
    keep_private: tuple[Role, str] | None = None
    erase_private: bool = False
    held_private: tuple[tuple[Role, str], ...] = ()

    def has(self, kind: type) -> bool:
        return any(isinstance(event, kind) for event in self.events)


Decision = Refusal | Change

"""Mend's buttons and forms as data: each one to and from its `custom_id`, and what it asks for.

Pure Python. A `custom_id` carries everything a press needs (the rupture and the position a
button was made for), so buttons keep working after a restart with nothing kept per message.
Only ASCII digits are read as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.actions import Acknowledge, AnswerCheckin, CheckinAnswer, EndPause, Leave, Move, Pause, Press, Say, Snooze
from bot.protocols import Role
from bot.rupture import Due, Phase, Position, Rupture

PREFIX = "mend:"
_ID = "[0-9]{1,19}"
_SMALL = "[0-9]{1,3}"
_AT = rf"(?P<step>{_SMALL}):(?P<phase>{'|'.join(p.value for p in Phase)}):(?P<round>{_SMALL})"
MAX_BREAK_MINUTES = 24 * 60


class LeaveStep(StrEnum):
    ASK = "ask"
    CONFIRM = "yes"
    STAY = "no"


class CheckinChoice(StrEnum):
    OKAY = "okay"
    PICK_UP = "pickup"
    SNOOZE_DAY = "snooze1"
    SNOOZE_THREE_DAYS = "snooze3"
    STOP = "stop"


class FollowupAnswer(StrEnum):
    ASK = "ask"
    YES = "yes"
    PARTLY = "partly"
    NOT_YET = "notyet"


class Choice(StrEnum):
    """A yes-or-no confirmation."""

    YES = "yes"
    NO = "no"


class StartChoice(StrEnum):
    """The answers before a repair starts: start it, not now, or "yes, I feel afraid or pressured"."""

    START = "yes"
    NOT_NOW = "no"
    NOT_SAFE = "unsafe"
    CALM_ENOUGH = "calm"  # a parent, after their private moment to calm down first


_SNOOZES = {CheckinChoice.SNOOZE_DAY: timedelta(days=1), CheckinChoice.SNOOZE_THREE_DAYS: timedelta(days=3)}
_CHECKIN_ANSWERS = {
    CheckinChoice.OKAY: CheckinAnswer.OKAY,
    CheckinChoice.PICK_UP: CheckinAnswer.PICK_UP,
    CheckinChoice.STOP: CheckinAnswer.STOP,
}


def _at(position: Position) -> str:
    return f"{position.step}:{position.phase.value}:{position.round}"


def _message_id(digits: str | None) -> int | None:
    """A Discord message id from a `custom_id`, if there is one that could be (ids fit 63 bits)."""
    return int(digits) if digits and int(digits) < 2**63 else None


def _position(match: re.Match[str]) -> Position:
    return Position(int(match["step"]), Phase(match["phase"]), int(match["round"]))


@dataclass(frozen=True)
class TurnButton:
    """A press in the repair itself: ready, got it, agree, understood, skip…"""

    rupture_id: int
    at: Position
    move: Move

    @property
    def custom_id(self) -> str:
        return f"mend:turn:{self.rupture_id}:{_at(self.at)}:{self.move.value}"

    @property
    def action(self) -> Press:
        return Press(self.move, self.at)


@dataclass(frozen=True)
class WriteButton:
    """Opens the form for the current writing turn."""

    rupture_id: int
    at: Position

    @property
    def custom_id(self) -> str:
        return f"mend:turn:{self.rupture_id}:{_at(self.at)}:write"


@dataclass(frozen=True)
class AcknowledgeButton:
    """Acknowledges the commitment `whose` named."""

    rupture_id: int
    at: Position
    whose: Role

    @property
    def custom_id(self) -> str:
        return f"mend:turn:{self.rupture_id}:{_at(self.at)}:ack-{self.whose.value}"

    @property
    def action(self) -> Acknowledge:
        return Acknowledge(self.whose, self.at)


@dataclass(frozen=True)
class WriteForm:
    """The form (modal) for a writing turn; its submission is routed by this id, even after a restart."""

    rupture_id: int
    at: Position

    @property
    def custom_id(self) -> str:
        return f"mend:write:{self.rupture_id}:{_at(self.at)}"


@dataclass(frozen=True)
class OfferBreak:
    """The private choice of break lengths; `longer` when a break just ended and someone needs more."""

    rupture_id: int
    longer: bool = False

    @property
    def custom_id(self) -> str:
        return f"mend:break:{self.rupture_id}:{'longer' if self.longer else 'ask'}"


@dataclass(frozen=True)
class BreakUntilMorning:
    """A break until the end of the presser's quiet hours tomorrow morning (known only when pressed)."""

    rupture_id: int

    @property
    def custom_id(self) -> str:
        return f"mend:break:{self.rupture_id}:morning"


class Feeling(StrEnum):
    """The answer, at the top of every writing form, to "how are you right now?" (kept nowhere)."""

    CALM = "calm"
    TENSE = "tense"
    FLOODED = "flooded"


@dataclass(frozen=True)
class PhrasePalette:
    """Opens the private palette of repair phrases."""

    rupture_id: int

    @property
    def custom_id(self) -> str:
        return f"mend:phrases:{self.rupture_id}"


@dataclass(frozen=True)
class SayPhrase:
    """Sends one repair phrase (by its key) to the other person, in the thread."""

    rupture_id: int
    phrase: str

    @property
    def custom_id(self) -> str:
        return f"mend:say:{self.rupture_id}:{self.phrase}"

    @property
    def action(self) -> Say:
        return Say(self.phrase)


@dataclass(frozen=True)
class TakeBreak:
    rupture_id: int
    minutes: int

    @classmethod
    def lasting(cls, rupture_id: int, length: timedelta) -> TakeBreak:
        return cls(rupture_id, int(length.total_seconds() // 60))

    @property
    def custom_id(self) -> str:
        return f"mend:break:{self.rupture_id}:{self.minutes}"

    @property
    def action(self) -> Pause:
        return Pause(timedelta(minutes=min(self.minutes, MAX_BREAK_MINUTES)))


@dataclass(frozen=True)
class EndBreak:
    rupture_id: int

    @property
    def custom_id(self) -> str:
        return f"mend:break:{self.rupture_id}:end"

    @property
    def action(self) -> EndPause:
        return EndPause()


@dataclass(frozen=True)
class LeaveButton:
    rupture_id: int
    step: LeaveStep

    @property
    def custom_id(self) -> str:
        return f"mend:leave:{self.rupture_id}:{self.step.value}"

    @property
    def action(self) -> Leave:
        return Leave()


@dataclass(frozen=True)
class CheckinButton:
    rupture_id: int
    choice: CheckinChoice

    @property
    def custom_id(self) -> str:
        return f"mend:checkin:{self.rupture_id}:{self.choice.value}"

    @property
    def action(self) -> AnswerCheckin | Snooze:
        if self.choice in _SNOOZES:
            return Snooze(_SNOOZES[self.choice])
        return AnswerCheckin(_CHECKIN_ANSWERS[self.choice])


@dataclass(frozen=True)
class FollowupButton:
    """The private question about a commitment, and its answers."""

    rupture_id: int
    role: Role
    answer: FollowupAnswer

    @property
    def custom_id(self) -> str:
        return f"mend:followup:{self.rupture_id}:{self.role.value}:{self.answer.value}"


@dataclass(frozen=True)
class FollowupWay:
    """How someone who just named a commitment wants to be asked about it: by direct message (only
    if they choose it), or by a neutral note in the thread."""

    rupture_id: int
    role: Role
    by_dm: bool

    @property
    def custom_id(self) -> str:
        return f"mend:askby:{self.rupture_id}:{self.role.value}:{'dm' if self.by_dm else 'thread'}"


@dataclass(frozen=True)
class ConsentButton:
    """The answer to what is asked, privately, before a repair starts: who can read its thread (the
    first time), whether the opener feels afraid or pressured, and (to lead a parent–child repair)
    that they are the parent or caregiver."""

    partner_id: int
    protocol: str
    choice: StartChoice
    language: str = ""  # the thread's language, if the opener chose one

    @property
    def custom_id(self) -> str:
        chosen = f":{self.language}" if self.language else ""
        return f"mend:consent:{self.partner_id}:{self.protocol}:{self.choice.value}{chosen}"


@dataclass(frozen=True)
class SafetyAnswer:
    """The invited person's private answer to "do you ever feel afraid or pressured?": `READY` for
    no (the repair starts), `NOT_SAFE` for yes. It names the invitation's message, whose buttons
    the answer retires (Mend may not have noted that message yet when a quick answer comes)."""

    rupture_id: int
    at: Position
    move: Move
    invitation_id: int | None = None

    @property
    def custom_id(self) -> str:
        invitation = f":{self.invitation_id}" if self.invitation_id is not None else ""
        return f"mend:safe:{self.rupture_id}:{_at(self.at)}:{self.move.value}{invitation}"

    @property
    def action(self) -> Press:
        return Press(self.move, self.at)


@dataclass(frozen=True)
class InvitationDetails:
    """Everything about an invitation that does not fit on a phone screen, shown privately."""

    rupture_id: int

    @property
    def custom_id(self) -> str:
        return f"mend:about:{self.rupture_id}"


@dataclass(frozen=True)
class EraseButton:
    user_id: int
    choice: Choice

    @property
    def custom_id(self) -> str:
        return f"mend:erase:{self.user_id}:{self.choice.value}"


@dataclass(frozen=True)
class ShareButton:
    """Choose to share the picture of one's history with the other person in it (or, `NO`, not any more)."""

    partner_id: int
    choice: Choice

    @property
    def custom_id(self) -> str:
        return f"mend:share:{self.partner_id}:{self.choice.value}"


@dataclass(frozen=True)
class ResourcesButton:
    @property
    def custom_id(self) -> str:
        return "mend:resources"


Component = (
    TurnButton
    | WriteButton
    | AcknowledgeButton
    | WriteForm
    | OfferBreak
    | BreakUntilMorning
    | PhrasePalette
    | SayPhrase
    | TakeBreak
    | EndBreak
    | LeaveButton
    | CheckinButton
    | FollowupButton
    | FollowupWay
    | ConsentButton
    | SafetyAnswer
    | InvitationDetails
    | EraseButton
    | ShareButton
    | ResourcesButton
)


def _turn(match: re.Match[str]) -> Component:
    rupture_id, at, what = int(match["rid"]), _position(match), match["what"]
    if what == "write":
        return WriteButton(rupture_id, at)
    if what.startswith("ack-"):
        return AcknowledgeButton(rupture_id, at, Role(what.removeprefix("ack-")))
    return TurnButton(rupture_id, at, Move(what))


def _break(match: re.Match[str]) -> Component:
    rupture_id, what = int(match["rid"]), match["what"]
    if what in ("ask", "longer"):
        return OfferBreak(rupture_id, longer=what == "longer")
    if what == "morning":
        return BreakUntilMorning(rupture_id)
    if what == "end":
        return EndBreak(rupture_id)
    return TakeBreak(rupture_id, int(what))


def _choices(kind: type[StrEnum]) -> str:
    return "|".join(re.escape(member.value) for member in kind)


_TURN_WORDS = f"{_choices(Move)}|write|ack-first|ack-second"
_READERS: dict[str, tuple[re.Pattern[str], Callable[[re.Match[str]], Component]]] = {
    "turn": (re.compile(rf"mend:turn:(?P<rid>{_ID}):{_AT}:(?P<what>{_TURN_WORDS})", re.ASCII), _turn),
    "write": (
        re.compile(rf"mend:write:(?P<rid>{_ID}):{_AT}", re.ASCII),
        lambda m: WriteForm(int(m["rid"]), _position(m)),
    ),
    "break": (
        re.compile(rf"mend:break:(?P<rid>{_ID}):(?P<what>ask|longer|morning|end|[0-9]{{2,4}})", re.ASCII),
        _break,
    ),
    "phrases": (re.compile(rf"mend:phrases:(?P<rid>{_ID})", re.ASCII), lambda m: PhrasePalette(int(m["rid"]))),
    "say": (
        re.compile(rf"mend:say:(?P<rid>{_ID}):(?P<what>[a-z]{{1,12}}[0-9]{{1,2}})", re.ASCII),
        lambda m: SayPhrase(int(m["rid"]), m["what"]),
    ),
    "leave": (
        re.compile(rf"mend:leave:(?P<rid>{_ID}):(?P<what>{_choices(LeaveStep)})", re.ASCII),
        lambda m: LeaveButton(int(m["rid"]), LeaveStep(m["what"])),
    ),
    "checkin": (
        re.compile(rf"mend:checkin:(?P<rid>{_ID}):(?P<what>{_choices(CheckinChoice)})", re.ASCII),
        lambda m: CheckinButton(int(m["rid"]), CheckinChoice(m["what"])),
    ),
    "followup": (
        re.compile(rf"mend:followup:(?P<rid>{_ID}):(?P<role>first|second):(?P<what>{_choices(FollowupAnswer)})"),
        lambda m: FollowupButton(int(m["rid"]), Role(m["role"]), FollowupAnswer(m["what"])),
    ),
    "askby": (
        re.compile(rf"mend:askby:(?P<rid>{_ID}):(?P<role>first|second):(?P<what>dm|thread)", re.ASCII),
        lambda m: FollowupWay(int(m["rid"]), Role(m["role"]), m["what"] == "dm"),
    ),
    "consent": (
        re.compile(
            rf"mend:consent:(?P<who>{_ID}):(?P<protocol>[a-z0-9-]{{1,40}}):(?P<what>{_choices(StartChoice)})"
            r"(?::(?P<language>[A-Za-z-]{2,8}))?",
            re.ASCII,
        ),
        lambda m: ConsentButton(int(m["who"]), m["protocol"], StartChoice(m["what"]), m["language"] or ""),
    ),
    "safe": (
        re.compile(rf"mend:safe:(?P<rid>{_ID}):{_AT}:(?P<what>ready|unsafe)(?::(?P<on>{_ID}))?", re.ASCII),
        lambda m: SafetyAnswer(int(m["rid"]), _position(m), Move(m["what"]), _message_id(m["on"])),
    ),
    "about": (re.compile(rf"mend:about:(?P<rid>{_ID})", re.ASCII), lambda m: InvitationDetails(int(m["rid"]))),
    "erase": (
        re.compile(rf"mend:erase:(?P<who>{_ID}):(?P<what>yes|no)", re.ASCII),
        lambda m: EraseButton(int(m["who"]), Choice(m["what"])),
    ),
    "share": (
        re.compile(rf"mend:share:(?P<who>{_ID}):(?P<what>yes|no)", re.ASCII),
        lambda m: ShareButton(int(m["who"]), Choice(m["what"])),
    ),
    "resources": (re.compile("mend:resources"), lambda m: ResourcesButton()),
}


def parse(custom_id: str) -> Component | None:
    """The button or form a `custom_id` stands for, or None if it is not one of Mend's."""
    kind = custom_id.split(":", 2)[1] if custom_id.startswith(PREFIX) and custom_id.count(":") else ""
    reader = _READERS.get(kind)
    if reader is None:
        return None
    pattern, build = reader
    match = pattern.fullmatch(custom_id)
    return None if match is None else build(match)


def invitation_link(rupture: Rupture) -> str:
    """A link to the invitation at the top of the rupture's thread."""
    link = f"https://discord.com/channels/{rupture.guild_id}/{rupture.thread_id}"
    return link if rupture.prompt_message_id is None else f"{link}/{rupture.prompt_message_id}"


def matches(message_components: Iterable[str], due: Due, rupture: Rupture, role: Role | None = None) -> bool:
    """Whether a message (by its buttons' ids and links) is the item `due` that Mend sent for `rupture`.

    The sweep uses it after a crash to find what it already sent, instead of sending it twice.
    """
    found = set(message_components)
    if due is Due.CHECKIN:
        return CheckinButton(rupture.id, CheckinChoice.PICK_UP).custom_id in found
    if due is Due.INVITE_REMINDER:
        return invitation_link(rupture) in found
    if due is Due.INVITATION_END:
        return True  # while an invitation waits, the ending is the only thing Mend posts in its thread
    if due is Due.PAUSE_END:
        return OfferBreak(rupture.id, longer=True).custom_id in found
    assert role is not None
    return any(FollowupButton(rupture.id, role, answer).custom_id in found for answer in FollowupAnswer)

"""What a person can do in a repair, one small type per kind of action, and what deciding needs.

Buttons and forms are translated into these by the Discord layer; `bot.repair.decide` takes one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.protocols import Role
from bot.rupture import Position

Cadence = tuple[timedelta, ...]
DEFAULT_CADENCE: Cadence = (timedelta(days=1), timedelta(days=3), timedelta(days=7))


class Move(StrEnum):
    """A press on a turn button that carries no words. The values travel in `custom_id`s."""

    READY = "ready"
    NOT_NOW = "notnow"
    DECLINE = "decline"
    NOT_SAFE = "unsafe"  # "yes, I feel afraid or pressured", in answer to the safety question
    SKIP = "skip"
    GOT_IT = "gotit"
    MORE = "more"  # got it, and there is more to say
    NOT_QUITE = "notquite"
    MOVE_ON = "moveon"  # after three rounds, either may move on for now
    READ = "read"
    ACCEPT = "accept"
    AGREE = "agree"
    UNDERSTOOD = "yes"  # understood enough for now
    NOT_YET = "notyet"


class CheckinAnswer(StrEnum):
    """An answer to a check-in that is not a snooze."""

    OKAY = "okay"
    PICK_UP = "pickup"
    STOP = "stop"


@dataclass(frozen=True)
class Press:
    """A turn button: ready, got it, agree, understood… `at` is where the button was made for."""

    move: Move
    at: Position | None = None


@dataclass(frozen=True)
class Write:
    """Words from a form, for the turn at `at`."""

    text: str
    at: Position | None = None


def says_something(text: str) -> bool:
    """Whether text has anything to read: not only spaces and invisible characters (zero-width,
    direction marks), which would post as a blank box."""
    return any(not (character.isspace() or unicodedata.category(character) == "Cf") for character in text)


@dataclass(frozen=True)
class Acknowledge:
    """Acknowledging the commitment the other person named."""

    whose: Role
    at: Position | None = None


@dataclass(frozen=True)
class Pause:
    """A break of about `length` (held between twenty minutes and a day)."""

    length: timedelta


@dataclass(frozen=True)
class EndPause:
    """The person who asked for the break ends it early."""


@dataclass(frozen=True)
class Leave:
    """Stepping away from the repair."""


@dataclass(frozen=True)
class AnswerCheckin:
    answer: CheckinAnswer


@dataclass(frozen=True)
class Snooze:
    """Check in again after `length`."""

    length: timedelta


@dataclass(frozen=True)
class Say:
    """One of the fixed repair phrases, sent to the other person in the thread, outside the turns."""

    phrase: str


Action = Press | Write | Acknowledge | Pause | EndPause | Leave | AnswerCheckin | Snooze | Say


@dataclass(frozen=True)
class Context:
    """What deciding needs besides the rupture: the time, the server's cadence, and any private
    answers already written for the current sealed step (storage loads those when they exist)."""

    now: datetime
    cadence: Cadence = DEFAULT_CADENCE
    sealed: Mapping[Role, str] = field(default_factory=dict)

"""Pieces every part of Mend's wording shares: mentions, timestamps, and the words for failures."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.i18n import N_, _


class Problem(StrEnum):
    """What went wrong talking to Discord, as far as a person needs to know."""

    FORBIDDEN = "forbidden"
    GONE = "gone"
    SLOW_DOWN = "slow down"
    BAD_ANSWER = "bad answer"
    UNREACHABLE = "unreachable"


FORMER_MEMBER = N_("a former member")


def mention(user_id: int | None) -> str:
    return f"<@{user_id}>" if user_id is not None else _(FORMER_MEMBER)


def channel(channel_id: int | None) -> str:
    return f"<#{channel_id}>"


def role(role_id: int) -> str:
    return f"<@&{role_id}>"


def when(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp: every reader sees it in their own time zone, and in their own language."""
    return f"<t:{int(moment.timestamp())}:{style}>"


ECHO_LIMIT = 60


def quoted(typed: str) -> str:
    """Something a person typed, quoted back to them: shortened, so a refusal always fits."""
    shown = typed if len(typed) <= ECHO_LIMIT else typed[: ECHO_LIMIT - 1] + "…"
    return f"“{shown}”"


_PROBLEMS = {
    Problem.FORBIDDEN: N_("Discord says Mend is missing a permission there"),
    Problem.GONE: N_("the thread or message is gone"),
    Problem.SLOW_DOWN: N_("Discord asked Mend to slow down"),
    Problem.BAD_ANSWER: N_("Discord did not answer properly"),
    Problem.UNREACHABLE: N_("Discord could not be reached"),
}


def problem(kind: Problem) -> str:
    """What went wrong talking to Discord, in words a person can act on."""
    return _(_PROBLEMS[kind])


CONTINUED = N_("(continued)")
YOUR_WORDS = N_("What you wrote (only you can see this)")
SOMETHING_WENT_WRONG = N_(
    "Something went wrong on Mend's side, and it has been logged. Nothing you had already "
    "posted is lost; please try again in a moment."
)
BUSY = N_("Mend is very busy for a moment and couldn't save that. Nothing changed; please try again shortly.")
UNKNOWN_BUTTON = N_("This button isn't one Mend knows any more, so nothing happened.")
UNKNOWN_FORM = N_("This form isn't one Mend can use any more; nothing was posted.")
EMPTY_FORM = N_("Nothing was posted: the box was empty.")

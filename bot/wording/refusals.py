"""Why something was not done: one plain, private sentence for each reason."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import N_, _
from bot.protocols import Response
from bot.rupture import Phase
from bot.wording.common import mention, when

NOT_IN_THIS_SERVER = N_("This button doesn't belong to a repair in this server.")
PROTOCOL_GONE = N_("The steps of this repair are no longer installed on this Mend.")
ENDED = N_("This repair has ended, so there's nothing to do here any more.")
STALE = N_("This step is already done. The latest one is at the bottom of the thread.")
DONE_ALREADY = N_("You've already done this part.")
OTHERS_COMMITMENT = N_("This one is for the other person to acknowledge.")
NOT_YOUR_BREAK = N_("Only the person who asked for the break can end it early.")


def outsider(first: int | None, second: int | None) -> str:
    return _("This repair is between {first} and {second}.").format(first=mention(first), second=mention(second))


def only_invitee(second: int | None) -> str:
    return _("Only {second} can answer this invitation.").format(second=mention(second))


def not_started(second: int | None) -> str:
    return _("This repair hasn't started yet: {second} hasn't said they're ready.").format(second=mention(second))


def on_a_break(until: datetime) -> str:
    return _("You're taking a break until {time} ({relative}). Nothing is lost; pick up when it ends.").format(
        time=when(until, "t"), relative=when(until, "R")
    )


def whose_turn(holder: int | None, phase: Phase, response: Response | None) -> str:
    """Whose turn it is, and what comes next for the person who pressed too early."""
    if phase is Phase.WRITE and response is not None:
        sentence = {
            Response.MIRROR: _("It's {who}'s turn to write — you'll be asked to reflect next."),
            Response.ACCEPT: _("It's {who}'s turn to write — then you can accept it or say what you still need."),
            Response.READ: _("It's {who}'s turn to write — then you'll say you've read it."),
            Response.NONE: _("It's {who}'s turn to write — you'll be able to read it here."),
        }[response]
    elif phase is Phase.CLARIFY:
        sentence = _("It's {who}'s turn to say what was missed — then you'll reflect back again.")
    elif phase is Phase.MIRROR:
        sentence = _("It's {who}'s turn to reflect back what they heard — then you'll say whether they got it.")
    elif phase is Phase.CONFIRM:
        sentence = _("It's {who}'s turn to say whether the reflection got it.")
    elif phase is Phase.VALIDATE:
        sentence = _("It's {who}'s turn to say what makes sense about your side.")
    else:
        sentence = _("It's {who}'s turn to answer.")
    return sentence.format(who=mention(holder))

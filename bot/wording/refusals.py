"""Why something was not done: one plain, private sentence for each reason."""

from __future__ import annotations

from datetime import datetime

from bot.protocols import Response
from bot.rupture import Phase
from bot.wording.common import mention, when

NOT_IN_THIS_SERVER = "This button doesn't belong to a repair in this server."
PROTOCOL_GONE = "The steps of this repair are no longer installed on this Mend."
ENDED = "This repair has ended, so there's nothing to do here any more."
STALE = "This step is already done. The latest one is at the bottom of the thread."
DONE_ALREADY = "You've already done this part."
OTHERS_COMMITMENT = "This one is for the other person to acknowledge."
NOT_YOUR_BREAK = "Only the person who asked for the break can end it early."


def outsider(first: int | None, second: int | None) -> str:
    return f"This repair is between {mention(first)} and {mention(second)}."


def only_invitee(second: int | None) -> str:
    return f"Only {mention(second)} can answer this invitation."


def not_started(second: int | None) -> str:
    return f"This repair hasn't started yet: {mention(second)} hasn't said they're ready."


def on_a_break(until: datetime) -> str:
    return (
        f"You're taking a break until {when(until, 't')} ({when(until, 'R')}). Nothing is lost; pick up when it ends."
    )


def whose_turn(holder: int | None, phase: Phase, response: Response | None) -> str:
    """Whose turn it is, and what comes next for the person who pressed too early."""
    who = mention(holder)
    if phase is Phase.WRITE and response is not None:
        next_part = {
            Response.MIRROR: "you'll be asked to reflect next",
            Response.ACCEPT: "then you can accept it or say what you still need",
            Response.READ: "then you'll say you've read it",
            Response.NONE: "you'll be able to read it here",
        }[response]
        return f"It's {who}'s turn to write — {next_part}."
    if phase is Phase.CLARIFY:
        return f"It's {who}'s turn to say what was missed — then you'll reflect back again."
    if phase is Phase.MIRROR:
        return f"It's {who}'s turn to reflect back what they heard — then you'll say whether they got it."
    if phase is Phase.CONFIRM:
        return f"It's {who}'s turn to say whether the reflection got it."
    if phase is Phase.VALIDATE:
        return f"It's {who}'s turn to say what makes sense about your side."
    return f"It's {who}'s turn to answer."

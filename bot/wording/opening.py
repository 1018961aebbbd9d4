"""The words of starting a repair, the guide, and `/repair status`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.plan import Card, Field
from bot.wording.common import channel, mention, quoted, role, when

HOW_IT_WORKS_TITLE = "Mend: repairing a rupture, together"
PRIVACY_NOTICE = (
    "The thread Mend opens is private to the two of you, but **server moderators and admins "
    "(people with Manage Threads or Administrator) can read private threads.** What you write is "
    "posted there; Mend itself does not keep your words."
)
# What an opener sees whenever the other person isn't available, for whatever private reason.
NOT_RIGHT_NOW = "Not right now. Nothing more is needed from you for the moment."


def guide(protocols: Iterable[tuple[str, str]]) -> Card:
    """The guide to Mend: what a rupture is, why repair matters, the steps, and what is kept."""
    ways = "\n".join(f"**{name}**: {description}" for name, description in protocols)[:1024]
    return Card(
        title=HOW_IT_WORKS_TITLE,
        text=(
            "A **rupture** is a moment when one of you felt unseen, misunderstood or shut out. It "
            "happens in every close relationship, often, even between people who feel secure with "
            "each other. It isn't a failure. What matters is the **repair**: coming back to it, "
            "hearing each other, and finding your way back. Each repair makes the bond a little "
            "sturdier, and Mend counts repairs, not calm days: `/repair history` shows you yours, privately."
        ),
        fields=(
            Field(
                "The four moves of repair",
                "**Acknowledge** what happened, without defending.\n"
                "**Listen** fully to the other person's side.\n"
                "**Validate** what makes sense about how they felt.\n"
                "**Find common ground** for next time.",
                inline=False,
            ),
            Field(
                "How it works",
                "`/repair start` invites the other person to a private thread; nothing happens until "
                "they say they're ready. Then Mend walks you through the steps in turns: whoever has "
                "the floor writes, the other reflects back what they heard, and the first says "
                "*got it* or *not quite*. In some steps you both write privately, and the answers "
                "appear together, so nobody has to go first. A repair is finished only when **both** "
                "of you say you feel understood.",
                inline=False,
            ),
            Field("Ways to repair", ways, inline=False),
            Field(
                "Breaks and stepping away",
                "Either of you can take a break (20 minutes up to a day) or step away at any time, in "
                "one click and without giving a reason. The other person sees only a neutral note. "
                "Strong feelings take at least 20 minutes to settle; a break is part of repair.",
                inline=False,
            ),
            Field(
                "What Mend keeps, and who can read",
                "Mend keeps who is in a repair, which steps, where it stands and when, not your words: "
                "what you write is posted in the thread and then erased from Mend's database (private "
                "answers are held only until both are in). The thread is private to the two of you, "
                "**but server moderators and admins can read private threads.** `/privacy` shows, "
                "exports or deletes what Mend holds about you.",
                inline=False,
            ),
        ),
        footer="Mend is for relationships that feel safe. If you're afraid or in crisis, /resources lists help.",
    )


# Consent before the first thread.
CONSENT_TITLE = "Before you start"
CONTINUE = "Continue"
NOT_NOW = "Not now"
WITH = "With"
WAY_OF_REPAIRING = "Way of repairing"
TOPIC = "Topic"
NOTHING_STARTED = "Okay. Nothing was started."


def consent(partner: int, protocol_name: str, topic: str | None) -> Card:
    fields = [Field(WITH, mention(partner)), Field(WAY_OF_REPAIRING, protocol_name)]
    if topic:
        fields.append(Field(TOPIC, topic, inline=False))
    return Card(PRIVACY_NOTICE, title=CONSENT_TITLE, fields=tuple(fields))


# Refusals before a thread opens.
IN_A_SERVER = "Mend's repairs happen inside a server: use this there."
ONLY_IN_A_SERVER = "Mend's repairs happen inside a server."
NEEDS_TWO = "A repair takes two people: choose the person you'd like to repair with."
NO_BOTS = "Repairs are between people; bots can't take part."
NOT_A_TEXT_CHANNEL = (
    "Mend opens private threads in a text channel, and this isn't one: try again in a text "
    "channel, or ask an admin to choose one with `/mend-admin setup`."
)
ALREADY_OPEN = "You two already have an open repair; `/repair status` links to it."


def no_such_protocol(key: str) -> str:
    return f"There is no way of repairing called {quoted(key)}: choose one from the list."


def not_a_member(user_id: int) -> str:
    return f"{mention(user_id)} isn't in this server, so Mend can't invite them here."


def left_the_server(user_id: int) -> str:
    return f"{mention(user_id)} isn't in this server any more."


def seems_gone(user_id: int) -> str:
    return f"{mention(user_id)} doesn't seem to be in this server any more."


def needs_role(role_id: int) -> str:
    return f"Mend is set up here for people with the {role(role_id)} role; an admin can add you to it."


def partner_lacks_role(user_id: int, role_id: int) -> str:
    return f"{mention(user_id)} doesn't have the {role(role_id)} role that Mend is set up for here."


def already_open(thread_id: int) -> str:
    return f"You two already have an open repair: {channel(thread_id)}."


def missing_permissions(channel_id: int, missing: list[str]) -> str:
    plural = "s" if len(missing) > 1 else ""
    return (
        f"Mend can't open a private thread in {channel(channel_id)}: it is missing the "
        f"{' and '.join(missing)} permission{plural} there. A server admin can grant it in the channel's settings."
    )


def could_not_open(problem: str) -> str:
    return f"Mend couldn't open the thread: {problem}."


def opened(thread_id: int, partner: int) -> str:
    return (
        f"I've opened {channel(thread_id)} and invited {mention(partner)}. Nothing happens until they're "
        "ready, and they can also say not now."
    )


def thread_name(opener: str, partner: str) -> str:
    return f"Repair · {opener} & {partner}"


# The invitation.
INVITATION_TITLE = "An invitation to repair"


def invitation_content(partner: int | None) -> str:
    return f"{mention(partner)}, you have an invitation."


def invitation(opener: int | None, name: str, description: str, opener_label: str, partner_label: str) -> str:
    who = mention(opener)
    return (
        f"{who} would like to talk something through with you, using **{name}**: "
        f"{description}\n\nHere {who} is {opener_label} and you are "
        f"{partner_label}. It goes in turns. Either of you can take a break or step away at "
        "any time, in one click and without giving a reason. Nothing happens until you're ready.\n\n"
        f"{PRIVACY_NOTICE}"
    )


# /repair status and the commands that act on "your" repair.
NO_OPEN_REPAIRS = "You have no open repairs. `/repair start` begins one, whenever you like."
STATUS_TITLE = "Your open repairs"
NONE_IN_THIS_THREAD = "You have no open repair in this thread."
NONE_OPEN = "You have no open repair right now."
MORE_THAN_ONE = "You're in more than one repair: use this inside the repair's thread."
YOUR_PARTNER = "your partner"


def status_name(protocol_name: str, other_name: str) -> str:
    return f"{protocol_name} with {other_name}"


def status_line(thread_id: int | None, standing: str) -> str:
    return f"{channel(thread_id)} · {standing}"


def pick_up(name: str) -> str:
    return f"Pick up: {name}"


def waiting_for_answer(other: int | None) -> str:
    return f"waiting for {mention(other)} to answer the invitation"


def invited_you(other: int | None) -> str:
    return f"{mention(other)} invited you; answer in the thread when you're ready"


def on_a_break(until: datetime) -> str:
    return f"on a break until {when(until)}"


RESTING = "resting: Mend has stopped checking in. Pick it up whenever you like"
LAST_QUESTION = "the last question"
WAITING_FOR_OTHER = "waiting for the other person"
YOUR_PART = "your part to do"
YOUR_TURN = "your turn"


def at_step(number: int, total: int, title: str) -> str:
    return f"step {number} of {total}, {title}"


def their_turn(other: int | None) -> str:
    return f"{mention(other)}'s turn"


def where_and_whose(where: str, whose: str) -> str:
    return f"{where} · {whose}"

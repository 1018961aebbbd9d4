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
# The same words whatever made a recent invitation end (no answer, not now, a decline, a block).
CALM_BEFORE_INVITING_AGAIN = (
    "An invitation between you two ended recently. Give it a day before inviting again; nothing more is "
    "needed from you for now."
)


def guide(protocols: Iterable[tuple[str, str]]) -> Card:
    """The guide to Mend: what a rupture is, why repair matters, the steps, and what is kept."""
    ways = "\n".join(f"**{name}**: {description}" for name, description in protocols)[:1024]
    return Card(
        title=HOW_IT_WORKS_TITLE,
        text=(
            "A **rupture** is a moment when one of you felt unseen, misunderstood or shut out. It "
            "happens in every close relationship, often, even between people who feel secure with "
            "each other. It isn't a failure. What matters is the **repair**: coming back to it, "
            "hearing each other, and finding your way back. Mend counts repairs, not calm days: "
            "`/repair history` shows you yours, privately."
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
                "**but server moderators and admins can read private threads.** `/privacy about` says more; "
                "`/privacy export` and `/privacy delete` give you or erase what Mend holds about you.",
                inline=False,
            ),
        ),
        footer="Mend is for relationships that feel safe. If you're afraid or in crisis, /resources lists help.",
    )


# What is asked privately before a thread opens.
CONSENT_TITLE = "Before you start"
START = "No, let's start"
START_AS_PARENT = "No, and I'm their parent or caregiver"
NOT_SAFE = "Yes"
NOT_NOW = "Not now"
WITH = "With"
WAY_OF_REPAIRING = "Way of repairing"
TOPIC = "Topic"
NOTHING_STARTED = "Okay. Nothing was started."
LED_BY_A_PARENT = (
    "This way of repairing is for a parent or caregiver and their child, and the parent leads it. "
    "Start it only if you are the child's parent or caregiver."
)
NOT_YOUR_FAULT = (
    "Thank you for saying so. Nothing was started and nobody is told anything. If someone makes you "
    "afraid or pushes you into things, that is not your fault, and a repair conversation is not the right "
    "tool for it. The people below can help, confidentially. Only you can see this."
)


CALM_DOWN_TITLE = "First, a moment for you"
CALM_DOWN = (
    "A repair starts with the grown-up being calm enough to hold it. Before you invite your child, take a "
    "few slow breaths and notice what you're feeling. This is yours to lead, not theirs to fix. If you're "
    "still upset, it's fine to wait and come back when you're steadier."
)
CALM_ENOUGH = "I'm calm enough: invite them"


def safety_question(partner: int | None) -> str:
    return f"One question first, only for you: do you ever feel afraid of {mention(partner)}, or pressured to do this?"


def consent(partner: int, protocol_name: str, topic: str | None, *, first_time: bool, parent_led: bool) -> Card:
    """The private card before a repair starts: who can read its thread (the first time), who leads it
    (a parent–child repair), and the safety question."""
    fields = [Field(WITH, mention(partner)), Field(WAY_OF_REPAIRING, protocol_name)]
    if topic:
        fields.append(Field(TOPIC, topic, inline=False))
    parts = [PRIVACY_NOTICE] if first_time else []
    parts += [LED_BY_A_PARENT] if parent_led else []
    parts.append(safety_question(partner))
    return Card("\n\n".join(parts), title=CONSENT_TITLE, fields=tuple(fields))


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


def thread_name(tag: str) -> str:
    """A thread's name names nobody and says nothing of what it is about (a topic is the opener's choice)."""
    return f"Repair · {tag}"


# The invitation.
INVITATION_TITLE = "An invitation to repair"
INVITATION_DETAILS = "What this is"
READY_TO_START = "No, I'm ready"
INVITATION_ENDED = "This invitation has ended. Either of you can start a new repair later."


def invitation_content(partner: int | None) -> str:
    return mention(partner)  # the ping; the card's title says what it is


READERS = "Server admins and moderators can read this thread."


def invitation(opener: int | None, name: str) -> str:
    """The invitation, short enough for a phone screen; the rest is one tap away."""
    return (
        f"{mention(opener)} would like to talk something through with you, in turns (**{name}**). "
        f"Nothing happens until you're ready; *Not now* is always fine. {READERS}"
    )


def invitation_details(opener: int | None, description: str, roles: tuple[str, str] | None) -> str:
    """Everything about an invitation, privately: the way of repairing, who is who, breaks, privacy."""
    who = f"\n\nHere {mention(opener)} is {roles[0]} and you are {roles[1]}." if roles else ""
    return (
        f"{description}{who}\n\nIt goes in turns. Either of you can take a break or step away at any time, in "
        "one click and without giving a reason. Whatever you answer, nobody is told why.\n\n"
        f"{PRIVACY_NOTICE}"
    )


def safety_check(opener: int | None) -> str:
    return (
        f"Before you start, one question only you see: do you ever feel afraid of {mention(opener)}, "
        "or pressured to do this?"
    )


# /repair status and the commands that act on "your" repair.
NO_OPEN_REPAIRS = "You have no open repairs. `/repair start` begins one, whenever you like."
STATUS_TITLE = "Your open repairs"
NONE_IN_THIS_THREAD = "You have no open repair in this thread."
NONE_OPEN = "You have no open repair right now."
MORE_THAN_ONE = "You're in more than one repair: use this inside the repair's thread."
YOUR_PARTNER = "the other person"


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
